// Unit tests of the checker: names and scopes, slots, types against a small
// hand-built schema, desugaring of the sentence form and program-level checks.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dsl/check.hpp"
#include "dsl/desugar.hpp"
#include "dsl/parser.hpp"
#include "tests/unit/check_fixture.hpp"

using namespace ward;
using namespace ward::check_test;

TEST_SUITE("check") {

TEST_CASE("every builtin signature parses") {
  for (const BuiltinInfo& b : builtinTable()) CHECK_MESSAGE(parseSignature(b.signature, testSchema()), b.name);
  REQUIRE(findBuiltin("len"));
  CHECK(builtinTable()[*findBuiltin("len")].name == "len");
  CHECK_FALSE(findBuiltin("nope"));
}

TEST_CASE("signatures and type names") {
  const Schema& s = testSchema();
  auto sig = parseSignature("(subnet, list<subnet>, string?) -> bool", s);
  REQUIRE(sig);
  REQUIRE(sig->params.size() == 3);
  CHECK(s.typeName(sig->params[0]) == "subnet");
  CHECK(s.typeName(sig->params[1]) == "list<subnet>");
  CHECK(sig->params[2].nullable);
  CHECK(s.typeName(sig->result) == "bool");
  CHECK(parseSignature("() -> int", s));
  CHECK_FALSE(parseSignature("(int -> bool", s));
  CHECK_FALSE(parseSignature("(int) bool", s));
  CHECK_FALSE(parseSignature("(subnt) -> bool", s));
  CHECK_FALSE(parseSignature("(int) -> bool extra", s));
  CHECK(resolveTypeName("list<vpc>", s));
  CHECK_FALSE(resolveTypeName("list<vpc", s));
  CHECK(resolveTypeName("string?", s)->nullable);
}

TEST_CASE("a well-typed rule is annotated with kinds, attributes, slots and its id") {
  Fixture f;
  auto& m = f.module("aws.sagemaker");
  f.rule(m, "training_in_private_subnets", {{"job", "training_jobs"}},
         "all s in job.subnets: s.private", "\"training job {job.name} runs in public subnet {s.id}\"", "job.vpc_mode");
  REQUIRE(f.errors().empty());
  const Program& p = *f.program;
  CHECK(p.rules[0].id == "aws.sagemaker.training_in_private_subnets");
  const ast::Rule& r = onlyRule(p);
  CHECK(r.fors[0].slot == 0);
  CHECK(r.frameSize == 2);
  const ast::Expr& q = *r.require;
  CHECK(q.slot == 1);
  CHECK(q.type.base == BaseType::Bool);
  const ast::Expr& sPrivate = *q.args[1];
  CHECK(sPrivate.kind_ == *f.schema.findKind("subnet"));
  CHECK(sPrivate.attr == *f.schema.kind(sPrivate.kind_).find("private"));
  CHECK(sPrivate.args[0]->ref == ast::NameRef::Local);
  CHECK(sPrivate.args[0]->slot == 1);
  const ast::Expr& coll = *r.fors[0].collection;
  CHECK(coll.ref == ast::NameRef::Collection);
  CHECK(f.schema.typeName(coll.type) == "list<training_job>");
  // The witness in the message is the quantifier's slot, and may be null.
  const ast::Expr& sId = *r.message->args[3];
  CHECK(sId.args[0]->slot == 1);
  CHECK(sId.args[0]->type.nullable);
  CHECK(r.level == Level::Warn);
  CHECK(r.severity == RuleSeverity::Medium);
}

TEST_CASE("unknown attribute: message, did-you-mean and a span on the attribute") {
  Fixture f;
  CHECK(f.oneError("s.privat") == "subnet has no attribute 'privat'");
  CHECK(f.noteOf() == "did you mean 'private'?");
  CHECK(f.textAt(f.last[0].span) == "privat");
}

TEST_CASE("no cascade after an unknown attribute") {
  Fixture f;
  CHECK(f.oneError("not s.privat.foo.bar") == "subnet has no attribute 'privat'");
  Fixture g;
  g.rule(g.module(), "r", {{"s", "subnets"}}, "s.privat.foo == 3 and not s.privat.bar");
  CHECK(g.errors() == std::vector<std::string>{"subnet has no attribute 'privat'", "subnet has no attribute 'privat'"});
}

TEST_CASE("attribute of a list suggests a quantifier") {
  Fixture f;
  CHECK(f.oneError("job.subnets.private") == "list<subnet> has no attribute 'private'");
  CHECK(f.noteOf() ==
        "to test every element use a quantifier, e.g. 'all x in job.subnets: x.private' or 'any x in job.subnets: x.private'");
}

TEST_CASE("unknown names") {
  {
    Fixture f;
    CHECK(f.oneError("any x in sbnets: x.private") == "unknown name 'sbnets'");
    CHECK(f.noteOf() == "did you mean 'subnets'?");
  }
  {
    Fixture f;
    CHECK(f.oneError("any x in subnet: x.private") == "unknown name 'subnet'");
    CHECK(f.noteOf() == "did you mean 'subnets', the collection of every subnet?");
  }
}

TEST_CASE("equality needs comparable types") {
  Fixture f;
  CHECK(f.oneError("s.az == 3") == "cannot compare string with int");
  Fixture g;
  CHECK(g.oneError("s.cidr == \"10.0.0.0/16\"") == "cannot compare cidr with string");
  CHECK(g.noteOf() == "cidr values are written without quotes: 10.0.0.0/16");
  Fixture h;
  h.rule(h.module(), "r", {{"s", "subnets"}}, "s.vpc == null and s.route_table != null and s.vpc != s.vpc");
  CHECK(h.errors().empty());
  Fixture i;
  CHECK(i.oneError("s.vpc == s") == "cannot compare vpc with subnet");
}

TEST_CASE("ordering needs ints, dates or strings") {
  Fixture f;
  CHECK(f.oneError("s.az < 3") == "'<' needs two ints, dates or strings, found string and int");
  Fixture g;
  g.rule(g.module(), "r", {{"s", "subnets"}}, "s.available_ips >= 16 and s.az > \"a\"");
  CHECK(g.errors().empty());
}

TEST_CASE("membership: equality in lists, containment in cidrs and traffic, substrings") {
  Fixture ok;
  ok.rule(ok.module(), "r", {{"job", "training_jobs"}, {"s", "subnets"}},
          "s.az in [\"a\", \"b\"] and 10.0.1.5 in s.cidr and s.cidr not in [0.0.0.0/0, 172.16.0.0/12] and "
          "s in s.vpc.subnets and s.vpc.cidr contains s.cidr and [1, 2] contains s.available_ips and "
          "\"east\" in s.az and s.az contains \"-1\" and tcp 443 in job.traffic");
  CHECK(ok.errors().empty());
  Fixture a;
  CHECK(a.oneError("s.available_ips in [\"a\"]") == "'in' looks for a string in a list<string>, found int");
  Fixture b;
  CHECK(b.oneError("s.az in s.cidr") == "'in' looks for an ip or cidr in a cidr, found string");
  Fixture c;
  CHECK(c.oneError("s.az in 3") == "'in' needs a list, cidr, traffic or string on the right, found int");
  CHECK(c.textAt(c.last[0].span) == "3");
  Fixture d;
  CHECK(d.oneError("s.available_ips contains 1") ==
        "'contains' needs a list, cidr, traffic or string on the left, found int");
  // A list is searched by equality, so an ip is never "in" a list of blocks.
  Fixture e;
  CHECK(e.oneError("10.0.0.5 in [10.0.0.0/8]") == "'in' looks for a cidr in a list<cidr>, found ip");
  CHECK(e.noteOf().find("use 'within'") != std::string::npos);
}

TEST_CASE("overlaps and within on network values") {
  Fixture ok;
  ok.rule(ok.module(), "r", {{"job", "training_jobs"}, {"s", "subnets"}},
          "s.cidr overlaps 10.0.0.0/8 and 10.0.0.1 within s.cidr and job.traffic within tcp 0..1024 and "
          "tcp 443 overlaps job.traffic and s.cidr within [10.0.0.0/8, 172.16.0.0/12] and "
          "[s.cidr, s.vpc.cidr] overlaps 10.0.0.0/8");
  CHECK(ok.errors().empty());
  Fixture f;
  CHECK(f.oneError("s.az overlaps s.cidr") == "'overlaps' needs two cidrs or ips, or two traffic specs, found string and cidr");
  Fixture g;
  CHECK(g.oneError("s.cidr within job.traffic") ==
        "'within' needs an ip or cidr within a cidr, or traffic within traffic, found cidr and traffic");
}

TEST_CASE("arithmetic") {
  Fixture ok;
  ok.rule(ok.module(), "r", {{"s", "subnets"}},
          "s.available_ips + 1 > -2 and s.az + \"x\" == \"ax\" and 2024-01-01 + 30 < 2024-03-01 - 1 and "
          "2024-03-01 - 2024-01-01 > 30 and len([1] + [s.available_ips]) == 2");
  REQUIRE(ok.errors().empty());
  const ast::Expr& days = *onlyRule(*ok.program).require->args[0]->args[1]->args[0];
  CHECK(days.type.base == BaseType::Int);
  Fixture f;
  CHECK(f.oneError("s.az - 1 == 0") == "'-' needs two ints, two dates, or a date and an int, found string and int");
  Fixture g;
  CHECK(g.oneError("s.az + 1 == \"\"") ==
        "'+' needs two ints, two strings, two lists, or a date and an int, found string and int");
}

TEST_CASE("logical operators need bools; nullable bools are fine") {
  Fixture f;
  CHECK(f.oneError("s.az and s.private") == "'and' needs a bool, found string");
  CHECK(f.textAt(f.last[0].span) == "s.az");
  Fixture g;
  CHECK(g.oneError("not s.available_ips") == "'not' needs a bool, found int");
  Fixture ok;
  ok.rule(ok.module(), "r", {{"s", "subnets"}}, "s.vpc.is_default or not s.vpc.is_default");
  CHECK(ok.errors().empty());
}

TEST_CASE("quantifiers range over lists") {
  Fixture f;
  CHECK(f.oneError("all x in s.vpc: x.is_default") == "'all' needs a list to range over, found vpc");
  CHECK(f.noteOf() == "the collection of every vpc is 'vpcs'");
  Fixture g;
  CHECK(g.oneError("any x in job.subnets: x.az") == "the body of 'any' must be a bool, found string");
}

TEST_CASE("count returns an int and comprehensions make lists") {
  Fixture f;
  CHECK(f.oneError("count(x in job.subnets where x.private) == \"2\"") == "cannot compare int with string");
  Fixture ok;
  ok.rule(ok.module(), "r", {{"job", "training_jobs"}},
          "count(job.subnets) >= 2 and \"a\" in [x.az for x in job.subnets where x.private]");
  REQUIRE(ok.errors().empty());
  const ast::Expr& comp = *onlyRule(*ok.program).require->args[1]->args[1];
  CHECK(ok.schema.typeName(comp.type) == "list<string>");
  CHECK(comp.slot == 1);
}

TEST_CASE("builtin calls: arity, argument types, unknown functions") {
  Fixture a;
  CHECK(a.oneError("len(job.subnets, 1) > 0") == "'len' takes 1 argument, got 2");
  Fixture b;
  CHECK(b.oneError("starts_with(s.az, 1)") == "'starts_with' expects string for argument 2, found int");
  CHECK(b.textAt(b.last[0].span) == "1");
  Fixture c;
  CHECK(c.oneError("lenn(job.subnets) > 0") == "unknown function 'lenn'");
  CHECK(c.noteOf() == "did you mean 'len'?");
  CHECK(c.textAt(c.last[0].span) == "lenn");
  Fixture ok;
  ok.rule(ok.module(), "r", {{"job", "training_jobs"}},
          "(all x in distinct(job.subnets): x.private) and tag(job, \"team\") == null and len(job.subnets) > 0");
  REQUIRE(ok.errors().empty());
  const ast::Expr& all = *onlyRule(*ok.program).require->args[0]->args[0];
  CHECK(ok.schema.typeName(all.args[0]->type) == "list<subnet>");
  CHECK(all.args[0]->callee == -1);
  CHECK(all.args[0]->builtin == *findBuiltin("distinct"));
}

TEST_CASE("host functions are typed by their signature") {
  Fixture f;
  f.options.hostFunctions = {{"in_zone", "(subnet, string) -> bool"}};
  f.rule(f.module(), "r", {{"s", "subnets"}}, "in_zone(s, \"us-east-1a\")");
  REQUIRE(f.errors().empty());
  const ast::Expr& call = *onlyRule(*f.program).require;
  CHECK(call.callee == kHostCallee);
  CHECK(call.builtin == 0);
  Fixture g;
  g.options.hostFunctions = {{"in_zone", "(subnet, string) -> bool"}};
  CHECK(g.oneError("in_zone(job, \"a\")") == "'in_zone' expects subnet for argument 1, found training_job");
  Fixture h;
  h.options.hostFunctions = {{"broken", "(subnet -> bool"}};
  h.rule(h.module(), "r", {{"s", "subnets"}}, "s.private");
  CHECK(h.errors() == std::vector<std::string>{"host function 'broken' has a malformed signature '(subnet -> bool'"});
}

TEST_CASE("rule clauses: when, where and require must be bools; message a string") {
  Fixture a;
  CHECK(a.oneError("s.az") == "'require' must be a bool, found string");
  Fixture b;
  b.rule(b.module(), "r", {{"s", "subnets", "s.available_ips"}}, "s.private", "", "s.az");
  CHECK(b.errors() == std::vector<std::string>{"'where' must be a bool, found int", "'when' must be a bool, found string"});
  Fixture c;
  CHECK(c.oneError("s.private", "s.available_ips") == "'message' must be a string, found int");
  Fixture d;
  d.rule(d.module(), "r", {{"s", "subnets"}}, "");
  CHECK(d.errors() == std::vector<std::string>{"rule 'r' has no 'require' clause"});
}

TEST_CASE("for clauses see earlier ones; duplicate for variables are errors") {
  Fixture f;
  f.rule(f.module(), "r", {{"v", "vpcs"}, {"s", "v.subnets", "s.vpc == v"}}, "s.private");
  REQUIRE(f.errors().empty());
  const ast::Rule& r = onlyRule(*f.program);
  CHECK(r.fors[1].slot == 1);
  CHECK(r.fors[1].collection->args[0]->slot == 0);
  CHECK(r.frameSize == 2);
  Fixture g;
  g.rule(g.module(), "r", {{"s", "subnets"}, {"s", "vpcs"}}, "true");
  CHECK(g.errors() == std::vector<std::string>{"'s' is already bound by an earlier for clause"});
}

TEST_CASE("witnesses: visible in the message only, ambiguous when bound twice") {
  Fixture a;
  a.rule(a.module(), "r", {{"job", "training_jobs"}}, "all s in job.subnets: s.private", "", "s.private");
  CHECK(a.errors() == std::vector<std::string>{"unknown name 's'"});
  Fixture b;
  b.rule(b.module(), "r", {{"job", "training_jobs"}},
         "all s in job.subnets: s.private and any t in job.subnets: all s in t.vpc.subnets: s.has_nat",
         "\"{job.name}: {s.id}\"");
  CHECK(b.errors() == std::vector<std::string>{
                          "'s' is bound by more than one quantifier in 'require'; rename one to use it in the message"});
  Fixture c;
  c.rule(c.module(), "r", {{"job", "training_jobs"}},
         "all s in job.subnets: any e in s.vpc.endpoints: e.available", "\"{s.id} {e.service} {e.vpc.id}\"");
  REQUIRE(c.errors().empty());
  const ast::Rule& r = onlyRule(*c.program);
  CHECK(r.message->args[3]->args[0]->slot == 2);
  CHECK(r.frameSize == 3);
}

TEST_CASE("why is a string in messages and unknown elsewhere") {
  Fixture a;
  a.rule(a.module(), "r", {{"job", "training_jobs"}}, "reach(job, service \"x\", tcp 443)",
         "\"cannot reach: {why}\"");
  CHECK(a.errors().empty());
  Fixture b;
  CHECK(b.oneError("why == \"\"") == "unknown name 'why'");
  CHECK(b.noteOf() == "'why' is only available in a rule's message");
}

TEST_CASE("non-canonical cidr literals") {
  Fixture f;
  CHECK(f.oneError("s.cidr within 10.0.0.1/8") == "cidr 10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?");
  CHECK(f.textAt(f.last[0].span) == "10.0.0.1/8");
}

TEST_CASE("the endpoint sentence desugars into an ordinary rule") {
  Fixture f;
  f.sentence(f.module("aws.endpoints"), "sagemaker.api", "", "subnet.private");
  REQUIRE(f.errors().empty());
  const Program& p = *f.program;
  CHECK(p.rules[0].id == "aws.endpoints.endpoint_sagemaker_api_required");
  const ast::Rule& r = onlyRule(p);
  CHECK(r.title == "sagemaker.api endpoint required");
  REQUIRE(r.fors.size() == 1);
  CHECK(r.fors[0].var == "subnet");
  CHECK(r.fors[0].collection->text == "subnets");
  CHECK(f.textAt(r.when->span) == "subnet.private");
  const ast::Expr& any = *r.require;
  CHECK(any.kind == ExprKind::Quantifier);
  CHECK(any.quant == ast::Quant::Any);
  CHECK(any.var == "endpoint_");
  CHECK(f.schema.typeName(any.args[0]->type) == "list<vpc_endpoint>");
  const ast::Expr& body = *any.args[1];  // service == "..." and available
  CHECK(body.binaryOp == BinaryOp::And);
  CHECK(body.args[0]->args[1]->text == "sagemaker.api");
  CHECK(body.args[1]->text == "available");
  CHECK(r.message->kind == ExprKind::Interp);
  CHECK(r.message->args[2]->text == " has no sagemaker.api endpoint in ");
  // Synthesised nodes point at the sentence.
  CHECK(f.textAt(any.span) == "endpoint sagemaker.api required when subnet.private");
  CHECK(r.frameSize == 2);
}

TEST_CASE("a sentence via gateway inside a rule keeps the rule's subject and metadata") {
  Fixture f;
  auto& m = f.module();
  f.let(m, "ml_subnets", "[s for s in subnets where s.private]");
  auto& r0 = f.rule(m, "s3_gateway", {{"subnet", "ml_subnets", "not subnet.has_nat"}}, "",
                    "\"no s3 for {subnet.id}\"");
  r0.title = "S3 through a gateway endpoint";
  r0.sentence = ast::EndpointSentence{"s3", f.sp("s3"), "gateway", f.e("subnet.private"), f.sp("endpoint s3 ...")};
  REQUIRE(f.errors().empty());
  ast::Rule& r = *f.program->rules.at(0).rule;
  CHECK(f.program->rules[0].id == "s3_gateway");
  REQUIRE(r.fors.size() == 1);
  CHECK(r.fors[0].collection->text == "ml_subnets");
  CHECK(r.title == "S3 through a gateway endpoint");
  CHECK(r.message->args[0]->text == "no s3 for ");
  // (service == "s3" and available) and endpoint_type == "gateway") and route table in route_tables
  const ast::Expr& body = *r.require->args[1];
  CHECK(body.args[1]->binaryOp == BinaryOp::In);
  CHECK(body.args[1]->args[1]->text == "route_tables");
  CHECK(body.args[0]->args[1]->args[1]->text == "gateway");
  CHECK(desugarRule(r).size() == 1);  // a second desugar is refused
}

TEST_CASE("a sentence with a require clause is an error; standalone names include via") {
  Fixture f;
  auto& r = f.sentence(f.module(), "logs", "interface", "subnet.private");
  r.require = f.e("true");
  CHECK(f.errors() == std::vector<std::string>{"a rule with an endpoint sentence cannot also have a 'require' clause"});
  ast::EndpointSentence s;
  s.service = "ecr.dkr";
  s.via = "interface";
  CHECK(sentenceRuleName(s) == "endpoint_ecr_dkr_required_via_interface");
}

TEST_CASE("defs with typed parameters: slots, callee, argument checks") {
  Fixture f;
  auto& m = f.module();
  f.def(m, "isolated", {{"s", "subnet"}}, "s.private and not s.has_nat");
  f.def(m, "all_isolated", {{"xs", "list<subnet>"}, {"min", "int"}},
        "count(xs) >= min and all x in xs: isolated(x)");
  f.rule(m, "r", {{"job", "training_jobs"}}, "all_isolated(job.subnets, 2)");
  REQUIRE(f.errors().empty());
  const Program& p = *f.program;
  REQUIRE(p.defs.size() == 2);
  CHECK(p.defs[0]->result.base == BaseType::Bool);
  CHECK(p.defs[0]->frameSize == 1);
  CHECK(p.defs[1]->frameSize == 3);
  CHECK(p.defs[1]->params[0].type == Type::listOf(BaseType::Entity, *f.schema.findKind("subnet")));
  CHECK(onlyRule(p).require->callee == 1);
  const ast::Expr& inner = *p.defs[1]->body->args[1]->args[1];  // isolated(x)
  CHECK(inner.callee == 0);
  CHECK(inner.args[0]->slot == 2);

  Fixture g;
  g.def(g.module(), "isolated", {{"s", "subnet"}}, "s.private");
  CHECK(g.oneError("isolated(job)") == "'isolated' expects subnet for argument 1, found training_job");
  Fixture h;
  h.def(h.module(), "isolated", {{"s", "subnet"}}, "s.private");
  CHECK(h.oneError("isolated(s, 1)") == "'isolated' takes 1 argument, got 2");
}

TEST_CASE("unknown parameter types point at the word, with did-you-mean") {
  Fixture f;
  f.def(f.module(), "g", {{"xs", "list<subnt>"}}, "true");
  CHECK(f.errors() == std::vector<std::string>{"unknown type 'subnt'"});
  CHECK(f.noteOf() == "did you mean 'subnet'?");
  CHECK(f.textAt(f.last[0].span) == "subnt");
}

TEST_CASE("a def built with the same parameter twice is an error") {
  // The parser refuses this first; a module built another way reaches the checker.
  Fixture f;
  f.def(f.module(), "g", {{"a", "subnet"}, {"b", "int"}, {"a", "int"}}, "true");
  CHECK(f.errors() == std::vector<std::string>{"duplicate parameter 'a' in def 'g'"});
  Fixture ok;
  ok.def(ok.module(), "g", {{"a", "subnet"}, {"b", "int"}}, "true");
  CHECK(ok.errors().empty());
}

TEST_CASE("recursive defs and self-referential lets are errors naming the cycle") {
  Fixture a;
  a.def(a.module(), "f", {{"x", "int"}}, "f(x) > 0");
  CHECK(a.errors() == std::vector<std::string>{"def 'f' is recursive: f -> f"});
  Fixture b;
  auto& m = b.module();
  b.def(m, "a", {{"x", "int"}}, "b(x)");
  b.def(m, "b", {{"x", "int"}}, "a(x + 1)");
  CHECK(b.errors() == std::vector<std::string>{"def 'a' is recursive: a -> b -> a"});
  Fixture c;
  auto& mc = c.module();
  c.let(mc, "x", "y + 1");
  c.let(mc, "y", "x");
  c.rule(mc, "r", {}, "x > 0");
  CHECK(c.errors() == std::vector<std::string>{"let 'x' depends on itself: x -> y -> x"});
}

TEST_CASE("duplicates: rule ids, lets and defs") {
  Fixture f;
  auto& m = f.module("aws.vpc");
  f.rule(m, "r", {{"s", "subnets"}}, "s.private");
  f.rule(m, "r", {{"s", "subnets"}}, "s.public");
  f.let(m, "x", "1");
  f.def(m, "x", {}, "2");
  f.rule(m, "uses", {}, "x > 0");
  CHECK(f.errors() == std::vector<std::string>{"duplicate rule id 'aws.vpc.r'", "duplicate definition of 'x'"});
  CHECK(f.last[0].notes[0].message == "first defined here");
  CHECK(f.textAt(f.last[0].notes[0].span) == "r");
  CHECK(f.last[0].notes[0].span.file < f.last[0].span.file);
}

TEST_CASE("unused lets are warnings, reported even when the check fails") {
  Fixture f;
  auto& m = f.module();
  f.let(m, "used", "1");
  f.let(m, "unused", "2");
  f.rule(m, "r", {}, "used > 0 and nope");
  CHECK(f.errors() == std::vector<std::string>{"unknown name 'nope'"});
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0].message == "unused let 'unused'");
  CHECK(f.warnings[0].severity == Severity::Warning);
}

TEST_CASE("imports bring lets and defs into scope") {
  Fixture f;
  auto& lib = f.module("aws.endpoints");
  f.let(lib, "ml_services", "[\"sagemaker.api\", \"logs\"]");
  f.def(lib, "isolated", {{"s", "subnet"}}, "s.private and not s.has_nat");
  auto& user = f.module("team", {"aws.endpoints"});
  f.rule(user, "r", {{"s", "subnets"}}, "isolated(s) and all e in s.vpc.endpoints: e.service in ml_services");
  REQUIRE(f.errors().empty());
  CHECK(f.warnings.empty());
  const ast::Expr& req = *onlyRule(*f.program).require;
  CHECK(req.args[0]->callee == 0);
  const ast::Expr& ml = *req.args[1]->args[1]->args[1];
  CHECK(ml.ref == ast::NameRef::Global);
  CHECK(ml.global == 0);

  Fixture g;
  g.let(g.module("aws.endpoints"), "ml_services", "[\"logs\"]");
  g.rule(g.module("team"), "r", {{"e", "vpc_endpoints"}}, "e.service in ml_services");
  CHECK(g.errors() == std::vector<std::string>{"unknown name 'ml_services'"});

  Fixture h;
  h.module("aws.endpoints");
  // Names the missing package might define are not reported again.
  h.rule(h.module("team", {"aws.endpointz"}), "r", {{"s", "subnets"}}, "isolated(s) and s.az in ml_zones");
  CHECK(h.errors() == std::vector<std::string>{"no module in this compilation has package 'aws.endpointz'"});
  CHECK(h.noteOf() == "did you mean 'aws.endpoints'?");
}

TEST_CASE("a name two imported packages define is ambiguous; the own package wins") {
  Fixture f;
  f.let(f.module("a"), "x", "1");
  f.let(f.module("b"), "x", "2");
  f.rule(f.module("c", {"a", "b"}), "r", {}, "x > 0");
  CHECK(f.errors() == std::vector<std::string>{"'x' is ambiguous: 2 imported packages define it"});
  CHECK(f.last[0].notes.size() == 2);
  Fixture g;
  g.let(g.module("a"), "x", "\"s\"");
  auto& own = g.module("c", {"a"});
  g.let(own, "x", "2");
  g.rule(own, "r", {}, "x > 0");
  CHECK(g.errors().empty());
}

TEST_CASE("exemptions and test expectations name known rules") {
  Fixture f;
  auto& lib = f.module("aws.sagemaker");
  f.rule(lib, "training_in_private_subnets", {{"job", "training_jobs"}}, "job.vpc_mode");
  auto& user = f.module("team", {"aws.sagemaker"});
  user.exempts.push_back(ast::Exempt{"training_in_private_subnets", f.sp("training_in_private_subnets"), "job", "legacy",
                                     20000, "2024-10-04", "ml", "migration", f.sp("exempt ...")});
  user.exempts.push_back(ast::Exempt{"training_in_privat_subnets", f.sp("training_in_privat_subnets"), "job", "x",
                                     std::nullopt, "", "", "", f.sp("exempt ...")});
  ast::TestBlock t;
  t.name = "t";
  t.expects.push_back(ast::Expectation{true, "aws.sagemaker.nope", f.sp("aws.sagemaker.nope"), "s1", std::nullopt, f.sp("expect"), {}});
  t.expects.push_back(ast::Expectation{true, "aws.sagemaker.training_in_private_subnets", f.sp("full id"), "s1", 1, f.sp("expect"), {}});
  user.tests.push_back(std::move(t));
  CHECK(f.errors() == std::vector<std::string>{"unknown rule 'training_in_privat_subnets'", "unknown rule 'aws.sagemaker.nope'"});
  CHECK(f.last[0].notes[0].message == "did you mean 'training_in_private_subnets'?");

  Fixture g;
  g.rule(g.module("aws.sagemaker"), "training_in_private_subnets", {{"job", "training_jobs"}}, "job.vpc_mode");
  g.module().exempts.push_back(ast::Exempt{"training_in_private_subnets", g.sp("training_in_private_subnets"), "job",
                                           "legacy", 1, "1970-01-02", "ml", "old", g.sp("exempt ...")});
  REQUIRE(g.errors().empty());
  REQUIRE(g.program->exempts.size() == 1);
  CHECK(g.program->exempts[0].ruleId == "aws.sagemaker.training_in_private_subnets");
}

TEST_CASE("given facts name known kinds") {
  Fixture f;
  ast::TestBlock t;
  ast::GivenFact g;
  g.kind = "subnett";
  g.kindSpan = f.sp("subnett");
  g.id = "s1";
  ast::GivenField field;
  field.key = "cidr";
  field.value = f.e("10.0.1.1/24");
  g.fields.push_back(std::move(field));
  t.given.push_back(std::move(g));
  f.module().tests.push_back(std::move(t));
  CHECK(f.errors() == std::vector<std::string>{"unknown kind of fact 'subnett'",
                                               "cidr 10.0.1.1/24 has host bits set; did you mean 10.0.1.0/24?"});
  CHECK(f.noteOf() == "did you mean 'subnet'?");
}

TEST_CASE("members of values of unknown kind are looked up at run time") {
  Fixture f;
  f.def(f.module(), "named", {{"x", "entity"}}, "x.name == \"a\" and x.id != \"\"");
  REQUIRE(f.errors().empty());
  const ast::Expr& m = *f.program->defs[0]->body->args[0]->args[0];
  CHECK(m.kind_ == kNoKind);
  CHECK(m.attr == kNoAttr);
  CHECK(m.type.base == BaseType::String);
  Fixture g;
  g.def(g.module(), "named", {{"x", "entity"}}, "x.nme == \"a\"");
  CHECK(g.errors() == std::vector<std::string>{"no kind of fact has an attribute 'nme'"});
  CHECK(g.noteOf() == "did you mean 'name'?");
}

TEST_CASE("checkExpression sees the program's lets and defs, and collections without a program") {
  Fixture f;
  auto& m = f.module("aws.x");
  f.let(m, "zones", "[\"a\", \"b\"]");
  f.def(m, "isolated", {{"s", "subnet"}}, "s.private");
  f.rule(m, "r", {{"s", "subnets"}}, "s.az in zones");
  REQUIRE(f.errors().empty());
  auto e1 = f.e("[s.id for s in subnets where isolated(s) and s.az in zones]");
  auto t1 = checkExpression(*e1, f.program.get(), f.schema);
  REQUIRE(t1);
  CHECK(f.schema.typeName(*t1) == "list<string>");
  CHECK(e1->args[2]->args[1]->args[1]->ref == ast::NameRef::Global);
  auto e2 = f.e("count(vpcs)");
  auto t2 = checkExpression(*e2, nullptr, f.schema);
  REQUIRE(t2);
  CHECK(t2->base == BaseType::Int);
  auto e3 = f.e("zones");
  auto t3 = checkExpression(*e3, nullptr, f.schema);
  REQUIRE_FALSE(t3);
  CHECK(t3.error()[0].message == "unknown name 'zones'");
}

TEST_CASE("errors come out in source order") {
  Fixture f;
  auto& m = f.module();
  f.rule(m, "a", {{"s", "subnets"}}, "s.b1");
  f.rule(m, "b", {{"s", "subnets"}}, "s.b2");
  auto errs = f.errors();
  REQUIRE(errs.size() == 2);
  CHECK(f.last[0].span.file < f.last[1].span.file);
}

// End to end through the real parser: source text in, checked program out.
namespace {
using Files = std::vector<std::pair<std::string, std::string>>;
struct Parsed {
  SourceMap sources;
  Diagnostics warnings;
  Result<Program> program = fail(Diagnostics{});
  explicit Parsed(const Files& files) {
    std::vector<std::unique_ptr<ast::Module>> modules;
    for (auto& [name, text] : files) {
      auto m = parseModule(sources, sources.add(name, text));
      REQUIRE_MESSAGE(m, (m ? "" : render(sources, m.error())));
      modules.push_back(std::make_unique<ast::Module>(std::move(*m)));
    }
    program = check(std::move(modules), sources, testSchema(), warnings);
  }
  std::string where(const Diagnostic& d) const {
    LineCol lc = sources.get(d.span.file)->lineCol(d.span.begin);
    return sources.get(d.span.file)->name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
  }
};
}  // namespace

TEST_CASE("parsed: the design example checks, sentences and exemptions included") {
  Parsed p(Files({{"endpoints.ward", "package aws.endpoints\nlet gateway_services = [\"s3\", \"dynamodb\"]\n"},
            {"vpc_mode.ward", R"(package aws.sagemaker
import aws.endpoints
def isolated(s: subnet) = s.private and not s.has_nat
endpoint sagemaker.api required when subnet.private
rule training_in_private_subnets {
  level deny
  for job in training_jobs
  when job.vpc_mode
  require all s in job.subnets: s.private
  message "training job {job.name} runs in public subnet {s.id}"
}
rule training_reaches_ecr {
  for job in training_jobs when job.vpc_mode
  require reach(job, service "ecr.dkr", tcp 443)
  message "training job {job.name} cannot pull its image: {why}"
}
rule s3 {
  for subnet in subnets where isolated(subnet)
  endpoint s3 required via gateway when subnet.private
}
exempt training_in_private_subnets for job "legacy-train" until 2027-03-01 by "ml" because "ML-42"
test "private subnet without an endpoint fails" {
  given {
    vpc v1 cidr 10.0.0.0/16
  }
  expect fail endpoint_sagemaker_api_required on s1
}
)"}}));
  REQUIRE_MESSAGE(p.program, (p.program ? "" : render(p.sources, p.program.error())));
  const Program& prog = *p.program;
  std::vector<std::string> ids;
  for (const ProgramRule& r : prog.rules) ids.push_back(r.id);
  CHECK(ids == std::vector<std::string>{"aws.sagemaker.endpoint_sagemaker_api_required", "aws.sagemaker.s3",
                                        "aws.sagemaker.training_in_private_subnets",
                                        "aws.sagemaker.training_reaches_ecr"});
  CHECK(prog.rules[1].rule->fors.size() == 1);
  CHECK(prog.rules[1].rule->title == "s3 gateway endpoint required");
  CHECK(prog.rules[2].rule->level == Level::Deny);
  REQUIRE(prog.exempts.size() == 1);
  CHECK(prog.exempts[0].ruleId == "aws.sagemaker.training_in_private_subnets");
  CHECK(p.warnings.empty());
}

TEST_CASE("parsed: errors point at the offending tokens") {
  Parsed p(Files({{"bad.ward", R"(package team
def f(s: subnt) = s.private
rule r {
  for job in training_jobs
  when job.vpc_mod
  require all s in job.subnets: s.privat.foo
  message "{s.id} {job.nme}"
}
exempt q for subnet "x"
)"}}));
  REQUIRE_FALSE(p.program);
  const Diagnostics& ds = p.program.error();
  std::vector<std::string> got;
  for (const Diagnostic& d : ds) got.push_back(p.where(d) + ": " + d.message);
  INFO(render(p.sources, ds));
  CHECK(got == std::vector<std::string>{
                   "bad.ward:2:10: unknown type 'subnt'",
                   "bad.ward:5:12: training_job has no attribute 'vpc_mod'",
                   "bad.ward:6:35: subnet has no attribute 'privat'",
                   "bad.ward:7:24: training_job has no attribute 'nme'",
                   "bad.ward:9:8: unknown rule 'q'",
               });
}

}  // TEST_SUITE
