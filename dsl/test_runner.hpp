// Running a policy's test blocks (`ward test`): each block's `given` facts
// become a fact base of their own, the compiled policy is evaluated over it,
// and every expectation is checked against the findings.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"
#include "dsl/driver.hpp"
#include "runtime/schema.hpp"
#include "runtime/vm.hpp"

namespace ward {

// One expectation that did not hold, or the reason the test could not run.
struct TestFailure {
  Span span;  // the expectation's, or the test block's when its facts do not load
  std::string message;
};

struct TestOutcome {
  std::string name;
  Span span;
  std::vector<TestFailure> failures;  // empty: the test passed
  bool passed() const { return failures.empty(); }
};

// The Ward JSON text of a test's `given` block (docs/language.md, "Tests"):
// `in PARENT` sets the kind's reference to the parent's kind, a route table's
// `routes [DEST -> TARGET]` become routes and `associate` its subnets, names
// of other given facts become their ids. Errors point into the block.
Result<std::string> givenFactsJson(const ast::TestBlock& test, const Schema& schema, const SourceMap& sources);

// Runs every test block of the compilation, in source order. `today` (days
// since the epoch) decides which exemptions have expired; each test's
// evaluation keeps within `limits` (one that does not fails the test).
std::vector<TestOutcome> runTests(const Compilation& compilation, int64_t today, const EvalLimits& limits = {});

// The outcomes as JUnit XML (one test case per test block, classname the
// file, a failure holding the unmet expectations) and as JSON
// ({"tests": [{"name", "file", "line", "passed", "failures": [{"file",
// "line", "col", "message"}]}], "summary": {"passed", "failed"}}).
std::string renderTestsJunit(const std::vector<TestOutcome>& outcomes, const SourceMap& sources);
std::string renderTestsJson(const std::vector<TestOutcome>& outcomes, const SourceMap& sources);

}  // namespace ward
