// Evaluation on several threads (EvalOptions::threads): the same report as on
// one, byte for byte, over the standard library and the example estates; the
// same error as a sequential run (the earliest failing rule); budgets summed.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dsl/driver.hpp"
#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/vm.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

using namespace ward;

namespace {

Compilation compile(bool withStdlib, const std::string& text = {}) {
  CompileRequest req;
  req.withStdlib = withStdlib;
  if (!text.empty()) req.sources.push_back(PolicySource{"t.ward", text});
  auto r = compilePolicies(req);
  REQUIRE(r);
  return std::move(*r);
}

std::string render(const Report& r) {
  std::string out = "rules " + std::to_string(r.rulesEvaluated) + "\n";
  for (const Finding& f : r.findings) {
    out += fmt::format("{}|{}|{}|{}|{}|", f.ruleId, f.resourceKind, f.resourceId, f.message, f.exempted ? "x" : "");
    for (const Binding& b : f.bindings) out += fmt::format("{}={};", b.name, b.value);
    for (const FailedCheck& c : f.failed) out += fmt::format("|{}", c.expr);
    out += "\n";
  }
  for (const std::string& e : r.expiredExemptions) out += "expired " + e + "\n";
  return out;
}

}  // namespace

TEST_SUITE("parallel") {
  TEST_CASE("the standard library gives the same report on any number of threads") {
    const Compilation stdlib = compile(true);
    for (const char* estate : {"network-mistakes", "sagemaker-private-good", "sagemaker-no-egress"}) {
      CAPTURE(estate);
      auto facts = loadFacts({std::string(WARD_SOURCE_ROOT) + "/examples/estates/" + estate});
      REQUIRE(facts);
      EvalOptions o;
      o.reach = net::reachHookFor(**facts);
      auto one = evaluate(*stdlib.policy, **facts, o);
      REQUIRE(one);
      const std::string want = render(*one);
      CHECK(one->rulesEvaluated == stdlib.policy->rules.size());
      for (uint32_t threads : {2u, 3u, 8u, 1000u}) {
        CAPTURE(threads);
        o.threads = threads;
        auto many = evaluate(*stdlib.policy, **facts, o);
        REQUIRE(many);
        CHECK(render(*many) == want);
      }
    }
  }

  TEST_CASE("compiling and loading at once (as ward check does) give what they give one after the other") {
    const std::string estate = std::string(WARD_SOURCE_ROOT) + "/examples/estates/network-mistakes";
    const Compilation seqPolicy = compile(true);
    auto seqFacts = loadFacts({estate});
    REQUIRE(seqFacts);
    EvalOptions o;
    o.reach = net::reachHookFor(**seqFacts);
    auto seqReport = evaluate(*seqPolicy.policy, **seqFacts, o);
    REQUIRE(seqReport);
    for (int round = 0; round < 3; ++round) {
      std::optional<tl::expected<Compilation, CompileFailure>> compiled;
      std::thread compiler([&] {
        CompileRequest req;
        req.withStdlib = true;
        compiled = compilePolicies(req);
      });
      auto facts = loadFacts({estate});
      compiler.join();
      REQUIRE(facts);
      REQUIRE(compiled);
      REQUIRE(*compiled);
      CHECK(toWardJson(**facts) == toWardJson(**seqFacts));
      EvalOptions p;
      p.reach = net::reachHookFor(**facts);
      p.threads = 2;
      auto report = evaluate(*(**compiled).policy, **facts, p);
      REQUIRE(report);
      CHECK(render(*report) == render(*seqReport));
    }
  }

  TEST_CASE("the error is the earliest failing rule's, as on one thread") {
    // Rules r3 and r7 overflow; a sequential run stops at r3.
    std::string text = "package t\n";
    for (int i = 0; i < 10; ++i) {
      std::string cond = i == 3 || i == 7 ? "s.available_ips + 9223372036854775807 > 0" : "s.available_ips >= 0";
      text += "rule r" + std::to_string(i) + " {\n  for s in subnets\n  require " + cond + "\n}\n";
    }
    const Compilation c = compile(false, text);
    auto facts = loadFacts({std::string(WARD_SOURCE_ROOT) + "/examples/estates/network-mistakes"});
    REQUIRE(facts);
    EvalOptions o;
    auto one = evaluate(*c.policy, **facts, o);
    REQUIRE_FALSE(one);
    CHECK(one.error().message.find("rule t.r3 on ") == 0);
    CHECK(one.error().message.find("integer overflow") != std::string::npos);
    for (uint32_t threads : {2u, 4u, 10u}) {
      CAPTURE(threads);
      o.threads = threads;
      for (int run = 0; run < 5; ++run) {
        auto many = evaluate(*c.policy, **facts, o);
        REQUIRE_FALSE(many);
        CHECK(many.error().code == one.error().code);
        CHECK(many.error().message == one.error().message);
      }
    }
  }

  TEST_CASE("the threads' steps and findings count against one budget") {
    const Compilation stdlib = compile(true);
    auto facts = loadFacts({std::string(WARD_SOURCE_ROOT) + "/examples/estates/network-mistakes"});
    REQUIRE(facts);
    EvalOptions o;
    o.reach = net::reachHookFor(**facts);
    auto full = evaluate(*stdlib.policy, **facts, o);
    REQUIRE(full);
    REQUIRE(full->findings.size() > 4);
    o.threads = 4;
    o.limits.maxFindings = full->findings.size() - 1;
    auto capped = evaluate(*stdlib.policy, **facts, o);
    REQUIRE_FALSE(capped);
    CHECK(capped.error().code == EvalErrorCode::FindingLimit);
    o.limits.maxFindings = full->findings.size();
    CHECK(evaluate(*stdlib.policy, **facts, o).has_value());

    // Every thread evaluates the lets and its share of the rules; a budget
    // just under the total fails even if no single thread exceeds it.
    auto counted = evaluate(*stdlib.policy, **facts, o);
    REQUIRE(counted);
    o.limits.maxSteps = counted->steps - 1;
    auto stepped = evaluate(*stdlib.policy, **facts, o);
    REQUIRE_FALSE(stepped);
    CHECK(stepped.error().code == EvalErrorCode::StepLimit);
  }
}
