// Unit tests for the parser: ASTs of representative programs, precedence (as
// S-expressions), spans, and the exact text and caret of syntax errors.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "common/diagnostic.hpp"
#include "dsl/parser.hpp"
#include "runtime/net/addr.hpp"

using namespace ward;
using ast::ExprKind;

namespace {

const char* binaryName(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Or: return "or";
    case ast::BinaryOp::And: return "and";
    case ast::BinaryOp::Eq: return "==";
    case ast::BinaryOp::Ne: return "!=";
    case ast::BinaryOp::Lt: return "<";
    case ast::BinaryOp::Le: return "<=";
    case ast::BinaryOp::Gt: return ">";
    case ast::BinaryOp::Ge: return ">=";
    case ast::BinaryOp::In: return "in";
    case ast::BinaryOp::NotIn: return "not-in";
    case ast::BinaryOp::Contains: return "contains";
    case ast::BinaryOp::Overlaps: return "overlaps";
    case ast::BinaryOp::Within: return "within";
    case ast::BinaryOp::Add: return "+";
    case ast::BinaryOp::Sub: return "-";
  }
  return "?";
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '"' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out + "\"";
}

// The tree as an S-expression: operators first, names bare, literals tagged.
std::string sexpr(const ast::Expr& e) {
  auto args = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < e.args.size(); ++i) {
      out += ' ';
      out += e.args[i] ? sexpr(*e.args[i]) : "_";
    }
    return out;
  };
  switch (e.kind) {
    case ExprKind::Null: return "null";
    case ExprKind::Bool: return e.boolValue ? "true" : "false";
    case ExprKind::Int: return std::to_string(e.intValue);
    case ExprKind::String: return quoted(e.text);
    case ExprKind::Ip: return "ip:" + net::format(e.ip);
    case ExprKind::Cidr: return "cidr:" + net::format(e.cidr);
    case ExprKind::Traffic: return "traffic:" + net::format(e.traffic);
    case ExprKind::Date: return "date:" + e.text + "=" + std::to_string(e.intValue);
    case ExprKind::Interp: return "(interp" + args(0) + ")";
    case ExprKind::ListLit: return "(list" + args(0) + ")";
    case ExprKind::SetLit: return "(set" + args(0) + ")";
    case ExprKind::Service: return "(service " + quoted(e.text) + ")";
    case ExprKind::Name: return e.text;
    case ExprKind::Member: return "(. " + sexpr(*e.args[0]) + " " + e.text + ")";
    case ExprKind::Call: return "(call " + e.text + args(0) + ")";
    case ExprKind::Unary: return std::string(e.unaryOp == ast::UnaryOp::Not ? "(not" : "(neg") + args(0) + ")";
    case ExprKind::Binary: return std::string("(") + binaryName(e.binaryOp) + args(0) + ")";
    case ExprKind::Quantifier: {
      const char* q = e.quant == ast::Quant::All ? "all" : e.quant == ast::Quant::Any ? "any" : "none";
      return std::string("(") + q + " " + e.var + args(0) + ")";
    }
    case ExprKind::Count: return "(count" + (e.var.empty() ? "" : " " + e.var) + args(0) + ")";
    case ExprKind::Comprehension: return "(for " + e.var + args(0) + ")";
  }
  return "?";
}

// Parses one expression and prints it, or the rendered errors.
std::string expr(std::string_view text) {
  SourceMap sm;
  uint32_t id = sm.add("e", std::string(text));
  auto r = parseExpression(sm, id);
  if (!r) return render(sm, r.error());
  return sexpr(**r);
}

// Parses a module and renders its errors ("ok" when there are none).
std::string errors(std::string_view text) {
  SourceMap sm;
  uint32_t id = sm.add("t.ward", std::string(text));
  auto r = parseModule(sm, id);
  return r ? "ok" : render(sm, r.error());
}

// Keeps the source alive next to the module, for span checks.
struct Parsed {
  SourceMap sources;
  uint32_t id = 0;
  ast::Module module;

  explicit Parsed(std::string text) {
    id = sources.add("m.ward", std::move(text));
    auto r = parseModule(sources, id);
    if (!r) FAIL(render(sources, r.error()));
    else module = std::move(*r);
  }
  std::string_view text(Span s) const {
    return std::string_view(sources.get(id)->text()).substr(s.begin, s.end - s.begin);
  }
  std::string at(Span s) const {
    LineCol lc = sources.get(id)->lineCol(s.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.col);
  }
};

const char* kDesignExample = R"(# stdlib/sagemaker/vpc_mode.ward
package aws.sagemaker

import aws.endpoints

let ml_services = {"sagemaker.api", "sagemaker.runtime", "logs", "ecr.api", "ecr.dkr"}

def isolated(s: subnet) = s.private and not s.has_nat

# Sentence form: sugar for a full rule, one finding per subnet that lacks the endpoint.
endpoint sagemaker.api required when subnet.private

rule training_in_private_subnets {
  title    "SageMaker training jobs run in private subnets"
  level    deny                      # advisory | warn | deny
  severity high                      # info | low | medium | high | critical
  tags     "sagemaker", "subnets"
  for job in training_jobs
  when job.vpc_mode
  require all s in job.subnets: s.private
  message  "training job {job.name} runs in public subnet {s.id}"
  fix      "move the job to private subnets; reach AWS services through VPC endpoints or a NAT gateway"
}

rule training_reaches_ecr {
  for job in training_jobs when job.vpc_mode
  require reach(job, service "ecr.dkr", tcp 443)
  message "training job {job.name} cannot pull its image: {why}"
}

exempt training_in_private_subnets for job "legacy-train"
  until 2027-03-01 by "ml-platform" because "migration ML-42"

test "private subnet without a sagemaker.api endpoint fails" {
  given {
    vpc v1 cidr 10.0.0.0/16
    subnet s1 in v1 cidr 10.0.1.0/24 az us-east-1a
    nat_gateway n1 in s0
    route_table rt1 in v1 routes [0.0.0.0/0 -> n1] associate s1
  }
  expect fail endpoint_sagemaker_api_required on s1
}
)";

}  // namespace

TEST_SUITE("parser") {
  TEST_CASE("precedence: or < and < not < comparison < additive < unary < postfix") {
    CHECK(expr("a or b and c") == "(or a (and b c))");
    CHECK(expr("a and b or c") == "(or (and a b) c)");
    CHECK(expr("not a and b") == "(and (not a) b)");
    CHECK(expr("not a == b") == "(not (== a b))");
    CHECK(expr("not not a") == "(not (not a))");
    CHECK(expr("a + b == c - d") == "(== (+ a b) (- c d))");
    CHECK(expr("a - b - c") == "(- (- a b) c)");
    CHECK(expr("a - -b") == "(- a (neg b))");
    CHECK(expr("-a.b") == "(neg (. a b))");
    CHECK(expr("a.b.c") == "(. (. a b) c)");
    CHECK(expr("f(a, b.c).d") == "(. (call f a (. b c)) d)");
    CHECK(expr("f()") == "(call f)");
    CHECK(expr("(a or b) and c") == "(and (or a b) c)");
    CHECK(expr("a in b and c not in d") == "(and (in a b) (not-in c d))");
    CHECK(expr("x contains y or x overlaps z") == "(or (contains x y) (overlaps x z))");
    CHECK(expr("a within b") == "(within a b)");
    CHECK(expr("a != b") == "(!= a b)");
    CHECK(expr("a <= b") == "(<= a b)");
    CHECK(expr("a >= b") == "(>= a b)");
    CHECK(expr("a < b") == "(< a b)");
    CHECK(expr("a > b + 1") == "(> a (+ b 1))");
    // Attribute names may be reserved words: there is no ambiguity after '.'.
    CHECK(expr("x.count + x.all") == "(+ (. x count) (. x all))");
  }

  TEST_CASE("quantifiers, counts and comprehensions") {
    CHECK(expr("all s in job.subnets: s.private and s.x") == "(all s (. job subnets) (and (. s private) (. s x)))");
    CHECK(expr("not any x in xs: p or q") == "(not (any x xs (or p q)))");
    CHECK(expr("none x in xs: all y in x.ys: y") == "(none x xs (all y (. x ys) y))");
    CHECK(expr("count(x in xs where x.a) > 2") == "(> (count x xs (. x a)) 2)");
    CHECK(expr("count(x in xs)") == "(count x xs)");
    CHECK(expr("count(xs)") == "(count xs)");
    CHECK(expr("count(a.b)") == "(count (. a b))");
    CHECK(expr("[s.id for s in subnets where s.private]") == "(for s (. s id) subnets (. s private))");
    CHECK(expr("[s for s in subnets]") == "(for s s subnets)");
    // A single colon never starts an IPv6 address: `db` is the collection.
    CHECK(expr("all x in db: y") == "(all x db y)");
    CHECK(expr("all x in ab.cd: y") == "(all x (. ab cd) y)");
  }

  TEST_CASE("collections") {
    CHECK(expr("[]") == "(list)");
    CHECK(expr("{}") == "(set)");
    CHECK(expr("[1, 2, 3]") == "(list 1 2 3)");
    CHECK(expr("[1, 2,]") == "(list 1 2)");
    CHECK(expr("{\"a\", \"b\"}") == "(set \"a\" \"b\")");
    CHECK(expr("[[1], {2}]") == "(list (list 1) (set 2))");
  }

  TEST_CASE("literals") {
    CHECK(expr("42") == "42");
    CHECK(expr("true or false or null") == "(or (or true false) null)");
    CHECK(expr("10.0.0.1") == "ip:10.0.0.1");
    CHECK(expr("10.0.0.0/16 contains 10.0.0.1") == "(contains cidr:10.0.0.0/16 ip:10.0.0.1)");
    CHECK(expr("2001:db8::1") == "ip:2001:db8::1");
    CHECK(expr("::1") == "ip:::1");
    CHECK(expr("::") == "ip:::");
    CHECK(expr("fe80::1 within fe80::/10") == "(within ip:fe80::1 cidr:fe80::/10)");
    CHECK(expr("::/0") == "cidr:::/0");
    CHECK(expr("2001:db8::/32") == "cidr:2001:db8::/32");
    // Non-canonical blocks parse; the checker flags them.
    CHECK(expr("10.0.0.1/8") == "cidr:10.0.0.1/8");
    CHECK(expr("tcp 443") == "traffic:tcp 443");
    CHECK(expr("tcp 1024..65535") == "traffic:tcp 1024..65535");
    CHECK(expr("udp") == "traffic:udp");
    CHECK(expr("icmp") == "traffic:icmp");
    CHECK(expr("icmpv6") == "traffic:icmpv6");
    CHECK(expr("all") == "traffic:all");
    CHECK(expr("all in sg.allowed") == "(in traffic:all (. sg allowed))");
    CHECK(expr("tcp 443 within tcp") == "(within traffic:tcp 443 traffic:tcp)");
    CHECK(expr("2027-03-01") == "date:2027-03-01=20878");
    CHECK(expr("1970-01-01") == "date:1970-01-01=0");
    CHECK(expr("2024-02-29") == "date:2024-02-29=19782");
    CHECK(expr("2027-03-01 - 1") == "(- date:2027-03-01=20878 1)");
    CHECK(expr("2027 - 03 - 01") == "(- (- 2027 3) 1)");
    CHECK(expr("service \"ecr.dkr\"") == "(service \"ecr.dkr\")");
    CHECK(expr(R"("q\"\\\n\t\{\}")") == R"("q\"\\\n\t{}")");
  }

  TEST_CASE("string interpolation alternates text and expressions") {
    CHECK(expr(R"("a {b.c} d")") == R"((interp "a " (. b c) " d"))");
    CHECK(expr(R"("{x}")") == R"((interp "" x ""))");
    CHECK(expr(R"("{x}{y}")") == R"((interp "" x "" y ""))");
    CHECK(expr(R"("n={count(xs) + 1} \{literal\}")") == R"((interp "n=" (+ (count xs) 1) " {literal}"))");
    CHECK(expr(R"("outer {f("inner {x}")}")") == R"((interp "outer " (call f (interp "inner " x "")) ""))");
  }

  TEST_CASE("the example of DESIGN.md section 3") {
    Parsed p(kDesignExample);
    const ast::Module& m = p.module;
    CHECK(m.package == "aws.sagemaker");
    CHECK(p.text(m.packageSpan) == "aws.sagemaker");
    REQUIRE(m.imports.size() == 1);
    CHECK(m.imports[0].path == "aws.endpoints");
    CHECK(p.text(m.imports[0].span) == "import aws.endpoints");

    REQUIRE(m.lets.size() == 1);
    CHECK(m.lets[0].name == "ml_services");
    CHECK(sexpr(*m.lets[0].value) ==
          R"((set "sagemaker.api" "sagemaker.runtime" "logs" "ecr.api" "ecr.dkr"))");

    REQUIRE(m.defs.size() == 1);
    const ast::Def& d = m.defs[0];
    CHECK(d.name == "isolated");
    REQUIRE(d.params.size() == 1);
    CHECK(d.params[0].name == "s");
    CHECK(d.params[0].typeName == "subnet");
    CHECK(p.text(d.params[0].typeSpan) == "subnet");
    CHECK(sexpr(*d.body) == "(and (. s private) (not (. s has_nat)))");
    CHECK(p.text(d.span) == "def isolated(s: subnet) = s.private and not s.has_nat");

    REQUIRE(m.rules.size() == 3);
    const ast::Rule& sentence = m.rules[0];
    CHECK(sentence.name == "endpoint_sagemaker_api_required");
    CHECK(sentence.standaloneSentence);
    REQUIRE(sentence.sentence);
    CHECK(sentence.sentence->service == "sagemaker.api");
    CHECK(sentence.sentence->via == "");
    CHECK(sexpr(*sentence.sentence->when) == "(. subnet private)");
    CHECK(p.text(sentence.span) == "endpoint sagemaker.api required when subnet.private");
    CHECK(p.text(sentence.sentence->serviceSpan) == "sagemaker.api");
    CHECK_FALSE(sentence.require);

    const ast::Rule& r = m.rules[1];
    CHECK(r.name == "training_in_private_subnets");
    CHECK(p.at(r.nameSpan) == "13:6");
    CHECK(r.title == "SageMaker training jobs run in private subnets");
    CHECK(r.level == Level::Deny);
    CHECK(r.levelGiven);
    CHECK(r.severity == RuleSeverity::High);
    CHECK(r.severityGiven);
    CHECK(r.tags == std::vector<std::string>{"sagemaker", "subnets"});
    REQUIRE(r.fors.size() == 1);
    CHECK(r.fors[0].var == "job");
    CHECK(sexpr(*r.fors[0].collection) == "training_jobs");
    CHECK_FALSE(r.fors[0].where);
    CHECK(sexpr(*r.when) == "(. job vpc_mode)");
    CHECK(sexpr(*r.require) == "(all s (. job subnets) (. s private))");
    CHECK(sexpr(*r.message) == R"((interp "training job " (. job name) " runs in public subnet " (. s id) ""))");
    CHECK(r.fix == "move the job to private subnets; reach AWS services through VPC endpoints or a NAT gateway");
    CHECK_FALSE(r.rationale);
    CHECK(p.at(r.span) == "13:1");
    CHECK(p.text(r.span).substr(p.text(r.span).size() - 3) == "\"\n}");

    const ast::Rule& ecr = m.rules[2];
    REQUIRE(ecr.fors.size() == 1);
    CHECK(sexpr(*ecr.when) == "(. job vpc_mode)");
    CHECK(sexpr(*ecr.require) == R"((call reach job (service "ecr.dkr") traffic:tcp 443))");
    CHECK(ecr.level == Level::Warn);
    CHECK_FALSE(ecr.levelGiven);

    REQUIRE(m.exempts.size() == 1);
    const ast::Exempt& x = m.exempts[0];
    CHECK(x.rule == "training_in_private_subnets");
    CHECK(x.subjectWord == "job");
    CHECK(x.resource == "legacy-train");
    CHECK(x.until == 20878);
    CHECK(x.untilText == "2027-03-01");
    CHECK(x.owner == "ml-platform");
    CHECK(x.reason == "migration ML-42");
    CHECK(p.at(x.span) == "31:1");

    REQUIRE(m.tests.size() == 1);
    const ast::TestBlock& t = m.tests[0];
    CHECK(t.name == "private subnet without a sagemaker.api endpoint fails");
    REQUIRE(t.given.size() == 4);
    CHECK(t.given[0].kind == "vpc");
    CHECK(t.given[0].id == "v1");
    REQUIRE(t.given[0].fields.size() == 1);
    CHECK(t.given[0].fields[0].key == "cidr");
    CHECK(sexpr(*t.given[0].fields[0].value) == "cidr:10.0.0.0/16");
    const ast::GivenFact& s1 = t.given[1];
    CHECK(s1.kind == "subnet");
    CHECK(s1.parent == "v1");
    REQUIRE(s1.fields.size() == 2);
    CHECK(s1.fields[1].key == "az");
    CHECK(sexpr(*s1.fields[1].value) == "us-east-1a");
    CHECK(p.at(s1.fields[1].keySpan) == "37:38");
    CHECK(t.given[2].parent == "s0");
    CHECK(t.given[2].fields.empty());
    const ast::GivenFact& rt = t.given[3];
    REQUIRE(rt.fields.size() == 2);
    CHECK(rt.fields[0].key == "routes");
    CHECK_FALSE(rt.fields[0].value);
    REQUIRE(rt.fields[0].routes.size() == 1);
    CHECK(sexpr(*rt.fields[0].routes[0].first) == "cidr:0.0.0.0/0");
    CHECK(rt.fields[0].routes[0].second == "n1");
    CHECK(rt.fields[1].key == "associate");
    CHECK(sexpr(*rt.fields[1].value) == "s1");
    REQUIRE(t.expects.size() == 1);
    CHECK(t.expects[0].fail);
    CHECK(t.expects[0].rule == "endpoint_sagemaker_api_required");
    CHECK(t.expects[0].on == "s1");
    CHECK_FALSE(t.expects[0].count);
    CHECK(p.text(t.expects[0].span) == "expect fail endpoint_sagemaker_api_required on s1");
  }

  TEST_CASE("a sentence inside a rule block, and sentences with via") {
    Parsed p(R"(rule sagemaker_api {
  title "SageMaker API reachable without the internet"
  level deny
  for subnet in ml_subnets where not subnet.has_nat
  endpoint sagemaker.api required when subnet.private
}
endpoint s3 required via gateway when subnet.private
endpoint ecr.dkr required via interface when true
)");
    REQUIRE(p.module.rules.size() == 3);
    const ast::Rule& r = p.module.rules[0];
    CHECK_FALSE(r.standaloneSentence);
    REQUIRE(r.sentence);
    CHECK(r.sentence->service == "sagemaker.api");
    CHECK(p.text(r.sentence->span) == "endpoint sagemaker.api required when subnet.private");
    REQUIRE(r.fors.size() == 1);
    CHECK(r.fors[0].var == "subnet");
    CHECK(p.text(r.fors[0].varSpan) == "subnet");
    CHECK(sexpr(*r.fors[0].where) == "(not (. subnet has_nat))");
    CHECK(p.module.rules[1].name == "endpoint_s3_required_via_gateway");
    CHECK(p.module.rules[1].sentence->via == "gateway");
    CHECK(p.module.rules[2].name == "endpoint_ecr_dkr_required_via_interface");
  }

  TEST_CASE("traffic `all` ends a clause when the next clause's word follows") {
    Parsed p("rule r {\n  require tcp 443 within all\n  message \"m\"\n}");
    CHECK(sexpr(*p.module.rules.at(0).require) == "(within traffic:tcp 443 traffic:all)");
    CHECK(sexpr(*p.module.rules.at(0).message) == "\"m\"");
  }

  TEST_CASE("clauses in any order, several fors, refs and rationale") {
    Parsed p(R"(rule r {
  require a
  for x in xs
  for y in x.ys where y.on
  refs "https://a", "https://b"
  rationale "because"
  severity critical
  level advisory
})");
    const ast::Rule& r = p.module.rules.at(0);
    CHECK(r.fors.size() == 2);
    CHECK(r.refs == std::vector<std::string>{"https://a", "https://b"});
    CHECK(r.rationale == "because");
    CHECK(r.severity == RuleSeverity::Critical);
    CHECK(r.level == Level::Advisory);
  }

  TEST_CASE("defs with list types, lets, exempt options in any order") {
    Parsed p(R"(def f(xs: list < list<cidr> >, n: int) = count(xs) > n
def g() = 1
exempt aws.x.y for subnet "subnet-1" because "why" until 2026-12-31
exempt r for vpc "vpc-1"
)");
    REQUIRE(p.module.defs.size() == 2);
    CHECK(p.module.defs[0].params.at(0).typeName == "list<list<cidr>>");
    CHECK(p.text(p.module.defs[0].params.at(0).typeSpan) == "list < list<cidr> >");
    CHECK(p.module.defs[0].params.at(1).typeName == "int");
    CHECK(p.module.defs[1].params.empty());
    REQUIRE(p.module.exempts.size() == 2);
    CHECK(p.module.exempts[0].rule == "aws.x.y");
    CHECK(p.module.exempts[0].reason == "why");
    CHECK(p.module.exempts[0].untilText == "2026-12-31");
    CHECK_FALSE(p.module.exempts[1].until);
    CHECK(p.module.exempts[1].owner.empty());
  }

  TEST_CASE("given blocks: separators, lists, literals and routes") {
    Parsed p(R"(test "t" {
  given {
    vpc v1 cidr 10.0.0.0/16; vpc v2 cidr 10.1.0.0/16   # two facts on one line
    subnet subnet-1 in v1 public true count 3 tags ["a", "b"] ports tcp 443 since 2024-01-01
    security_group sg1 in v1 allow [10.0.0.0/8,
                                    192.168.0.0/16]
    route_table rt1 in v1 routes [0.0.0.0/0 -> igw-1, pl-123 -> vpce-1, ::/0 -> igw-1]
    route_table rt2 in v2 routes []
  }
  expect pass r
  expect fail aws.x.r on subnet-1 count 2
}
test "empty" {
})");
    REQUIRE(p.module.tests.size() == 2);
    const ast::TestBlock& t = p.module.tests[0];
    REQUIRE(t.given.size() == 6);
    CHECK(t.given[1].id == "v2");
    const ast::GivenFact& s = t.given[2];
    CHECK(s.id == "subnet-1");
    REQUIRE(s.fields.size() == 5);
    CHECK(sexpr(*s.fields[0].value) == "true");
    CHECK(sexpr(*s.fields[1].value) == "3");
    CHECK(sexpr(*s.fields[2].value) == R"((list "a" "b"))");
    CHECK(sexpr(*s.fields[3].value) == "traffic:tcp 443");
    CHECK(sexpr(*s.fields[4].value) == "date:2024-01-01=19723");
    CHECK(sexpr(*t.given[3].fields[0].value) == "(list cidr:10.0.0.0/8 cidr:192.168.0.0/16)");
    const auto& routes = t.given[4].fields[0].routes;
    REQUIRE(routes.size() == 3);
    CHECK(sexpr(*routes[1].first) == "pl-123");
    CHECK(routes[1].second == "vpce-1");
    CHECK(sexpr(*routes[2].first) == "cidr:::/0");
    CHECK(t.given[5].fields[0].routes.empty());
    REQUIRE(t.expects.size() == 2);
    CHECK_FALSE(t.expects[0].fail);
    CHECK(t.expects[1].rule == "aws.x.r");
    CHECK(t.expects[1].on == "subnet-1");
    CHECK(t.expects[1].count == 2);
    CHECK(p.module.tests[1].given.empty());
  }

  TEST_CASE("spans cover whole constructs, parentheses included") {
    Parsed p("let x = (a or b) and\n  f(c, d.e)\nlet y = -  z.w\nlet s = \"a{b}c\"\nlet q = all v in vs: v\n");
    const ast::Expr& x = *p.module.lets.at(0).value;
    CHECK(p.text(x.span) == "(a or b) and\n  f(c, d.e)");
    CHECK(p.text(x.args[0]->span) == "(a or b)");
    CHECK(p.text(x.args[1]->span) == "f(c, d.e)");
    CHECK(p.at(x.args[1]->span) == "2:3");
    CHECK(p.text(x.args[1]->args[1]->span) == "d.e");
    CHECK(p.text(p.module.lets.at(0).span) == "let x = (a or b) and\n  f(c, d.e)");
    CHECK(p.text(p.module.lets.at(0).nameSpan) == "x");
    const ast::Expr& y = *p.module.lets.at(1).value;
    CHECK(p.text(y.span) == "-  z.w");
    const ast::Expr& s = *p.module.lets.at(2).value;
    CHECK(p.text(s.span) == "\"a{b}c\"");
    CHECK(p.text(s.args[0]->span) == "a");
    CHECK(p.text(s.args[1]->span) == "b");
    CHECK(p.text(s.args[2]->span) == "c");
    const ast::Expr& q = *p.module.lets.at(3).value;
    CHECK(p.text(q.span) == "all v in vs: v");
    CHECK(p.text(q.varSpan) == "v");
  }

  TEST_CASE("type names") {
    auto type = [](std::string text) -> std::string {
      SourceMap sm;
      uint32_t id = sm.add("type", std::move(text));
      auto r = parseTypeName(sm, id);
      return r ? *r : render(sm, r.error());
    };
    CHECK(type("subnet") == "subnet");
    CHECK(type(" list< cidr > ") == "list<cidr>");
    CHECK(type("list<") == "type:1:6: error: expected a type after 'list<', got end of input\n 1 | list<\n   |      ^\n");
  }

  TEST_CASE("syntax errors: exact message and caret") {
    CHECK(errors("rule x {\n  require a\n  titel \"t\"\n}\n") ==
          "t.ward:3:3: error: expected a clause or '}' to close rule 'x', got 'titel'\n"
          " 3 |   titel \"t\"\n"
          "   |   ^~~~~\n");
    CHECK(errors("let = 1") ==
          "t.ward:1:5: error: expected a name after 'let', got '='\n 1 | let = 1\n   |     ^\n");
    CHECK(errors("let and = 1") ==
          "t.ward:1:5: error: expected a name after 'let', got 'and'\n 1 | let and = 1\n   |     ^~~\n");
    CHECK(errors("let x 1") ==
          "t.ward:1:7: error: expected '=' after 'let x', got '1'\n 1 | let x 1\n   |       ^\n");
    CHECK(errors("let x = ") ==
          "t.ward:1:9: error: expected an expression after '=', got end of input\n 1 | let x = \n   |         ^\n");
    CHECK(errors("let x = (a or b\n") ==
          "t.ward:2:1: error: expected ')' to close '(', got end of input\n 2 | \n   | ^\n");
    CHECK(errors("let x = a ==\n") ==
          "t.ward:2:1: error: expected an expression after '==', got end of input\n 2 | \n   | ^\n");
    CHECK(errors("let x = a < b < c") ==
          "t.ward:1:15: error: comparisons do not chain; join them with 'and' or add parentheses\n"
          " 1 | let x = a < b < c\n   |               ^\n");
    CHECK(errors("let x = \"abc\nlet y = 1") ==
          "t.ward:1:13: error: expected '\"' to close the string, got end of line\n"
          " 1 | let x = \"abc\n   |             ^\n");
    CHECK(errors("let x = \"a {b\"") ==
          "t.ward:1:14: error: expected '}' to close the interpolation, got '\"'\n"
          " 1 | let x = \"a {b\"\n   |              ^\n");
    CHECK(errors("let x = \"a }\"") ==
          "t.ward:1:12: error: unmatched '}' in a string; write '\\}' for a literal brace\n"
          " 1 | let x = \"a }\"\n   |            ^\n");
    CHECK(errors("let x = \"a \\q\"") ==
          "t.ward:1:13: error: expected '\"', '\\', 'n', 't', '{' or '}' after '\\' in a string, got 'q'\n"
          " 1 | let x = \"a \\q\"\n   |             ^\n");
    CHECK(errors("rule x {\n  title \"a\"\n  title \"b\"\n  require a\n}") ==
          "t.ward:3:3: error: duplicate 'title' clause in rule 'x'\n"
          " 3 |   title \"b\"\n   |   ^~~~~\n"
          "t.ward:2:3: note: the first 'title' is here\n"
          " 2 |   title \"a\"\n   |   ^~~~~\n");
    CHECK(errors("rule x {\n  title \"a\"\n}") ==
          "t.ward:1:6: error: rule 'x' has no 'require' clause or endpoint sentence\n"
          " 1 | rule x {\n   |      ^\n");
    CHECK(errors("rule x { level severe require a }") ==
          "t.ward:1:16: error: expected 'advisory', 'warn' or 'deny' after 'level', got 'severe'\n"
          " 1 | rule x { level severe require a }\n   |                ^~~~~~\n");
    CHECK(errors("let d = 2027-02-30") ==
          "t.ward:1:9: error: invalid date '2027-02-30'\n 1 | let d = 2027-02-30\n   |         ^~~~~~~~~~\n");
    CHECK(errors("let c = 10.0.0.0/33") ==
          "t.ward:1:9: error: invalid cidr block '10.0.0.0/33'\n 1 | let c = 10.0.0.0/33\n   |         ^~~~~~~~~~~\n");
    CHECK(errors("let i = 300.1.1.1") ==
          "t.ward:1:9: error: invalid ip address '300.1.1.1'\n 1 | let i = 300.1.1.1\n   |         ^~~~~~~~~\n");
    CHECK(errors("let i = 1::2::3") ==
          "t.ward:1:9: error: invalid ip address '1::2::3'\n 1 | let i = 1::2::3\n   |         ^~~~~~~\n");
    CHECK(errors("let t = tcp 2000..1000") ==
          "t.ward:1:13: error: invalid port range '2000..1000' (ports are 0..65535, low to high)\n"
          " 1 | let t = tcp 2000..1000\n   |             ^~~~~~~~~~\n");
    CHECK(errors("let t = udp 70000") ==
          "t.ward:1:13: error: invalid port range '70000' (ports are 0..65535, low to high)\n"
          " 1 | let t = udp 70000\n   |             ^~~~~\n");
    CHECK(errors("endpoint s3 when x") ==
          "t.ward:1:13: error: expected 'required' after the service name, got 'when'\n"
          " 1 | endpoint s3 when x\n   |             ^~~~\n");
    CHECK(errors("endpoint s3 required via tunnel when x") ==
          "t.ward:1:26: error: expected 'gateway' or 'interface' after 'via', got 'tunnel'\n"
          " 1 | endpoint s3 required via tunnel when x\n   |                          ^~~~~~\n");
    CHECK(errors("let x = all s in xs s.private") ==
          "t.ward:1:21: error: expected ':' after the collection of 'all', got 's'\n"
          " 1 | let x = all s in xs s.private\n   |                     ^\n");
    CHECK(errors("let x = any in xs: y") ==
          "t.ward:1:13: error: expected a variable name after 'any', got 'in'\n"
          " 1 | let x = any in xs: y\n   |             ^~\n");
    CHECK(errors("let x = a.b(c)") ==
          "t.ward:1:12: error: only functions can be called, by name, as in f(x)\n"
          " 1 | let x = a.b(c)\n   |            ^\n");
    CHECK(errors("let x = f(a, )") ==
          "t.ward:1:14: error: expected an argument after ',', got ')'\n 1 | let x = f(a, )\n   |              ^\n");
    CHECK(errors("let x = [1, 2") ==
          "t.ward:1:14: error: expected ',' or ']' to close the list, got end of input\n"
          " 1 | let x = [1, 2\n   |              ^\n");
    CHECK(errors("let x = count x in xs") ==
          "t.ward:1:15: error: expected '(' after 'count', got 'x'\n 1 | let x = count x in xs\n   |               ^\n");
    CHECK(errors("def f(a subnet) = a") ==
          "t.ward:1:9: error: expected ':' and a type after parameter 'a', got 'subnet'\n"
          " 1 | def f(a subnet) = a\n   |         ^~~~~~\n");
    CHECK(errors("def f(a: list<subnet) = a") ==
          "t.ward:1:21: error: expected '>' to close 'list<', got ')'\n"
          " 1 | def f(a: list<subnet) = a\n   |                     ^\n");
    CHECK(errors("exempt r for job \"x\" until tomorrow") ==
          "t.ward:1:28: error: expected a date (yyyy-mm-dd) after 'until', got 'tomorrow'\n"
          " 1 | exempt r for job \"x\" until tomorrow\n   |                            ^~~~~~~~\n");
    CHECK(errors("exempt r for job \"x\" by \"a\" by \"b\"") ==
          "t.ward:1:29: error: duplicate 'by' in the exemption of 'r'\n"
          " 1 | exempt r for job \"x\" by \"a\" by \"b\"\n   |                             ^~\n"
          "t.ward:1:22: note: the first 'by' is here\n"
          " 1 | exempt r for job \"x\" by \"a\" by \"b\"\n   |                      ^~\n");
    CHECK(errors("test \"t\" {\n  given {\n    subnet s1 cidr\n  }\n}") ==
          "t.ward:3:19: error: expected a value after 'cidr', got end of line\n"
          " 3 |     subnet s1 cidr\n   |                   ^\n");
    CHECK(errors("test \"t\" {\n  given {\n    route_table rt in v routes [0.0.0.0/0 n1]\n  }\n}") ==
          "t.ward:3:43: error: expected '->' after the route destination, got 'n1'\n"
          " 3 |     route_table rt in v routes [0.0.0.0/0 n1]\n   |                                           ^~\n");
    CHECK(errors("test \"t\" {\n  given {\n    vpc v1 10.0.0.0/16\n  }\n}") ==
          "t.ward:3:12: error: expected a field name or the end of the fact (a new line or ';'), got '10.0.0.0/16'\n"
          " 3 |     vpc v1 10.0.0.0/16\n   |            ^~~~~~~~~~~\n");
    CHECK(errors("test \"t\" {\n  expect maybe r\n}") ==
          "t.ward:2:10: error: expected 'pass' or 'fail' after 'expect', got 'maybe'\n"
          " 2 |   expect maybe r\n   |          ^~~~~\n");
    CHECK(errors("test \"t\" {\n  expect fail\n}") ==
          "t.ward:3:1: error: expected a rule name after 'expect fail', got '}'\n 3 | }\n   | ^\n");
    CHECK(errors("bogus") ==
          "t.ward:1:1: error: expected a statement (package, import, let, def, rule, endpoint, exempt or test), "
          "got 'bogus'\n 1 | bogus\n   | ^~~~~\n");
    CHECK(errors("let x = 1 2") ==
          "t.ward:1:11: error: expected a statement (package, import, let, def, rule, endpoint, exempt or test), "
          "got '2'\n 1 | let x = 1 2\n   |           ^\n");
    CHECK(errors("let x = 1\npackage a") ==
          "t.ward:2:1: error: 'package' must be the first statement of the file\n 2 | package a\n   | ^~~~~~~~~\n");
    CHECK(errors("rule x {\n  title \"a {x}\"\n  require a\n}") ==
          "t.ward:2:9: error: a title cannot interpolate; write '\\{' for a literal brace\n"
          " 2 |   title \"a {x}\"\n   |         ^~~~~~~\n");
    CHECK(errors("rule x {\n  require a\n  endpoint s3 required when b\n}") ==
          "t.ward:3:3: error: rule 'x' has both a 'require' clause and an endpoint sentence\n"
          " 3 |   endpoint s3 required when b\n   |   ^~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
          "t.ward:2:3: note: the 'require' clause is here\n"
          " 2 |   require a\n   |   ^~~~~~~\n");
    CHECK(errors("def f(a: int, a: int) = a") ==
          "t.ward:1:15: error: duplicate parameter 'a' in def 'f'\n"
          " 1 | def f(a: int, a: int) = a\n   |               ^\n"
          "t.ward:1:7: note: the first 'a' is here\n"
          " 1 | def f(a: int, a: int) = a\n   |       ^\n");
  }

  TEST_CASE("expression entry point errors") {
    CHECK(expr("1 2") ==
          "e:1:3: error: expected an operator or the end of the expression, got '2'\n 1 | 1 2\n   |   ^\n");
    CHECK(expr("") == "e:1:1: error: expected an expression, got end of input\n 1 | \n   | ^\n");
    CHECK(expr("a.") == "e:1:3: error: expected an attribute name after '.', got end of input\n 1 | a.\n   |   ^\n");
  }

  TEST_CASE("recovery reports independent errors, one per statement") {
    std::string out = errors(
        "let a = (1\n"
        "let b = 2\n"
        "rule r {\n"
        "  require\n"
        "}\n"
        "rule ok { require true }\n"
        "let c = ]\n");
    CHECK(out ==
          "t.ward:2:1: error: expected ')' to close '(', got 'let'\n 2 | let b = 2\n   | ^~~\n"
          "t.ward:5:1: error: expected a condition after 'require', got '}'\n 5 | }\n   | ^\n"
          "t.ward:7:9: error: expected an expression after '=', got ']'\n 7 | let c = ]\n   |         ^\n");
  }

  TEST_CASE("hostile nesting is an error, not a crash") {
    std::string deep = "let x = " + std::string(5000, '(') + "1" + std::string(5000, ')');
    CHECK(errors(deep).find("error: expression nested too deeply (more than 256 levels)") != std::string::npos);
    std::string nots = "let x = ";
    for (int i = 0; i < 20000; ++i) nots += "not ";
    nots += "a";
    CHECK(errors(nots).find("nested too deeply") != std::string::npos);
    CHECK(errors("let x = " + std::string(20000, '-') + "1").find("nested too deeply") != std::string::npos);
    std::string strings = "let x = ";
    for (int i = 0; i < 2000; ++i) strings += "\"{";
    CHECK(errors(strings).find("nested too deeply") != std::string::npos);
    // Moderate nesting is fine.
    std::string ok = "let x = " + std::string(100, '[') + std::string(100, ']');
    CHECK(errors(ok) == "ok");
  }
}

TEST_CASE("ExprList keeps two operands in place and grows past them") {
  using ward::ast::Expr;
  using ward::ast::ExprList;
  using ward::ast::ExprPtr;
  auto leaf = [](int64_t v) {
    auto e = std::make_unique<Expr>();
    e->intValue = v;
    return e;
  };
  auto values = [](const ExprList& l) {
    std::vector<int64_t> out;
    for (const ExprPtr& e : l) out.push_back(e->intValue);
    return out;
  };
  for (int n = 0; n <= 7; ++n) {
    INFO("n = ", n);
    ExprList l;
    std::vector<int64_t> want;
    for (int i = 0; i < n; ++i) {
      l.push_back(leaf(i));
      want.push_back(i);
    }
    CHECK(l.size() == static_cast<size_t>(n));
    CHECK(l.empty() == (n == 0));
    CHECK(values(l) == want);
    // Moving leaves the source empty and reusable, whether the items were
    // in place or on the heap.
    ExprList moved(std::move(l));
    CHECK(values(moved) == want);
    CHECK(l.empty());  // NOLINT(bugprone-use-after-move): specified
    l.push_back(leaf(99));
    CHECK(values(l) == std::vector<int64_t>{99});
    ExprList assigned;
    assigned.push_back(leaf(-1));
    assigned = std::move(moved);
    CHECK(values(assigned) == want);
    // From a vector, as the parser's frames hand over their items.
    std::vector<ExprPtr> v;
    for (int i = 0; i < n; ++i) v.push_back(leaf(10 + i));
    ExprList fromVector = std::move(v);
    CHECK(fromVector.size() == static_cast<size_t>(n));
    if (n > 0) CHECK(fromVector.back()->intValue == 10 + n - 1);
  }
}
