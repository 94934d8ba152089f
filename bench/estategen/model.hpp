// The generated estate of one account and region, its serialisation as AWS CLI describe-* JSON, and the three reference rules evaluated over it.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace ward::bench {

struct Tag {
  std::string key;
  std::string value;
};

struct CidrRange {
  std::string cidr;
  std::string description;  // Empty means the field is absent.
};

// One IpPermission. Every entry of its four lists is one security-group rule
// in the AWS quota sense, which is how the generator counts rules.
struct IpPermission {
  std::string protocol;  // "tcp", "udp", "icmp", "icmpv6", "-1" or a number.
  bool hasPorts = false;
  int fromPort = 0;
  int toPort = 0;
  std::vector<CidrRange> ipv4;
  std::vector<CidrRange> ipv6;
  std::vector<std::string> prefixLists;
  std::vector<std::string> groupPairs;  // Group ids in the same account.
  std::string pairDescription;

  std::size_t ruleCount() const { return ipv4.size() + ipv6.size() + prefixLists.size() + groupPairs.size(); }
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string vpcId;
  std::vector<IpPermission> ingress;
  std::vector<IpPermission> egress;
  std::vector<Tag> tags;
};

struct Vpc {
  std::string id;
  std::vector<std::pair<std::string, std::string>> blocks;  // (association id, CIDR); primary first.
  std::string ipv6Block;
  std::string ipv6AssociationId;
  bool isDefault = false;
  std::vector<Tag> tags;
};

struct Subnet {
  std::string id;
  std::string vpcId;
  Cidr4 cidr;
  std::string ipv6Cidr;
  std::string ipv6AssociationId;
  std::string az;
  std::string azId;
  bool mapPublicIp = false;
  bool defaultForAz = false;
  std::uint32_t usedIps = 0;
  std::vector<Tag> tags;
};

struct Route {
  std::string destination;  // IPv4 or IPv6 CIDR, or a prefix-list id.
  enum class Dest { V4, V6, PrefixList } destKind = Dest::V4;
  std::string gatewayId;  // local, igw-, vpce-, vgw-
  std::string natGatewayId;
  std::string instanceId;
  std::string networkInterfaceId;
  std::string peeringId;
  std::string egressOnlyGatewayId;
  bool local = false;
  bool blackhole = false;
};

struct RouteTable {
  std::string id;
  std::string vpcId;
  std::string mainAssociationId;  // Non-empty for the main table.
  std::vector<std::pair<std::string, std::string>> subnetAssociations;  // (association id, subnet id)
  std::vector<Route> routes;
  std::vector<Tag> tags;
};

struct InternetGateway {
  std::string id;
  std::string vpcId;  // Empty when detached.
  std::vector<Tag> tags;
};

struct NatGateway {
  std::string id;
  std::string vpcId;
  std::string subnetId;
  std::string state;
  std::string allocationId;
  std::string eniId;
  std::string privateIp;
  std::string publicIp;
  std::int64_t created = 0;
  std::vector<Tag> tags;
};

struct NaclEntry {
  int number = 0;
  bool egress = false;
  std::string protocol;  // Numeric strings, as describe-network-acls reports them.
  std::string cidr;
  bool ipv6 = false;
  bool allow = true;
  bool hasPorts = false;
  int from = 0;
  int to = 0;
  bool icmp = false;
};

struct NetworkAcl {
  std::string id;
  std::string vpcId;
  bool isDefault = false;
  std::vector<std::pair<std::string, std::string>> associations;  // (association id, subnet id)
  std::vector<NaclEntry> entries;
  std::vector<Tag> tags;
};

struct VpcEndpoint {
  std::string id;
  std::string vpcId;
  std::string serviceName;
  std::string type;  // "Gateway" or "Interface".
  std::string state;
  bool privateDns = false;
  std::vector<std::string> routeTableIds;
  std::vector<std::string> subnetIds;
  std::vector<std::pair<std::string, std::string>> groups;  // (id, name)
  std::vector<std::string> eniIds;
  std::vector<std::pair<std::string, std::string>> dnsEntries;  // (name, zone)
  std::int64_t created = 0;
};

struct PeeringSide {
  std::string cidr;
  std::string owner;
  std::string region;
  std::string vpcId;
};

struct Peering {
  std::string id;
  PeeringSide accepter;
  PeeringSide requester;
  std::string name;
};

struct FlowLog {
  std::string id;
  std::string resourceId;
  std::string trafficType;
  std::string destinationType;
  std::string destination;  // Log group name or bucket ARN.
  std::string deliverStatus;
  int aggregation = 600;
  std::int64_t created = 0;
};

struct Eni {
  std::string id;
  std::string vpcId;
  std::string subnetId;
  std::string az;
  std::string description;
  std::string interfaceType = "interface";
  std::string requesterId;  // Empty means absent.
  bool requesterManaged = false;
  std::string mac;
  std::string privateIp;
  std::string privateDns;
  std::string publicIp;  // Empty: no association.
  std::string publicDns;
  std::string allocationId;  // Set when the public address is an Elastic IP.
  std::string associationId;
  bool sourceDestCheck = true;
  bool attached = true;
  std::string attachmentId;
  std::string attachInstanceId;
  std::string attachOwner;
  int deviceIndex = 0;
  bool deleteOnTermination = true;
  std::int64_t attachTime = 0;
  std::vector<std::pair<std::string, std::string>> groups;
};

struct Instance {
  std::string id;
  std::string reservationId;
  std::string type;
  std::string imageId;
  std::string keyName;
  std::string volumeId;
  std::size_t eni = 0;  // Index into ArModel::enis.
  bool running = true;
  bool imdsV2 = false;
  std::int64_t launched = 0;
  std::string privateDns;
  std::vector<Tag> tags;
};

struct TrainingJob {
  std::string name;
  std::string status;
  std::string instanceType;
  int instanceCount = 1;
  int volumeGb = 50;
  bool vpc = false;
  std::vector<std::string> groupIds;
  std::vector<std::string> subnetIds;
  bool networkIsolation = false;
  bool interContainerEncryption = false;
  bool spot = false;
  std::string image;
  std::string bucket;
  std::int64_t created = 0;
  int seconds = 0;
  int millis = 0;
  std::vector<Tag> tags;
};

using ProcessingJob = TrainingJob;

struct Notebook {
  std::string name;
  std::string instanceType;
  bool vpc = false;
  std::string subnetId;
  std::vector<std::string> groupIds;
  std::string eniId;
  bool directInternet = true;
  bool rootAccess = true;
  std::int64_t created = 0;
  int millis = 0;
  std::vector<Tag> tags;
};

struct SmEndpoint {
  std::string name;
  std::string configName;
  int instances = 1;
  std::int64_t created = 0;
  int millis = 0;
};

struct PrefixList {
  std::string id;
  std::string name;
  std::vector<std::string> cidrs;
};

// Everything one `accounts/<id>/<region>/` folder holds.
struct ArModel {
  std::string account;
  std::string region;
  std::vector<Vpc> vpcs;
  std::vector<Subnet> subnets;
  std::vector<RouteTable> routeTables;
  std::vector<InternetGateway> igws;
  std::vector<NatGateway> nats;
  std::vector<NetworkAcl> nacls;
  std::vector<SecurityGroup> groups;
  std::vector<VpcEndpoint> endpoints;
  std::vector<Peering> peerings;
  std::vector<FlowLog> flowLogs;
  std::vector<PrefixList> prefixLists;
  std::vector<Instance> instances;
  std::vector<Eni> enis;
  std::vector<TrainingJob> training;
  std::vector<ProcessingJob> processing;
  std::vector<Notebook> notebooks;
  std::vector<SmEndpoint> smEndpoints;
};

// ---------------------------------------------------------------------------
// The three reference rules, evaluated over the model exactly as it is
// written, so expected.json describes the files and not the generator's intent.

struct Findings {
  std::vector<std::string> ssh;           // aws.sg.no_unrestricted_ssh: group ids
  std::vector<std::string> trainingJobs;  // aws.sagemaker.training_private_subnets: job names
  std::vector<std::string> apiSubnets;    // aws.endpoints.sagemaker_api: subnet ids
};

inline bool opensSshToWorld(const IpPermission& p) {
  const bool tcp = p.protocol == "tcp" || p.protocol == "6";
  if (!tcp && p.protocol != "-1") return false;
  if (tcp && p.hasPorts && !(p.fromPort <= 22 && 22 <= p.toPort)) return false;
  for (const auto& r : p.ipv4)
    if (r.cidr == "0.0.0.0/0") return true;
  for (const auto& r : p.ipv6)
    if (r.cidr == "::/0") return true;
  return false;
}

inline bool isDefaultDestination(const Route& r) {
  return (r.destKind == Route::Dest::V4 && r.destination == "0.0.0.0/0") ||
         (r.destKind == Route::Dest::V6 && r.destination == "::/0");
}

inline void evaluateRules(const ArModel& m, Findings& out) {
  for (const auto& g : m.groups)
    for (const auto& p : g.ingress)
      if (opensSshToWorld(p)) {
        out.ssh.push_back(g.id);
        break;
      }

  // Which table routes each subnet: its explicit association, else its VPC's main table.
  std::map<std::string, const RouteTable*> explicitTable;
  std::map<std::string, const RouteTable*> mainTable;
  for (const auto& rt : m.routeTables) {
    if (!rt.mainAssociationId.empty()) mainTable[rt.vpcId] = &rt;
    for (const auto& [assoc, subnet] : rt.subnetAssociations) explicitTable[subnet] = &rt;
  }
  std::map<std::string, const Subnet*> subnets;
  for (const auto& s : m.subnets) subnets[s.id] = &s;
  auto tableOf = [&](const std::string& subnetId) -> const RouteTable* {
    if (auto it = explicitTable.find(subnetId); it != explicitTable.end()) return it->second;
    auto sit = subnets.find(subnetId);
    if (sit == subnets.end()) return nullptr;
    auto mit = mainTable.find(sit->second->vpcId);
    return mit == mainTable.end() ? nullptr : mit->second;
  };
  auto isPublic = [&](const std::string& subnetId) {
    const RouteTable* rt = tableOf(subnetId);
    if (rt == nullptr) return false;
    for (const auto& r : rt->routes)
      if (!r.blackhole && isDefaultDestination(r) && r.gatewayId.starts_with("igw-")) return true;
    return false;
  };
  auto hasNatPath = [&](const std::string& subnetId) {
    const RouteTable* rt = tableOf(subnetId);
    if (rt == nullptr) return false;
    for (const auto& r : rt->routes)
      if (!r.blackhole && r.destKind == Route::Dest::V4 && r.destination == "0.0.0.0/0" &&
          (r.natGatewayId.starts_with("nat-") || !r.instanceId.empty() || !r.networkInterfaceId.empty()))
        return true;
    return false;
  };

  for (const auto* jobs : {&m.training, &m.processing})
    for (const auto& j : *jobs) {
      if (!j.vpc) continue;
      if (std::any_of(j.subnetIds.begin(), j.subnetIds.end(), isPublic)) out.trainingJobs.push_back(j.name);
    }

  std::set<std::string> apiVpcs;
  for (const auto& e : m.endpoints)
    if (e.type == "Interface" && e.state == "available" && e.serviceName.ends_with(".sagemaker.api"))
      apiVpcs.insert(e.vpcId);
  std::set<std::string> used;
  for (const auto* jobs : {&m.training, &m.processing})
    for (const auto& j : *jobs)
      if (j.vpc) used.insert(j.subnetIds.begin(), j.subnetIds.end());
  for (const auto& n : m.notebooks)
    if (n.vpc) used.insert(n.subnetId);
  for (const auto& s : used) {
    auto sit = subnets.find(s);
    if (sit == subnets.end()) continue;
    if (isPublic(s) || hasNatPath(s) || apiVpcs.count(sit->second->vpcId) > 0) continue;
    out.apiSubnets.push_back(s);
  }
}

}  // namespace ward::bench
