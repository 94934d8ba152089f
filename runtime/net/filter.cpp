// NACL and security-group evaluation for reachability: NACLs in rule-number
// order with the first match deciding, security groups as the union of every
// group's allow rules, with group references and prefix lists resolved.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

std::string trafficText(int16_t proto, PortRange dstPorts) {
  switch (proto) {
    case kAllProtocols: return "all traffic";
    case kTcp:
    case kUdp:
      if (dstPorts.all()) return protocolName(proto);
      return protocolName(proto) + " " + format(dstPorts);
    case kIcmp: return "icmp";
    case kIcmpv6: return "icmpv6";
    default: return fmt::format("protocol {}", proto);
  }
}

namespace {

// Does a rule's traffic admit every packet of the flow? A flow with a port
// range (the query left the port open) is admitted only if all of it is.
bool admits(const Traffic& rule, int16_t proto, PortRange ports) {
  return contains(rule, Traffic{proto, hasPorts(proto) ? ports : PortRange{}});
}

// Could a rule's traffic match some packet of the flow? Used for deny entries,
// so that an open-ended query ("all traffic", "any tcp port") is blocked by a
// deny that covers part of it: the answer stays "every packet gets through".
bool touches(const Traffic& rule, int16_t proto, PortRange ports) {
  return overlaps(rule, Traffic{proto, hasPorts(proto) ? ports : PortRange{}});
}

}  // namespace

AclDecision evalAcl(const MAcl& acl, bool egress, const FlowView& f) {
  const auto& entries = egress ? acl.out : acl.in;
  const IpAddr& peer = egress ? f.dst : f.src;
  const char* dir = egress ? "outbound" : "inbound";
  AclDecision d;
  for (const MAclEntry& e : entries) {
    if (!e.cidr || e.cidr->addr.family != peer.family || !contains(*e.cidr, peer)) continue;
    bool match = e.allow ? admits(e.traffic, f.proto, f.dstPorts) : touches(e.traffic, f.proto, f.dstPorts);
    if (!match) continue;
    d.allow = e.allow;
    d.entry = &e;
    d.filter = e.filter;
    if (!e.allow) {
      d.detail = fmt::format("network ACL {} {} entry #{} denies {} {} {} ({} {})", acl.id, dir, e.rule,
                             trafficText(f.proto, f.dstPorts), egress ? "to" : "from", format(*e.cidr),
                             egress ? "destination" : "source", format(peer));
    }
    return d;
  }
  // No entry matched: the implicit "*" rule denies. Snapshots from the CLI list
  // it explicitly, so this is reached only for hand-written facts.
  d.allow = false;
  d.filter = fmt::format("{} {}: deny *", acl.id, dir);
  d.detail = fmt::format("network ACL {} {} default entry (*) denies {} {} {}", acl.id, dir,
                         trafficText(f.proto, f.dstPorts), egress ? "to" : "from", format(peer));
  return d;
}

namespace {

bool peerMatches(const Model& m, const MSgRule& r, const IpAddr& peer, const std::vector<VirtualMember>& virtuals) {
  switch (r.peer) {
    case SgPeer::Cidr: return r.cidr.addr.family == peer.family && contains(r.cidr, peer);
    case SgPeer::PrefixList: return r.prefixList != kNone && inAny(m.prefixLists[r.prefixList].cidrs, peer);
    case SgPeer::Group: {
      if (r.group == kNone) return false;
      const auto& members = m.sgs[r.group].memberIps;
      if (std::binary_search(members.begin(), members.end(), peer,
                             [](const IpAddr& a, const IpAddr& b) { return compare(a, b) < 0; })) {
        return true;
      }
      for (const VirtualMember& v : virtuals) {
        if (v.ip == peer && std::find(v.sgs->begin(), v.sgs->end(), r.group) != v.sgs->end()) return true;
      }
      return false;
    }
  }
  return false;
}

}  // namespace

SgDecision evalSgs(const Model& m, const MEndpoint& ep, bool egress, const FlowView& f,
                   const std::vector<VirtualMember>& virtuals) {
  const char* dir = egress ? "egress" : "ingress";
  SgDecision d;
  if (ep.sgs.empty()) {
    // Every ENI has at least one group in AWS; an empty list means the
    // snapshot does not say, and guessing "deny" would invent a finding.
    d.filter = fmt::format("{} {} security groups: permit (none in the snapshot)", ep.eniId, dir);
    return d;
  }
  const IpAddr& peer = egress ? f.dst : f.src;
  for (Idx g : ep.sgs) {
    const MSg& sg = m.sgs[g];
    for (const MSgRule& r : egress ? sg.out : sg.in) {
      if (!admits(r.traffic, f.proto, f.dstPorts)) continue;
      if (!peerMatches(m, r, peer, virtuals)) continue;
      d.filter = cat(ep.eniId, " ", dir, " ", ep.sgList, ": permit (", r.text, ")");
      return d;
    }
  }
  const std::string& groups = ep.sgList;
  d.allow = false;
  d.filter = fmt::format("{} {} {}: deny", ep.eniId, dir, groups);
  d.detail = fmt::format("no {} rule of {} allows {} {} {}", egress ? "outbound" : "inbound", groups,
                         trafficText(f.proto, f.dstPorts), egress ? "to" : "from", format(peer));
  return d;
}

void renderModelTexts(Model& m) {
  for (MTable& t : m.tables) {
    for (MRoute& r : t.routes) r.note = cat(t.id, ": ", routeText(r));
  }
  for (MAcl& a : m.acls) {
    for (bool egress : {false, true}) {
      for (MAclEntry& e : egress ? a.out : a.in) {
        e.filter = fmt::format("{} {}: {} #{}", a.id, egress ? "outbound" : "inbound", e.allow ? "permit" : "deny", e.rule);
      }
    }
  }
  for (MSg& g : m.sgs) {
    for (bool egress : {false, true}) {
      for (MSgRule& r : egress ? g.out : g.in) {
        r.text = cat(g.id, " ", format(r.traffic), egress ? " to " : " from ", r.peerText);
      }
    }
  }
  for (MEndpoint& ep : m.endpoints) {
    ep.sgList.clear();
    for (Idx g : ep.sgs) {
      if (!ep.sgList.empty()) ep.sgList += ", ";
      ep.sgList += m.sgs[g].id;
    }
  }
}

}  // namespace ward::net::detail
