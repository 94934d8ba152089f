// `ward disasm FILE`: compile a policy file and print its bytecode listing.
#include <CLI/CLI.hpp>

#include "dsl/driver.hpp"
#include "dsl/program.hpp"
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
  auto compiled = compileOrReport(req, common);
  if (!compiled) return kExitError;
  std::string listing;
  if (!args.withStdlib) {
    listing = disassemble(*compiled->policy);
  } else {
    // Only FILE's part: its rules, and the lets it declares (the last file
    // added to the compilation is FILE).
    const uint32_t fileId = static_cast<uint32_t>(compiled->sources->size());
    const std::string& fileName = compiled->sources->get(fileId)->name();
    const Program& program = *compiled->program;
    listing = disassemble(
        *compiled->policy, [&](const CompiledRule& r) { return r.meta.location.file == fileName; },
        [&](uint32_t let) { return let < program.lets.size() && program.lets[let]->span.file == fileId; });
  }
  fwrite(listing.data(), 1, listing.size(), stdout);
  return kExitOk;
}

}  // namespace

Runner addDisasm(CLI::App& app, Common& common) {
  auto args = std::make_shared<DisasmArgs>();
  app.add_option("file", args->file, "policy file")->required();
  app.add_flag("--stdlib", args->withStdlib, "compile with the standard library in scope (listing shows only FILE's lets and rules)");
  return [args, &common] { return runDisasm(*args, common); };
}

}  // namespace ward::cli
