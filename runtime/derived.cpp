// Derived attributes of the network kinds: which route table and NACL a subnet
// uses, whether it is public or has a NAT path, the VPC's inverse relations,
// NACL entries in evaluation order, and the rest of the AWS network model's
// per-resource conclusions (DESIGN.md §4).
#include <algorithm>

#include "runtime/aws_schema_parts.hpp"
#include "runtime/derived_util.hpp"

namespace ward::aws {

namespace {

bool isDefaultDestination(const Value& v, bool v6Too) {
  if (v.tag != Tag::Cidr) return false;
  net::Cidr c = v.asCidr();
  return c.prefix == 0 && (c.addr.family == 4 || v6Too);
}

bool isIpv4Default(const Value& v) {
  return v.tag == Tag::Cidr && v.asCidr().prefix == 0 && v.asCidr().addr.family == 4;
}

}  // namespace

void addNetworkDerived(Schema& s) {
  using B = BaseType;
  const KindId vpc = kindOf(s, "vpc"), subnet = kindOf(s, "subnet"), rtb = kindOf(s, "route_table"),
               route = kindOf(s, "route"), igw = kindOf(s, "internet_gateway"), nat = kindOf(s, "nat_gateway"),
               instance = kindOf(s, "instance"), eni = kindOf(s, "network_interface"),
               acl = kindOf(s, "network_acl"), entry = kindOf(s, "nacl_entry"), sg = kindOf(s, "security_group"),
               rule = kindOf(s, "sg_rule"), vpce = kindOf(s, "vpc_endpoint"),
               pcx = kindOf(s, "vpc_peering_connection"), vpn = kindOf(s, "vpn_connection"),
               tunnel = kindOf(s, "vpn_tunnel"), flow = kindOf(s, "flow_log"), tgw = kindOf(s, "transit_gateway"),
               tgwAttach = kindOf(s, "transit_gateway_attachment");
  auto a = [&](KindId k, std::string_view name) { return attrOf(s, k, name); };
  Deriver d{s};

  // --- parts: routes, NACL entries, rules and tunnels are where their parent is ----------
  for (auto [part, parentAttr] : {std::pair<std::string_view, std::string_view>{"route", "table"},
                                  {"nacl_entry", "acl"}, {"sg_rule", "group"}, {"vpn_tunnel", "connection"}}) {
    const KindId k = kindOf(s, part);
    const AttrId via = a(k, parentAttr);
    const KindId parent = s.attr(k, via).type.kind;
    const std::string parentName = s.kind(parent).name;
    for (std::string_view place : {"account", "region"}) {
      const AttrId pa = a(parent, place);
      d.entity(k, std::string(place), Type::of(B::String).orNull(),
               "The " + std::string(place) + " of its " + parentName + ".",
               "derived: " + std::string(parentAttr) + "." + std::string(place), [=](const FactBase& fb, EntityIndex i) {
                 Value p = fb.get(k, i, via);
                 return isEntity(p, parent) ? fb.get(parent, p.entityIndex(), pa) : Value{};
               });
    }
  }

  // --- simple state predicates ------------------------------------------------------
  const AttrId routeState = a(route, "state");
  const AttrId routeActive = d.entity(route, "active", Type::of(B::Bool), "Whether the route is in use (state `active`).",
      "derived: state == active", [=](const FactBase& fb, EntityIndex i) {
        return Value::boolean(strIsNoCase(fb, fb.get(route, i, routeState), "active"));
      });
  const AttrId natState = a(nat, "state");
  d.entity(nat, "available", Type::of(B::Bool), "Whether the NAT gateway is usable (state `available`).",
           "derived: state == available", [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(strIsNoCase(fb, fb.get(nat, i, natState), "available"));
           });
  const AttrId natSubnet = a(nat, "subnet"), subnetAz = a(subnet, "az");
  d.entity(nat, "az", Type::of(B::String).orNull(), "The availability zone of its subnet.", "derived: subnet.az",
           [=](const FactBase& fb, EntityIndex i) {
             Value sn = fb.get(nat, i, natSubnet);
             return isEntity(sn, subnet) ? fb.get(subnet, sn.entityIndex(), subnetAz) : Value{};
           });
  const AttrId flowStatus = a(flow, "status");
  const AttrId flowActive = d.entity(flow, "active", Type::of(B::Bool), "Whether it is collecting (status `ACTIVE`).",
      "derived: status == ACTIVE", [=](const FactBase& fb, EntityIndex i) {
        return Value::boolean(strIsNoCase(fb, fb.get(flow, i, flowStatus), "active"));
      });
  const AttrId pcxStatus = a(pcx, "status");
  d.entity(pcx, "active", Type::of(B::Bool), "Whether the peering carries traffic (status `active`).",
           "derived: status == active", [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(strIsNoCase(fb, fb.get(pcx, i, pcxStatus), "active"));
           });
  const AttrId vpceState = a(vpce, "state");
  d.entity(vpce, "available", Type::of(B::Bool), "Whether the endpoint is usable (state `available`).",
           "derived: state == available", [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(strIsNoCase(fb, fb.get(vpce, i, vpceState), "available"));
           });
  const AttrId entryAction = a(entry, "action");
  d.entity(entry, "allow", Type::of(B::Bool), "Whether the entry allows (action `allow`).",
           "derived: action == allow", [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(strIsNoCase(fb, fb.get(entry, i, entryAction), "allow"));
           });

  // --- VPC inverses ------------------------------------------------------------------
  s.addInverse(vpc, "subnets", subnet, a(subnet, "vpc"), "Its subnets.");
  const AttrId vpcRouteTables = s.addInverse(vpc, "route_tables", rtb, a(rtb, "vpc"), "Its route tables.");
  s.addInverse(vpc, "security_groups", sg, a(sg, "vpc"), "Its security groups.");
  s.addInverse(vpc, "network_acls", acl, a(acl, "vpc"), "Its network ACLs.");
  s.addInverse(vpc, "endpoints", vpce, a(vpce, "vpc"), "Its VPC endpoints.");
  const AttrId vpcFlowLogs = s.addInverse(vpc, "flow_logs", flow, a(flow, "vpc"), "The flow logs on the VPC itself.");
  s.addInverse(vpc, "internet_gateways", igw, a(igw, "vpc"), "Internet gateways attached to it.");
  s.addInverse(vpc, "nat_gateways", nat, a(nat, "vpc"), "Its NAT gateways.");
  (void)vpcRouteTables;

  const AttrId pcxRequester = a(pcx, "requester_vpc"), pcxAccepter = a(pcx, "accepter_vpc");
  d.column(vpc, "peerings", Type::listOf(B::Entity, pcx), "Peering connections on either side of which it is.",
           "derived: peerings whose requester_vpc or accepter_vpc is this VPC",
           [=](const FactBase& fb, KindId, DerivedColumn& out) {
             Grouper g(fb.count(vpc));
             for (EntityIndex p = 0; p < fb.count(pcx); ++p) {
               Value r = fb.get(pcx, p, pcxRequester), q = fb.get(pcx, p, pcxAccepter);
               if (isEntity(r, vpc)) g.add(r.entityIndex(), Value::entity(pcx, p));
               if (isEntity(q, vpc) && !(isEntity(r, vpc) && r.entityIndex() == q.entityIndex()))
                 g.add(q.entityIndex(), Value::entity(pcx, p));
             }
             g.emit(out);
           });

  // The one entity of `from` per VPC that satisfies `pick` (the first if several do).
  auto perVpc = [&](KindId from, std::string name, std::string doc, std::string how,
                    std::function<bool(const FactBase&, EntityIndex)> pick) {
    const AttrId fromVpc = a(from, "vpc");
    return d.column(vpc, std::move(name), Type::entity(from).orNull(), std::move(doc), std::move(how),
                    [=](const FactBase& fb, KindId, DerivedColumn& out) {
                      for (EntityIndex i = 0; i < fb.count(from); ++i) {
                        Value v = fb.get(from, i, fromVpc);
                        if (isEntity(v, vpc) && out.values[v.entityIndex()].isNull() && pick(fb, i))
                          out.values[v.entityIndex()] = Value::entity(from, i);
                      }
                    });
  };
  const AttrId rtbMain = a(rtb, "main");
  const AttrId vpcMainTable = perVpc(rtb, "main_route_table", "Its main route table.",
      "derived: the route table with main = true",
      [=](const FactBase& fb, EntityIndex i) { return isTrue(fb.get(rtb, i, rtbMain)); });
  const AttrId aclDefault = a(acl, "is_default");
  const AttrId vpcDefaultAcl = perVpc(acl, "default_network_acl", "Its default network ACL.",
      "derived: the network ACL with is_default = true",
      [=](const FactBase& fb, EntityIndex i) { return isTrue(fb.get(acl, i, aclDefault)); });
  const AttrId sgName = a(sg, "group_name");
  perVpc(sg, "default_security_group", "Its default security group.",
         "derived: the security group named `default`",
         [=](const FactBase& fb, EntityIndex i) { return strIs(fb, fb.get(sg, i, sgName), "default"); });
  d.entity(vpc, "has_flow_logs", Type::of(B::Bool), "Whether an active flow log watches the VPC.",
           "derived: some flow_logs entry is active", [=](const FactBase& fb, EntityIndex i) {
             for (const Value& f : fb.list(fb.get(vpc, i, vpcFlowLogs)))
               if (isTrue(fb.get(flow, f.entityIndex(), flowActive))) return Value::boolean(true);
             return Value::boolean(false);
           });

  // --- route tables and the subnet's view of them -----------------------------------------
  const AttrId rtbRoutes = s.addInverse(rtb, "routes", route, a(route, "table"), "Its routes.");
  const AttrId rtbSubnets = a(rtb, "subnets"), subnetVpc = a(subnet, "vpc");
  const AttrId subnetRtb = d.column(subnet, "route_table", Type::entity(rtb).orNull(),
      "The route table it uses: its explicit association, else its VPC's main table.",
      "derived: RouteTables[].Associations[].SubnetId, else vpc.main_route_table",
      [=](const FactBase& fb, KindId, DerivedColumn& out) {
        for (EntityIndex t = 0; t < fb.count(rtb); ++t)
          for (const Value& sn : fb.list(fb.get(rtb, t, rtbSubnets)))
            if (isEntity(sn, subnet) && out.values[sn.entityIndex()].isNull())
              out.values[sn.entityIndex()] = Value::entity(rtb, t);
        for (EntityIndex i = 0; i < fb.count(subnet); ++i) {
          if (!out.values[i].isNull()) continue;
          Value v = fb.get(subnet, i, subnetVpc);
          if (isEntity(v, vpc)) out.values[i] = fb.get(vpc, v.entityIndex(), vpcMainTable);
        }
      });
  const AttrId aclSubnets = a(acl, "subnets");
  d.column(subnet, "network_acl", Type::entity(acl).orNull(),
           "The network ACL it uses: its explicit association, else its VPC's default ACL.",
           "derived: NetworkAcls[].Associations[].SubnetId, else vpc.default_network_acl",
           [=](const FactBase& fb, KindId, DerivedColumn& out) {
             for (EntityIndex t = 0; t < fb.count(acl); ++t)
               for (const Value& sn : fb.list(fb.get(acl, t, aclSubnets)))
                 if (isEntity(sn, subnet) && out.values[sn.entityIndex()].isNull())
                   out.values[sn.entityIndex()] = Value::entity(acl, t);
             for (EntityIndex i = 0; i < fb.count(subnet); ++i) {
               if (!out.values[i].isNull()) continue;
               Value v = fb.get(subnet, i, subnetVpc);
               if (isEntity(v, vpc)) out.values[i] = fb.get(vpc, v.entityIndex(), vpcDefaultAcl);
             }
           });

  const AttrId routeDest = a(route, "destination"), routeTargetKind = a(route, "target_kind"),
               routeIgw = a(route, "internet_gateway"), routeNat = a(route, "nat_gateway"),
               igwState = a(igw, "state");
  // Each of these reads the routes of the subnet's route table.
  auto routesOf = [=](const FactBase& fb, EntityIndex sn) -> std::span<const Value> {
    Value t = fb.get(subnet, sn, subnetRtb);
    if (!isEntity(t, rtb)) return {};
    return fb.list(fb.get(rtb, t.entityIndex(), rtbRoutes));
  };
  d.entity(subnet, "default_route", Type::entity(route).orNull(),
           "The route its route table has for 0.0.0.0/0 (active or not).",
           "derived: route_table.routes with destination 0.0.0.0/0", [=](const FactBase& fb, EntityIndex i) {
             Value best;
             for (const Value& r : routesOf(fb, i)) {
               if (!isIpv4Default(fb.get(route, r.entityIndex(), routeDest))) continue;
               if (best.isNull() || isTrue(fb.get(route, r.entityIndex(), routeActive))) best = r;
             }
             return best;
           });
  const AttrId subnetPublic = d.entity(subnet, "public", Type::of(B::Bool),
      "Whether its route table sends 0.0.0.0/0 or ::/0 to an attached internet gateway over an active route.",
      "derived: route_table.routes", [=](const FactBase& fb, EntityIndex i) {
        for (const Value& r : routesOf(fb, i)) {
          EntityIndex ri = r.entityIndex();
          if (!isTrue(fb.get(route, ri, routeActive))) continue;
          if (!isDefaultDestination(fb.get(route, ri, routeDest), true)) continue;
          if (!strIs(fb, fb.get(route, ri, routeTargetKind), "internet_gateway")) continue;
          Value g = fb.get(route, ri, routeIgw);
          if (isEntity(g, igw)) {
            Value st = fb.get(igw, g.entityIndex(), igwState);
            if (!strIsNoCase(fb, st, "available") && !strIsNoCase(fb, st, "attached")) continue;
          }
          return Value::boolean(true);
        }
        return Value::boolean(false);
      });
  d.entity(subnet, "private", Type::of(B::Bool), "Whether it is not public.", "derived: not public",
           [=](const FactBase& fb, EntityIndex i) { return Value::boolean(!isTrue(fb.get(subnet, i, subnetPublic))); });
  const AttrId subnetHasNat = d.entity(subnet, "has_nat", Type::of(B::Bool),
      "Whether its route table sends 0.0.0.0/0 to an available NAT gateway, or to a NAT instance or ENI, over an "
      "active route.",
      "derived: route_table.routes", [=](const FactBase& fb, EntityIndex i) {
        for (const Value& r : routesOf(fb, i)) {
          EntityIndex ri = r.entityIndex();
          if (!isTrue(fb.get(route, ri, routeActive))) continue;
          if (!isIpv4Default(fb.get(route, ri, routeDest))) continue;
          Value kind = fb.get(route, ri, routeTargetKind);
          if (strIs(fb, kind, "nat_gateway")) {
            Value n = fb.get(route, ri, routeNat);
            if (isEntity(n, nat) && !strIsNoCase(fb, fb.get(nat, n.entityIndex(), natState), "available")) continue;
            return Value::boolean(true);
          }
          if (strIs(fb, kind, "instance") || strIs(fb, kind, "network_interface")) return Value::boolean(true);
        }
        return Value::boolean(false);
      });
  d.entity(subnet, "internet_egress", Type::of(B::Bool), "Whether it can reach the internet: public or has_nat.",
           "derived: public or has_nat", [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(isTrue(fb.get(subnet, i, subnetPublic)) || isTrue(fb.get(subnet, i, subnetHasNat)));
           });
  s.addInverse(subnet, "instances", instance, a(instance, "subnet"), "Instances in it.");
  s.addInverse(subnet, "network_interfaces", eni, a(eni, "subnet"), "Network interfaces in it.");
  s.addInverse(subnet, "flow_logs", flow, a(flow, "subnet"), "The flow logs on the subnet itself.");

  // --- NAT instances -------------------------------------------------------------------
  const AttrId routeInstance = a(route, "instance"), routeEni = a(route, "network_interface"),
               eniInstance = a(eni, "instance");
  d.column(instance, "is_nat_instance", Type::of(B::Bool),
           "Whether some active route sends traffic to it or to one of its network interfaces.",
           "derived: routes with an instance or network_interface target", [=](const FactBase& fb, KindId,
                                                                              DerivedColumn& out) {
             std::fill(out.values.begin(), out.values.end(), Value::boolean(false));
             for (EntityIndex r = 0; r < fb.count(route); ++r) {
               if (!isTrue(fb.get(route, r, routeActive))) continue;
               Value in = fb.get(route, r, routeInstance);
               if (isEntity(in, instance)) out.values[in.entityIndex()] = Value::boolean(true);
               Value e = fb.get(route, r, routeEni);
               if (isEntity(e, eni)) {
                 Value owner = fb.get(eni, e.entityIndex(), eniInstance);
                 if (isEntity(owner, instance)) out.values[owner.entityIndex()] = Value::boolean(true);
               }
             }
           });

  // --- network ACLs ---------------------------------------------------------------------
  const AttrId aclEntries = s.addInverse(acl, "entries", entry, a(entry, "acl"), "Its entries, in input order.");
  const AttrId entryEgress = a(entry, "egress"), entryRule = a(entry, "rule_number");
  auto sortedEntries = [=](bool egress) {
    return [=](const FactBase& fb, EntityIndex i) {
      // Reused from entity to entity (a column derives one list per entity);
      // the columns read here never derive through this function.
      thread_local std::vector<Value> out;
      out.clear();
      for (const Value& e : fb.list(fb.get(acl, i, aclEntries)))
        if (isTrue(fb.get(entry, e.entityIndex(), entryEgress)) == egress) out.push_back(e);
      std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
        return fb.get(entry, x.entityIndex(), entryRule).asInt() < fb.get(entry, y.entityIndex(), entryRule).asInt();
      });
      return fb.derivedList(out);
    };
  };
  d.entity(acl, "inbound", Type::listOf(B::Entity, entry),
           "Its inbound entries in evaluation order (rule number ascending), ending with the implicit deny-all.",
           "derived: entries with egress = false, sorted", sortedEntries(false));
  d.entity(acl, "outbound", Type::listOf(B::Entity, entry),
           "Its outbound entries in evaluation order (rule number ascending), ending with the implicit deny-all.",
           "derived: entries with egress = true, sorted", sortedEntries(true));
  d.entity(acl, "used", Type::of(B::Bool), "Whether any subnet is associated with it.", "derived: subnets non-empty",
           [=](const FactBase& fb, EntityIndex i) {
             return Value::boolean(fb.get(acl, i, aclSubnets).listLength() > 0);
           });

  // --- security groups ----------------------------------------------------------------
  const AttrId sgRules = s.addInverse(sg, "rules", rule, a(rule, "group"), "Its rules, flattened.");
  const AttrId ruleEgress = a(rule, "egress");
  auto rulesIn = [=](bool egress) {
    return [=](const FactBase& fb, EntityIndex i) {
      // Reused from entity to entity (a column derives one list per entity);
      // the columns read here never derive through this function.
      thread_local std::vector<Value> out;
      out.clear();
      for (const Value& r : fb.list(fb.get(sg, i, sgRules)))
        if (isTrue(fb.get(rule, r.entityIndex(), ruleEgress)) == egress) out.push_back(r);
      return fb.derivedList(out);
    };
  };
  d.entity(sg, "ingress", Type::listOf(B::Entity, rule), "Its inbound rules.", "derived: rules with egress = false",
           rulesIn(false));
  d.entity(sg, "egress", Type::listOf(B::Entity, rule), "Its outbound rules.", "derived: rules with egress = true",
           rulesIn(true));
  d.entity(sg, "is_default", Type::of(B::Bool), "Whether it is its VPC's default group.",
           "derived: group_name == default",
           [=](const FactBase& fb, EntityIndex i) { return Value::boolean(strIs(fb, fb.get(sg, i, sgName), "default")); });
  const AttrId sgMembers =
      s.addInverse(sg, "members", eni, a(eni, "security_groups"), "The network interfaces it is attached to.");
  d.column(sg, "used", Type::of(B::Bool),
           "Whether anything uses it: a network interface, instance, VPC endpoint or ML workload.",
           "derived: members, or any stored security_groups list that names it",
           [=](const FactBase& fb, KindId, DerivedColumn& out) {
             for (EntityIndex i = 0; i < fb.count(sg); ++i)
               out.values[i] = Value::boolean(fb.get(sg, i, sgMembers).listLength() > 0);
             // Every stored `security_groups` list of any kind counts as a use.
             const Schema& schema = fb.schema();
             for (size_t k = 0; k < schema.kindCount(); ++k) {
               const KindDef& kd = schema.kind(static_cast<KindId>(k));
               auto attr = kd.find("security_groups");
               if (!attr || kd.attrs[*attr].derived() || kd.attrs[*attr].type.kind != sg) continue;
               for (EntityIndex e = 0; e < fb.count(static_cast<KindId>(k)); ++e)
                 for (const Value& g : fb.list(fb.get(static_cast<KindId>(k), e, *attr)))
                   if (isEntity(g, sg)) out.values[g.entityIndex()] = Value::boolean(true);
             }
           });

  // --- endpoints, VPN, transit gateways ----------------------------------------------------
  const AttrId vpceSubnets = a(vpce, "subnets");
  d.entity(vpce, "azs", Type::listOf(B::String), "The availability zones of its subnets, sorted.",
           "derived: subnets[].az", [=](const FactBase& fb, EntityIndex i) {
             return distinctAzs(fb, fb.list(fb.get(vpce, i, vpceSubnets)), subnet, subnetAz);
           });
  const AttrId vpnTunnels =
      s.addInverse(vpn, "tunnels", tunnel, a(tunnel, "connection"), "Its tunnels.");
  const AttrId tunnelStatus = a(tunnel, "status");
  d.entity(vpn, "tunnels_up", Type::of(B::Int), "How many of its tunnels are up.", "derived: tunnels with status UP",
           [=](const FactBase& fb, EntityIndex i) {
             int64_t up = 0;
             for (const Value& t : fb.list(fb.get(vpn, i, vpnTunnels)))
               up += strIsNoCase(fb, fb.get(tunnel, t.entityIndex(), tunnelStatus), "up") ? 1 : 0;
             return Value::integer(up);
           });
  s.addInverse(tgw, "attachments", tgwAttach, a(tgwAttach, "transit_gateway"), "Its attachments.");
}

}  // namespace ward::aws
