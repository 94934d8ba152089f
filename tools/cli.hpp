// Shared pieces of the `ward` command: exit codes, output helpers, and one
// entry point per subcommand.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/driver.hpp"
#include "runtime/facts.hpp"

namespace CLI { class App; }

namespace ward::cli {

// Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, parse,
// type or input errors (errors take precedence).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

enum class ColorMode { Auto, Always, Never };

struct Common {
  ColorMode color = ColorMode::Auto;
  bool useColor(FILE* stream) const;
};

// Prints diagnostics to stderr, rendered against `sources` when they point
// into Ward source.
void printDiagnostics(const SourceMap& sources, const Diagnostics& ds, const Common& common);
void printDiagnostics(const Diagnostics& ds, const Common& common);

// Reads every policy file into `req`. When a file is missing or unreadable,
// prints the errors of all of them and returns false.
bool readPolicies(const std::vector<std::string>& paths, CompileRequest& req, const Common& common);
// Compiles `req`: on failure prints the errors and returns nothing, on
// success prints the warnings (without "unused let" when `lintUnused` is
// false: `ward eval` and `ward repl` load policies for the expressions typed
// later, which the checker cannot see).
std::optional<Compilation> compileOrReport(const CompileRequest& req, const Common& common, bool lintUnused = true);

// Loads fact inputs (files and folders), printing warnings; nullptr on error
// (diagnostics already printed).
std::shared_ptr<const FactBase> loadFactsOrReport(const std::vector<std::string>& paths, const Common& common);
// The same in two steps, for a load that runs alongside other work: the load
// (with the progress display; stops early once *cancel is true), then its
// diagnostics printed and the facts returned (null after an error).
Result<std::shared_ptr<const FactBase>> loadFactsWithProgress(const std::vector<std::string>& paths,
                                                              const std::atomic<bool>* cancel = nullptr,
                                                              unsigned threads = 0);
std::shared_ptr<const FactBase> reportLoad(const Result<std::shared_ptr<const FactBase>>& facts, const Common& common);

// Each subcommand registers its options on `app` and returns the function
// that runs it once the command line has been parsed.
using Runner = std::function<int()>;
Runner addCheck(CLI::App& app, Common& common);
Runner addDiff(CLI::App& app, Common& common);
Runner addEval(CLI::App& app, Common& common);
Runner addFmt(CLI::App& app, Common& common);
Runner addDisasm(CLI::App& app, Common& common);
Runner addReach(CLI::App& app, Common& common);
Runner addRepl(CLI::App& app, Common& common);
Runner addRules(CLI::App& app, Common& common);
Runner addWhy(CLI::App& app, Common& common);
Runner addTest(CLI::App& app, Common& common);

// Today, in days since the epoch (exemptions' expiry dates).
int64_t today();

}  // namespace ward::cli
