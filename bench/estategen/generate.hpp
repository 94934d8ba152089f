// Builds the resources of one account and region from the plan: subnets, routing, gateways, endpoints, security groups, NACLs, ENIs and SageMaker workloads.
#pragma once

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "model.hpp"
#include "plan.hpp"
#include "support.hpp"

namespace ward::bench {

// State shared by every account and region, so ids, public addresses and job
// names stay unique across the whole estate.
struct Shared {
  IdMaker ids;
  std::uint64_t publicIps = 0;
  std::uint64_t jobs = 0;
};

// 2023-01-01T00:00:00Z; every timestamp falls in the two years after it.
inline constexpr std::int64_t kEpochBase = 1672531200;

class VpcBuilder {
 public:
  VpcBuilder(ArModel& m, Shared& shared, const Plan& plan, std::size_t vpcPlan)
      : m_(m),
        s_(shared),
        plan_(plan),
        vp_(plan.vpcs[vpcPlan]),
        vpIndex_(vpcPlan),
        region_(kRegions[plan.ars[vp_.ar].region]),
        rng_(vp_.seed) {}

  void build() {
    chooseFeatures();
    addVpc();
    addSubnets();
    // Groups come before routing because a NAT instance needs its group.
    addSecurityGroups();
    addGateways();
    addRouteTables();
    addEndpoints();
    addNacls();
    addInstancesAndEnis();
    addFlowLogs();
    addSageMaker();
  }

 private:
  enum class Nat { None, Gateway, Instance };

  // --- helpers ------------------------------------------------------------

  std::string id(std::string_view prefix) { return s_.ids.hex17(prefix); }
  std::int64_t someTime() { return kEpochBase + static_cast<std::int64_t>(rng_.below(730 * 86400)); }
  std::string az(int i) const { return fmt::format("{}{}", region_.name, static_cast<char>('a' + i)); }

  std::string publicIp() {
    const std::uint32_t offset = static_cast<std::uint32_t>((s_.publicIps++ * 2654435761ULL) & 0x1fffff);
    return ipv4(octets(54, 160, 0, 0) + offset);
  }
  std::string publicDns(const std::string& ip) const {
    std::string dashed = ip;
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    return fmt::format("ec2-{}.{}", dashed, region_.publicDnsSuffix);
  }
  std::string privateDnsName(const std::string& ip) const {
    std::string dashed = ip;
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    return fmt::format("ip-{}.{}", dashed, region_.privateDnsSuffix);
  }
  std::string privateIp(std::size_t subnet) {
    Subnet& s = m_.subnets[subnet];
    return ipv4(s.cidr.base + 4 + s.usedIps++);
  }
  std::string mac() {
    const std::uint64_t r = rng_.next();
    return fmt::format("0a:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", r & 0xff, (r >> 8) & 0xff, (r >> 16) & 0xff,
                       (r >> 24) & 0xff, (r >> 32) & 0xff);
  }
  std::vector<Tag> nameTag(std::string value) const { return {Tag{"Name", std::move(value)}}; }
  std::string tagName(std::string_view what) const {
    return vp_.isDefault ? std::string(what) : fmt::format("{}-{}", vp_.name, what);
  }

  std::pair<std::string, std::string> groupRef(std::size_t g) const {
    return {m_.groups[g].id, m_.groups[g].name};
  }

  // A custom group by role name, falling back to any custom group (or the
  // default one) when the VPC has fewer groups than roles.
  std::size_t roleGroup(std::string_view role) const {
    for (std::size_t g = firstGroup_ + 1; g < m_.groups.size(); ++g)
      if (m_.groups[g].name == role) return g;
    const std::size_t custom = m_.groups.size() - firstGroup_ - 1;
    if (custom == 0) return firstGroup_;
    // FNV-1a rather than std::hash, whose values differ between standard libraries.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : role) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return firstGroup_ + 1 + h % custom;
  }

  // ENIs are created here and referenced by index from instances.
  std::size_t addEni(std::size_t subnet, std::string description, std::vector<std::pair<std::string, std::string>> groups) {
    Eni e;
    e.id = id("eni-");
    e.vpcId = vpc().id;
    e.subnetId = m_.subnets[subnet].id;
    e.az = m_.subnets[subnet].az;
    e.description = std::move(description);
    e.mac = mac();
    e.privateIp = privateIp(subnet);
    e.privateDns = privateDnsName(e.privateIp);
    e.attachmentId = id("eni-attach-");
    e.attachTime = someTime();
    e.groups = std::move(groups);
    m_.enis.push_back(std::move(e));
    return m_.enis.size() - 1;
  }

  Vpc& vpc() { return m_.vpcs[vpcIndex_]; }
  std::size_t zoneOf(std::size_t subnet) const { return static_cast<std::size_t>(m_.subnets[subnet].az.back() - 'a'); }

  // --- features -----------------------------------------------------------

  void chooseFeatures() {
    const bool d = vp_.isDefault;
    ipv6_ = !d && rng_.chance(0.2);
    azCount_ = d ? 3 : (rng_.chance(0.5) ? 3 : 2);
    hasIgw_ = d || rng_.chance(0.8);
    if (hasIgw_ && !d) {
      const std::array<int, 3> weights = {30, 55, 15};
      nat_ = static_cast<Nat>(rng_.weighted(weights));
    }
    natPerAz_ = nat_ == Nat::Gateway && rng_.chance(0.4);
    mainPublic_ = d || rng_.chance(0.08);
    isolatedTier_ = !d && rng_.chance(0.5);
    s3Endpoint_ = !d && rng_.chance(0.6);
    if (!d) {
      // none, full ML set, ML set without sagemaker.api, full set with a pending sagemaker.api
      const std::array<int, 4> weights = {48, 35, 12, 5};
      interfaceSet_ = static_cast<int>(rng_.weighted(weights));
    }
    igwDetached_ = hasIgw_ && !d && rng_.chance(0.04);
    natBlackhole_ = nat_ == Nat::Gateway && rng_.chance(0.08);
    natInstanceStopped_ = nat_ == Nat::Instance && rng_.chance(0.2);
    privateOnMain_ = !d && rng_.chance(0.1);
    ipv6IgwTrap_ = ipv6_ && rng_.chance(0.15);
  }

  // --- VPC and subnets ----------------------------------------------------

  void addVpc() {
    Vpc v;
    v.id = vp_.id;
    v.isDefault = vp_.isDefault;
    for (const auto& block : vp_.blocks) v.blocks.emplace_back(id("vpc-cidr-assoc-"), block.str());
    if (ipv6_) {
      ipv6Prefix_ = fmt::format("2600:1f18:{:04x}:{:02x}", rng_.below(0x10000), rng_.below(0x100));
      v.ipv6Block = ipv6Prefix_ + "00::/56";
      v.ipv6AssociationId = id("vpc-cidr-assoc-");
    }
    if (!vp_.isDefault) v.tags = nameTag(vp_.name);
    vpcIndex_ = m_.vpcs.size();
    m_.vpcs.push_back(std::move(v));
  }

  std::size_t addSubnet(Cidr4 cidr, int zone, bool mapPublic, std::string_view tier) {
    Subnet s;
    s.id = id("subnet-");
    s.vpcId = vp_.id;
    s.cidr = cidr;
    s.az = az(zone);
    s.azId = fmt::format("{}-az{}", region_.azIdPrefix, zone + 1);
    s.mapPublicIp = mapPublic;
    s.defaultForAz = vp_.isDefault;
    if (ipv6_) {
      s.ipv6Cidr = fmt::format("{}{:02x}::/64", ipv6Prefix_, (m_.subnets.size() - firstSubnet_) % 256);
      s.ipv6AssociationId = id("subnet-cidr-assoc-");
    }
    if (!vp_.isDefault) s.tags = nameTag(fmt::format("{}-{}-{}", vp_.name, tier, s.az));
    m_.subnets.push_back(std::move(s));
    return m_.subnets.size() - 1;
  }

  void addSubnets() {
    firstSubnet_ = m_.subnets.size();
    const std::uint32_t base = vp_.blocks.front().base;
    if (vp_.isDefault) {
      for (int z = 0; z < 3; ++z) publicSubnets_.push_back(addSubnet(Cidr4{base + (16u * z << 8), 20}, z, true, "default"));
      return;
    }
    if (hasIgw_)
      for (int z = 0; z < azCount_; ++z)
        publicSubnets_.push_back(addSubnet(Cidr4{base + (static_cast<std::uint32_t>(z) << 8), 24}, z, rng_.chance(0.85), "public"));
    std::uint32_t slot = 1;
    auto nextSlot = [&] { return Cidr4{base + ((16u * slot++) << 8), 20}; };
    for (int z = 0; z < azCount_; ++z) {
      const int count = rng_.chance(0.3) ? 2 : 1;
      for (int k = 0; k < count; ++k) privateSubnets_.push_back(addSubnet(nextSlot(), z, false, "private"));
    }
    if (isolatedTier_)
      for (int z = 0; z < azCount_; ++z) isolatedSubnets_.push_back(addSubnet(nextSlot(), z, false, "data"));
    if (vp_.blocks.size() > 1)
      for (int z = 0; z < azCount_; ++z)
        privateSubnets_.push_back(
            addSubnet(Cidr4{vp_.blocks[1].base + ((16u * z) << 8), 20}, z, false, "pods"));
  }

  // --- gateways and routing -----------------------------------------------

  void addGateways() {
    if (hasIgw_) {
      InternetGateway g;
      g.id = id("igw-");
      g.vpcId = igwDetached_ ? std::string() : vp_.id;
      if (!vp_.isDefault) g.tags = nameTag(vp_.name);
      igwId_ = g.id;
      m_.igws.push_back(std::move(g));
    }
    if (ipv6_) eigwId_ = id("eigw-");
    if (nat_ == Nat::Gateway) {
      const int count = natPerAz_ ? azCount_ : 1;
      for (int z = 0; z < count; ++z) {
        NatGateway n;
        n.id = id("nat-");
        n.vpcId = vp_.id;
        n.subnetId = m_.subnets[publicSubnets_[z]].id;
        n.state = natBlackhole_ && z == 0 ? "deleted" : "available";
        n.allocationId = id("eipalloc-");
        n.publicIp = publicIp();
        n.created = someTime();
        n.tags = nameTag(tagName(fmt::format("nat-{}", az(z))));
        if (n.state == "available") {
          const std::size_t e = addEni(publicSubnets_[z], "Interface for NAT Gateway " + n.id, {});
          Eni& eni = m_.enis[e];
          eni.interfaceType = "nat_gateway";
          eni.requesterId = "amazon-aws";
          eni.requesterManaged = true;
          eni.sourceDestCheck = false;
          eni.attachOwner = "amazon-aws";
          eni.deviceIndex = 1;
          eni.deleteOnTermination = false;
          eni.publicIp = n.publicIp;
          eni.publicDns = publicDns(n.publicIp);
          eni.allocationId = n.allocationId;
          eni.associationId = id("eipassoc-");
          n.eniId = eni.id;
          n.privateIp = eni.privateIp;
        } else {
          // The ENI of a deleted NAT gateway is gone; its address is still reported.
          n.eniId = id("eni-");
          n.privateIp = privateIp(publicSubnets_[z]);
        }
        natIds_.push_back(n.id);
        m_.nats.push_back(std::move(n));
      }
    }
  }

  void newTable(std::string_view name) {
    RouteTable t;
    t.id = id("rtb-");
    t.vpcId = vp_.id;
    for (const auto& block : vp_.blocks) {
      Route r;
      r.destination = block.str();
      r.gatewayId = "local";
      r.local = true;
      t.routes.push_back(r);
    }
    if (ipv6_) {
      Route r;
      r.destination = vpc().ipv6Block;
      r.destKind = Route::Dest::V6;
      r.gatewayId = "local";
      r.local = true;
      t.routes.push_back(r);
    }
    if (!name.empty()) t.tags = nameTag(tagName(name));
    m_.routeTables.push_back(std::move(t));
  }

  static Route defaultRoute(bool v6 = false) {
    Route r;
    r.destination = v6 ? "::/0" : "0.0.0.0/0";
    r.destKind = v6 ? Route::Dest::V6 : Route::Dest::V4;
    return r;
  }

  void associate(std::size_t table, std::size_t subnet) {
    m_.routeTables[table].subnetAssociations.emplace_back(id("rtbassoc-"), m_.subnets[subnet].id);
  }

  void addRouteTables() {
    const std::size_t mainTable = m_.routeTables.size();
    mainTable_ = mainTable;
    newTable("");
    m_.routeTables[mainTable].mainAssociationId = id("rtbassoc-");
    if (mainPublic_) {
      Route r = defaultRoute();
      r.gatewayId = igwId_;
      r.blackhole = igwDetached_;
      m_.routeTables[mainTable].routes.push_back(r);
    }
    if (vp_.isDefault) return;

    if (hasIgw_) {
      const std::size_t t = m_.routeTables.size();
      newTable("public");
      Route r = defaultRoute();
      r.gatewayId = igwId_;
      r.blackhole = igwDetached_;
      m_.routeTables[t].routes.push_back(r);
      if (ipv6_) {
        r = defaultRoute(true);
        r.gatewayId = igwId_;
        r.blackhole = igwDetached_;
        m_.routeTables[t].routes.push_back(r);
      }
      // With a public main table, some teams leave public subnets on it.
      const bool useMain = mainPublic_ && rng_.chance(0.5);
      if (!useMain)
        for (auto s : publicSubnets_) associate(t, s);
    }

    std::size_t natInstanceEni = 0;
    if (nat_ == Nat::Instance) natInstanceEni = addNatInstance();

    const int tables = natPerAz_ ? azCount_ : 1;
    for (int z = 0; z < tables; ++z) {
      const std::size_t t = m_.routeTables.size();
      privateTables_.push_back(t);
      newTable(natPerAz_ ? fmt::format("private-{}", az(z)) : std::string("private"));
      if (nat_ == Nat::Gateway) {
        Route r = defaultRoute();
        r.natGatewayId = natIds_[z];
        r.blackhole = natBlackhole_ && z == 0;
        m_.routeTables[t].routes.push_back(r);
      } else if (nat_ == Nat::Instance) {
        Route r = defaultRoute();
        r.instanceId = m_.enis[natInstanceEni].attachInstanceId;
        r.networkInterfaceId = m_.enis[natInstanceEni].id;
        r.blackhole = natInstanceStopped_;
        m_.routeTables[t].routes.push_back(r);
      }
      if (ipv6_) {
        Route r = defaultRoute(true);
        if (ipv6IgwTrap_ && z == 0) {
          // ::/0 to the internet gateway makes the subnet public over IPv6,
          // unless the gateway is detached: then the route is a blackhole.
          r.gatewayId = igwId_;
          r.blackhole = igwDetached_;
        } else
          r.egressOnlyGatewayId = eigwId_;
        m_.routeTables[t].routes.push_back(r);
      }
    }
    for (std::size_t i = 0; i < privateSubnets_.size(); ++i) {
      if (privateOnMain_ && i == 0) continue;
      const std::size_t s = privateSubnets_[i];
      associate(privateTables_[natPerAz_ ? zoneOf(s) : 0], s);
    }
    if (isolatedTier_) {
      isolatedTable_ = m_.routeTables.size();
      newTable("data");
      for (auto s : isolatedSubnets_) associate(isolatedTable_, s);
    }

    // Peering routes go to the main and private tables, never to the data tier.
    std::vector<std::size_t> peerTables = privateTables_;
    peerTables.push_back(mainTable);
    for (const auto p : vp_.peerings) {
      const PeeringPlan& pp = plan_.peerings[p];
      const VpcPlan& peer = plan_.vpcs[pp.requester == vpIndex_ ? pp.accepter : pp.requester];
      for (const auto t : peerTables) {
        Route r;
        r.destination = peer.blocks.front().str();
        r.peeringId = pp.id;
        m_.routeTables[t].routes.push_back(r);
      }
    }
    // A route left behind by a deleted peering.
    if (rng_.chance(0.05)) {
      Route r;
      r.destination = fmt::format("192.168.{}.0/24", rng_.below(256));
      r.peeringId = id("pcx-");
      r.blackhole = true;
      m_.routeTables[privateTables_.front()].routes.push_back(r);
    }
  }

  // --- instances ----------------------------------------------------------

  std::size_t addInstance(std::size_t subnet, std::size_t group, std::string_view role, bool running, bool publicAddress) {
    static constexpr std::array<std::string_view, 5> kTypes = {"t3.micro", "t3.small", "m5.large", "c5.xlarge", "t3.medium"};
    const std::size_t e = addEni(subnet, "Primary network interface", {groupRef(group)});
    Instance i;
    i.id = id("i-");
    i.reservationId = id("r-");
    i.type = rng_.pick(kTypes);
    i.imageId = id("ami-");
    i.keyName = fmt::format("{}-key", role);
    i.volumeId = id("vol-");
    i.eni = e;
    i.running = running;
    i.launched = m_.enis[e].attachTime;
    i.privateDns = m_.enis[e].privateDns;
    i.imdsV2 = rng_.chance(0.5);
    i.tags = nameTag(tagName(role));
    Eni& eni = m_.enis[e];
    eni.attachInstanceId = i.id;
    if (publicAddress && running) {
      eni.publicIp = publicIp();
      eni.publicDns = publicDns(eni.publicIp);
    }
    m_.instances.push_back(std::move(i));
    return e;
  }

  // A NAT instance forwards traffic, so its source/destination check is off.
  std::size_t addNatInstance() {
    const std::size_t e = addInstance(publicSubnets_.front(), roleGroup("nat-instance"), "nat-instance", !natInstanceStopped_, true);
    m_.enis[e].sourceDestCheck = false;
    return e;
  }

  // The members below are defined in workloads.hpp.
  void addSecurityGroups();
  void addEndpoints();
  void addNacls();
  void addInstancesAndEnis();
  void addFlowLogs();
  void addSageMaker();
  void fillGroup(std::size_t group, std::uint32_t budget);
  IpPermission makeIngress(int rules, bool violate, std::set<std::tuple<std::string, int, int>>& used);
  void addOtherEnis(int count);
  std::vector<std::string> pickWorkloadSubnets();

  ArModel& m_;
  Shared& s_;
  const Plan& plan_;
  const VpcPlan& vp_;
  std::size_t vpIndex_;
  const RegionInfo& region_;
  Rng rng_;

  std::size_t vpcIndex_ = 0;
  std::size_t firstGroup_ = 0;  // The default group; custom groups follow it.
  std::size_t firstSubnet_ = 0;
  bool ipv6_ = false;
  int azCount_ = 2;
  bool hasIgw_ = false;
  Nat nat_ = Nat::None;
  bool natPerAz_ = false;
  bool mainPublic_ = false;
  bool isolatedTier_ = false;
  bool s3Endpoint_ = false;
  int interfaceSet_ = 0;
  bool igwDetached_ = false;
  bool natBlackhole_ = false;
  bool natInstanceStopped_ = false;
  bool privateOnMain_ = false;
  bool ipv6IgwTrap_ = false;

  std::string ipv6Prefix_;
  std::string igwId_;
  std::string eigwId_;
  std::vector<std::string> natIds_;
  std::vector<std::size_t> publicSubnets_;
  std::vector<std::size_t> privateSubnets_;
  std::vector<std::size_t> isolatedSubnets_;
  std::vector<std::size_t> privateTables_;
  std::size_t isolatedTable_ = 0;
  std::size_t mainTable_ = 0;
};

}  // namespace ward::bench
