// Tests of the embedding API (include/ward/ward.hpp and ward.h): sharing a
// compiled policy set between threads, every limit failing closed with its
// typed error, host kinds and functions, and the C API's handling of bad input.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ward/ward.h"
#include "ward/ward.hpp"

using namespace ward::api;

namespace {

constexpr const char* kPolicy = R"(package t

rule open_ssh {
  title "No SSH from the world"
  level deny
  for r in sg_rules where r.cidr != null and not r.egress
  require not (tcp 22 within r.traffic)
  message "rule {r.id} admits {r.traffic} from {r.cidr}"
}

rule named_open {
  level warn
  for g in security_groups
  require g.group_name != "open"
  message "group {g.id} is named open"
}
)";

// A fact base with `groups` security groups, every third one opening SSH.
std::string estate(int groups) {
  std::string sgs, rules;
  for (int i = 0; i < groups; ++i) {
    std::string id = "sg-" + std::to_string(i);
    sgs += std::string(i ? "," : "") + "{\"id\": \"" + id + "\", \"group_name\": \"" + (i % 2 ? "open" : "closed") +
           "\"}";
    rules += std::string(i ? "," : "") + "{\"id\": \"" + id + ":in:0\", \"group\": \"" + id +
             "\", \"egress\": false, \"traffic\": \"" + (i % 3 == 0 ? "tcp 22" : "tcp 443") +
             "\", \"cidr\": \"0.0.0.0/0\"}";
  }
  return "{\"format\": \"ward-facts\", \"version\": 1, \"facts\": {\"security_group\": [" + sgs +
         "], \"sg_rule\": [" + rules + "]}}";
}

Engine testEngine(Limits limits = {}) {
  Engine e(std::move(limits));
  e.useStdlib(false);
  REQUIRE(e.addPolicySource("t.ward", kPolicy));
  return e;
}

PolicySet compiled(const Engine& e) {
  auto p = e.compile();
  REQUIRE_MESSAGE(p, (p ? "" : p.error().rendered));
  return *p;
}

FactSet facts(const Engine& e, const std::string& json) {
  auto f = e.factsFromJson(json, "estate.json");
  REQUIRE_MESSAGE(f, (f ? "" : f.error().rendered));
  return *f;
}

std::string nested(int depth) {
  std::string s = "1";
  for (int i = 0; i < depth; ++i) s = "1 + (" + s + ")";
  return s;
}

template <typename T>
void requireError(const Expected<T>& r, ErrorCode code) {
  REQUIRE_MESSAGE(!r.has_value(), "expected error " << errorCodeName(code) << ", got a result");
  CHECK_MESSAGE(r.error().code == code, "got " << errorCodeName(r.error().code) << ": " << r.error().rendered);
  CHECK(!r.error().rendered.empty());
}

}  // namespace

TEST_SUITE("api") {

TEST_CASE("compile, load and evaluate; counts and every report format") {
  Engine e = testEngine();
  PolicySet p = compiled(e);
  REQUIRE(p.rules().size() == 2);
  CHECK(p.rules()[0].id == "t.named_open");
  FactSet f = facts(e, estate(6));
  CHECK(f.count("security_group") == 6);
  CHECK(f.count("sg_rules") == 6);
  CHECK(f.count("no_such_kind") == 0);
  auto r = e.evaluate(p, f);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().rendered));
  CHECK(r->count(Level::Deny) == 2);  // sg-0 and sg-3
  CHECK(r->count(Level::Warn) == 3);  // sg-1, sg-3, sg-5
  CHECK(r->count(Level::Advisory) == 0);
  std::vector<Finding> fs = r->findings();
  REQUIRE(fs.size() == 5);
  CHECK(fs[0].ruleId == "t.named_open");
  CHECK(fs[0].resourceId == "sg-1");
  CHECK(fs[0].message == "group sg-1 is named open");
  auto json = r->render(Format::Json);
  REQUIRE(json);
  CHECK(json->find("\"t.open_ssh\"") != std::string::npos);
  CHECK(r->render(Format::Sarif)->find("2.1.0") != std::string::npos);
  CHECK(r->render(Format::Junit)->find("<testsuite") != std::string::npos);
  CHECK(r->render(Format::Text)->find("sg-0:in:0") != std::string::npos);
}

TEST_CASE("one policy set evaluated from 4 threads on different fact bases matches sequential results") {
  Engine e = testEngine();
  PolicySet p = compiled(e);
  std::vector<FactSet> bases;
  for (int n : {3, 10, 25, 40}) bases.push_back(facts(e, estate(n)));
  std::vector<std::string> sequential;
  for (const FactSet& f : bases) {
    auto r = e.evaluate(p, f);
    REQUIRE(r);
    sequential.push_back(*r->render(Format::Json));
  }
  // The four estates give four different reports, so a mix-up would show.
  CHECK(sequential[0] != sequential[1]);
  CHECK(sequential[2] != sequential[3]);

  std::vector<std::string> parallel(4);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        auto r = e.evaluate(p, bases[t]);
        if (!r) {
          ++failures;
          return;
        }
        auto text = r->render(Format::Json);
        if (!text || (round > 0 && *text != parallel[t])) ++failures;
        parallel[t] = *text;
      }
    });
  for (std::thread& th : threads) th.join();
  CHECK(failures == 0);
  for (int t = 0; t < 4; ++t) CHECK(parallel[t] == sequential[t]);
}

TEST_CASE("queries: an expression compiled once with the policies' lets, run over fact sets") {
  Engine e = testEngine();
  REQUIRE(e.addPolicySource("lets.ward", "package q\nlet ssh = tcp 22\ndef opens(r: sg_rule) = ssh within r.traffic\n"));
  PolicySet p = compiled(e);
  FactSet six = facts(e, estate(6)), nine = facts(e, estate(9));

  auto q = e.prepareQuery(p, "[r.group.id for r in sg_rules where opens(r)]");
  REQUIRE_MESSAGE(q, (q ? "" : q.error().rendered));
  CHECK(q->type() == "list<string>");
  CHECK(q->text() == "[r.group.id for r in sg_rules where opens(r)]");
  auto a = e.query(*q, six);
  REQUIRE(a);
  CHECK(a->text == "[sg-0, sg-3]");
  CHECK(a->json == "[\"sg-0\",\"sg-3\"]");
  CHECK(a->type == "list<string>");
  auto b = e.query(*q, nine);
  REQUIRE(b);
  CHECK(b->text == "[sg-0, sg-3, sg-6]");
  auto n = e.query(p, nine, "count(g in security_groups where g.group_name == \"open\")");
  REQUIRE(n);
  CHECK(n->text == "4");
  CHECK(n->type == "int");

  // Errors point into the query's text with a caret, like policy errors.
  auto bad = e.prepareQuery(p, "count(g in security_groups where g.group_nme == \"x\")");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::Policy);
  CHECK(bad.error().rendered.find("<query>:1:") != std::string::npos);
  CHECK(bad.error().rendered.find("group_name") != std::string::npos);  // did you mean
  auto syntax = e.prepareQuery(p, "count(g in ");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().code == ErrorCode::Policy);

  // Evaluation limits apply to each run.
  Limits tight;
  tight.maxSteps = 3;
  auto limited = e.query(*q, nine, tight);
  REQUIRE_FALSE(limited);
  CHECK(limited.error().code == ErrorCode::StepLimit);

  // Preparing and running from several threads at once over one policy set.
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = e.query(p, t % 2 ? nine : six, "len([g for g in security_groups])");
        got[t] = r ? r->text : r.error().rendered;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(got == std::vector<std::string>{"6", "9", "6", "9"});
}

TEST_CASE("policy limits fail closed with their typed error") {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  SUBCASE("source size") {
    Limits l;
    l.maxPolicyBytes = 100;
    requireError(testEngine(l).compile(), ErrorCode::PolicyTooLarge);
  }
  SUBCASE("parse depth below the parser's own bound") {
    Limits l;
    l.maxParseDepth = 10;
    Engine e(l);
    e.useStdlib(false);
    REQUIRE(e.addPolicySource("deep.ward", "let x = " + nested(20) + "\n"));
    requireError(e.compile(), ErrorCode::NestingTooDeep);
  }
  SUBCASE("parse depth beyond the parser's bound") {
    Engine e;
    e.useStdlib(false);
    REQUIRE(e.addPolicySource("deep.ward", "let x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n"));
    requireError(e.compile(), ErrorCode::NestingTooDeep);
  }
  SUBCASE("AST nodes") {
    Limits l;
    l.maxAstNodes = 50;
    Engine e(l);
    e.useStdlib(false);
    std::string sum = "1";
    for (int i = 0; i < 100; ++i) sum += " + 1";
    REQUIRE(e.addPolicySource("big.ward", "let x = " + sum + "\n"));
    requireError(e.compile(), ErrorCode::TooManyNodes);
  }
  SUBCASE("the same policies compile under the default limits") {
    CHECK(testEngine().compile().has_value());
  }
  CHECK(clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("fact limits fail closed with their typed error") {
  SUBCASE("JSON text size") {
    Limits l;
    l.maxFactFileBytes = 64;
    requireError(testEngine(l).factsFromJson(estate(3)), ErrorCode::FactsTooLarge);
  }
  SUBCASE("JSON depth") {
    Limits l;
    l.maxJsonDepth = 8;
    std::string deep = std::string(50, '[') + std::string(50, ']');
    requireError(testEngine(l).factsFromJson(deep), ErrorCode::JsonTooDeep);
  }
  SUBCASE("malformed JSON") { requireError(testEngine().factsFromJson("{\"format\": "), ErrorCode::Facts); }
  SUBCASE("a missing folder") { requireError(testEngine().factsFromPaths({"/no/such/folder"}), ErrorCode::Io); }
}

TEST_CASE("evaluation limits fail closed: an error, never a partial report") {
  Engine e = testEngine();
  PolicySet p = compiled(e);
  FactSet f = facts(e, estate(300));
  Limits l;
  SUBCASE("steps") {
    l.maxSteps = 10;
    requireError(e.evaluate(p, f, l), ErrorCode::StepLimit);
  }
  SUBCASE("findings") {
    l.maxFindings = 3;
    requireError(e.evaluate(p, f, l), ErrorCode::FindingLimit);
  }
  SUBCASE("memory") {
    l.maxMemoryBytes = 16;
    requireError(e.evaluate(p, f, l), ErrorCode::MemoryLimit);
  }
  SUBCASE("cancel") {
    l.cancel = [] { return true; };
    requireError(e.evaluate(p, f, l), ErrorCode::Cancelled);
  }
  SUBCASE("deadline") {
    // A policy whose work grows with the square of the estate, so that a
    // one millisecond deadline is certain to pass first.
    Engine slow;
    slow.useStdlib(false);
    REQUIRE(slow.addPolicySource("slow.ward", R"(rule pairs {
  for a in sg_rules
  for b in sg_rules
  for c in sg_rules
  require a.id != b.id or a.id == c.id or true
}
)"));
    auto sp = slow.compile();
    REQUIRE_MESSAGE(sp, (sp ? "" : sp.error().rendered));
    l.deadline = std::chrono::milliseconds(1);
    requireError(slow.evaluate(*sp, f, l), ErrorCode::Deadline);
  }
}

TEST_CASE("host kinds and host functions") {
  Engine e;
  e.useStdlib(false);
  REQUIRE(e.declareKind(HostKind{"ticket", "tickets", "A change ticket.",
                                 {{"owner", "string", "Who filed it."}, {"urgent", "bool", ""}, {"vpc", "vpc", ""}}}));
  CHECK(!e.declareKind(HostKind{"subnet", "subnets2", "", {}}));  // clashes with a built-in kind
  std::atomic<int> calls{0};
  REQUIRE(e.declareFunction("approved", "(string) -> bool", [&](std::span<const HostValue> args) {
    ++calls;
    return HostValue::ofBool(args.size() == 1 && args[0].text == "alice");
  }));
  CHECK(!e.declareFunction("bad", "(string -> bool", [](std::span<const HostValue>) { return HostValue{}; }));
  CHECK(!e.declareFunction("ent", "(string) -> subnet", [](std::span<const HostValue>) { return HostValue{}; }));
  REQUIRE(e.addPolicySource("h.ward", R"(rule approved_owner {
  level deny
  for t in tickets where t.urgent
  require approved(t.owner)
  message "ticket {t.id} by {t.owner} is not approved"
}
)"));
  auto p = e.compile();
  REQUIRE_MESSAGE(p, (p ? "" : p.error().rendered));

  FactBuilder b = e.factBuilder();
  b.add("vpc", "vpc-1").set("vpc", "vpc-1", "cidr", "10.0.0.0/16");
  b.set("ticket", "T-1", "owner", "alice").set("ticket", "T-1", "urgent", true).set("ticket", "T-1", "vpc", "vpc-1");
  b.set("ticket", "T-2", "owner", "bob").set("ticket", "T-2", "urgent", true);
  b.set("ticket", "T-3", "owner", "carol").set("ticket", "T-3", "urgent", false);
  auto f = b.finish();
  REQUIRE_MESSAGE(f, (f ? "" : f.error().rendered));
  CHECK(f->count("ticket") == 3);
  auto r = e.evaluate(*p, *f);
  REQUIRE_MESSAGE(r, (r ? "" : r.error().rendered));
  // Two urgent tickets call it once each; the failed one (T-2) is explained
  // by re-running its failed check, which calls it once more.
  CHECK(calls == 3);
  REQUIRE(r->findings().size() == 1);
  CHECK(r->findings()[0].resourceId == "T-2");
  CHECK(r->findings()[0].message == "ticket T-2 by bob is not approved");

  // A call with the wrong argument type is a compile error, not a crash.
  Engine e2;
  e2.useStdlib(false);
  REQUIRE(e2.declareFunction("approved", "(string) -> bool", [](std::span<const HostValue>) {
    return HostValue::ofBool(true);
  }));
  REQUIRE(e2.addPolicySource("bad.ward", "rule r {\n  for s in subnets\n  require approved(s.map_public_ip)\n}\n"));
  requireError(e2.compile(), ErrorCode::Policy);

  // Facts built for the AWS schema do not evaluate with host-schema policies.
  requireError(e.evaluate(*p, facts(e2, estate(2))), ErrorCode::InvalidArgument);
}

TEST_CASE("a host function that returns the wrong type or throws fails the evaluation") {
  // One rule per engine: the first runtime error ends an evaluation, so a
  // second rule in the same policy would never reach its call.
  auto failureOf = [](std::string_view name, HostCallback fn) {
    Engine e;
    e.useStdlib(false);
    REQUIRE(e.declareFunction(std::string(name), "(string) -> bool", std::move(fn)));
    REQUIRE(e.addPolicySource("h.ward", "rule a {\n  for g in security_groups\n  require " + std::string(name) + "(g.id)\n}\n"));
    auto p = e.compile();
    REQUIRE_MESSAGE(p, (p ? "" : p.error().rendered));
    auto r = e.evaluate(*p, facts(e, estate(2)));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::Runtime);
    return r.error().rendered;
  };
  SUBCASE("a result of the wrong type") {
    const std::string text = failureOf("liar", [](std::span<const HostValue>) { return HostValue::ofString("yes"); });
    CHECK_MESSAGE(text.find("host function liar returned a string, which its signature does not allow") != std::string::npos, text);
  }
  SUBCASE("an exception") {
    const std::string text = failureOf("thrower", [](std::span<const HostValue>) -> HostValue {
      throw std::runtime_error("boom");
    });
    CHECK_MESSAGE(text.find("host function thrower failed: boom") != std::string::npos, text);
  }
}

TEST_CASE("policy errors carry structured diagnostics") {
  Engine e;
  e.useStdlib(false);
  REQUIRE(e.addPolicySource("bad.ward", "rule r {\n  for s in subnetz\n  require s.private\n}\n"));
  auto p = e.compile();
  requireError(p, ErrorCode::Policy);
  REQUIRE(!p.error().messages.empty());
  CHECK(p.error().messages[0].where == "bad.ward:2:12");
  CHECK(p.error().messages[0].line == 2);
  CHECK(p.error().rendered.find("bad.ward:2:12: error:") != std::string::npos);
}

TEST_CASE("C API: happy path, malformed input and NULL arguments") {
  std::string json = estate(6);
  ward_engine* e = ward_engine_new();
  REQUIRE(e != nullptr);
  CHECK(ward_engine_use_stdlib(e, 0) == WARD_OK);
  CHECK(ward_engine_add_policy_source(e, "t.ward", kPolicy, std::strlen(kPolicy)) == WARD_OK);

  // Evaluating before compiling is an error, not a crash.
  ward_facts* f = ward_facts_from_json(e, json.data(), json.size());
  REQUIRE(f != nullptr);
  ward_report* r = reinterpret_cast<ward_report*>(0x1);
  CHECK(ward_evaluate(e, f, &r) == WARD_ERR_NOT_COMPILED);
  CHECK(r == nullptr);

  const char* answer = reinterpret_cast<const char*>(0x1);
  CHECK(ward_query(e, f, "count(sg_rules)", &answer) == WARD_ERR_NOT_COMPILED);
  CHECK(answer == nullptr);

  REQUIRE(ward_engine_compile(e) == WARD_OK);
  REQUIRE(ward_query(e, f, "[g.id for g in security_groups where g.group_name == \"open\"]", &answer) == WARD_OK);
  CHECK(std::string(answer) == "[\"sg-1\",\"sg-3\",\"sg-5\"]");
  CHECK(ward_query(e, f, "count(g in security_groups where g.nope)", &answer) == WARD_ERR_POLICY);
  CHECK(answer == nullptr);
  CHECK(std::string(ward_last_error(e)).find("<query>:1:") != std::string::npos);
  CHECK(ward_query(e, f, nullptr, &answer) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_query(e, nullptr, "1", &answer) == WARD_ERR_INVALID_ARGUMENT);
  REQUIRE(ward_evaluate(e, f, &r) == WARD_OK);
  CHECK(ward_report_count(r, "deny") == 2);
  CHECK(ward_report_count(r, "warn") == 3);
  CHECK(ward_report_count(r, "advisory") == 0);
  CHECK(ward_report_count(r, "bogus") == -1);
  const char* doc = ward_report_json(r);
  REQUIRE(doc != nullptr);
  CHECK(std::string(doc).find("t.open_ssh") != std::string::npos);
  CHECK(ward_report_render(r, "sarif") != nullptr);
  CHECK(ward_report_render(r, "yaml") == nullptr);
  ward_report_free(r);

  // Malformed JSON.
  const char* bad = "{\"format\": \"ward-facts\", \"facts\": {";
  CHECK(ward_facts_from_json(e, bad, std::strlen(bad)) == nullptr);
  CHECK(ward_last_status(e) == WARD_ERR_FACTS);
  CHECK(std::string(ward_last_error(e)).size() > 0);
  CHECK(ward_facts_from_path(e, "/no/such/path") == nullptr);
  CHECK(ward_last_status(e) == WARD_ERR_IO);

  // A malformed policy: compile fails, and the earlier compilation is gone.
  const char* broken = "rule r {\n  for s in\n}\n";
  CHECK(ward_engine_add_policy_source(e, "broken.ward", broken, std::strlen(broken)) == WARD_OK);
  CHECK(ward_engine_compile(e) == WARD_ERR_POLICY);
  CHECK(std::string(ward_last_error(e)).find("broken.ward:") != std::string::npos);
  CHECK(ward_evaluate(e, f, &r) == WARD_ERR_NOT_COMPILED);

  // NULL everywhere.
  CHECK(ward_engine_use_stdlib(nullptr, 1) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_engine_add_policy_source(nullptr, "x", "x", 1) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_engine_add_policy_source(e, nullptr, nullptr, 3) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_engine_add_policy_file(e, nullptr) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_engine_compile(nullptr) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_engine_set_limits(e, nullptr) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_facts_from_json(nullptr, "{}", 2) == nullptr);
  CHECK(ward_facts_from_json(e, nullptr, 2) == nullptr);
  CHECK(ward_facts_from_path(e, nullptr) == nullptr);
  CHECK(ward_facts_from_path(nullptr, "/tmp") == nullptr);
  CHECK(ward_evaluate(nullptr, f, &r) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_evaluate(e, nullptr, &r) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_evaluate(e, f, nullptr) == WARD_ERR_INVALID_ARGUMENT);
  CHECK(ward_report_json(nullptr) == nullptr);
  CHECK(ward_report_count(nullptr, "deny") == -1);
  CHECK(ward_report_render(nullptr, "json") == nullptr);
  CHECK(std::string(ward_last_error(nullptr)).size() > 0);
  ward_report_free(nullptr);
  ward_facts_free(nullptr);
  ward_engine_free(nullptr);
  CHECK(std::string(ward_status_name(WARD_ERR_JSON_TOO_DEEP)) == "json-too-deep");

  ward_facts_free(f);
  ward_engine_free(e);
}

TEST_CASE("C API: limits set through ward_limits fail closed") {
  ward_engine* e = ward_engine_new();
  REQUIRE(e != nullptr);
  ward_engine_use_stdlib(e, 0);
  ward_engine_add_policy_source(e, "t.ward", kPolicy, std::strlen(kPolicy));
  REQUIRE(ward_engine_compile(e) == WARD_OK);
  std::string json = estate(50);
  ward_facts* f = ward_facts_from_json(e, json.data(), json.size());
  REQUIRE(f != nullptr);
  ward_limits l{};
  l.max_steps = 5;
  REQUIRE(ward_engine_set_limits(e, &l) == WARD_OK);
  ward_report* r = nullptr;
  CHECK(ward_evaluate(e, f, &r) == WARD_ERR_STEP_LIMIT);
  CHECK(r == nullptr);
  ward_limits c{};
  c.cancel = [](void*) { return 1; };
  REQUIRE(ward_engine_set_limits(e, &c) == WARD_OK);
  CHECK(ward_evaluate(e, f, &r) == WARD_ERR_CANCELLED);
  CHECK(r == nullptr);
  ward_facts_free(f);
  ward_engine_free(e);
}

}  // TEST_SUITE
