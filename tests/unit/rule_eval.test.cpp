// Tests of the per-resource entry points (runtime/rule_eval.hpp and
// ward::api::RuleChecker): the same findings as evaluate() for every stdlib
// rule and every fact of every stdlib fixture, no allocation on the passing
// path, budgets per check, exemptions, and the C API.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "dsl/driver.hpp"
#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/rule_eval.hpp"
#include "runtime/vm.hpp"
#include "ward/ward.h"
#include "ward/ward.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

// Counting allocations: "a passing check does not allocate" is a statement
// about every call to the global allocator, so this binary replaces it.
// Counting is off unless a test turns it on.
// Note: GCC 12 sees malloc behind `new` and free behind `delete` once these
// are inlined, and warns about a mismatch that is not one.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<bool> gCounting{false};
std::atomic<uint64_t> gAllocs{0};
}  // namespace
void* operator new(std::size_t n) {
  if (gCounting.load(std::memory_order_relaxed)) gAllocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (gCounting.load(std::memory_order_relaxed)) gAllocs.fetch_add(1, std::memory_order_relaxed);
  std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
// The nothrow forms too (simdjson's padded_string uses them): left to a
// sanitizer's runtime, they came from its allocator and went back to free()
// above, which AddressSanitizer reports as a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return operator new(n, a);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t& t) noexcept {
  return operator new(n, a, t);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace ward {
namespace {

namespace fs = std::filesystem;

// Allocations made while `fn` runs.
template <class Fn>
uint64_t allocationsDuring(Fn&& fn) {
  const uint64_t before = gAllocs.load();
  gCounting = true;
  fn();
  gCounting = false;
  return gAllocs.load() - before;
}

constexpr const char* kRuleSsh = "aws.sg.no_unrestricted_ssh";

// One security group whose only ingress rule admits SSH from `cidr`.
std::string oneGroup(const std::string& cidr) {
  return R"({"SecurityGroups":[{"GroupId":"sg-0000000000000001","GroupName":"one","Description":"one",
 "VpcId":"vpc-0000000000000001","OwnerId":"111111111111","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,
 "ToPort":22,"IpRanges":[{"CidrIp":")" +
         cidr + R"("}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}],"IpPermissionsEgress":[]}]})";
}

const Compilation& stdlib() {
  static const Compilation c = [] {
    CompileRequest req;
    req.withStdlib = true;
    auto r = compilePolicies(req);
    REQUIRE(r);
    return std::move(*r);
  }();
  return c;
}

Compilation compileSource(const std::string& text) {
  CompileRequest req;
  req.withStdlib = false;
  req.sources.push_back(PolicySource{"t.ward", text});
  auto r = compilePolicies(req);
  REQUIRE(r);
  return std::move(*r);
}

std::shared_ptr<const FactBase> loadJson(const std::string& json) {
  auto r = loadFactsFromJson(json, "facts.json");
  REQUIRE(r);
  return *r;
}

// Everything a finding shows, as one comparable line.
std::string key(const Finding& f) {
  std::string out = fmt::format("{}|{}|{}|{}|{}|", f.ruleId, f.resourceKind, f.resourceId, f.message,
                                 f.exempted ? fmt::format("exempted:{}", f.exemptionReason) : "");
  for (const Binding& b : f.bindings) out += fmt::format("{}={}:{};", b.name, b.kind, b.value);
  for (const FailedCheck& c : f.failed) {
    out += fmt::format("|{}", c.expr);
    for (const auto& [text, value] : c.values) out += fmt::format(" {}={}", text, value);
  }
  return out;
}

EvalOptions optionsFor(const FactBase& fb) {
  EvalOptions o;
  o.reach = net::reachHookFor(fb);
  o.today = 20000;  // 2024-10-04
  return o;
}

TEST_SUITE("rule_eval") {
  // For every fixture, every rule and every fact: the findings of the
  // per-resource checks, put together, are evaluate()'s findings of the rule;
  // a check fails exactly when it has findings; and the fixture's case shows
  // in the verdicts of its own rule.
  TEST_CASE("every stdlib rule agrees with evaluate() on every fixture and candidate") {
    const CompiledPolicy& policy = *stdlib().policy;
    const fs::path root = fs::path(WARD_SOURCE_ROOT) / "stdlib" / "tests";
    size_t fixtures = 0, checks = 0;
    for (const auto& dir : fs::directory_iterator(root)) {
      if (!dir.is_directory()) continue;
      const std::string ownRule = dir.path().filename().string();
      for (const char* kase : {"fires", "passes", "na"}) {
        const fs::path file = dir.path() / (std::string(kase) + ".json");
        if (!fs::exists(file)) continue;
        ++fixtures;
        auto loaded = loadFacts({file.string()});
        REQUIRE_MESSAGE(loaded, file.string());
        const FactBase& fb = **loaded;
        const EvalOptions opts = optionsFor(fb);
        auto report = evaluate(policy, fb, opts);
        REQUIRE_MESSAGE(report, file.string());
        auto evaluator = RuleEvaluator::create(policy, fb, opts);
        REQUIRE_MESSAGE(evaluator, file.string());

        for (const CompiledRule& rule : policy.rules) {
          if (rule.fors.empty()) continue;
          auto handle = (*evaluator)->findRule(rule.meta.id);
          REQUIRE_MESSAGE(handle, rule.meta.id);
          std::vector<std::string> want, got;
          for (const Finding& f : report->findings)
            if (f.ruleId == rule.meta.id) want.push_back(key(f));
          std::map<Verdict, int> verdicts;
          for (size_t k = 0; k < fb.schema().kindCount(); ++k) {
            for (size_t i = 0; i < fb.count(static_cast<KindId>(k)); ++i) {
              auto v = (*evaluator)->check(*handle, EntityRef{static_cast<KindId>(k), static_cast<EntityIndex>(i)});
              ++checks;
              REQUIRE_MESSAGE(v, rule.meta.id << " on " << fb.idOf(static_cast<KindId>(k), i) << " in " << file);
              ++verdicts[*v];
              const auto found = (*evaluator)->findings();
              CHECK_MESSAGE((*v == Verdict::Fail || *v == Verdict::Exempted) == !found.empty(),
                            rule.meta.id << " in " << file);
              for (const Finding& f : found) {
                CHECK(f.resourceId == fb.idOf(static_cast<KindId>(k), i));
                got.push_back(key(f));
              }
            }
          }
          std::sort(want.begin(), want.end());
          std::sort(got.begin(), got.end());
          CHECK_MESSAGE(want == got, rule.meta.id << " in " << file);
          if (rule.meta.id != ownRule) continue;
          const std::string name = rule.meta.id + " / " + kase;
          INFO(name);
          if (std::string(kase) == "fires") CHECK(verdicts[Verdict::Fail] > 0);
          if (std::string(kase) == "passes") {
            CHECK(verdicts[Verdict::Pass] > 0);
            CHECK(verdicts[Verdict::Fail] == 0);
          }
          // Note: "na" fixtures include estates where the rule's `require`
          // holds trivially (nothing relies on the endpoint), which a check
          // reports as a pass; what matters is that nothing fails.
          if (std::string(kase) == "na") CHECK(verdicts[Verdict::Fail] == 0);
        }
      }
    }
    CHECK(fixtures >= 150);
    MESSAGE(checks << " checks over " << fixtures << " fixtures");
  }

  TEST_CASE("a passing check allocates nothing") {
    const CompiledPolicy& policy = *stdlib().policy;
    auto pass = loadJson(oneGroup("10.0.0.0/8"));
    EvalOptions opts;
    auto ev = RuleEvaluator::create(policy, *pass, opts);
    REQUIRE(ev);
    auto rule = (*ev)->findRule(kRuleSsh);
    REQUIRE(rule);
    auto sg = (*ev)->findResource(*rule, "sg-0000000000000001");
    REQUIRE(sg);
    REQUIRE((*ev)->check(*rule, *sg) == Verdict::Pass);  // warms the derived columns
    bool allPass = true;
    CHECK(allocationsDuring([&] {
            for (int i = 0; i < 1000; ++i) allPass = allPass && (*ev)->check(*rule, *sg) == Verdict::Pass;
          }) == 0);
    CHECK(allPass);

    // A failing check builds its finding; the passing ones after it still
    // allocate nothing.
    auto fail = loadJson(oneGroup("0.0.0.0/0"));
    auto evFail = RuleEvaluator::create(policy, *fail, opts);
    REQUIRE(evFail);
    auto ruleFail = (*evFail)->findRule(kRuleSsh);
    REQUIRE(ruleFail);
    auto sgFail = (*evFail)->findEntity("security_group", "sg-0000000000000001");
    REQUIRE(sgFail);
    CHECK((*evFail)->check(*ruleFail, *sgFail) == Verdict::Fail);
    REQUIRE((*evFail)->findings().size() == 1);
    CHECK((*evFail)->findings()[0].message.find("allows tcp 22 (SSH) from 0.0.0.0/0") != std::string::npos);
    CHECK((*ev)->check(*rule, *sg) == Verdict::Pass);
    CHECK(allocationsDuring([&] { allPass = (*ev)->check(*rule, *sg) == Verdict::Pass; }) == 0);
    CHECK(allPass);
  }

  TEST_CASE("the public RuleChecker and the C API allocate nothing on a pass") {
    api::Engine engine;
    auto policies = engine.compile();
    REQUIRE(policies);
    auto facts = engine.factsFromJson(oneGroup("10.0.0.0/8"));
    REQUIRE(facts);
    auto checker = engine.ruleChecker(*policies, *facts, kRuleSsh);
    REQUIRE(checker);
    auto sg = checker->resource("sg-0000000000000001");
    REQUIRE(sg);
    REQUIRE(checker->check(*sg) == api::Verdict::Pass);
    bool allPass = true;
    CHECK(allocationsDuring([&] {
            for (int i = 0; i < 1000; ++i) allPass = allPass && checker->check(*sg) == api::Verdict::Pass;
          }) == 0);
    CHECK(allPass);
    CHECK(checker->findings().empty());

    ward_engine* e = ward_engine_new();
    REQUIRE(e);
    REQUIRE(ward_engine_compile(e) == WARD_OK);
    const std::string json = oneGroup("0.0.0.0/0");
    ward_facts* f = ward_facts_from_json(e, json.data(), json.size());
    REQUIRE(f);
    ward_checker* c = ward_checker_new(e, f, kRuleSsh);
    REQUIRE(c);
    ward_facts_free(f);  // the checker keeps the facts alive
    ward_resource r{};
    REQUIRE(ward_checker_resource(c, "sg-0000000000000001", &r) == WARD_OK);
    ward_verdict v = WARD_PASS;
    CHECK(ward_checker_check(c, r, &v) == WARD_OK);
    CHECK(v == WARD_FAIL);
    CHECK(std::string(ward_verdict_name(v)) == "fail");
    REQUIRE(ward_checker_finding_count(c) == 1);
    CHECK(std::string(ward_checker_finding_message(c, 0)).find("0.0.0.0/0") != std::string::npos);
    CHECK(ward_checker_finding_message(c, 1) == nullptr);
    CHECK(ward_checker_resource(c, "sg-nope", &r) == WARD_ERR_INVALID_ARGUMENT);
    CHECK(std::string(ward_checker_last_error(c)).find("sg-nope") != std::string::npos);
    CHECK(ward_checker_new(e, nullptr, kRuleSsh) == nullptr);
    ward_checker_free(c);
    ward_engine_free(e);
  }

  TEST_CASE("unknown rules, rules without for, unknown resources") {
    api::Engine engine;
    engine.useStdlib(false);
    REQUIRE(engine.addPolicySource("t.ward", R"(package t
rule always {
  require count(security_groups) < 100
}
rule groups {
  for g in security_groups
  require g.group_name != "open"
}
)"));
    auto policies = engine.compile();
    REQUIRE(policies);
    auto facts = engine.factsFromJson(oneGroup("0.0.0.0/0"));
    REQUIRE(facts);
    auto none = engine.ruleChecker(*policies, *facts, "t.nope");
    REQUIRE_FALSE(none);
    CHECK(none.error().code == api::ErrorCode::InvalidArgument);
    auto noFor = engine.ruleChecker(*policies, *facts, "t.always");
    REQUIRE_FALSE(noFor);
    CHECK(noFor.error().code == api::ErrorCode::InvalidArgument);
    auto groups = engine.ruleChecker(*policies, *facts, "t.groups");
    REQUIRE(groups);
    CHECK(groups->check("sg-0000000000000001") == api::Verdict::Pass);
    auto missing = groups->check("sg-missing");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == api::ErrorCode::InvalidArgument);
    // A fact of another kind is no candidate.
    auto sg = groups->resource("security_group", "sg-0000000000000001");
    REQUIRE(sg);
    CHECK(groups->check(api::Resource{sg->kind + 1, 0}) == api::Verdict::NotApplicable);
  }

  // Budgets are per check: a check that fits in the step limit fits every
  // time, and one that does not fails closed every time.
  TEST_CASE("limits apply to each check afresh") {
    Compilation c = compileSource(R"(package t
rule wide {
  for g in security_groups
  for r in g.ingress where r.cidr != null and r.cidr == 0.0.0.0/0
  require not (tcp 22 within r.traffic)
}
)");
    auto fb = loadJson(oneGroup("10.0.0.0/8"));
    EvalOptions opts;
    auto probe = RuleEvaluator::create(*c.policy, *fb, opts);
    REQUIRE(probe);
    auto rule = (*probe)->findRule("t.wide");
    REQUIRE(rule);
    auto sg = (*probe)->findEntity("security_group", "sg-0000000000000001");
    REQUIRE(sg);
    auto first = (*probe)->check(*rule, *sg);
    REQUIRE_MESSAGE(first, (first ? "" : first.error().message));
    REQUIRE(*first == Verdict::Pass);
    const uint64_t steps = (*probe)->steps();
    REQUIRE(steps > 1);

    opts.limits.maxSteps = steps;
    auto fits = RuleEvaluator::create(*c.policy, *fb, opts);
    REQUIRE(fits);
    auto r1 = (*fits)->findRule("t.wide");
    REQUIRE(r1);
    for (int i = 0; i < 10; ++i) CHECK((*fits)->check(*r1, *sg) == Verdict::Pass);

    opts.limits.maxSteps = steps - 1;
    auto tight = RuleEvaluator::create(*c.policy, *fb, opts);
    REQUIRE(tight);
    auto r2 = (*tight)->findRule("t.wide");
    REQUIRE(r2);
    for (int i = 0; i < 3; ++i) {
      auto v = (*tight)->check(*r2, *sg);
      REQUIRE_FALSE(v);
      CHECK(v.error().code == EvalErrorCode::StepLimit);
    }
  }

  TEST_CASE("exemptions mark the finding as evaluate() does") {
    Compilation c = compileSource(R"(package t
rule wide {
  for g in security_groups
  for r in g.ingress where r.cidr != null and r.cidr == 0.0.0.0/0
  require not (tcp 22 within r.traffic)
}
exempt wide for security_group "sg-0000000000000001" by "alice" because "bastion"
)");
    auto fb = loadJson(oneGroup("0.0.0.0/0"));
    EvalOptions opts;
    opts.today = 20000;
    auto report = evaluate(*c.policy, *fb, opts);
    REQUIRE(report);
    REQUIRE(report->findings.size() == 1);
    CHECK(report->findings[0].exempted);
    auto ev = RuleEvaluator::create(*c.policy, *fb, opts);
    REQUIRE(ev);
    auto rule = (*ev)->findRule("t.wide");
    REQUIRE(rule);
    auto sg = (*ev)->findEntity("security_group", "sg-0000000000000001");
    REQUIRE(sg);
    CHECK((*ev)->check(*rule, *sg) == Verdict::Exempted);
    REQUIRE((*ev)->findings().size() == 1);
    CHECK(key((*ev)->findings()[0]) == key(report->findings[0]));
  }
}

}  // namespace
}  // namespace ward
