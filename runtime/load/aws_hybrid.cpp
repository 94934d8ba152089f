// Readers of the hybrid and inter-VPC outputs: VPN gateways, customer gateways
// and VPN connections (with tunnel telemetry), transit gateways and their
// attachments and static routes, Direct Connect, PrivateLink endpoint
// services, and availability zones (region evidence only).
#include <fmt/format.h>

#include "runtime/aws_schema_parts.hpp"
#include "runtime/load/aws_common.hpp"

namespace ward::load {

namespace {


void readVpnGateway(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("vpn_gateway");
    AttrId state = attrNamed(k, "state"), asn = attrNamed(k, "asn"), vpcs = attrNamed(k, "vpcs");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "VpnGatewayId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "VpnGatewayId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "State") e.str(A.state, v);
    else if (key == "AmazonSideAsn") e.integer(A.asn, v);
    else if (key == "AvailabilityZone") e.region(regionOfAz(c.j.string(v)));
    else if (key == "VpcAttachments") {
      std::vector<StrId> vpcs;
      c.j.elements(v, [&](od::value& a) {
        std::string_view vpc, state = "attached";
        c.j.fields(a, [&](std::string_view k, od::value& x) {
          if (c.j.isNull(x)) return;
          if (k == "VpcId") vpc = c.j.string(x);
          else if (k == "State") state = c.j.string(x);
          else c.j.skip(x);
        });
        if (!vpc.empty() && state == "attached") vpcs.push_back(c.b.intern(vpc));
      });
      c.b.setRefList(A.k, e.index, A.vpcs, std::span<const StrId>(vpcs));
    } else c.j.skip(v);
  });
}

void readCustomerGateway(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("customer_gateway");
    AttrId ip = attrNamed(k, "ip"), asn = attrNamed(k, "asn"), state = attrNamed(k, "state");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "CustomerGatewayId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "CustomerGatewayId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "IpAddress") e.ip(A.ip, v);
    else if (key == "BgpAsn") e.integer(A.asn, v);
    else if (key == "State") e.str(A.state, v);
    else c.j.skip(v);
  });
}

void readVpnConnection(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("vpn_connection");
    AttrId vgw = attrNamed(k, "vpn_gateway"), cgw = attrNamed(k, "customer_gateway"),
           tgw = attrNamed(k, "transit_gateway"), state = attrNamed(k, "state"),
           staticOnly = attrNamed(k, "static_routes_only"), routes = attrNamed(k, "routes");
    KindId tunnel = kindNamed("vpn_tunnel");
    AttrId connection = attrNamed(tunnel, "connection"), outsideIp = attrNamed(tunnel, "outside_ip"),
           status = attrNamed(tunnel, "status"), message = attrNamed(tunnel, "status_message");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "VpnConnectionId");
  std::string vpnId(c.b.str(c.b.get(A.k, e.index, 0).asString()));
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "VpnConnectionId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "VpnGatewayId") e.ref(A.vgw, v);
    else if (key == "CustomerGatewayId") e.ref(A.cgw, v);
    else if (key == "TransitGatewayId") e.ref(A.tgw, v);
    else if (key == "State") e.str(A.state, v);
    else if (key == "Options") {
      c.j.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "StaticRoutesOnly") e.boolean(A.staticOnly, x);
        else c.j.skip(x);
      });
    } else if (key == "Routes") {
      std::vector<Value> routes;
      c.j.elements(v, [&](od::value& r) {
        c.j.fields(r, [&](std::string_view k, od::value& x) {
          if (k == "DestinationCidrBlock") routes.push_back(c.cidrValue(x));
          else c.j.skip(x);
        });
      });
      e.set(A.routes, c.b.makeList(routes));
    } else if (key == "VgwTelemetry") {
      c.j.elements(v, [&](od::value& t) {
        Value ip, status, message;
        std::string ipText;
        c.j.fields(t, [&](std::string_view k, od::value& x) {
          if (c.j.isNull(x)) return;
          if (k == "OutsideIpAddress") {
            ip = c.ipValue(x);
            ipText = c.j.string(x);
          } else if (k == "Status") status = Value::string(c.b.intern(c.j.string(x)));
          else if (k == "StatusMessage") message = Value::string(c.b.intern(c.j.string(x)));
          else c.j.skip(x);
        });
        if (ipText.empty()) return;
        Ent tunnel = c.makePart(A.tunnel, vpnId + ":" + ipText);
        tunnel.set(A.connection, e.entity());
        tunnel.set(A.outsideIp, ip);
        if (!status.isNull()) tunnel.set(A.status, status);
        if (!message.isNull()) tunnel.set(A.message, message);
      });
    } else c.j.skip(v);
  });
}

void readTransitGateway(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("transit_gateway");
    AttrId state = attrNamed(k, "state"), asn = attrNamed(k, "asn");
  } A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "TransitGatewayId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "TransitGatewayId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "State") e.str(A.state, v);
    else if (key == "TransitGatewayArn") e.arn(c.j.string(v));
    else if (key == "Options") {
      c.j.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "AmazonSideAsn") e.integer(A.asn, x);
        else c.j.skip(x);
      });
    } else c.j.skip(v);
  });
}

struct AttachmentIds {
  KindId k = kindNamed("transit_gateway_attachment");
  AttrId tgw = attrNamed(k, "transit_gateway"), type = attrNamed(k, "resource_type"),
         resource = attrNamed(k, "resource_id"), vpc = attrNamed(k, "vpc"), state = attrNamed(k, "state");
};

// describe-transit-gateway-attachments (every type) and
// describe-transit-gateway-vpc-attachments (VPCs, with VpcId).
void readTgwAttachment(Aws& c, od::value& item) {
  static const AttachmentIds A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "TransitGatewayAttachmentId");
  std::string_view type, resource;
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "TransitGatewayAttachmentId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "TransitGatewayId") e.ref(A.tgw, v);
    else if (key == "ResourceType") type = c.j.string(v);
    else if (key == "ResourceId") resource = c.j.string(v);
    else if (key == "VpcId") {
      type = "vpc";
      resource = c.j.string(v);
    } else if (key == "State") e.str(A.state, v);
    else if (key == "ResourceOwnerId" || key == "VpcOwnerId") e.account(c.j.string(v));
    else c.j.skip(v);
  });
  if (!type.empty()) e.set(A.type, Value::string(c.b.intern(type)));
  if (!resource.empty()) e.set(A.resource, Value::string(c.b.intern(resource)));
  if (type == "vpc" && !resource.empty()) e.refTo(A.vpc, resource);
}

// Batfish's TransitGatewayStaticRoutes: one search-transit-gateway-routes
// result per route table, wrapped with the table's id.
void readTgwStaticRoutes(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("transit_gateway_route");
    AttrId table = attrNamed(k, "route_table_id"), dest = attrNamed(k, "destination"),
           attachment = attrNamed(k, "attachment"), state = attrNamed(k, "state"), type = attrNamed(k, "route_type");
  } A;
  od::object o = c.object(item);
  auto tableId = c.peek(o, "TransitGatewayRouteTableId");
  if (!tableId) c.j.fail(c.objectAt, fmt::format("transit gateway routes without TransitGatewayRouteTableId at {}",
                                              c.j.pointer()));
  std::string table(*tableId);
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key != "Routes") return c.j.skip(v);
    c.j.elements(v, [&](od::value& r) {
      Value dest, state, type;
      std::string_view attachment, prefixList;
      c.j.fields(r, [&](std::string_view k, od::value& x) {
        if (c.j.isNull(x)) return;
        if (k == "DestinationCidrBlock") dest = c.cidrValue(x);
        else if (k == "PrefixListId") prefixList = c.j.string(x);
        else if (k == "State") state = Value::string(c.b.intern(c.j.string(x)));
        else if (k == "Type") type = Value::string(c.b.intern(c.j.string(x)));
        else if (k == "TransitGatewayAttachments") {
          c.j.elements(x, [&](od::value& a) {
            if (auto id = member(c, a, "TransitGatewayAttachmentId"); id && attachment.empty()) attachment = *id;
          });
        } else c.j.skip(x);
      });
      std::string destText = dest.isNull() ? std::string(prefixList) : net::format(dest.asCidr());
      if (destText.empty()) return;
      Ent route = c.make(A.k, table + ":" + destText);
      route.set(A.table, Value::string(c.b.intern(table)));
      if (!dest.isNull()) route.set(A.dest, dest);
      if (!state.isNull()) route.set(A.state, state);
      if (!type.isNull()) route.set(A.type, type);
      route.refTo(A.attachment, attachment);
    });
  });
}

// Direct Connect outputs use lower camelCase (directConnectGatewayId, ...).
bool is(std::string_view key, std::string_view name) { return aws::equalsIgnoreCase(key, name); }

void readDxGateway(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("dx_gateway");
    AttrId name = attrNamed(k, "name"), state = attrNamed(k, "state"), asn = attrNamed(k, "asn");
  } A;
  od::object o = c.object(item);
  auto id = c.peek(o, "directConnectGatewayId");
  if (!id) id = c.peek(o, "DirectConnectGatewayId");
  if (!id) c.j.fail(c.objectAt, fmt::format("a Direct Connect gateway without directConnectGatewayId at {}", c.j.pointer()));
  Ent e = c.make(A.k, *id);
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (c.j.isNull(v)) return;
    if (is(key, "directConnectGatewayName")) e.str(A.name, v);
    else if (is(key, "directConnectGatewayState")) e.str(A.state, v);
    else if (is(key, "amazonSideAsn")) e.integer(A.asn, v);
    else if (is(key, "ownerAccount")) e.account(c.j.string(v));
    else c.j.skip(v);
  });
}

void readVirtualInterface(Aws& c, od::value& item) {
  static const struct {
    KindId k = kindNamed("dx_virtual_interface");
    AttrId name = attrNamed(k, "name"), type = attrNamed(k, "interface_type"), state = attrNamed(k, "state"),
           dxGateway = attrNamed(k, "dx_gateway"), vgw = attrNamed(k, "vpn_gateway"),
           connection = attrNamed(k, "connection_id"), bandwidth = attrNamed(k, "bandwidth"),
           vlan = attrNamed(k, "vlan");
  } A;
  od::object o = c.object(item);
  auto id = c.peek(o, "virtualInterfaceId");
  if (!id) id = c.peek(o, "VirtualInterfaceId");
  if (!id) c.j.fail(c.objectAt, fmt::format("a virtual interface without virtualInterfaceId at {}", c.j.pointer()));
  Ent e = c.make(A.k, *id);
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (c.j.isNull(v)) return;
    if (is(key, "virtualInterfaceName")) e.str(A.name, v);
    else if (is(key, "virtualInterfaceType")) e.str(A.type, v);
    else if (is(key, "virtualInterfaceState")) e.str(A.state, v);
    else if (is(key, "directConnectGatewayId")) e.ref(A.dxGateway, v);
    else if (is(key, "virtualGatewayId")) e.ref(A.vgw, v);
    else if (is(key, "connectionId")) e.str(A.connection, v);
    else if (is(key, "bandwidth")) e.str(A.bandwidth, v);
    else if (is(key, "vlan")) e.integer(A.vlan, v);
    else if (is(key, "ownerAccount")) e.account(c.j.string(v));
    else if (is(key, "region")) e.region(c.j.string(v));
    else if (is(key, "tags")) e.tags(v, false);
    else c.j.skip(v);
  });
}

struct ServiceIds {
  KindId k = kindNamed("vpc_endpoint_service");
  AttrId name = attrNamed(k, "service_name"), type = attrNamed(k, "service_type"),
         acceptance = attrNamed(k, "acceptance_required"), principals = attrNamed(k, "allowed_principals"),
         state = attrNamed(k, "state"), owner = attrNamed(k, "owner"), consumers = attrNamed(k, "consumer_vpcs"),
         account = attrNamed(k, "account");
};

void readServiceConfiguration(Aws& c, od::value& item) {
  static const ServiceIds A;
  od::object o = c.object(item);
  Ent e = c.begin(A.k, o, "ServiceId");
  c.j.fields(o, [&](std::string_view key, od::value& v) {
    if (key == "ServiceId" || e.common(key, v)) return;
    if (c.j.isNull(v)) return;
    if (key == "ServiceName") e.str(A.name, v);
    else if (key == "ServiceState") e.lower(A.state, v);
    else if (key == "AcceptanceRequired") e.boolean(A.acceptance, v);
    else if (key == "ServiceType") {
      bool first = true;
      c.j.elements(v, [&](od::value& t) {
        c.j.fields(t, [&](std::string_view k, od::value& x) {
          if (k == "ServiceType" && first) e.lower(A.type, x);
          else c.j.skip(x);
        });
        first = false;
      });
    } else c.j.skip(v);
  });
  Value account = c.b.get(A.k, e.index, A.account);
  if (!account.isNull() && c.b.get(A.k, e.index, A.owner).isNull()) e.set(A.owner, account);
}

// describe-vpc-endpoint-service-permissions: principals are appended to the
// service's list (several files may each hold some).
void readAllowedPrincipal(Aws& c, od::value& item) {
  static const ServiceIds A;
  std::string_view service, principal;
  c.j.fields(item, [&](std::string_view key, od::value& v) {
    if (c.j.isNull(v)) return;
    if (key == "ServiceId") service = c.j.string(v);
    else if (key == "Principal") principal = c.j.string(v);
    else c.j.skip(v);
  });
  if (principal.empty()) return;
  if (service.empty()) {
    c.l.warn(c.j, nullptr, "principal without service",
             fmt::format("allowed principal {} at {} names no ServiceId, so it cannot be tied to an endpoint "
                         "service; it is ignored",
                         principal, c.j.pointer()));
    return;
  }
  Ent e = c.make(A.k, service);
  auto existing = c.b.list(c.b.get(A.k, e.index, A.principals));
  std::vector<Value> all(existing.begin(), existing.end());
  Value p = Value::string(c.b.intern(principal));
  if (std::none_of(all.begin(), all.end(), [&](const Value& x) { return x.sameBits(p); })) all.push_back(p);
  e.set(A.principals, c.b.makeList(all));
}

// describe-vpc-endpoint-connections: counts the live consumers of a service.
void readEndpointConnection(Aws& c, od::value& item) {
  static const ServiceIds A;
  std::string_view service, state;
  c.j.fields(item, [&](std::string_view key, od::value& v) {
    if (c.j.isNull(v)) return;
    if (key == "ServiceId") service = c.j.string(v);
    else if (key == "VpcEndpointState") state = c.j.string(v);
    else c.j.skip(v);
  });
  if (service.empty()) return;
  Ent e = c.make(A.k, service);
  Value n = c.b.get(A.k, e.index, A.consumers);
  int64_t count = n.tag == Tag::Int ? n.asInt() : 0;
  if (aws::equalsIgnoreCase(state, "available")) ++count;
  e.set(A.consumers, Value::integer(count));
}

void readAvailabilityZone(Aws& c, od::value& item) {
  c.j.fields(item, [&](std::string_view key, od::value& v) {
    if (key == "RegionName" && !c.j.isNull(v)) c.l.noteRegion(c.j.string(v));
    else c.j.skip(v);
  });
}

constexpr Collection kHybrid[] = {
    {"VpnGateways", readVpnGateway},
    {"CustomerGateways", readCustomerGateway},
    {"VpnConnections", readVpnConnection},
    {"TransitGateways", readTransitGateway},
    {"TransitGatewayAttachments", readTgwAttachment},
    {"TransitGatewayVpcAttachments", readTgwAttachment},
    {"TransitGatewayStaticRoutes", readTgwStaticRoutes},
    {"DirectConnectGateways", readDxGateway},
    {"directConnectGateways", readDxGateway},
    {"VirtualInterfaces", readVirtualInterface},
    {"virtualInterfaces", readVirtualInterface},
    {"ServiceConfigurations", readServiceConfiguration},
    {"AllowedPrincipals", readAllowedPrincipal},
    {"VpcEndpointConnections", readEndpointConnection},
    {"AvailabilityZones", readAvailabilityZone},
};

}  // namespace

std::span<const Collection> hybridCollections() { return kHybrid; }

}  // namespace ward::load
