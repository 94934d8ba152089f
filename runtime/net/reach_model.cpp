// Builds the reachability model from a fact base: looks every kind and
// attribute up by name in the schema once, copies the network into plain
// structs, and builds the indexes (addresses, associations, memberships).
// Interfaces and everything that owns one are in reach_model_endpoints.cpp.
#include <algorithm>
#include <cctype>

#include "runtime/net/reach_builder.hpp"

namespace ward::net::detail {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A resource takes part when its state is one of `ok`. An absent state means
// the input format does not record one (hand-written facts, CloudFormation),
// and such resources are assumed to exist.
bool stateOk(std::string_view state, std::initializer_list<std::string_view> ok) {
  if (state.empty()) return true;
  for (std::string_view s : ok) {
    if (iequals(state, s)) return true;
  }
  return false;
}

namespace {

TargetKind targetKindOf(std::string_view kind, std::string_view target) {
  if (kind == "local" || target == "local") return TargetKind::Local;
  if (kind == "internet_gateway") return TargetKind::Igw;
  if (kind == "egress_only_internet_gateway") return TargetKind::EgressOnlyIgw;
  if (kind == "nat_gateway") return TargetKind::Nat;
  if (kind == "instance") return TargetKind::Instance;
  if (kind == "network_interface") return TargetKind::Eni;
  if (kind == "vpc_endpoint") return TargetKind::Vpce;
  if (kind == "vpc_peering_connection") return TargetKind::Pcx;
  if (kind == "transit_gateway") return TargetKind::Tgw;
  if (kind == "vpn_gateway") return TargetKind::Vgw;
  // The loader did not classify the target: fall back to AWS's id prefixes.
  auto starts = [&](std::string_view p) { return target.substr(0, p.size()) == p; };
  if (starts("igw-")) return TargetKind::Igw;
  if (starts("eigw-")) return TargetKind::EgressOnlyIgw;
  if (starts("nat-")) return TargetKind::Nat;
  if (starts("i-")) return TargetKind::Instance;
  if (starts("eni-")) return TargetKind::Eni;
  if (starts("vpce-")) return TargetKind::Vpce;
  if (starts("pcx-")) return TargetKind::Pcx;
  if (starts("tgw-")) return TargetKind::Tgw;
  if (starts("vgw-")) return TargetKind::Vgw;
  return TargetKind::Other;
}

}  // namespace

// "com.amazonaws.us-east-1.ecr.dkr" -> "ecr.dkr"
std::string shortServiceName(std::string_view full) {
  constexpr std::string_view kPrefix = "com.amazonaws.";
  if (full.substr(0, kPrefix.size()) != kPrefix) return std::string(full);
  std::string_view rest = full.substr(kPrefix.size());
  size_t dot = rest.find('.');
  // The region part contains a dash ("us-east-1"); service-only names do not.
  if (dot != std::string_view::npos && rest.substr(0, dot).find('-') != std::string_view::npos) {
    rest = rest.substr(dot + 1);
  }
  return std::string(rest);
}

void Builder::vpcs() {
  KindReader r(fb, "vpc");
  AttrId cidr = r.attr("cidr"), cidrs = r.attr("cidrs"), v6 = r.attr("ipv6_cidrs"), state = r.attr("state");
  m.vpcs.resize(r.count());
  for (EntityIndex i = 0; i < r.count(); ++i) {
    MVpc& v = m.vpcs[i];
    v.id = r.idOf(i);
    v.cidrs = r.cidrs(i, cidrs);
    if (v.cidrs.empty()) {
      if (auto c = r.cidr(i, cidr)) v.cidrs.push_back(*c);
    }
    for (const Cidr& c : r.cidrs(i, v6)) v.cidrs.push_back(c);
    v.available = stateOk(r.str(i, state), {"available"});
    addId(v.id, ObjType::Vpc, i);
    addEntity(r.id(), i, ObjType::Vpc, i);
  }
}

void Builder::subnets() {
  KindReader r(fb, "subnet");
  AttrId vpc = r.attr("vpc"), cidr = r.attr("cidr"), v6 = r.attr("ipv6_cidrs"), az = r.attr("az"),
         state = r.attr("state");
  m.subnets.resize(r.count());
  for (EntityIndex i = 0; i < r.count(); ++i) {
    MSubnet& s = m.subnets[i];
    s.id = r.idOf(i);
    s.vpc = r.ref(i, vpc);
    if (auto c = r.cidr(i, cidr)) s.cidrs.push_back(*c);
    for (const Cidr& c : r.cidrs(i, v6)) s.cidrs.push_back(c);
    s.az = r.str(i, az);
    s.available = stateOk(r.str(i, state), {"available"});
    if (s.vpc != kNone && s.vpc < m.vpcs.size()) m.vpcs[s.vpc].subnets.push_back(i);
    addId(s.id, ObjType::Subnet, i);
    addEntity(r.id(), i, ObjType::Subnet, i);
  }
}

void Builder::prefixLists() {
  KindReader r(fb, "prefix_list");
  AttrId name = r.attr("prefix_list_name"), cidrs = r.attr("cidrs");
  m.prefixLists.resize(r.count());
  for (EntityIndex i = 0; i < r.count(); ++i) {
    MPrefixList& p = m.prefixLists[i];
    p.id = r.idOf(i);
    p.name = r.str(i, name);
    p.cidrs = r.cidrs(i, cidrs);
    // AWS-managed lists name the service addresses (S3, DynamoDB, ...).
    if (p.name.rfind("com.amazonaws.", 0) == 0) {
      m.awsServicePrefixes.insert(m.awsServicePrefixes.end(), p.cidrs.begin(), p.cidrs.end());
    }
  }
}

void Builder::gateways() {
  KindReader igw(fb, "internet_gateway");
  AttrId vpc = igw.attr("vpc"), state = igw.attr("state");
  for (EntityIndex i = 0; i < igw.count(); ++i) {
    MIgw g;
    g.id = igw.idOf(i);
    g.vpc = igw.ref(i, vpc);
    g.available = g.vpc != kNone && stateOk(igw.str(i, state), {"available", "attached"});
    m.igws.push_back(std::move(g));
    addId(m.igws.back().id, ObjType::Igw, i);
    addEntity(igw.id(), i, ObjType::Igw, i);
  }
  igwCount = m.igws.size();
  KindReader eigw(fb, "egress_only_internet_gateway");
  AttrId evpc = eigw.attr("vpc"), estate = eigw.attr("state");
  for (EntityIndex i = 0; i < eigw.count(); ++i) {
    MIgw g;
    g.id = eigw.idOf(i);
    g.vpc = eigw.ref(i, evpc);
    g.egressOnly = true;
    g.available = g.vpc != kNone && stateOk(eigw.str(i, estate), {"available", "attached"});
    Idx idx = static_cast<Idx>(m.igws.size());
    m.igws.push_back(std::move(g));
    addId(m.igws.back().id, ObjType::Igw, idx);
    addEntity(eigw.id(), i, ObjType::Igw, idx);
  }
  for (Idx i = 0; i < m.igws.size(); ++i) {
    const MIgw& g = m.igws[i];
    if (g.available && !g.egressOnly && g.vpc < m.vpcs.size()) m.vpcs[g.vpc].igws.push_back(i);
  }
}

void Builder::vpnAndPeering() {
  KindReader vgw(fb, "vpn_gateway");
  AttrId vState = vgw.attr("state"), vVpcs = vgw.attr("vpcs");
  m.vgws.resize(vgw.count());
  for (EntityIndex i = 0; i < vgw.count(); ++i) {
    MVgw& g = m.vgws[i];
    g.id = vgw.idOf(i);
    g.available = stateOk(vgw.str(i, vState), {"available"});
    g.vpcs = vgw.refs(i, vVpcs);
    addId(g.id, ObjType::Vgw, i);
    addEntity(vgw.id(), i, ObjType::Vgw, i);
  }

  KindReader cgw(fb, "customer_gateway");
  AttrId cgwIp = cgw.attr("ip");
  KindReader vpn(fb, "vpn_connection");
  AttrId gw = vpn.attr("vpn_gateway"), cg = vpn.attr("customer_gateway"), state = vpn.attr("state"),
         staticOnly = vpn.attr("static_routes_only"), routes = vpn.attr("routes"), tunnels = vpn.attr("tunnels");
  KindReader tun(fb, "vpn_tunnel");
  AttrId tConn = tun.attr("connection"), tIp = tun.attr("outside_ip"), tStatus = tun.attr("status");
  m.vpns.resize(vpn.count());
  std::vector<std::vector<Idx>> tunnelsOf(vpn.count());
  for (EntityIndex t = 0; t < tun.count(); ++t) {
    Idx c = tun.ref(t, tConn);
    if (c != kNone && c < tunnelsOf.size()) tunnelsOf[c].push_back(t);
  }
  for (EntityIndex i = 0; i < vpn.count(); ++i) {
    MVpn& v = m.vpns[i];
    v.id = vpn.idOf(i);
    v.available = stateOk(vpn.str(i, state), {"available"});
    v.staticOnly = vpn.boolean(i, staticOnly, true);
    v.routes = vpn.cidrs(i, routes);
    for (Idx t : vpn.refs(i, tunnels)) {
      if (std::find(tunnelsOf[i].begin(), tunnelsOf[i].end(), t) == tunnelsOf[i].end()) tunnelsOf[i].push_back(t);
    }
    std::sort(tunnelsOf[i].begin(), tunnelsOf[i].end());
    for (Idx t : tunnelsOf[i]) {
      auto ip = tun.ip(t, tIp);
      v.tunnels.push_back(MTunnel{ip ? format(*ip) : tun.idOf(t), tun.str(t, tStatus)});
    }
    Idx c = vpn.ref(i, cg);
    if (c != kNone) v.customerIp = cgw.ip(c, cgwIp);
    Idx g = vpn.ref(i, gw);
    if (g != kNone && g < m.vgws.size()) m.vgws[g].vpns.push_back(i);
  }

  KindReader pcx(fb, "vpc_peering_connection");
  AttrId req = pcx.attr("requester_vpc"), acc = pcx.attr("accepter_vpc"), reqC = pcx.attr("requester_cidrs"),
         accC = pcx.attr("accepter_cidrs"), status = pcx.attr("status");
  m.pcxs.resize(pcx.count());
  for (EntityIndex i = 0; i < pcx.count(); ++i) {
    MPcx& p = m.pcxs[i];
    p.id = pcx.idOf(i);
    p.requester = pcx.ref(i, req);
    p.accepter = pcx.ref(i, acc);
    p.requesterCidrs = pcx.cidrs(i, reqC);
    p.accepterCidrs = pcx.cidrs(i, accC);
    p.status = pcx.str(i, status);
    p.active = stateOk(p.status, {"active"});
  }
}

void Builder::transitGateways() {
  KindReader tgw(fb, "transit_gateway");
  AttrId state = tgw.attr("state");
  m.tgws.resize(tgw.count());
  for (EntityIndex i = 0; i < tgw.count(); ++i) {
    m.tgws[i].id = tgw.idOf(i);
    m.tgws[i].available = stateOk(tgw.str(i, state), {"available"});
    addId(m.tgws[i].id, ObjType::Tgw, i);
    addEntity(tgw.id(), i, ObjType::Tgw, i);
  }
  KindReader att(fb, "transit_gateway_attachment");
  AttrId aTgw = att.attr("transit_gateway"), aType = att.attr("resource_type"), aRes = att.attr("resource_id"),
         aVpc = att.attr("vpc"), aState = att.attr("state");
  m.tgwAttachments.resize(att.count());
  for (EntityIndex i = 0; i < att.count(); ++i) {
    MTgwAttachment& a = m.tgwAttachments[i];
    a.id = att.idOf(i);
    a.tgw = att.ref(i, aTgw);
    a.resourceType = att.str(i, aType);
    a.resourceId = att.str(i, aRes);
    a.vpc = att.ref(i, aVpc);
    a.available = stateOk(att.str(i, aState), {"available"});
  }
  // Note: the schema records which route table a route belongs to but not
  // which route table each attachment is associated with, so a transit
  // gateway's route tables are merged; a table is tied to its gateway
  // through the attachments its routes use.
  KindReader rt(fb, "transit_gateway_route");
  AttrId rTable = rt.attr("route_table_id"), rDest = rt.attr("destination"), rAtt = rt.attr("attachment"),
         rState = rt.attr("state");
  std::unordered_map<std::string, Idx> tableTgw;
  std::vector<std::pair<MTgwRoute, Idx>> pending;
  for (EntityIndex i = 0; i < rt.count(); ++i) {
    auto dest = rt.cidr(i, rDest);
    if (!dest) continue;
    MTgwRoute r;
    r.dest = *dest;
    r.tableId = rt.str(i, rTable);
    r.attachment = rt.ref(i, rAtt);
    r.blackhole = iequals(rt.str(i, rState), "blackhole");
    Idx owner = kNone;
    if (r.attachment != kNone && r.attachment < m.tgwAttachments.size()) owner = m.tgwAttachments[r.attachment].tgw;
    if (owner != kNone) tableTgw.emplace(r.tableId, owner);
    pending.emplace_back(std::move(r), owner);
  }
  for (auto& [r, owner] : pending) {
    if (owner == kNone) {
      auto it = tableTgw.find(r.tableId);
      if (it != tableTgw.end()) owner = it->second;
    }
    if (owner != kNone && owner < m.tgws.size()) m.tgws[owner].routes.push_back(std::move(r));
  }
  for (MTgw& t : m.tgws) {
    std::stable_sort(t.routes.begin(), t.routes.end(), [](const MTgwRoute& a, const MTgwRoute& b) {
      if (a.dest.addr.family != b.dest.addr.family) return a.dest.addr.family < b.dest.addr.family;
      return a.dest.prefix > b.dest.prefix;
    });
  }
}

void Builder::securityGroups() {
  KindReader sg(fb, "security_group");
  m.sgs.resize(sg.count());
  for (EntityIndex i = 0; i < sg.count(); ++i) m.sgs[i].id = sg.idOf(i);
  KindReader rule(fb, "sg_rule");
  AttrId group = rule.attr("group"), egress = rule.attr("egress"), traffic = rule.attr("traffic"),
         cidr = rule.attr("cidr"), src = rule.attr("source_group"), pl = rule.attr("prefix_list");
  for (EntityIndex i = 0; i < rule.count(); ++i) {
    Idx g = rule.ref(i, group);
    if (g == kNone || g >= m.sgs.size()) continue;
    MSgRule r;
    r.traffic = rule.traffic(i, traffic);
    if (auto c = rule.cidr(i, cidr)) {
      r.peer = SgPeer::Cidr;
      r.cidr = *c;
      r.peerText = format(*c);
    } else if (Idx sgRef = rule.ref(i, src); sgRef != kNone) {
      r.peer = SgPeer::Group;
      r.group = sgRef;
      r.peerText = sgRef < m.sgs.size() ? m.sgs[sgRef].id : "?";
    } else if (Idx plRef = rule.ref(i, pl); plRef != kNone) {
      r.peer = SgPeer::PrefixList;
      r.prefixList = plRef;
      r.peerText = plRef < m.prefixLists.size() ? m.prefixLists[plRef].id : "?";
    } else {
      continue;  // a rule whose peer did not resolve admits nothing
    }
    (rule.boolean(i, egress, false) ? m.sgs[g].out : m.sgs[g].in).push_back(std::move(r));
  }
}

void Builder::networkAcls() {
  KindReader acl(fb, "network_acl");
  AttrId vpc = acl.attr("vpc"), isDefault = acl.attr("is_default"), subnets = acl.attr("subnets");
  m.acls.resize(acl.count());
  for (EntityIndex i = 0; i < acl.count(); ++i) {
    MAcl& a = m.acls[i];
    a.id = acl.idOf(i);
    a.vpc = acl.ref(i, vpc);
    a.isDefault = acl.boolean(i, isDefault, false);
    if (a.isDefault && a.vpc < m.vpcs.size() && m.vpcs[a.vpc].defaultAcl == kNone) m.vpcs[a.vpc].defaultAcl = i;
    for (Idx s : acl.refs(i, subnets)) {
      if (s < m.subnets.size()) m.subnets[s].acl = i;
    }
  }
  for (MSubnet& s : m.subnets) {
    if (s.acl == kNone && s.vpc < m.vpcs.size()) s.acl = m.vpcs[s.vpc].defaultAcl;
  }
  KindReader entry(fb, "nacl_entry");
  AttrId eAcl = entry.attr("acl"), rule = entry.attr("rule_number"), egress = entry.attr("egress"),
         allow = entry.attr("allow"), action = entry.attr("action"), traffic = entry.attr("traffic"),
         cidr = entry.attr("cidr");
  for (EntityIndex i = 0; i < entry.count(); ++i) {
    Idx a = entry.ref(i, eAcl);
    if (a == kNone || a >= m.acls.size()) continue;
    MAclEntry e;
    e.rule = static_cast<int>(entry.integer(i, rule).value_or(32767));
    Value allowV = entry.get(i, allow);
    e.allow = allowV.tag == Tag::Bool ? allowV.asBool() : iequals(entry.str(i, action), "allow");
    e.traffic = entry.traffic(i, traffic);
    e.cidr = entry.cidr(i, cidr);
    (entry.boolean(i, egress, false) ? m.acls[a].out : m.acls[a].in).push_back(e);
  }
  for (MAcl& a : m.acls) {
    auto byRule = [](const MAclEntry& x, const MAclEntry& y) { return x.rule < y.rule; };
    std::stable_sort(a.in.begin(), a.in.end(), byRule);
    std::stable_sort(a.out.begin(), a.out.end(), byRule);
  }
}

void Builder::routeTables() {
  KindReader rt(fb, "route_table");
  AttrId vpc = rt.attr("vpc"), main = rt.attr("main"), subnets = rt.attr("subnets"),
         propagating = rt.attr("propagating_vgws");
  m.tables.resize(rt.count());
  std::vector<std::vector<std::string>> propagates(rt.count());
  for (EntityIndex i = 0; i < rt.count(); ++i) {
    MTable& t = m.tables[i];
    t.id = rt.idOf(i);
    t.vpc = rt.ref(i, vpc);
    t.main = rt.boolean(i, main, false);
    if (t.main && t.vpc < m.vpcs.size() && m.vpcs[t.vpc].mainTable == kNone) m.vpcs[t.vpc].mainTable = i;
    for (Idx s : rt.refs(i, subnets)) {
      if (s < m.subnets.size()) m.subnets[s].table = i;
    }
    propagates[i] = rt.strings(i, propagating);
  }
  for (MSubnet& s : m.subnets) {
    if (s.table == kNone && s.vpc < m.vpcs.size()) s.table = m.vpcs[s.vpc].mainTable;
  }

  KindReader route(fb, "route");
  AttrId table = route.attr("table"), dest = route.attr("destination"), pl = route.attr("prefix_list"),
         target = route.attr("target"), targetKind = route.attr("target_kind"), state = route.attr("state"),
         origin = route.attr("origin");
  struct RefAttr {
    TargetKind kind;
    AttrId attr;
  };
  const RefAttr refAttrs[] = {
      {TargetKind::Igw, route.attr("internet_gateway")},     {TargetKind::Nat, route.attr("nat_gateway")},
      {TargetKind::Instance, route.attr("instance")},        {TargetKind::Eni, route.attr("network_interface")},
      {TargetKind::Vpce, route.attr("vpc_endpoint")},        {TargetKind::Pcx, route.attr("vpc_peering_connection")},
      {TargetKind::Tgw, route.attr("transit_gateway")},      {TargetKind::Vgw, route.attr("vpn_gateway")},
      {TargetKind::EgressOnlyIgw, route.attr("egress_only_internet_gateway")},
  };
  for (EntityIndex i = 0; i < route.count(); ++i) {
    Idx t = route.ref(i, table);
    if (t == kNone || t >= m.tables.size()) continue;
    MRoute base;
    base.targetId = route.str(i, target);
    base.target = targetKindOf(route.str(i, targetKind), base.targetId);
    base.blackhole = iequals(route.str(i, state), "blackhole");
    std::string org = route.str(i, origin);
    if (base.target == TargetKind::Local) {
      base.rank = RouteRank::Local;
    } else if (iequals(org, "EnableVgwRoutePropagation")) {
      base.rank = RouteRank::Propagated;
    }
    for (const RefAttr& ra : refAttrs) {
      if (ra.kind != base.target) continue;
      Idx r = route.ref(i, ra.attr);
      if (r == kNone) break;
      base.targetIdx = ra.kind == TargetKind::Eni ? (r < eniEndpoint.size() ? eniEndpoint[r] : kNone) : r;
      if (ra.kind == TargetKind::Igw && r >= igwCount) base.targetIdx = kNone;
      // Egress-only gateways follow the internet gateways in m.igws.
      if (ra.kind == TargetKind::EgressOnlyIgw) base.targetIdx = static_cast<Idx>(igwCount + r);
    }
    if (base.target == TargetKind::EgressOnlyIgw) {
      auto it = m.byId.find(base.targetId);
      if (it != m.byId.end() && it->second.type == ObjType::Igw) base.targetIdx = it->second.idx;
    }
    if (auto c = route.cidr(i, dest)) {
      base.dest = *c;
      base.destText = format(*c);
      m.tables[t].routes.push_back(base);
    } else if (Idx p = route.ref(i, pl); p != kNone && p < m.prefixLists.size()) {
      // A prefix-list route is one route per block of the list, ranked
      // below static routes of the same length.
      if (base.rank == RouteRank::Static) base.rank = RouteRank::PrefixList;
      base.destText = m.prefixLists[p].id;
      for (const Cidr& c : m.prefixLists[p].cidrs) {
        MRoute r = base;
        r.dest = c;
        m.tables[t].routes.push_back(std::move(r));
      }
    }
  }
  // Route propagation: the static routes of every VPN connection on a
  // propagating VGW appear in the table as propagated routes (the CLI
  // usually lists them already; duplicates are skipped).
  for (EntityIndex i = 0; i < m.tables.size(); ++i) {
    for (const std::string& vgwId : propagates[i]) {
      auto it = m.byId.find(vgwId);
      if (it == m.byId.end() || it->second.type != ObjType::Vgw) continue;
      const MVgw& g = m.vgws[it->second.idx];
      for (Idx v : g.vpns) {
        if (!m.vpns[v].available) continue;
        for (const Cidr& c : m.vpns[v].routes) {
          auto& routes = m.tables[i].routes;
          bool dup = std::any_of(routes.begin(), routes.end(),
                                 [&](const MRoute& r) { return r.dest == c && r.targetId == vgwId; });
          if (dup) continue;
          MRoute r;
          r.dest = c;
          r.destText = format(c);
          r.rank = RouteRank::Propagated;
          r.target = TargetKind::Vgw;
          r.targetIdx = it->second.idx;
          r.targetId = vgwId;
          routes.push_back(std::move(r));
        }
      }
    }
    sortRoutes(m.tables[i].routes);
  }
}

Model buildModel(const FactBase& facts) {
  Builder b(facts);
  const Schema& schema = facts.schema();
  b.m.byEntity.resize(schema.kindCount());
  b.m.kindNames.reserve(schema.kindCount());
  for (KindId k = 0; k < schema.kindCount(); ++k) b.m.kindNames.push_back(schema.kind(k).name);
  // Order matters: routes resolve ENI targets through the endpoints, and
  // endpoints take their groups and subnets from the earlier steps.
  b.vpcs();
  b.subnets();
  b.prefixLists();
  b.gateways();
  b.vpnAndPeering();
  b.transitGateways();
  b.securityGroups();
  b.networkAcls();
  b.endpoints();
  b.vpcEndpoints();
  b.routeTables();
  b.workloads();
  b.indexes();
  renderModelTexts(b.m);
  return std::move(b.m);
}

}  // namespace ward::net::detail
