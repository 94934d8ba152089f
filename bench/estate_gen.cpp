// estate-gen: writes a deterministic synthetic AWS estate (AWS CLI describe-* JSON per account and region) and the exact findings of three reference rules.
//
// Usage: estate-gen --size S|M|L|<rules> [--seed N] --out DIR
//
// The same size and seed always give byte-identical output: all randomness
// comes from a seeded xoshiro256**, ids from a counter passed through a
// bijective mixer, and nothing depends on hash-table order or the clock.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "estategen/model.hpp"
#include "estategen/plan.hpp"
#include "estategen/serialize.hpp"
#include "estategen/support.hpp"
#include "estategen/workloads.hpp"

namespace ward::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string size;
  std::uint64_t rules = 0;
  std::uint64_t seed = 42;
  fs::path out;
};

struct Stats {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t rules = 0;
  std::uint64_t resources = 0;
};

constexpr std::string_view kUsage =
    "usage: estate-gen --size S|M|L|<rules> [--seed N] --out DIR\n"
    "  S = about 1k security-group rules, M = 100k, L = 1M; a number gives that many rules exactly.\n"
    "  DIR must be absent or empty. Writes DIR/accounts/<id>/<region>/*.json and DIR/expected.json.\n";

bool parseNumber(std::string_view text, std::uint64_t& value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

// Returns an error message, or an empty string when the options are usable.
std::string parseOptions(int argc, char** argv, Options& opt) {
  bool haveSize = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return "help";
    if (i + 1 >= argc) return fmt::format("missing value after '{}'", arg);
    const std::string_view value = argv[++i];
    if (arg == "--size") {
      haveSize = true;
      opt.size = std::string(value);
      if (value == "S")
        opt.rules = 1000;
      else if (value == "M")
        opt.rules = 100000;
      else if (value == "L")
        opt.rules = 1000000;
      else if (!parseNumber(value, opt.rules))
        return fmt::format("--size expects S, M, L or a number of rules, got '{}'", value);
    } else if (arg == "--seed") {
      if (!parseNumber(value, opt.seed)) return fmt::format("--seed expects a non-negative integer, got '{}'", value);
    } else if (arg == "--out") {
      opt.out = fs::path(value);
    } else {
      return fmt::format("unknown option '{}'", arg);
    }
  }
  if (!haveSize) return "--size is required";
  if (opt.out.empty()) return "--out is required";
  // Below this the fixed default groups leave no room for custom ones.
  if (opt.rules < 10) return fmt::format("--size needs at least 10 rules, got {}", opt.rules);
  if (opt.rules > 100000000) return fmt::format("--size allows at most 100000000 rules, got {}", opt.rules);
  return {};
}

class Output {
 public:
  explicit Output(Stats& stats) : stats_(stats) {}

  // Writes one file whose body the callback produces; counts it in the stats
  // unless it is expected.json itself.
  template <class Body>
  bool write(const fs::path& path, Body&& body, bool counted = true) {
    buffer_.clear();
    JsonWriter w(buffer_);
    body(w);
    buffer_ += '\n';
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
      fmt::print(stderr, "estate-gen: cannot create {}\n", path.string());
      return false;
    }
    const bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), f) == buffer_.size();
    if (std::fclose(f) != 0 || !ok) {
      fmt::print(stderr, "estate-gen: cannot write {}\n", path.string());
      return false;
    }
    if (counted) {
      ++stats_.files;
      stats_.bytes += buffer_.size();
    }
    return true;
  }

  // `{"Key": [items...]}`, the envelope of every EC2 describe call.
  template <class Items, class Emit>
  bool list(const fs::path& path, std::string_view key, const Items& items, Emit&& emit) {
    return write(path, [&](JsonWriter& w) {
      w.beginObject();
      w.key(key);
      w.beginArray();
      for (const auto& item : items) emit(w, item);
      w.endArray();
      w.endObject();
    });
  }

  // A bare array, the shape of the SageMaker files.
  template <class Items, class Emit>
  bool array(const fs::path& path, const Items& items, Emit&& emit) {
    return write(path, [&](JsonWriter& w) {
      w.beginArray();
      for (const auto& item : items) emit(w, item);
      w.endArray();
    });
  }

 private:
  Stats& stats_;
  std::string buffer_;
};

bool writeAccountRegion(Output& out, const fs::path& dir, const ArModel& m) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "estate-gen: cannot create {}: {}\n", dir.string(), ec.message());
    return false;
  }
  auto with = [&](auto fn) { return [&m, fn](JsonWriter& w, const auto& item) { fn(w, m, item); }; };
  auto plain = [](auto fn) { return [fn](JsonWriter& w, const auto& item) { fn(w, item); }; };
  bool ok = true;
  ok = ok && out.list(dir / "Vpcs.json", "Vpcs", m.vpcs, with(writeVpc));
  ok = ok && out.list(dir / "Subnets.json", "Subnets", m.subnets, with(writeSubnet));
  ok = ok && out.list(dir / "RouteTables.json", "RouteTables", m.routeTables, with(writeRouteTable));
  ok = ok && out.list(dir / "InternetGateways.json", "InternetGateways", m.igws, with(writeInternetGateway));
  ok = ok && out.list(dir / "NatGateways.json", "NatGateways", m.nats, plain(writeNatGateway));
  ok = ok && out.list(dir / "NetworkAcls.json", "NetworkAcls", m.nacls, with(writeNetworkAcl));
  ok = ok && out.list(dir / "SecurityGroups.json", "SecurityGroups", m.groups, with(writeSecurityGroup));
  ok = ok && out.list(dir / "VpcEndpoints.json", "VpcEndpoints", m.endpoints, with(writeVpcEndpoint));
  ok = ok && out.list(dir / "VpcPeeringConnections.json", "VpcPeeringConnections", m.peerings, plain(writePeering));
  ok = ok && out.list(dir / "FlowLogs.json", "FlowLogs", m.flowLogs, with(writeFlowLog));
  ok = ok && out.list(dir / "PrefixLists.json", "PrefixLists", m.prefixLists, plain(writePrefixList));
  ok = ok && out.list(dir / "Reservations.json", "Reservations", m.instances, with(writeReservation));
  ok = ok && out.list(dir / "NetworkInterfaces.json", "NetworkInterfaces", m.enis, with(writeNetworkInterface));
  ok = ok && out.array(dir / "TrainingJobs.json", m.training, with(writeTrainingJob));
  ok = ok && out.array(dir / "ProcessingJobs.json", m.processing, with(writeProcessingJob));
  ok = ok && out.array(dir / "NotebookInstances.json", m.notebooks, with(writeNotebook));
  ok = ok && out.array(dir / "Endpoints.json", m.smEndpoints, with(writeSmEndpoint));
  return ok;
}

std::uint64_t countRules(const ArModel& m) {
  std::uint64_t n = 0;
  for (const auto& g : m.groups) {
    for (const auto& p : g.ingress) n += p.ruleCount();
    for (const auto& p : g.egress) n += p.ruleCount();
  }
  return n;
}

// Peerings are counted once per estate in main, not once per file they appear in.
std::uint64_t countResources(const ArModel& m) {
  return m.vpcs.size() + m.subnets.size() + m.routeTables.size() + m.igws.size() + m.nats.size() + m.nacls.size() +
         m.groups.size() + m.endpoints.size() + m.flowLogs.size() + m.instances.size() + m.enis.size() +
         m.training.size() + m.processing.size() + m.notebooks.size() + m.smEndpoints.size();
}

constexpr std::string_view kRuleSsh = "aws.sg.no_unrestricted_ssh";
constexpr std::string_view kRuleTraining = "aws.sagemaker.training_private_subnets";
constexpr std::string_view kRuleApi = "aws.endpoints.sagemaker_api";

bool writeExpected(Output& out, const Options& opt, const Plan& plan, Findings& f, const Stats& stats) {
  for (auto* ids : {&f.ssh, &f.trainingJobs, &f.apiSubnets}) std::sort(ids->begin(), ids->end());
  // Rule ids in sorted order, each with its findings.
  const std::vector<std::pair<std::string_view, const std::vector<std::string>*>> rules = {
      {kRuleApi, &f.apiSubnets}, {kRuleTraining, &f.trainingJobs}, {kRuleSsh, &f.ssh}};
  return out.write(
      opt.out / "expected.json",
      [&](JsonWriter& w) {
        w.beginObject();
        w.key("counts");
        w.beginObject();
        for (const auto& [id, ids] : rules) w.num(id, static_cast<std::int64_t>(ids->size()));
        w.endObject();
        w.key("ids");
        w.beginObject();
        for (const auto& [id, ids] : rules) w.strArray(id, *ids);
        w.endObject();
        w.num("seed", static_cast<std::int64_t>(opt.seed));
        w.str("size", opt.size);
        w.key("stats");
        w.beginObject();
        w.num("accounts", static_cast<std::int64_t>(plan.accounts));
        w.num("bytes", static_cast<std::int64_t>(stats.bytes));
        w.num("files", static_cast<std::int64_t>(stats.files));
        w.num("regions", static_cast<std::int64_t>(plan.regions));
        w.num("resources", static_cast<std::int64_t>(stats.resources));
        w.num("security_group_rules", static_cast<std::int64_t>(stats.rules));
        w.num("vpcs", static_cast<std::int64_t>(plan.vpcs.size()));
        w.endObject();
        w.endObject();
      },
      false);
}

int run(int argc, char** argv) {
  Options opt;
  if (const std::string error = parseOptions(argc, argv, opt); !error.empty()) {
    if (error == "help") {
      fmt::print("{}", kUsage);
      return 0;
    }
    fmt::print(stderr, "estate-gen: error: {}\n{}", error, kUsage);
    return 2;
  }
  std::error_code ec;
  if (fs::exists(opt.out, ec) && !fs::is_empty(opt.out, ec)) {
    fmt::print(stderr, "estate-gen: error: output directory {} is not empty\n", opt.out.string());
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();

  Shared shared{IdMaker(opt.seed)};
  const Plan plan = makePlan(opt.rules, opt.seed, shared.ids);
  Stats stats;
  Output out(stats);
  Findings findings;
  for (std::size_t ar = 0; ar < plan.ars.size(); ++ar) {
    const ArModel m = buildAccountRegion(plan, ar, shared, opt.seed);
    evaluateRules(m, findings);
    stats.rules += countRules(m);
    stats.resources += countResources(m);
    if (!writeAccountRegion(out, opt.out / "accounts" / m.account / m.region, m)) return 2;
  }
  stats.resources += plan.peerings.size();
  if (stats.rules != opt.rules) {
    fmt::print(stderr, "estate-gen: internal error: wrote {} security-group rules, planned {}\n", stats.rules, opt.rules);
    return 2;
  }
  if (!writeExpected(out, opt, plan, findings, stats)) return 2;

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("estate-gen: size {} seed {}: {} accounts x {} regions, {} VPCs, {} resources, {} rules; "
             "{} files, {} bytes in {:.2f}s\n",
             opt.size, opt.seed, plan.accounts, plan.regions, plan.vpcs.size(), stats.resources, stats.rules,
             stats.files, stats.bytes, seconds);
  fmt::print("estate-gen: findings: {} {}, {} {}, {} {}\n", kRuleSsh, findings.ssh.size(), kRuleTraining,
             findings.trainingJobs.size(), kRuleApi, findings.apiSubnets.size());
  return 0;
}

}  // namespace
}  // namespace ward::bench

int main(int argc, char** argv) { return ward::bench::run(argc, argv); }
