// `ward check`: evaluate policies (and the standard library) over fact inputs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <optional>
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
  using Clock = std::chrono::steady_clock;
  explicit PhaseTimer(bool on) : on_(on), start_(Clock::now()), last_(start_) {}
  // A phase from the end of the previous one to now (or to `end`).
  void lap(const char* phase) { lapAt(phase, Clock::now()); }
  void lapAt(const char* phase, Clock::time_point end) {
    record(phase, end);
    last_ = end;
  }
  // Two phases that ran at once, both from the end of the previous one.
  void together(const char* a, Clock::time_point endA, const char* b, Clock::time_point endB) {
    record(a, endA);
    record(b, endB);
    last_ = std::max(endA, endB);
  }
  ~PhaseTimer() {
    if (!on_ || laps_.empty()) return;
    std::string line = "timings:";
    for (const auto& [phase, ms] : laps_) line += fmt::format(" {} {:.1f} ms,", phase, ms);
    line += fmt::format(" total {:.1f} ms\n", ms(start_, last_));
    fputs(line.c_str(), stderr);
  }

private:
  static double ms(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
  }
  void record(const char* phase, Clock::time_point end) {
    if (on_) laps_.emplace_back(phase, ms(last_, end));
  }
  bool on_;
  Clock::time_point start_, last_;
  std::vector<std::pair<const char*, double>> laps_;
};

int runCheck(const CheckArgs& args, const Common& common) {
  PhaseTimer timer(args.timings);
  CompileRequest req;
  req.withStdlib = !args.noStdlib;
  if (!readPolicies(args.policies, req, common)) return kExitError;
  // The policies compile on a second thread while the facts load (unless
  // --jobs 1): neither needs the other. The load stays on this thread (whose
  // malloc arena then holds the fact base). A failed compile cancels the load,
  // and its errors are all that is printed.
  std::atomic<bool> cancelLoad{false};
  PhaseTimer::Clock::time_point compileEnd;
  auto compile = [&] {
    auto c = compilePolicies(req);
    compileEnd = PhaseTimer::Clock::now();
    if (!c) cancelLoad = true;
    return c;
  };
  const bool overlap = args.jobs > 1;
  std::future<decltype(compile())> compiling;
  std::optional<decltype(compile())> compiledFirst;
  if (overlap) compiling = std::async(std::launch::async, compile);
  else compiledFirst = compile();
  // --jobs 1 loads on this thread alone too; otherwise the loader decides.
  auto loaded = loadFactsWithProgress(args.facts, &cancelLoad, args.jobs == 1 ? 1 : 0);
  const auto loadEnd = PhaseTimer::Clock::now();
  auto compiled = overlap ? compiling.get() : std::move(*compiledFirst);
  if (!compiled) {
    printDiagnostics(*compiled.error().sources, compiled.error().diagnostics, common);
    return kExitError;
  }
  if (overlap) {
    timer.together("compile", compileEnd, "load", loadEnd);
  } else {
    timer.lapAt("compile", compileEnd);
    timer.lapAt("load", loadEnd);
  }
  printDiagnostics(*compiled->sources, compiled->warnings, common);
  auto facts = reportLoad(loaded, common);
  if (!facts) return kExitError;
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
  in.text = report->text;
  in.rules = ruleMetadata(*compiled->policy);
  in.factSources = args.facts;
  in.rulesEvaluated = report->rulesEvaluated;
  ReportOptions topts{common.useColor(stdout), args.verbose, args.jobs};
  const std::vector<std::string> out = renderReportParts(in, args.format, topts);
  timer.lap("render");
  for (const std::string& part : out) fwrite(part.data(), 1, part.size(), stdout);
  fflush(stdout);
  timer.lap("write");

  for (const Finding& f : in.findings)
    if (!f.exempted && f.level >= args.failOn) return kExitFindings;
  return kExitOk;
}

}  // namespace

int64_t today() {
  using namespace std::chrono;
  return duration_cast<days>(system_clock::now().time_since_epoch()).count();
}

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
                 "threads that evaluate rules at once (default: one per core, at most 8); 1 also loads the facts on "
                 "one thread; the report is the same for any number")
      ->check(CLI::Range(1, 256));
  app.add_flag("--timings", args->timings,
               "print the wall-clock time of each phase (compile, load, evaluate, render, write) to stderr");
  return [args, &common] { return runCheck(*args, common); };
}

}  // namespace ward::cli
