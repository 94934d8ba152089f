// Unit tests of the compiler: inline golden bytecode listings of small rules
// (Luau style), structural checks over every chunk, the explain side-table,
// metadata and exemptions.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "dsl/driver.hpp"
#include "tests/unit/vm_fixture.hpp"

using namespace ward;
using namespace ward::vm_test;

namespace {

// Every chunk must decode into whole instructions, jump only to instruction
// starts, and end with Return: what the VM takes for granted.
void verifyChunk(const Chunk& c) {
  INFO("chunk:\n" << disassemble(c));
  if (c.code.empty()) return;
  std::set<uint32_t> starts;
  std::vector<uint32_t> targets;
  uint32_t pc = 0;
  Op last = Op::Return;
  while (pc < c.code.size()) {
    REQUIRE(c.code[pc] < kOpCount);
    Op op = static_cast<Op>(c.code[pc]);
    starts.insert(pc);
    OperandKind k = operandKind(op);
    uint32_t words = operandWords(k);
    REQUIRE(pc + words < c.code.size());
    if (k == OperandKind::Jump) targets.push_back(c.code[pc + 1]);
    if (k == OperandKind::SlotJump) targets.push_back(c.code[pc + 2]);
    if (k == OperandKind::IterJump) targets.push_back(c.code[pc + 3]);
    if (k == OperandKind::IterFilterJump) targets.push_back(c.code[pc + 4]);
    last = op;
    pc += 1 + words;
  }
  CHECK(last == Op::Return);
  for (uint32_t t : targets) CHECK_MESSAGE(starts.count(t), "jump to " << t << " is not an instruction start");

  // Stack depth along every path: an instruction's effect holds on both its
  // edges (see opcodes.def), so each instruction must be reached at one
  // depth, never below zero, and the deepest point must be maxStack.
  std::map<uint32_t, int> depthAt;
  std::vector<std::pair<uint32_t, int>> work{{0, 0}};
  int deepest = 0;
  while (!work.empty()) {
    // Note: plain variables, not structured bindings, which clang 14 cannot
    // capture in doctest's message lambdas.
    const uint32_t at = work.back().first;
    const int depth = work.back().second;
    work.pop_back();
    const auto emplaced = depthAt.emplace(at, depth);
    const auto it = emplaced.first;
    if (!emplaced.second) {
      CHECK_MESSAGE(it->second == depth, "offset " << at << " reached at depths " << it->second << " and " << depth);
      continue;
    }
    Op op = static_cast<Op>(c.code[at]);
    OperandKind k = operandKind(op);
    uint32_t words = operandWords(k);
    int after = depth + stackEffect(op, words ? c.code[at + 1] : 0);
    REQUIRE_MESSAGE(after >= 0, "stack underflow at " << at);
    deepest = std::max(deepest, after);
    if (op == Op::Return) continue;
    if (k == OperandKind::Jump) work.emplace_back(c.code[at + 1], after);
    if (k == OperandKind::SlotJump) work.emplace_back(c.code[at + 2], after);
    if (k == OperandKind::IterJump) work.emplace_back(c.code[at + 3], after);
    if (k == OperandKind::IterFilterJump) work.emplace_back(c.code[at + 4], after);
    if (op != Op::Loop && op != Op::LoopReset) work.emplace_back(at + 1 + words, after);
  }
  CHECK(static_cast<uint32_t>(deepest) == c.maxStack);
}

void verifyPolicy(const CompiledPolicy& p) {
  forEachChunk(p, [](const Chunk& c) { verifyChunk(c); });
}

}  // namespace

TEST_SUITE("compile") {

TEST_CASE("a rule over a kind table walks it by index and fails where require is not true") {
  Fixture f;
  f.rule(f.module("aws.net"), "private", {{"s", "subnets"}}, "s.private");
  auto p = compileFixture(f);
  CHECK(listing(*p, "aws.net.private") == R"(
== rule aws.net.private (frame 3, stack 3) ==
-- for s ($0) in subnets
0000  IterKind       $1 subnet
0003  Mark           $2
0005  NextEntity     $1 $0 -> 0018
0009  LocalAttr      $0 subnet.private
0012  JumpIfTrue     -> 0015
0014  Fail
0015  LoopReset      $2 -> 0005
0018  Return
-- explain `s.private` --
0000  LocalAttr      $0 subnet.private
0003  Return
)");
}

TEST_CASE("a quantifier is a loop with early exit; the message is a chunk of its own") {
  Fixture f;
  f.rule(f.module(), "jobs", {{"job", "training_jobs"}}, "all s in job.subnets: s.private",
         "\"training job {job.name} runs in public subnet {s.id}\"", "job.vpc_mode");
  auto p = compileFixture(f);
  CHECK(listing(*p, "jobs") == R"(
== rule jobs (frame 6, stack 7) ==
-- for job ($0) in training_jobs
0000  IterKind       $2 training_job
0003  Mark           $3
0005  NextEntity     $2 $0 -> 0039
0009  LocalAttr      $0 training_job.vpc_mode
0012  JumpIfNotTrue  -> 0036
0014  Unbind         $1
0016  LocalAttr      $0 training_job.subnets
0019  IterList       $4
0021  True
0022  NextElem       $4 $1 -> 0033
0026  LocalAttr      $1 subnet.private
0029  AllStep        -> 0033
0031  Loop           -> 0022
0033  JumpIfTrue     -> 0036
0035  Fail
0036  LoopReset      $3 -> 0005
0039  Return
-- message --
0000  Str            "training job "
0002  LocalAttr      $0 training_job.name
0005  Str            " runs in public subnet "
0007  LocalAttr      $1 subnet.id
0010  Interp         4
0012  Return
-- explain `all s in job.subnets: s.private` --
0000  LocalAttr      $0 training_job.subnets
0003  IterList       $5
0005  True
0006  NextElem       $5 $1 -> 0017
0010  LocalAttr      $1 subnet.private
0013  AllStep        -> 0017
0015  Loop           -> 0006
0017  Return
-- witness operand `s.private` --
0000  LocalAttr      $1 subnet.private
0003  Return
)");
}

TEST_CASE("`any` with a string comparison and a short-circuit `and`") {
  Fixture f;
  f.rule(f.module(), "eps", {{"v", "vpcs"}}, "any e in v.endpoints: e.service == \"s3\" and e.available");
  auto p = compileFixture(f);
  CHECK(p->findRule("eps")->body.maxStack == 3);
  CHECK(listing(*p, "eps") == R"(
== rule eps (frame 6, stack 7) ==
-- for v ($0) in vpcs
0000  IterKind       $2 vpc
0003  Mark           $3
0005  NextEntity     $2 $0 -> 0042
0009  Unbind         $1
0011  LocalAttr      $0 vpc.endpoints
0014  IterList       $4
0016  False
0017  NextElem       $4 $1 -> 0036
0021  LocalAttrEqStr $1 vpc_endpoint.service "s3"
0025  AndJump        -> 0031
0027  LocalAttr      $1 vpc_endpoint.available
0030  AndMerge
0031  AnyStep        $1 -> 0036
0034  Loop           -> 0017
0036  JumpIfTrue     -> 0039
0038  Fail
0039  LoopReset      $3 -> 0005
0042  Return
-- explain `any e in v.endpoints: e.service == "s3" and e.available` --
0000  LocalAttr      $0 vpc.endpoints
0003  IterList       $5
0005  False
0006  NextElem       $5 $1 -> 0025
0010  LocalAttrEqStr $1 vpc_endpoint.service "s3"
0014  AndJump        -> 0020
0016  LocalAttr      $1 vpc_endpoint.available
0019  AndMerge
0020  AnyStep        $1 -> 0025
0023  Loop           -> 0006
0025  Return
)");
}

TEST_CASE("comparisons with null or a literal test the top of the stack in place") {
  Fixture f;
  f.rule(f.module(), "world", {{"s", "subnets"}}, "s.cidr != null and (s.cidr == 0.0.0.0/0 or 10.0.0.0/8 != s.cidr)");
  auto p = compileFixture(f);
  CHECK(listing(*p, "world") == R"(
== rule world (frame 3, stack 6) ==
-- for s ($0) in subnets
0000  IterKind       $1 subnet
0003  Mark           $2
0005  NextEntity     $1 $0 -> 0034
0009  LocalAttrNotNull $0 subnet.cidr
0012  AndJump        -> 0028
0014  LocalAttr      $0 subnet.cidr
0017  EqConst        0.0.0.0/0
0019  OrJump         -> 0027
0021  LocalAttr      $0 subnet.cidr
0024  NeConst        10.0.0.0/8
0026  OrMerge
0027  AndMerge
0028  JumpIfTrue     -> 0031
0030  Fail
0031  LoopReset      $2 -> 0005
0034  Return
-- explain `s.cidr != null` --
0000  LocalAttrNotNull $0 subnet.cidr
0003  Return
-- operand `s.cidr` --
0000  LocalAttr      $0 subnet.cidr
0003  Return
-- explain `s.cidr == 0.0.0.0/0 or 10.0.0.0/8 != s.cidr` --
0000  LocalAttr      $0 subnet.cidr
0003  EqConst        0.0.0.0/0
0005  OrJump         -> 0013
0007  LocalAttr      $0 subnet.cidr
0010  NeConst        10.0.0.0/8
0012  OrMerge
0013  Return
-- operand `s.cidr` --
0000  LocalAttr      $0 subnet.cidr
0003  Return
-- operand `s.cidr` --
0000  LocalAttr      $0 subnet.cidr
0003  Return
)");
}

TEST_CASE("an inlined def's attribute argument is stored in one step; `x == K1 or x == K2` is one instruction") {
  Fixture f;
  auto& m = f.module("aws.net");
  f.def(m, "world", {{"c", "cidr"}}, "c == 0.0.0.0/0 or c == 10.0.0.0/8");
  f.rule(m, "open", {{"s", "subnets", "s.cidr != null and world(s.cidr)"}}, "false");
  // Not fused: a different local on each side, or a third disjunct.
  f.rule(m, "mixed", {{"s", "subnets"}, {"t", "subnets"}},
         "not (s.id == t.id or t.available_ips == 3) and (s.available_ips == 1 or s.available_ips == 2 or s.available_ips == 3)");
  auto p = compileFixture(f);
  verifyPolicy(*p);
  const std::string open = listing(*p, "aws.net.open");
  CHECK(open.find("LocalAttrStore $0 subnet.cidr $3\n") != std::string::npos);
  CHECK(open.find("LocalEqConstOr $3 0.0.0.0/0 10.0.0.0/8\n") != std::string::npos);
  CHECK(open.find("OrJump") == std::string::npos);
  CHECK(open.find("StoreLocal") == std::string::npos);
  const std::string mixed = listing(*p, "aws.net.mixed");
  CHECK(mixed.find("LocalEqConstOr") == std::string::npos);
}

TEST_CASE("a local's attribute against null or a string is one instruction; other values are tested in place") {
  Fixture f;
  f.rule(f.module(), "fused", {{"s", "subnets"}},
         "s.cidr != null and s.az == \"a\" and s.vpc.cidr == null and s.vpc.id != \"b\"");
  auto p = compileFixture(f);
  const std::string body = listing(*p, "fused");
  const std::string rule = body.substr(0, body.find("-- explain"));
  CHECK(rule.find("LocalAttrNotNull $0 subnet.cidr\n") != std::string::npos);
  CHECK(rule.find("LocalAttrEqStr $0 subnet.az \"a\"\n") != std::string::npos);
  // s.vpc is not a local: GetAttr, then the test in place.
  CHECK(rule.find("GetAttr        vpc.cidr\n") != std::string::npos);
  CHECK(rule.find("  IsNull\n") != std::string::npos);
  CHECK(rule.find("  NeStr          \"b\"\n") != std::string::npos);
}

TEST_CASE("defs are inlined on the caller's slots; lets are chunks of their own") {
  Fixture f;
  auto& m = f.module("aws.net");
  f.let(m, "min_ips", "8 + 2");
  f.def(m, "roomy", {{"s", "subnet"}}, "s.available_ips >= min_ips");
  f.def(m, "big_vpc", {{"v", "vpc"}, {"n", "int"}}, "count(t in v.subnets where t.available_ips > n) > 1");
  f.rule(m, "roomy_rule", {{"s", "subnets", "s.az != \"x\""}}, "roomy(s) or big_vpc(s.vpc, 100)");
  auto p = compileFixture(f);
  CHECK(disassemble(*p).rfind(R"(== let min_ips (frame 0, stack 2) ==
0000  Const          8
0002  Const          2
0004  Add
0005  Return
)", 0) == 0);
  CHECK(p->unit.letOrder == std::vector<uint32_t>{0});
  CHECK(listing(*p, "aws.net.roomy_rule") == R"(
== rule aws.net.roomy_rule (frame 11, stack 8) ==
-- for s ($0) in subnets where s.az != "x"
0000  IterKind       $1 subnet
0003  Mark           $2
0005  NextEntity     $1 $0 -> 0061
0009  LocalAttrNeStr $0 subnet.az "x"
0013  JumpIfNotTrue  -> 0058
0015  LocalAttr      $0 subnet.available_ips
0018  LoadGlobal     min_ips
0020  Ge
0021  OrJump         -> 0055
0023  LocalAttrStore $0 subnet.vpc $3
0027  Const          100
0029  StoreLocal     $4
0031  LocalAttr      $3 vpc.subnets
0034  IterList       $5
0036  Const          0
0038  NextElem       $5 $6 -> 0051
0042  LocalAttr      $6 subnet.available_ips
0045  LoadLocal      $4
0047  Gt
0048  CountStep
0049  Loop           -> 0038
0051  Const          1
0053  Gt
0054  OrMerge
0055  JumpIfTrue     -> 0058
0057  Fail
0058  LoopReset      $2 -> 0005
0061  Return
-- operand `roomy(s)` --
0000  LocalAttr      $0 subnet.available_ips
0003  LoadGlobal     min_ips
0005  Ge
0006  Return
-- operand `big_vpc(s.vpc, 100)` --
0000  LocalAttrStore $0 subnet.vpc $7
0004  Const          100
0006  StoreLocal     $8
0008  LocalAttr      $7 vpc.subnets
0011  IterList       $9
0013  Const          0
0015  NextElem       $9 $10 -> 0028
0019  LocalAttr      $10 subnet.available_ips
0022  LoadLocal      $8
0024  Gt
0025  CountStep
0026  Loop           -> 0015
0028  Const          1
0030  Gt
0031  Return
)");
}

TEST_CASE("nested for clauses, a comprehension and literal lists") {
  Fixture f;
  f.rule(f.module(), "comp", {{"j", "training_jobs"}, {"s", "j.subnets"}},
         "len([x.cidr for x in j.subnets where x.private]) > 0 and s.az in [\"us-east-1a\", \"us-east-1b\"]");
  auto p = compileFixture(f);
  CHECK(p->unit.constLists.size() == 1);
  CHECK(p->findRule("comp")->body.code.size() == 69);
  std::string body = listing(*p, "comp");
  // The comprehension's `where` starts with a test of x's attribute, which
  // NextElemFilter applies before the `where` runs.
  CHECK(body.substr(0, body.find("-- explain")) == R"(
== rule comp (frame 13, stack 6) ==
-- for j ($0) in training_jobs
-- for s ($1) in j.subnets
0000  IterKind       $3 training_job
0003  Mark           $4
0005  NextEntity     $3 $0 -> 0068
0009  LocalAttr      $0 training_job.subnets
0012  IterList       $5
0014  Mark           $6
0016  NextElem       $5 $1 -> 0065
0020  LocalAttr      $0 training_job.subnets
0023  IterList       $7
0025  BuildBegin     $8
0027  NextElemFilter $7 $2 [subnet.private] -> 0043
0032  LocalAttr      $2 subnet.private
0035  JumpIfNotTrue  -> 0041
0037  LocalAttr      $2 subnet.cidr
0040  BuildPush
0041  Loop           -> 0027
0043  BuildEnd       $8
0045  CallBuiltin    len/1
0047  Const          0
0049  Gt
0050  AndJump        -> 0059
0052  LocalAttr      $1 subnet.az
0055  ConstList      list#0
0057  In
0058  AndMerge
0059  JumpIfTrue     -> 0062
0061  Fail
0062  LoopReset      $6 -> 0016
0065  LoopReset      $4 -> 0005
0068  Return
)");
}

TEST_CASE("every chunk decodes into whole instructions and jumps to instruction starts") {
  Fixture f;
  f.options.hostFunctions.push_back(HostFunction{"probe", "(subnet) -> bool"});
  auto& m = f.module("aws.x");
  f.let(m, "zones", "[s.az for s in subnets]");
  f.def(m, "isolated", {{"s", "subnet"}}, "s.private and not s.has_nat");
  f.rule(m, "a", {{"s", "subnets", "s.az in zones"}}, "isolated(s) or probe(s)", "\"{s.id}: {count(zones)}\"");
  f.rule(m, "b", {{"job", "training_jobs"}}, "none s in job.subnets: s.public and -s.available_ips < -10",
         "", "job.vpc_mode");
  f.rule(m, "c", {}, "count(v in vpcs where v.is_default) == 0 and count(subnets) > 2");
  f.rule(m, "d", {{"v", "vpcs"}}, "all s in v.subnets: s.cidr within v.cidr and s.vpc == v and 10.0.0.1 in s.cidr");
  auto p = compileFixture(f);
  REQUIRE(p->rules.size() == 4);
  verifyPolicy(*p);
  // A rule without for clauses runs once: no loop, no resource.
  const CompiledRule& c = *p->findRule("aws.x.c");
  CHECK(c.fors.empty());
  CHECK(c.body.code.back() == static_cast<uint32_t>(Op::Return));
  CHECK(listing(*p, "aws.x.c").find("CountKind      subnet") != std::string::npos);
  CHECK(c.explain.size() == 2);
}

TEST_CASE("the explain table has one check per conjunct, with operands and witness variables") {
  Fixture f;
  f.rule(f.module(), "r", {{"v", "vpcs"}},
         "v.cidr within 10.0.0.0/8 and not v.is_default and all s in v.subnets: s.az == \"a\" or s.private");
  auto p = compileFixture(f);
  const CompiledRule& r = *p->findRule("r");
  CHECK(r.requireText == "v.cidr within 10.0.0.0/8 and not v.is_default and all s in v.subnets: s.az == \"a\" or s.private");
  REQUIRE(r.explain.size() == 3);
  CHECK(r.explain[0].text == "v.cidr within 10.0.0.0/8");
  REQUIRE(r.explain[0].operands.size() == 1);
  CHECK(r.explain[0].operands[0].text == "v.cidr");
  CHECK(r.explain[1].text == "not v.is_default");
  REQUIRE(r.explain[1].operands.size() == 1);
  CHECK(r.explain[1].operands[0].text == "v.is_default");
  CHECK(r.explain[2].text == "all s in v.subnets: s.az == \"a\" or s.private");
  REQUIRE(r.explain[2].witnesses.size() == 1);
  CHECK(r.explain[2].witnesses[0].name == "s");
  CHECK(r.explain[2].witnessSlot == r.explain[2].witnesses[0].slot);
  REQUIRE(r.explain[2].witnessOperands.size() == 2);
  CHECK(r.explain[2].witnessOperands[0].text == "s.az");
  CHECK(r.explain[2].witnessOperands[1].text == "s.private");
  // The conjunct itself is the fallback operand when no witness is bound.
  REQUIRE(r.explain[2].operands.size() == 1);
  CHECK(r.explain[2].operands[0].chunk.code.empty());
}

TEST_CASE("rule metadata, source locations and exemptions are compiled in") {
  Fixture f;
  auto& m = f.module("aws.meta");
  auto& rule = f.rule(m, "private", {{"s", "subnets"}}, "s.private");
  rule.title = "Subnets are private";
  rule.level = Level::Deny;
  rule.levelGiven = true;
  rule.severity = RuleSeverity::High;
  rule.severityGiven = true;
  rule.tags = {"subnets"};
  rule.fix = "remove the IGW route";
  rule.refs = {"CKV_AWS_130"};
  ast::Exempt e;
  e.rule = "private";
  e.ruleSpan = f.sp("private");
  e.resource = "subnet-9";
  e.until = 20000;
  e.owner = "team";
  e.reason = "legacy";
  e.span = f.sp("exempt private for subnet \"subnet-9\"");
  m.exempts.push_back(std::move(e));
  auto p = compileFixture(f);
  const CompiledRule& r = *p->findRule("aws.meta.private");
  CHECK(r.meta.title == "Subnets are private");
  CHECK(r.meta.level == Level::Deny);
  CHECK(r.meta.severity == RuleSeverity::High);
  CHECK(r.meta.tags == std::vector<std::string>{"subnets"});
  CHECK(r.meta.fix == "remove the IGW route");
  CHECK(r.meta.refs == std::vector<std::string>{"CKV_AWS_130"});
  CHECK(r.meta.location.file.rfind("<t", 0) == 0);
  CHECK(r.meta.location.line == 1);
  CHECK(r.meta.location.col == 1);
  REQUIRE(p->exemptions.size() == 1);
  CHECK(p->exemptions[0].ruleId == "aws.meta.private");
  CHECK(p->exemptions[0].resource == "subnet-9");
  CHECK(p->exemptions[0].until == 20000);
  CHECK(p->exemptions[0].owner == "team");
  CHECK(p->exemptions[0].reason == "legacy");
}

TEST_CASE("a compiled expression carries the lets it reads, dependencies first") {
  Fixture f;
  auto& m = f.module();
  f.let(m, "zones", "[s.az for s in subnets]");
  f.let(m, "n", "len(zones) + 1");
  f.let(m, "unused", "42");
  REQUIRE(f.errors().empty());
  auto e = compileExpr(f, "n + 0 == 4");
  REQUIRE(e->unit.letOrder.size() == 2);
  CHECK(e->unit.lets[e->unit.letOrder[0]].name == "zones");
  CHECK(e->unit.lets[e->unit.letOrder[1]].name == "n");
  CHECK(e->type == "bool");
  CHECK(disassemble(*e).find("== expr ") != std::string::npos);
}

TEST_CASE("string constants are shared in one table; stack effects match the VM") {
  Fixture f;
  f.rule(f.module(), "r", {{"e", "vpc_endpoints"}}, "e.service == \"s3\" or e.endpoint_type != \"s3\"");
  auto p = compileFixture(f);
  CHECK(std::count(p->unit.strings.begin(), p->unit.strings.end(), "s3") == 1);
  CHECK(stackEffect(Op::MakeList, 3) == -2);
  CHECK(stackEffect(Op::MakeList, 0) == 1);
  CHECK(stackEffect(Op::CallBuiltin, packCall(static_cast<uint32_t>(BuiltinId::Reach), 3)) == -2);
  CHECK(stackEffect(Op::LocalAttr, 0) == 1);
  CHECK(stackEffect(Op::AllStep, 0) == -1);
  CHECK(instructionWords(Op::NextEntity) == 4);
  CHECK(std::string(opName(Op::GetAttr)) == "GetAttr");
}

TEST_CASE("a name the checker left unresolved is a compile error, not a crash") {
  Fixture f;
  f.rule(f.module(), "r", {{"s", "subnets"}}, "s.private");
  REQUIRE(f.errors().empty());
  ast::Expr& recv = *f.program->rules[0].rule->require->args[0];
  recv.ref = ast::NameRef::Unresolved;
  recv.text = "mystery";
  auto p = compile(*f.program);
  REQUIRE_FALSE(p);
  CHECK(p.error().front().message == "internal error: name 'mystery' was not resolved by the checker");
}

TEST_CASE("every chunk of the standard library is well formed") {
  // The fixtures above are small; the standard library's 53 rules use every
  // construct, defs inlined into quantifiers and explanations among them.
  CompileRequest req;
  req.withStdlib = true;
  auto r = compilePolicies(req);
  REQUIRE(r);
  REQUIRE(r->policy->rules.size() >= 50);
  size_t chunks = 0;
  forEachChunk(*r->policy, [&](const Chunk& c) {
    verifyChunk(c);
    ++chunks;
  });
  CHECK(chunks > 200);  // bodies, messages, lets, explanations: not a vacuous pass
}

}  // TEST_SUITE

TEST_CASE("a module with a standard-library package replaces that module, with a warning") {
  CompileRequest req;
  req.withStdlib = true;
  req.sources.push_back(PolicySource{"mine.ward",
                                     "package aws.sg\n"
                                     "rule only_mine {\n"
                                     "  for g in security_groups\n"
                                     "  require g.id != \"sg-x\"\n"
                                     "}\n"});
  auto r = compilePolicies(req);
  REQUIRE(r);
  CHECK(r->policy->findRule("aws.sg.only_mine") != nullptr);
  // The built-in aws.sg is gone, rules and all; the other modules stay.
  CHECK(r->policy->findRule("aws.sg.no_unrestricted_ssh") == nullptr);
  CHECK(r->policy->findRule("aws.endpoints.ecr") != nullptr);
  REQUIRE(r->warnings.size() == 1);
  const Diagnostic& w = r->warnings[0];
  CHECK(w.severity == Severity::Warning);
  CHECK(w.message == "package 'aws.sg' replaces the standard library's module of that name");
  const SourceFile* file = r->sources->get(w.span.file);
  REQUIRE(file != nullptr);
  CHECK(file->name() == "mine.ward");
  CHECK(file->text().substr(w.span.begin, w.span.end - w.span.begin) == "aws.sg");

  // Without the standard library there is nothing to replace.
  req.withStdlib = false;
  auto alone = compilePolicies(req);
  REQUIRE(alone);
  CHECK(alone->warnings.empty());
  CHECK(alone->policy->rules.size() == 1);

  // A package of its own replaces nothing.
  req.withStdlib = true;
  req.sources[0].text = "package team.sg\nrule r {\n  for g in security_groups\n  require g.id != \"sg-x\"\n}\n";
  auto other = compilePolicies(req);
  REQUIRE(other);
  CHECK(other->warnings.empty());
  CHECK(other->policy->findRule("aws.sg.no_unrestricted_ssh") != nullptr);
}

TEST_CASE("the string table holds each string once, however many uses and growths") {
  // 300 distinct strings, each used three times: the index grows past its
  // first size several times and must still find every earlier string.
  std::string src = "let xs = [";
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 300; ++i) src += fmt::format("{}\"s{}\"", round == 0 && i == 0 ? "" : ", ", i);
  src += "]\nrule r {\n  for s in subnets\n  require s.id in xs\n}\n";
  CompileRequest req;
  req.withStdlib = false;
  req.sources.push_back(PolicySource{"t.ward", src});
  auto r = compilePolicies(req);
  REQUIRE(r);
  const std::vector<std::string>& strings = r->policy->unit.strings;
  std::set<std::string> distinct(strings.begin(), strings.end());
  CHECK(distinct.size() == strings.size());
  for (int i = 0; i < 300; ++i) CHECK(distinct.count(fmt::format("s{}", i)) == 1);

  // And so does the standard library's.
  CompileRequest withStdlib;
  auto lib = compilePolicies(withStdlib);
  REQUIRE(lib);
  const std::vector<std::string>& all = lib->policy->unit.strings;
  CHECK(all.size() > 100);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == all.size());
}

TEST_CASE("a rule's texts show each run of blanks in the source as one space") {
  // Texts of both kinds: taken as written (one line, single spaces) and
  // rewritten (tabs, line breaks, spaces in a row), the runs placed on both
  // sides of a sixteen-byte boundary, where textOf's scan changes blocks.
  auto requireText = [](const std::string& require) {
    CompileRequest req;
    req.withStdlib = false;
    req.sources.push_back(PolicySource{"t.ward", "package t\nrule r {\n  for v in vpcs\n  require " + require + "\n}\n"});
    auto r = compilePolicies(req);
    REQUIRE(r);
    const CompiledRule* rule = r->policy->findRule("t.r");
    REQUIRE(rule != nullptr);
    return rule->requireText;
  };
  CHECK(requireText("v.is_default == false and v.id != \"vpc-1\"") == "v.is_default == false and v.id != \"vpc-1\"");
  // Two spaces at 15-16, then a tab at 15 and 31, each with a full block after.
  CHECK(requireText("v.is_default ==  false and v.id != \"vpc-0000000001\"") ==
        "v.is_default == false and v.id != \"vpc-0000000001\"");
  CHECK(requireText("v.is_default ==\tfalse and v.id !=\t\"vpc-0000000001\"") ==
        "v.is_default == false and v.id != \"vpc-0000000001\"");
  CHECK(requireText("v.is_default != true\n    and v.id != \"vpc-1\"") == "v.is_default != true and v.id != \"vpc-1\"");
  CHECK(requireText("v.is_default ==\r\nfalse") == "v.is_default == false");
  CHECK(requireText("v.id != \"a   b\"") == "v.id != \"a b\"");  // inside a string too, as before
}
