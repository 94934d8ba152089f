// The reachability walker: moves a packet from node to node the way AWS
// forwards it (interface, subnet, VPC router, gateways, peerings, endpoints),
// applying security groups, NACLs and translations, until it is accepted,
// leaves the modelled network, or is dropped with a reason.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/net/reach_walk.hpp"

namespace ward::net::detail {

namespace {

// Longer than any sane path (the NAT path is about ten hops); reaching it
// means the routes loop.
constexpr size_t kMaxHops = 48;
constexpr uint16_t kFirstNatPort = 1024;

bool subnetHost(const MEndpoint& ep) { return ep.kind == EpKind::Virtual && ep.nodeKind == "subnet"; }

std::string cidrList(const std::vector<Cidr>& blocks) {
  std::string out;
  for (const Cidr& c : blocks) {
    if (!out.empty()) out += ", ";
    out += format(c);
  }
  return out.empty() ? std::string("none") : out;
}

// Optimization: translations are noted on every NAT and IGW hop; writing the
// dotted quad by hand is several times cheaper than the general formatter.
std::string ipText(const IpAddr& ip) {
  if (ip.family != 4) return format(ip);
  char buf[16];
  char* p = buf;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned octet = static_cast<unsigned>((ip.lo >> shift) & 0xff);
    if (octet >= 100) *p++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *p++ = static_cast<char>('0' + octet / 10 % 10);
    *p++ = static_cast<char>('0' + octet % 10);
    if (shift > 0) *p++ = '.';
  }
  return std::string(buf, p);
}

std::string endpointText(const IpAddr& ip, int16_t proto, uint16_t port) {
  if (!hasPorts(proto)) return ipText(ip);
  return cat(ipText(ip), ":", std::to_string(port));
}

}  // namespace

// --- bookkeeping ----------------------------------------------------------------

bool Walker::push(Walk& w, const std::string& node, const char* kind) {
  if (w.trace.hops.size() >= kMaxHops) {
    block(w, Outcome::NullRouted, node, "ROUTING_LOOP",
          fmt::format("the packet passed {} hops without arriving; the routes form a loop", kMaxHops));
    return false;
  }
  Hop h;
  h.node = node;
  h.kind = kind;
  w.trace.hops.push_back(std::move(h));
  return true;
}

void Walker::block(Walk& w, Outcome o, std::string component, const char* reason, std::string detail) {
  w.trace.outcome = o;
  w.trace.blockedBy = BlockedBy{std::move(component), reason, std::move(detail)};
  out_.push_back(std::move(w));
}

void Walker::accept(Walk& w, const MEndpoint* ep) {
  w.trace.outcome = Outcome::Accepted;
  w.end = EndKind::Endpoint;
  w.endEp = ep;
  out_.push_back(std::move(w));
}

void Walker::exitAt(Walk& w, EndKind end, Idx idx) {
  w.trace.outcome = Outcome::ExitsNetwork;
  w.end = end;
  w.endIdx = idx;
  out_.push_back(std::move(w));
}

FlowView Walker::view(const Walk& w) const { return FlowView{w.pkt.src, w.pkt.dst, w.pkt.proto, w.pkt.dstPorts}; }

bool Walker::hasSession(const MEndpoint& ep) const {
  if (reply_ == nullptr) return false;
  return std::find(reply_->endpoints.begin(), reply_->endpoints.end(), &ep) != reply_->endpoints.end();
}

const NatSession* Walker::natSession(const std::string& node, const Packet& p) const {
  if (reply_ == nullptr) return nullptr;
  for (const NatSession& s : reply_->nats) {
    if (*s.node != node || !(p.dst == s.natIp) || !(p.src == s.peer)) continue;
    if (hasPorts(p.proto) && !contains(p.dstPorts, s.natPort)) continue;
    return &s;
  }
  return nullptr;
}

const MEndpoint* Walker::findEndpoint(Idx vpc, const IpAddr& ip) const {
  for (const MEndpoint* v : ctx_.virtualEps) {
    if (v->vpc == vpc && std::find(v->ips.begin(), v->ips.end(), ip) != v->ips.end()) return v;
  }
  if (vpc >= m_.endpointByIp.size()) return nullptr;
  auto it = m_.endpointByIp[vpc].find(ip);
  return it == m_.endpointByIp[vpc].end() ? nullptr : &m_.endpoints[it->second];
}

// --- filters ----------------------------------------------------------------------

bool Walker::checkSg(Walk& w, const MEndpoint& ep, bool egress) {
  if (!ep.applySgs) return true;
  Hop& hop = w.trace.hops.back();
  if (hasSession(ep)) {
    // Security groups are stateful: the reply of an admitted flow is admitted
    // whatever the rules say.
    hop.filters.push_back(cat(ep.eniId, egress ? " egress" : " ingress", " security groups: permit (session of the forward flow)"));
    return true;
  }
  SgDecision d = evalSgs(m_, ep, egress, view(w), ctx_.virtualMembers);
  hop.filters.push_back(std::move(d.filter));
  if (!d.allow) {
    block(w, egress ? Outcome::DeniedOut : Outcome::DeniedIn, ep.eniId, "ENI_SG_RULES_MISMATCH", std::move(d.detail));
    return false;
  }
  w.sess.endpoints.push_back(&ep);
  return true;
}

bool Walker::checkAcl(Walk& w, Idx subnet, bool egress) {
  Idx acl = m_.subnets[subnet].acl;
  // A subnet whose NACL is missing from the snapshot is not filtered: the
  // snapshot does not say, and AWS's default NACL admits everything.
  if (acl == kNone) return true;
  AclDecision d = evalAcl(m_.acls[acl], egress, view(w));
  w.trace.hops.back().filters.push_back(std::move(d.filter));
  if (!d.allow) {
    block(w, egress ? Outcome::DeniedOut : Outcome::DeniedIn, m_.acls[acl].id, "SUBNET_ACL_RESTRICTION",
          std::move(d.detail));
    return false;
  }
  return true;
}

// --- sources ----------------------------------------------------------------------

void Walker::fromEndpoint(Walk& w, const MEndpoint& ep) {
  if (!push(w, ep.node, ep.nodeKind.c_str())) return;
  if (!ep.available) {
    block(w, Outcome::DeniedOut, ep.node, "RESOURCE_NOT_AVAILABLE", ep.unavailableWhy);
    return;
  }
  if (subnetHost(ep)) {
    // A subnet as the source: an unnamed host in it, without security groups.
    if (inAny(m_.subnets[ep.subnet].cidrs, w.pkt.dst)) {
      deliverDirect(w, ep.subnet);
    } else {
      subnetOut(w, ep.subnet, false);
    }
    return;
  }
  sendFrom(w, ep);
}

void Walker::fromVpc(Walk& w, Idx vpc) {
  const MVpc& v = m_.vpcs[vpc];
  if (!push(w, v.id, "vpc")) return;
  if (vpcContains(v, w.pkt.dst)) {
    vpcDeliver(w, vpc);
  } else {
    routeFrom(w, v.mainTable, vpc, false);
  }
}

void Walker::fromInternet(Walk& w) {
  if (!push(w, "internet", "internet")) return;
  const IpAddr& dst = w.pkt.dst;
  if (isNonPublic(dst)) {
    block(w, Outcome::NullRouted, "internet", "PRIVATE_ADDRESS_ON_INTERNET",
          fmt::format("{} is a private or reserved address; the internet does not route it", format(dst)));
    return;
  }
  if (m_.endpointByPublicIp.count(dst) != 0 || isAwsService(m_, dst)) {
    backbone(w);
  } else {
    exitAt(w, EndKind::Internet, kNone);
  }
}

void Walker::fromServicesGateway(Walk& w) {
  if (!push(w, "aws-services-gateway", "aws-services-gateway")) return;
  backbone(w);
}

void Walker::fromVpce(Walk& w, Idx vpce) {
  const MVpce& v = m_.vpces[vpce];
  if (!push(w, v.id, "vpc_endpoint")) return;
  if (v.vpc == kNone || v.vpc >= m_.vpcs.size()) {
    block(w, Outcome::NoRoute, v.id, "NO_ROUTE_TO_DESTINATION", fmt::format("{} is in no VPC of the snapshot", v.id));
    return;
  }
  if (!push(w, m_.vpcs[v.vpc].id, "vpc")) return;
  vpcDeliver(w, v.vpc);
}

void Walker::fromVgw(Walk& w, Idx vgw) {
  if (!push(w, m_.vgws[vgw].id, "vpn_gateway")) return;
  vgwRoute(w, vgw, kNone);
}

void Walker::fromTgw(Walk& w, Idx tgw) {
  if (!push(w, m_.tgws[tgw].id, "transit_gateway")) return;
  tgwRoute(w, tgw);
}

// --- inside a VPC -----------------------------------------------------------------

void Walker::sendFrom(Walk& w, const MEndpoint& ep) {
  if (!checkSg(w, ep, true)) return;
  if (std::find(ep.ips.begin(), ep.ips.end(), w.pkt.dst) != ep.ips.end()) {
    accept(w, &ep);
    return;
  }
  if (ep.subnet == kNone || ep.subnet >= m_.subnets.size()) {
    block(w, Outcome::NoRoute, ep.node, "NO_ROUTE_TO_DESTINATION",
          fmt::format("{} is in no subnet of the snapshot", ep.eniId));
    return;
  }
  // Inside one subnet the hosts talk directly: no route table, no NACL.
  if (inAny(m_.subnets[ep.subnet].cidrs, w.pkt.dst)) {
    deliverDirect(w, ep.subnet);
  } else {
    subnetOut(w, ep.subnet, true);
  }
}

void Walker::deliverDirect(Walk& w, Idx subnet) {
  const MSubnet& s = m_.subnets[subnet];
  const MEndpoint* ep = findEndpoint(s.vpc, w.pkt.dst);
  if (ep == nullptr || ep->subnet != subnet) {
    block(w, Outcome::NeighborUnreachable, s.id, "NO_ENI_FOR_ADDRESS",
          fmt::format("no network interface in {} has address {}", s.id, format(w.pkt.dst)));
    return;
  }
  receive(w, *ep);
}

void Walker::subnetOut(Walk& w, Idx subnet, bool pushHop) {
  const MSubnet& s = m_.subnets[subnet];
  if (pushHop && !push(w, s.id, "subnet")) return;
  if (!s.available) {
    block(w, Outcome::NullRouted, s.id, "RESOURCE_NOT_AVAILABLE", fmt::format("subnet {} is not available", s.id));
    return;
  }
  if (!checkAcl(w, subnet, true)) return;
  routeFrom(w, s.table, s.vpc, true);
}

void Walker::routeFrom(Walk& w, Idx table, Idx vpc, bool pushVpc) {
  const std::string here = w.trace.hops.back().node;
  if (table == kNone || table >= m_.tables.size()) {
    block(w, Outcome::NoRoute, here, "NO_ROUTE_TO_DESTINATION",
          fmt::format("{} has no route table in the snapshot (no explicit association and no main table)", here));
    return;
  }
  const MTable& t = m_.tables[table];
  const MRoute* r = lookupRoute(t, w.pkt.dst);
  if (r == nullptr) {
    block(w, Outcome::NoRoute, t.id, "NO_ROUTE_TO_DESTINATION",
          fmt::format("route table {} has no route for {}", t.id, format(w.pkt.dst)));
    return;
  }
  w.trace.hops.back().notes.push_back(r->note);
  if (r->blackhole) {
    block(w, Outcome::NullRouted, t.id, "BLACKHOLE_ROUTE",
          fmt::format("route {} in {} is a blackhole (its target no longer exists)", routeText(*r), t.id));
    return;
  }
  if (vpc == kNone || vpc >= m_.vpcs.size()) {
    block(w, Outcome::NoRoute, t.id, "NO_ROUTE_TO_DESTINATION", fmt::format("{} belongs to no VPC", t.id));
    return;
  }
  if (pushVpc && !push(w, m_.vpcs[vpc].id, "vpc")) return;
  dispatch(w, *r, vpc);
}

void Walker::dispatch(Walk& w, const MRoute& r, Idx vpc) {
  auto missing = [&] {
    block(w, Outcome::NullRouted, r.targetId, "RESOURCE_NOT_AVAILABLE",
          fmt::format("route target {} is not in the snapshot", r.targetId));
  };
  if (r.target != TargetKind::Local && r.target != TargetKind::Other && r.targetIdx == kNone) {
    missing();
    return;
  }
  switch (r.target) {
    case TargetKind::Local: vpcDeliver(w, vpc); return;
    case TargetKind::Igw:
    case TargetKind::EgressOnlyIgw: igwOut(w, r.targetIdx); return;
    case TargetKind::Nat: natForward(w, r.targetIdx); return;
    case TargetKind::Instance: {
      const auto& eps = m_.instanceEndpoints[r.targetIdx];
      viaEndpoint(w, eps.empty() ? nullptr : &m_.endpoints[eps.front()]);
      return;
    }
    case TargetKind::Eni: viaEndpoint(w, &m_.endpoints[r.targetIdx]); return;
    case TargetKind::Vpce: vpceOut(w, r.targetIdx); return;
    case TargetKind::Pcx: peering(w, r.targetIdx, vpc); return;
    case TargetKind::Vgw: {
      const MVgw& g = m_.vgws[r.targetIdx];
      if (!push(w, g.id, "vpn_gateway")) return;
      if (!g.available || std::find(g.vpcs.begin(), g.vpcs.end(), vpc) == g.vpcs.end()) {
        block(w, Outcome::NullRouted, g.id, "RESOURCE_NOT_AVAILABLE",
              fmt::format("virtual private gateway {} is not available or not attached to {}", g.id, m_.vpcs[vpc].id));
        return;
      }
      vgwRoute(w, r.targetIdx, vpc);
      return;
    }
    case TargetKind::Tgw: {
      if (!push(w, m_.tgws[r.targetIdx].id, "transit_gateway")) return;
      tgwRoute(w, r.targetIdx);
      return;
    }
    case TargetKind::Other: {
      // Carrier and local gateways hand the packet to networks Ward does not model.
      if (r.targetId.rfind("cagw-", 0) == 0 || r.targetId.rfind("lgw-", 0) == 0) {
        if (!push(w, r.targetId, "gateway")) return;
        exitAt(w, EndKind::Other, kNone);
        return;
      }
      block(w, Outcome::NullRouted, m_.vpcs[vpc].id, "RESOURCE_NOT_AVAILABLE",
            fmt::format("route target {} is of a kind Ward does not model", r.targetId));
      return;
    }
  }
}

void Walker::vpcDeliver(Walk& w, Idx vpc) {
  const MVpc& v = m_.vpcs[vpc];
  if (auto s = subnetFor(m_, vpc, w.pkt.dst)) {
    subnetIn(w, *s);
    return;
  }
  if (vpcContains(v, w.pkt.dst)) {
    block(w, Outcome::NullRouted, v.id, "NO_SUBNET_FOR_ADDRESS",
          fmt::format("{} is inside {} ({}) but in none of its subnets", format(w.pkt.dst), v.id, cidrList(v.cidrs)));
    return;
  }
  block(w, Outcome::NoRoute, v.id, "NO_ROUTE_TO_DESTINATION",
        fmt::format("{} has no route for {} (outside its blocks {})", v.id, format(w.pkt.dst), cidrList(v.cidrs)));
}

void Walker::subnetIn(Walk& w, Idx subnet) {
  const MSubnet& s = m_.subnets[subnet];
  if (!push(w, s.id, "subnet")) return;
  if (!checkAcl(w, subnet, false)) return;
  const MEndpoint* ep = findEndpoint(s.vpc, w.pkt.dst);
  if (ep == nullptr || ep->subnet != subnet) {
    block(w, Outcome::NeighborUnreachable, s.id, "NO_ENI_FOR_ADDRESS",
          fmt::format("no network interface in {} has address {}", s.id, format(w.pkt.dst)));
    return;
  }
  receive(w, *ep);
}

void Walker::receive(Walk& w, const MEndpoint& ep) {
  if (subnetHost(ep)) {
    if (w.trace.hops.back().node != ep.node && !push(w, ep.node, "subnet")) return;
    accept(w, &ep);
    return;
  }
  if (!push(w, ep.node, ep.nodeKind.c_str())) return;
  if (!ep.available) {
    block(w, Outcome::NeighborUnreachable, ep.node, "RESOURCE_NOT_AVAILABLE", ep.unavailableWhy);
    return;
  }
  if (ep.kind == EpKind::Nat) {
    natReceive(w, ep);
    return;
  }
  if (!checkSg(w, ep, false)) return;
  if (const NatSession* s = natSession(ep.node, w.pkt)) {
    // The reply to a flow this NAT instance translated: restore the original
    // destination and forward it.
    w.trace.hops.back().notes.push_back(
        cat("nat session: destination ", endpointText(s->natIp, w.pkt.proto, s->natPort), " -> ",
            endpointText(s->origSrc, w.pkt.proto, s->origPort)));
    w.pkt.dst = s->origSrc;
    w.pkt.dstPorts = PortRange{s->origPort, s->origPort};
    sendFrom(w, ep);
    return;
  }
  accept(w, &ep);
}

// --- NAT --------------------------------------------------------------------------

void Walker::natReceive(Walk& w, const MEndpoint& ep) {
  const MNat& nat = m_.nats[ep.owner];
  if (const NatSession* s = natSession(nat.id, w.pkt)) {
    w.trace.hops.back().notes.push_back(
        cat("nat session: destination ", endpointText(s->natIp, w.pkt.proto, s->natPort), " -> ",
            endpointText(s->origSrc, w.pkt.proto, s->origPort)));
    w.pkt.dst = s->origSrc;
    w.pkt.dstPorts = PortRange{s->origPort, s->origPort};
    natPrivateOut(w, nat);
    return;
  }
  if (nat.subnet != kNone && inAny(m_.subnets[nat.subnet].cidrs, w.pkt.src)) {
    block(w, Outcome::DeniedIn, nat.id, "NAT_SAME_SUBNET",
          fmt::format("nat gateway {} does not serve hosts of its own subnet {} (source {})", nat.id,
                      m_.subnets[nat.subnet].id, format(w.pkt.src)));
    return;
  }
  block(w, Outcome::DeniedIn, nat.id, "NAT_NO_SESSION",
        fmt::format("nat gateway {} admits inbound {} from {} only as the reply to a connection it translated; "
                    "there is none",
                    nat.id, trafficText(w.pkt.proto, w.pkt.dstPorts), format(w.pkt.src)));
}

void Walker::natForward(Walk& w, Idx natIdx) {
  const MNat& nat = m_.nats[natIdx];
  if (!push(w, nat.id, "nat_gateway")) return;
  if (!nat.available) {
    block(w, Outcome::NullRouted, nat.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("nat gateway {} is {}", nat.id, nat.state.empty() ? "not available" : nat.state));
    return;
  }
  if (nat.subnet == kNone || nat.subnet >= m_.subnets.size() || nat.endpoint == kNone ||
      m_.endpoints[nat.endpoint].ips.empty()) {
    block(w, Outcome::NullRouted, nat.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("nat gateway {} has no subnet or private address in the snapshot", nat.id));
    return;
  }
  const MSubnet& s = m_.subnets[nat.subnet];
  if (inAny(s.cidrs, w.pkt.src)) {
    block(w, Outcome::DeniedIn, nat.id, "NAT_SAME_SUBNET",
          fmt::format("nat gateway {} does not serve hosts of its own subnet {} (source {})", nat.id, s.id,
                      format(w.pkt.src)));
    return;
  }
  int16_t p = w.pkt.proto;
  if (p != kTcp && p != kUdp && p != kIcmp) {
    block(w, Outcome::DeniedIn, nat.id, "NAT_UNSUPPORTED_PROTOCOL",
          fmt::format("nat gateway {} translates only tcp, udp and icmp; {} is dropped", nat.id,
                      trafficText(p, w.pkt.dstPorts)));
    return;
  }
  // The packet enters the NAT's subnet from another one, so that subnet's
  // inbound NACL applies (AWS evaluates it; Batfish's hop list has no
  // separate subnet hop here, so the filter is recorded on the NAT hop).
  if (!checkAcl(w, nat.subnet, false)) return;
  const MEndpoint& ep = m_.endpoints[nat.endpoint];
  uint16_t port = kFirstNatPort;
  for (const NatSession& x : w.sess.nats) {
    if (*x.node == nat.id) ++port;
  }
  NatSession sess{&nat.id, w.pkt.src, w.pkt.srcPort, ep.ips.front(), port, w.pkt.dst};
  w.trace.hops.back().notes.push_back(
      cat("source nat ", endpointText(w.pkt.src, p, w.pkt.srcPort), " -> ", endpointText(sess.natIp, p, port)));
  w.pkt.src = sess.natIp;
  w.pkt.srcPort = port;
  w.sess.nats.push_back(std::move(sess));
  subnetOut(w, nat.subnet, true);
}

void Walker::natPrivateOut(Walk& w, const MNat& nat) {
  const MSubnet& s = m_.subnets[nat.subnet];
  // Leaving the NAT's subnet towards the private host: the outbound NACL.
  if (!inAny(s.cidrs, w.pkt.dst) && !checkAcl(w, nat.subnet, true)) return;
  routeFrom(w, s.table, s.vpc, true);
}

void Walker::viaEndpoint(Walk& w, const MEndpoint* ep) {
  if (ep == nullptr) {
    block(w, Outcome::NullRouted, w.trace.hops.back().node, "RESOURCE_NOT_AVAILABLE",
          "the route's instance has no network interface in the snapshot");
    return;
  }
  if (ep->subnet != kNone && !inAny(m_.subnets[ep->subnet].cidrs, w.pkt.src)) {
    if (!push(w, m_.subnets[ep->subnet].id, "subnet")) return;
    if (!checkAcl(w, ep->subnet, false)) return;
  }
  if (!push(w, ep->node, ep->nodeKind.c_str())) return;
  if (!ep->available) {
    block(w, Outcome::NullRouted, ep->node, "RESOURCE_NOT_AVAILABLE", ep->unavailableWhy);
    return;
  }
  if (!checkSg(w, *ep, false)) return;
  if (ep->srcDstCheck) {
    block(w, Outcome::DeniedIn, ep->eniId, "ENI_SOURCE_DEST_CHECK",
          fmt::format("{} has source/destination checking on, so it drops traffic for {} that it would forward",
                      ep->eniId, format(w.pkt.dst)));
    return;
  }
  if (ep->ips.empty()) {
    block(w, Outcome::NullRouted, ep->node, "RESOURCE_NOT_AVAILABLE",
          fmt::format("{} has no private address in the snapshot", ep->eniId));
    return;
  }
  // A route to an instance makes it a NAT instance: it masquerades the
  // source behind its own address, like a NAT gateway.
  uint16_t port = kFirstNatPort;
  for (const NatSession& x : w.sess.nats) {
    if (*x.node == ep->node) ++port;
  }
  NatSession sess{&ep->node, w.pkt.src, w.pkt.srcPort, ep->ips.front(), port, w.pkt.dst};
  w.trace.hops.back().notes.push_back(cat("source nat ", endpointText(w.pkt.src, w.pkt.proto, w.pkt.srcPort),
                                          " -> ", endpointText(sess.natIp, w.pkt.proto, port)));
  w.pkt.src = sess.natIp;
  w.pkt.srcPort = port;
  w.sess.nats.push_back(std::move(sess));
  sendFrom(w, *ep);
}

// --- the edge: internet gateways, backbone, internet ---------------------------

void Walker::igwOut(Walk& w, Idx igwIdx) {
  const MIgw& g = m_.igws[igwIdx];
  if (!push(w, g.id, g.egressOnly ? "egress_only_internet_gateway" : "internet_gateway")) return;
  if (!g.available) {
    block(w, Outcome::NullRouted, g.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("internet gateway {} is not attached", g.id));
    return;
  }
  if (w.pkt.src.family == 4) {
    if (g.egressOnly) {
      block(w, Outcome::NullRouted, g.id, "NO_ROUTE_TO_DESTINATION",
            fmt::format("egress-only internet gateway {} carries IPv6 only", g.id));
      return;
    }
    const MEndpoint* ep = findEndpoint(g.vpc, w.pkt.src);
    if (ep == nullptr || !ep->publicIp || ep->ips.empty() || !(ep->ips.front() == w.pkt.src)) {
      block(w, Outcome::DeniedOut, g.id, "IGW_NO_PUBLIC_IP",
            fmt::format("{} has no public or elastic IP address, so {} cannot carry it to the internet",
                        format(w.pkt.src), g.id));
      return;
    }
    w.trace.hops.back().notes.push_back(
        cat("source nat ", ipText(w.pkt.src), " -> ", ipText(*ep->publicIp)));
    w.pkt.src = *ep->publicIp;
  }
  backbone(w);
}

void Walker::igwIn(Walk& w, Idx igwIdx, const MEndpoint& ep) {
  const MIgw& g = m_.igws[igwIdx];
  if (!push(w, g.id, "internet_gateway")) return;
  w.trace.hops.back().notes.push_back(
      cat("destination nat ", ipText(w.pkt.dst), " -> ", ipText(ep.ips.front())));
  w.pkt.dst = ep.ips.front();
  if (!push(w, m_.vpcs[ep.vpc].id, "vpc")) return;
  vpcDeliver(w, ep.vpc);
}

void Walker::backbone(Walk& w) {
  if (!push(w, "aws-backbone", "aws-backbone")) return;
  const IpAddr& dst = w.pkt.dst;
  auto pub = m_.endpointByPublicIp.find(dst);
  if (pub != m_.endpointByPublicIp.end()) {
    const MEndpoint& ep = m_.endpoints[pub->second];
    if (ep.vpc < m_.vpcs.size() && !m_.vpcs[ep.vpc].igws.empty() && !ep.ips.empty()) {
      igwIn(w, m_.vpcs[ep.vpc].igws.front(), ep);
      return;
    }
    block(w, Outcome::NoRoute, "aws-backbone", "NO_ROUTE_TO_DESTINATION",
          fmt::format("{} is the public address of {}, whose VPC has no attached internet gateway", format(dst),
                      ep.eniId));
    return;
  }
  if (isAwsService(m_, dst)) {
    if (!push(w, "aws-services-gateway", "aws-services-gateway")) return;
    exitAt(w, EndKind::ServicesGateway, kNone);
    return;
  }
  if (!push(w, "internet", "internet")) return;
  if (isNonPublic(dst)) {
    block(w, Outcome::NullRouted, "internet", "PRIVATE_ADDRESS_ON_INTERNET",
          fmt::format("{} is a private or reserved address; the internet does not route it", format(dst)));
    return;
  }
  exitAt(w, EndKind::Internet, kNone);
}

// --- endpoints, peering, VPN, transit ----------------------------------------------

void Walker::vpceOut(Walk& w, Idx vpce) {
  const MVpce& v = m_.vpces[vpce];
  if (!push(w, v.id, "vpc_endpoint")) return;
  if (!v.available) {
    block(w, Outcome::NullRouted, v.id, "RESOURCE_NOT_AVAILABLE", fmt::format("vpc endpoint {} is not available", v.id));
    return;
  }
  w.trace.hops.back().notes.push_back(cat("handed to the ", v.service, " service"));
  exitAt(w, EndKind::Vpce, vpce);
}

void Walker::peering(Walk& w, Idx pcxIdx, Idx fromVpc) {
  const MPcx& p = m_.pcxs[pcxIdx];
  if (!p.active) {
    block(w, Outcome::NullRouted, p.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("peering connection {} is {}", p.id, p.status.empty() ? "not active" : p.status));
    return;
  }
  Idx peer = fromVpc == p.requester ? p.accepter : (fromVpc == p.accepter ? p.requester : kNone);
  if (peer == kNone || peer >= m_.vpcs.size()) {
    block(w, Outcome::NullRouted, p.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("peering connection {} does not connect {} to a VPC in the snapshot", p.id, m_.vpcs[fromVpc].id));
    return;
  }
  const std::vector<Cidr>& listed = peer == p.accepter ? p.accepterCidrs : p.requesterCidrs;
  const std::vector<Cidr>& blocks = listed.empty() ? m_.vpcs[peer].cidrs : listed;
  if (!inAny(blocks, w.pkt.dst)) {
    // Peering is not transitive: it carries traffic for the peer's own
    // blocks only, never onwards through the peer.
    block(w, Outcome::NoRoute, p.id, "PEERING_NON_TRANSITIVE",
          fmt::format("{} reaches only {} of {}; {} is outside, and peering is not transitive", p.id,
                      cidrList(blocks), m_.vpcs[peer].id, format(w.pkt.dst)));
    return;
  }
  w.trace.hops.back().notes.push_back(cat("peering ", p.id, " -> ", m_.vpcs[peer].id));
  if (!push(w, m_.vpcs[peer].id, "vpc")) return;
  vpcDeliver(w, peer);
}

void Walker::vgwRoute(Walk& w, Idx vgwIdx, Idx fromVpc) {
  const MVgw& g = m_.vgws[vgwIdx];
  const IpAddr& dst = w.pkt.dst;
  int vpcLen = -1;
  Idx bestVpc = kNone;
  for (Idx v : g.vpcs) {
    if (v == fromVpc || v >= m_.vpcs.size()) continue;
    for (const Cidr& c : m_.vpcs[v].cidrs) {
      if (contains(c, dst) && c.prefix > vpcLen) {
        vpcLen = c.prefix;
        bestVpc = v;
      }
    }
  }
  int vpnLen = -1;
  std::vector<Idx> vpns;
  std::vector<Cidr> allRoutes;
  for (Idx v : g.vpns) {
    const MVpn& c = m_.vpns[v];
    if (!c.available) continue;
    for (const Cidr& r : c.routes) {
      allRoutes.push_back(r);
      if (!contains(r, dst) || r.prefix < vpnLen) continue;
      if (r.prefix > vpnLen) vpns.clear();
      vpnLen = r.prefix;
      if (std::find(vpns.begin(), vpns.end(), v) == vpns.end()) vpns.push_back(v);
    }
  }
  if (bestVpc != kNone && vpcLen >= vpnLen) {
    if (!push(w, m_.vpcs[bestVpc].id, "vpc")) return;
    vpcDeliver(w, bestVpc);
    return;
  }
  if (vpns.empty()) {
    std::vector<Cidr> vpcBlocks;
    for (Idx v : g.vpcs) {
      if (v < m_.vpcs.size()) vpcBlocks.insert(vpcBlocks.end(), m_.vpcs[v].cidrs.begin(), m_.vpcs[v].cidrs.end());
    }
    block(w, Outcome::NoRoute, g.id, "NO_ROUTE_TO_DESTINATION",
          fmt::format("{} has no route for {} (attached VPC blocks: {}; VPN routes: {})", g.id, format(dst),
                      cidrList(vpcBlocks), cidrList(allRoutes)));
    return;
  }
  // Every tunnel of every matching connection carries the flow (ECMP), as
  // Batfish models it; tunnel telemetry is reported but does not prune.
  std::vector<std::string> branches;
  for (Idx v : vpns) {
    const MVpn& c = m_.vpns[v];
    if (c.tunnels.empty()) branches.push_back(fmt::format("{}", c.id));
    for (const MTunnel& t : c.tunnels) {
      branches.push_back(t.status.empty() ? fmt::format("{} tunnel {}", c.id, t.outsideIp)
                                          : fmt::format("{} tunnel {} (telemetry: {})", c.id, t.outsideIp, t.status));
    }
  }
  for (size_t i = 0; i < branches.size(); ++i) {
    Walk b = i + 1 < branches.size() ? w : std::move(w);
    b.trace.hops.back().notes.push_back(std::move(branches[i]));
    exitAt(b, EndKind::Vgw, vgwIdx);
  }
}

void Walker::tgwRoute(Walk& w, Idx tgwIdx) {
  const MTgw& t = m_.tgws[tgwIdx];
  if (!t.available) {
    block(w, Outcome::NullRouted, t.id, "RESOURCE_NOT_AVAILABLE", fmt::format("transit gateway {} is not available", t.id));
    return;
  }
  const MTgwRoute* r = lookupTgwRoute(t, w.pkt.dst);
  if (r == nullptr) {
    block(w, Outcome::NoRoute, t.id, "NO_ROUTE_TO_DESTINATION",
          fmt::format("transit gateway {} has no route for {}", t.id, format(w.pkt.dst)));
    return;
  }
  if (r->blackhole || r->attachment == kNone || r->attachment >= m_.tgwAttachments.size()) {
    block(w, Outcome::NullRouted, t.id, "BLACKHOLE_ROUTE",
          fmt::format("route {} in transit gateway route table {} is a blackhole", format(r->dest), r->tableId));
    return;
  }
  const MTgwAttachment& a = m_.tgwAttachments[r->attachment];
  w.trace.hops.back().notes.push_back(
      fmt::format("{}: {} -> {} ({} {})", r->tableId, format(r->dest), a.id, a.resourceType, a.resourceId));
  if (!a.available) {
    block(w, Outcome::NullRouted, a.id, "RESOURCE_NOT_AVAILABLE",
          fmt::format("transit gateway attachment {} is not available", a.id));
    return;
  }
  if (a.vpc != kNone && a.vpc < m_.vpcs.size()) {
    if (!push(w, m_.vpcs[a.vpc].id, "vpc")) return;
    vpcDeliver(w, a.vpc);
    return;
  }
  exitAt(w, EndKind::Tgw, tgwIdx);
}

}  // namespace ward::net::detail
