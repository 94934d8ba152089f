// `ward repl`: explore a fact base interactively (docs/cli.md, "ward repl").
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/cli.hpp"
#include "tools/repl.hpp"
#include "tools/repl_edit.hpp"

namespace ward::cli {

namespace {

struct ReplArgs {
  std::vector<std::string> policies;
  std::vector<std::string> facts;
  bool noStdlib = false;
};

int runRepl(const ReplArgs& args, const Common& common) {
  auto facts = loadFactsOrReport(args.facts, common);
  if (!facts) return kExitError;
  std::atomic<bool> interrupt{false};
  repl::Options options;
  options.policyPaths = args.policies;
  options.withStdlib = !args.noStdlib;
  options.color = common.useColor(stdout);
  options.today = today();
  options.interrupt = &interrupt;
  std::string diagnostics;
  auto session = repl::Session::open(std::move(options), facts, diagnostics);
  fputs(diagnostics.c_str(), stderr);
  if (!session) return kExitError;
  if (isatty(fileno(stdin)) == 0) return repl::scriptLoop(*session, std::cin, interrupt);

  size_t total = 0, kinds = 0;
  for (KindId k = 0; k < facts->schema().kindCount(); ++k) {
    total += facts->count(k);
    kinds += facts->count(k) != 0;
  }
  fmt::print("ward 0.1.0 repl: {} facts of {} kinds. :help lists the commands, Ctrl-D leaves.\n", total, kinds);
  return repl::interactiveLoop(*session, interrupt);
}

}  // namespace

Runner addRepl(CLI::App& app, Common& common) {
  auto args = std::make_shared<ReplArgs>();
  app.add_option("--facts,-f", args->facts, "fact input: Ward JSON, AWS CLI output, or a snapshot folder (repeatable)")
      ->required();
  app.add_option("--policy,-p", args->policies, "policy file whose rules, lets and defs the session holds (repeatable)");
  app.add_flag("--no-stdlib", args->noStdlib, "do not include the standard library");
  return [args, &common] { return runRepl(*args, common); };
}

}  // namespace ward::cli
