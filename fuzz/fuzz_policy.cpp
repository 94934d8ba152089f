// libFuzzer target: a policy source through the whole pipeline. Parse, check
// and compile it (without the standard library, which would dominate every
// run); when it compiles, run its test blocks (their given facts built and
// loaded, expectations checked), evaluate it under tight limits over a small
// example estate, on one and on two threads (the reports must be equal), and
// render every report format. Any crash, sanitizer report or disagreement is a bug;
// errors in the input are not.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dsl/driver.hpp"
#include "dsl/program.hpp"
#include "dsl/test_runner.hpp"
#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/report.hpp"
#include "runtime/vm.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

namespace {

const ward::FactBase& estate() {
  static const std::shared_ptr<const ward::FactBase> facts = [] {
    auto r = ward::loadFacts({std::string(WARD_SOURCE_ROOT) + "/examples/estates/network-mistakes"});
    if (!r) std::abort();  // the fuzzer cannot run without its estate
    return *r;
  }();
  return *facts;
}

std::string render(const ward::Report& r) {
  std::string out;
  for (const ward::Finding& f : r.findings) {
    out.append(f.ruleId).append("|").append(f.resourceId).append("|").append(f.message).append("\n");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ward::CompileRequest req;
  req.withStdlib = false;
  req.sources.push_back(ward::PolicySource{"fuzz.ward", std::string(reinterpret_cast<const char*>(data), size)});
  auto compiled = ward::compilePolicies(req);
  if (!compiled) return 0;

  ward::EvalOptions opts;
  opts.limits.maxSteps = 200'000;
  opts.limits.maxMemoryBytes = 64ull << 20;
  opts.limits.maxFindings = 10'000;
  if (!compiled->program->tests.empty()) (void)ward::runTests(*compiled, 20'000, opts.limits);

  const ward::FactBase& facts = estate();
  opts.reach = ward::net::reachHookFor(facts);
  auto one = ward::evaluate(*compiled->policy, facts, opts);
  opts.threads = 2;
  auto two = ward::evaluate(*compiled->policy, facts, opts);
  // Budget errors may differ between thread counts (each thread keeps its own
  // budget); answers may not.
  if (one && two && render(*one) != render(*two)) std::abort();
  if (!one) return 0;

  ward::ReportInput in;
  in.findings = std::move(one->findings);
  in.text = one->text;
  in.rules = ward::ruleMetadata(*compiled->policy);
  in.rulesEvaluated = one->rulesEvaluated;
  for (auto format : {ward::ReportFormat::Text, ward::ReportFormat::Json, ward::ReportFormat::Sarif,
                      ward::ReportFormat::Junit})
    (void)ward::renderReport(in, format, ward::ReportOptions{false, true, 2});
  return 0;
}
