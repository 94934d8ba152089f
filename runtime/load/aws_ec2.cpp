// Readers of the core `aws ec2 describe-*` outputs: VPCs, subnets, route
// tables and their routes, internet and NAT gateways, network ACLs and their
// entries, security groups and their (flattened) rules, prefix lists.
#include <fmt/format.h>

#include "runtime/load/aws_common.hpp"

namespace ward::load {

namespace {


// [{"CidrBlock": ..., "CidrBlockState": {"State": "associated"}}]: the blocks
// still associated.
void associatedBlocks(Aws& c, od::value& v, std::string_view blockKey, std::string_view stateKey,
                      std::vector<Value>& out) {
  c.j.elements(v, [&](od::value& e) {
    Value block;
    bool associated = true;
    c.j.fields(e, [&](std::string_view k, od::value& x) {
      if (k == blockKey) block = c.cidrValue(x);
      else if (k == stateKey) associated = member(c, x, "State").value_or("associated") == "associated";
      else c.j.skip(x);
    });
    if (associated && !block.isNull()) out.push_back(block);
  });
}

void readVpc(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("vpc");
    AttrId cidr = attrNamed(k, "cidr"), cidrs = attrNamed(k, "cidrs"), ipv6 = attrNamed(k, "ipv6_cidrs"),
           isDefault = attrNamed(k, "is_default"), state = attrNamed(k, "state");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "VpcId");
  Value primary;
  std::vector<Value> cidrs, ipv6;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "VpcId" || e.common(key, v)) return;
    if (key == "CidrBlock") {
      primary = c.cidrValue(v);
      e.set(A.cidr, primary);
    } else if (key == "CidrBlockAssociationSet") {
      associatedBlocks(c, v, "CidrBlock", "CidrBlockState", cidrs);
    } else if (key == "Ipv6CidrBlockAssociationSet") {
      associatedBlocks(c, v, "Ipv6CidrBlock", "Ipv6CidrBlockState", ipv6);
    } else if (key == "IsDefault") {
      e.boolean(A.isDefault, v);
    } else if (key == "State") {
      e.str(A.state, v);
    } else {
      c.j.skip(v);
    }
  });
  // The primary block first, as AWS describes it.
  if (!primary.isNull()) {
    auto it = std::find_if(cidrs.begin(), cidrs.end(), [&](const Value& x) { return x.sameBits(primary); });
    if (it != cidrs.end()) cidrs.erase(it);
    cidrs.insert(cidrs.begin(), primary);
  }
  e.set(A.cidrs, c.b.makeList(cidrs));
  e.set(A.ipv6, c.b.makeList(ipv6));
}

void readSubnet(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("subnet");
    AttrId vpc = attrNamed(k, "vpc"), cidr = attrNamed(k, "cidr"), ipv6 = attrNamed(k, "ipv6_cidrs"),
           az = attrNamed(k, "az"), azId = attrNamed(k, "az_id"), mapPublic = attrNamed(k, "map_public_ip"),
           state = attrNamed(k, "state"), freeIps = attrNamed(k, "available_ips");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "SubnetId");
  std::vector<Value> ipv6;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "SubnetId" || e.common(key, v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "CidrBlock") e.cidr(A.cidr, v);
    else if (key == "Ipv6CidrBlockAssociationSet") associatedBlocks(c, v, "Ipv6CidrBlock", "Ipv6CidrBlockState", ipv6);
    else if (key == "AvailabilityZone") {
      std::string_view az = c.j.string(v);
      e.set(A.az, Value::string(c.b.intern(az)));
      e.region(regionOfAz(az));
    } else if (key == "AvailabilityZoneId") e.str(A.azId, v);
    else if (key == "MapPublicIpOnLaunch") e.boolean(A.mapPublic, v);
    else if (key == "State") e.str(A.state, v);
    else if (key == "AvailableIpAddressCount") e.integer(A.freeIps, v);
    else if (key == "SubnetArn") e.arn(c.j.string(v));
    else c.j.skip(v);
  });
  e.set(A.ipv6, c.b.makeList(ipv6));
}

// --- route tables --------------------------------------------------------------------

struct RouteIds {
  KindId k = kindNamed("route");
  KindId table = kindNamed("route_table");
  AttrId tableRef = attrNamed(k, "table"), dest = attrNamed(k, "destination"), pl = attrNamed(k, "prefix_list"),
         target = attrNamed(k, "target"), targetKind = attrNamed(k, "target_kind"), state = attrNamed(k, "state"), origin = attrNamed(k, "origin");
};

// One route; the target fields are checked in AWS's own precedence (an
// instance route also names the instance's ENI).
void readRoute(Aws& c, od::value& v, const Ent& table, std::string_view tableId) {
  static const RouteIds A;
  static const struct {
    std::string_view field, kind, ref;
  } kTargets[] = {
      {"NatGatewayId", "nat_gateway", "nat_gateway"},
      {"TransitGatewayId", "transit_gateway", "transit_gateway"},
      {"VpcPeeringConnectionId", "vpc_peering_connection", "vpc_peering_connection"},
      {"InstanceId", "instance", "instance"},
      {"NetworkInterfaceId", "network_interface", "network_interface"},
      {"EgressOnlyInternetGatewayId", "egress_only_internet_gateway", "egress_only_internet_gateway"},
      {"CarrierGatewayId", "carrier_gateway", ""},
      {"LocalGatewayId", "local_gateway", ""},
      {"CoreNetworkArn", "unknown", ""},
      {"GatewayId", "", ""},  // igw-, vgw-, vpce- or local: by prefix
  };
  constexpr size_t kTargetCount = std::size(kTargets);
  const char* at = c.j.at(v);
  std::string_view targets[kTargetCount];
  Value dest, state, origin;
  std::string_view prefixList;
  c.j.fields(v, [&](std::string_view key, od::value& x) {
    if (c.j.isNull(x)) return;
    if (key == "DestinationCidrBlock" || key == "DestinationIpv6CidrBlock") {
      dest = c.cidrValue(x);
      return;
    }
    if (key == "DestinationPrefixListId") {
      prefixList = c.j.string(x);
      return;
    }
    if (key == "State") {
      state = Value::string(c.b.intern(c.j.string(x)));
      return;
    }
    if (key == "Origin") {
      origin = Value::string(c.b.intern(c.j.string(x)));
      return;
    }
    for (size_t i = 0; i < kTargetCount; ++i)
      if (key == kTargets[i].field) {
        targets[i] = c.j.string(x);
        return;
      }
    c.j.skip(x);
  });
  std::string destText = dest.isNull() ? std::string(prefixList) : net::format(dest.asCidr());
  if (destText.empty()) c.j.fail(at, fmt::format("a route without a destination at {}", c.j.pointer()));
  c.idBuf.assign(tableId);
  c.idBuf += ':';
  c.idBuf += destText;
  Ent r = c.makePart(A.k, c.idBuf);
  r.set(A.tableRef, table.entity());
  if (!dest.isNull()) r.set(A.dest, dest);
  if (!prefixList.empty()) r.refTo(A.pl, prefixList);
  if (!state.isNull()) r.set(A.state, state);
  if (!origin.isNull()) r.set(A.origin, origin);
  bool kindSet = false;
  for (size_t i = 0; i < kTargetCount; ++i) {
    if (targets[i].empty()) continue;
    std::string_view kind = kTargets[i].kind, ref = kTargets[i].ref;
    if (kind.empty()) {
      RouteTarget rt = routeTargetOf(targets[i]);
      kind = rt.kind;
      ref = rt.refAttr;
    }
    if (!ref.empty()) r.refTo(attrNamed(A.k, ref), targets[i]);
    if (!kindSet) {
      r.set(A.target, Value::string(c.b.intern(targets[i])));
      r.set(A.targetKind, Value::string(c.b.intern(kind)));
      kindSet = true;
    }
  }
}

void readRouteTable(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("route_table");
    AttrId vpc = attrNamed(k, "vpc"), main = attrNamed(k, "main"), subnets = attrNamed(k, "subnets"),
           vgws = attrNamed(k, "propagating_vgws");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "RouteTableId");
  std::string tableId(c.b.str(c.b.get(A.k, e.index, 0).asString()));
  bool main = false;
  std::vector<StrId> subnets;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "RouteTableId" || e.common(key, v)) return;
    if (key == "VpcId") {
      e.ref(A.vpc, v);
    } else if (key == "Associations") {
      c.j.elements(v, [&](od::value& a) {
        bool isMain = false, associated = true;
        std::string_view subnet;
        c.j.fields(a, [&](std::string_view k, od::value& x) {
          if (k == "Main") isMain = c.j.boolean(x);
          else if (k == "SubnetId" && !c.j.isNull(x)) subnet = c.j.string(x);
          else if (k == "AssociationState") {
            std::string_view st = member(c, x, "State").value_or("associated");
            associated = st == "associated" || st == "associating";
          } else c.j.skip(x);
        });
        if (!associated) return;
        main = main || isMain;
        if (!subnet.empty()) subnets.push_back(c.b.intern(subnet));
      });
    } else if (key == "PropagatingVgws") {
      std::vector<Value> vgws;
      c.j.elements(v, [&](od::value& g) {
        if (auto id = member(c, g, "GatewayId")) vgws.push_back(Value::string(c.b.intern(*id)));
      });
      e.set(A.vgws, c.b.makeList(vgws));
    } else if (key == "Routes") {
      c.j.elements(v, [&](od::value& r) { readRoute(c, r, e, tableId); });
    } else {
      c.j.skip(v);
    }
  });
  e.set(A.main, Value::boolean(main));
  c.b.setRefList(A.k, e.index, A.subnets, std::span<const StrId>(subnets));
}

// --- gateways --------------------------------------------------------------------------

// Internet and egress-only gateways: attached to at most one VPC.
void readGateway(Aws& c, od::value& item, std::string_view idKey, KindId k, AttrId vpcAttr, AttrId stateAttr) {
  od::object o = c.object(item);
  Ent e = c.begin(k, o, idKey);
  bool attached = false;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == idKey || e.common(key, v)) return;
    if (key != "Attachments") return c.j.skip(v);
    c.j.elements(v, [&](od::value& a) {
      c.j.fields(a, [&](std::string_view ak, od::value& x) {
        if (attached) return c.j.skip(x);
        if (ak == "VpcId") e.ref(vpcAttr, x);
        else if (ak == "State") e.str(stateAttr, x);
        else c.j.skip(x);
      });
      attached = true;
    });
  });
  if (!attached) e.set(stateAttr, Value::string(c.b.intern("detached")));
}

void readInternetGateway(Aws& c, od::value& item) {
  static const KindId k = kindNamed("internet_gateway");
  readGateway(c, item, "InternetGatewayId", k, attrNamed(k, "vpc"), attrNamed(k, "state"));
}

void readEgressOnlyGateway(Aws& c, od::value& item) {
  static const KindId k = kindNamed("egress_only_internet_gateway");
  readGateway(c, item, "EgressOnlyInternetGatewayId", k, attrNamed(k, "vpc"), attrNamed(k, "state"));
}

void readNatGateway(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("nat_gateway");
    AttrId vpc = attrNamed(k, "vpc"), subnet = attrNamed(k, "subnet"), state = attrNamed(k, "state"),
           connectivity = attrNamed(k, "connectivity"), privateIp = attrNamed(k, "private_ip"),
           publicIp = attrNamed(k, "public_ip"), eni = attrNamed(k, "network_interface");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "NatGatewayId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "NatGatewayId" || e.common(key, v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "SubnetId") e.ref(A.subnet, v);
    else if (key == "State") e.str(A.state, v);
    else if (key == "ConnectivityType") e.lower(A.connectivity, v);
    else if (key == "NatGatewayAddresses") {
      bool first = true;
      c.j.elements(v, [&](od::value& a) {
        c.j.fields(a, [&](std::string_view ak, od::value& x) {
          // The first address is the gateway's own; secondary ones do not change routing.
          if (!first || c.j.isNull(x)) return c.j.skip(x);
          if (ak == "PrivateIp") e.ip(A.privateIp, x);
          else if (ak == "PublicIp") e.ip(A.publicIp, x);
          else if (ak == "NetworkInterfaceId") e.ref(A.eni, x);
          else c.j.skip(x);
        });
        first = false;
      });
    } else c.j.skip(v);
  });
}

// --- network ACLs ------------------------------------------------------------------------

void readNaclEntry(Aws& c, od::value& v, const Ent& acl, std::string_view aclId) {
  static const struct {
    KindId k = kindNamed("nacl_entry");
    AttrId aclRef = attrNamed(k, "acl"), rule = attrNamed(k, "rule_number"), egress = attrNamed(k, "egress"),
           action = attrNamed(k, "action"), traffic = attrNamed(k, "traffic"), cidr = attrNamed(k, "cidr"),
           icmpType = attrNamed(k, "icmp_type"), icmpCode = attrNamed(k, "icmp_code");
  } A;
  const char* at = c.j.at(v);
  int64_t rule = -1;
  bool egress = false;
  int16_t proto = net::kAllProtocols;
  std::optional<net::PortRange> ports;
  std::optional<int64_t> icmpType, icmpCode;
  Value cidr, action;
  c.j.fields(v, [&](std::string_view key, od::value& x) {
    if (c.j.isNull(x)) return;
    if (key == "RuleNumber") rule = c.j.integer(x);
    else if (key == "Egress") egress = c.j.boolean(x);
    else if (key == "Protocol") proto = c.protocol(x);
    else if (key == "RuleAction") action = Value::string(c.b.intern(c.j.string(x)));
    else if (key == "CidrBlock" || key == "Ipv6CidrBlock") cidr = c.cidrValue(x);
    else if (key == "PortRange") {
      int64_t from = 0, to = 65535;
      c.j.fields(x, [&](std::string_view pk, od::value& p) {
        if (pk == "From") from = c.j.integer(p);
        else if (pk == "To") to = c.j.integer(p);
        else c.j.skip(p);
      });
      if (from < 0 || to > 65535 || from > to)
        c.j.fail(nullptr, fmt::format("invalid port range {}..{} at {}", from, to, c.j.pointer()));
      ports = net::PortRange{static_cast<uint16_t>(from), static_cast<uint16_t>(to)};
    } else if (key == "IcmpTypeCode") {
      c.j.fields(x, [&](std::string_view ik, od::value& p) {
        if (ik == "Type") icmpType = c.j.integer(p);
        else if (ik == "Code") icmpCode = c.j.integer(p);
        else c.j.skip(p);
      });
    } else c.j.skip(x);
  });
  if (rule < 0) c.j.fail(at, fmt::format("a network ACL entry without RuleNumber at {}", c.j.pointer()));
  c.idBuf.assign(aclId);
  c.idBuf += egress ? ":out:" : ":in:";
  Aws::appendNumber(c.idBuf, rule);
  Ent n = c.makePart(A.k, c.idBuf);
  n.set(A.aclRef, acl.entity());
  n.set(A.rule, Value::integer(rule));
  n.set(A.egress, Value::boolean(egress));
  if (!action.isNull()) n.set(A.action, action);
  if (!cidr.isNull()) n.set(A.cidr, cidr);
  net::Traffic t{proto, {}};
  if (net::hasPorts(proto) && ports) t.ports = *ports;
  n.set(A.traffic, Value::traffic(t));
  if (icmpType && *icmpType >= 0) n.set(A.icmpType, Value::integer(*icmpType));
  if (icmpCode && *icmpCode >= 0) n.set(A.icmpCode, Value::integer(*icmpCode));
}

void readNetworkAcl(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("network_acl");
    AttrId vpc = attrNamed(k, "vpc"), isDefault = attrNamed(k, "is_default"), subnets = attrNamed(k, "subnets");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "NetworkAclId");
  std::string aclId(c.b.str(c.b.get(A.k, e.index, 0).asString()));
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "NetworkAclId" || e.common(key, v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "IsDefault") e.boolean(A.isDefault, v);
    else if (key == "Associations") e.refsIn(A.subnets, v, "SubnetId");
    else if (key == "Entries") c.j.elements(v, [&](od::value& x) { readNaclEntry(c, x, e, aclId); });
    else c.j.skip(v);
  });
}

// --- security groups ------------------------------------------------------------------------

// One IpPermission becomes one sg_rule per source (CIDR, group, prefix list).
void readPermission(Aws& c, od::value& v, const Ent& group, std::string_view groupId, bool egress, int& counter) {
  static const struct {
    KindId k = kindNamed("sg_rule");
    AttrId group = attrNamed(k, "group"), egress = attrNamed(k, "egress"), traffic = attrNamed(k, "traffic"),
           cidr = attrNamed(k, "cidr"), sourceGroup = attrNamed(k, "source_group"),
           prefixList = attrNamed(k, "prefix_list"), description = attrNamed(k, "description"),
           icmpType = attrNamed(k, "icmp_type"), icmpCode = attrNamed(k, "icmp_code");
  } A;
  struct Peer {
    AttrId attr;
    Value cidr;
    StrId ref = 0;
    Value description;
  };
  // Reused across permissions: a large snapshot has hundreds of thousands.
  thread_local std::vector<Peer> peers;
  peers.clear();
  // The rules' ids ("sg-1:in:0", ...) are new strings, whose probe of a large
  // interner misses the cache: the first one's slot loads while the
  // permission is read, all the others' at once once its sources are known
  // (most rules come from permissions with several: 85% at M). Each id is
  // written once, here, and its hash kept for upsert.
  thread_local std::vector<std::string> ruleIds;
  thread_local std::vector<uint32_t> ruleHashes;
  auto prepareId = [&](size_t i) {
    if (ruleIds.size() <= i) {
      ruleIds.resize(i + 1);
      ruleHashes.resize(i + 1);
    }
    std::string& id = ruleIds[i];
    id.assign(groupId);
    id += egress ? ":out:" : ":in:";
    Aws::appendNumber(id, counter + static_cast<int>(i));
    ruleHashes[i] = c.b.prefetchId(id);
  };
  prepareId(0);
  int16_t proto = net::kAllProtocols;
  std::optional<int64_t> from, to;
  // Reads [{idKey: ..., "Description": ...}] into peers.
  auto readPeers = [&](od::value& list, std::string_view idKey, AttrId attr, bool isCidr) {
    c.j.elements(list, [&](od::value& p) {
      Peer peer{attr, {}, 0, {}};
      bool found = false;
      c.j.fields(p, [&](std::string_view k, od::value& x) {
        if (c.j.isNull(x)) return;
        if (k == idKey) {
          found = true;
          if (isCidr) peer.cidr = c.cidrValue(x);
          else peer.ref = c.b.intern(c.j.string(x));
        } else if (k == "Description") {
          peer.description = Value::string(c.b.intern(c.j.string(x)));
        } else {
          c.j.skip(x);
        }
      });
      if (found) peers.push_back(peer);
    });
  };
  c.j.fields(v, [&](std::string_view key, od::value& x) {
    if (c.j.isNull(x)) return;
    if (key == "IpProtocol") proto = c.protocol(x);
    else if (key == "FromPort") from = c.j.integer(x);
    else if (key == "ToPort") to = c.j.integer(x);
    else if (key == "IpRanges") readPeers(x, "CidrIp", A.cidr, true);
    else if (key == "Ipv6Ranges") readPeers(x, "CidrIpv6", A.cidr, true);
    else if (key == "PrefixListIds") readPeers(x, "PrefixListId", A.prefixList, false);
    else if (key == "UserIdGroupPairs") readPeers(x, "GroupId", A.sourceGroup, false);
    else c.j.skip(x);
  });
  net::Traffic traffic{proto, {}};
  std::optional<int64_t> icmpType, icmpCode;
  if (net::hasPorts(proto) && from && to && *from >= 0 && *to >= 0) {
    if (*from > 65535 || *to > 65535 || *from > *to)
      c.j.fail(nullptr, fmt::format("invalid port range {}..{} at {}", *from, *to, c.j.pointer()));
    traffic.ports = net::PortRange{static_cast<uint16_t>(*from), static_cast<uint16_t>(*to)};
  } else if (proto == net::kIcmp || proto == net::kIcmpv6) {
    // For ICMP, AWS puts the type in FromPort and the code in ToPort (-1 = any).
    if (from && *from >= 0) icmpType = from;
    if (to && *to >= 0) icmpCode = to;
  }
  for (size_t i = 1; i < peers.size(); ++i) prepareId(i);
  for (size_t i = 0; i < peers.size(); ++i) {
    const Peer& p = peers[i];
    Ent r = c.makePart(A.k, ruleIds[i], ruleHashes[i]);  // the id is interned (copied) here
    ++counter;
    r.set(A.group, group.entity());
    r.set(A.egress, Value::boolean(egress));
    r.set(A.traffic, Value::traffic(traffic));
    if (p.attr == A.cidr) r.set(A.cidr, p.cidr);
    else c.b.setRef(A.k, r.index, p.attr, p.ref);
    if (!p.description.isNull()) r.set(A.description, p.description);
    if (icmpType) r.set(A.icmpType, Value::integer(*icmpType));
    if (icmpCode) r.set(A.icmpCode, Value::integer(*icmpCode));
  }
}

void readSecurityGroup(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("security_group");
    AttrId name = attrNamed(k, "group_name"), description = attrNamed(k, "description"), vpc = attrNamed(k, "vpc");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "GroupId");
  std::string groupId(c.b.str(c.b.get(A.k, e.index, 0).asString()));
  int inbound = 0, outbound = 0;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "GroupId" || e.common(key, v)) return;
    if (key == "GroupName") e.str(A.name, v);
    else if (key == "Description") e.str(A.description, v);
    else if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "IpPermissions")
      c.j.elements(v, [&](od::value& p) { readPermission(c, p, e, groupId, false, inbound); });
    else if (key == "IpPermissionsEgress")
      c.j.elements(v, [&](od::value& p) { readPermission(c, p, e, groupId, true, outbound); });
    else c.j.skip(v);
  });
}

// --- prefix lists -------------------------------------------------------------------------

// describe-prefix-lists (AWS service lists with their blocks) and
// describe-managed-prefix-lists (metadata, no blocks).
void readPrefixList(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("prefix_list");
    AttrId name = attrNamed(k, "prefix_list_name"), cidrs = attrNamed(k, "cidrs");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "PrefixListId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "PrefixListId" || e.common(key, v)) return;
    if (key == "PrefixListName") e.str(A.name, v);
    else if (key == "PrefixListArn") e.arn(c.j.string(v));
    else if (key == "Cidrs") {
      std::vector<Value> blocks;
      c.j.elements(v, [&](od::value& b) { blocks.push_back(c.cidrValue(b)); });
      e.set(A.cidrs, c.b.makeList(blocks));
    } else c.j.skip(v);
  });
}

constexpr Collection kEc2[] = {
    {"Vpcs", readVpc},
    {"Subnets", readSubnet},
    {"RouteTables", readRouteTable},
    {"InternetGateways", readInternetGateway},
    {"EgressOnlyInternetGateways", readEgressOnlyGateway},
    {"NatGateways", readNatGateway},
    {"NetworkAcls", readNetworkAcl},
    {"SecurityGroups", readSecurityGroup},
    {"PrefixLists", readPrefixList},
    {"ManagedPrefixLists", readPrefixList},
};

}  // namespace

std::span<const Collection> ec2Collections() { return kEc2; }

}  // namespace ward::load
