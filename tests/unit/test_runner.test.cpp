// Unit tests of the test-block runner: the Ward JSON a `given` block becomes,
// and the outcome of expectations (tests/conformance/test/ has the CLI's view).
#include <doctest/doctest.h>

#include <string>

#include "dsl/driver.hpp"
#include "dsl/program.hpp"
#include "dsl/test_runner.hpp"

using namespace ward;

namespace {

Compilation compileText(const std::string& text) {
  CompileRequest req;
  req.withStdlib = false;
  req.sources.push_back(PolicySource{"t.ward", text});
  auto c = compilePolicies(req);
  REQUIRE_MESSAGE(c, (c ? "" : render(*c.error().sources, c.error().diagnostics)));
  return std::move(*c);
}

const char* kRule = "rule no_public {\n  for s in subnets\n  require s.private\n}\n";

}  // namespace

TEST_SUITE("test-runner") {

TEST_CASE("a given block becomes Ward JSON: parents, typed route targets, associations, lists") {
  Compilation c = compileText(std::string(kRule) +
                              "test \"t\" {\n"
                              "  given {\n"
                              "    vpc v1 cidr 10.0.0.0/16\n"
                              "    subnet s1 in v1 cidr 10.0.1.0/24 az \"us-east-1a\"\n"
                              "    internet_gateway g1 in v1\n"
                              "    route_table rt1 in v1 routes [10.0.0.0/16 -> local, 0.0.0.0/0 -> g1, pl-1 -> g1] associate s1\n"
                              "    training_job j1 subnets [s1] instance_count 3\n"
                              "  }\n"
                              "  expect fail no_public on s1\n"
                              "}\n");
  REQUIRE(c.program->tests.size() == 1);
  auto json = givenFactsJson(*c.program->tests[0].second, *c.program->schema, *c.sources);
  REQUIRE(json);
  CHECK(*json == R"({
  "format": "ward-facts",
  "version": 1,
  "facts": {
    "vpc": [
      {"id":"v1","cidr":"10.0.0.0/16"}
    ],
    "subnet": [
      {"id":"s1","vpc":"v1","cidr":"10.0.1.0/24","az":"us-east-1a"}
    ],
    "internet_gateway": [
      {"id":"g1","vpc":"v1"}
    ],
    "route": [
      {"table":"rt1","destination":"10.0.0.0/16","target":"local"},
      {"table":"rt1","destination":"0.0.0.0/0","target":"g1","target_kind":"internet_gateway","internet_gateway":"g1"},
      {"table":"rt1","prefix_list":"pl-1","target":"g1","target_kind":"internet_gateway","internet_gateway":"g1"}
    ],
    "route_table": [
      {"id":"rt1","vpc":"v1","subnets":["s1"]}
    ],
    "training_job": [
      {"id":"j1","subnets":["s1"],"instance_count":3}
    ]
  }
}
)");
  const std::vector<TestOutcome> out = runTests(c, 20000);
  REQUIRE(out.size() == 1);
  CHECK(out[0].name == "t");
  CHECK(out[0].passed());
}

TEST_CASE("each unmet expectation is a failure at its own position") {
  Compilation c = compileText(std::string(kRule) +
                              "test \"t\" {\n"
                              "  given {\n"
                              "    vpc v1 cidr 10.0.0.0/16\n"
                              "    subnet s1 in v1 cidr 10.0.1.0/24\n"
                              "  }\n"
                              "  expect pass no_public on s1\n"
                              "  expect fail no_public\n"
                              "  expect fail no_public count 0\n"
                              "  expect fail no_public on s1 count 1\n"
                              "}\n");
  const std::vector<TestOutcome> out = runTests(c, 20000);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].failures.size() == 2);
  const SourceFile* file = c.sources->get(out[0].failures[0].span.file);
  REQUIRE(file != nullptr);
  CHECK(file->lineCol(out[0].failures[0].span.begin).line == 11);
  CHECK(out[0].failures[0].message == "expected no_public to fail, but it passed");
  CHECK(file->lineCol(out[0].failures[1].span.begin).line == 13);
  CHECK(out[0].failures[1].message == "expected no_public to fail on s1 1 time, but it failed 0 times");
}

}  // TEST_SUITE
