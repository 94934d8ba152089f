// The estate-wide plan: accounts, regions, VPC address space, peerings and the Zipf-shaped security-group rule budget.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support.hpp"

namespace ward::bench {

struct RegionInfo {
  std::string_view name;
  std::string_view azIdPrefix;
  std::string_view s3PrefixList;
  std::string_view dynamoPrefixList;
  std::array<std::string_view, 4> s3Cidrs;
  std::array<std::string_view, 2> dynamoCidrs;
  std::string_view privateDnsSuffix;
  std::string_view publicDnsSuffix;
};

// Prefix-list ids and service ranges as AWS publishes them for these regions.
inline constexpr std::array<RegionInfo, 2> kRegions = {{
    {"us-east-1", "use1", "pl-63a5400a", "pl-02cd2c6b",
     {"54.231.0.0/17", "52.216.0.0/15", "3.5.16.0/21", "3.5.0.0/20"},
     {"52.94.0.0/22", "52.119.224.0/20"}, "ec2.internal", "compute-1.amazonaws.com"},
    {"eu-west-1", "euw1", "pl-6da54004", "pl-6fa54006",
     {"52.218.0.0/17", "52.92.0.0/17", "3.5.64.0/21", "3.5.72.0/23"},
     {"52.94.24.0/23", "52.119.240.0/21"}, "eu-west-1.compute.internal", "eu-west-1.compute.amazonaws.com"},
}};

struct VpcPlan {
  std::size_t ar = 0;
  bool isDefault = false;
  std::string id;
  std::string name;
  std::vector<Cidr4> blocks;  // Primary first.
  std::uint64_t seed = 0;
  std::vector<std::uint32_t> groupBudgets;  // Rules of each custom security group.
  std::vector<std::size_t> peerings;        // Indices into Plan::peerings.
};

struct PeeringPlan {
  std::string id;
  std::size_t requester = 0;
  std::size_t accepter = 0;
};

// One account in one region: one output folder.
struct ArPlan {
  std::string account;
  std::size_t region = 0;
  std::vector<std::size_t> vpcs;
};

struct Plan {
  std::uint64_t rules = 0;
  std::size_t accounts = 0;
  std::size_t regions = 0;
  std::vector<ArPlan> ars;
  std::vector<VpcPlan> vpcs;
  std::vector<PeeringPlan> peerings;
};

// Every default security group holds exactly two rules: all traffic from
// itself, and all traffic out.
inline constexpr std::uint64_t kDefaultGroupRules = 2;

// Splits the rule budget over the custom groups with weights 1/rank, so a few
// groups are huge and most are small, as in real estates. Integer arithmetic
// keeps it identical on every platform.
inline std::vector<std::uint32_t> zipfBudgets(Rng& rng, std::size_t groups, std::uint64_t rules, std::uint64_t cap) {
  std::vector<std::size_t> byRank(groups);
  for (std::size_t i = 0; i < groups; ++i) byRank[i] = i;
  rng.shuffle(byRank);
  std::vector<std::uint64_t> weight(groups);
  unsigned __int128 total = 0;
  for (std::size_t rank = 0; rank < groups; ++rank) {
    weight[rank] = (std::uint64_t{1} << 40) / (rank + 1);
    total += weight[rank];
  }
  // Each group has at least its one egress rule; the rest is shared out.
  const std::uint64_t spare = rules - groups;
  std::vector<std::uint64_t> extra(groups);
  std::uint64_t given = 0;
  for (std::size_t rank = 0; rank < groups; ++rank) {
    const auto share = static_cast<std::uint64_t>(static_cast<unsigned __int128>(spare) * weight[rank] / total);
    extra[rank] = std::min<std::uint64_t>(share, cap - 1);
    given += extra[rank];
  }
  // Rounding and the cap leave a remainder; hand it out one rule at a time in
  // rank order, which keeps the head of the distribution heavy.
  while (given < spare) {
    bool progressed = false;
    for (std::size_t rank = 0; rank < groups && given < spare; ++rank)
      if (extra[rank] + 1 < cap) {
        ++extra[rank];
        ++given;
        progressed = true;
      }
    if (!progressed) ++cap;
  }
  std::vector<std::uint32_t> budgets(groups);
  for (std::size_t rank = 0; rank < groups; ++rank)
    budgets[byRank[rank]] = static_cast<std::uint32_t>(1 + extra[rank]);
  return budgets;
}

inline Plan makePlan(std::uint64_t rules, std::uint64_t seed, IdMaker& ids) {
  Plan plan;
  plan.rules = rules;
  Rng rng(mix64(seed ^ 0x9a17a9e5ULL));

  // About 500 rules per VPC at scale; small estates still get a handful of
  // VPCs so that every kind of trap appears.
  const std::size_t numVpcs =
      rules >= 4000 ? static_cast<std::size_t>((rules + 250) / 500) : std::clamp<std::size_t>(rules / 125, 1, 8);
  plan.regions = numVpcs >= 40 ? 2 : 1;
  plan.accounts = std::max<std::size_t>(1, (numVpcs + plan.regions * 25 - 1) / (plan.regions * 25));
  if (numVpcs >= 4) plan.accounts = std::max<std::size_t>(plan.accounts, 2);

  std::set<std::uint64_t> seen;
  for (std::size_t a = 0; a < plan.accounts; ++a) {
    std::uint64_t id = 0;
    for (std::uint64_t k = 0;; ++k) {
      id = 100000000000ULL + mix64(seed * 7919 + a * 104729 + k) % 900000000000ULL;
      if (seen.insert(id).second) break;
    }
    for (std::size_t r = 0; r < plan.regions; ++r) plan.ars.push_back(ArPlan{fmt::format("{}", id), r, {}});
  }

  // Second octets of 10.x.0.0/16 are unique within an account and region, so
  // VPCs there never overlap and may peer.
  std::vector<std::vector<std::uint32_t>> octetPool(plan.ars.size());
  for (auto& pool : octetPool) {
    for (std::uint32_t o = 0; o < 256; ++o) pool.push_back(o);
    rng.shuffle(pool);
  }
  static constexpr std::array<std::string_view, 10> kVpcNames = {
      "ml-platform", "data-lake", "shared-services", "analytics", "prod-app",
      "staging-app", "research", "feature-store", "batch", "inference"};
  for (std::size_t v = 0; v < numVpcs; ++v) {
    VpcPlan vp;
    vp.ar = v % plan.ars.size();
    ArPlan& ar = plan.ars[vp.ar];
    vp.isDefault = ar.vpcs.empty() && numVpcs >= 3 * plan.ars.size();
    vp.id = ids.hex17("vpc-");
    vp.seed = mix64(seed + 0x51ed270bULL + v);
    if (vp.isDefault) {
      vp.blocks.push_back(Cidr4{octets(172, 31, 0, 0), 16});
    } else {
      auto& pool = octetPool[vp.ar];
      vp.name = fmt::format("{}-{}", rng.pick(kVpcNames), v);
      vp.blocks.push_back(Cidr4{octets(10, pool.back(), 0, 0), 16});
      pool.pop_back();
      if (rng.chance(0.2)) {
        vp.blocks.push_back(Cidr4{octets(10, pool.back(), 0, 0), 16});
        pool.pop_back();
      }
    }
    ar.vpcs.push_back(v);
    plan.vpcs.push_back(std::move(vp));
  }

  // Peerings: mostly within an account and region, some across accounts in
  // the same region (those appear in both accounts' files).
  std::set<std::pair<std::size_t, std::size_t>> peered;
  for (std::size_t v = 0; v < numVpcs; ++v) {
    if (plan.vpcs[v].isDefault || !rng.chance(0.12)) continue;
    const ArPlan& home = plan.ars[plan.vpcs[v].ar];
    const ArPlan* other = &home;
    if (plan.accounts > 1 && rng.chance(0.3)) {
      const std::size_t account = rng.below(plan.accounts);
      other = &plan.ars[account * plan.regions + home.region];
    }
    const std::size_t w = rng.pick(other->vpcs);
    const auto key = std::minmax(v, w);
    if (w == v || plan.vpcs[w].isDefault || peered.count(key) > 0) continue;
    bool overlap = false;
    for (const auto& a : plan.vpcs[v].blocks)
      for (const auto& b : plan.vpcs[w].blocks) overlap = overlap || a.overlaps(b);
    if (overlap) continue;
    peered.insert(key);
    plan.vpcs[v].peerings.push_back(plan.peerings.size());
    plan.vpcs[w].peerings.push_back(plan.peerings.size());
    plan.peerings.push_back(PeeringPlan{ids.hex17("pcx-"), v, w});
  }

  // About a dozen rules per custom group on average, the head capped so one
  // group cannot hold the whole estate.
  const std::uint64_t custom = rules - kDefaultGroupRules * numVpcs;
  const std::size_t groups = static_cast<std::size_t>(std::max<std::uint64_t>(std::min<std::uint64_t>(numVpcs, custom), custom / 12));
  const std::uint64_t cap = std::clamp<std::uint64_t>(rules / 10, 20, 5000);
  const auto budgets = zipfBudgets(rng, groups, custom, cap);
  for (std::size_t g = 0; g < groups; ++g) plan.vpcs[g % numVpcs].groupBudgets.push_back(budgets[g]);
  return plan;
}

}  // namespace ward::bench
