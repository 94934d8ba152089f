// Builds the reachability model from a fact base: looks every kind and
// attribute up by name in the schema once, copies the network into plain
// structs, and builds the indexes (addresses, associations, memberships).
#include <algorithm>
#include <cctype>
#include <span>

#include "runtime/facts.hpp"
#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

namespace {

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

// Read access to one kind of the fact base by attribute name. A kind or an
// attribute the schema lacks reads as absent, so the model degrades to "not
// in the snapshot" instead of failing.
class KindReader {
public:
  KindReader(const FactBase& fb, std::string_view kind) : fb_(fb) {
    if (auto k = fb.schema().findKind(kind)) {
      kind_ = *k;
      count_ = fb.count(kind_);
    }
  }
  KindId id() const { return kind_; }
  size_t count() const { return count_; }
  AttrId attr(std::string_view name) const {
    if (kind_ == kNoKind) return kNoAttr;
    return fb_.schema().kind(kind_).find(name).value_or(kNoAttr);
  }
  Value get(EntityIndex i, AttrId a) const { return a == kNoAttr ? Value::null() : fb_.get(kind_, i, a); }
  std::string idOf(EntityIndex i) const { return std::string(fb_.idOf(kind_, i)); }

  std::string str(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::String ? std::string(fb_.str(v.asString())) : std::string();
  }
  bool boolean(EntityIndex i, AttrId a, bool fallback) const {
    Value v = get(i, a);
    return v.tag == Tag::Bool ? v.asBool() : fallback;
  }
  std::optional<int64_t> integer(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    if (v.tag == Tag::Int) return v.asInt();
    return std::nullopt;
  }
  std::optional<IpAddr> ip(EntityIndex i, AttrId a) const { return toIp(get(i, a)); }
  std::optional<Cidr> cidr(EntityIndex i, AttrId a) const { return toCidr(get(i, a)); }
  Traffic traffic(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::Traffic ? v.asTraffic() : Traffic{};
  }
  // The entity index a reference points at, or kNone.
  Idx ref(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::Entity ? v.entityIndex() : kNone;
  }
  std::span<const Value> list(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    if (v.tag != Tag::List) return {};
    return fb_.list(v);
  }
  std::vector<Idx> refs(EntityIndex i, AttrId a) const {
    std::vector<Idx> out;
    for (const Value& e : list(i, a)) {
      if (e.tag == Tag::Entity) out.push_back(e.entityIndex());
    }
    return out;
  }
  std::vector<Cidr> cidrs(EntityIndex i, AttrId a) const {
    std::vector<Cidr> out;
    for (const Value& e : list(i, a)) {
      if (auto c = toCidr(e)) out.push_back(*c);
    }
    return out;
  }
  std::vector<IpAddr> ips(EntityIndex i, AttrId a) const {
    std::vector<IpAddr> out;
    for (const Value& e : list(i, a)) {
      if (auto p = toIp(e)) out.push_back(*p);
    }
    return out;
  }
  std::vector<std::string> strings(EntityIndex i, AttrId a) const {
    std::vector<std::string> out;
    for (const Value& e : list(i, a)) {
      if (e.tag == Tag::String) out.emplace_back(fb_.str(e.asString()));
    }
    return out;
  }

private:
  std::optional<IpAddr> toIp(const Value& v) const {
    if (v.tag == Tag::Ip) return v.asIp();
    if (v.tag == Tag::String) return parseIp(fb_.str(v.asString()));
    return std::nullopt;
  }
  std::optional<Cidr> toCidr(const Value& v) const {
    if (v.tag == Tag::Cidr) return canonical(v.asCidr());
    if (v.tag == Tag::String) {
      if (auto c = parseCidr(fb_.str(v.asString()))) return canonical(*c);
    }
    return std::nullopt;
  }

  const FactBase& fb_;
  KindId kind_ = kNoKind;
  size_t count_ = 0;
};

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

struct Builder {
  const FactBase& fb;
  Model m;

  // Entity index -> model index maps for kinds that are not 1:1.
  std::vector<Idx> eniEndpoint;  // network_interface entity -> endpoint
  size_t igwCount = 0;           // egress-only gateways follow the internet gateways in m.igws

  explicit Builder(const FactBase& f) : fb(f) {}

  void addId(const std::string& id, ObjType type, Idx idx) {
    if (!id.empty()) m.byId.emplace(id, ObjRef{type, idx});
  }
  void addEntity(KindId kind, EntityIndex i, ObjType type, Idx idx) {
    if (kind == kNoKind) return;
    auto& v = m.byEntity[kind];
    if (v.size() <= i) v.resize(i + 1, ObjRef{ObjType::Vpc, kNone});
    v[i] = ObjRef{type, idx};
  }

  void vpcs() {
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

  void subnets() {
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

  void prefixLists() {
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

  void gateways() {
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

  void vpnAndPeering() {
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

  void transitGateways() {
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

  void securityGroups() {
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

  void networkAcls() {
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

  void routeTables() {
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

  // Interfaces, instances, NAT gateways and interface endpoints become
  // endpoints; every address is indexed per VPC.
  void endpoints();
  void endpointsFromInstances(const KindReader& inst, std::vector<std::vector<Idx>>& owned);
  void vpcEndpoints();
  void workloads();
  void indexes();
};

void Builder::endpoints() {
  KindReader eni(fb, "network_interface");
  AttrId vpc = eni.attr("vpc"), subnet = eni.attr("subnet"), privateIps = eni.attr("private_ips"),
         publicIp = eni.attr("public_ip"), v6 = eni.attr("ipv6_ips"), sgs = eni.attr("security_groups"),
         type = eni.attr("interface_type"), instance = eni.attr("instance"), sdc = eni.attr("source_dest_check");
  KindReader inst(fb, "instance");
  AttrId iState = inst.attr("state");
  m.instanceIds.resize(inst.count());
  m.instanceAvailable.resize(inst.count());
  for (EntityIndex i = 0; i < inst.count(); ++i) {
    m.instanceIds[i] = inst.idOf(i);
    std::string st = inst.str(i, iState);
    m.instanceAvailable[i] = stateOk(st, {"running"});
    addId(m.instanceIds[i], ObjType::Instance, i);
    addEntity(inst.id(), i, ObjType::Instance, i);
  }
  std::vector<std::vector<Idx>> owned(inst.count());
  eniEndpoint.assign(eni.count(), kNone);
  for (EntityIndex i = 0; i < eni.count(); ++i) {
    MEndpoint ep;
    ep.eniId = eni.idOf(i);
    ep.node = ep.eniId;
    ep.nodeKind = "network_interface";
    ep.kind = EpKind::Eni;
    ep.subnet = eni.ref(i, subnet);
    ep.vpc = eni.ref(i, vpc);
    if (ep.vpc == kNone && ep.subnet < m.subnets.size()) ep.vpc = m.subnets[ep.subnet].vpc;
    ep.ips = eni.ips(i, privateIps);
    for (const IpAddr& a : eni.ips(i, v6)) ep.ips.push_back(a);
    ep.publicIp = eni.ip(i, publicIp);
    ep.sgs = eni.refs(i, sgs);
    ep.srcDstCheck = eni.boolean(i, sdc, true);
    std::string t = eni.str(i, type);
    if (t == "nat_gateway") ep.applySgs = false;
    Idx owner = eni.ref(i, instance);
    if (owner != kNone && owner < inst.count()) {
      ep.kind = EpKind::Instance;
      ep.node = m.instanceIds[owner];
      ep.nodeKind = "instance";
      ep.owner = owner;
      if (!m.instanceAvailable[owner]) {
        ep.available = false;
        ep.unavailableWhy = "instance " + ep.node + " is " + inst.str(owner, iState);
      }
    }
    Idx idx = static_cast<Idx>(m.endpoints.size());
    eniEndpoint[i] = idx;
    if (owner != kNone && owner < owned.size()) owned[owner].push_back(idx);
    addId(ep.eniId, ObjType::Endpoint, idx);
    addEntity(eni.id(), i, ObjType::Endpoint, idx);
    m.endpoints.push_back(std::move(ep));
  }
  endpointsFromInstances(inst, owned);

  KindReader nat(fb, "nat_gateway");
  AttrId nVpc = nat.attr("vpc"), nSubnet = nat.attr("subnet"), nState = nat.attr("state"),
         nPrivate = nat.attr("private_ip"), nPublic = nat.attr("public_ip"), nEni = nat.attr("network_interface");
  m.nats.resize(nat.count());
  for (EntityIndex i = 0; i < nat.count(); ++i) {
    MNat& n = m.nats[i];
    n.id = nat.idOf(i);
    n.subnet = nat.ref(i, nSubnet);
    n.vpc = nat.ref(i, nVpc);
    if (n.vpc == kNone && n.subnet < m.subnets.size()) n.vpc = m.subnets[n.subnet].vpc;
    n.state = nat.str(i, nState);
    n.available = stateOk(n.state, {"available"});
    auto priv = nat.ip(i, nPrivate);
    Idx e = nat.ref(i, nEni);
    Idx ep = e != kNone && e < eniEndpoint.size() ? eniEndpoint[e] : kNone;
    if (ep == kNone && priv) {
      // The NAT's interface may be missing from the snapshot, or not linked:
      // find it by address, else stand one in.
      for (Idx j = 0; j < m.endpoints.size(); ++j) {
        const MEndpoint& cand = m.endpoints[j];
        if (cand.vpc == n.vpc && cand.kind == EpKind::Eni && !cand.ips.empty() && cand.ips[0] == *priv) ep = j;
      }
    }
    if (ep == kNone) {
      MEndpoint stand;
      stand.eniId = n.id;
      stand.subnet = n.subnet;
      stand.vpc = n.vpc;
      if (priv) stand.ips.push_back(*priv);
      ep = static_cast<Idx>(m.endpoints.size());
      m.endpoints.push_back(std::move(stand));
    }
    MEndpoint& x = m.endpoints[ep];
    x.kind = EpKind::Nat;
    x.node = n.id;
    x.nodeKind = "nat_gateway";
    x.owner = i;
    x.applySgs = false;
    x.available = n.available;
    if (!n.available) x.unavailableWhy = "nat gateway " + n.id + " is " + n.state;
    if (priv && std::find(x.ips.begin(), x.ips.end(), *priv) == x.ips.end()) x.ips.insert(x.ips.begin(), *priv);
    if (auto pub = nat.ip(i, nPublic)) x.publicIp = pub;
    if (x.subnet == kNone) x.subnet = n.subnet;
    if (x.vpc == kNone) x.vpc = n.vpc;
    n.endpoint = ep;
    addId(n.id, ObjType::Nat, i);
    addEntity(nat.id(), i, ObjType::Nat, i);
  }
}

void Builder::endpointsFromInstances(const KindReader& inst, std::vector<std::vector<Idx>>& owned) {
  AttrId vpc = inst.attr("vpc"), subnet = inst.attr("subnet"), privateIp = inst.attr("private_ip"),
         publicIp = inst.attr("public_ip"), sgs = inst.attr("security_groups"), sdc = inst.attr("source_dest_check"),
         enis = inst.attr("network_interfaces"), state = inst.attr("state");
  m.instanceEndpoints.resize(inst.count());
  for (EntityIndex i = 0; i < inst.count(); ++i) {
    for (Idx e : inst.refs(i, enis)) {
      Idx ep = e < eniEndpoint.size() ? eniEndpoint[e] : kNone;
      if (ep != kNone && std::find(owned[i].begin(), owned[i].end(), ep) == owned[i].end()) {
        MEndpoint& x = m.endpoints[ep];
        x.kind = EpKind::Instance;
        x.node = m.instanceIds[i];
        x.nodeKind = "instance";
        x.owner = i;
        owned[i].push_back(ep);
      }
    }
    auto priv = inst.ip(i, privateIp);
    if (owned[i].empty()) {
      // Instances described only by Reservations.json: stand in an interface.
      MEndpoint ep;
      ep.eniId = m.instanceIds[i];
      ep.node = m.instanceIds[i];
      ep.nodeKind = "instance";
      ep.kind = EpKind::Instance;
      ep.owner = i;
      ep.subnet = inst.ref(i, subnet);
      ep.vpc = inst.ref(i, vpc);
      if (ep.vpc == kNone && ep.subnet < m.subnets.size()) ep.vpc = m.subnets[ep.subnet].vpc;
      if (priv) ep.ips.push_back(*priv);
      ep.publicIp = inst.ip(i, publicIp);
      ep.sgs = inst.refs(i, sgs);
      ep.srcDstCheck = inst.boolean(i, sdc, true);
      if (!m.instanceAvailable[i]) {
        ep.available = false;
        ep.unavailableWhy = "instance " + ep.node + " is " + inst.str(i, state);
      }
      owned[i].push_back(static_cast<Idx>(m.endpoints.size()));
      m.endpoints.push_back(std::move(ep));
    }
    // The primary interface (the one holding the instance's private IP) first.
    auto& list = owned[i];
    if (priv) {
      std::stable_partition(list.begin(), list.end(), [&](Idx e) {
        const auto& ips = m.endpoints[e].ips;
        return std::find(ips.begin(), ips.end(), *priv) != ips.end();
      });
    }
    for (Idx e : list) {
      MEndpoint& x = m.endpoints[e];
      if (!x.publicIp && priv && !x.ips.empty() && x.ips[0] == *priv) x.publicIp = inst.ip(i, publicIp);
      if (x.sgs.empty()) x.sgs = inst.refs(i, sgs);
    }
    m.instanceEndpoints[i] = list;
  }
}

void Builder::vpcEndpoints() {
  KindReader vpce(fb, "vpc_endpoint");
  AttrId vpc = vpce.attr("vpc"), serviceName = vpce.attr("service_name"), service = vpce.attr("service"),
         type = vpce.attr("endpoint_type"), state = vpce.attr("state"), sgs = vpce.attr("security_groups"),
         dns = vpce.attr("private_dns"), enis = vpce.attr("network_interfaces");
  m.vpces.resize(vpce.count());
  for (EntityIndex i = 0; i < vpce.count(); ++i) {
    MVpce& v = m.vpces[i];
    v.id = vpce.idOf(i);
    v.vpc = vpce.ref(i, vpc);
    std::string full = vpce.str(i, serviceName);
    v.service = vpce.str(i, service);
    if (v.service.empty()) v.service = shortServiceName(full);
    v.gateway = iequals(vpce.str(i, type), "gateway");
    v.available = stateOk(vpce.str(i, state), {"available"});
    v.privateDns = vpce.boolean(i, dns, false);
    std::vector<Idx> groups = vpce.refs(i, sgs);
    for (Idx e : vpce.refs(i, enis)) {
      Idx ep = e < eniEndpoint.size() ? eniEndpoint[e] : kNone;
      if (ep == kNone) continue;
      MEndpoint& x = m.endpoints[ep];
      x.kind = EpKind::Vpce;
      x.node = v.id;
      x.nodeKind = "vpc_endpoint";
      x.owner = i;
      if (x.sgs.empty()) x.sgs = groups;
      x.available = v.available;
      if (!v.available) x.unavailableWhy = "vpc endpoint " + v.id + " is " + vpce.str(i, state);
      v.endpoints.push_back(ep);
    }
    if (v.gateway) {
      for (Idx p = 0; p < m.prefixLists.size(); ++p) {
        const std::string& name = m.prefixLists[p].name;
        if (name == full || (!name.empty() && shortServiceName(name) == v.service)) v.prefixLists.push_back(p);
      }
    }
    addId(v.id, ObjType::Vpce, i);
    addEntity(vpce.id(), i, ObjType::Vpce, i);
  }
}

void Builder::workloads() {
  static const char* const kKinds[] = {"training_job", "processing_job", "model", "notebook_instance", "domain",
                                       "endpoint"};
  for (const char* kind : kKinds) {
    KindReader r(fb, kind);
    AttrId name = r.attr("name"), subnets = r.attr("subnets"), subnet = r.attr("subnet"),
           sgs = r.attr("security_groups");
    for (EntityIndex i = 0; i < r.count(); ++i) {
      MWorkload w;
      w.id = r.idOf(i);
      w.kind = kind;
      w.subnets = r.refs(i, subnets);
      if (w.subnets.empty()) {
        if (Idx s = r.ref(i, subnet); s != kNone) w.subnets.push_back(s);
      }
      w.sgs = r.refs(i, sgs);
      Idx idx = static_cast<Idx>(m.workloads.size());
      addId(w.id, ObjType::Workload, idx);
      std::string n = r.str(i, name);
      if (!n.empty() && n != w.id) addId(n, ObjType::Workload, idx);
      addEntity(r.id(), i, ObjType::Workload, idx);
      m.workloads.push_back(std::move(w));
    }
  }
}

void Builder::indexes() {
  m.endpointByIp.assign(m.vpcs.size(), {});
  for (Idx e = 0; e < m.endpoints.size(); ++e) {
    const MEndpoint& ep = m.endpoints[e];
    if (ep.vpc < m.vpcs.size()) {
      for (const IpAddr& a : ep.ips) m.endpointByIp[ep.vpc].emplace(a, e);
    }
    if (ep.publicIp) m.endpointByPublicIp.emplace(*ep.publicIp, e);
    for (Idx g : ep.sgs) {
      if (g < m.sgs.size()) m.sgs[g].memberIps.insert(m.sgs[g].memberIps.end(), ep.ips.begin(), ep.ips.end());
    }
  }
  auto less = [](const IpAddr& a, const IpAddr& b) { return compare(a, b) < 0; };
  for (MSg& g : m.sgs) {
    std::sort(g.memberIps.begin(), g.memberIps.end(), less);
    g.memberIps.erase(std::unique(g.memberIps.begin(), g.memberIps.end()), g.memberIps.end());
  }
  for (const Cidr& c : builtinAwsServicePrefixes()) m.awsServicePrefixes.push_back(c);
}

}  // namespace

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
