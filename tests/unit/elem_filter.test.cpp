// Unit tests of NextElemFilter and NextEntityFilter: which `where` clauses of
// a rule's inner loops, of `count`s and of comprehensions become element
// tests (golden listings), and that a filtered loop gives the report an
// unfiltered one gives, findings, texts and step count alike.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <string>

#include "tests/unit/vm_fixture.hpp"

using namespace ward;
using namespace ward::vm_test;

namespace {

// The instruction at the head of the rule's loop over `s` (its second loop).
std::string innerHead(const CompiledPolicy& p, const std::string& id) {
  const std::string text = listing(p, id);
  for (const char* op : {"NextElemFilter", "NextElem "}) {
    size_t at = text.rfind(op);
    if (at != std::string::npos) return text.substr(at, text.find('\n', at) - at);
  }
  FAIL("no inner loop in " << text);
  return "";
}

// A copy of `p` holding only rule `id`.
CompiledPolicy onlyRule(const CompiledPolicy& p, const std::string& id) {
  const CompiledRule* r = p.findRule(id);
  REQUIRE_MESSAGE(r, "no rule " << id);
  CompiledPolicy one = p;
  one.rules = {*r};
  return one;
}

// Subnets with every kind of value the tests look at: CIDRs that match and
// do not (IPv4 ones, which the cidr column keeps in eight bytes, and IPv6
// ones, kept whole), null CIDRs (subnet-9's past the end of the column),
// true / false / null `private`, two VPCs, and a list holding one subnet
// twice.
std::shared_ptr<const FactBase> estate() {
  Facts f;
  f.setCidr("vpc", "vpc-1", "cidr", "10.0.0.0/16");
  f.refs("vpc", "vpc-1", "subnets", {"subnet-1", "subnet-2", "subnet-3", "subnet-4", "subnet-1"});
  f.setCidr("vpc", "vpc-2", "cidr", "10.1.0.0/16");
  f.refs("vpc", "vpc-2", "subnets", {"subnet-5", "subnet-6", "subnet-7", "subnet-8", "subnet-9"});
  struct S {
    const char* id;
    const char* cidr;  // "" unset
    int priv;          // 1 true, 0 false, -1 unset
    int ips;
  };
  for (const S& s : {S{"subnet-1", "10.0.1.0/24", 1, 200}, S{"subnet-2", "10.0.2.0/24", 0, 5},
                     S{"subnet-3", "", -1, 50}, S{"subnet-4", "0.0.0.0/0", 1, 3}, S{"subnet-5", "10.1.3.0/24", -1, 7},
                     S{"subnet-6", "0.0.0.0/0", 0, 90}, S{"subnet-7", "::/0", 1, 40},
                     S{"subnet-8", "2001:db8::/56", 0, 2}, S{"subnet-9", "", -1, 4}}) {
    f.add("subnet", s.id);
    if (*s.cidr) f.setCidr("subnet", s.id, "cidr", s.cidr);
    if (s.priv >= 0) f.setBool("subnet", s.id, "private", s.priv == 1);
    f.setInt("subnet", s.id, "available_ips", s.ips);
  }
  return f.finish();
}

std::string reportText(const Report& r) {
  std::string out = fmt::format("steps {}\n", r.steps);
  for (const Finding& f : r.findings) {
    out += fmt::format("{} {}: {} |", f.ruleId, f.resourceId, f.message);
    for (const Binding& b : f.bindings) out += fmt::format(" {}={}", b.name, b.value);
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_SUITE("elem-filter") {

TEST_CASE("an inner loop's leading tests of its variable's attributes become the filter of NextElemFilter") {
  Fixture f;
  auto& m = f.module("aws.net");
  f.def(m, "world", {{"c", "cidr"}}, "c == 0.0.0.0/0 or c == 10.0.1.0/24");
  auto loop = [&](const std::string& name, const std::string& where) {
    f.rule(m, name, {{"v", "vpcs"}, {"s", "v.subnets", where}}, "s.available_ips > 10");
  };
  loop("null_and_def", "s.cidr != null and world(s.cidr)");
  loop("literals", "s.cidr == 10.0.2.0/24 or 10.0.1.0/24 == s.cidr");
  loop("bool_and_null", "s.private and s.cidr == null");
  loop("prefix_only", "s.private and s.available_ips > 3 and s.cidr != null");
  loop("not_leading", "s.available_ips > 3 and s.private");
  loop("other_variable", "v.cidr != null and s.private");
  loop("mixed_or", "s.cidr == 10.0.2.0/24 or s.private");
  // The first loop is RuleEvaluator's and keeps its plain NextEntity.
  f.rule(m, "first", {{"s", "subnets", "s.private"}}, "s.available_ips > 10");
  auto p = compileFixture(f);
  CHECK(innerHead(*p, "aws.net.null_and_def") ==
        "NextElemFilter $4 $1 [subnet.cidr != null, subnet.cidr in {0.0.0.0/0, 10.0.1.0/24}] -> 0049");
  CHECK(innerHead(*p, "aws.net.literals").find("[subnet.cidr in {10.0.2.0/24, 10.0.1.0/24}]") != std::string::npos);
  CHECK(innerHead(*p, "aws.net.bool_and_null").find("[subnet.private, subnet.cidr == null]") != std::string::npos);
  CHECK(innerHead(*p, "aws.net.prefix_only").find(" [subnet.private] ") != std::string::npos);
  CHECK(innerHead(*p, "aws.net.not_leading").rfind("NextElem ", 0) == 0);
  CHECK(innerHead(*p, "aws.net.other_variable").rfind("NextElem ", 0) == 0);
  CHECK(innerHead(*p, "aws.net.mixed_or").rfind("NextElem ", 0) == 0);
  CHECK(listing(*p, "aws.net.first").find("NextElemFilter") == std::string::npos);
  // The `where` still runs for the elements the filter keeps.
  CHECK(listing(*p, "aws.net.null_and_def").find("LocalEqConstOr") != std::string::npos);
}

TEST_CASE("loops over kinds, counts, comprehensions, any and none get filters too; `not x.a` is a test") {
  Fixture f;
  auto& m = f.module("aws.net");
  f.rule(m, "inner_kind", {{"v", "vpcs"}, {"s", "subnets", "not s.private and s.cidr != null"}}, "false");
  f.rule(m, "count_kind", {}, "count(s in subnets where s.private and s.available_ips > 3) == 0");
  f.rule(m, "count_list", {{"v", "vpcs"}}, "count(s in v.subnets where s.cidr == null) == 0");
  f.rule(m, "comprehension", {{"v", "vpcs"}}, "len([s.id for s in v.subnets where not s.private]) == 0");
  f.rule(m, "comprehension_kind", {}, "len([s.id for s in subnets where s.available_ips > 3]) == 0");
  f.rule(m, "unfiltered_count", {}, "count(s in subnets where true and s.private) == 0");
  f.rule(m, "any", {{"v", "vpcs"}}, "not (any s in v.subnets: s.private and s.available_ips > 3)");
  f.rule(m, "none", {}, "none s in subnets: not s.private");
  // `all` stops at its first false body: nothing to pass over.
  f.rule(m, "all", {{"v", "vpcs"}}, "all s in v.subnets: s.private");
  auto p = compileFixture(f);
  auto has = [&](const char* id, const std::string& text) { return listing(*p, id).find(text) != std::string::npos; };
  // A head the listing must have (shown whole when it does not).
  auto expectHead = [&](const char* id, const std::string& text) {
    CHECK_MESSAGE(has(id, text), "no `" << text << "` in\n" << listing(*p, id));
  };
  expectHead("aws.net.inner_kind", "NextEntityFilter $4 $1 [not subnet.private, subnet.cidr != null] -> ");
  expectHead("aws.net.count_kind", "NextEntityFilter $1 $0 [subnet.private] -> ");
  expectHead("aws.net.count_list", "NextElemFilter $4 $1 [subnet.cidr == null] -> ");
  expectHead("aws.net.comprehension", "NextElemFilter $4 $1 [not subnet.private] -> ");
  // No leading test: the plain loop heads stay.
  expectHead("aws.net.comprehension_kind", "NextEntity     ");
  CHECK_FALSE(has("aws.net.comprehension_kind", "Filter"));
  CHECK_FALSE(has("aws.net.unfiltered_count", "Filter"));
  expectHead("aws.net.any", "NextElemFilter $4 $1 [subnet.private] -> ");
  expectHead("aws.net.none", "NextEntityFilter $1 $0 [not subnet.private] -> ");
  CHECK_FALSE(has("aws.net.all", "Filter"));
}

TEST_CASE("a filter of one attribute decides IPv4 and null entries of an address column from their eight-byte form") {
  auto cidr = [](const char* text) {
    auto c = net::parseCidr(text);
    REQUIRE(c);
    return Value::cidr(*c);
  };
  const uint32_t a = 7u << 16 | 3u, b = 7u << 16 | 4u;
  auto test = [](ElemTest::Kind kind, uint32_t attr, std::vector<Value> values = {}) {
    return ElemTest{kind, attr, std::move(values)};
  };
  auto prepared = [](std::vector<ElemTest> tests) {
    ElemFilter f;
    f.tests = std::move(tests);
    f.prepare();
    return f;
  };
  // `r.cidr != null and open_to_world(r.cidr)`: an IPv4 entry goes on to the
  // `where` only when it is 0.0.0.0/0; ::/0 has no eight-byte form.
  const ElemFilter world =
      prepared({test(ElemTest::Kind::NotNull, a), test(ElemTest::Kind::EqAny, a, {cidr("0.0.0.0/0"), cidr("::/0")})});
  CHECK(world.oneAttr);
  CHECK_FALSE(world.inlineRejected);
  REQUIRE(world.inlineSets.size() == 1);
  REQUIRE(world.inlineSets[0].size() == 1);
  CHECK(world.inlineSets[0][0].bits == FactColumn::inlineAddr(cidr("0.0.0.0/0")));
  CHECK(world.inlineSets[0][0].tag == Tag::Cidr);
  CHECK(FactColumn::inlineAddr(cidr("::/0")) == 0);
  CHECK(FactColumn::inlineAddr(cidr("10.0.0.0/8")) != FactColumn::inlineAddr(cidr("10.0.0.0/16")));
  // `== null` first rejects every entry that has a value.
  const ElemFilter null =
      prepared({test(ElemTest::Kind::IsNull, a), test(ElemTest::Kind::EqAny, a, {cidr("10.0.0.0/8")})});
  CHECK(null.inlineRejected);
  // A bare test of an address is not a boolean: the `where` decides, and the
  // literals after it do not matter; those before it do.
  const ElemFilter truthy = prepared({test(ElemTest::Kind::EqAny, a, {cidr("10.0.0.0/8")}),
                                       test(ElemTest::Kind::IsTrue, a),
                                       test(ElemTest::Kind::EqAny, a, {cidr("10.1.0.0/16")})});
  CHECK_FALSE(truthy.inlineRejected);
  CHECK(truthy.inlineSets.size() == 1);
  // Only IPv6 literals: no IPv4 entry can equal one.
  const ElemFilter six = prepared({test(ElemTest::Kind::EqAny, a, {cidr("::/0")})});
  REQUIRE(six.inlineSets.size() == 1);
  CHECK(six.inlineSets[0].empty());
  // A null value: `!= null` or a literal set rejects it; `== null` and a bare
  // test (unknown) leave it to the `where`.
  CHECK(world.nullRejected);
  CHECK(null.nullRejected);  // `== null` passes it, `== 10.0.0.0/8` does not
  CHECK(truthy.nullRejected);
  const ElemFilter isNull = prepared({test(ElemTest::Kind::IsNull, a), test(ElemTest::Kind::IsTrue, a)});
  CHECK_FALSE(isNull.nullRejected);
  CHECK(isNull.inlineRejected);
  // `not` an address, like a bare test: the `where` decides, and a null goes
  // on to the next test.
  const ElemFilter falsy =
      prepared({test(ElemTest::Kind::IsFalse, a), test(ElemTest::Kind::EqAny, a, {cidr("10.0.0.0/8")})});
  CHECK_FALSE(falsy.inlineRejected);
  CHECK(falsy.inlineSets.empty());
  CHECK(falsy.nullRejected);  // by the literal set after it
  CHECK_FALSE(prepared({test(ElemTest::Kind::IsFalse, a)}).nullRejected);
  // Two attributes: no plan.
  const ElemFilter two = prepared({test(ElemTest::Kind::NotNull, a), test(ElemTest::Kind::NotNull, b)});
  CHECK_FALSE(two.oneAttr);
}

TEST_CASE("a filtered loop reports what the unfiltered loop reports, with the same step count") {
  // `true and ...` keeps the same `where` from being filtered: its first
  // conjunct is not a test of the loop variable.
  const std::vector<std::string> wheres = {
      "s.cidr != null and world(s.cidr)",
      "s.cidr == 10.0.2.0/24 or s.cidr == 10.1.3.0/24",
      "s.private",
      "s.private and s.cidr != null",
      "s.cidr == null",
      "s.private == null and s.available_ips > 5",
      "s.cidr != null and s.available_ips < 100 and world(s.cidr)",
      "s.cidr == ::/0 or s.cidr == 0.0.0.0/0",
      "s.cidr == 2001:db8::/56",
      "s.cidr != null and s.cidr == null",
      "s.cidr == null and s.private",
      "s.cidr == 10.0.2.0/24 and s.cidr != null",
  };
  auto fb = estate();
  for (const std::string& where : wheres) {
    CAPTURE(where);
    Fixture f;
    auto& m = f.module("aws.net");
    f.def(m, "world", {{"c", "cidr"}}, "c == 0.0.0.0/0 or c == 10.0.1.0/24");
    const std::string message = "\"{s.id} in {v.id}\"";
    f.rule(m, "filtered", {{"v", "vpcs"}, {"s", "v.subnets", where}}, "s.available_ips > 10", message);
    f.rule(m, "plain", {{"v", "vpcs"}, {"s", "v.subnets", "true and " + where}}, "s.available_ips > 10", message);
    auto p = compileFixture(f);
    REQUIRE(innerHead(*p, "aws.net.filtered").rfind("NextElemFilter", 0) == 0);
    REQUIRE(innerHead(*p, "aws.net.plain").rfind("NextElem ", 0) == 0);
    auto only = [&](const std::string& id) {
      auto r = evaluate(onlyRule(*p, id), *fb);
      REQUIRE_MESSAGE(r, r.error().message);
      // The same text but for the rule's id.
      std::string text = reportText(*r);
      for (size_t at = text.find(id); at != std::string::npos; at = text.find(id, at)) text.replace(at, id.size(), "RULE");
      return text;
    };
    const std::string filtered = only("aws.net.filtered");
    CHECK(filtered == only("aws.net.plain"));
  }
  // What the first case finds, spelled out: subnet-4 (0.0.0.0/0, 3 IPs) is the
  // one subnet of vpc-1 and vpc-2 in `world` with at most 10 addresses;
  // subnet-1 (10.0.1.0/24) has 200 and subnet-6 (0.0.0.0/0) 90.
  Fixture f;
  auto& m = f.module("aws.net");
  f.def(m, "world", {{"c", "cidr"}}, "c == 0.0.0.0/0 or c == 10.0.1.0/24");
  f.rule(m, "open", {{"v", "vpcs"}, {"s", "v.subnets", "s.cidr != null and world(s.cidr)"}}, "s.available_ips > 10");
  auto r = evaluate(*compileFixture(f), *fb);
  REQUIRE(r);
  REQUIRE(r->findings.size() == 1);
  CHECK(r->findings[0].bindings.size() == 2);
  CHECK(std::string(r->findings[0].bindings[1].value) == "subnet-4");
}

TEST_CASE("filtered kind loops, counts, comprehensions and any / none give what unfiltered ones give, steps included") {
  const std::vector<std::string> wheres = {
      "s.cidr != null and world(s.cidr)",
      "not s.private",
      "not s.private and s.cidr != null",
      "s.private and s.available_ips > 5",
      "s.cidr == null",
      "s.cidr == ::/0 or s.cidr == 0.0.0.0/0",
      "not s.private and s.cidr == 10.0.2.0/24",
      "s.private == null and not s.private",
      "s.private == true",
      "s.private == false or s.private == true",
  };
  auto fb = estate();
  for (const std::string& where : wheres) {
    CAPTURE(where);
    auto build = [&](const std::string& w) {
      Fixture f;
      auto& m = f.module("aws.net");
      f.def(m, "world", {{"c", "cidr"}}, "c == 0.0.0.0/0 or c == 10.0.1.0/24");
      // An inner loop over a kind (findings), and a count and a
      // comprehension over a kind and over a list (the message).
      f.rule(m, "inner", {{"v", "vpcs"}, {"s", "subnets", w}}, "s.available_ips > 10", "\"{s.id} in {v.id}\"");
      f.rule(m, "values", {{"v", "vpcs"}}, "false",
             fmt::format("\"{{count(s in subnets where {0})}} {{[s.id for s in subnets where {0}]}} "
                         "{{count(s in v.subnets where {0})}} {{[s.id for s in v.subnets where {0}]}} "
                         "{{any s in subnets: {0}}} {{none s in v.subnets: {0}}} {{any s in v.subnets: {0}}} "
                         "{{all s in v.subnets: {0}}}\"",
                         w));
      // `any` with a witness: the binding shows in the finding.
      f.rule(m, "witness", {{"v", "vpcs"}}, fmt::format("not (any s in v.subnets: {})", w), "\"{v.id}\"");
      return compileFixture(f);
    };
    auto filtered = build(where), plain = build("true and " + where);
    REQUIRE(listing(*filtered, "aws.net.inner").find("NextEntityFilter") != std::string::npos);
    REQUIRE(listing(*filtered, "aws.net.values").find("NextEntityFilter") != std::string::npos);
    REQUIRE(listing(*filtered, "aws.net.values").find("NextElemFilter") != std::string::npos);
    REQUIRE(listing(*plain, "aws.net.values").find("Filter") == std::string::npos);
    REQUIRE(listing(*filtered, "aws.net.witness").find("NextElemFilter") != std::string::npos);
    for (const char* id : {"aws.net.inner", "aws.net.values", "aws.net.witness"}) {
      CAPTURE(id);
      auto a = evaluate(onlyRule(*filtered, id), *fb);
      auto b = evaluate(onlyRule(*plain, id), *fb);
      REQUIRE_MESSAGE(a, a.error().message);
      REQUIRE_MESSAGE(b, b.error().message);
      CHECK(reportText(*a) == reportText(*b));
    }
  }
  // What the second case gives, spelled out: subnet-2, -6 and -8 have
  // `private` false; vpc-1 lists subnet-2, vpc-2 subnet-6 and subnet-8.
  Fixture f;
  auto& m = f.module("aws.net");
  f.rule(m, "values", {{"v", "vpcs"}}, "false",
         "\"{count(s in subnets where not s.private)} {[s.id for s in v.subnets where not s.private]}\"");
  auto r = evaluate(*compileFixture(f), *fb);
  REQUIRE(r);
  REQUIRE(r->findings.size() == 2);
  CHECK(r->findings[0].message == "3 [subnet-2]");
  CHECK(r->findings[1].message == "3 [subnet-6, subnet-8]");
}

TEST_CASE("an unset boolean with a schema default is its default to the filter") {
  // vpc.dns_support (of the test schema) defaults to true; vpc-1 does not set
  // it, vpc-2 sets it to false, and vpc-3 is past the end of the column.
  Facts f;
  f.setCidr("vpc", "vpc-1", "cidr", "10.0.0.0/16");
  f.setBool("vpc", "vpc-2", "dns_support", false);
  f.add("vpc", "vpc-3");
  auto fb = f.finish();
  Fixture fx;
  auto& m = fx.module("aws.net");
  fx.rule(m, "values", {}, "false",
          "\"{[v.id for v in vpcs where v.dns_support != null]} {[v.id for v in vpcs where v.dns_support]} "
          "{[v.id for v in vpcs where not v.dns_support]} {[v.id for v in vpcs where v.dns_support == null]}\"");
  auto p = compileFixture(fx);
  const std::string l = listing(*p, "aws.net.values");
  REQUIRE(l.find("[vpc.dns_support != null]") != std::string::npos);
  REQUIRE(l.find("[not vpc.dns_support]") != std::string::npos);
  auto r = evaluate(*p, *fb);
  REQUIRE(r);
  REQUIRE(r->findings.size() == 1);
  CHECK(r->findings[0].message == "[vpc-1, vpc-2, vpc-3] [vpc-1, vpc-3] [vpc-2] []");
}

TEST_CASE("a conjunct after an unknown test still runs (and may fail); one after a false test never does") {
  // `s.private` is null for subnet-3 and subnet-5, false for subnet-2 and
  // subnet-6. `null and <error>` is the error; `false and <error>` is false.
  auto fb = estate();
  for (const char* failOn : {"subnet-3", "subnet-2"}) {
    CAPTURE(failOn);
    Fixture f;
    f.options.hostFunctions.push_back(HostFunction{"boom", "(subnet) -> bool"});
    auto& m = f.module("aws.net");
    f.rule(m, "filtered", {{"v", "vpcs"}, {"s", "v.subnets", "s.private and boom(s)"}}, "false");
    f.rule(m, "plain", {{"v", "vpcs"}, {"s", "v.subnets", "true and s.private and boom(s)"}}, "false");
    auto p = compileFixture(f);
    REQUIRE(innerHead(*p, "aws.net.filtered").find(" [subnet.private] ") != std::string::npos);
    EvalOptions o;
    const std::string target = failOn;
    o.hostFunctions.push_back([target](std::span<const Value> args, EvalContext& ctx) {
      if (ctx.facts().idOf(args[0].entityKind(), args[0].entityIndex()) == target) return ctx.makeError("boom");
      return Value::boolean(true);
    });
    for (const char* id : {"aws.net.filtered", "aws.net.plain"}) {
      CAPTURE(id);
      auto r = evaluate(onlyRule(*p, id), *fb, o);
      if (target == "subnet-3") {
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("on vpc-1: boom") != std::string::npos);
      } else {
        REQUIRE(r);
        CHECK(r->findings.size() == 4);  // subnet-1 (listed twice in vpc-1), subnet-4 and subnet-7
      }
    }
  }
}

TEST_CASE("the step budget runs out at the same element with and without the filter") {
  auto fb = estate();
  Fixture f;
  auto& m = f.module("aws.net");
  f.rule(m, "filtered", {{"v", "vpcs"}, {"s", "v.subnets", "s.cidr == 10.1.3.0/24"}}, "false");
  f.rule(m, "plain", {{"v", "vpcs"}, {"s", "v.subnets", "true and s.cidr == 10.1.3.0/24"}}, "false");
  f.rule(m, "kind_filtered", {{"v", "vpcs"}, {"s", "subnets", "s.cidr == 10.1.3.0/24"}}, "false");
  f.rule(m, "kind_plain", {{"v", "vpcs"}, {"s", "subnets", "true and s.cidr == 10.1.3.0/24"}}, "false");
  f.rule(m, "count_filtered", {}, "count(s in subnets where not s.private) == 0");
  f.rule(m, "count_plain", {}, "count(s in subnets where true and not s.private) == 0");
  auto p = compileFixture(f);
  std::map<std::string, uint64_t> steps;
  for (const char* id : {"aws.net.filtered", "aws.net.plain", "aws.net.kind_filtered", "aws.net.kind_plain",
                         "aws.net.count_filtered", "aws.net.count_plain"}) {
    CAPTURE(id);
    const CompiledPolicy one = onlyRule(*p, id);
    auto full = evaluate(one, *fb);
    REQUIRE(full);
    steps[id] = full->steps;
    CHECK(full->findings.size() == (std::string(id).find("kind") != std::string::npos ? 2 : 1));
    // Every budget short of the whole evaluation fails; the whole one does not.
    EvalOptions o;
    for (uint64_t budget = 0; budget < full->steps; ++budget) {
      o.limits.maxSteps = budget;
      auto shortRun = evaluate(one, *fb, o);
      REQUIRE_FALSE(shortRun);
      CHECK(shortRun.error().code == EvalErrorCode::StepLimit);
    }
    o.limits.maxSteps = full->steps;
    CHECK(evaluate(one, *fb, o));
  }
  // A filter charges each element the steps of the condition it replaces.
  CHECK(steps["aws.net.filtered"] == steps["aws.net.plain"]);
  CHECK(steps["aws.net.kind_filtered"] == steps["aws.net.kind_plain"]);
  CHECK(steps["aws.net.count_filtered"] == steps["aws.net.count_plain"]);
}

}  // TEST_SUITE
