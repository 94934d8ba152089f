// Reachability queries: resolves a query's source and destination (resource
// ids, addresses, "internet", "service:NAME") to places in the model, and runs
// the forward trace and its reply.
#include <deque>

#include <fmt/format.h>

#include "runtime/facts.hpp"
#include "runtime/net/reach_query.hpp"
#include "runtime/net/reach_walk.hpp"

namespace ward::net {

namespace detail {

namespace {

// Stand-ins where a query names no concrete address.
const IpAddr kInternetHost = ipv4(0x08080808);            // 8.8.8.8
const IpAddr kExternalHost = ipv4(0xc6336401);            // 198.51.100.1 (documentation range)
const IpAddr kServiceFallback = ipv4((52u << 24) | (94u << 16) | 1);  // 52.94.0.1, in AWS service space

struct Source {
  enum class Kind : uint8_t { Endpoint, Vpc, Internet, Vgw, Tgw, Vpce } kind = Kind::Endpoint;
  const MEndpoint* ep = nullptr;
  Idx idx = kNone;
  IpAddr ip;
};

struct Dest {
  IpAddr ip;
  Intent intent = Intent::Endpoint;
  std::string note;  // how a service name was resolved
};

Diagnostic queryError(std::string message, std::vector<Note> notes = {}) {
  return error(Span{}, std::move(message), std::move(notes));
}

IpAddr plusOne(const IpAddr& a) {
  IpAddr r = a;
  if (++r.lo == 0) ++r.hi;
  return r;
}

class Resolver {
public:
  Resolver(const Model& m, std::deque<MEndpoint>& virtuals, QueryCtx& ctx) : m_(m), virtuals_(virtuals), ctx_(ctx) {}

  Result<std::vector<Source>> sources(const Place& from, const std::optional<IpAddr>& srcIp);
  Result<Dest> dest(const Place& to, const Source& src);

private:
  Result<ObjRef> lookup(const std::string& text, const char* role) const;
  std::optional<IpAddr> freeAddress(Idx subnet) const;
  bool used(Idx vpc, const IpAddr& ip) const;
  const MEndpoint* addVirtual(MEndpoint ep);
  Result<Source> fromEndpoint(const MEndpoint& ep, const std::optional<IpAddr>& srcIp) const;
  Dest serviceDest(const std::string& name, const Source& src) const;
  Idx sourceVpc(const Source& s) const;

  const Model& m_;
  std::deque<MEndpoint>& virtuals_;
  QueryCtx& ctx_;
};

Result<ObjRef> Resolver::lookup(const std::string& text, const char* role) const {
  auto it = m_.byId.find(text);
  if (it != m_.byId.end()) return it->second;
  std::vector<std::string> names;
  names.reserve(m_.byId.size());
  for (const auto& [id, ref] : m_.byId) names.push_back(id);
  std::sort(names.begin(), names.end());
  std::vector<Note> notes;
  std::string best = closestMatch(text, names);
  if (!best.empty()) notes.push_back(Note{fmt::format("did you mean '{}'?", best), Span{}});
  return fail(queryError(fmt::format("unknown {} '{}': no resource, address, \"internet\" or \"service:NAME\" of "
                                     "that name in the fact base",
                                     role, text),
                         std::move(notes)));
}

bool Resolver::used(Idx vpc, const IpAddr& ip) const {
  if (vpc < m_.endpointByIp.size() && m_.endpointByIp[vpc].count(ip) != 0) return true;
  for (const MEndpoint& v : virtuals_) {
    if (v.vpc == vpc && std::find(v.ips.begin(), v.ips.end(), ip) != v.ips.end()) return true;
  }
  return false;
}

// The first address of a subnet no interface owns, skipping the four AWS
// reserves at the start of every subnet.
std::optional<IpAddr> Resolver::freeAddress(Idx subnet) const {
  const MSubnet& s = m_.subnets[subnet];
  if (s.cidrs.empty()) return std::nullopt;
  const Cidr& c = s.cidrs.front();
  IpAddr ip = firstAddress(c);
  IpAddr last = lastAddress(c);
  for (int i = 0; i < 4; ++i) ip = plusOne(ip);
  for (int tries = 0; tries < 4096 && compare(ip, last) < 0; ++tries, ip = plusOne(ip)) {
    if (!used(s.vpc, ip)) return ip;
  }
  return std::nullopt;
}

const MEndpoint* Resolver::addVirtual(MEndpoint ep) {
  for (Idx g : ep.sgs) {
    if (!ep.sgList.empty()) ep.sgList += ", ";
    ep.sgList += m_.sgs[g].id;
  }
  virtuals_.push_back(std::move(ep));
  const MEndpoint* p = &virtuals_.back();
  ctx_.virtualEps.push_back(p);
  if (!p->sgs.empty()) ctx_.virtualMembers.push_back(VirtualMember{p->ips.front(), &p->sgs});
  return p;
}

Result<Source> Resolver::fromEndpoint(const MEndpoint& ep, const std::optional<IpAddr>& srcIp) const {
  if (srcIp && std::find(ep.ips.begin(), ep.ips.end(), *srcIp) == ep.ips.end()) {
    return fail(queryError(fmt::format("{} does not own the source address {}", ep.node, format(*srcIp))));
  }
  if (ep.ips.empty()) return fail(queryError(fmt::format("{} has no private address in the fact base", ep.node)));
  return Source{Source::Kind::Endpoint, &ep, kNone, srcIp ? *srcIp : ep.ips.front()};
}

Result<std::vector<Source>> Resolver::sources(const Place& from, const std::optional<IpAddr>& srcIp) {
  ObjRef ref{ObjType::Vpc, kNone};
  if (from.kind == Place::Kind::Ip || (from.kind == Place::Kind::Text && parseIp(from.text))) {
    IpAddr ip = from.kind == Place::Kind::Ip ? from.ip : *parseIp(from.text);
    std::vector<Idx> owners;
    for (const auto& byIp : m_.endpointByIp) {
      auto it = byIp.find(ip);
      if (it != byIp.end()) owners.push_back(it->second);
    }
    if (owners.size() > 1) {
      std::vector<Note> notes;
      for (Idx e : owners) notes.push_back(Note{fmt::format("{} ({}) has it", m_.endpoints[e].eniId, m_.vpcs[m_.endpoints[e].vpc].id), Span{}});
      return fail(queryError(fmt::format("ambiguous source address {}: interfaces in {} VPCs own it; name the "
                                         "instance or interface instead",
                                         format(ip), owners.size()),
                             std::move(notes)));
    }
    if (owners.size() == 1) return std::vector<Source>{Source{Source::Kind::Endpoint, &m_.endpoints[owners[0]], kNone, ip}};
    std::vector<Idx> subnets;
    for (Idx s = 0; s < m_.subnets.size(); ++s) {
      if (inAny(m_.subnets[s].cidrs, ip)) subnets.push_back(s);
    }
    if (subnets.size() > 1) {
      return fail(queryError(fmt::format("ambiguous source address {}: it is inside {} subnets ({} and {})", format(ip),
                                         subnets.size(), m_.subnets[subnets[0]].id, m_.subnets[subnets[1]].id)));
    }
    if (subnets.size() == 1) {
      MEndpoint host;
      host.node = m_.subnets[subnets[0]].id;
      host.eniId = host.node;
      host.nodeKind = "subnet";
      host.kind = EpKind::Virtual;
      host.subnet = subnets[0];
      host.vpc = m_.subnets[subnets[0]].vpc;
      host.ips = {ip};
      host.applySgs = false;
      return std::vector<Source>{Source{Source::Kind::Endpoint, addVirtual(std::move(host)), kNone, ip}};
    }
    if (!isNonPublic(ip)) return std::vector<Source>{Source{Source::Kind::Internet, nullptr, kNone, ip}};
    return fail(queryError(fmt::format("no interface or subnet in the fact base has the source address {}", format(ip))));
  }
  if (from.kind == Place::Kind::Text) {
    if (from.text == "internet") {
      return std::vector<Source>{Source{Source::Kind::Internet, nullptr, kNone, srcIp ? *srcIp : kInternetHost}};
    }
    if (from.text.rfind("service:", 0) == 0) {
      return fail(queryError(fmt::format("'{}' cannot be a source: a service only answers", from.text)));
    }
    auto found = lookup(from.text, "source");
    if (!found) return fail(found.error());
    ref = *found;
  } else {
    ref = from.obj;
  }
  switch (ref.type) {
    case ObjType::Instance: {
      const auto& eps = m_.instanceEndpoints[ref.idx];
      if (eps.empty()) return fail(queryError(fmt::format("instance {} has no network interface", m_.instanceIds[ref.idx])));
      if (srcIp) {
        for (Idx e : eps) {
          const auto& ips = m_.endpoints[e].ips;
          if (std::find(ips.begin(), ips.end(), *srcIp) != ips.end()) {
            return std::vector<Source>{Source{Source::Kind::Endpoint, &m_.endpoints[e], kNone, *srcIp}};
          }
        }
      }
      auto s = fromEndpoint(m_.endpoints[eps.front()], srcIp);
      if (!s) return fail(s.error());
      return std::vector<Source>{*s};
    }
    case ObjType::Endpoint:
    case ObjType::Nat: {
      const MEndpoint& ep = ref.type == ObjType::Nat ? m_.endpoints[m_.nats[ref.idx].endpoint] : m_.endpoints[ref.idx];
      auto s = fromEndpoint(ep, srcIp);
      if (!s) return fail(s.error());
      return std::vector<Source>{*s};
    }
    case ObjType::Vpce: {
      const MVpce& v = m_.vpces[ref.idx];
      if (!v.endpoints.empty()) {
        auto s = fromEndpoint(m_.endpoints[v.endpoints.front()], srcIp);
        if (!s) return fail(s.error());
        return std::vector<Source>{*s};
      }
      IpAddr ip = srcIp ? *srcIp : kServiceFallback;
      if (!srcIp && !v.prefixLists.empty() && !m_.prefixLists[v.prefixLists[0]].cidrs.empty()) {
        ip = plusOne(firstAddress(m_.prefixLists[v.prefixLists[0]].cidrs.front()));
      }
      return std::vector<Source>{Source{Source::Kind::Vpce, nullptr, ref.idx, ip}};
    }
    case ObjType::Subnet: {
      const MSubnet& s = m_.subnets[ref.idx];
      std::optional<IpAddr> ip = srcIp;
      if (ip && !inAny(s.cidrs, *ip)) {
        return fail(queryError(fmt::format("source address {} is not inside {}", format(*ip), s.id)));
      }
      if (ip && s.vpc < m_.endpointByIp.size()) {
        auto it = m_.endpointByIp[s.vpc].find(*ip);
        if (it != m_.endpointByIp[s.vpc].end()) {
          return std::vector<Source>{Source{Source::Kind::Endpoint, &m_.endpoints[it->second], kNone, *ip}};
        }
      }
      if (!ip) ip = freeAddress(ref.idx);
      if (!ip) return fail(queryError(fmt::format("subnet {} has no free address to trace from", s.id)));
      MEndpoint host;
      host.node = s.id;
      host.eniId = s.id;
      host.nodeKind = "subnet";
      host.kind = EpKind::Virtual;
      host.subnet = ref.idx;
      host.vpc = s.vpc;
      host.ips = {*ip};
      host.applySgs = false;
      return std::vector<Source>{Source{Source::Kind::Endpoint, addVirtual(std::move(host)), kNone, *ip}};
    }
    case ObjType::Vpc: {
      const MVpc& v = m_.vpcs[ref.idx];
      IpAddr ip = srcIp ? *srcIp : (v.cidrs.empty() ? IpAddr{} : plusOne(firstAddress(v.cidrs.front())));
      return std::vector<Source>{Source{Source::Kind::Vpc, nullptr, ref.idx, ip}};
    }
    case ObjType::Vgw: {
      IpAddr ip = kExternalHost;
      if (srcIp) {
        ip = *srcIp;
      } else {
        for (Idx v : m_.vgws[ref.idx].vpns) {
          if (!m_.vpns[v].routes.empty()) {
            ip = plusOne(firstAddress(m_.vpns[v].routes.front()));
            break;
          }
          if (m_.vpns[v].customerIp) ip = *m_.vpns[v].customerIp;
        }
      }
      return std::vector<Source>{Source{Source::Kind::Vgw, nullptr, ref.idx, ip}};
    }
    case ObjType::Tgw:
      return std::vector<Source>{Source{Source::Kind::Tgw, nullptr, ref.idx, srcIp ? *srcIp : kExternalHost}};
    case ObjType::Igw:
      return fail(queryError(fmt::format("{} is an internet gateway; trace from \"internet\" instead",
                                         m_.igws[ref.idx].id)));
    case ObjType::Workload: {
      const MWorkload& wl = m_.workloads[ref.idx];
      if (wl.subnets.empty()) {
        return fail(queryError(fmt::format("{} {} does not run in a VPC (it has no subnets)", wl.kind, wl.id)));
      }
      std::vector<Source> out;
      for (Idx s : wl.subnets) {
        if (s >= m_.subnets.size()) continue;
        auto ip = freeAddress(s);
        if (!ip) return fail(queryError(fmt::format("subnet {} has no free address to trace from", m_.subnets[s].id)));
        MEndpoint host;
        host.node = wl.id;
        host.eniId = wl.id;
        host.nodeKind = wl.kind;
        host.kind = EpKind::Virtual;
        host.subnet = s;
        host.vpc = m_.subnets[s].vpc;
        host.ips = {*ip};
        host.sgs = wl.sgs;
        const MEndpoint* ep = addVirtual(std::move(host));
        out.push_back(Source{Source::Kind::Endpoint, ep, kNone, *ip});
      }
      if (out.empty()) return fail(queryError(fmt::format("{} {} has no subnet in the fact base", wl.kind, wl.id)));
      return out;
    }
  }
  return fail(queryError("unsupported source"));
}

Idx Resolver::sourceVpc(const Source& s) const {
  switch (s.kind) {
    case Source::Kind::Endpoint: return s.ep->vpc;
    case Source::Kind::Vpc: return s.idx;
    case Source::Kind::Vpce: return m_.vpces[s.idx].vpc;
    default: return kNone;
  }
}

Dest Resolver::serviceDest(const std::string& name, const Source& src) const {
  Idx vpc = sourceVpc(src);
  std::string az;
  if (src.kind == Source::Kind::Endpoint && src.ep->subnet < m_.subnets.size()) az = m_.subnets[src.ep->subnet].az;
  std::string dnsOff;
  for (const MVpce& v : m_.vpces) {
    if (v.vpc != vpc || v.service != name || v.gateway || !v.available || v.endpoints.empty()) continue;
    if (!v.privateDns) {
      dnsOff = v.id;
      continue;
    }
    // With private DNS the service name resolves to the endpoint's interface,
    // the one in the caller's availability zone when there is one.
    const MEndpoint* pick = &m_.endpoints[v.endpoints.front()];
    for (Idx e : v.endpoints) {
      const MEndpoint& ep = m_.endpoints[e];
      if (ep.subnet < m_.subnets.size() && m_.subnets[ep.subnet].az == az && !ep.ips.empty()) {
        pick = &ep;
        break;
      }
    }
    if (!pick->ips.empty()) {
      return Dest{pick->ips.front(), Intent::Service,
                  fmt::format("service:{} resolves to {} (interface endpoint {} with private DNS)", name,
                              format(pick->ips.front()), v.id)};
    }
  }
  std::string vpcId = vpc < m_.vpcs.size() ? m_.vpcs[vpc].id : std::string("the source's VPC");
  for (const MVpce& v : m_.vpces) {
    if (v.vpc != vpc || v.service != name || !v.gateway || !v.available) continue;
    for (Idx p : v.prefixLists) {
      if (m_.prefixLists[p].cidrs.empty()) continue;
      IpAddr ip = plusOne(firstAddress(m_.prefixLists[p].cidrs.front()));
      return Dest{ip, Intent::Service,
                  fmt::format("service:{} resolves to {} in prefix list {} (gateway endpoint {} in {})", name,
                              format(ip), m_.prefixLists[p].id, v.id, vpcId)};
    }
  }
  IpAddr ip = kServiceFallback;
  for (const MPrefixList& p : m_.prefixLists) {
    size_t dot = p.name.rfind('.' + name);
    if (p.name.rfind("com.amazonaws.", 0) == 0 && dot != std::string::npos && dot + 1 + name.size() == p.name.size() &&
        !p.cidrs.empty()) {
      ip = plusOne(firstAddress(p.cidrs.front()));
      break;
    }
  }
  std::string why = dnsOff.empty()
                        ? fmt::format("no {} interface endpoint in {}", name, vpcId)
                        : fmt::format("interface endpoint {} in {} has private DNS off", dnsOff, vpcId);
  return Dest{ip, Intent::Service,
              fmt::format("service:{} resolves to the public address {} ({})", name, format(ip), why)};
}

Result<Dest> Resolver::dest(const Place& to, const Source& src) {
  auto ipIntent = [&](const IpAddr& ip) {
    for (const auto& byIp : m_.endpointByIp) {
      if (byIp.count(ip) != 0) return Intent::Endpoint;
    }
    for (const MVpc& v : m_.vpcs) {
      if (vpcContains(v, ip)) return Intent::Endpoint;
    }
    return Intent::External;
  };
  ObjRef ref{ObjType::Vpc, kNone};
  if (to.kind == Place::Kind::Ip) return Dest{to.ip, ipIntent(to.ip), {}};
  if (to.kind == Place::Kind::Text) {
    if (auto ip = parseIp(to.text)) return Dest{*ip, ipIntent(*ip), {}};
    if (to.text == "internet") return Dest{kInternetHost, Intent::Internet, {}};
    if (to.text.rfind("service:", 0) == 0) return serviceDest(to.text.substr(8), src);
    auto found = lookup(to.text, "destination");
    if (!found) return fail(found.error());
    ref = *found;
  } else {
    ref = to.obj;
  }
  auto firstIp = [&](const MEndpoint& ep) -> Result<Dest> {
    if (ep.ips.empty()) return fail(queryError(fmt::format("{} has no private address in the fact base", ep.node)));
    return Dest{ep.ips.front(), Intent::Endpoint, {}};
  };
  auto virtualHost = [&](Idx subnet, const std::string& node, const std::string& kind,
                         const std::vector<Idx>& sgs) -> Result<Dest> {
    auto ip = freeAddress(subnet);
    if (!ip) return fail(queryError(fmt::format("subnet {} has no free address to trace to", m_.subnets[subnet].id)));
    MEndpoint host;
    host.node = node;
    host.eniId = node;
    host.nodeKind = kind;
    host.kind = EpKind::Virtual;
    host.subnet = subnet;
    host.vpc = m_.subnets[subnet].vpc;
    host.ips = {*ip};
    host.sgs = sgs;
    host.applySgs = kind != "subnet";
    addVirtual(std::move(host));
    return Dest{*ip, Intent::Endpoint, {}};
  };
  switch (ref.type) {
    case ObjType::Instance: {
      const auto& eps = m_.instanceEndpoints[ref.idx];
      if (eps.empty()) return fail(queryError(fmt::format("instance {} has no network interface", m_.instanceIds[ref.idx])));
      return firstIp(m_.endpoints[eps.front()]);
    }
    case ObjType::Endpoint: return firstIp(m_.endpoints[ref.idx]);
    case ObjType::Nat: return firstIp(m_.endpoints[m_.nats[ref.idx].endpoint]);
    case ObjType::Vpce: {
      const MVpce& v = m_.vpces[ref.idx];
      if (!v.endpoints.empty()) {
        Dest d = *firstIp(m_.endpoints[v.endpoints.front()]);
        d.intent = Intent::Service;
        return d;
      }
      if (!v.prefixLists.empty() && !m_.prefixLists[v.prefixLists[0]].cidrs.empty()) {
        return Dest{plusOne(firstAddress(m_.prefixLists[v.prefixLists[0]].cidrs.front())), Intent::Service, {}};
      }
      return fail(queryError(fmt::format("vpc endpoint {} has no address or prefix list in the fact base", v.id)));
    }
    case ObjType::Subnet: return virtualHost(ref.idx, m_.subnets[ref.idx].id, "subnet", {});
    case ObjType::Workload: {
      const MWorkload& wl = m_.workloads[ref.idx];
      if (wl.subnets.empty() || wl.subnets.front() >= m_.subnets.size()) {
        return fail(queryError(fmt::format("{} {} does not run in a VPC (it has no subnets)", wl.kind, wl.id)));
      }
      return virtualHost(wl.subnets.front(), wl.id, wl.kind, wl.sgs);
    }
    case ObjType::Vpc:
    case ObjType::Vgw:
    case ObjType::Igw:
    case ObjType::Tgw:
      return fail(queryError(fmt::format("'{}' is a router or gateway, not a destination; name an instance, interface, "
                                         "subnet or address behind it",
                                         to.kind == Place::Kind::Text ? to.text : std::string("it"))));
  }
  return fail(queryError("unsupported destination"));
}

// Starts the reply to a delivered forward walk where that walk ended.
std::optional<Trace> traceReply(const Model& m, const QueryCtx& ctx, const Walk& fw) {
  if (fw.end == EndKind::None || fw.end == EndKind::Other) return std::nullopt;
  std::vector<Walk> out;
  Walker walker(m, ctx, &fw.sess, out);
  Walk w;
  w.pkt.src = fw.pkt.dst;
  w.pkt.dst = fw.pkt.src;
  w.pkt.proto = fw.pkt.proto;
  w.pkt.srcPort = fw.pkt.dstPorts.lo;
  w.pkt.dstPorts = PortRange{fw.pkt.srcPort, fw.pkt.srcPort};
  switch (fw.end) {
    case EndKind::Endpoint: walker.fromEndpoint(w, *fw.endEp); break;
    case EndKind::Internet: walker.fromInternet(w); break;
    case EndKind::ServicesGateway: walker.fromServicesGateway(w); break;
    case EndKind::Vpce: walker.fromVpce(w, fw.endIdx); break;
    case EndKind::Vgw: walker.fromVgw(w, fw.endIdx); break;
    case EndKind::Tgw: walker.fromTgw(w, fw.endIdx); break;
    case EndKind::None:
    case EndKind::Other: return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return std::move(out.front().trace);
}

}  // namespace

Result<QueryOutput> runQuery(const Model& m, const QueryInput& in) {
  std::deque<MEndpoint> virtuals;
  QueryCtx ctx;
  Resolver resolver(m, virtuals, ctx);
  auto sources = resolver.sources(in.from, in.srcIp);
  if (!sources) return fail(sources.error());
  std::vector<Dest> dests;
  for (const Source& s : *sources) {
    auto d = resolver.dest(in.to, s);
    if (!d) return fail(d.error());
    dests.push_back(std::move(*d));
  }

  QueryOutput result;
  std::vector<Walk> walks;
  std::vector<size_t> sourceOf;
  for (size_t i = 0; i < sources->size(); ++i) {
    const Source& s = (*sources)[i];
    Walker walker(m, ctx, nullptr, walks);
    size_t before = walks.size();
    Walk w;
    w.pkt = Packet{s.ip, dests[i].ip, in.proto, in.srcPort, hasPorts(in.proto) ? in.dstPorts : PortRange{}};
    switch (s.kind) {
      case Source::Kind::Endpoint: walker.fromEndpoint(w, *s.ep); break;
      case Source::Kind::Vpc: walker.fromVpc(w, s.idx); break;
      case Source::Kind::Internet: walker.fromInternet(w); break;
      case Source::Kind::Vgw: walker.fromVgw(w, s.idx); break;
      case Source::Kind::Tgw: walker.fromTgw(w, s.idx); break;
      case Source::Kind::Vpce: walker.fromVpce(w, s.idx); break;
    }
    for (size_t k = before; k < walks.size(); ++k) {
      sourceOf.push_back(i);
      if (!dests[i].note.empty() && !walks[k].trace.hops.empty()) {
        walks[k].trace.hops.front().notes.insert(walks[k].trace.hops.front().notes.begin(), dests[i].note);
      }
    }
  }
  for (size_t k = 0; k < walks.size(); ++k) {
    const Walk& fw = walks[k];
    std::optional<Trace> reply;
    if (fw.trace.outcome == Outcome::Accepted || fw.trace.outcome == Outcome::ExitsNetwork) {
      reply = traceReply(m, ctx, fw);
    }
    const Source& s = (*sources)[sourceOf[k]];
    result.intents.push_back(dests[sourceOf[k]].intent);
    result.externalSource.push_back(s.kind != Source::Kind::Endpoint && s.kind != Source::Kind::Vpc);
    result.notes.push_back(dests[sourceOf[k]].note);
    result.replies.push_back(std::move(reply));
  }
  for (Walk& w : walks) result.result.traces.push_back(std::move(w.trace));
  return result;
}

}  // namespace detail

const char* outcomeName(Outcome o) {
  switch (o) {
    case Outcome::Accepted: return "ACCEPTED";
    case Outcome::DeniedIn: return "DENIED_IN";
    case Outcome::DeniedOut: return "DENIED_OUT";
    case Outcome::NoRoute: return "NO_ROUTE";
    case Outcome::NullRouted: return "NULL_ROUTED";
    case Outcome::NeighborUnreachable: return "NEIGHBOR_UNREACHABLE";
    case Outcome::ExitsNetwork: return "EXITS_NETWORK";
  }
  return "?";
}

ReachEngine::ReachEngine(const FactBase& facts)
    : model_(std::make_unique<const detail::Model>(detail::buildModel(facts))) {}
ReachEngine::~ReachEngine() = default;
ReachEngine::ReachEngine(ReachEngine&&) noexcept = default;
ReachEngine& ReachEngine::operator=(ReachEngine&&) noexcept = default;

Result<ReachResult> ReachEngine::trace(const FlowQuery& query) const {
  detail::QueryInput in;
  in.from.text = query.from;
  in.to.text = query.to;
  in.srcIp = query.srcIp;
  in.proto = query.proto;
  if (query.dstPort) in.dstPorts = PortRange{*query.dstPort, *query.dstPort};
  in.srcPort = query.srcPort;
  auto out = detail::runQuery(*model_, in);
  if (!out) return fail(out.error());
  if (!out->replies.empty()) out->result.returnTrace = std::move(out->replies.front());
  return std::move(out->result);
}

}  // namespace ward::net
