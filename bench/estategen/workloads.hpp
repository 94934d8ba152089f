// What runs inside each VPC: security groups and their rules, endpoints, NACLs, ENIs, flow logs and SageMaker workloads; and the per-account-region assembly.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "generate.hpp"

namespace ward::bench {

inline constexpr std::array<std::string_view, 20> kAppPorts = {
    "80", "443", "8080", "8443", "3306", "5432", "6379", "9200", "27017", "2049",
    "5439", "9092", "8888", "3000", "5000", "7001", "11211", "1433", "1521", "9090"};

inline constexpr std::array<std::string_view, 8> kRuleDescriptions = {
    "office", "vpn", "partner access", "monitoring", "ci runners", "legacy", "temporary - remove", "datacenter"};

// ---------------------------------------------------------------------------
// Security groups

inline void VpcBuilder::addSecurityGroups() {
  static constexpr std::array<std::string_view, 12> kRoles = {
      "sagemaker-jobs", "vpc-endpoints", "app", "db", "alb", "bastion",
      "nat-instance", "lambda", "notebooks", "emr", "eks-nodes", "redis"};
  static constexpr std::array<std::string_view, 8> kStems = {"svc", "team", "legacy", "partner",
                                                             "batch", "etl", "api", "worker"};
  firstGroup_ = m_.groups.size();
  SecurityGroup d;
  d.id = id("sg-");
  d.name = "default";
  d.description = "default VPC security group";
  d.vpcId = vp_.id;
  IpPermission self;
  self.protocol = "-1";
  self.groupPairs = {d.id};
  d.ingress.push_back(self);
  IpPermission out;
  out.protocol = "-1";
  out.ipv4 = {{"0.0.0.0/0", ""}};
  d.egress.push_back(out);
  m_.groups.push_back(std::move(d));

  // Ids and names first, so rules can reference any group of the VPC.
  const auto& budgets = vp_.groupBudgets;
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    SecurityGroup g;
    g.id = id("sg-");
    g.vpcId = vp_.id;
    if (vp_.isDefault) {
      g.name = fmt::format("launch-wizard-{}", i + 1);
      g.description = fmt::format("launch-wizard-{} created {}", i + 1, isoTime(someTime(), 0).substr(0, 19));
    } else {
      g.name = i < kRoles.size() ? std::string(kRoles[i]) : fmt::format("{}-{}", rng_.pick(kStems), i);
      g.description = rng_.chance(0.5) ? std::string("Managed by Terraform") : fmt::format("{} security group", g.name);
    }
    if (rng_.chance(0.6)) g.tags = nameTag(tagName(g.name));
    m_.groups.push_back(std::move(g));
  }
  for (std::size_t i = 0; i < budgets.size(); ++i) fillGroup(firstGroup_ + 1 + i, budgets[i]);
}

inline void VpcBuilder::fillGroup(std::size_t group, std::uint32_t budget) {
  int remaining = static_cast<int>(budget);
  std::vector<IpPermission> egress;
  if (remaining >= 4 && rng_.chance(0.15)) {
    // Locked-down egress: HTTPS out, and S3 through its prefix list.
    IpPermission https;
    https.protocol = "tcp";
    https.hasPorts = true;
    https.fromPort = https.toPort = 443;
    https.ipv4 = {{"0.0.0.0/0", ""}};
    https.prefixLists = {std::string(region_.s3PrefixList)};
    egress.push_back(https);
  } else {
    IpPermission all;
    all.protocol = "-1";
    all.ipv4 = {{"0.0.0.0/0", ""}};
    if (ipv6_ && remaining >= 3 && rng_.chance(0.5)) all.ipv6 = {{"::/0", ""}};
    egress.push_back(all);
  }
  for (const auto& p : egress) remaining -= static_cast<int>(p.ruleCount());

  std::vector<IpPermission> ingress;
  std::set<std::tuple<std::string, int, int>> used;
  bool violate = remaining > 0 && rng_.chance(m_.groups[group].name == "bastion" ? 0.3 : 0.035);
  while (remaining > 0) {
    int k = 1;
    if (remaining > 100 && rng_.chance(0.5)) {
      // Big groups are mostly long allowlists on a few ports.
      k = rng_.range(20, std::min(remaining, 200));
    } else {
      const std::array<int, 3> weights = {35, 35, 30};
      const auto bucket = rng_.weighted(weights);
      k = bucket == 0 ? 1 : bucket == 1 ? rng_.range(2, 5) : rng_.range(6, 15);
    }
    k = std::min(k, remaining);
    ingress.push_back(makeIngress(k, violate, used));
    violate = false;
    remaining -= k;
  }
  m_.groups[group].ingress = std::move(ingress);
  m_.groups[group].egress = std::move(egress);
}

// One ingress permission holding exactly `rules` entries. When `violate` is
// set it opens SSH to the world in one of several shapes; otherwise it never
// does, though several shapes come close (SSH from a corporate range, UDP 22
// from anywhere, wide ranges above 1023 from anywhere).
inline IpPermission VpcBuilder::makeIngress(int rules, bool violate, std::set<std::tuple<std::string, int, int>>& used) {
  static constexpr std::array<std::uint32_t, 12> kCorpFirstOctets = {23, 34, 44, 63, 81, 91, 104, 144, 185, 198, 203, 212};
  IpPermission p;
  const std::string description = rng_.chance(0.12) ? std::string(rng_.pick(kRuleDescriptions)) : std::string();
  auto ports = [&](const std::string& proto, int from, int to) {
    p.protocol = proto;
    p.hasPorts = true;
    p.fromPort = from;
    p.toPort = to;
  };
  auto appPort = [&] { return std::stoi(std::string(rng_.pick(kAppPorts))); };
  // Generated ranges are /24s and /32s, so they never repeat the /8, /12,
  // /16 or /0 ranges placed first in a permission.
  auto privateRanges = [&](std::vector<CidrRange>& out, int n) {
    const std::uint32_t base = static_cast<std::uint32_t>(rng_.below(65536));
    for (int j = 0; j < n; ++j) {
      const std::uint32_t x = (base + static_cast<std::uint32_t>(j)) & 0xffff;
      out.push_back({fmt::format("10.{}.{}.0/24", x >> 8, x & 0xff), description});
    }
  };
  auto corpRanges = [&](std::vector<CidrRange>& out, int n) {
    const std::uint32_t first = rng_.pick(kCorpFirstOctets);
    const std::uint32_t base = static_cast<std::uint32_t>(rng_.below(1u << 24));
    for (int j = 0; j < n; ++j)
      out.push_back({ipv4((first << 24) | ((base + static_cast<std::uint32_t>(j)) & 0xffffff)) + "/32", description});
  };
  auto docV6Ranges = [&](std::vector<CidrRange>& out, int n) {
    const std::uint32_t base = static_cast<std::uint32_t>(rng_.below(1u << 24));
    for (int j = 0; j < n; ++j) {
      const std::uint32_t x = (base + static_cast<std::uint32_t>(j)) & 0xffffff;
      out.push_back({fmt::format("2001:db8:{:04x}:{:02x}00::/56", x >> 8, x & 0xff), description});
    }
  };
  auto specialPrivate = [&]() -> std::string {
    const std::array<std::string, 3> options = {vp_.blocks.front().str(), "10.0.0.0/8", "172.16.0.0/12"};
    return rng_.pick(options);
  };

  if (violate) {
    const std::array<int, 5> weights = {40, 15, 15, 15, 15};
    const auto shape = rng_.weighted(weights);
    switch (shape) {
      case 0: ports("tcp", 22, 22); break;
      case 1: ports("tcp", 0, 65535); break;
      case 2: p.protocol = "-1"; break;
      case 3: ports("tcp", 22, 22); break;
      default: rng_.chance(0.5) ? ports("tcp", 20, 23) : ports("tcp", 1, 1024); break;
    }
    if (shape == 3)
      p.ipv6.push_back({"::/0", description});
    else
      p.ipv4.push_back({"0.0.0.0/0", description});
    corpRanges(p.ipv4, rules - 1);
  } else {
    const std::array<int, 13> weights = {30, 12, 15, 8, 6, 5, 5, 5, 4, 3, 3, 2, 2};
    switch (rng_.weighted(weights)) {
      case 0:  // An application port from private ranges.
        ports("tcp", 0, 0);
        p.fromPort = p.toPort = appPort();
        if (rng_.chance(0.4)) {
          p.ipv4.push_back({specialPrivate(), description});
          privateRanges(p.ipv4, rules - 1);
        } else {
          privateRanges(p.ipv4, rules);
        }
        break;
      case 1: {  // Web ports open to the world.
        const int port = rng_.chance(0.6) ? 443 : 80;
        ports("tcp", port, port);
        p.ipv4.push_back({"0.0.0.0/0", description});
        int left = rules - 1;
        if (left > 0 && rng_.chance(0.5)) {
          p.ipv6.push_back({"::/0", description});
          --left;
        }
        corpRanges(p.ipv4, left);
        break;
      }
      case 2: {  // References to other groups of the VPC.
        if (rng_.chance(0.3)) {
          p.protocol = "-1";
        } else {
          const int port = appPort();
          ports("tcp", port, port);
        }
        std::vector<std::string> peers;
        for (std::size_t g = firstGroup_; g < m_.groups.size(); ++g) peers.push_back(m_.groups[g].id);
        rng_.shuffle(peers);
        const int n = std::min<int>(rules, static_cast<int>(peers.size()));
        p.groupPairs.assign(peers.begin(), peers.begin() + n);
        if (rng_.chance(0.3)) p.pairDescription = "from " + m_.groups[firstGroup_ + rng_.below(m_.groups.size() - firstGroup_)].name;
        privateRanges(p.ipv4, rules - n);
        break;
      }
      case 3:  // SSH, but only from corporate or private ranges.
        ports("tcp", 22, 22);
        if (rng_.chance(0.5))
          corpRanges(p.ipv4, rules);
        else
          privateRanges(p.ipv4, rules);
        break;
      case 4:  // Wide TCP ranges from private space.
        rng_.chance(0.5) ? ports("tcp", 0, 65535) : ports("tcp", 1024, 65535);
        p.ipv4.push_back({specialPrivate(), description});
        privateRanges(p.ipv4, rules - 1);
        break;
      case 5: {  // Wide ranges from anywhere that stop short of port 22.
        const std::array<std::pair<int, int>, 4> ranges = {{{1024, 65535}, {30000, 32767}, {8000, 8999}, {443, 8443}}};
        const auto [from, to] = rng_.pick(ranges);
        ports("tcp", from, to);
        p.ipv4.push_back({"0.0.0.0/0", description});
        corpRanges(p.ipv4, rules - 1);
        break;
      }
      case 6:  // Everything from private space.
        p.protocol = "-1";
        p.ipv4.push_back({specialPrivate(), description});
        privateRanges(p.ipv4, rules - 1);
        break;
      case 7: {  // UDP services; UDP 22 from anywhere is not SSH.
        const std::array<std::pair<int, int>, 6> ranges = {{{53, 53}, {123, 123}, {500, 500}, {4500, 4500}, {33434, 33534}, {22, 22}}};
        const auto [from, to] = rng_.pick(ranges);
        ports("udp", from, to);
        p.ipv4.push_back({"0.0.0.0/0", description});
        corpRanges(p.ipv4, rules - 1);
        break;
      }
      case 8:  // ICMP: ports carry type and code.
        rng_.chance(0.5) ? ports("icmp", -1, -1) : ports("icmp", 8, -1);
        p.ipv4.push_back({"0.0.0.0/0", description});
        privateRanges(p.ipv4, rules - 1);
        break;
      case 9: {  // HTTPS from AWS-managed prefix lists.
        ports("tcp", 443, 443);
        const std::array<std::string, 2> lists = {std::string(region_.s3PrefixList), std::string(region_.dynamoPrefixList)};
        const int n = std::min(rules, 2);
        for (int j = 0; j < n; ++j) p.prefixLists.push_back(lists[static_cast<std::size_t>(j)]);
        privateRanges(p.ipv4, rules - n);
        break;
      }
      case 10:  // SSH from specific IPv6 networks, never ::/0.
        ports("tcp", 22, 22);
        docV6Ranges(p.ipv6, rules);
        break;
      case 11:  // IPsec ESP or GRE: a protocol number and no ports.
        p.protocol = rng_.chance(0.5) ? "50" : "47";
        corpRanges(p.ipv4, rules);
        break;
      default:  // ICMPv6 from anywhere.
        ports("icmpv6", -1, -1);
        p.ipv6.push_back({"::/0", description});
        docV6Ranges(p.ipv6, rules - 1);
        break;
    }
  }
  // AWS merges permissions with the same protocol and ports, so a group never
  // shows two of them; move a clash to a fresh high TCP port.
  auto key = [&] { return std::make_tuple(p.protocol, p.hasPorts ? p.fromPort : -2, p.hasPorts ? p.toPort : -2); };
  if (used.count(key()) > 0) {
    int port = 0;
    do port = rng_.range(1024, 65535);
    while (used.count(std::make_tuple(std::string("tcp"), port, port)) > 0);
    ports("tcp", port, port);
  }
  used.insert(key());
  return p;
}

// ---------------------------------------------------------------------------
// Endpoints, NACLs, ENIs, flow logs

inline void VpcBuilder::addEndpoints() {
  auto gateway = [&](std::string_view service, std::string_view prefixList, std::vector<std::size_t> tables) {
    VpcEndpoint e;
    e.id = id("vpce-");
    e.vpcId = vp_.id;
    e.serviceName = fmt::format("com.amazonaws.{}.{}", region_.name, service);
    e.type = "Gateway";
    e.state = "available";
    e.created = someTime();
    for (const auto t : tables) {
      e.routeTableIds.push_back(m_.routeTables[t].id);
      Route r;
      r.destination = std::string(prefixList);
      r.destKind = Route::Dest::PrefixList;
      r.gatewayId = e.id;
      m_.routeTables[t].routes.push_back(r);
    }
    m_.endpoints.push_back(std::move(e));
  };
  if (s3Endpoint_) {
    std::vector<std::size_t> tables = privateTables_;
    if (isolatedTier_) tables.push_back(isolatedTable_);
    if (rng_.chance(0.3)) tables.push_back(mainTable_);
    gateway("s3", region_.s3PrefixList, tables);
  }
  if (!vp_.isDefault && rng_.chance(0.1)) gateway("dynamodb", region_.dynamoPrefixList, privateTables_);

  if (interfaceSet_ == 0) return;
  struct Service {
    std::string_view name;
    std::string_view dns;
  };
  static constexpr std::array<Service, 5> kServices = {{{"sagemaker.api", "api.sagemaker"},
                                                        {"sagemaker.runtime", "runtime.sagemaker"},
                                                        {"ecr.api", "api.ecr"},
                                                        {"ecr.dkr", "dkr.ecr"},
                                                        {"logs", "logs"}}};
  // One subnet per zone: the first private subnet of each.
  std::vector<std::size_t> subnets;
  for (int z = 0; z < azCount_; ++z)
    for (const auto s : privateSubnets_)
      if (zoneOf(s) == static_cast<std::size_t>(z)) {
        subnets.push_back(s);
        break;
      }
  const std::size_t group = roleGroup("vpc-endpoints");
  for (const auto& svc : kServices) {
    const bool api = svc.name == "sagemaker.api";
    if (api && interfaceSet_ == 2) continue;
    VpcEndpoint e;
    e.id = id("vpce-");
    e.vpcId = vp_.id;
    e.serviceName = fmt::format("com.amazonaws.{}.{}", region_.name, svc.name);
    e.type = "Interface";
    e.state = api && interfaceSet_ == 3 ? "pending" : "available";
    e.privateDns = true;
    e.created = someTime();
    e.groups = {groupRef(group)};
    for (const auto s : subnets) {
      e.subnetIds.push_back(m_.subnets[s].id);
      const std::size_t n = addEni(s, "VPC Endpoint Interface " + e.id, {groupRef(group)});
      Eni& eni = m_.enis[n];
      eni.interfaceType = "vpc_endpoint";
      eni.requesterId = "amazon-aws";
      eni.requesterManaged = true;
      eni.attachOwner = "amazon-aws";
      eni.deviceIndex = 1;
      eni.deleteOnTermination = false;
      e.eniIds.push_back(eni.id);
    }
    e.dnsEntries.emplace_back(fmt::format("{}-{:08x}.{}.{}.vpce.amazonaws.com", e.id, rng_.next() & 0xffffffff, svc.dns, region_.name),
                              "Z7HUB22UULQXV");
    e.dnsEntries.emplace_back(fmt::format("{}.{}.amazonaws.com", svc.dns, region_.name),
                              fmt::format("Z0{:019X}", rng_.next() >> 1));
    m_.endpoints.push_back(std::move(e));
  }
}

inline void VpcBuilder::addNacls() {
  const std::string vpcCidr = vp_.blocks.front().str();
  auto entry = [](int number, bool egress, std::string proto, std::string cidr, bool allow) {
    NaclEntry e;
    e.number = number;
    e.egress = egress;
    e.protocol = std::move(proto);
    e.ipv6 = cidr.find(':') != std::string::npos;
    e.cidr = std::move(cidr);
    e.allow = allow;
    return e;
  };
  auto ranged = [](NaclEntry e, int from, int to) {
    e.hasPorts = true;
    e.from = from;
    e.to = to;
    return e;
  };

  NetworkAcl def;
  def.id = id("acl-");
  def.vpcId = vp_.id;
  def.isDefault = true;
  for (const bool egress : {true, false}) {
    def.entries.push_back(entry(100, egress, "-1", "0.0.0.0/0", true));
    if (ipv6_) def.entries.push_back(entry(101, egress, "-1", "::/0", true));
    def.entries.push_back(entry(32767, egress, "-1", "0.0.0.0/0", false));
    if (ipv6_) def.entries.push_back(entry(32768, egress, "-1", "::/0", false));
  }

  std::set<std::size_t> onCustom;
  if (!vp_.isDefault && rng_.chance(0.3)) {
    // A hand-written NACL for the private tiers. NACLs are stateless, so the
    // ephemeral return rule matters; some estates forget it.
    NetworkAcl custom;
    custom.id = id("acl-");
    custom.vpcId = vp_.id;
    custom.tags = nameTag(tagName("private-nacl"));
    custom.entries.push_back(ranged(entry(100, true, "6", "0.0.0.0/0", true), 443, 443));
    custom.entries.push_back(ranged(entry(110, true, "6", "0.0.0.0/0", true), 1024, 65535));
    custom.entries.push_back(entry(120, true, "-1", vpcCidr, true));
    custom.entries.push_back(entry(32767, true, "-1", "0.0.0.0/0", false));
    if (rng_.chance(0.5)) custom.entries.push_back(entry(90, false, "-1", "198.51.100.0/24", false));
    custom.entries.push_back(entry(100, false, "-1", vpcCidr, true));
    if (rng_.chance(0.7)) custom.entries.push_back(ranged(entry(110, false, "6", "0.0.0.0/0", true), 1024, 65535));
    custom.entries.push_back(ranged(entry(120, false, "17", "0.0.0.0/0", true), 1024, 65535));
    NaclEntry icmp = entry(130, false, "1", vpcCidr, true);
    icmp.icmp = true;
    custom.entries.push_back(icmp);
    custom.entries.push_back(entry(32767, false, "-1", "0.0.0.0/0", false));
    std::stable_sort(custom.entries.begin(), custom.entries.end(), [](const NaclEntry& a, const NaclEntry& b) {
      return a.egress != b.egress ? a.egress : a.number < b.number;
    });
    for (const auto* tier : {&privateSubnets_, &isolatedSubnets_})
      for (const auto s : *tier) {
        custom.associations.emplace_back(id("aclassoc-"), m_.subnets[s].id);
        onCustom.insert(s);
      }
    m_.nacls.push_back(std::move(custom));
  }
  for (std::size_t s = firstSubnet_; s < m_.subnets.size(); ++s)
    if (onCustom.count(s) == 0) def.associations.emplace_back(id("aclassoc-"), m_.subnets[s].id);
  m_.nacls.push_back(std::move(def));
}

inline void VpcBuilder::addOtherEnis(int count) {
  for (int i = 0; i < count; ++i) {
    const std::array<int, 4> weights = {4, 4, 2, 1};
    const auto kind = rng_.weighted(weights);
    const bool inPublic = kind == 0 && !publicSubnets_.empty() && (privateSubnets_.empty() || rng_.chance(0.5));
    std::size_t subnet = 0;
    if (inPublic)
      subnet = rng_.pick(publicSubnets_);
    else if (kind == 2 && !isolatedSubnets_.empty())
      subnet = rng_.pick(isolatedSubnets_);
    else
      subnet = privateSubnets_.empty() ? rng_.pick(publicSubnets_) : rng_.pick(privateSubnets_);
    const std::array<std::string_view, 4> roles = {"alb", "lambda", "db", "app"};
    const std::size_t e = addEni(subnet, "", {groupRef(roleGroup(roles[kind]))});
    Eni& eni = m_.enis[e];
    eni.deviceIndex = 1;
    eni.deleteOnTermination = false;
    eni.requesterManaged = kind != 3;
    switch (kind) {
      case 0:
        eni.description = fmt::format("ELB app/{}-alb/{:016x}", vp_.isDefault ? "default" : vp_.name, rng_.next());
        eni.requesterId = "amazon-elb";
        eni.attachOwner = "amazon-elb";
        if (inPublic) {
          eni.publicIp = publicIp();
          eni.publicDns = publicDns(eni.publicIp);
        }
        break;
      case 1:
        eni.description = fmt::format("AWS Lambda VPC ENI-etl-fn-{}-{:08x}", i, rng_.next() & 0xffffffff);
        eni.interfaceType = "lambda";
        eni.requesterId = "amazon-aws";
        eni.attachOwner = "amazon-aws";
        break;
      case 2:
        eni.description = "RDSNetworkInterface";
        eni.requesterId = "amazon-rds";
        eni.attachOwner = "amazon-rds";
        break;
      default:
        eni.description = "spare interface";
        eni.attached = false;
        break;
    }
  }
}

inline void VpcBuilder::addInstancesAndEnis() {
  if (vp_.isDefault) {
    if (rng_.chance(0.5)) addInstance(rng_.pick(publicSubnets_), roleGroup("launch-wizard-1"), "launch-wizard", true, true);
    addOtherEnis(rng_.range(0, 3));
    return;
  }
  if (hasIgw_ && rng_.chance(0.3)) addInstance(publicSubnets_.front(), roleGroup("bastion"), "bastion", true, true);
  const int apps = rng_.range(0, 3);
  for (int i = 0; i < apps; ++i) addInstance(rng_.pick(privateSubnets_), roleGroup("app"), "app", rng_.chance(0.9), false);
  addOtherEnis(rng_.range(10, 30));
}

inline void VpcBuilder::addFlowLogs() {
  auto flowLog = [&](const std::string& resource) {
    FlowLog f;
    f.id = id("fl-");
    f.resourceId = resource;
    const std::array<int, 3> weights = {6, 3, 1};
    const std::array<std::string_view, 3> traffic = {"ALL", "REJECT", "ACCEPT"};
    f.trafficType = std::string(traffic[rng_.weighted(weights)]);
    if (rng_.chance(0.6)) {
      f.destinationType = "cloud-watch-logs";
      f.destination = fmt::format("/aws/vpc/flow-logs/{}", resource);
    } else {
      f.destinationType = "s3";
      f.destination = fmt::format("arn:aws:s3:::flow-logs-{}/{}", m_.account, resource);
    }
    f.deliverStatus = rng_.chance(0.95) ? "SUCCESS" : "FAILED";
    f.aggregation = rng_.chance(0.8) ? 600 : 60;
    f.created = someTime();
    m_.flowLogs.push_back(std::move(f));
  };
  if (rng_.chance(vp_.isDefault ? 0.3 : 0.7)) flowLog(vp_.id);
  if (!privateSubnets_.empty() && rng_.chance(0.05)) flowLog(m_.subnets[privateSubnets_.front()].id);
}

// ---------------------------------------------------------------------------
// SageMaker

// "YYYY-MM-DD-HH-MM-SS-mmm", the suffix SageMaker SDKs append to job names.
inline std::string jobStamp(std::int64_t t, int millis) {
  std::string s = ec2Time(t).substr(0, 19);
  for (auto& c : s)
    if (c == ' ' || c == ':') c = '-';
  return fmt::format("{}-{:03}", s, millis);
}

inline std::vector<Tag> workloadTags(Rng& rng) {
  static constexpr std::array<std::string_view, 5> kTeams = {"fraud", "search", "forecasting", "nlp", "vision"};
  static constexpr std::array<std::string_view, 5> kClasses = {"public", "internal", "confidential", "hipaa", "pci"};
  static constexpr std::array<std::string_view, 4> kProjects = {"churn", "ranking", "demand", "assistant"};
  return {Tag{"team", std::string(rng.pick(kTeams))}, Tag{"data-classification", std::string(rng.pick(kClasses))},
          Tag{"project", std::string(rng.pick(kProjects))}};
}

// A job without network settings; the caller adds VpcConfig when it runs in a VPC.
inline TrainingJob makeJob(Rng& rng, Shared& shared, const ArModel& m, bool processing) {
  static constexpr std::array<std::string_view, 8> kTraining = {
      "xgboost", "pytorch-training", "tensorflow-training", "huggingface-pytorch-training",
      "blazingtext", "churn-model", "fraud-detector", "llm-finetune"};
  static constexpr std::array<std::string_view, 5> kProcessing = {
      "sagemaker-processing", "data-prep", "feature-eng", "model-eval", "sklearn-processing"};
  static constexpr std::array<std::string_view, 4> kTrainingImages = {
      "pytorch-training:2.0.1-gpu-py310", "tensorflow-training:2.13-gpu-py310",
      "huggingface-pytorch-training:2.0.0-transformers4.28.1-gpu-py310", "xgboost:1.7-1"};
  static constexpr std::array<std::string_view, 7> kTypes = {
      "ml.m5.xlarge", "ml.m5.2xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g4dn.xlarge", "ml.g5.2xlarge", "ml.p4d.24xlarge"};
  static constexpr std::array<int, 4> kVolumes = {30, 50, 100, 200};
  static constexpr std::array<std::string_view, 4> kStatuses = {"Completed", "InProgress", "Failed", "Stopped"};
  static constexpr std::array<int, 4> kStatusWeights = {75, 10, 10, 5};

  TrainingJob j;
  // Creation times strictly increase with the estate-wide job counter, so the
  // timestamped names are unique without any bookkeeping.
  j.created = kEpochBase + static_cast<std::int64_t>(shared.jobs++) * 3607 + static_cast<std::int64_t>(rng.below(3600));
  j.millis = static_cast<int>(rng.below(1000));
  j.name = fmt::format("{}-{}", processing ? rng.pick(kProcessing) : rng.pick(kTraining), jobStamp(j.created, j.millis));
  j.status = std::string(kStatuses[rng.weighted(kStatusWeights)]);
  j.instanceType = std::string(processing ? kTypes[rng.below(3)] : rng.pick(kTypes));
  j.instanceCount = rng.chance(0.7) ? 1 : rng.range(2, 4);
  j.volumeGb = rng.pick(kVolumes);
  j.networkIsolation = rng.chance(0.2);
  j.interContainerEncryption = rng.chance(j.instanceCount > 1 ? 0.5 : 0.1);
  j.spot = !processing && rng.chance(0.25);
  j.image = processing ? fmt::format("683313688378.dkr.ecr.{}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", m.region)
                       : fmt::format("763104351884.dkr.ecr.{}.amazonaws.com/{}", m.region, rng.pick(kTrainingImages));
  j.bucket = fmt::format("sagemaker-{}-{}", m.region, m.account);
  j.seconds = rng.range(300, 36000);
  j.tags = workloadTags(rng);
  return j;
}

inline Notebook makeNotebook(Rng& rng, Shared& shared) {
  static constexpr std::array<std::string_view, 4> kNames = {"ds-notebook", "research", "team-analytics", "prototyping"};
  static constexpr std::array<std::string_view, 3> kTypes = {"ml.t3.medium", "ml.t3.large", "ml.m5.xlarge"};
  Notebook n;
  n.created = kEpochBase + static_cast<std::int64_t>(shared.jobs) * 3607 + static_cast<std::int64_t>(rng.below(3600));
  n.name = fmt::format("{}-{}", rng.pick(kNames), shared.jobs++);
  n.millis = static_cast<int>(rng.below(1000));
  n.instanceType = std::string(rng.pick(kTypes));
  n.rootAccess = rng.chance(0.6);
  n.tags = workloadTags(rng);
  return n;
}

// One to three subnets in distinct places, mostly private; now and then a
// public one slips in, which is what training_private_subnets catches.
inline std::vector<std::string> VpcBuilder::pickWorkloadSubnets() {
  std::vector<std::size_t> pool = privateSubnets_;
  pool.insert(pool.end(), isolatedSubnets_.begin(), isolatedSubnets_.end());
  if (pool.empty()) pool = publicSubnets_;
  rng_.shuffle(pool);
  const std::array<int, 3> weights = {30, 50, 20};
  const std::size_t count = std::min<std::size_t>(pool.size(), 1 + rng_.weighted(weights));
  pool.resize(count);
  if (!publicSubnets_.empty() && !vp_.isDefault && rng_.chance(0.12)) pool.back() = rng_.pick(publicSubnets_);
  std::vector<std::string> ids;
  for (const auto s : pool) ids.push_back(m_.subnets[s].id);
  return ids;
}

inline void VpcBuilder::addSageMaker() {
  const bool d = vp_.isDefault;
  const std::array<int, 5> trainWeights = {35, 25, 20, 10, 10};
  const std::array<int, 3> procWeights = {60, 30, 10};
  const std::size_t trainings = d ? (rng_.chance(0.3) ? 1 : 0) : rng_.weighted(trainWeights);
  const std::size_t processings = d ? 0 : rng_.weighted(procWeights);
  const bool notebook = rng_.chance(d ? 0.2 : 0.25);
  auto groups = [&](std::string_view role) {
    std::vector<std::string> ids = {m_.groups[roleGroup(role)].id};
    if (rng_.chance(0.2) && ids.front() != m_.groups[firstGroup_].id) ids.push_back(m_.groups[firstGroup_].id);
    return ids;
  };
  for (std::size_t i = 0; i < trainings + processings; ++i) {
    const bool processing = i >= trainings;
    TrainingJob j = makeJob(rng_, s_, m_, processing);
    j.vpc = true;
    j.subnetIds = pickWorkloadSubnets();
    j.groupIds = groups("sagemaker-jobs");
    (processing ? m_.processing : m_.training).push_back(std::move(j));
  }
  if (notebook) {
    Notebook n = makeNotebook(rng_, s_);
    n.vpc = true;
    const bool usePublic = !publicSubnets_.empty() && (privateSubnets_.empty() || rng_.chance(0.15));
    const auto& pool = usePublic ? publicSubnets_ : privateSubnets_;
    const std::size_t subnet = rng_.pick(pool);
    n.subnetId = m_.subnets[subnet].id;
    n.groupIds = groups("notebooks");
    n.directInternet = rng_.chance(0.3);
    const std::size_t e =
        addEni(subnet, fmt::format("[DO NOT DELETE] ENI managed by SageMaker for Notebook Instance {}", n.name), {});
    for (const auto& g : n.groupIds)
      for (std::size_t k = firstGroup_; k < m_.groups.size(); ++k)
        if (m_.groups[k].id == g) m_.enis[e].groups.push_back(groupRef(k));
    m_.enis[e].requesterManaged = true;
    m_.enis[e].requesterId = "amazon-sagemaker";
    n.eniId = m_.enis[e].id;
    m_.notebooks.push_back(std::move(n));
  }
}

// ---------------------------------------------------------------------------
// One account and region

inline ArModel buildAccountRegion(const Plan& plan, std::size_t arIndex, Shared& shared, std::uint64_t seed) {
  const ArPlan& ar = plan.ars[arIndex];
  const RegionInfo& region = kRegions[ar.region];
  ArModel m;
  m.account = ar.account;
  m.region = std::string(region.name);
  m.prefixLists.push_back(PrefixList{std::string(region.s3PrefixList), fmt::format("com.amazonaws.{}.s3", region.name),
                                     {region.s3Cidrs.begin(), region.s3Cidrs.end()}});
  m.prefixLists.push_back(PrefixList{std::string(region.dynamoPrefixList),
                                     fmt::format("com.amazonaws.{}.dynamodb", region.name),
                                     {region.dynamoCidrs.begin(), region.dynamoCidrs.end()}});

  for (const auto v : ar.vpcs) VpcBuilder(m, shared, plan, v).build();

  // A peering shows up in the account of each side.
  auto side = [&](std::size_t v) {
    const VpcPlan& vp = plan.vpcs[v];
    return PeeringSide{vp.blocks.front().str(), plan.ars[vp.ar].account, std::string(region.name), vp.id};
  };
  for (const auto& p : plan.peerings) {
    if (plan.vpcs[p.requester].ar != arIndex && plan.vpcs[p.accepter].ar != arIndex) continue;
    m.peerings.push_back(Peering{p.id, side(p.accepter), side(p.requester),
                                 fmt::format("{}-to-{}", plan.vpcs[p.requester].name, plan.vpcs[p.accepter].name)});
  }

  // Workloads outside any VPC (SageMaker-managed networking) and hosted endpoints.
  Rng rng(mix64(seed ^ (0xa5a5ULL + arIndex * 0x10001ULL)));
  const int trainings = rng.range(1, 3);
  const int processings = rng.range(0, 2);
  for (int i = 0; i < trainings + processings; ++i) {
    const bool processing = i >= trainings;
    (processing ? m.processing : m.training).push_back(makeJob(rng, shared, m, processing));
  }
  if (rng.chance(0.5)) m.notebooks.push_back(makeNotebook(rng, shared));
  const int endpoints = rng.range(0, 3);
  for (int i = 0; i < endpoints; ++i) {
    static constexpr std::array<std::string_view, 4> kModels = {"churn", "ranker", "forecast", "embeddings"};
    SmEndpoint e;
    e.name = fmt::format("{}-endpoint-{}", rng.pick(kModels), shared.jobs++);
    e.configName = e.name + "-config";
    e.instances = rng.range(1, 3);
    e.created = kEpochBase + static_cast<std::int64_t>(rng.below(730 * 86400));
    e.millis = static_cast<int>(rng.below(1000));
    m.smEndpoints.push_back(std::move(e));
  }
  return m;
}

}  // namespace ward::bench
