// Unit tests of the VM: rules evaluated over small fact bases (findings,
// witnesses, failed checks, null handling, lets, defs, reach, exemptions),
// every budget failing closed, determinism, and expression values.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <atomic>
#include <map>
#include <thread>

#include "dsl/parser.hpp"
#include "runtime/values.hpp"
#include "tests/unit/vm_fixture.hpp"

using namespace ward;
using namespace ward::vm_test;

namespace {

Report run(const CompiledPolicy& policy, const FactBase& fb, const EvalOptions& opts = {}) {
  auto r = evaluate(policy, fb, opts);
  REQUIRE_MESSAGE(r, "evaluation failed: " << (r ? "" : r.error().message));
  return std::move(*r);
}

EvalError runError(const CompiledPolicy& policy, const FactBase& fb, const EvalOptions& opts) {
  auto r = evaluate(policy, fb, opts);
  REQUIRE_MESSAGE(!r, "evaluation succeeded with " << r->findings.size() << " findings");
  return r.error();
}

const Finding& findingOn(const Report& r, const std::string& resource) {
  for (const Finding& f : r.findings)
    if (f.resourceId == resource) return f;
  FAIL("no finding on " << resource);
  return r.findings.front();
}

std::vector<std::string> resources(const Report& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.emplace_back(f.resourceId);
  return out;
}

std::string bindingsOf(const Finding& f) {
  std::string out;
  for (const Binding& b : f.bindings) out += fmt::format("{}:{}={} ", b.name, b.kind, b.value);
  return out;
}

std::string failedOf(const Finding& f) {
  std::string out;
  for (const FailedCheck& c : f.failed) {
    out += fmt::format("[{}]", c.expr);
    for (const auto& [e, v] : c.values) out += fmt::format(" {}={}", e, v);
    out += "; ";
  }
  return out;
}

EvalResult evalText(Fixture& f, const FactBase& fb, const std::string& text, const EvalOptions& opts = {}) {
  auto compiled = compileExpr(f, text);
  auto r = evaluateExpression(*compiled, fb, opts);
  REQUIRE_MESSAGE(r, "evaluating " << text << " failed: " << (r ? "" : r.error().message));
  return *r;
}

}  // namespace

TEST_SUITE("vm") {

TEST_CASE("a failing require yields one finding per binding with resource, message, bindings and failed checks") {
  Fixture f;
  f.rule(f.module("aws.net"), "private", {{"s", "subnets"}}, "s.private", "\"subnet {s.id} in {s.az} is public\"");
  auto policy = compileFixture(f);
  auto fb = smallEstate();
  Report r = run(*policy, *fb);
  CHECK(r.rulesEvaluated == 1);
  CHECK(r.steps > 0);
  // subnet-3's `private` is unknown: a missing attribute cannot prove compliance.
  REQUIRE(resources(r) == std::vector<std::string>{"subnet-2", "subnet-3"});
  const Finding& two = findingOn(r, "subnet-2");
  CHECK(two.ruleId == "aws.net.private");
  CHECK(two.resourceKind == "subnet");
  CHECK(two.message == "subnet subnet-2 in us-east-1b is public");
  CHECK(two.level == Level::Warn);
  CHECK(bindingsOf(two) == "s:subnet=subnet-2 ");
  CHECK(failedOf(two) == "[s.private] s.private=false; ");
  CHECK(failedOf(findingOn(r, "subnet-3")) == "[s.private] s.private=null; ");
}

TEST_CASE("a report's findings keep their text after the evaluation and later ones on the same thread") {
  // The findings' strings live in an arena the report takes over from the
  // thread's evaluation state; later evaluations reuse that state and must
  // write their text elsewhere.
  Fixture f;
  auto& m = f.module("aws.net");
  f.rule(m, "private", {{"s", "subnets"}}, "s.private", "\"subnet {s.id} in {s.az} is public\"");
  f.rule(m, "nat", {{"s", "subnets"}}, "s.has_nat and s.private", "\"{s.id}: no NAT\"");
  auto policy = compileFixture(f);
  auto fb = smallEstate();
  auto text = [](const Report& r) {
    std::string out;
    for (const Finding& x : r.findings)
      out += fmt::format("{} {} {} {} [{}] [{}] {}:{}\n", x.ruleId, x.resourceKind, x.resourceId, x.message,
                         bindingsOf(x), failedOf(x), x.location.file, x.location.line);
    return out;
  };
  Report first = run(*policy, *fb);
  const std::string want = text(first);
  REQUIRE(first.findings.size() == 5);
  CHECK(want.find("subnet subnet-2 in us-east-1b is public") != std::string::npos);

  Fixture g;
  g.rule(g.module("other"), "overwrite", {{"s", "subnets"}}, "false",
         "\"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX {s.id}\"");
  auto other = compileFixture(g);
  for (int i = 0; i < 3; ++i) {
    Report later = run(*other, *fb);
    CHECK(later.findings.size() == 3);
  }
  CHECK(text(first) == want);

  // A copy shares the text; it outlives the original.
  Report copy = first;
  first = Report{};
  CHECK(text(copy) == want);
}

TEST_CASE("an error value in a message fails the evaluation naming the message") {
  Fixture f;
  f.options.hostFunctions.push_back(HostFunction{"label", "(subnet) -> string"});
  f.rule(f.module(), "labelled", {{"s", "subnets"}}, "false", "\"subnet {label(s)}\"");
  auto policy = compileFixture(f);
  EvalOptions opts;
  opts.hostFunctions.push_back([](std::span<const Value> args, EvalContext& ctx) {
    if (ctx.facts().idOf(args[0].entityKind(), args[0].entityIndex()) == "subnet-2") return ctx.makeError("no label");
    return ctx.makeString("fine");
  });
  EvalError err = runError(*policy, *smallEstate(), opts);
  CHECK(err.code == EvalErrorCode::Runtime);
  CHECK(err.message.find("subnet-2") != std::string::npos);
  CHECK(err.message.find("no label") != std::string::npos);
}

TEST_CASE("when and where treat null as false") {
  Fixture f;
  auto& m = f.module();
  f.rule(m, "where_rule", {{"s", "subnets", "s.private"}}, "s.has_nat");
  f.rule(m, "when_rule", {{"s", "subnets"}}, "s.has_nat", "", "s.private");
  f.rule(m, "not_null", {{"s", "subnets"}}, "s.available_ips > 0", "", "not s.private");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  std::vector<std::string> got;
  for (const Finding& x : r.findings) got.push_back(fmt::format("{} {}", x.ruleId, x.resourceId));
  // `not null` is null, so subnet-3 is skipped by `when not s.private`; only
  // subnet-2 (private = false) is considered, and it passes.
  CHECK(got == std::vector<std::string>{"when_rule subnet-1", "where_rule subnet-1"});
  CHECK(r.rulesEvaluated == 3);
}

TEST_CASE("all keeps the witness that broke it, for the message and the bindings") {
  Fixture f;
  f.rule(f.module(), "jobs", {{"job", "training_jobs"}}, "all s in job.subnets: s.private",
         "\"training job {job.name} runs in public subnet {s.id}\"", "job.vpc_mode");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  REQUIRE(resources(r) == std::vector<std::string>{"job-1"});
  const Finding& x = r.findings[0];
  CHECK(x.resourceKind == "training_job");
  CHECK(x.message == "training job train-1 runs in public subnet subnet-2");
  CHECK(bindingsOf(x) == "job:training_job=job-1 s:subnet=subnet-2 ");
  CHECK(failedOf(x) == "[all s in job.subnets: s.private] s.private=false; ");
}

TEST_CASE("none has a witness, any does not") {
  Fixture f;
  auto& m = f.module();
  f.rule(m, "no_public", {{"job", "training_jobs"}}, "none s in job.subnets: s.public", "", "job.vpc_mode");
  f.rule(m, "some_nat", {{"job", "training_jobs"}}, "any s in job.subnets: s.has_nat", "", "job.vpc_mode");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  REQUIRE(r.findings.size() == 3);
  const Finding& none = r.findings[0];
  CHECK(none.ruleId == "no_public");
  CHECK(none.resourceId == "job-1");
  CHECK(bindingsOf(none) == "job:training_job=job-1 s:subnet=subnet-2 ");
  CHECK(failedOf(none) == "[none s in job.subnets: s.public] s.public=true; ");
  CHECK(r.findings[1].ruleId == "some_nat");
  CHECK(bindingsOf(r.findings[1]) == "job:training_job=job-1 ");
  CHECK(failedOf(r.findings[1]) == "[any s in job.subnets: s.has_nat] any s in job.subnets: s.has_nat=false; ");
  CHECK(r.findings[2].resourceId == "job-2");
}

TEST_CASE("a quantifier skipped by a short circuit shows no witness from an earlier instance") {
  Fixture f;
  // job-1 fails through the quantifier (witness subnet-2); job-3 (vpc_mode
  // false) fails through the first operand of `or` without running it.
  f.rule(f.module(), "r", {{"job", "training_jobs"}}, "(job.vpc_mode and all s in job.subnets: s.private) or false",
         "\"{job.name}: {s.id}\"");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  REQUIRE(resources(r) == std::vector<std::string>{"job-1", "job-3"});
  CHECK(r.findings[0].message == "train-1: subnet-2");
  CHECK(bindingsOf(r.findings[0]) == "job:training_job=job-1 s:subnet=subnet-2 ");
  CHECK(r.findings[1].message == "train-3: null");
  CHECK(bindingsOf(r.findings[1]) == "job:training_job=job-3 ");
}

TEST_CASE("failed checks list every false conjunct with both operands of comparisons") {
  Fixture f;
  f.rule(f.module(), "sizes", {{"s", "subnets"}}, "s.available_ips >= 10 and s.cidr within s.vpc.cidr and s.az != \"us-east-1b\"");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  REQUIRE(resources(r) == std::vector<std::string>{"subnet-2", "subnet-3"});
  CHECK(failedOf(findingOn(r, "subnet-2")) ==
        "[s.available_ips >= 10] s.available_ips=5; [s.az != \"us-east-1b\"] s.az=us-east-1b; ");
  CHECK(failedOf(findingOn(r, "subnet-3")) ==
        "[s.cidr within s.vpc.cidr] s.cidr=10.1.3.0/24 s.vpc.cidr=10.0.0.0/16; ");
  CHECK(findingOn(r, "subnet-3").message ==
        "requirement not met: s.available_ips >= 10 and s.cidr within s.vpc.cidr and s.az != \"us-east-1b\"");
}

TEST_CASE("nested for clauses see earlier variables, and the resource is the first") {
  Fixture f;
  f.rule(f.module(), "pairs", {{"job", "training_jobs"}, {"s", "job.subnets", "not s.private"}}, "false",
         "\"{job.name} uses {s.id}\"");
  auto policy = compileFixture(f);
  Report r = run(*policy, *smallEstate());
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].resourceId == "job-1");
  CHECK(r.findings[0].message == "train-1 uses subnet-2");
  CHECK(bindingsOf(r.findings[0]) == "job:training_job=job-1 s:subnet=subnet-2 ");
}

TEST_CASE("lets are evaluated once per evaluation; defs are inlined") {
  Fixture f;
  std::atomic<int> calls{0};
  f.options.hostFunctions.push_back(HostFunction{"probe", "() -> int"});
  auto& m = f.module();
  f.let(m, "min_ips", "probe() + 9");
  f.def(m, "roomy", {{"s", "subnet"}}, "s.available_ips >= min_ips");
  f.def(m, "isolated", {{"x", "subnet"}}, "x.private and not x.has_nat");
  f.rule(m, "roomy_rule", {{"s", "subnets"}}, "roomy(s)");
  f.rule(m, "isolated_rule", {{"s", "subnets"}}, "isolated(s)", "\"{s.id} is not isolated\"");
  auto policy = compileFixture(f);
  EvalOptions opts;
  opts.hostFunctions.push_back([&](std::span<const Value>, EvalContext&) {
    ++calls;
    return Value::integer(1);
  });
  Report r = run(*policy, *smallEstate(), opts);
  CHECK(calls == 1);
  std::vector<std::string> got;
  for (const Finding& x : r.findings) got.push_back(fmt::format("{} {}", x.ruleId, x.resourceId));
  CHECK(got == std::vector<std::string>{"isolated_rule subnet-2", "isolated_rule subnet-3", "roomy_rule subnet-2"});
  CHECK(findingOn(r, "subnet-3").message == "subnet-3 is not isolated");
  // The def call is one conjunct; its value is shown as a whole.
  CHECK(failedOf(r.findings[0]) == "[isolated(s)] isolated(s)=false; ");
}

TEST_CASE("reach calls the engine's hook and `why` explains the last failure") {
  Fixture f;
  f.rule(f.module(), "reach_s3", {{"job", "training_jobs"}},
         "reach(job, service \"ecr.dkr\", tcp 443) and reach(job, service \"s3\", tcp 443)",
         "\"{job.name} cannot reach its services: {why}\"", "job.vpc_mode");
  auto policy = compileFixture(f);
  auto fb = smallEstate();

  EvalOptions none;
  EvalError err = runError(*policy, *fb, none);
  CHECK(err.code == EvalErrorCode::Runtime);
  CHECK(err.message.find("rule reach_s3 on job-1: reach is not available in this engine") == 0);

  std::vector<std::string> asked;
  EvalOptions opts;
  opts.reach = [&](const FactBase& facts, const Value& src, const Value& dst, const net::Traffic& t) {
    CHECK(isService(dst));
    std::string service(evalString(facts, dst.asString()));
    std::string job(facts.idOf(src.entityKind(), src.entityIndex()));
    asked.push_back(job + "->" + service + ":" + net::format(t));
    if (job == "job-1" && service == "s3") return ReachAnswer{false, "no route to s3 from " + job};
    return ReachAnswer{true, ""};
  };
  Report r = run(*policy, *fb, opts);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message == "train-1 cannot reach its services: no route to s3 from job-1");
  // The explanation re-evaluates conjuncts, so job-1 (which fails) is asked
  // everything twice and job-2 (which passes) once.
  const std::vector<std::string> wantAsked{"job-1->ecr.dkr:tcp 443", "job-1->s3:tcp 443", "job-1->ecr.dkr:tcp 443",
                                           "job-1->s3:tcp 443",       "job-2->ecr.dkr:tcp 443", "job-2->s3:tcp 443"};
  CHECK_MESSAGE(asked == wantAsked, fmt::format("{}", fmt::join(asked, " | ")));
  CHECK(failedOf(r.findings[0]) ==
        "[reach(job, service \"s3\", tcp 443)] reach(job, service \"s3\", tcp 443)=false; ");
}

TEST_CASE("an error value reaching a condition fails the evaluation naming the rule and resource") {
  Fixture f;
  f.options.hostFunctions.push_back(HostFunction{"check", "(subnet) -> bool"});
  f.rule(f.module(), "hosted", {{"s", "subnets"}}, "check(s)");
  auto policy = compileFixture(f);
  EvalOptions opts;
  opts.hostFunctions.push_back([](std::span<const Value> args, EvalContext& ctx) {
    if (ctx.facts().idOf(args[0].entityKind(), args[0].entityIndex()) == "subnet-2") return ctx.makeError("boom");
    return Value::boolean(true);
  });
  EvalError err = runError(*policy, *smallEstate(), opts);
  CHECK(err.code == EvalErrorCode::Runtime);
  CHECK(err.message.rfind("rule hosted on subnet-2: boom at <e", 0) == 0);
  CHECK(err.message.substr(err.message.size() - 4) == ":1:1");

  EvalOptions missing;
  err = runError(*policy, *smallEstate(), missing);
  CHECK(err.message.find("host function check (#0) is not provided") != std::string::npos);
}

TEST_CASE("every budget fails closed with a typed error and no report") {
  Fixture f;
  f.options.hostFunctions.push_back(HostFunction{"slow", "() -> int"});
  auto& m = f.module();
  f.let(m, "pause", "slow()");
  f.rule(m, "failing", {{"s", "subnets"}}, "s.available_ips > pause");
  f.rule(m, "listy", {{"s", "subnets"}}, "len([x for x in [1, 2, 3, 4, 5, 6, 7, 8] where x > 2]) > 0");
  auto policy = compileFixture(f);
  auto fb = smallEstate();
  auto base = [] {
    EvalOptions o;
    o.hostFunctions.push_back([](std::span<const Value>, EvalContext&) { return Value::integer(100); });
    return o;
  };

  SUBCASE("steps") {
    EvalOptions o = base();
    o.limits.maxSteps = 3;
    EvalError e = runError(*policy, *fb, o);
    CHECK(e.code == EvalErrorCode::StepLimit);
    CHECK(e.message.find("step limit of 3 exceeded") != std::string::npos);
  }
  SUBCASE("cancel") {
    EvalOptions o = base();
    o.limits.cancel = [] { return true; };
    CHECK(runError(*policy, *fb, o).code == EvalErrorCode::Cancelled);
  }
  SUBCASE("deadline") {
    EvalOptions o;
    o.hostFunctions.push_back([](std::span<const Value>, EvalContext&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      return Value::integer(1);
    });
    o.limits.deadline = std::chrono::milliseconds(5);
    CHECK(runError(*policy, *fb, o).code == EvalErrorCode::Deadline);
  }
  SUBCASE("findings") {
    EvalOptions o = base();
    o.limits.maxFindings = 1;
    EvalError e = runError(*policy, *fb, o);
    CHECK(e.code == EvalErrorCode::FindingLimit);
    CHECK(e.message.find("more than 1 findings") != std::string::npos);
    o.limits.maxFindings = 2;
    CHECK(run(*policy, *fb, o).findings.size() == 2);
  }
  SUBCASE("memory") {
    EvalOptions o = base();
    o.limits.maxMemoryBytes = 200;
    CHECK(runError(*policy, *fb, o).code == EvalErrorCode::MemoryLimit);
  }
  SUBCASE("within budget") {
    Report r = run(*policy, *fb, base());
    CHECK(r.findings.size() == 2);
    CHECK(r.steps < 100);
  }
}

TEST_CASE("exemptions mark findings; expired ones are findings themselves") {
  Fixture f;
  auto& m = f.module("aws.net");
  f.rule(m, "private", {{"s", "subnets"}}, "s.private");
  auto exempt = [&](const std::string& resource, std::optional<int64_t> until, const std::string& reason) {
    ast::Exempt e;
    e.rule = "private";
    e.ruleSpan = f.sp("private");
    e.subjectWord = "subnet";
    e.resource = resource;
    e.until = until;
    e.owner = "net-team";
    e.reason = reason;
    e.span = f.sp("exempt private for subnet \"" + resource + "\"");
    m.exempts.push_back(std::move(e));
  };
  exempt("subnet-2", *parseDate("2030-01-01"), "migration NET-7");
  exempt("subnet-3", *parseDate("2020-06-30"), "old");
  auto policy = compileFixture(f);
  EvalOptions o;
  o.today = *parseDate("2024-01-01");
  Report r = run(*policy, *smallEstate(), o);
  REQUIRE(r.findings.size() == 3);
  CHECK(r.findings[0].ruleId == "aws.net.private");
  CHECK(r.findings[0].resourceId == "subnet-2");
  CHECK(r.findings[0].exempted);
  CHECK(r.findings[0].exemptionReason == "migration NET-7 (owner net-team)");
  CHECK(r.findings[1].resourceId == "subnet-3");
  CHECK_FALSE(r.findings[1].exempted);
  CHECK(r.findings[2].ruleId == "ward.exemption_expired");
  CHECK(r.findings[2].level == Level::Warn);
  CHECK(r.findings[2].resourceId == "subnet-3");
  CHECK(r.findings[2].message == "the exemption of aws.net.private for subnet-3 expired on 2020-06-30 (owner net-team)");
  CHECK(r.expiredExemptions == std::vector<std::string>{"aws.net.private on subnet-3 (expired 2020-06-30)"});
}

TEST_CASE("evaluation is deterministic, also from several threads at once") {
  Fixture f;
  auto& m = f.module();
  f.rule(m, "b_rule", {{"s", "subnets"}}, "s.private and s.available_ips > 10", "\"{s.id}: {str(s.cidr) + \"!\"}\"");
  f.rule(m, "a_rule", {{"job", "training_jobs"}}, "all s in job.subnets: s.private", "\"{job.name} {s.az}\"");
  auto policy = compileFixture(f);
  auto fb = smallEstate();
  auto render = [](const Report& r) {
    std::string out;
    for (const Finding& x : r.findings)
      out += fmt::format("{}|{}|{}|{}|{}\n", x.ruleId, x.resourceId, x.message, bindingsOf(x), failedOf(x));
    return out;
  };
  std::string first = render(run(*policy, *fb));
  CHECK(first ==
        "a_rule|job-1|train-1 us-east-1b|job:training_job=job-1 s:subnet=subnet-2 |[all s in job.subnets: s.private] s.private=false; \n"
        "b_rule|subnet-2|subnet-2: 10.0.2.0/24!|s:subnet=subnet-2 |[s.private] s.private=false; [s.available_ips > 10] s.available_ips=5; \n"
        "b_rule|subnet-3|subnet-3: 10.1.3.0/24!|s:subnet=subnet-3 |[s.private] s.private=null; \n");
  CHECK(render(run(*policy, *fb)) == first);
  std::string fromThreads[2];
  std::thread t1([&] { fromThreads[0] = render(*evaluate(*policy, *fb)); });
  std::thread t2([&] { fromThreads[1] = render(*evaluate(*policy, *fb)); });
  t1.join();
  t2.join();
  CHECK(fromThreads[0] == first);
  CHECK(fromThreads[1] == first);
}

TEST_CASE("a policy written in Ward, end to end: parser, checker, compiler, VM") {
  const char* source = R"(package aws.ml

let ml_zones = {"us-east-1a", "us-east-1a", "us-east-1c"}

def isolated(s: subnet) = s.private and not s.has_nat

rule training_in_private_subnets {
  title    "SageMaker training jobs run in private subnets"
  level    deny
  severity high
  tags     "sagemaker", "subnets"
  for job in training_jobs
  when job.vpc_mode
  require all s in job.subnets: s.private
  message  "training job {job.name} runs in public subnet {s.id}"
  fix      "move the job to private subnets"
}

rule isolated_subnets {
  for s in subnets where s.az in ml_zones
  require isolated(s)
  message "{s.id} in {s.az} is not isolated"
}

endpoint sagemaker.api required when subnet.private
endpoint s3 required when subnet.private

exempt isolated_subnets for subnet "subnet-3" until 2027-03-01 by "ml-platform" because "migration ML-42"
)";
  SourceMap sources;
  uint32_t file = sources.add("team.ward", source);
  auto module = parseModule(sources, file);
  REQUIRE_MESSAGE(module, (module ? "" : render(sources, module.error())));
  std::vector<std::unique_ptr<ast::Module>> modules;
  modules.push_back(std::make_unique<ast::Module>(std::move(*module)));
  Diagnostics warnings;
  auto program = check(std::move(modules), sources, testSchema(), warnings);
  REQUIRE_MESSAGE(program, (program ? "" : render(sources, program.error())));
  auto policy = compile(*program);
  REQUIRE(policy);
  REQUIRE((*policy)->rules.size() == 4);

  EvalOptions opts;
  opts.today = *parseDate("2026-01-01");
  Report r = run(**policy, *smallEstate(), opts);
  std::vector<std::string> got;
  for (const Finding& x : r.findings)
    got.push_back(fmt::format("{} {}{}: {}", x.ruleId, x.resourceId, x.exempted ? " (exempted)" : "", x.message));
  CHECK(got == std::vector<std::string>{
                   "aws.ml.endpoint_sagemaker_api_required subnet-1: subnet subnet-1 has no sagemaker.api endpoint in vpc-1",
                   "aws.ml.isolated_subnets subnet-3 (exempted): subnet-3 in us-east-1a is not isolated",
                   "aws.ml.training_in_private_subnets job-1: training job train-1 runs in public subnet subnet-2",
               });
  const Finding& job = r.findings[2];
  CHECK(job.level == Level::Deny);
  CHECK(job.severity == RuleSeverity::High);
  CHECK(job.title == "SageMaker training jobs run in private subnets");
  CHECK(job.fix == "move the job to private subnets");
  CHECK(job.location.file == "team.ward");
  CHECK(job.location.line == 7);
  CHECK(r.findings[1].exemptionReason == "migration ML-42 (owner ml-platform)");
  CHECK(r.expiredExemptions.empty());

  opts.today = *parseDate("2027-03-02");
  Report later = run(**policy, *smallEstate(), opts);
  REQUIRE(later.findings.size() == 4);
  CHECK_FALSE(later.findings[1].exempted);
  CHECK(later.findings[3].ruleId == "ward.exemption_expired");
  CHECK(later.findings[3].location.file == "team.ward");
  CHECK(later.findings[3].location.line == 28);
}

TEST_CASE("expression values, equality and set algebra") {
  Fixture f;
  auto fb = smallEstate();
  auto text = [&](const std::string& e) { return evalText(f, *fb, e).text; };
  CHECK(text("10.0.0.0/8 == 10.0.0.0/16") == "false");
  CHECK(text("10.0.0.0/16 == 10.0.0.0/16") == "true");
  CHECK(text("[1, 2] == [1, 2]") == "true");
  CHECK(text("[1, 2] == [2, 1]") == "false");
  CHECK(text("\"us-east-\" + \"1a\" == \"us-east-1a\"") == "true");
  CHECK(text("count(s in subnets where s.az == \"us-east-\" + \"1a\")") == "2");
  CHECK(text("str(10.0.0.0/16) == \"10.0.0.0/16\"") == "true");
  CHECK(text("10.0.1.5 in 10.0.0.0/16") == "true");
  CHECK(text("10.0.1.0/24 within 10.0.0.0/16") == "true");
  CHECK(text("10.0.0.0/8 within 10.0.0.0/16") == "false");
  CHECK(text("10.0.0.0/8 overlaps 10.1.0.0/16") == "true");
  CHECK(text("tcp 443 within tcp 1..1024") == "true");
  CHECK(text("tcp 80..90 overlaps tcp 85..100") == "true");
  CHECK(text("\"gate\" in \"gateway\"") == "true");
  CHECK(text("2 in [1, 2, 3]") == "true");
  CHECK(text("2 not in [1, 2, 3]") == "false");
  CHECK(text("[1, 2, 3] contains 4") == "false");
  CHECK(text("count(subnets)") == "3");
  CHECK(text("len(subnets)") == "3");
  CHECK(text("count(s in subnets where s.private)") == "1");
  CHECK(text("distinct([3, 1, 3, 2, 1])") == "[3, 1, 2]");
  CHECK(text("null == null") == "true");
  // Three-valued logic; subnet-3's `private` is null.
  CHECK(text("[s.private and false for s in subnets]") == "[false, false, false]");
  CHECK(text("[s.private and true for s in subnets]") == "[true, false, null]");
  CHECK(text("[s.private or true for s in subnets]") == "[true, true, true]");
  CHECK(text("[s.private or false for s in subnets]") == "[true, false, null]");
  CHECK(text("[not s.private for s in subnets]") == "[false, true, null]");
  CHECK(text("[s.private == null for s in subnets]") == "[false, false, true]");
  CHECK(text("2 + 3 - 10") == "-5");
  CHECK(text("lower(\"AbC\") == \"abc\"") == "true");
  CHECK(text("starts_with(\"sagemaker.api\", \"sage\")") == "true");
  CHECK(text("prefix_len(10.0.0.0/16)") == "16");
  CHECK(text("all s in subnets: s.cidr within 10.0.0.0/8") == "true");
  CHECK(text("any s in subnets: s.available_ips < 10") == "true");
  CHECK(text("none s in subnets: s.has_nat") == "false");
  CHECK(text("all s in subnets: s.private") == "false");
  CHECK(text("all x in [s for s in subnets where s.public == false]: x.private") == "null");

  EvalResult r = evalText(f, *fb, "[s.id for s in subnets where s.available_ips > 10]");
  CHECK(r.text == "[subnet-1, subnet-3]");
  CHECK(r.json == "[\"subnet-1\",\"subnet-3\"]");
  CHECK(r.type == "list<string>");
  EvalResult ent = evalText(f, *fb, "[s for s in subnets where s.public]");
  CHECK(ent.text == "[subnet-2]");
  CHECK(ent.json == "[{\"kind\":\"subnet\",\"id\":\"subnet-2\"}]");
  CHECK(evalText(f, *fb, "10.0.1.0/24").json == "\"10.0.1.0/24\"");
  CHECK(evalText(f, *fb, "tcp 443").text == "tcp 443");
}

TEST_CASE("comparisons with null or a literal agree with the general comparison") {
  Fixture f;
  auto fb = smallEstate();
  auto text = [&](const std::string& e) {
    std::string t = evalText(f, *fb, e).text;
    std::erase_if(t, [](char c) { return c == '[' || c == ']'; });
    return t;
  };
  // The literal forms compile to EqConst/NeConst/IsNull/NotNull; with `c`
  // drawn from a list they compile to the general Eq/Ne. Both must agree.
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"cidr", {"10.0.1.0/24", "10.0.0.0/16", "0.0.0.0/0", "null"}},
      {"available_ips", {"3", "250", "null"}},
      {"private", {"true", "false", "null"}},
  };
  for (const auto& attrCase : cases)
    for (const std::string& lit : attrCase.second)
      for (std::string op : {"==", "!="}) {
        const std::string& attr = attrCase.first;  // not a structured binding: clang 14 cannot capture those
        CAPTURE(attr);
        CAPTURE(lit);
        CAPTURE(op);
        std::string general = text("[[s." + attr + " " + op + " c for c in [" + lit + "]] for s in subnets]");
        REQUIRE(std::count(general.begin(), general.end(), ',') == 2);
        CHECK(text("[s." + attr + " " + op + " " + lit + " for s in subnets]") == general);
        CHECK(text("[" + lit + " " + op + " s." + attr + " for s in subnets]") == general);
      }
  CHECK(text("[s.private == null for s in subnets]") == "false, false, true");
  CHECK(text("[s.cidr == 10.0.1.0/24 for s in subnets]") == "true, false, false");
}

TEST_CASE("`x == K1 or x == K2` in one instruction agrees with the `or` of two comparisons") {
  Fixture f;
  auto fb = smallEstate();
  auto text = [&](const std::string& e) { return evalText(f, *fb, e).text; };
  // `c` is a local, so `c == A or c == B` compiles to LocalEqConstOr;
  // with `false or` in front, the disjunction is compiled as written.
  const std::string values = "[s.cidr for s in subnets] + [null, 0.0.0.0/0, 172.16.0.0/12]";
  const std::vector<std::pair<std::string, std::string>> pairs = {{"0.0.0.0/0", "172.16.0.0/12"},
                                                                  {"10.0.1.0/24", "0.0.0.0/0"},
                                                                  {"172.16.0.0/12", "10.0.0.0/16"},
                                                                  {"1.2.3.0/24", "1.2.4.0/24"}};
  for (const auto& pair : pairs) {
    const std::string a = pair.first, b = pair.second;
    CAPTURE(a);
    CAPTURE(b);
    const std::string fused = text("[c == " + a + " or " + b + " == c for c in " + values + "]");
    CHECK(fused == text("[false or c == " + a + " or c == " + b + " for c in " + values + "]"));
    CHECK(std::count(fused.begin(), fused.end(), ',') >= 5);
  }
  CHECK(text("[c == 0.0.0.0/0 or c == 172.16.0.0/12 for c in [0.0.0.0/0, 172.16.0.0/12, 10.0.0.0/8, null]]") ==
        "[true, true, false, false]");
}

TEST_CASE("lists built at run time: concatenation, host lists, dynamic attributes") {
  Fixture f;
  f.options.hostFunctions.push_back(HostFunction{"twice", "(list<any>) -> list<any>"});
  auto& m = f.module();
  f.def(m, "zone", {{"x", "entity"}}, "x.az");
  f.def(m, "kind_of", {{"x", "entity"}}, "x.endpoint_type");
  f.def(m, "twice_n", {{"n", "int"}}, "n + n");
  f.def(m, "is_subnet", {{"x", "entity"}}, "x in subnets");
  for (auto& err : f.errors()) FAIL(err);
  auto fb = smallEstate();
  EvalOptions opts;
  // Builds its result from a span into the scratch arena it appends to.
  opts.hostFunctions.push_back([](std::span<const Value> args, EvalContext& ctx) {
    std::vector<Value> both(ctx.list(args[0]).begin(), ctx.list(args[0]).end());
    Value once = ctx.makeList(ctx.list(args[0]));
    both.insert(both.end(), ctx.list(once).begin(), ctx.list(once).end());
    return ctx.makeList(both);
  });
  auto text = [&](const std::string& e) { return evalText(f, *fb, e, opts).text; };
  CHECK(text("[1, 2] + [3] == [1, 2, 3]") == "true");
  CHECK(text("twice_n(2 + 3)") == "10");
  CHECK(text("[is_subnet(s) for s in subnets] + [is_subnet(v) for v in vpcs]") == "[true, true, true, false]");
  CHECK(disassemble(*compileExpr(f, "[is_subnet(v) for v in vpcs]")).find("IsKind         subnet") != std::string::npos);
  CHECK(text("-(2 + 3) < -4") == "true");
  CHECK(text("subnets") == "[subnet-1, subnet-2, subnet-3]");
  CHECK(text("[s.vpc.cidr for s in subnets]") == "[10.0.0.0/16, 10.0.0.0/16, 10.0.0.0/16]");
  CHECK(text("len([s.az for s in subnets] + [s.id for s in subnets])") == "6");
  CHECK(text("twice([s.id for s in subnets])") == "[subnet-1, subnet-2, subnet-3, subnet-1, subnet-2, subnet-3]");
  // An `entity` parameter has no static kind: its attributes are found by name.
  CHECK(text("[zone(s) for s in subnets]") == "[us-east-1a, us-east-1b, us-east-1a]");
  auto bad = compileExpr(f, "[kind_of(s) for s in subnets]");
  auto r = evaluateExpression(*bad, *fb, opts);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == EvalErrorCode::Runtime);
  CHECK(r.error().message.rfind("a subnet has no attribute 'endpoint_type'", 0) == 0);
  CHECK(text("[kind_of(e) for e in vpc_endpoints]") == "[gateway]");
}

TEST_CASE("tag() reads a resource's AWS tags") {
  Schema schema;
  KindId tag = schema.addKind("tag", "tags", "an AWS tag");
  AttrDef key, value, tags;
  key.name = "key";
  key.type = Type::of(BaseType::String);
  value.name = "value";
  value.type = Type::of(BaseType::String);
  schema.addAttr(tag, key);
  schema.addAttr(tag, value);
  KindId vpc = schema.addKind("vpc", "vpcs", "a VPC");
  tags.name = "tags";
  tags.type = Type::listOf(BaseType::Entity, tag);
  schema.addAttr(vpc, tags);
  FactBaseBuilder b(schema);
  auto t1 = b.upsert(tag, "vpc-1:Name");
  b.set(tag, t1, *schema.kind(tag).find("key"), Value::string(b.intern("Name")));
  b.set(tag, t1, *schema.kind(tag).find("value"), Value::string(b.intern("prod")));
  b.upsert(vpc, "vpc-2");
  b.setRefList(vpc, b.upsert(vpc, "vpc-1"), *schema.kind(vpc).find("tags"), {"vpc-1:Name"});
  auto fb = b.finish();
  REQUIRE(fb);

  SourceMap sources;
  uint32_t file = sources.add("<expr>", "[tag(v, \"Name\") for v in vpcs]");
  auto e = parseExpression(sources, file);
  REQUIRE(e);
  REQUIRE(checkExpression(**e, nullptr, schema));
  auto compiled = compileExpression(**e, nullptr, &schema);
  REQUIRE(compiled);
  auto r = evaluateExpression(**compiled, **fb);
  REQUIRE(r);
  CHECK(r->text == "[null, prod]");
  CHECK(r->json == "[null,\"prod\"]");
}

TEST_CASE("set literals deduplicate at run time") {
  Fixture f;
  auto fb = smallEstate();
  auto e = f.e("[1 + 1, 2, 3 - 1, 4]");
  e->kind = ast::ExprKind::SetLit;
  REQUIRE(checkExpression(*e, nullptr, f.schema, f.options));
  auto compiled = compileExpression(*e, nullptr, &f.schema);
  REQUIRE(compiled);
  auto r = evaluateExpression(**compiled, *fb);
  REQUIRE(r);
  CHECK(r->text == "[2, 4]");
}

TEST_CASE("lets are visible to expressions") {
  Fixture f;
  auto& m = f.module();
  f.let(m, "zones", "[s.az for s in subnets]");
  f.let(m, "east", "count(z in zones where z == \"us-east-1a\")");
  REQUIRE(f.errors().empty());
  auto fb = smallEstate();
  CHECK(evalText(f, *fb, "east + len(zones)").text == "5");
}

TEST_CASE("values: CIDR equality is exact and lists compare by content") {
  auto c = [](const char* t) { return Value::cidr(*net::parseCidr(t)); };
  ValueHeap none;
  CHECK_FALSE(valueEqual(c("0.0.0.0/0"), c("::/0"), none));
  CHECK_FALSE(valueEqual(c("10.0.0.0/8"), c("10.0.0.0/16"), none));
  CHECK(valueEqual(c("10.0.0.0/8"), c("10.0.0.0/8"), none));
  CHECK(valueCompare(c("10.0.0.0/8"), c("10.0.0.0/16"), none) < 0);
  CHECK(valueEqual(Value::null(), unboundValue(), none));
  CHECK(isUnbound(unboundValue()));
  CHECK_FALSE(isUnbound(Value::null()));
  CHECK(renderText(c("10.0.0.0/16"), none) == "10.0.0.0/16");
  CHECK(renderText(Value::date(*parseDate("2027-03-01")), none) == "2027-03-01");
  CHECK(renderJson(Value::boolean(true), none) == "true");

  std::vector<Value> scratch{Value::integer(1), Value::integer(2), Value::integer(1), Value::integer(2)};
  ValueHeap heap{nullptr, nullptr, &scratch};
  Value a = Value::list(Arena::Scratch, 0, 2), b = Value::list(Arena::Scratch, 2, 2);
  CHECK(valueEqual(a, b, heap));
  CHECK(renderText(a, heap) == "[1, 2]");
  CHECK(renderJson(a, heap) == "[1,2]");
}

TEST_CASE("scratch strings never shadow fact strings") {
  Fixture f;
  auto fb = smallEstate();
  // "us-east-1a" is in the fact base: building it at run time must give the
  // fact base's id, or equality by id would break.
  CHECK(evalText(f, *fb, "\"us-east-\" + \"1a\" in [s.az for s in subnets]").text == "true");
  CHECK(evalText(f, *fb, "\"nowhere\" + \"-1\" == \"nowhere-1\"").text == "true");
}

}  // TEST_SUITE

TEST_CASE("five nested for clauses and a twenty-conjunct require compile and run as written") {
  // Past what the compiler keeps in place for a rule's loops (four) and for
  // a condition's conjuncts and operands (sixteen): the lists move to the
  // heap and every jump must still land where it should.
  Fixture f;
  auto& m = f.module();
  f.rule(m, "deep",
         {{"a", "subnets"},
          {"b", "subnets", "b.az == a.az"},
          {"c", "subnets", "c.az == b.az"},
          {"d", "subnets", "d.az == c.az"},
          {"e", "subnets", "e.az == d.az"}},
         "false");
  std::vector<std::string> parts;
  for (int i = 0; i < 20; ++i) parts.push_back(fmt::format("count(subnets) > {}", i));
  std::string many = fmt::format("{}", fmt::join(parts, " and "));
  f.rule(m, "long", {{"s", "subnets"}}, many);
  std::vector<std::string> alternatives;
  for (int i = 0; i < 18; ++i) alternatives.push_back(fmt::format("s.available_ips == {}", i));
  f.rule(m, "wide", {{"s", "subnets"}}, fmt::format("s.private or ({})", fmt::join(alternatives, " or ")));
  auto policy = compileFixture(f);

  const CompiledRule& lng = *policy->findRule("long");
  REQUIRE(lng.explain.size() == 20);
  for (int i = 0; i < 20; ++i) CHECK(lng.explain[i].text == parts[i]);
  const CompiledRule& wide = *policy->findRule("wide");
  REQUIRE(wide.explain.size() == 1);
  CHECK(wide.explain[0].operands.size() == 19);  // s.private and the 18 sides that are not literals

  Report r = run(*policy, *smallEstate());
  // `deep` fails once per instance: for each subnet a, every choice of b..e
  // in a's zone. us-east-1a holds two of the three subnets, us-east-1b one.
  std::map<std::string, size_t> perRule;
  for (const Finding& x : r.findings) ++perRule[std::string(x.ruleId)];
  CHECK(perRule["deep"] == 2 * 16 + 1);
  // `long` fails at `count(subnets) > 3` for each of the three subnets.
  CHECK(perRule["long"] == 3);
  // `wide`: subnet-1 is private, subnet-2 has 5 addresses left (one of the
  // alternatives); subnet-3's `private` is unknown and it has 50.
  std::vector<std::string> wideOn;
  for (const Finding& x : r.findings)
    if (x.ruleId == "wide") wideOn.emplace_back(x.resourceId);
  CHECK(wideOn == std::vector<std::string>{"subnet-3"});
}
