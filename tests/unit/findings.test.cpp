// Tests of the report order of findings: sortFindings agrees with a plain
// stable sort by findingLess, including the cases its compact keys cannot
// decide alone (ids sharing 16 bytes, a prefix of another, embedded NULs,
// equal ids told apart by message or bindings).
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "runtime/finding.hpp"
#include "runtime/text_arena.hpp"

using namespace ward;

namespace {

// The findings' strings are in `text`.
std::vector<Finding> randomFindings(uint32_t seed, size_t n, TextArena& text) {
  std::mt19937 rng(seed);
  auto pick = [&](std::initializer_list<const char*> xs) {
    return text.copy(*(xs.begin() + std::uniform_int_distribution<size_t>(0, xs.size() - 1)(rng)));
  };
  std::vector<Finding> out;
  for (size_t i = 0; i < n; ++i) {
    Finding f;
    f.ruleId = pick({"aws.sg.no_unrestricted_ssh", "aws.sg.no_unrestricted_rdp", "aws.endpoints.s3", "a", "aws.sg"});
    f.resourceKind = pick({"security_group", "sg_rule", "subnet", ""});
    f.resourceId = pick({"subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef",
                         "subnet-0123456789abcde", "sg-1", "sg-1:in:0", "sg-1:in:10", "", "zz"});
    if (rng() % 7 == 0) f.resourceId = text.copy(std::string(f.resourceId) + std::string(1, '\0') + "x");  // embedded NUL
    f.message = pick({"open to the world", "open", "", "closed"});
    if (rng() % 3 == 0) {
      std::span<Binding> b = text.array<Binding>(1);
      b[0] = Binding{"r", "sg_rule", pick({"sg-1:in:0", "sg-1:in:1"})};
      f.bindings = b;
    }
    f.title = text.copy(std::to_string(i));  // tells equal findings apart, to check stability
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::string> titles(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const Finding& f : fs) out.emplace_back(f.title);
  return out;
}

}  // namespace

TEST_SUITE("findings") {
  TEST_CASE("sortFindings orders like a stable sort by findingLess") {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
      CAPTURE(seed);
      TextArena text;
      std::vector<Finding> a = randomFindings(seed, 500, text);
      std::vector<Finding> b = a;
      sortFindings(a);
      std::stable_sort(b.begin(), b.end(), findingLess);
      REQUIRE(a.size() == b.size());
      CHECK(titles(a) == titles(b));
      CHECK(std::is_sorted(a.begin(), a.end(), findingLess));
    }
  }

  TEST_CASE("compareFindings: a prefix sorts first, and bindings break ties") {
    Finding x, y;
    x.ruleId = y.ruleId = "r";
    x.resourceId = "subnet-0123456789abcdef";
    y.resourceId = "subnet-0123456789abcdef0";
    CHECK(compareFindings(x, y) < 0);
    CHECK(compareFindings(y, x) > 0);
    y.resourceId = x.resourceId;
    CHECK(compareFindings(x, y) == 0);
    const Binding binding{"s", "subnet", "subnet-1"};
    y.bindings = std::span<const Binding>(&binding, 1);
    CHECK(compareFindings(x, y) < 0);
    std::vector<Finding> v{y, x};
    sortFindings(v);
    CHECK(v.front().bindings.empty());
    std::vector<Finding> none;
    sortFindings(none);
    CHECK(none.empty());
  }
}
