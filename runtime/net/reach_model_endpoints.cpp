// Builds the endpoint part of the reachability model: interfaces, the
// instances, NAT gateways and interface endpoints that own them, SageMaker
// workloads, and the address and group-membership indexes.
#include <algorithm>

#include "runtime/net/reach_builder.hpp"

namespace ward::net::detail {

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

}  // namespace ward::net::detail
