// Schema::aws(): every kind of AWS network fact and SageMaker workload, with
// the stored attributes, their types, documentation and AWS source fields.
// Derived attributes are added by derived.cpp and derived_workloads.cpp.
#include <cassert>
#include <cctype>
#include <cstdlib>

#include "runtime/aws_schema_parts.hpp"

namespace ward::aws {

KindId kindOf(const Schema& s, std::string_view kind) {
  auto k = s.findKind(kind);
  if (!k) std::abort();
  return *k;
}

AttrId attrOf(const Schema& s, KindId kind, std::string_view attr) {
  auto a = s.kind(kind).find(attr);
  if (!a) std::abort();
  return *a;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

namespace {

Type of(BaseType b) { return Type::of(b); }
Type opt(BaseType b) { return Type::of(b).orNull(); }
const Type kBool = of(BaseType::Bool);
const Type kInt = of(BaseType::Int);
const Type kStr = of(BaseType::String);

// Adds stored attributes to one kind with little ceremony.
struct KindBuilder {
  Schema& s;
  KindId kind;

  KindBuilder& attr(std::string name, Type type, std::string doc, std::string aws, std::string def = "") {
    AttrDef a;
    a.name = std::move(name);
    a.type = type;
    a.doc = std::move(doc);
    a.awsField = std::move(aws);
    a.defaultValue = std::move(def);
    s.addAttr(kind, std::move(a));
    return *this;
  }
  KindBuilder& ref(std::string name, std::string_view target, std::string doc, std::string aws) {
    return attr(std::move(name), Type::entity(kindOf(s, target)).orNull(), std::move(doc), std::move(aws));
  }
  KindBuilder& refs(std::string name, std::string_view target, std::string doc, std::string aws) {
    return attr(std::move(name), Type::listOf(BaseType::Entity, kindOf(s, target)), std::move(doc), std::move(aws));
  }
  KindBuilder& list(std::string name, BaseType elem, std::string doc, std::string aws) {
    return attr(std::move(name), Type::listOf(elem), std::move(doc), std::move(aws));
  }
  // account, region, tags, name: shared by every resource kind.
  KindBuilder& common(std::string_view tagsField, std::string nameDoc = "The value of the `Name` tag.",
                      std::string nameField = "") {
    attr("account", opt(BaseType::String), "The AWS account that owns it.",
         "OwnerId, or the accounts/<id>/ folder of the snapshot");
    attr("region", opt(BaseType::String), "The AWS region it is in.",
         "the <region>/ folder of the snapshot, else its availability zone or ARN");
    refs("tags", "tag", "Its tags.", std::string(tagsField));
    attr("name", opt(BaseType::String), std::move(nameDoc),
         nameField.empty() ? std::string(tagsField) + " with Key `Name`" : std::move(nameField));
    return *this;
  }
};

// The kinds, in documentation order: (name, collection, doc).
struct KindSpec {
  const char* name;
  const char* collection;
  const char* doc;
  const char* idField;  // where the id comes from
};
constexpr KindSpec kKinds[] = {
    {"tag", "tags", "A key/value tag on a resource.", "synthetic: `<key>=<value>`"},
    {"account", "accounts", "An AWS account seen in the snapshot.", "OwnerId, or the accounts/<id>/ folder"},
    {"region", "regions", "A region of an account seen in the snapshot.", "synthetic: `<account>/<region>`, or `<region>` when the account is unknown"},
    {"vpc", "vpcs", "A virtual private cloud.", "Vpcs[].VpcId"},
    {"subnet", "subnets", "A subnet of a VPC, in one availability zone.", "Subnets[].SubnetId"},
    {"route_table", "route_tables", "A VPC route table.", "RouteTables[].RouteTableId"},
    {"route", "routes",
     "One route of a route table (a part of it: no tags or name; account and region are its table's). The id "
     "is `<route-table-id>:<destination>`, the destination being the CIDR block or the prefix-list id.", "synthetic: `<route-table-id>:<destination>`"},
    {"internet_gateway", "internet_gateways", "An internet gateway.", "InternetGateways[].InternetGatewayId"},
    {"egress_only_internet_gateway", "egress_only_internet_gateways", "An egress-only internet gateway (IPv6).", "EgressOnlyInternetGateways[].EgressOnlyInternetGatewayId"},
    {"nat_gateway", "nat_gateways", "A managed NAT gateway.", "NatGateways[].NatGatewayId"},
    {"instance", "instances", "An EC2 instance.", "Reservations[].Instances[].InstanceId"},
    {"network_interface", "network_interfaces", "An elastic network interface (ENI).", "NetworkInterfaces[].NetworkInterfaceId"},
    {"network_acl", "network_acls", "A network ACL: stateless subnet filter.", "NetworkAcls[].NetworkAclId"},
    {"nacl_entry", "nacl_entries",
     "One rule of a network ACL (a part of it, like a route). The id is `<acl-id>:<in|out>:<rule-number>`.", "synthetic: `<acl-id>:<in|out>:<rule-number>`"},
    {"security_group", "security_groups", "A security group: stateful, allow-only interface filter.", "SecurityGroups[].GroupId"},
    {"sg_rule", "sg_rules",
     "One security-group rule, flattened: one per permission and source (a part of its group, like a route). "
     "The id is `<sg-id>:<in|out>:<n>`.", "synthetic: `<sg-id>:<in|out>:<n>`"},
    {"prefix_list", "prefix_lists", "An AWS-managed or customer-managed prefix list.", "PrefixLists[].PrefixListId"},
    {"vpc_endpoint", "vpc_endpoints", "A VPC endpoint: gateway, interface or Gateway Load Balancer.", "VpcEndpoints[].VpcEndpointId"},
    {"vpc_peering_connection", "vpc_peering_connections", "A VPC peering connection.", "VpcPeeringConnections[].VpcPeeringConnectionId"},
    {"vpc_endpoint_service", "vpc_endpoint_services", "A PrivateLink endpoint service this account provides.", "ServiceConfigurations[].ServiceId"},
    {"vpn_gateway", "vpn_gateways", "A virtual private gateway.", "VpnGateways[].VpnGatewayId"},
    {"customer_gateway", "customer_gateways", "A customer gateway: the on-premises end of a VPN.", "CustomerGateways[].CustomerGatewayId"},
    {"vpn_connection", "vpn_connections", "A site-to-site VPN connection.", "VpnConnections[].VpnConnectionId"},
    {"vpn_tunnel", "vpn_tunnels",
     "One tunnel of a VPN connection (a part of it, like a route). The id is `<vpn-id>:<outside-ip>`.", "synthetic: `<vpn-id>:<outside-ip>`"},
    {"dx_gateway", "dx_gateways", "A Direct Connect gateway.", "directConnectGateways[].directConnectGatewayId"},
    {"dx_virtual_interface", "dx_virtual_interfaces", "A Direct Connect virtual interface.", "virtualInterfaces[].virtualInterfaceId"},
    {"transit_gateway", "transit_gateways", "A transit gateway.", "TransitGateways[].TransitGatewayId"},
    {"transit_gateway_attachment", "transit_gateway_attachments", "An attachment of a transit gateway.", "TransitGatewayAttachments[].TransitGatewayAttachmentId"},
    {"transit_gateway_route", "transit_gateway_routes",
     "A route of a transit gateway route table. The id is `<tgw-route-table-id>:<destination>`.", "synthetic: `<tgw-route-table-id>:<destination>`"},
    {"flow_log", "flow_logs", "A VPC flow log on a VPC, subnet or network interface.", "FlowLogs[].FlowLogId"},
    {"training_job", "training_jobs", "A SageMaker training job.", "TrainingJobName"},
    {"processing_job", "processing_jobs", "A SageMaker processing job.", "ProcessingJobName"},
    {"model", "models", "A SageMaker model.", "ModelName"},
    {"endpoint_config", "endpoint_configs", "A SageMaker endpoint configuration.", "EndpointConfigName"},
    {"endpoint", "endpoints", "A SageMaker inference endpoint.", "EndpointName"},
    {"notebook_instance", "notebook_instances", "A SageMaker notebook instance.", "NotebookInstanceName"},
    {"domain", "domains", "A SageMaker Studio domain.", "DomainId"},
    {"transfer", "transfers", "Intent: a planned data transfer from on-premises (Ward JSON `intents` only).", "`id`, else `name`"},
    {"blocklist_entry", "blocklist", "Intent: an address block the estate must deny (Ward JSON `intents` only).", "the CIDR block as written"},
    {"service_exposure", "service_exposures",
     "Intent: a service offered to other VPCs (Ward JSON `intents` only).", "`id`, else `service`"},
};

void addNetworkKinds(Schema& s) {
  using B = BaseType;
  auto k = [&](std::string_view name) { return KindBuilder{s, kindOf(s, name)}; };

  k("tag").attr("key", kStr, "The tag key.", "Tags[].Key").attr("value", kStr, "The tag value.", "Tags[].Value");
  k("region").attr("account", opt(B::String), "The account, when known.", "accounts/<id>/ folder or OwnerId")
      .attr("name", kStr, "The region name, e.g. `us-east-1`.", "<region>/ folder, AZ names or ARNs");

  k("vpc").common("Vpcs[].Tags")
      .attr("cidr", opt(B::Cidr), "The primary IPv4 CIDR block.", "Vpcs[].CidrBlock")
      .list("cidrs", B::Cidr, "Every associated IPv4 CIDR block, the primary one first.",
            "Vpcs[].CidrBlockAssociationSet[].CidrBlock (state `associated`)")
      .list("ipv6_cidrs", B::Cidr, "Every associated IPv6 CIDR block.",
            "Vpcs[].Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock (state `associated`)")
      .attr("is_default", kBool, "Whether this is the region's default VPC.", "Vpcs[].IsDefault", "false")
      .attr("state", kStr, "`available` or `pending`.", "Vpcs[].State", "available");

  k("subnet").common("Subnets[].Tags")
      .ref("vpc", "vpc", "The VPC it belongs to.", "Subnets[].VpcId")
      .attr("cidr", opt(B::Cidr), "Its IPv4 CIDR block.", "Subnets[].CidrBlock")
      .list("ipv6_cidrs", B::Cidr, "Its IPv6 CIDR blocks.", "Subnets[].Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock")
      .attr("az", kStr, "The availability zone name, e.g. `us-east-1a`.", "Subnets[].AvailabilityZone", "")
      .attr("az_id", opt(B::String), "The availability zone id, e.g. `use1-az2`.", "Subnets[].AvailabilityZoneId")
      .attr("map_public_ip", kBool, "Whether instances launched here get a public IPv4 address.",
            "Subnets[].MapPublicIpOnLaunch", "false")
      .attr("state", kStr, "`available` or `pending`.", "Subnets[].State", "available")
      .attr("available_ips", kInt, "Free IPv4 addresses.", "Subnets[].AvailableIpAddressCount", "0");

  k("route_table").common("RouteTables[].Tags")
      .ref("vpc", "vpc", "The VPC it belongs to.", "RouteTables[].VpcId")
      .attr("main", kBool, "Whether it is its VPC's main route table.", "RouteTables[].Associations[].Main", "false")
      .refs("subnets", "subnet", "The subnets explicitly associated with it.",
            "RouteTables[].Associations[].SubnetId")
      .list("propagating_vgws", B::String, "Virtual private gateways that propagate routes into it.",
            "RouteTables[].PropagatingVgws[].GatewayId");

  k("route")
      .ref("table", "route_table", "The route table it belongs to.", "RouteTables[].RouteTableId")
      .attr("destination", opt(B::Cidr), "The destination block (IPv4 or IPv6); null for a prefix-list route.",
            "Routes[].DestinationCidrBlock or DestinationIpv6CidrBlock")
      .ref("prefix_list", "prefix_list", "The destination prefix list, for prefix-list routes.",
           "Routes[].DestinationPrefixListId")
      .attr("target", kStr, "The raw target id, e.g. `igw-1`, `nat-2`, `local`.",
            "Routes[].GatewayId, NatGatewayId, InstanceId, NetworkInterfaceId, ...", "")
      .attr("target_kind", kStr,
            "What the target is: local, internet_gateway, egress_only_internet_gateway, nat_gateway, instance, "
            "network_interface, vpc_endpoint, vpc_peering_connection, transit_gateway, vpn_gateway, "
            "carrier_gateway, local_gateway or unknown.",
            "which Routes[] target field is set (from the id prefix in Ward JSON)", "unknown")
      .attr("state", kStr, "`active` or `blackhole`.", "Routes[].State", "active")
      .attr("origin", kStr, "CreateRouteTable, CreateRoute or EnableVgwRoutePropagation.", "Routes[].Origin",
            "CreateRoute")
      .ref("internet_gateway", "internet_gateway", "The target, when it is an internet gateway.",
           "Routes[].GatewayId (igw-)")
      .ref("egress_only_internet_gateway", "egress_only_internet_gateway",
           "The target, when it is an egress-only internet gateway.", "Routes[].EgressOnlyInternetGatewayId")
      .ref("nat_gateway", "nat_gateway", "The target, when it is a NAT gateway.", "Routes[].NatGatewayId")
      .ref("instance", "instance", "The target, when it is an instance.", "Routes[].InstanceId")
      .ref("network_interface", "network_interface", "The target, when it is a network interface.",
           "Routes[].NetworkInterfaceId")
      .ref("vpc_endpoint", "vpc_endpoint", "The target, when it is a gateway endpoint.", "Routes[].GatewayId (vpce-)")
      .ref("vpc_peering_connection", "vpc_peering_connection", "The target, when it is a peering connection.",
           "Routes[].VpcPeeringConnectionId")
      .ref("transit_gateway", "transit_gateway", "The target, when it is a transit gateway.",
           "Routes[].TransitGatewayId")
      .ref("vpn_gateway", "vpn_gateway", "The target, when it is a virtual private gateway.",
           "Routes[].GatewayId (vgw-)");

  k("internet_gateway").common("InternetGateways[].Tags")
      .ref("vpc", "vpc", "The VPC it is attached to.", "InternetGateways[].Attachments[].VpcId")
      .attr("state", kStr, "The attachment state: `available` when attached, `detached` when not.",
            "InternetGateways[].Attachments[].State", "available");

  k("egress_only_internet_gateway").common("EgressOnlyInternetGateways[].Tags")
      .ref("vpc", "vpc", "The VPC it is attached to.", "EgressOnlyInternetGateways[].Attachments[].VpcId")
      .attr("state", kStr, "The attachment state.", "EgressOnlyInternetGateways[].Attachments[].State", "attached");

  k("nat_gateway").common("NatGateways[].Tags")
      .ref("vpc", "vpc", "Its VPC.", "NatGateways[].VpcId")
      .ref("subnet", "subnet", "The subnet it sits in.", "NatGateways[].SubnetId")
      .attr("state", kStr, "pending, failed, available, deleting or deleted.", "NatGateways[].State", "available")
      .attr("connectivity", kStr, "`public` or `private`.", "NatGateways[].ConnectivityType", "public")
      .attr("private_ip", opt(B::Ip), "Its private address.", "NatGateways[].NatGatewayAddresses[0].PrivateIp")
      .attr("public_ip", opt(B::Ip), "Its Elastic IP.", "NatGateways[].NatGatewayAddresses[0].PublicIp")
      .ref("network_interface", "network_interface", "Its network interface.",
           "NatGateways[].NatGatewayAddresses[0].NetworkInterfaceId");

  k("instance").common("Reservations[].Instances[].Tags")
      .ref("vpc", "vpc", "Its VPC.", "Instances[].VpcId")
      .ref("subnet", "subnet", "Its subnet.", "Instances[].SubnetId")
      .attr("private_ip", opt(B::Ip), "Its primary private address.", "Instances[].PrivateIpAddress")
      .attr("public_ip", opt(B::Ip), "Its public address.", "Instances[].PublicIpAddress")
      .attr("state", kStr, "pending, running, stopping, stopped, ...", "Instances[].State.Name", "running")
      .attr("instance_type", opt(B::String), "The instance type, e.g. `t3.micro`.", "Instances[].InstanceType")
      .attr("source_dest_check", kBool, "Whether it drops traffic not addressed to it (off for NAT instances).",
            "Instances[].SourceDestCheck", "true")
      .refs("security_groups", "security_group", "Its security groups.", "Instances[].SecurityGroups[].GroupId")
      .refs("network_interfaces", "network_interface", "Its network interfaces.",
            "Instances[].NetworkInterfaces[].NetworkInterfaceId");

  k("network_interface").common("NetworkInterfaces[].TagSet")
      .ref("vpc", "vpc", "Its VPC.", "NetworkInterfaces[].VpcId")
      .ref("subnet", "subnet", "Its subnet.", "NetworkInterfaces[].SubnetId")
      .list("private_ips", B::Ip, "Its private IPv4 addresses, the primary one first.",
            "NetworkInterfaces[].PrivateIpAddresses[].PrivateIpAddress")
      .attr("public_ip", opt(B::Ip), "Its public IPv4 address.", "NetworkInterfaces[].Association.PublicIp")
      .list("ipv6_ips", B::Ip, "Its IPv6 addresses.", "NetworkInterfaces[].Ipv6Addresses[].Ipv6Address")
      .refs("security_groups", "security_group", "Its security groups.", "NetworkInterfaces[].Groups[].GroupId")
      .attr("interface_type", kStr, "interface, nat_gateway, vpc_endpoint, lambda, ...",
            "NetworkInterfaces[].InterfaceType", "interface")
      .ref("instance", "instance", "The instance it is attached to.", "NetworkInterfaces[].Attachment.InstanceId")
      .attr("source_dest_check", kBool, "Whether it drops traffic not addressed to it.",
            "NetworkInterfaces[].SourceDestCheck", "true")
      .attr("requester_managed", kBool, "Whether AWS manages it on your behalf.",
            "NetworkInterfaces[].RequesterManaged", "false")
      .attr("description", kStr, "Its description.", "NetworkInterfaces[].Description", "")
      .attr("status", kStr, "`in-use` or `available`.", "NetworkInterfaces[].Status", "in-use");

  k("network_acl").common("NetworkAcls[].Tags")
      .ref("vpc", "vpc", "Its VPC.", "NetworkAcls[].VpcId")
      .attr("is_default", kBool, "Whether it is its VPC's default ACL.", "NetworkAcls[].IsDefault", "false")
      .refs("subnets", "subnet", "The subnets associated with it.", "NetworkAcls[].Associations[].SubnetId");

  k("nacl_entry")
      .ref("acl", "network_acl", "The ACL it belongs to.", "NetworkAcls[].NetworkAclId")
      .attr("rule_number", kInt, "Its rule number; lower numbers are evaluated first.",
            "NetworkAcls[].Entries[].RuleNumber", "0")
      .attr("egress", kBool, "Whether it filters outbound traffic.", "NetworkAcls[].Entries[].Egress", "false")
      .attr("action", kStr, "`allow` or `deny`.", "NetworkAcls[].Entries[].RuleAction", "allow")
      .attr("traffic", of(B::Traffic), "The protocol and destination port range it matches.",
            "NetworkAcls[].Entries[].Protocol and PortRange", "all")
      .attr("cidr", opt(B::Cidr), "The address block it matches (the source inbound, the destination outbound).",
            "NetworkAcls[].Entries[].CidrBlock or Ipv6CidrBlock")
      .attr("icmp_type", opt(B::Int), "The ICMP type it matches; null for every type.",
            "NetworkAcls[].Entries[].IcmpTypeCode.Type")
      .attr("icmp_code", opt(B::Int), "The ICMP code it matches; null for every code.",
            "NetworkAcls[].Entries[].IcmpTypeCode.Code");

  k("security_group").common("SecurityGroups[].Tags")
      .attr("group_name", kStr, "The group name (`default` for a VPC's default group).",
            "SecurityGroups[].GroupName", "")
      .attr("description", kStr, "Its description.", "SecurityGroups[].Description", "")
      .ref("vpc", "vpc", "Its VPC.", "SecurityGroups[].VpcId");

  k("sg_rule")
      .ref("group", "security_group", "The group it belongs to.", "SecurityGroups[].GroupId")
      .attr("egress", kBool, "Whether it is an outbound rule.", "IpPermissionsEgress (true) or IpPermissions",
            "false")
      .attr("traffic", of(B::Traffic), "The protocol and port range it allows.",
            "IpPermissions[].IpProtocol, FromPort, ToPort", "all")
      .attr("cidr", opt(B::Cidr), "The peer address block, for CIDR rules.",
            "IpPermissions[].IpRanges[].CidrIp or Ipv6Ranges[].CidrIpv6")
      .ref("source_group", "security_group", "The peer security group, for group rules.",
           "IpPermissions[].UserIdGroupPairs[].GroupId")
      .ref("prefix_list", "prefix_list", "The peer prefix list, for prefix-list rules.",
           "IpPermissions[].PrefixListIds[].PrefixListId")
      .attr("description", opt(B::String), "The rule's description.", "IpRanges[].Description and friends")
      .attr("icmp_type", opt(B::Int), "For ICMP rules, the type allowed; null for every type.",
            "IpPermissions[].FromPort (ICMP)")
      .attr("icmp_code", opt(B::Int), "For ICMP rules, the code allowed; null for every code.",
            "IpPermissions[].ToPort (ICMP)");

  k("prefix_list").common("ManagedPrefixLists[].Tags")
      .attr("prefix_list_name", kStr, "Its name, e.g. `com.amazonaws.us-east-1.s3`.", "PrefixLists[].PrefixListName",
            "")
      .list("cidrs", B::Cidr, "Its address blocks.", "PrefixLists[].Cidrs")
      .attr("service", opt(B::String),
            "For an AWS service prefix list, the short service name (`s3`, `dynamodb`); computed at load "
            "from prefix_list_name unless given.",
            "derived at load: prefix_list_name without `com.amazonaws.<region>.`");

  k("vpc_endpoint").common("VpcEndpoints[].Tags")
      .ref("vpc", "vpc", "Its VPC.", "VpcEndpoints[].VpcId")
      .attr("service_name", kStr, "The full service name, e.g. `com.amazonaws.us-east-1.s3`.",
            "VpcEndpoints[].ServiceName", "")
      .attr("service", kStr,
            "The short service name: `s3`, `sagemaker.api`, `ecr.dkr`; computed at load from service_name "
            "unless given.",
            "derived at load: service_name without `com.amazonaws.<region>.`", "")
      .attr("endpoint_type", kStr,
            "`gateway`, `interface` or `gatewayloadbalancer`; when left out, `gateway` for s3 and dynamodb and "
            "`interface` otherwise.",
            "VpcEndpoints[].VpcEndpointType (lower-cased)", "interface")
      .attr("state", kStr, "available, pending, pendingacceptance, rejected, failed, ... (lower-cased).",
            "VpcEndpoints[].State", "available")
      .refs("route_tables", "route_table", "For a gateway endpoint, the route tables that route to it.",
            "VpcEndpoints[].RouteTableIds")
      .refs("subnets", "subnet", "For an interface endpoint, the subnets it has an ENI in.",
            "VpcEndpoints[].SubnetIds")
      .refs("security_groups", "security_group", "For an interface endpoint, its security groups.",
            "VpcEndpoints[].Groups[].GroupId")
      .attr("private_dns", kBool, "Whether private DNS is enabled (interface endpoints).",
            "VpcEndpoints[].PrivateDnsEnabled", "true")
      .attr("policy", opt(B::String), "The endpoint policy document (JSON text).", "VpcEndpoints[].PolicyDocument")
      .refs("network_interfaces", "network_interface", "For an interface endpoint, its ENIs.",
            "VpcEndpoints[].NetworkInterfaceIds");

  k("vpc_peering_connection").common("VpcPeeringConnections[].Tags")
      .ref("requester_vpc", "vpc", "The VPC that asked for the peering.", "RequesterVpcInfo.VpcId")
      .ref("accepter_vpc", "vpc", "The VPC that accepted it.", "AccepterVpcInfo.VpcId")
      .list("requester_cidrs", B::Cidr, "The requester's CIDR blocks covered by the peering.",
            "RequesterVpcInfo.CidrBlockSet[].CidrBlock and Ipv6CidrBlockSet[].Ipv6CidrBlock")
      .list("accepter_cidrs", B::Cidr, "The accepter's CIDR blocks covered by the peering.",
            "AccepterVpcInfo.CidrBlockSet[].CidrBlock and Ipv6CidrBlockSet[].Ipv6CidrBlock")
      .attr("status", kStr, "active, pending-acceptance, rejected, deleted, ...", "Status.Code", "active")
      .attr("requester_account", opt(B::String), "The requester's account.", "RequesterVpcInfo.OwnerId")
      .attr("accepter_account", opt(B::String), "The accepter's account.", "AccepterVpcInfo.OwnerId")
      .attr("requester_region", opt(B::String), "The requester's region.", "RequesterVpcInfo.Region")
      .attr("accepter_region", opt(B::String), "The accepter's region.", "AccepterVpcInfo.Region");

  k("vpc_endpoint_service").common("ServiceConfigurations[].Tags")
      .attr("service_name", kStr, "Its service name, e.g. `com.amazonaws.vpce.us-east-1.vpce-svc-1`.",
            "ServiceConfigurations[].ServiceName", "")
      .attr("service_type", kStr, "`interface` or `gatewayloadbalancer` (lower-cased).",
            "ServiceConfigurations[].ServiceType[0].ServiceType", "interface")
      .attr("acceptance_required", kBool, "Whether consumers' connections must be accepted.",
            "ServiceConfigurations[].AcceptanceRequired", "false")
      .list("allowed_principals", B::String, "Principals allowed to connect (`*` means anyone).",
            "AllowedPrincipals[].Principal (describe-vpc-endpoint-service-permissions)")
      .attr("state", kStr, "pending, available, deleting, deleted or failed (lower-cased).",
            "ServiceConfigurations[].ServiceState", "available")
      .attr("owner", opt(B::String), "The owning account.", "OwnerId or the snapshot's account")
      .attr("consumer_vpcs", opt(B::Int), "How many endpoints are connected to it, when known.",
            "VpcEndpointConnections[] with state available (describe-vpc-endpoint-connections)");

  k("vpn_gateway").common("VpnGateways[].Tags")
      .attr("state", kStr, "pending, available, deleting or deleted.", "VpnGateways[].State", "available")
      .attr("asn", kInt, "The Amazon-side BGP ASN.", "VpnGateways[].AmazonSideAsn", "64512")
      .refs("vpcs", "vpc", "The VPCs it is attached to.", "VpnGateways[].VpcAttachments[].VpcId (state attached)");

  k("customer_gateway").common("CustomerGateways[].Tags")
      .attr("ip", opt(B::Ip), "Its public address.", "CustomerGateways[].IpAddress")
      .attr("asn", kInt, "Its BGP ASN.", "CustomerGateways[].BgpAsn", "0")
      .attr("state", kStr, "pending, available, deleting or deleted.", "CustomerGateways[].State", "available");

  k("vpn_connection").common("VpnConnections[].Tags")
      .ref("vpn_gateway", "vpn_gateway", "The virtual private gateway end, if any.", "VpnConnections[].VpnGatewayId")
      .ref("customer_gateway", "customer_gateway", "The customer gateway end.", "VpnConnections[].CustomerGatewayId")
      .ref("transit_gateway", "transit_gateway", "The transit gateway end, if any.",
           "VpnConnections[].TransitGatewayId")
      .attr("state", kStr, "pending, available, deleting or deleted.", "VpnConnections[].State", "available")
      .attr("static_routes_only", kBool, "Whether it uses static routes instead of BGP.",
            "VpnConnections[].Options.StaticRoutesOnly", "false")
      .list("routes", B::Cidr, "Its static routes.", "VpnConnections[].Routes[].DestinationCidrBlock");

  k("vpn_tunnel")
      .ref("connection", "vpn_connection", "The VPN connection it belongs to.", "VpnConnections[].VpnConnectionId")
      .attr("outside_ip", opt(B::Ip), "The AWS-side outside address.", "VgwTelemetry[].OutsideIpAddress")
      .attr("status", kStr, "`UP` or `DOWN`.", "VgwTelemetry[].Status", "UP")
      .attr("status_message", kStr, "The status message.", "VgwTelemetry[].StatusMessage", "");

  k("dx_gateway").common("(none)", "Its name.", "directConnectGateways[].directConnectGatewayName")
      .attr("state", kStr, "pending, available, deleting or deleted.",
            "directConnectGateways[].directConnectGatewayState", "available")
      .attr("asn", kInt, "The Amazon-side ASN.", "directConnectGateways[].amazonSideAsn", "0");

  k("dx_virtual_interface").common("virtualInterfaces[].tags", "Its name.", "virtualInterfaces[].virtualInterfaceName")
      .attr("interface_type", kStr, "`private`, `public` or `transit`.", "virtualInterfaces[].virtualInterfaceType",
            "private")
      .attr("state", kStr, "available, down, confirming, ...", "virtualInterfaces[].virtualInterfaceState",
            "available")
      .ref("dx_gateway", "dx_gateway", "The Direct Connect gateway it attaches to.",
           "virtualInterfaces[].directConnectGatewayId")
      .ref("vpn_gateway", "vpn_gateway", "The virtual private gateway it attaches to.",
           "virtualInterfaces[].virtualGatewayId")
      .attr("connection_id", kStr, "The Direct Connect connection it runs on.", "virtualInterfaces[].connectionId",
            "")
      .attr("bandwidth", opt(B::String), "Its bandwidth (hosted interfaces), e.g. `1Gbps`.",
            "virtualInterfaces[].bandwidth")
      .attr("vlan", kInt, "Its VLAN.", "virtualInterfaces[].vlan", "0");

  k("transit_gateway").common("TransitGateways[].Tags")
      .attr("state", kStr, "pending, available, modifying, deleting or deleted.", "TransitGateways[].State",
            "available")
      .attr("asn", kInt, "The Amazon-side ASN.", "TransitGateways[].Options.AmazonSideAsn", "64512");

  k("transit_gateway_attachment").common("TransitGatewayAttachments[].Tags")
      .ref("transit_gateway", "transit_gateway", "The transit gateway.", "TransitGatewayAttachments[].TransitGatewayId")
      .attr("resource_type", kStr, "vpc, vpn, direct-connect-gateway, peering, connect, ...",
            "TransitGatewayAttachments[].ResourceType", "")
      .attr("resource_id", kStr, "The attached resource's id.", "TransitGatewayAttachments[].ResourceId", "")
      .ref("vpc", "vpc", "The attached VPC, for VPC attachments.",
           "TransitGatewayVpcAttachments[].VpcId or ResourceId (vpc)")
      .attr("state", kStr, "available, pending, deleting, ...", "TransitGatewayAttachments[].State", "available");

  k("transit_gateway_route").common("(none)", "Always null.", "(none)")
      .attr("route_table_id", kStr, "The transit gateway route table.",
            "TransitGatewayStaticRoutes[].TransitGatewayRouteTableId", "")
      .attr("destination", opt(B::Cidr), "The destination block.", "Routes[].DestinationCidrBlock")
      .ref("attachment", "transit_gateway_attachment", "The attachment traffic is sent to.",
           "Routes[].TransitGatewayAttachments[0].TransitGatewayAttachmentId")
      .attr("state", kStr, "`active` or `blackhole`.", "Routes[].State", "active")
      .attr("route_type", kStr, "`static` or `propagated`.", "Routes[].Type", "static");

  k("flow_log").common("FlowLogs[].Tags")
      .attr("resource_id", kStr, "The VPC, subnet or network interface it watches.", "FlowLogs[].ResourceId", "")
      .ref("vpc", "vpc", "The VPC it watches, if it is on a VPC.", "FlowLogs[].ResourceId (vpc-)")
      .ref("subnet", "subnet", "The subnet it watches, if it is on a subnet.", "FlowLogs[].ResourceId (subnet-)")
      .ref("network_interface", "network_interface", "The network interface it watches, if any.",
           "FlowLogs[].ResourceId (eni-)")
      .attr("traffic_type", kStr, "`ACCEPT`, `REJECT` or `ALL`.", "FlowLogs[].TrafficType", "ALL")
      .attr("destination_type", kStr, "`cloud-watch-logs`, `s3` or `kinesis-data-firehose`.",
            "FlowLogs[].LogDestinationType", "cloud-watch-logs")
      .attr("destination", kStr, "The log group name or destination ARN.",
            "FlowLogs[].LogDestination or LogGroupName", "")
      .attr("status", kStr, "`ACTIVE` when it is collecting.", "FlowLogs[].FlowLogStatus", "ACTIVE")
      .attr("delivery_status", kStr, "`SUCCESS` or `FAILED` and a reason.", "FlowLogs[].DeliverLogsStatus", "SUCCESS");
}

void addWorkloadKinds(Schema& s) {
  using B = BaseType;
  auto k = [&](std::string_view name) { return KindBuilder{s, kindOf(s, name)}; };
  // The attributes every VPC-capable workload shares.
  auto vpcConfig = [&](KindBuilder& b, const std::string& prefix, const std::string& vpcField) {
    b.attr("arn", kStr, "Its ARN.", prefix + "Arn", "")
        .attr("status", kStr, "Its status as SageMaker reports it.", prefix + "Status", "")
        .refs("subnets", "subnet", "The subnets it runs in (VPC mode).", vpcField + ".Subnets")
        .refs("security_groups", "security_group", "Its security groups (VPC mode).", vpcField + ".SecurityGroupIds");
  };
  std::string tags = "Tags (from list-tags, when present)";

  auto training = k("training_job");
  training.common(tags, "The job name.", "TrainingJobName");
  vpcConfig(training, "TrainingJob", "VpcConfig");
  training.list("kms_keys", B::String, "KMS keys it encrypts with.",
                "ResourceConfig.VolumeKmsKeyId, OutputDataConfig.KmsKeyId")
      .attr("network_isolation", kBool, "Whether the containers have no network access.", "EnableNetworkIsolation",
            "false")
      .attr("intercontainer_encryption", kBool, "Whether traffic between training containers is encrypted.",
            "EnableInterContainerTrafficEncryption", "false")
      .attr("instance_count", kInt, "How many instances it runs on.", "ResourceConfig.InstanceCount", "1");

  auto processing = k("processing_job");
  processing.common(tags, "The job name.", "ProcessingJobName");
  vpcConfig(processing, "ProcessingJob", "NetworkConfig.VpcConfig");
  processing
      .list("kms_keys", B::String, "KMS keys it encrypts with.",
            "ProcessingResources.ClusterConfig.VolumeKmsKeyId, ProcessingOutputConfig.KmsKeyId")
      .attr("network_isolation", kBool, "Whether the containers have no network access.",
            "NetworkConfig.EnableNetworkIsolation", "false")
      .attr("intercontainer_encryption", kBool, "Whether traffic between containers is encrypted.",
            "NetworkConfig.EnableInterContainerTrafficEncryption", "false")
      .attr("instance_count", kInt, "How many instances it runs on.",
            "ProcessingResources.ClusterConfig.InstanceCount", "1");

  auto model = k("model");
  model.common(tags, "The model name.", "ModelName");
  model.attr("arn", kStr, "Its ARN.", "ModelArn", "")
      .attr("status", kStr, "Always empty: models have no status.", "(none)", "")
      .refs("subnets", "subnet", "The subnets its containers run in (VPC mode).", "VpcConfig.Subnets")
      .refs("security_groups", "security_group", "Its security groups (VPC mode).", "VpcConfig.SecurityGroupIds")
      .list("kms_keys", B::String, "KMS keys it encrypts with (none are recorded on a model).", "(none)")
      .attr("network_isolation", kBool, "Whether the containers have no network access.", "EnableNetworkIsolation",
            "false");

  k("endpoint_config").common(tags, "The configuration name.", "EndpointConfigName")
      .attr("arn", kStr, "Its ARN.", "EndpointConfigArn", "")
      .refs("models", "model", "The models of its production variants.", "ProductionVariants[].ModelName")
      .list("kms_keys", B::String, "KMS keys it encrypts with.", "KmsKeyId, DataCaptureConfig.KmsKeyId");

  k("endpoint").common(tags, "The endpoint name.", "EndpointName")
      .attr("arn", kStr, "Its ARN.", "EndpointArn", "")
      .attr("status", kStr, "InService, Creating, Failed, ...", "EndpointStatus", "")
      .ref("config", "endpoint_config", "Its endpoint configuration.", "EndpointConfigName");

  auto notebook = k("notebook_instance");
  notebook.common(tags, "The notebook instance name.", "NotebookInstanceName");
  notebook.attr("arn", kStr, "Its ARN.", "NotebookInstanceArn", "")
      .attr("status", kStr, "InService, Stopped, ...", "NotebookInstanceStatus", "")
      .ref("subnet", "subnet", "The subnet it runs in, if it is in a VPC.", "SubnetId")
      .refs("security_groups", "security_group", "Its security groups.", "SecurityGroups")
      .list("kms_keys", B::String, "KMS keys it encrypts with.", "KmsKeyId")
      .attr("direct_internet", kBool, "Whether SageMaker gives it direct internet access.",
            "DirectInternetAccess (`Enabled`)", "true")
      .attr("instance_type", kStr, "Its instance type.", "InstanceType", "");

  auto domain = k("domain");
  domain.common(tags, "The domain name.", "DomainName");
  domain.attr("arn", kStr, "Its ARN.", "DomainArn", "")
      .attr("status", kStr, "InService, Pending, Failed, ...", "Status", "")
      .refs("subnets", "subnet", "The subnets Studio apps run in.", "SubnetIds")
      .refs("security_groups", "security_group", "The default security groups of its users.",
            "DefaultUserSettings.SecurityGroups")
      .list("kms_keys", B::String, "KMS keys it encrypts with.", "KmsKeyId")
      .attr("network_access", kStr, "`PublicInternetOnly` or `VpcOnly`.", "AppNetworkAccessType",
            "PublicInternetOnly")
      .ref("vpc", "vpc", "Its VPC.", "VpcId")
      .attr("domain_name", kStr, "Its name.", "DomainName", "");

  k("transfer")
      .attr("name", kStr, "What the transfer is called.", "intents.transfers[].name", "")
      .attr("size_gb", kInt, "How many gigabytes move each time.", "intents.transfers[].size_gb", "0")
      .attr("recurrence", kStr, "`once`, `daily`, `weekly` or `monthly`.", "intents.transfers[].recurrence", "once")
      .attr("source", opt(B::String), "Where the data comes from.", "intents.transfers[].source")
      .attr("via", opt(B::String), "The planned path: `vpn`, `dx`, `internet` or `datasync`.",
            "intents.transfers[].via");
  k("blocklist_entry").attr("cidr", opt(B::Cidr), "The blocked address block.", "intents.blocklist[]");
  k("service_exposure")
      .attr("service", kStr, "The service offered.", "intents.service_exposures[].service", "")
      .attr("consumer_vpcs", kInt, "How many VPCs consume it.", "intents.service_exposures[].consumer_vpcs", "0")
      .attr("via", kStr, "`peering` or `privatelink`.", "intents.service_exposures[].via", "peering");
}

Schema buildAws() {
  Schema s;
  for (const KindSpec& k : kKinds) {
    KindId id = s.addKind(k.name, k.collection, k.doc);
    s.kindMut(id).attrs[0].awsField = k.idField;
  }
  addNetworkKinds(s);
  addWorkloadKinds(s);
  addNetworkDerived(s);
  addWorkloadDerived(s);
  addFinishHooks(s);
  return s;
}

}  // namespace
}  // namespace ward::aws

namespace ward {

const Schema& Schema::aws() {
  static const Schema schema = aws::buildAws();
  return schema;
}

}  // namespace ward
