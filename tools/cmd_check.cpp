// `ward check`: evaluate policies (and the standard library) over fact inputs.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dsl/driver.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/vm.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

// One evaluation thread per core, at most 8 (beyond that the rules of the
// standard library no longer divide usefully).
uint32_t defaultJobs() { return std::clamp(std::thread::hardware_concurrency(), 1u, 8u); }

struct CheckArgs {
  std::vector<std::string> policies;
  std::vector<std::string> facts;
  bool noStdlib = false;
  ReportFormat format = ReportFormat::Text;
  Level failOn = Level::Deny;
  bool verbose = false;
  uint32_t jobs = defaultJobs();
  bool timings = false;
};

// Wall-clock time of each phase, for --timings: where a slow check spends it.
class PhaseTimer {
public:
  explicit PhaseTimer(bool on) : on_(on), last_(Clock::now()) {}
  void lap(const char* phase) {
    if (!on_) return;
    const auto now = Clock::now();
    laps_.emplace_back(phase, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }
  ~PhaseTimer() {
    if (!on_ || laps_.empty()) return;
    double total = 0;
    std::string line = "timings:";
    for (const auto& [phase, ms] : laps_) {
      line += fmt::format(" {} {:.1f} ms,", phase, ms);
      total += ms;
    }
    line += fmt::format(" total {:.1f} ms\n", total);
    fputs(line.c_str(), stderr);
  }

private:
  using Clock = std::chrono::steady_clock;
  bool on_;
  Clock::time_point last_;
  std::vector<std::pair<const char*, double>> laps_;
};

int64_t today() {
  using namespace std::chrono;
  return duration_cast<days>(system_clock::now().time_since_epoch()).count();
}

int runCheck(const CheckArgs& args, const Common& common) {
  PhaseTimer timer(args.timings);
  CompileRequest req;
  req.withStdlib = !args.noStdlib;
  Diagnostics readErrors;
  for (const std::string& p : args.policies) {
    auto src = readPolicyFile(p);
    if (!src) readErrors.insert(readErrors.end(), src.error().begin(), src.error().end());
    else req.sources.push_back(std::move(*src));
  }
  if (!readErrors.empty()) {
    printDiagnostics(readErrors, common);
    return kExitError;
  }
  auto compiled = compilePolicies(req);
  if (!compiled) {
    printDiagnostics(*compiled.error().sources, compiled.error().diagnostics, common);
    return kExitError;
  }
  printDiagnostics(*compiled->sources, compiled->warnings, common);
  timer.lap("compile");

  auto facts = loadFactsOrReport(args.facts, common);
  if (!facts) return kExitError;
  timer.lap("load");

  EvalOptions opts;
  opts.today = today();
  opts.reach = net::reachHookFor(*facts);
  opts.threads = args.jobs;
  auto report = evaluate(*compiled->policy, *facts, opts);
  if (!report) {
    fprintf(stderr, "error: %s\n", report.error().message.c_str());
    return kExitError;
  }
  timer.lap("evaluate");
  ReportInput in;
  in.findings = std::move(report->findings);
  in.rules = ruleMetadata(*compiled->policy);
  in.factSources = args.facts;
  in.rulesEvaluated = report->rulesEvaluated;
  TextOptions topts{common.useColor(stdout), args.verbose};
  std::string out = renderReport(in, args.format, topts);
  timer.lap("render");
  fwrite(out.data(), 1, out.size(), stdout);
  fflush(stdout);
  timer.lap("write");

  for (const Finding& f : in.findings)
    if (!f.exempted && f.level >= args.failOn) return kExitFindings;
  return kExitOk;
}

}  // namespace

Runner addCheck(CLI::App& app, Common& common) {
  auto args = std::make_shared<CheckArgs>();
  app.add_option("--policy,-p", args->policies, "policy file (repeatable)");
  app.add_option("--facts,-f", args->facts, "fact input: Ward JSON, AWS CLI output, or a snapshot folder (repeatable)")
      ->required();
  app.add_flag("--no-stdlib", args->noStdlib, "do not include the standard library");
  // Note: the maps hold names, not the enums: CLI11 prints a map's values in
  // its messages, and uint8_t-based enums would print as raw characters.
  app.add_option_function<std::string>(
         "--format",
         [args](const std::string& v) {
           static const std::map<std::string, ReportFormat> formats{{"text", ReportFormat::Text},
                                                                    {"json", ReportFormat::Json},
                                                                    {"sarif", ReportFormat::Sarif},
                                                                    {"junit", ReportFormat::Junit}};
           args->format = formats.at(v);
         },
         "output format: text, json, sarif or junit")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit"}));
  app.add_option_function<std::string>(
         "--fail-on",
         [args](const std::string& v) {
           static const std::map<std::string, Level> levels{
               {"advisory", Level::Advisory}, {"warn", Level::Warn}, {"deny", Level::Deny}};
           args->failOn = levels.at(v);
         },
         "lowest level that makes the exit code 1 (default deny)")
      ->check(CLI::IsMember({"advisory", "warn", "deny"}));
  app.add_flag("--verbose,-v", args->verbose, "show bindings and failed sub-expressions");
  app.add_option("--jobs,-j", args->jobs,
                 "threads that evaluate rules at once (default: one per core, at most 8); the report is the same "
                 "for any number")
      ->check(CLI::Range(1, 256));
  app.add_flag("--timings", args->timings,
               "print the wall-clock time of each phase (compile, load, evaluate, render, write) to stderr");
  return [args, &common] { return runCheck(*args, common); };
}

}  // namespace ward::cli
