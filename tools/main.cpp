// The `ward` command: check, eval, disasm, reach and friends.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

#include <CLI/CLI.hpp>

#include "common/heap.hpp"
#include "dsl/driver.hpp"
#include "runtime/load/load.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

bool Common::useColor(FILE* stream) const {
  if (color == ColorMode::Always) return true;
  if (color == ColorMode::Never) return false;
  return isatty(fileno(stream)) != 0 && getenv("NO_COLOR") == nullptr;
}

void printDiagnostics(const SourceMap& sources, const Diagnostics& ds, const Common& common) {
  std::string text = render(sources, ds, RenderOptions{common.useColor(stderr)});
  fputs(text.c_str(), stderr);
}

void printDiagnostics(const Diagnostics& ds, const Common& common) {
  SourceMap none;
  printDiagnostics(none, ds, common);
}

bool readPolicies(const std::vector<std::string>& paths, CompileRequest& req, const Common& common) {
  Diagnostics errors;
  for (const std::string& p : paths) {
    auto src = readPolicyFile(p);
    if (!src) errors.insert(errors.end(), src.error().begin(), src.error().end());
    else req.sources.push_back(std::move(*src));
  }
  if (errors.empty()) return true;
  printDiagnostics(errors, common);
  return false;
}

std::optional<Compilation> compileOrReport(const CompileRequest& req, const Common& common, bool lintUnused) {
  auto compiled = compilePolicies(req);
  if (!compiled) {
    printDiagnostics(*compiled.error().sources, compiled.error().diagnostics, common);
    return std::nullopt;
  }
  Diagnostics shown;
  for (const Diagnostic& d : compiled->warnings)
    if (lintUnused || !d.message.starts_with("unused let ")) shown.push_back(d);
  printDiagnostics(*compiled->sources, shown, common);
  return std::move(*compiled);
}

namespace {

// A one-line progress display on a terminal's stderr for loads that take a
// while: nothing for the first half second or when stderr is not a terminal
// (so scripts, CI logs and tests never see it), then "loading facts: 57 of
// 248 MB" redrawn at most ten times a second, erased when the load ends.
class LoadProgress {
public:
  LoadProgress() : tty_(isatty(fileno(stderr)) != 0), start_(Clock::now()) {}
  ~LoadProgress() {
    if (shown_) fputs("\r\033[K", stderr);
  }
  bool enabled() const { return tty_; }
  void update(uint64_t done, uint64_t total) {
    const auto now = Clock::now();
    if (now - start_ < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    fprintf(stderr, "\rloading facts: %llu of %llu MB\033[K", static_cast<unsigned long long>(done >> 20),
            static_cast<unsigned long long>(total >> 20));
    fflush(stderr);
  }

private:
  using Clock = std::chrono::steady_clock;
  bool tty_;
  bool shown_ = false;
  Clock::time_point start_, last_;
};

}  // namespace

Result<std::shared_ptr<const FactBase>> loadFactsWithProgress(const std::vector<std::string>& paths,
                                                              const std::atomic<bool>* cancel, unsigned threads) {
  LoadLimits limits;
  limits.cancel = cancel;
  limits.threads = threads;
  // The fact base is most of what the CLI allocates: its pages come in 2 MiB
  // (see common/heap.hpp; WARD_HEAP_TUNING=0 turns this off).
  limits.planned = [](uint64_t bytes) { prepareHeap(bytes); };
  LoadProgress progress;
  if (progress.enabled()) limits.progress = [&](uint64_t done, uint64_t total) { progress.update(done, total); };
  return loadFacts(paths, limits);
}

std::shared_ptr<const FactBase> reportLoad(const Result<std::shared_ptr<const FactBase>>& facts, const Common& common) {
  if (!facts) {
    printDiagnostics(facts.error(), common);
    return nullptr;
  }
  printDiagnostics((*facts)->warnings(), common);
  return *facts;
}

std::shared_ptr<const FactBase> loadFactsOrReport(const std::vector<std::string>& paths, const Common& common) {
  return reportLoad(loadFactsWithProgress(paths), common);
}

}  // namespace ward::cli

int main(int argc, char** argv) {
  // Before any thread starts (common/heap.hpp).
  ward::tuneHeap();
  using namespace ward::cli;
  CLI::App app{"ward: policy checks for cloud networks"};
  app.require_subcommand(1);
  Common common;
  std::map<std::string, ward::cli::ColorMode> colors{
      {"auto", ColorMode::Auto}, {"always", ColorMode::Always}, {"never", ColorMode::Never}};
  app.add_option("--color", common.color, "colour output: auto, always or never")
      ->transform(CLI::CheckedTransformer(colors, CLI::ignore_case));
  app.set_version_flag("--version", std::string("ward ") + "0.1.0");

  std::vector<std::pair<CLI::App*, Runner>> runners;
  auto add = [&](const char* name, const char* help, Runner (*fn)(CLI::App&, Common&)) {
    CLI::App* sub = app.add_subcommand(name, help);
    runners.emplace_back(sub, fn(*sub, common));
  };
  add("check", "evaluate policies over a fact base and report findings", addCheck);
  add("diff", "the findings a change adds and clears: policies over the facts before and after it", addDiff);
  add("eval", "evaluate one expression over a fact base", addEval);
  add("fmt", "reformat the whitespace of policy files (indentation, blank lines)", addFmt);
  add("disasm", "print the bytecode of a policy file", addDisasm);
  add("reach", "trace a flow through the network and explain the outcome", addReach);
  add("repl", "explore a fact base: evaluate expressions, browse facts, run rules, :why and :reach", addRepl);
  add("rules", "list the standard library's rules and their metadata", addRules);
  add("test", "run the test blocks of policy files", addTest);
  add("why", "explain which services a SageMaker workload can reach, and how to fix the rest", addWhy);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    // --help and --version are successes; every other parse error is usage.
    return code == 0 ? kExitOk : kExitError;
  }
  for (auto& [sub, run] : runners)
    if (sub->parsed()) return run();
  return kExitError;
}
