// Serialisation of the generated model as the JSON the AWS CLI prints for each describe-* call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "support.hpp"

namespace ward::bench {

// ---------------------------------------------------------------------------
// Serialisation. Keys are written in sorted order (the writer checks), and
// each object mirrors the fields of the real describe-* output.

inline void writeTags(JsonWriter& w, std::string_view key, const std::vector<Tag>& tags) {
  w.key(key);
  w.beginArray();
  for (const auto& t : tags) {
    w.beginObject();
    w.str("Key", t.key);
    w.str("Value", t.value);
    w.endObject();
  }
  w.endArray();
}

inline void writeState(JsonWriter& w, std::string_view key, std::string_view state) {
  w.key(key);
  w.beginObject();
  w.str("State", state);
  w.endObject();
}

inline void writeVpc(JsonWriter& w, const ArModel& m, const Vpc& v) {
  w.beginObject();
  w.str("CidrBlock", v.blocks.front().second);
  w.key("CidrBlockAssociationSet");
  w.beginArray();
  for (const auto& [assoc, cidr] : v.blocks) {
    w.beginObject();
    w.str("AssociationId", assoc);
    w.str("CidrBlock", cidr);
    writeState(w, "CidrBlockState", "associated");
    w.endObject();
  }
  w.endArray();
  w.str("DhcpOptionsId", "dopt-" + m.account.substr(4, 8));
  w.str("InstanceTenancy", "default");
  if (!v.ipv6Block.empty()) {
    w.key("Ipv6CidrBlockAssociationSet");
    w.beginArray();
    w.beginObject();
    w.str("AssociationId", v.ipv6AssociationId);
    w.str("Ipv6CidrBlock", v.ipv6Block);
    writeState(w, "Ipv6CidrBlockState", "associated");
    w.str("Ipv6Pool", "Amazon");
    w.str("NetworkBorderGroup", m.region);
    w.endObject();
    w.endArray();
  }
  w.flag("IsDefault", v.isDefault);
  w.str("OwnerId", m.account);
  w.str("State", "available");
  writeTags(w, "Tags", v.tags);
  w.str("VpcId", v.id);
  w.endObject();
}

inline void writeSubnet(JsonWriter& w, const ArModel& m, const Subnet& s) {
  w.beginObject();
  w.flag("AssignIpv6AddressOnCreation", !s.ipv6Cidr.empty());
  w.str("AvailabilityZone", s.az);
  w.str("AvailabilityZoneId", s.azId);
  w.num("AvailableIpAddressCount", static_cast<std::int64_t>(s.cidr.size()) - 5 - s.usedIps);
  w.str("CidrBlock", s.cidr.str());
  w.flag("DefaultForAz", s.defaultForAz);
  w.key("Ipv6CidrBlockAssociationSet");
  w.beginArray();
  if (!s.ipv6Cidr.empty()) {
    w.beginObject();
    w.str("AssociationId", s.ipv6AssociationId);
    w.str("Ipv6CidrBlock", s.ipv6Cidr);
    writeState(w, "Ipv6CidrBlockState", "associated");
    w.endObject();
  }
  w.endArray();
  w.flag("MapPublicIpOnLaunch", s.mapPublicIp);
  w.str("OwnerId", m.account);
  w.str("State", "available");
  w.str("SubnetArn", fmt::format("arn:aws:ec2:{}:{}:subnet/{}", m.region, m.account, s.id));
  w.str("SubnetId", s.id);
  writeTags(w, "Tags", s.tags);
  w.str("VpcId", s.vpcId);
  w.endObject();
}

inline void writeRoute(JsonWriter& w, const ArModel& m, const Route& r) {
  w.beginObject();
  switch (r.destKind) {
    case Route::Dest::V4: w.str("DestinationCidrBlock", r.destination); break;
    case Route::Dest::V6: w.str("DestinationIpv6CidrBlock", r.destination); break;
    case Route::Dest::PrefixList: w.str("DestinationPrefixListId", r.destination); break;
  }
  if (!r.egressOnlyGatewayId.empty()) w.str("EgressOnlyInternetGatewayId", r.egressOnlyGatewayId);
  if (!r.gatewayId.empty()) w.str("GatewayId", r.gatewayId);
  if (!r.instanceId.empty()) {
    w.str("InstanceId", r.instanceId);
    w.str("InstanceOwnerId", m.account);
  }
  if (!r.natGatewayId.empty()) w.str("NatGatewayId", r.natGatewayId);
  if (!r.networkInterfaceId.empty()) w.str("NetworkInterfaceId", r.networkInterfaceId);
  w.str("Origin", r.local ? "CreateRouteTable" : "CreateRoute");
  w.str("State", r.blackhole ? "blackhole" : "active");
  if (!r.peeringId.empty()) w.str("VpcPeeringConnectionId", r.peeringId);
  w.endObject();
}

inline void writeRouteTable(JsonWriter& w, const ArModel& m, const RouteTable& t) {
  w.beginObject();
  w.key("Associations");
  w.beginArray();
  auto association = [&](const std::string& assoc, const std::string* subnet) {
    w.beginObject();
    writeState(w, "AssociationState", "associated");
    w.flag("Main", subnet == nullptr);
    w.str("RouteTableAssociationId", assoc);
    w.str("RouteTableId", t.id);
    if (subnet != nullptr) w.str("SubnetId", *subnet);
    w.endObject();
  };
  if (!t.mainAssociationId.empty()) association(t.mainAssociationId, nullptr);
  for (const auto& [assoc, subnet] : t.subnetAssociations) association(assoc, &subnet);
  w.endArray();
  w.str("OwnerId", m.account);
  w.key("PropagatingVgws");
  w.beginArray();
  w.endArray();
  w.str("RouteTableId", t.id);
  w.key("Routes");
  w.beginArray();
  for (const auto& r : t.routes) writeRoute(w, m, r);
  w.endArray();
  writeTags(w, "Tags", t.tags);
  w.str("VpcId", t.vpcId);
  w.endObject();
}

inline void writeInternetGateway(JsonWriter& w, const ArModel& m, const InternetGateway& g) {
  w.beginObject();
  w.key("Attachments");
  w.beginArray();
  if (!g.vpcId.empty()) {
    w.beginObject();
    w.str("State", "available");
    w.str("VpcId", g.vpcId);
    w.endObject();
  }
  w.endArray();
  w.str("InternetGatewayId", g.id);
  w.str("OwnerId", m.account);
  writeTags(w, "Tags", g.tags);
  w.endObject();
}

inline void writeNatGateway(JsonWriter& w, const NatGateway& n) {
  w.beginObject();
  w.str("ConnectivityType", "public");
  w.str("CreateTime", ec2Time(n.created));
  if (n.state == "deleted") w.str("DeleteTime", ec2Time(n.created + 86400 * 40));
  w.key("NatGatewayAddresses");
  w.beginArray();
  w.beginObject();
  w.str("AllocationId", n.allocationId);
  w.str("NetworkInterfaceId", n.eniId);
  w.str("PrivateIp", n.privateIp);
  w.str("PublicIp", n.publicIp);
  w.endObject();
  w.endArray();
  w.str("NatGatewayId", n.id);
  w.str("State", n.state);
  w.str("SubnetId", n.subnetId);
  writeTags(w, "Tags", n.tags);
  w.str("VpcId", n.vpcId);
  w.endObject();
}

inline void writeNetworkAcl(JsonWriter& w, const ArModel& m, const NetworkAcl& a) {
  w.beginObject();
  w.key("Associations");
  w.beginArray();
  for (const auto& [assoc, subnet] : a.associations) {
    w.beginObject();
    w.str("NetworkAclAssociationId", assoc);
    w.str("NetworkAclId", a.id);
    w.str("SubnetId", subnet);
    w.endObject();
  }
  w.endArray();
  w.key("Entries");
  w.beginArray();
  for (const auto& e : a.entries) {
    w.beginObject();
    if (!e.ipv6) w.str("CidrBlock", e.cidr);
    w.flag("Egress", e.egress);
    if (e.icmp) {
      w.key("IcmpTypeCode");
      w.beginObject();
      w.num("Code", -1);
      w.num("Type", -1);
      w.endObject();
    }
    if (e.ipv6) w.str("Ipv6CidrBlock", e.cidr);
    if (e.hasPorts) {
      w.key("PortRange");
      w.beginObject();
      w.num("From", e.from);
      w.num("To", e.to);
      w.endObject();
    }
    w.str("Protocol", e.protocol);
    w.str("RuleAction", e.allow ? "allow" : "deny");
    w.num("RuleNumber", e.number);
    w.endObject();
  }
  w.endArray();
  w.flag("IsDefault", a.isDefault);
  w.str("NetworkAclId", a.id);
  w.str("OwnerId", m.account);
  writeTags(w, "Tags", a.tags);
  w.str("VpcId", a.vpcId);
  w.endObject();
}

inline void writePermission(JsonWriter& w, const ArModel& m, const IpPermission& p) {
  w.beginObject();
  if (p.hasPorts) w.num("FromPort", p.fromPort);
  w.str("IpProtocol", p.protocol);
  auto ranges = [&](std::string_view listKey, std::string_view cidrKey, const std::vector<CidrRange>& items) {
    w.key(listKey);
    w.beginArray();
    for (const auto& r : items) {
      w.beginObject();
      w.str(cidrKey, r.cidr);
      if (!r.description.empty()) w.str("Description", r.description);
      w.endObject();
    }
    w.endArray();
  };
  ranges("IpRanges", "CidrIp", p.ipv4);
  ranges("Ipv6Ranges", "CidrIpv6", p.ipv6);
  w.key("PrefixListIds");
  w.beginArray();
  for (const auto& pl : p.prefixLists) {
    w.beginObject();
    w.str("PrefixListId", pl);
    w.endObject();
  }
  w.endArray();
  if (p.hasPorts) w.num("ToPort", p.toPort);
  w.key("UserIdGroupPairs");
  w.beginArray();
  for (const auto& g : p.groupPairs) {
    w.beginObject();
    if (!p.pairDescription.empty()) w.str("Description", p.pairDescription);
    w.str("GroupId", g);
    w.str("UserId", m.account);
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

inline void writeSecurityGroup(JsonWriter& w, const ArModel& m, const SecurityGroup& g) {
  w.beginObject();
  w.str("Description", g.description);
  w.str("GroupId", g.id);
  w.str("GroupName", g.name);
  w.key("IpPermissions");
  w.beginArray();
  for (const auto& p : g.ingress) writePermission(w, m, p);
  w.endArray();
  w.key("IpPermissionsEgress");
  w.beginArray();
  for (const auto& p : g.egress) writePermission(w, m, p);
  w.endArray();
  w.str("OwnerId", m.account);
  // describe-security-groups omits Tags for an untagged group (see the default groups in the fixtures).
  if (!g.tags.empty()) writeTags(w, "Tags", g.tags);
  w.str("VpcId", g.vpcId);
  w.endObject();
}

inline void writeGroupRefs(JsonWriter& w, std::string_view key, const std::vector<std::pair<std::string, std::string>>& groups) {
  w.key(key);
  w.beginArray();
  for (const auto& [id, name] : groups) {
    w.beginObject();
    w.str("GroupId", id);
    w.str("GroupName", name);
    w.endObject();
  }
  w.endArray();
}

inline void writeVpcEndpoint(JsonWriter& w, const ArModel& m, const VpcEndpoint& e) {
  w.beginObject();
  w.str("CreationTimestamp", ec2Time(e.created));
  w.key("DnsEntries");
  w.beginArray();
  for (const auto& [name, zone] : e.dnsEntries) {
    w.beginObject();
    w.str("DnsName", name);
    w.str("HostedZoneId", zone);
    w.endObject();
  }
  w.endArray();
  writeGroupRefs(w, "Groups", e.groups);
  w.strArray("NetworkInterfaceIds", e.eniIds);
  w.str("OwnerId", m.account);
  w.str("PolicyDocument",
        "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
        "\"Resource\":\"*\"}]}");
  w.flag("PrivateDnsEnabled", e.privateDns);
  w.flag("RequesterManaged", false);
  w.strArray("RouteTableIds", e.routeTableIds);
  w.str("ServiceName", e.serviceName);
  w.str("State", e.state);
  w.strArray("SubnetIds", e.subnetIds);
  w.key("Tags");
  w.beginArray();
  w.endArray();
  w.str("VpcEndpointId", e.id);
  w.str("VpcEndpointType", e.type);
  w.str("VpcId", e.vpcId);
  w.endObject();
}

inline void writePeering(JsonWriter& w, const Peering& p) {
  auto side = [&](std::string_view key, const PeeringSide& s) {
    w.key(key);
    w.beginObject();
    w.str("CidrBlock", s.cidr);
    w.key("CidrBlockSet");
    w.beginArray();
    w.beginObject();
    w.str("CidrBlock", s.cidr);
    w.endObject();
    w.endArray();
    w.str("OwnerId", s.owner);
    w.key("PeeringOptions");
    w.beginObject();
    w.flag("AllowDnsResolutionFromRemoteVpc", false);
    w.flag("AllowEgressFromLocalClassicLinkToRemoteVpc", false);
    w.flag("AllowEgressFromLocalVpcToRemoteClassicLink", false);
    w.endObject();
    w.str("Region", s.region);
    w.str("VpcId", s.vpcId);
    w.endObject();
  };
  w.beginObject();
  side("AccepterVpcInfo", p.accepter);
  side("RequesterVpcInfo", p.requester);
  w.key("Status");
  w.beginObject();
  w.str("Code", "active");
  w.str("Message", "Active");
  w.endObject();
  writeTags(w, "Tags", {Tag{"Name", p.name}});
  w.str("VpcPeeringConnectionId", p.id);
  w.endObject();
}

inline void writeFlowLog(JsonWriter& w, const ArModel& m, const FlowLog& f) {
  const bool cloudWatch = f.destinationType == "cloud-watch-logs";
  w.beginObject();
  w.str("CreationTime", ec2Time(f.created));
  if (cloudWatch) w.str("DeliverLogsPermissionArn", fmt::format("arn:aws:iam::{}:role/vpc-flow-logs", m.account));
  w.str("DeliverLogsStatus", f.deliverStatus);
  w.str("FlowLogId", f.id);
  w.str("FlowLogStatus", "ACTIVE");
  if (!cloudWatch) w.str("LogDestination", f.destination);
  w.str("LogDestinationType", f.destinationType);
  w.str("LogFormat",
        "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
        "${packets} ${bytes} ${start} ${end} ${action} ${log-status}");
  if (cloudWatch) w.str("LogGroupName", f.destination);
  w.num("MaxAggregationInterval", f.aggregation);
  w.str("ResourceId", f.resourceId);
  w.key("Tags");
  w.beginArray();
  w.endArray();
  w.str("TrafficType", f.trafficType);
  w.endObject();
}

inline void writePrefixList(JsonWriter& w, const PrefixList& p) {
  w.beginObject();
  w.strArray("Cidrs", p.cidrs);
  w.str("PrefixListId", p.id);
  w.str("PrefixListName", p.name);
  w.endObject();
}

// The private-IP list and the public association are shared by both ENI shapes.
inline void writeAssociation(JsonWriter& w, const Eni& e) {
  if (e.publicIp.empty()) return;
  w.key("Association");
  w.beginObject();
  if (!e.allocationId.empty()) {
    w.str("AllocationId", e.allocationId);
    w.str("AssociationId", e.associationId);
  }
  w.str("IpOwnerId", e.allocationId.empty() ? "amazon" : "self");
  w.str("PublicDnsName", e.publicDns);
  w.str("PublicIp", e.publicIp);
  w.endObject();
}

inline void writeEniAddresses(JsonWriter& w, const Eni& e) {
  w.str("PrivateDnsName", e.privateDns);
  w.str("PrivateIpAddress", e.privateIp);
  w.key("PrivateIpAddresses");
  w.beginArray();
  w.beginObject();
  writeAssociation(w, e);
  w.flag("Primary", true);
  w.str("PrivateDnsName", e.privateDns);
  w.str("PrivateIpAddress", e.privateIp);
  w.endObject();
  w.endArray();
}

// An ENI as describe-network-interfaces prints it.
inline void writeNetworkInterface(JsonWriter& w, const ArModel& m, const Eni& e) {
  w.beginObject();
  writeAssociation(w, e);
  if (e.attached) {
    w.key("Attachment");
    w.beginObject();
    w.str("AttachTime", ec2Time(e.attachTime));
    w.str("AttachmentId", e.attachmentId);
    w.flag("DeleteOnTermination", e.deleteOnTermination);
    w.num("DeviceIndex", e.deviceIndex);
    if (!e.attachInstanceId.empty()) w.str("InstanceId", e.attachInstanceId);
    w.str("InstanceOwnerId", e.attachOwner.empty() ? m.account : e.attachOwner);
    w.str("Status", "attached");
    w.endObject();
  }
  w.str("AvailabilityZone", e.az);
  w.str("Description", e.description);
  writeGroupRefs(w, "Groups", e.groups);
  w.str("InterfaceType", e.interfaceType);
  w.key("Ipv6Addresses");
  w.beginArray();
  w.endArray();
  w.str("MacAddress", e.mac);
  w.str("NetworkInterfaceId", e.id);
  w.str("OwnerId", m.account);
  writeEniAddresses(w, e);
  if (!e.requesterId.empty()) w.str("RequesterId", e.requesterId);
  w.flag("RequesterManaged", e.requesterManaged);
  w.flag("SourceDestCheck", e.sourceDestCheck);
  w.str("Status", e.attached ? "in-use" : "available");
  w.str("SubnetId", e.subnetId);
  w.key("TagSet");
  w.beginArray();
  w.endArray();
  w.str("VpcId", e.vpcId);
  w.endObject();
}

// A reservation holding one instance, as describe-instances prints it.
inline void writeReservation(JsonWriter& w, const ArModel& m, const Instance& i) {
  const Eni& e = m.enis[i.eni];
  w.beginObject();
  w.key("Groups");
  w.beginArray();
  w.endArray();
  w.key("Instances");
  w.beginArray();
  w.beginObject();
  w.num("AmiLaunchIndex", 0);
  w.str("Architecture", "x86_64");
  w.key("BlockDeviceMappings");
  w.beginArray();
  w.beginObject();
  w.str("DeviceName", "/dev/xvda");
  w.key("Ebs");
  w.beginObject();
  w.str("AttachTime", ec2Time(i.launched));
  w.flag("DeleteOnTermination", true);
  w.str("Status", "attached");
  w.str("VolumeId", i.volumeId);
  w.endObject();
  w.endObject();
  w.endArray();
  w.key("CapacityReservationSpecification");
  w.beginObject();
  w.str("CapacityReservationPreference", "open");
  w.endObject();
  w.str("ClientToken", "");
  w.key("CpuOptions");
  w.beginObject();
  w.num("CoreCount", 1);
  w.num("ThreadsPerCore", 2);
  w.endObject();
  w.flag("EbsOptimized", false);
  w.flag("EnaSupport", true);
  w.key("HibernationOptions");
  w.beginObject();
  w.flag("Configured", false);
  w.endObject();
  w.str("Hypervisor", "xen");
  w.str("ImageId", i.imageId);
  w.str("InstanceId", i.id);
  w.str("InstanceType", i.type);
  w.str("KeyName", i.keyName);
  w.str("LaunchTime", ec2Time(i.launched));
  w.key("MetadataOptions");
  w.beginObject();
  w.str("HttpEndpoint", "enabled");
  w.num("HttpPutResponseHopLimit", i.imdsV2 ? 2 : 1);
  w.str("HttpTokens", i.imdsV2 ? "required" : "optional");
  w.str("State", "applied");
  w.endObject();
  w.key("Monitoring");
  w.beginObject();
  w.str("State", "disabled");
  w.endObject();
  w.key("NetworkInterfaces");
  w.beginArray();
  w.beginObject();
  writeAssociation(w, e);
  w.key("Attachment");
  w.beginObject();
  w.str("AttachTime", ec2Time(e.attachTime));
  w.str("AttachmentId", e.attachmentId);
  w.flag("DeleteOnTermination", true);
  w.num("DeviceIndex", 0);
  w.str("Status", "attached");
  w.endObject();
  w.str("Description", e.description);
  writeGroupRefs(w, "Groups", e.groups);
  w.str("InterfaceType", "interface");
  w.key("Ipv6Addresses");
  w.beginArray();
  w.endArray();
  w.str("MacAddress", e.mac);
  w.str("NetworkInterfaceId", e.id);
  w.str("OwnerId", m.account);
  writeEniAddresses(w, e);
  w.flag("SourceDestCheck", e.sourceDestCheck);
  w.str("Status", "in-use");
  w.str("SubnetId", e.subnetId);
  w.str("VpcId", e.vpcId);
  w.endObject();
  w.endArray();
  w.key("Placement");
  w.beginObject();
  w.str("AvailabilityZone", e.az);
  w.str("GroupName", "");
  w.str("Tenancy", "default");
  w.endObject();
  w.str("PrivateDnsName", i.privateDns);
  w.str("PrivateIpAddress", e.privateIp);
  w.key("ProductCodes");
  w.beginArray();
  w.endArray();
  w.str("PublicDnsName", i.running ? e.publicDns : "");
  if (i.running && !e.publicIp.empty()) w.str("PublicIpAddress", e.publicIp);
  w.str("RootDeviceName", "/dev/xvda");
  w.str("RootDeviceType", "ebs");
  writeGroupRefs(w, "SecurityGroups", e.groups);
  w.flag("SourceDestCheck", e.sourceDestCheck);
  w.key("State");
  w.beginObject();
  w.num("Code", i.running ? 16 : 80);
  w.str("Name", i.running ? "running" : "stopped");
  w.endObject();
  w.str("StateTransitionReason",
        i.running ? std::string() : fmt::format("User initiated ({} GMT)", ec2Time(i.launched + 86400 * 3).substr(0, 19)));
  w.str("SubnetId", e.subnetId);
  writeTags(w, "Tags", i.tags);
  w.str("VirtualizationType", "hvm");
  w.str("VpcId", e.vpcId);
  w.endObject();
  w.endArray();
  w.str("OwnerId", m.account);
  w.str("ReservationId", i.reservationId);
  w.endObject();
}

// ---------------------------------------------------------------------------
// SageMaker. Each file is a JSON array of describe-* outputs, one per resource.
// The describe calls do not return Tags; a collector merges list-tags output in,
// and so does the generator, because tag-driven rules need them.

inline std::string sageMakerArn(const ArModel& m, std::string_view kind, std::string_view name) {
  return fmt::format("arn:aws:sagemaker:{}:{}:{}/{}", m.region, m.account, kind, name);
}

inline std::string executionRole(const ArModel& m) {
  return fmt::format("arn:aws:iam::{}:role/service-role/AmazonSageMaker-ExecutionRole-20230104T101500", m.account);
}

inline void writeVpcConfig(JsonWriter& w, const TrainingJob& j) {
  w.key("VpcConfig");
  w.beginObject();
  w.strArray("SecurityGroupIds", j.groupIds);
  w.strArray("Subnets", j.subnetIds);
  w.endObject();
}

inline void writeStopping(JsonWriter& w, int seconds) {
  w.key("StoppingCondition");
  w.beginObject();
  w.num("MaxRuntimeInSeconds", seconds);
  w.endObject();
}

inline void writeTrainingJob(JsonWriter& w, const ArModel& m, const TrainingJob& j) {
  const bool finished = j.status != "InProgress";
  const std::int64_t start = j.created + 95;
  const std::int64_t end = start + j.seconds;
  w.beginObject();
  w.key("AlgorithmSpecification");
  w.beginObject();
  w.str("TrainingImage", j.image);
  w.str("TrainingInputMode", "File");
  w.endObject();
  if (finished) w.num("BillableTimeInSeconds", j.spot ? j.seconds / 3 : j.seconds);
  w.str("CreationTime", isoTime(j.created, j.millis));
  w.flag("EnableInterContainerTrafficEncryption", j.interContainerEncryption);
  w.flag("EnableManagedSpotTraining", j.spot);
  w.flag("EnableNetworkIsolation", j.networkIsolation);
  if (j.status == "Failed") w.str("FailureReason", "AlgorithmError: ExecuteUserScriptError: exit code 1");
  w.key("InputDataConfig");
  w.beginArray();
  w.beginObject();
  w.str("ChannelName", "train");
  w.str("CompressionType", "None");
  w.key("DataSource");
  w.beginObject();
  w.key("S3DataSource");
  w.beginObject();
  w.str("S3DataDistributionType", "FullyReplicated");
  w.str("S3DataType", "S3Prefix");
  w.str("S3Uri", fmt::format("s3://{}/datasets/{}/train/", j.bucket, j.name.substr(0, j.name.find('-'))));
  w.endObject();
  w.endObject();
  w.str("RecordWrapperType", "None");
  w.endObject();
  w.endArray();
  w.str("LastModifiedTime", isoTime(finished ? end + 40 : start, j.millis));
  w.key("ModelArtifacts");
  w.beginObject();
  w.str("S3ModelArtifacts", fmt::format("s3://{}/models/{}/output/model.tar.gz", j.bucket, j.name));
  w.endObject();
  w.key("OutputDataConfig");
  w.beginObject();
  w.str("KmsKeyId", "");
  w.str("S3OutputPath", fmt::format("s3://{}/models/", j.bucket));
  w.endObject();
  w.key("ResourceConfig");
  w.beginObject();
  w.num("InstanceCount", j.instanceCount);
  w.str("InstanceType", j.instanceType);
  w.num("VolumeSizeInGB", j.volumeGb);
  w.endObject();
  w.str("RoleArn", executionRole(m));
  w.str("SecondaryStatus", j.status == "InProgress" ? "Training" : j.status);
  writeStopping(w, 86400);
  writeTags(w, "Tags", j.tags);
  if (finished) w.str("TrainingEndTime", isoTime(end, j.millis));
  w.str("TrainingJobArn", sageMakerArn(m, "training-job", j.name));
  w.str("TrainingJobName", j.name);
  w.str("TrainingJobStatus", j.status);
  w.str("TrainingStartTime", isoTime(start, j.millis));
  if (finished) w.num("TrainingTimeInSeconds", j.seconds);
  if (j.vpc) writeVpcConfig(w, j);
  w.endObject();
}

inline void writeProcessingJob(JsonWriter& w, const ArModel& m, const ProcessingJob& j) {
  const bool finished = j.status != "InProgress";
  const std::int64_t start = j.created + 120;
  const std::int64_t end = start + j.seconds;
  w.beginObject();
  w.key("AppSpecification");
  w.beginObject();
  w.str("ImageUri", j.image);
  w.endObject();
  w.str("CreationTime", isoTime(j.created, j.millis));
  if (j.status == "Failed") w.str("FailureReason", "ClientError: processing script exited with code 1");
  w.str("LastModifiedTime", isoTime(finished ? end + 10 : start, j.millis));
  w.key("NetworkConfig");
  w.beginObject();
  w.flag("EnableInterContainerTrafficEncryption", j.interContainerEncryption);
  w.flag("EnableNetworkIsolation", j.networkIsolation);
  if (j.vpc) writeVpcConfig(w, j);
  w.endObject();
  if (finished) w.str("ProcessingEndTime", isoTime(end, j.millis));
  w.str("ProcessingJobArn", sageMakerArn(m, "processing-job", j.name));
  w.str("ProcessingJobName", j.name);
  w.str("ProcessingJobStatus", j.status);
  w.key("ProcessingResources");
  w.beginObject();
  w.key("ClusterConfig");
  w.beginObject();
  w.num("InstanceCount", j.instanceCount);
  w.str("InstanceType", j.instanceType);
  w.num("VolumeSizeInGB", j.volumeGb);
  w.endObject();
  w.endObject();
  w.str("ProcessingStartTime", isoTime(start, j.millis));
  w.str("RoleArn", executionRole(m));
  writeStopping(w, 86400);
  writeTags(w, "Tags", j.tags);
  w.endObject();
}

inline void writeNotebook(JsonWriter& w, const ArModel& m, const Notebook& n) {
  w.beginObject();
  w.str("CreationTime", isoTime(n.created, n.millis));
  w.str("DirectInternetAccess", n.directInternet ? "Enabled" : "Disabled");
  w.str("InstanceType", n.instanceType);
  w.str("LastModifiedTime", isoTime(n.created + 3600, n.millis));
  if (n.vpc) w.str("NetworkInterfaceId", n.eniId);
  w.str("NotebookInstanceArn", sageMakerArn(m, "notebook-instance", n.name));
  w.str("NotebookInstanceName", n.name);
  w.str("NotebookInstanceStatus", "InService");
  w.str("PlatformIdentifier", "notebook-al2-v2");
  w.str("RoleArn", executionRole(m));
  w.str("RootAccess", n.rootAccess ? "Enabled" : "Disabled");
  if (n.vpc) w.strArray("SecurityGroups", n.groupIds);
  if (n.vpc) w.str("SubnetId", n.subnetId);
  writeTags(w, "Tags", n.tags);
  w.str("Url", fmt::format("{}.notebook.{}.sagemaker.aws", n.name, m.region));
  w.num("VolumeSizeInGB", 5);
  w.endObject();
}

inline void writeSmEndpoint(JsonWriter& w, const ArModel& m, const SmEndpoint& e) {
  w.beginObject();
  w.str("CreationTime", isoTime(e.created, e.millis));
  w.str("EndpointArn", sageMakerArn(m, "endpoint", e.name));
  w.str("EndpointConfigName", e.configName);
  w.str("EndpointName", e.name);
  w.str("EndpointStatus", "InService");
  w.str("LastModifiedTime", isoTime(e.created + 420, e.millis));
  w.key("ProductionVariants");
  w.beginArray();
  w.beginObject();
  w.num("CurrentInstanceCount", e.instances);
  w.raw("CurrentWeight", "1.0");
  w.num("DesiredInstanceCount", e.instances);
  w.raw("DesiredWeight", "1.0");
  w.str("VariantName", "AllTraffic");
  w.endObject();
  w.endArray();
  w.endObject();
}

}  // namespace ward::bench
