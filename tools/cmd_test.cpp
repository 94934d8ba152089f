// `ward test FILE...`: run the test blocks of policy files (docs/cli.md).
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dsl/driver.hpp"
#include "dsl/program.hpp"
#include "dsl/test_runner.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct TestArgs {
  std::vector<std::string> files;
  bool noStdlib = false;
  std::string format = "text";
};

int runTestCommand(const TestArgs& args, const Common& common) {
  CompileRequest req;
  req.withStdlib = !args.noStdlib;
  if (!readPolicies(args.files, req, common)) return kExitError;
  auto compiled = compileOrReport(req, common);
  if (!compiled) return kExitError;
  if (compiled->program->tests.empty()) {
    fputs("error: no test blocks in the given files\n", stderr);
    return kExitError;
  }

  const std::vector<TestOutcome> outcomes = runTests(*compiled, today());
  const SourceMap& sources = *compiled->sources;
  const bool anyFailed = std::any_of(outcomes.begin(), outcomes.end(), [](const TestOutcome& t) { return !t.passed(); });
  if (args.format != "text") {
    const std::string out =
        args.format == "junit" ? renderTestsJunit(outcomes, sources) : renderTestsJson(outcomes, sources);
    fwrite(out.data(), 1, out.size(), stdout);
    return anyFailed ? kExitFindings : kExitOk;
  }
  const bool color = common.useColor(stdout);
  auto paint = [&](const char* code, std::string_view text) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  };
  size_t failed = 0;
  std::string out;
  for (const TestOutcome& t : outcomes) {
    const SourceFile* file = sources.get(t.span.file);
    const std::string where =
        file ? fmt::format("{}:{}", file->name(), file->lineCol(t.span.begin).line) : std::string("<test>");
    out += fmt::format("{} {} \"{}\"\n", t.passed() ? paint("32", "ok  ") : paint("1;31", "FAIL"), where, t.name);
    if (t.passed()) continue;
    ++failed;
    Diagnostics why;
    for (const TestFailure& f : t.failures) why.push_back(error(f.span, f.message));
    out += render(sources, why, RenderOptions{color});
  }
  out += fmt::format("{} test{}: {} passed, {} failed\n", outcomes.size(), outcomes.size() == 1 ? "" : "s",
                     outcomes.size() - failed, failed);
  fwrite(out.data(), 1, out.size(), stdout);
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

Runner addTest(CLI::App& app, Common& common) {
  auto args = std::make_shared<TestArgs>();
  app.add_option("files", args->files, "policy files whose test blocks run")->required();
  app.add_flag("--no-stdlib", args->noStdlib, "do not include the standard library");
  app.add_option("--format", args->format, "output format: text, junit or json")
      ->check(CLI::IsMember({"text", "junit", "json"}));
  return [args, &common] { return runTestCommand(*args, common); };
}

}  // namespace ward::cli
