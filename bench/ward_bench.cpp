// ward-bench: measures Ward's workloads (W1 load, W2 compile, W3 evaluate,
// W4 one rule in a host loop, W6 reach queries) over a generated estate and
// checks every answer against the estate's expected.json.
#include <malloc.h>
#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common/heap.hpp"
#include "dsl/driver.hpp"
#include "grammar/errors.hpp"
#include "grammar/grammar.hpp"
#include "runtime/facts.hpp"
#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/vm.hpp"
#include "stdlib/stdlib.hpp"
#include "ward/ward.hpp"

// Counting allocations: W4 must not allocate per call, and the only way to
// know is to see every call to the global allocator in this binary.
namespace {
std::atomic<uint64_t> gAllocs{0};
}
void* operator new(std::size_t n) {
  gAllocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  gAllocs.fetch_add(1, std::memory_order_relaxed);
  std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
// GCC 12 sees these free() what its own operator new returned once the
// replacements are inlined into each other, and warns; they are the pair.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace ward::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Answers = std::map<std::string, std::set<std::string>>;

constexpr const char* kRuleSsh = "aws.sg.no_unrestricted_ssh";
constexpr const char* kRuleTraining = "aws.sagemaker.training_private_subnets";
constexpr const char* kRuleApi = "aws.endpoints.sagemaker_api";
const std::vector<std::string> kBenchRules = {kRuleSsh, kRuleTraining, kRuleApi};

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Runs `fn` `runs` times and returns the median wall time in seconds.
template <class Fn>
double timeMedian(int runs, Fn&& fn) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    fn();
    t.push_back(secondsSince(t0));
  }
  return median(t);
}

// Runs `a` and `b` alternately, `runs` times each and more while the pairs
// have taken less than kMinPairedSeconds (at most kMaxPairs): the median time
// of each and the median of the per-pair ratios a / b. On a shared machine a
// neighbour's burst then slows both sides of a pair rather than one workload,
// so the ratio is steadier than one of two medians taken minutes apart; and a
// workload of a few milliseconds (a load of S) gets the hundred-odd pairs its
// median needs to stand still, where five would be at the mercy of one busy
// scheduler tick. Pairs: `runs` at least; their count is reported.
constexpr double kMinPairedSeconds = 0.5;
constexpr int kMaxPairs = 2000;
struct Paired {
  double a = 0, b = 0, ratio = 0;
  int pairs = 0;
};
template <class A, class B>
Paired timePaired(int runs, A&& a, B&& b) {
  std::vector<double> ta, tb, r;
  const auto start = Clock::now();
  for (int i = 0; i < runs || (i < kMaxPairs && secondsSince(start) < kMinPairedSeconds); ++i) {
    auto t0 = Clock::now();
    a();
    ta.push_back(secondsSince(t0));
    t0 = Clock::now();
    b();
    tb.push_back(secondsSince(t0));
    r.push_back(ta.back() / tb.back());
  }
  return {median(ta), median(tb), median(r), static_cast<int>(r.size())};
}

// Minor page faults of the whole process so far (every thread's).
long minorFaults() {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_minflt;
}

uint64_t procStatusKb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtoull(line.c_str() + std::strlen(key) + 1, nullptr, 10);
  return 0;
}

// Touches a byte of every page of the process's file mappings (its code and
// read-only data, and its libraries'), so that they are resident before an
// RSS baseline is taken and what grows after it is what the work allocates.
void faultInFileMappings() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  unsigned sum = 0;
  while (std::getline(maps, line)) {
    unsigned long start = 0, end = 0, inode = 0;
    char perms[5] = {};
    // start-end perms offset dev inode path; inode 0: anonymous or special.
    if (std::sscanf(line.c_str(), "%lx-%lx %4s %*s %*s %lu", &start, &end, perms, &inode) != 4) continue;
    if (perms[0] != 'r' || inode == 0) continue;
    for (unsigned long p = start; p < end; p += 4096) sum += *reinterpret_cast<const volatile unsigned char*>(p);
  }
  // Keeps the reads: the sum is an input of an (empty) asm statement.
  __asm__ volatile("" : : "r"(sum) : "memory");
}

// Resets VmHWM to the current RSS (Linux 4.0 and later); false if refused.
bool resetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "ward-bench: %s\n", msg.c_str());
  std::exit(2);
}

std::vector<std::string> snapshotFiles(const fs::path& accounts) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(accounts))
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

Answers readExpected(const fs::path& file) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.load(file.string()).get(doc)) die("cannot parse " + file.string());
  Answers out;
  for (const auto& rule : kBenchRules) {
    simdjson::dom::array ids;
    if (doc["ids"][rule].get_array().get(ids)) die("expected.json lacks ids." + rule);
    for (auto id : ids) out[rule].insert(std::string(std::string_view(id.get_string().value())));
  }
  return out;
}

// Threads of every load (--load-threads; 0 = the loader's choice).
unsigned gLoadThreads = 0;

std::shared_ptr<const FactBase> load(const std::string& accounts, unsigned threads, LoadStats* stats = nullptr) {
  LoadLimits limits;
  limits.threads = threads;
  limits.stats = stats;
  auto r = loadFacts({accounts}, limits);
  if (!r) die("load failed: " + (r.error().empty() ? std::string("?") : r.error().front().message));
  return *r;
}
std::shared_ptr<const FactBase> load(const std::string& accounts) { return load(accounts, gLoadThreads); }

// Everything a load produced (the stored facts in order, the strings in id
// order, the warnings), to compare a parallel load with a one-thread one.
std::string loadFingerprint(const FactBase& fb) {
  std::string out = toWardJson(fb);
  for (StrId s = 0; s < fb.strings().size(); ++s) {
    out += '\n';
    out += fb.str(s);
  }
  for (const Diagnostic& d : fb.warnings()) out += "\n" + d.message;
  return out;
}

// Whether loading on two threads gives exactly the one-thread fact base, with
// the two parts merged rather than one loaded again.
bool parallelLoadAgrees(const std::string& accounts, bool print) {
  LoadStats stats;
  const bool same = loadFingerprint(*load(accounts, 1)) == loadFingerprint(*load(accounts, 2, &stats));
  const bool ok = same && stats.parts >= 2 && stats.reloaded == 0;
  if (print)
    std::printf("%s parallel-load: %u parts, %u loaded again, %s the one-thread fact base\n", ok ? "PASS" : "FAIL",
                stats.parts, stats.reloaded, same ? "identical to" : "DIFFERS from");
  return ok;
}

// The floor for W1: simdjson's DOM parse of every file, read from disk the
// same way the loader reads it, with one reused parser.
uint64_t simdjsonParseAll(const std::vector<std::string>& files, simdjson::dom::parser& parser) {
  uint64_t elements = 0;
  for (const auto& f : files) {
    simdjson::dom::element doc;
    if (parser.load(f).get(doc)) die("simdjson cannot parse " + f);
    elements += doc.is_array() ? 1 : 2;  // keeps the parse from being optimised away
  }
  return elements;
}

Compilation compileStdlib() {
  CompileRequest req;
  req.withStdlib = true;
  auto c = compilePolicies(req);
  if (!c) die("stdlib does not compile");
  return std::move(*c);
}

// The floor for W2: the grammar alone recognising every module of the
// standard library, with the parser's control (error points, nesting bound)
// and no actions: no syntax tree, no checking, no code. Whatever a compile
// costs beyond this is Ward's own work.
struct GrammarOnlyState {
  unsigned depth = 0;  // what the control's nesting bound counts
};
// How many modules the grammar accepts whole (a syntax error throws, and
// counts as rejected).
size_t modulesAccepted() {
  size_t accepted = 0;
  for (const StdlibModule& m : stdlibModules()) {
    tao::pegtl::memory_input<tao::pegtl::tracking_mode::lazy> in(m.text.data(), m.text.size(), m.name);
    GrammarOnlyState st;
    try {
      accepted += tao::pegtl::parse<grammar::module, tao::pegtl::nothing, grammar::control>(in, st);
    } catch (const tao::pegtl::parse_error&) {
    }
  }
  return accepted;
}
// The timed floor: a grammar that stopped early would time less than the
// whole text, so anything but every module accepted ends the run.
[[gnu::noinline]] size_t recogniseStdlib() {
  const size_t accepted = modulesAccepted();
  if (accepted != stdlibModules().size()) die("the grammar alone rejects a module of the standard library");
  return accepted;
}

// One more compilation after a warm one, under its own name so that
// callgrind can count just it (--toggle-collect='*compileStdlibAgain*').
[[gnu::noinline]] size_t compileStdlibAgain() { return compileStdlib().policy->rules.size(); }

// A copy of the policy holding only the named rules.
CompiledPolicy onlyRules(const CompiledPolicy& p, const std::vector<std::string>& ids) {
  CompiledPolicy out = p;
  out.rules.clear();
  for (const auto& r : p.rules)
    if (std::find(ids.begin(), ids.end(), r.meta.id) != ids.end()) out.rules.push_back(r);
  return out;
}

EvalOptions evalOptions(const FactBase& fb) {
  EvalOptions o;
  o.reach = net::reachHookFor(fb);
  return o;
}

Report evaluateOrDie(const CompiledPolicy& p, const FactBase& fb, const EvalOptions& o) {
  auto r = evaluate(p, fb, o);
  if (!r) die("evaluate failed: " + r.error().message);
  return std::move(*r);
}

// The same, under its own name for callgrind's --toggle-collect (the timed
// evaluation of --only eval3 and --only evalall).
[[gnu::noinline]] Report evaluateThree(const CompiledPolicy& p, const FactBase& fb, const EvalOptions& o) {
  return evaluateOrDie(p, fb, o);
}

Answers vmAnswers(const Report& rep) {
  Answers out;
  for (const auto& rule : kBenchRules) out[rule];
  for (const auto& f : rep.findings)
    if (auto it = out.find(std::string(f.ruleId)); it != out.end()) it->second.emplace(f.resourceId);
  return out;
}

// The candidates of a policy: for each rule, the entities its first loop
// visits (1 for a rule without a whole-kind loop).
uint64_t candidates(const CompiledPolicy& p, const FactBase& fb) {
  uint64_t n = 0;
  for (const auto& r : p.rules) n += !r.fors.empty() && r.fors[0].kind != kNoKind ? fb.count(r.fors[0].kind) : 1;
  return n;
}

uint64_t factCount(const FactBase& fb) {
  uint64_t n = 0;
  for (KindId k = 0; k < fb.schema().kindCount(); ++k) n += fb.count(k);
  return n;
}

// ---------------------------------------------------------------------------
// The hand-written floor for W3: the three questions as plain C++ loops over
// the same fact base, using the same derived columns (private, has_nat,
// has_ml_workloads, vpc_mode, subnets) that the rules read.

struct HandIds {
  KindId sgRule, group, subnet, training, processing, endpoint;
  AttrId ruleGroup, ruleEgress, ruleTraffic, ruleCidr;
  AttrId subnetPrivate, subnetHasNat, subnetMl, subnetVpc;
  AttrId tVpcMode, tSubnets, pVpcMode, pSubnets;
  AttrId eVpc, eService, eType, eState;
};

KindId kindOrDie(const Schema& s, std::string_view k) {
  auto id = s.findKind(k);
  if (!id) die(fmt::format("schema has no kind {}", k));
  return *id;
}
AttrId attrOrDie(const Schema& s, KindId k, std::string_view a) {
  auto id = s.kind(k).find(a);
  if (!id) die(fmt::format("schema has no attribute {}.{}", s.kind(k).name, a));
  return *id;
}

HandIds handIds(const Schema& s) {
  HandIds h{};
  h.sgRule = kindOrDie(s, "sg_rule");
  h.group = kindOrDie(s, "security_group");
  h.subnet = kindOrDie(s, "subnet");
  h.training = kindOrDie(s, "training_job");
  h.processing = kindOrDie(s, "processing_job");
  h.endpoint = kindOrDie(s, "vpc_endpoint");
  h.ruleGroup = attrOrDie(s, h.sgRule, "group");
  h.ruleEgress = attrOrDie(s, h.sgRule, "egress");
  h.ruleTraffic = attrOrDie(s, h.sgRule, "traffic");
  h.ruleCidr = attrOrDie(s, h.sgRule, "cidr");
  h.subnetPrivate = attrOrDie(s, h.subnet, "private");
  h.subnetHasNat = attrOrDie(s, h.subnet, "has_nat");
  h.subnetMl = attrOrDie(s, h.subnet, "has_ml_workloads");
  h.subnetVpc = attrOrDie(s, h.subnet, "vpc");
  h.tVpcMode = attrOrDie(s, h.training, "vpc_mode");
  h.tSubnets = attrOrDie(s, h.training, "subnets");
  h.pVpcMode = attrOrDie(s, h.processing, "vpc_mode");
  h.pSubnets = attrOrDie(s, h.processing, "subnets");
  h.eVpc = attrOrDie(s, h.endpoint, "vpc");
  h.eService = attrOrDie(s, h.endpoint, "service");
  h.eType = attrOrDie(s, h.endpoint, "endpoint_type");
  h.eState = attrOrDie(s, h.endpoint, "state");
  return h;
}

bool isWorld(const Value& v) {
  if (v.tag != Tag::Cidr) return false;
  net::Cidr c = v.asCidr();
  return c.prefix == 0;
}

// Ids found by the loop; the count of flagged entities is returned so the
// timing loop can use it without building strings.
struct HandResult {
  std::vector<std::pair<KindId, EntityIndex>> ssh, training, api;
};

[[gnu::noinline]] void handLoop(const FactBase& fb, const HandIds& h, HandResult& out) {
  out.ssh.clear();
  out.training.clear();
  out.api.clear();
  const net::Traffic ssh{net::kTcp, net::PortRange{22, 22}};
  {
    ColumnView egress = fb.column(h.sgRule, h.ruleEgress), traffic = fb.column(h.sgRule, h.ruleTraffic),
               cidr = fb.column(h.sgRule, h.ruleCidr), group = fb.column(h.sgRule, h.ruleGroup);
    size_t n = fb.count(h.sgRule);
    for (EntityIndex i = 0; i < n; ++i) {
      if (egress[i].asBool() || !isWorld(cidr[i])) continue;
      Value t = traffic[i];
      if (t.tag != Tag::Traffic || !net::contains(t.asTraffic(), ssh)) continue;
      Value g = group[i];
      if (g.tag == Tag::Entity) out.ssh.emplace_back(h.group, g.entityIndex());
    }
  }
  ColumnView priv = fb.column(h.subnet, h.subnetPrivate);
  for (auto [kind, mode, subs] : {std::tuple{h.training, h.tVpcMode, h.tSubnets},
                                  std::tuple{h.processing, h.pVpcMode, h.pSubnets}}) {
    ColumnView vm = fb.column(kind, mode), sl = fb.column(kind, subs);
    size_t n = fb.count(kind);
    for (EntityIndex i = 0; i < n; ++i) {
      if (!vm[i].asBool()) continue;
      for (const Value& s : fb.list(sl[i]))
        if (s.tag == Tag::Entity && !priv[s.entityIndex()].asBool()) {
          out.training.emplace_back(kind, i);
          break;
        }
    }
  }
  {
    // VPCs with an available sagemaker.api interface endpoint.
    std::vector<uint8_t> hasApi;
    ColumnView vpc = fb.column(h.endpoint, h.eVpc), svc = fb.column(h.endpoint, h.eService),
               type = fb.column(h.endpoint, h.eType), state = fb.column(h.endpoint, h.eState);
    auto sApi = fb.strings().find("sagemaker.api"), sIf = fb.strings().find("interface"),
         sAvail = fb.strings().find("available");
    size_t n = fb.count(h.endpoint);
    for (EntityIndex i = 0; i < n && sApi && sIf && sAvail; ++i) {
      Value v = vpc[i], s = svc[i], t = type[i], st = state[i];
      if (v.tag != Tag::Entity || s.tag != Tag::String || s.asString() != *sApi || t.asString() != *sIf ||
          st.asString() != *sAvail)
        continue;
      if (hasApi.size() <= v.entityIndex()) hasApi.resize(v.entityIndex() + 1);
      hasApi[v.entityIndex()] = 1;
    }
    ColumnView ml = fb.column(h.subnet, h.subnetMl), nat = fb.column(h.subnet, h.subnetHasNat),
               svpc = fb.column(h.subnet, h.subnetVpc);
    size_t ns = fb.count(h.subnet);
    for (EntityIndex i = 0; i < ns; ++i) {
      if (!ml[i].asBool() || nat[i].asBool() || !priv[i].asBool()) continue;
      Value v = svpc[i];
      if (v.tag == Tag::Entity && v.entityIndex() < hasApi.size() && hasApi[v.entityIndex()]) continue;
      out.api.emplace_back(h.subnet, i);
    }
  }
}

Answers handAnswers(const FactBase& fb, const HandResult& r) {
  Answers out;
  for (auto [rule, list] : {std::pair{kRuleSsh, &r.ssh}, std::pair{kRuleTraining, &r.training},
                            std::pair{kRuleApi, &r.api}}) {
    auto& ids = out[rule];
    for (auto [k, i] : *list) ids.insert(std::string(fb.idOf(k, i)));
  }
  return out;
}

// Compares answers with expected.json; prints one line per rule and returns
// the number of rules that disagree.
int compare(const char* engine, const Answers& got, const Answers& want, bool verbose) {
  int bad = 0;
  for (const auto& rule : kBenchRules) {
    auto g = got.count(rule) ? got.at(rule) : std::set<std::string>{};
    bool ok = g == want.at(rule);
    bad += !ok;
    if (verbose || !ok)
      std::printf("%s %s %s: %zu ids, expected %zu\n", ok ? "PASS" : "FAIL", engine, rule.c_str(), g.size(),
                  want.at(rule).size());
  }
  return bad;
}

// ---------------------------------------------------------------------------

struct Options {
  std::string estate;
  int runs = 5;
  bool runsGiven = false;
  std::string only;  // "", "load", "compile", "eval", "eval3", "evalall", "rules", "check"
  std::string jsonOut;
  std::string label;
  std::string scalingLarge;  // --scaling: the larger estate, paired against --estate
  std::string rule;          // --rule: --only evalall evaluates just this rule
  // --untuned-heap: leave glibc's malloc as it starts (see main()).
  bool untunedHeap = false;
};

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + a);
      return argv[++i];
    };
    if (a == "--estate") o.estate = next();
    else if (a == "--scaling") o.scalingLarge = next();
    else if (a == "--runs") o.runs = std::max(1, std::atoi(next().c_str())), o.runsGiven = true;
    else if (a == "--only") o.only = next();
    else if (a == "--check-only") o.only = "check";
    else if (a == "--json") o.jsonOut = next();
    else if (a == "--label") o.label = next();
    else if (a == "--rule") o.rule = next();
    else if (a == "--untuned-heap") o.untunedHeap = true;
    else if (a == "--load-threads") gLoadThreads = static_cast<unsigned>(std::max(0, std::atoi(next().c_str())));
    else if (a == "--help" || a == "-h") {
      std::puts(
          "usage: ward-bench --estate DIR [--runs N] [--json FILE] [--label S]\n"
          "       ward-bench --estate DIR --check-only      answers of the VM and the hand loop vs expected.json,\n"
          "                                                 a two-thread load vs a one-thread load, and the\n"
          "                                                 grammar alone (W2's floor) over every stdlib module\n"
          "       --load-threads N                          threads of every load (default 0: the loader's choice)\n"
          "       --untuned-heap                            leave glibc's malloc as it starts instead of setting it up\n"
          "                                                 as the ward CLI does (common/heap.hpp tuneHeap)\n"
          "       ward-bench --estate DIR --only load|compile|eval|eval3|evalall  one run of one workload (for callgrind)\n"
          "       ward-bench --estate DIR --only load|compile|eval3|evalall --runs N  also the median time of N more runs\n"
          "       ward-bench --estate DIR --only evalall --rule ID  one rule alone (for callgrind)\n"
          "       ward-bench --estate DIR --only w4         1,000 W4 checks (callgrind: --toggle-collect='*checkW4Thousand*')\n"
          "       ward-bench --estate DIR --only rules      each rule's evaluation time, slowest first\n"
          "       ward-bench --estate M --scaling L [--runs N] [--json FILE]  whole-stdlib evaluation of M and L\n"
          "                                                 in alternating pairs: the L/M time ratio");
      std::exit(0);
    } else die("unknown argument " + a);
  }
  if (o.estate.empty()) die("--estate DIR is required");
  return o;
}

// 1,000 W4 checks, under their own name for callgrind's --toggle-collect
// (--only w4).
[[gnu::noinline]] void checkW4Thousand(api::RuleChecker& checker, const api::Resource& group) {
  for (int i = 0; i < 1000; ++i) {
    auto v = checker.check(group);
    if (!v || *v != api::Verdict::Pass) die("W4: unexpected result");
  }
}

// W4: the SSH rule over a fact base holding one compliant security group with
// one ingress rule, checked again and again as a host would per change.
constexpr const char* kOneGroup = R"({"SecurityGroups":[{"GroupId":"sg-0000000000000001","GroupName":"one",
 "Description":"one","VpcId":"vpc-0000000000000001","OwnerId":"111111111111",
 "IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}],
 "Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}],"IpPermissionsEgress":[]}]})";
// The same group with SSH open to the world: the rule must fail it.
constexpr const char* kOneOpenGroup = R"({"SecurityGroups":[{"GroupId":"sg-0000000000000001","GroupName":"one",
 "Description":"one","VpcId":"vpc-0000000000000001","OwnerId":"111111111111",
 "IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}],
 "Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}],"IpPermissionsEgress":[]}]})";
constexpr const char* kOneGroupId = "sg-0000000000000001";

// The SSH rule's question as a `ward eval` query through the embedding API
// (W5 warm): one finding of the rule per matching ingress rule.
constexpr const char* kSshQuery =
    "count(r in sg_rules where not r.egress and r.cidr != null and open_to_world(r.cidr) and tcp 22 within "
    "r.traffic and r.group != null)";

size_t sshFindingCount(const Report& r) {
  return static_cast<size_t>(
      std::count_if(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.ruleId == kRuleSsh; }));
}

// The query's answer over the snapshot, loaded through the API.
std::string apiQueryAnswer(const std::string& accounts) {
  api::Engine engine;
  auto policies = engine.compile();
  if (!policies) die("the standard library does not compile: " + policies.error().rendered);
  auto facts = engine.factsFromPaths({accounts});
  if (!facts) die("facts do not load: " + facts.error().rendered);
  auto r = engine.query(*policies, *facts, kSshQuery);
  if (!r) die("the query fails: " + r.error().rendered);
  return r->text;
}

// A RuleChecker of the SSH rule over `json`, through the embedding API as a
// host would make it, and the group resolved once.
std::pair<api::RuleChecker, api::Resource> sshChecker(const api::Engine& engine, const api::PolicySet& policies,
                                                      const char* json) {
  auto facts = engine.factsFromJson(json, "<one-group>");
  if (!facts) die("W4 facts do not load: " + facts.error().rendered);
  auto checker = engine.ruleChecker(policies, *facts, kRuleSsh);
  if (!checker) die("W4: no checker: " + checker.error().rendered);
  auto group = checker->resource(kOneGroupId);
  if (!group) die("W4: " + group.error().rendered);
  return {std::move(*checker), *group};
}

// W3's M -> L growth: both fact bases loaded in one process and the whole
// standard library evaluated over each in turn, so that every L/M ratio
// compares two runs a second apart rather than two processes minutes apart.
int runScaling(const Options& o) {
  const auto small = load((fs::path(o.estate) / "accounts").string());
  const auto large = load((fs::path(o.scalingLarge) / "accounts").string());
  Compilation comp = compileStdlib();
  const CompiledPolicy& all = *comp.policy;
  const EvalOptions es = evalOptions(*small), el = evalOptions(*large);
  evaluateOrDie(all, *small, es);  // derived columns, once
  evaluateOrDie(all, *large, el);
  const Paired p = timePaired(
      o.runs, [&] { evaluateOrDie(all, *large, el); }, [&] { evaluateOrDie(all, *small, es); });
  const double facts = double(factCount(*large)) / double(factCount(*small));
  std::printf("| W3 M -> L (paired) | %.2f ms | %.2f ms | %.2fx time | facts %.2fx |\n", p.b * 1e3, p.a * 1e3,
              p.ratio, facts);
  if (!o.jsonOut.empty()) {
    std::ofstream out(o.jsonOut);
    out << fmt::format("{{\"small_s\":{:.6f},\"large_s\":{:.6f},\"ratio\":{:.4f},\"facts_ratio\":{:.4f},\"runs\":{}}}\n",
                       p.b, p.a, p.ratio, facts, p.pairs);
  }
  return 0;
}

int run(const Options& o) {
  if (!o.scalingLarge.empty()) return runScaling(o);
  const fs::path estate = o.estate;
  const std::string accounts = (estate / "accounts").string();
  const Answers want = readExpected(estate / "expected.json");
  const auto files = snapshotFiles(accounts);
  uint64_t bytes = 0;
  for (const auto& f : files) bytes += fs::file_size(f);

  if (o.only == "w4") {
    api::Engine engine;
    auto policies = engine.compile();
    if (!policies) die("W4: the standard library does not compile");
    auto [checker, group] = sshChecker(engine, *policies, kOneGroup);
    checkW4Thousand(checker, group);  // warm
    checkW4Thousand(checker, group);
    std::puts("w4 2000 checks");
    return 0;
  }
  if (o.only == "compile") {
    compileStdlib();
    const uint64_t allocsBefore = gAllocs.load();
    const size_t rules = compileStdlibAgain();
    // Calls to operator new in one compilation, freeing its result included.
    std::printf("rules %zu allocations %llu\n", rules,
                static_cast<unsigned long long>(gAllocs.load() - allocsBefore));
    recogniseStdlib();  // once, for callgrind's --toggle-collect='*recogniseStdlib*'
    // With --runs N > 1, also the median of N more compilations (for A/B
    // runs of a change to the front end).
    if (o.runsGiven && o.runs > 1) {
      std::printf("compile median %.1f us/rule\n",
                  timeMedian(o.runs, [&] { auto c = compileStdlib(); }) * 1e6 / double(rules ? rules : 1));
      std::printf("grammar alone median %.1f us/rule\n",
                  timeMedian(o.runs, [&] { recogniseStdlib(); }) * 1e6 / double(rules ? rules : 1));
    }
    return 0;
  }
  if (o.only == "load") {
    auto fb = load(accounts);
    std::printf("facts %llu bytes %llu strings %zu\n", (unsigned long long)factCount(*fb), (unsigned long long)bytes,
                fb->strings().size());
    // With --runs N > 1, also the median of N more loads (for A/B runs of a
    // change, and bench/run's rounds against jq), after one more untimed
    // load: a process's first loads are the slowest (fresh memory to fault
    // in), and the W1 figure is taken after several.
    // And the median of their page faults (minor: memory the load touched
    // that the process did not have mapped and resident already).
    if (o.runsGiven && o.runs > 1) {
      load(accounts);
      std::vector<long> faults;
      const double seconds = timeMedian(o.runs, [&] {
        const long before = minorFaults();
        { auto f = load(accounts); }
        faults.push_back(minorFaults() - before);
      });
      std::sort(faults.begin(), faults.end());
      std::printf("load median %.2f ms\n", seconds * 1e3);
      std::printf("load faults median %ld\n", faults[faults.size() / 2]);
    }
    return 0;
  }

  // W1 RSS first, while the process is small: the high-water mark of one load
  // minus what the process held before, over the input size. Measured twice.
  // Cold: the first load of the process, which also faults in the code and
  // tables it runs (about 1.2 MB of the binary: most of the figure at S).
  uint64_t rssBefore = procStatusKb("VmRSS:");
  LoadStats loadStats;
  auto fb = load(accounts, gLoadThreads, &loadStats);
  uint64_t hwm = procStatusKb("VmHWM:");
  const double rssColdRatio = double(hwm > rssBefore ? hwm - rssBefore : 0) * 1024.0 / double(bytes);
  // Then what a load allocates (fact base, parser, file buffer), the figure
  // the target is about: every file mapping made resident, freed memory handed
  // back to the system, the high-water mark reset, and one more load.
  double rssRatio = rssColdRatio;
  faultInFileMappings();
  malloc_trim(0);
  if (resetPeakRss()) {
    const uint64_t before = procStatusKb("VmRSS:");
    load(accounts, gLoadThreads);
    const uint64_t peak = procStatusKb("VmHWM:");
    rssRatio = double(peak > before ? peak - before : 0) * 1024.0 / double(bytes);
  }
  const uint64_t facts = factCount(*fb);

  Compilation comp = compileStdlib();
  const CompiledPolicy& all = *comp.policy;
  const CompiledPolicy three = onlyRules(all, kBenchRules);
  const EvalOptions eo = evalOptions(*fb);
  const HandIds hids = handIds(fb->schema());

  if (o.only == "eval") {
    Report r = evaluateOrDie(all, *fb, eo);
    std::printf("facts %llu findings %zu\n", (unsigned long long)facts, r.findings.size());
    return 0;
  }
  if (o.only == "eval3" || o.only == "evalall") {
    // The three bench rules (or all of them) after one warming evaluation
    // (derived columns cached), as the timed W3 runs see them.
    const CompiledPolicy one = o.rule.empty() ? CompiledPolicy{} : onlyRules(all, {o.rule});
    if (!o.rule.empty() && one.rules.empty()) die("no rule " + o.rule);
    const CompiledPolicy& p = o.only == "eval3" ? three : o.rule.empty() ? all : one;
    evaluateOrDie(p, *fb, eo);
    Report r = evaluateThree(p, *fb, eo);
    HandResult hr;
    handLoop(*fb, hids, hr);
    std::printf("facts %llu findings %zu hand %zu\n", (unsigned long long)facts, r.findings.size(),
                hr.ssh.size() + hr.training.size() + hr.api.size());
    // With --runs N > 1, also the median of N more evaluations (bench/run's
    // rounds that alternate Ward with the jq and sqlite3 peers).
    if (o.runsGiven && o.runs > 1)
      std::printf("%s median %.4f ms\n", o.only.c_str(), timeMedian(o.runs, [&] { auto e = evaluateOrDie(p, *fb, eo); }) * 1e3);
    return 0;
  }
  if (o.only == "rules") {
    // Per-rule evaluation time (median of 3, derived columns warmed), the
    // slowest first: where W3's time goes, and which rules scale worse.
    evaluateOrDie(all, *fb, eo);
    std::vector<std::pair<double, std::string>> times;
    for (const CompiledRule& r : all.rules) {
      const CompiledPolicy one = onlyRules(all, {r.meta.id});
      times.emplace_back(timeMedian(3, [&] { evaluateOrDie(one, *fb, eo); }), r.meta.id);
    }
    std::sort(times.rbegin(), times.rend());
    double sum = 0;
    for (const auto& [t, id] : times) {
      std::printf("%10.3f ms  %s\n", t * 1e3, id.c_str());
      sum += t;
    }
    // The whole policy and the three bench rules in one evaluation each, next
    // to the sum of their parts: the difference is what evaluate() adds
    // (sorting and moving findings, freeing the previous report).
    double three3 = 0;
    for (const auto& [t, id] : times)
      if (std::find(kBenchRules.begin(), kBenchRules.end(), id) != kBenchRules.end()) three3 += t;
    std::printf("%10.3f ms  (sum of the rules above)\n", sum * 1e3);
    std::printf("%10.3f ms  (all rules in one evaluation)\n", timeMedian(3, [&] { evaluateOrDie(all, *fb, eo); }) * 1e3);
    std::printf("%10.3f ms  (sum of the three bench rules)\n", three3 * 1e3);
    std::printf("%10.3f ms  (the three bench rules in one evaluation)\n",
                timeMedian(3, [&] { evaluateOrDie(three, *fb, eo); }) * 1e3);
    return 0;
  }
  if (o.only == "check") {
    Report r = evaluateOrDie(all, *fb, eo);
    const std::string answer = apiQueryAnswer(accounts);
    const bool queryOk = answer == std::to_string(sshFindingCount(r));
    std::printf("%s api-query %s: %s, the VM found %zu findings\n", queryOk ? "PASS" : "FAIL", kRuleSsh,
                answer.c_str(), sshFindingCount(r));
    HandResult hr;
    handLoop(*fb, hids, hr);
    int bad = compare("ward-vm", vmAnswers(r), want, true) + compare("hand-loop", handAnswers(*fb, hr), want, true);
    const bool parallelOk = parallelLoadAgrees(accounts, true);
    // W2's floor is meaningful only if the grammar alone reads every module.
    const size_t accepted = modulesAccepted();
    const bool floorOk = accepted == stdlibModules().size();
    std::printf("%s grammar-alone: accepts %zu of the standard library's %zu modules\n", floorOk ? "PASS" : "FAIL",
                accepted, stdlibModules().size());
    return bad == 0 && queryOk && parallelOk && floorOk ? 0 : 1;
  }

  // W1: load (on the loader's choice of threads) and the simdjson floor; the
  // parallel load must give exactly the one-thread fact base.
  const bool parallelOk = parallelLoadAgrees(accounts, false);
  simdjson::dom::parser parser;
  simdjsonParseAll(files, parser);  // warm the parser's buffers
  volatile uint64_t sink = 0;
  const Paired w1 = timePaired(
      o.runs, [&] { sink = sink + simdjsonParseAll(files, parser); }, [&] { auto f = load(accounts); });
  const double tLoad = w1.b, tSimd = w1.a, loadRatio = w1.ratio;  // simdjson time / load time
  const double mb = double(bytes) / 1e6;
  // The same on one thread, for comparison (no target of its own).
  const Paired w1one = timePaired(
      o.runs, [&] { sink = sink + simdjsonParseAll(files, parser); }, [&] { auto f = load(accounts, 1); });

  // W2: the standard library, and the grammar alone over the same text.
  recogniseStdlib();
  const Paired w2 = timePaired(
      o.runs, [&] { auto c = compileStdlib(); }, [&] { sink = sink + recogniseStdlib(); });
  const double tCompile = w2.a;
  const size_t nRules = all.rules.size();

  // W3: every rule, the three rules, the hand loop. The first evaluation
  // computes derived columns; every timed run after it finds them cached.
  Report rep = evaluateOrDie(all, *fb, eo);
  const int agreeVm = compare("ward-vm", vmAnswers(rep), want, false) == 0;
  const double tEvalAll = timeMedian(o.runs, [&] { rep = evaluateOrDie(all, *fb, eo); });
  HandResult hr;
  handLoop(*fb, hids, hr);
  const int agreeHand = compare("hand-loop", handAnswers(*fb, hr), want, false) == 0;
  const Paired w3 = timePaired(
      o.runs * 4, [&] { auto r = evaluateOrDie(three, *fb, eo); }, [&] { handLoop(*fb, hids, hr); });
  const double tEval3 = w3.a, tHand = w3.b, threeRatio = w3.ratio;
  const uint64_t candAll = candidates(all, *fb), cand3 = candidates(three, *fb);

  // W4: one rule, one resource, in a loop, through the embedding API's
  // RuleChecker (the policies' lets are evaluated when it is made). The
  // failing group is checked once, outside the timed loop.
  api::Engine apiEngine;
  auto policies = apiEngine.compile();
  if (!policies) die("W4: the standard library does not compile: " + policies.error().rendered);
  {
    auto [open, group] = sshChecker(apiEngine, *policies, kOneOpenGroup);
    auto v = open.check(group);
    if (!v || *v != api::Verdict::Fail || open.findings().size() != 1) die("W4: the open group does not fail");
  }
  auto [checker, group] = sshChecker(apiEngine, *policies, kOneGroup);
  if (checker.check(group) != api::Verdict::Pass) die("W4: unexpected result");
  // The median of several batches, like the other workloads: one batch
  // lasts a few milliseconds, short enough for a neighbour to disturb.
  const int w4Batch = 100000, w4Batches = std::max(5, o.runs * 3);
  uint64_t w4Allocs = 0;  // inside the batches only (timeMedian itself allocates)
  const double tBatch = timeMedian(w4Batches, [&] {
    const uint64_t a0 = gAllocs.load();
    for (int i = 0; i < w4Batch; ++i) {
      auto v = checker.check(group);
      if (!v || *v != api::Verdict::Pass) die("W4: unexpected result");
    }
    w4Allocs += gAllocs.load() - a0;
  });
  const double nsPerCall = tBatch * 1e9 / w4Batch;
  const double allocsPerCall = double(w4Allocs) / (double(w4Batch) * w4Batches);

  // W5 warm: a `ward eval`-style query through the embedding API over facts
  // already loaded: prepared once and run (the host's steady state), and
  // prepared and run per call. Its answer must match the VM's SSH findings.
  auto apiFacts = apiEngine.factsFromPaths({accounts});
  if (!apiFacts) die("W5: facts do not load: " + apiFacts.error().rendered);
  auto prepared = apiEngine.prepareQuery(*policies, kSshQuery);
  if (!prepared) die("W5: query does not compile: " + prepared.error().rendered);
  const size_t sshFindings = sshFindingCount(rep);
  std::string queryAnswer;
  const double tQuery = timeMedian(o.runs * 4, [&] {
    auto r = apiEngine.query(*prepared, *apiFacts);
    if (!r) die("W5: query fails: " + r.error().rendered);
    queryAnswer = r->text;
  });
  const double tPrepareQuery = timeMedian(o.runs * 4, [&] {
    auto r = apiEngine.query(*policies, *apiFacts, kSshQuery);
    if (!r) die("W5: query fails: " + r.error().rendered);
  });
  const bool queryAgrees = queryAnswer == std::to_string(sshFindings);
  if (!queryAgrees)
    std::fprintf(stderr, "W5: the query says %s, the VM found %zu SSH findings\n", queryAnswer.c_str(),
                 sshFindings);

  // W6: reach traces from every instance to the internet on tcp 443, and to
  // the next instance on tcp 22.
  net::ReachEngine engine(*fb);
  std::vector<net::FlowQuery> queries;
  auto inst = fb->schema().findKind("instance");
  size_t nInst = inst ? fb->count(*inst) : 0;
  for (size_t i = 0; i < nInst && queries.size() < 2000; ++i) {
    queries.push_back({std::string(fb->idOf(*inst, i)), "internet", std::nullopt, net::kTcp, 443});
    if (nInst > 1)
      queries.push_back({std::string(fb->idOf(*inst, i)), std::string(fb->idOf(*inst, (i + 1) % nInst)),
                         std::nullopt, net::kTcp, 22});
  }
  uint64_t traceErrors = 0;
  const double tReach = timeMedian(o.runs, [&] {
    for (const auto& q : queries) traceErrors += !engine.trace(q).has_value();
  });
  const double qps = queries.empty() ? 0 : double(queries.size()) / tReach;

  std::string label = o.label.empty() ? estate.filename().string() : o.label;
  std::printf("| W1 load | %s | %.1f MB/s | simdjson DOM %.1f MB/s | ratio %.3f | peak RSS %.2fx input (cold %.2fx) |\n",
              label.c_str(), mb / tLoad, mb / tSimd, loadRatio, rssRatio, rssColdRatio);
  std::printf("| W2 compile stdlib | %s | %.1f us/rule (%zu rules, %.2f ms) | grammar alone %.1f us/rule | %.1fx the grammar |\n",
              label.c_str(), tCompile * 1e6 / double(nRules), nRules, tCompile * 1e3, w2.b * 1e6 / double(nRules),
              w2.ratio);
  std::printf("| W3 evaluate all | %s | %.2f ms | %.1f ns/(rule x candidate) | agree %s |\n", label.c_str(),
              tEvalAll * 1e3, tEvalAll * 1e9 / double(candAll), agreeVm ? "yes" : "NO");
  std::printf("| W3 three rules | %s | %.1f us | hand loop %.1f us | ratio %.1fx | hand agree %s |\n", label.c_str(),
              tEval3 * 1e6, tHand * 1e6, threeRatio, agreeHand ? "yes" : "NO");
  std::printf("| W4 one rule, one resource | %.0f ns/call | %.2f allocations/call |\n", nsPerCall, allocsPerCall);
  std::printf("| W5 warm query | %s | %.1f us prepared | %.1f us prepare + run | agree %s |\n", label.c_str(),
              tQuery * 1e6, tPrepareQuery * 1e6, queryAgrees ? "yes" : "NO");
  std::printf("| W6 reach | %s | %.0f traces/s (%zu queries, %llu errors) |\n", label.c_str(), qps, queries.size(),
              (unsigned long long)traceErrors / (unsigned long long)o.runs);

  if (!o.jsonOut.empty()) {
    std::ofstream out(o.jsonOut);
    out << fmt::format(
        "{{\"estate\":\"{}\",\"bytes\":{},\"files\":{},\"facts\":{},\"runs\":{},\"heap_tuned\":{},\n"
        "\"w1\":{{\"load_s\":{:.6f},\"load_mb_s\":{:.2f},\"simdjson_s\":{:.6f},\"simdjson_mb_s\":{:.2f},"
        "\"ratio_to_simdjson\":{:.4f},\"peak_rss_over_input\":{:.3f},\"peak_rss_cold_over_input\":{:.3f},\"parts\":{},\"parallel_agrees\":{},\"one_thread_s\":{:.6f},\"one_thread_ratio\":{:.4f},\"pairs\":{},\"one_thread_pairs\":{}}},\n"
        "\"w2\":{{\"compile_s\":{:.6f},\"rules\":{},\"us_per_rule\":{:.3f},\"grammar_s\":{:.6f},\"over_grammar\":{:.3f},\"pairs\":{}}},\n"
        "\"w3\":{{\"all_s\":{:.6f},\"all_candidates\":{},\"ns_per_rule_candidate\":{:.3f},\"findings\":{},"
        "\"three_s\":{:.7f},\"three_candidates\":{},\"hand_s\":{:.7f},\"three_over_hand\":{:.3f},\"pairs\":{},"
        "\"vm_agrees\":{},\"hand_agrees\":{}}},\n"
        "\"w4\":{{\"ns_per_call\":{:.1f},\"allocs_per_call\":{:.3f}}},\n"
        "\"w5warm\":{{\"query_s\":{:.7f},\"prepare_query_s\":{:.7f},\"agrees\":{}}},\n"
        "\"w6\":{{\"queries\":{},\"traces_per_s\":{:.1f},\"errors\":{}}}}}\n",
        label, bytes, files.size(), facts, o.runs, o.untunedHeap ? "false" : "true", tLoad, mb / tLoad, tSimd, mb / tSimd, loadRatio, rssRatio, rssColdRatio,
        loadStats.parts, parallelOk ? "true" : "false", w1one.b, w1one.ratio, w1.pairs, w1one.pairs,
        tCompile, nRules, tCompile * 1e6 / double(nRules), w2.b, w2.ratio, w2.pairs, tEvalAll, candAll,
        tEvalAll * 1e9 / double(candAll), rep.findings.size(), tEval3, cand3, tHand, threeRatio, w3.pairs, agreeVm ? "true" : "false",
        agreeHand ? "true" : "false", nsPerCall, allocsPerCall, tQuery, tPrepareQuery, queryAgrees ? "true" : "false",
        queries.size(), qps, traceErrors / o.runs);
  }
  return agreeVm && agreeHand && queryAgrees && parallelOk ? 0 : 1;
}

}  // namespace
}  // namespace ward::bench

int main(int argc, char** argv) {
  const ward::bench::Options o = ward::bench::parseArgs(argc, argv);
  // The heap set up as the ward CLI sets it up (one arena, no trimming,
  // blocks up to 32 MiB kept in the heap), before any thread starts: with
  // glibc's defaults a process that loads again and again gives memory back
  // between loads and faults it in afresh, thousands of pages per load and
  // more in some runs than in others (bench/RESULTS.md, session 24).
  // --untuned-heap measures a host that leaves the defaults.
  if (!o.untunedHeap) ward::tuneHeap();
  return ward::bench::run(o);
}
