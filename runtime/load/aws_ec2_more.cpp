// Readers of the `aws ec2 describe-*` outputs about what lives in subnets and
// what connects VPCs: network interfaces, instances (Reservations), VPC
// endpoints, peering connections, flow logs and Elastic IPs.
#include <fmt/format.h>

#include "runtime/load/aws_common.hpp"

namespace ward::load {

namespace {


struct EniIds {
  KindId k = kindNamed("network_interface");
  AttrId vpc = attrNamed(k, "vpc"), subnet = attrNamed(k, "subnet"), privateIps = attrNamed(k, "private_ips"),
         publicIp = attrNamed(k, "public_ip"), ipv6 = attrNamed(k, "ipv6_ips"), groups = attrNamed(k, "security_groups"),
         type = attrNamed(k, "interface_type"), instance = attrNamed(k, "instance"),
         srcDst = attrNamed(k, "source_dest_check"), managed = attrNamed(k, "requester_managed"),
         description = attrNamed(k, "description"), status = attrNamed(k, "status");
};

// A network interface, from NetworkInterfaces or embedded in an instance
// (then `owner` is the instance).
Ent readInterface(Aws& c, od::value& item, const Ent* owner) {
  static const EniIds A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "NetworkInterfaceId");
  if (owner) e.set(A.instance, owner->entity());
  std::vector<Value> ips, ipv6;
  Value primary;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "NetworkInterfaceId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "SubnetId") e.ref(A.subnet, v);
    else if (key == "AvailabilityZone") e.region(regionOfAz(c.j.string(v)));
    else if (key == "PrivateIpAddress") primary = c.ipValue(v);
    else if (key == "PrivateIpAddresses") {
      c.j.elements(v, [&](od::value& p) {
        Value ip;
        bool isPrimary = false;
        c.j.fields(p, [&](std::string_view k, od::value& x) {
          if (c.j.isNull(x)) return;
          if (k == "PrivateIpAddress") ip = c.ipValue(x);
          else if (k == "Primary") isPrimary = c.j.boolean(x);
          else c.j.skip(x);
        });
        if (ip.isNull()) return;
        if (isPrimary) ips.insert(ips.begin(), ip);
        else ips.push_back(ip);
      });
    } else if (key == "Association") {
      c.j.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "PublicIp") e.ip(A.publicIp, x);
        else c.j.skip(x);
      });
    } else if (key == "Ipv6Addresses") {
      c.j.elements(v, [&](od::value& p) {
        c.j.fields(p, [&](std::string_view k, od::value& x) {
          if (k == "Ipv6Address") ipv6.push_back(c.ipValue(x));
          else c.j.skip(x);
        });
      });
    } else if (key == "Groups") e.refsIn(A.groups, v, "GroupId");
    else if (key == "InterfaceType") e.str(A.type, v);
    else if (key == "Attachment") {
      c.j.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "InstanceId" && !owner) e.ref(A.instance, x);
        else c.j.skip(x);
      });
    } else if (key == "SourceDestCheck") e.boolean(A.srcDst, v);
    else if (key == "RequesterManaged") e.boolean(A.managed, v);
    else if (key == "Description") e.str(A.description, v);
    else if (key == "Status") e.str(A.status, v);
    else c.j.skip(v);
  });
  if (!primary.isNull() && std::none_of(ips.begin(), ips.end(), [&](const Value& x) { return x.sameBits(primary); }))
    ips.insert(ips.begin(), primary);
  e.set(A.privateIps, c.b.makeList(ips));
  e.set(A.ipv6, c.b.makeList(ipv6));
  return e;
}

void readNetworkInterface(Aws& c, od::value& item) { readInterface(c, item, nullptr); }

void readInstance(Aws& c, od::value& item, std::optional<std::string_view> owner) {
  static const struct {
    KindId k = kindNamed("instance");
    AttrId vpc = attrNamed(k, "vpc"), subnet = attrNamed(k, "subnet"), privateIp = attrNamed(k, "private_ip"),
           publicIp = attrNamed(k, "public_ip"), state = attrNamed(k, "state"), type = attrNamed(k, "instance_type"),
           srcDst = attrNamed(k, "source_dest_check"), groups = attrNamed(k, "security_groups"),
           enis = attrNamed(k, "network_interfaces");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "InstanceId");
  if (owner) e.account(*owner);
  std::vector<Value> enis;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "InstanceId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "SubnetId") e.ref(A.subnet, v);
    else if (key == "PrivateIpAddress") e.ip(A.privateIp, v);
    else if (key == "PublicIpAddress") e.ip(A.publicIp, v);
    else if (key == "State") {
      if (auto name = member(c, v, "Name")) e.set(A.state, Value::string(c.b.intern(*name)));
    } else if (key == "InstanceType") e.str(A.type, v);
    else if (key == "SourceDestCheck") e.boolean(A.srcDst, v);
    else if (key == "SecurityGroups") e.refsIn(A.groups, v, "GroupId");
    else if (key == "NetworkInterfaces") {
      c.j.elements(v, [&](od::value& n) { enis.push_back(readInterface(c, n, &e).entity()); });
    } else if (key == "Placement") {
      if (auto az = member(c, v, "AvailabilityZone")) e.region(regionOfAz(*az));
    } else c.j.skip(v);
  });
  e.set(A.enis, c.b.makeList(enis));
}

// A reservation's owner applies to its instances.
void readReservation(Aws& c, od::value& item) {
  od::object o = c.object(item);
  auto owner = c.peek(o, "OwnerId");
  std::string ownerText(owner.value_or(""));
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "Instances")
      c.j.elements(v, [&](od::value& i) {
        readInstance(c, i, ownerText.empty() ? std::nullopt : std::optional<std::string_view>(ownerText));
      });
    else c.j.skip(v);
  });
}

void readVpcEndpoint(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("vpc_endpoint");
    AttrId vpc = attrNamed(k, "vpc"), serviceName = attrNamed(k, "service_name"),
           type = attrNamed(k, "endpoint_type"), state = attrNamed(k, "state"),
           routeTables = attrNamed(k, "route_tables"), subnets = attrNamed(k, "subnets"),
           groups = attrNamed(k, "security_groups"), privateDns = attrNamed(k, "private_dns"),
           policy = attrNamed(k, "policy"), enis = attrNamed(k, "network_interfaces");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "VpcEndpointId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "VpcEndpointId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "VpcId") e.ref(A.vpc, v);
    else if (key == "ServiceName") {
      std::string_view name = c.j.string(v);
      e.set(A.serviceName, Value::string(c.b.intern(name)));
      // com.amazonaws.<region>.<service> names the region too.
      size_t dot = name.find('.', name.find('.') + 1);
      if (name.starts_with("com.amazonaws.") && dot != std::string_view::npos) {
        size_t next = name.find('.', dot + 1);
        std::string_view region = name.substr(dot + 1, next == std::string_view::npos ? next : next - dot - 1);
        if (looksLikeRegion(region)) e.region(region);
      }
    } else if (key == "VpcEndpointType") e.lower(A.type, v);
    else if (key == "State") e.lower(A.state, v);
    else if (key == "RouteTableIds") e.refs(A.routeTables, v);
    else if (key == "SubnetIds") e.refs(A.subnets, v);
    else if (key == "Groups") e.refsIn(A.groups, v, "GroupId");
    else if (key == "PrivateDnsEnabled") e.boolean(A.privateDns, v);
    else if (key == "PolicyDocument") e.str(A.policy, v);
    else if (key == "NetworkInterfaceIds") e.refs(A.enis, v);
    else c.j.skip(v);
  });
}

void readPeering(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("vpc_peering_connection");
    AttrId requesterVpc = attrNamed(k, "requester_vpc"), accepterVpc = attrNamed(k, "accepter_vpc"),
           requesterCidrs = attrNamed(k, "requester_cidrs"), accepterCidrs = attrNamed(k, "accepter_cidrs"),
           status = attrNamed(k, "status"), requesterAccount = attrNamed(k, "requester_account"),
           accepterAccount = attrNamed(k, "accepter_account"), requesterRegion = attrNamed(k, "requester_region"),
           accepterRegion = attrNamed(k, "accepter_region");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "VpcPeeringConnectionId");
  std::string requesterRegion;
  // RequesterVpcInfo / AccepterVpcInfo share one shape.
  auto side = [&](od::value& v, AttrId vpc, AttrId cidrs, AttrId account, AttrId region) {
    std::vector<Value> blocks;
    Value primary;
    c.j.fields(v, [&](std::string_view key, od::value& x) {
      if (c.j.isNull(x)) return;
      if (key == "VpcId") e.ref(vpc, x);
      else if (key == "CidrBlock") primary = c.cidrValue(x);
      else if (key == "CidrBlockSet" || key == "Ipv6CidrBlockSet") {
        std::string_view blockKey = key == "CidrBlockSet" ? "CidrBlock" : "Ipv6CidrBlock";
        c.j.elements(x, [&](od::value& b) {
          c.j.fields(b, [&](std::string_view k, od::value& y) {
            if (k == blockKey) blocks.push_back(c.cidrValue(y));
            else c.j.skip(y);
          });
        });
      } else if (key == "OwnerId") e.set(account, Value::string(c.b.intern(c.j.string(x))));
      else if (key == "Region") {
        std::string_view r = c.j.string(x);
        e.set(region, Value::string(c.b.intern(r)));
        if (region == A.requesterRegion) requesterRegion = r;
      } else c.j.skip(x);
    });
    if (!primary.isNull() &&
        std::none_of(blocks.begin(), blocks.end(), [&](const Value& b) { return b.sameBits(primary); }))
      blocks.insert(blocks.begin(), primary);
    e.set(cidrs, c.b.makeList(blocks));
  };
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "VpcPeeringConnectionId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "RequesterVpcInfo") side(v, A.requesterVpc, A.requesterCidrs, A.requesterAccount, A.requesterRegion);
    else if (key == "AccepterVpcInfo") side(v, A.accepterVpc, A.accepterCidrs, A.accepterAccount, A.accepterRegion);
    else if (key == "Status") {
      if (auto code = member(c, v, "Code")) e.set(A.status, Value::string(c.b.intern(*code)));
    } else c.j.skip(v);
  });
  // The connection is described in the requester's region.
  if (!requesterRegion.empty() && c.b.get(A.k, e.index, c.regionAttr[A.k]).isNull()) e.region(requesterRegion);
}

void readFlowLog(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("flow_log");
    AttrId resource = attrNamed(k, "resource_id"), vpc = attrNamed(k, "vpc"), subnet = attrNamed(k, "subnet"),
           eni = attrNamed(k, "network_interface"), trafficType = attrNamed(k, "traffic_type"),
           destType = attrNamed(k, "destination_type"), dest = attrNamed(k, "destination"),
           status = attrNamed(k, "status"), delivery = attrNamed(k, "delivery_status");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "FlowLogId");
  bool haveDestination = false;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "FlowLogId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "ResourceId") {
      std::string_view id = c.j.string(v);
      e.set(A.resource, Value::string(c.b.intern(id)));
      if (id.starts_with("vpc-")) e.refTo(A.vpc, id);
      else if (id.starts_with("subnet-")) e.refTo(A.subnet, id);
      else if (id.starts_with("eni-")) e.refTo(A.eni, id);
    } else if (key == "TrafficType") e.str(A.trafficType, v);
    else if (key == "LogDestinationType") e.str(A.destType, v);
    else if (key == "LogDestination") {
      e.str(A.dest, v);
      e.arn(c.b.str(c.b.get(A.k, e.index, A.dest).asString()));
      haveDestination = true;
    } else if (key == "LogGroupName") {
      // Older flow logs name only the log group; LogDestination wins when both are there.
      if (!haveDestination) e.str(A.dest, v);
    } else if (key == "FlowLogStatus") e.str(A.status, v);
    else if (key == "DeliverLogsStatus") e.str(A.delivery, v);
    else c.j.skip(v);
  });
}

// Elastic IPs: the public address of an interface or instance.
void readAddress(Aws& c, od::value& item) {
  static const KindId eni = kindNamed("network_interface"), instance = kindNamed("instance");
  static const AttrId eniIp = attrNamed(eni, "public_ip"), instanceIp = attrNamed(instance, "public_ip");
  Value ip;
  std::string_view eniId, instanceId;
  c.j.fields(item, [&](std::string_view key, od::value& v) {
    if (c.j.isNull(v)) return;
    if (key == "PublicIp") ip = c.ipValue(v);
    else if (key == "NetworkInterfaceId") eniId = c.j.string(v);
    else if (key == "InstanceId") instanceId = c.j.string(v);
    else if (key == "NetworkBorderGroup") {
      std::string_view r = c.j.string(v);
      if (looksLikeRegion(r)) c.l.noteRegion(r);
    } else c.j.skip(v);
  });
  if (ip.isNull()) return;
  if (!eniId.empty()) c.b.set(eni, c.make(eni, eniId).index, eniIp, ip);
  if (!instanceId.empty()) c.b.set(instance, c.make(instance, instanceId).index, instanceIp, ip);
}

constexpr Collection kMore[] = {
    {"NetworkInterfaces", readNetworkInterface},
    {"Reservations", readReservation},
    {"VpcEndpoints", readVpcEndpoint},
    {"VpcPeeringConnections", readPeering},
    {"FlowLogs", readFlowLog},
    {"Addresses", readAddress},
};

}  // namespace

std::span<const Collection> ec2MoreCollections() { return kMore; }

}  // namespace ward::load
