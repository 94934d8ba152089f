// `ward disasm FILE`: compile a policy file and print its bytecode listing.
#include <CLI/CLI.hpp>

#include "dsl/driver.hpp"
#include "runtime/chunk.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct DisasmArgs {
  std::string file;
  bool withStdlib = false;
};

int runDisasm(const DisasmArgs& args, const Common& common) {
  auto src = readPolicyFile(args.file);
  if (!src) { printDiagnostics(src.error(), common); return kExitError; }
  CompileRequest req;
  req.withStdlib = args.withStdlib;
  req.sources.push_back(std::move(*src));
  auto compiled = compilePolicies(req);
  if (!compiled) {
    printDiagnostics(*compiled.error().sources, compiled.error().diagnostics, common);
    return kExitError;
  }
  printDiagnostics(*compiled->sources, compiled->warnings, common);
  std::string listing = disassemble(*compiled->policy);
  fwrite(listing.data(), 1, listing.size(), stdout);
  return kExitOk;
}

}  // namespace

Runner addDisasm(CLI::App& app, Common& common) {
  auto args = std::make_shared<DisasmArgs>();
  app.add_option("file", args->file, "policy file")->required();
  app.add_flag("--stdlib", args->withStdlib, "compile with the standard library in scope (listing shows only FILE's rules)");
  return [args, &common] { return runDisasm(*args, common); };
}

}  // namespace ward::cli
