// The compiled network model behind ReachEngine (internal to runtime/net):
// plain structs copied out of the fact base once, with the indexes that make
// a trace a handful of hash lookups and short scans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/net/addr.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/value.hpp"

namespace ward {
class FactBase;
}

namespace ward::net::detail {

using Idx = uint32_t;
inline constexpr Idx kNone = UINT32_MAX;

struct MVpc {
  std::string id;
  std::vector<Cidr> cidrs;  // IPv4 and IPv6 blocks
  bool available = true;
  std::vector<Idx> subnets;
  Idx mainTable = kNone;
  Idx defaultAcl = kNone;
  std::vector<Idx> igws;  // attached and available
};

struct MSubnet {
  std::string id;
  Idx vpc = kNone;
  std::vector<Cidr> cidrs;  // the IPv4 block first, then IPv6 blocks
  std::string az;
  Idx table = kNone;  // explicit association, else the VPC's main table
  Idx acl = kNone;    // explicit association, else the VPC's default NACL
  bool available = true;
};

enum class TargetKind : uint8_t {
  Local, Igw, EgressOnlyIgw, Nat, Instance, Eni, Vpce, Pcx, Tgw, Vgw, Other
};

// Route preference among equal prefixes: AWS prefers the local route, then
// static routes, then prefix-list routes, then propagated ones.
enum class RouteRank : uint8_t { Local = 0, Static = 1, PrefixList = 2, Propagated = 3 };

struct MRoute {
  Cidr dest;
  RouteRank rank = RouteRank::Static;
  bool blackhole = false;
  TargetKind target = TargetKind::Other;
  Idx targetIdx = kNone;  // index into the model vector of the target's kind; kNone when missing
  std::string targetId;   // raw target id as AWS shows it ("igw-1", "local")
  std::string destText;   // "0.0.0.0/0" or the prefix-list id the route came from
  std::string note;       // "rtb-1: 0.0.0.0/0 -> igw-1", rendered once when the model is built
};

struct MTable {
  std::string id;
  Idx vpc = kNone;
  bool main = false;
  // Sorted by prefix length descending, then rank: the first match is the
  // longest-prefix match with AWS's tie-break.
  std::vector<MRoute> routes;
};

struct MAclEntry {
  int rule = 0;
  bool allow = false;
  Traffic traffic;
  std::optional<Cidr> cidr;  // absent matches nothing
  std::string filter;        // "acl-1 inbound: permit #100", rendered once
};

struct MAcl {
  std::string id;
  Idx vpc = kNone;
  bool isDefault = false;
  std::vector<MAclEntry> in, out;  // sorted by rule number, ending in the implicit deny
};

enum class SgPeer : uint8_t { Cidr, Group, PrefixList };

struct MSgRule {
  Traffic traffic;
  SgPeer peer = SgPeer::Cidr;
  Cidr cidr;
  Idx group = kNone;  // for SgPeer::Group
  Idx prefixList = kNone;
  std::string peerText;  // "0.0.0.0/0", "sg-1", "pl-1"
  std::string text;      // "sg-1 tcp 443 from 0.0.0.0/0", rendered once
};

struct MSg {
  std::string id;
  std::vector<MSgRule> in, out;
  std::vector<IpAddr> memberIps;  // sorted: every private address of every member ENI
};

struct MPrefixList {
  std::string id;
  std::string name;
  std::vector<Cidr> cidrs;
};

enum class EpKind : uint8_t { Instance, Eni, Nat, Vpce, Virtual };

// Something that owns addresses and sits in a subnet: an instance's ENI, a
// NAT gateway, an interface endpoint's ENI, a bare ENI, or a virtual host
// standing in for a subnet or a SageMaker workload.
struct MEndpoint {
  std::string node;      // hop name: instance id, NAT id, endpoint id, ENI id
  std::string nodeKind;  // instance, nat_gateway, vpc_endpoint, network_interface, ...
  std::string eniId;     // the interface the security groups hang off (may equal node)
  EpKind kind = EpKind::Eni;
  Idx subnet = kNone;
  Idx vpc = kNone;
  std::vector<IpAddr> ips;  // primary private address first, then the rest, then IPv6
  std::optional<IpAddr> publicIp;
  std::vector<Idx> sgs;
  std::string sgList;  // "sg-1, sg-2", rendered once
  bool available = true;
  std::string unavailableWhy;  // "instance i-1 is stopped"
  bool srcDstCheck = true;
  bool applySgs = true;  // NAT gateways have none
  Idx owner = kNone;     // the NAT gateway or VPC endpoint it belongs to
};

struct MNat {
  std::string id;
  Idx subnet = kNone;
  Idx vpc = kNone;
  bool available = true;
  std::string state;
  Idx endpoint = kNone;
};

struct MIgw {
  std::string id;
  Idx vpc = kNone;
  bool available = true;
  bool egressOnly = false;
};

struct MTunnel {
  std::string outsideIp;
  std::string status;
};

struct MVpn {
  std::string id;
  bool available = true;
  bool staticOnly = true;
  std::vector<Cidr> routes;
  std::vector<MTunnel> tunnels;
  std::optional<IpAddr> customerIp;
};

struct MVgw {
  std::string id;
  bool available = true;
  std::vector<Idx> vpcs;
  std::vector<Idx> vpns;
};

struct MPcx {
  std::string id;
  Idx requester = kNone, accepter = kNone;
  std::vector<Cidr> requesterCidrs, accepterCidrs;
  bool active = true;
  std::string status;
};

struct MVpce {
  std::string id;
  Idx vpc = kNone;
  std::string service;  // short name: "s3", "sagemaker.api"
  bool gateway = false;
  bool available = true;
  bool privateDns = false;
  std::vector<Idx> endpoints;    // interface endpoints: their ENIs
  std::vector<Idx> prefixLists;  // gateway endpoints: the service's prefix list(s)
};

struct MTgwRoute {
  Cidr dest;
  bool blackhole = false;
  Idx attachment = kNone;
  std::string tableId;
};

struct MTgwAttachment {
  std::string id;
  Idx tgw = kNone;
  std::string resourceType;
  std::string resourceId;
  Idx vpc = kNone;
  bool available = true;
};

struct MTgw {
  std::string id;
  bool available = true;
  std::vector<MTgwRoute> routes;  // sorted by prefix length descending
};

struct MWorkload {
  std::string id;
  std::string kind;  // training_job, processing_job, ...
  std::vector<Idx> subnets;
  std::vector<Idx> sgs;
};

// What a resource id names.
enum class ObjType : uint8_t { Vpc, Subnet, Endpoint, Instance, Nat, Vpce, Vgw, Igw, Tgw, Workload };
struct ObjRef {
  ObjType type;
  Idx idx;
};

struct Model {
  std::vector<MVpc> vpcs;
  std::vector<MSubnet> subnets;
  std::vector<MTable> tables;
  std::vector<MAcl> acls;
  std::vector<MSg> sgs;
  std::vector<MPrefixList> prefixLists;
  std::vector<MEndpoint> endpoints;
  std::vector<MNat> nats;
  std::vector<MIgw> igws;
  std::vector<MVgw> vgws;
  std::vector<MVpn> vpns;
  std::vector<MPcx> pcxs;
  std::vector<MVpce> vpces;
  std::vector<MTgw> tgws;
  std::vector<MTgwAttachment> tgwAttachments;
  std::vector<MWorkload> workloads;
  // instance index -> its endpoints (primary first)
  std::vector<std::vector<Idx>> instanceEndpoints;
  std::vector<std::string> instanceIds;
  std::vector<bool> instanceAvailable;

  std::unordered_map<std::string, ObjRef> byId;
  // Per VPC: every private address -> endpoint.
  std::vector<std::unordered_map<IpAddr, Idx>> endpointByIp;
  // Public (auto-assigned or elastic) address -> endpoint, for endpoints whose
  // VPC has an attached internet gateway.
  std::unordered_map<IpAddr, Idx> endpointByPublicIp;
  // AWS public service prefixes (built-in table plus AWS-managed prefix lists).
  std::vector<Cidr> awsServicePrefixes;
  // For Value-based lookups: per schema kind, entity index -> object.
  std::vector<std::vector<ObjRef>> byEntity;
  std::vector<std::string> kindNames;  // schema kind id -> name, for diagnostics
};

Model buildModel(const FactBase& facts);

// Concatenates text pieces with one allocation (the hot paths of a trace
// build many short strings; fmt::format costs several times more).
template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ...));
  (out.append(std::string_view(parts)), ...);
  return out;
}

// Renders the cached texts above (after the model is complete).
void renderModelTexts(Model& m);

// --- route.cpp ---------------------------------------------------------------
void sortRoutes(std::vector<MRoute>& routes);
// The longest-prefix match with AWS's tie-break, or nullptr.
const MRoute* lookupRoute(const MTable& table, const IpAddr& dst);
const MTgwRoute* lookupTgwRoute(const MTgw& tgw, const IpAddr& dst);
std::optional<Idx> subnetFor(const Model& m, Idx vpc, const IpAddr& ip);
bool vpcContains(const MVpc& vpc, const IpAddr& ip);
bool inAny(const std::vector<Cidr>& blocks, const IpAddr& ip);
// Private, loopback, link-local, multicast and reserved space: the internet drops it.
bool isNonPublic(const IpAddr& ip);
bool isAwsService(const Model& m, const IpAddr& ip);
std::vector<Cidr> builtinAwsServicePrefixes();
std::string routeText(const MRoute& r);

// --- filter.cpp ----------------------------------------------------------------
// The packet's traffic as a rule sees it: the protocol and the destination ports.
struct FlowView {
  IpAddr src, dst;
  int16_t proto = kAllProtocols;
  PortRange dstPorts;
};
std::string trafficText(int16_t proto, PortRange dstPorts);

struct AclDecision {
  bool allow = true;
  const MAclEntry* entry = nullptr;  // nullptr: no entry matched (treated as the implicit deny)
  std::string filter;                // "acl-1 outbound: permit #100"
  std::string detail;                // for a deny
};
AclDecision evalAcl(const MAcl& acl, bool egress, const FlowView& f);

// Extra members of security groups for one query: virtual hosts (a workload's
// stand-in address) count as members of their groups.
struct VirtualMember {
  IpAddr ip;
  const std::vector<Idx>* sgs;
};
struct SgDecision {
  bool allow = true;
  std::string filter;
  std::string detail;
};
SgDecision evalSgs(const Model& m, const MEndpoint& ep, bool egress, const FlowView& f,
                   const std::vector<VirtualMember>& virtuals);

}  // namespace ward::net::detail
