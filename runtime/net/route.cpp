// Route resolution for reachability: longest-prefix match with AWS's
// tie-breaks, subnet lookup inside a VPC, and the address classes the
// internet and the AWS backbone treat specially.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

void sortRoutes(std::vector<MRoute>& routes) {
  // Longest prefix first; among equal prefixes the local route wins, then
  // static routes, prefix-list routes and propagated routes, as AWS documents.
  // A stable sort keeps the snapshot's order between true duplicates, so the
  // result does not depend on the sort implementation.
  std::stable_sort(routes.begin(), routes.end(), [](const MRoute& a, const MRoute& b) {
    if (a.dest.addr.family != b.dest.addr.family) return a.dest.addr.family < b.dest.addr.family;
    if (a.dest.prefix != b.dest.prefix) return a.dest.prefix > b.dest.prefix;
    return static_cast<int>(a.rank) < static_cast<int>(b.rank);
  });
}

const MRoute* lookupRoute(const MTable& table, const IpAddr& dst) {
  // Optimization: route tables are short (AWS caps them at a few hundred
  // entries), so a scan over the pre-sorted list beats building a trie.
  for (const MRoute& r : table.routes) {
    if (contains(r.dest, dst)) return &r;
  }
  return nullptr;
}

const MTgwRoute* lookupTgwRoute(const MTgw& tgw, const IpAddr& dst) {
  for (const MTgwRoute& r : tgw.routes) {
    if (contains(r.dest, dst)) return &r;
  }
  return nullptr;
}

bool inAny(const std::vector<Cidr>& blocks, const IpAddr& ip) {
  for (const Cidr& c : blocks) {
    if (contains(c, ip)) return true;
  }
  return false;
}

bool vpcContains(const MVpc& vpc, const IpAddr& ip) { return inAny(vpc.cidrs, ip); }

std::optional<Idx> subnetFor(const Model& m, Idx vpc, const IpAddr& ip) {
  if (vpc == kNone) return std::nullopt;
  for (Idx s : m.vpcs[vpc].subnets) {
    if (inAny(m.subnets[s].cidrs, ip)) return s;
  }
  return std::nullopt;
}

namespace {

Cidr v4(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint8_t prefix) {
  return Cidr{ipv4((a << 24) | (b << 16) | (c << 8) | d), prefix};
}

// Address space the public internet does not route: RFC 1918, shared address
// space, loopback, link-local, "this network", multicast and the reserved /4.
// The documentation ranges (TEST-NET) stay routable so examples can use them.
const std::vector<Cidr>& nonPublicV4() {
  static const std::vector<Cidr> blocks = {
      v4(0, 0, 0, 0, 8),     v4(10, 0, 0, 0, 8),   v4(100, 64, 0, 0, 10), v4(127, 0, 0, 0, 8),
      v4(169, 254, 0, 0, 16), v4(172, 16, 0, 0, 12), v4(192, 168, 0, 0, 16), v4(224, 0, 0, 0, 4),
      v4(240, 0, 0, 0, 4),
  };
  return blocks;
}

}  // namespace

bool isNonPublic(const IpAddr& ip) {
  if (ip.family == 6) {
    // Unique-local fc00::/7, link-local fe80::/10, loopback and unspecified.
    uint64_t top = ip.hi >> 48;
    if ((top & 0xfe00) == 0xfc00) return true;
    if ((top & 0xffc0) == 0xfe80) return true;
    if ((top & 0xff00) == 0xff00) return true;
    return ip.hi == 0 && (ip.lo == 0 || ip.lo == 1);
  }
  return inAny(nonPublicV4(), ip);
}

bool isAwsService(const Model& m, const IpAddr& ip) { return inAny(m.awsServicePrefixes, ip); }

std::vector<Cidr> builtinAwsServicePrefixes() {
  // Note: Batfish derives this set from AWS's ip-ranges.json (service AMAZON
  // minus the ranges that are only EC2). Ward has no network access and no
  // copy of that file, so it keeps a small hand-picked set of ranges that AWS
  // publishes for its own services (S3, DynamoDB and the shared service
  // fronts); AWS-managed prefix lists in the snapshot extend it. An address
  // outside both is treated as ordinary internet space, which only changes the
  // name of the final hop (`internet` instead of `aws-services-gateway`).
  return {
      v4(3, 5, 0, 0, 19),      // S3
      v4(16, 182, 0, 0, 16),   // S3
      v4(52, 92, 0, 0, 14),    // S3 and regional service endpoints
      v4(52, 119, 0, 0, 16),   // DynamoDB and service endpoints
      v4(52, 216, 0, 0, 15),   // S3
      v4(52, 218, 0, 0, 17),   // S3
      v4(54, 222, 57, 0, 24),  // DynamoDB (cn-north-1), as published
      v4(54, 231, 0, 0, 16),   // S3
      v4(52, 46, 0, 0, 18),    // shared AWS service fronts
  };
}

std::string routeText(const MRoute& r) {
  std::string target = r.targetId.empty() ? std::string("?") : r.targetId;
  if (r.rank == RouteRank::PrefixList) {
    return fmt::format("{} ({}) -> {}", r.destText, format(r.dest), target);
  }
  return fmt::format("{} -> {}", r.destText, target);
}

}  // namespace ward::net::detail
