// `ward eval EXPR`: evaluate one expression over a fact base and print its value.
#include <CLI/CLI.hpp>

#include "dsl/compile.hpp"
#include "dsl/driver.hpp"
#include "dsl/parser.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/vm.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct EvalArgs {
  std::string expr;
  std::vector<std::string> policies;
  std::vector<std::string> facts;
  bool noStdlib = false;
  std::string format = "text";
};

int runEval(const EvalArgs& args, const Common& common) {
  CompileRequest req;
  req.withStdlib = !args.noStdlib;
  if (!readPolicies(args.policies, req, common)) return kExitError;
  auto compiled = compileOrReport(req, common, false);
  if (!compiled) return kExitError;
  SourceMap& sources = *compiled->sources;
  uint32_t file = sources.add("<expr>", args.expr);
  auto expr = parseExpression(sources, file);
  if (!expr) { printDiagnostics(sources, expr.error(), common); return kExitError; }
  auto type = checkExpression(**expr, compiled->program.get(), Schema::aws());
  if (!type) { printDiagnostics(sources, type.error(), common); return kExitError; }
  auto chunk = compileExpression(**expr, compiled->program.get());
  if (!chunk) { printDiagnostics(sources, chunk.error(), common); return kExitError; }

  auto facts = loadFactsOrReport(args.facts, common);
  if (!facts) return kExitError;
  EvalOptions opts;
  opts.reach = net::reachHookFor(*facts);
  auto result = evaluateExpression(**chunk, *facts, opts);
  if (!result) {
    fprintf(stderr, "error: %s\n", result.error().message.c_str());
    return kExitError;
  }
  if (args.format == "json") printf("%s\n", result->json.c_str());
  else printf("%s : %s\n", result->text.c_str(), Schema::aws().typeName(*type).c_str());
  return kExitOk;
}

}  // namespace

Runner addEval(CLI::App& app, Common& common) {
  auto args = std::make_shared<EvalArgs>();
  app.add_option("expr", args->expr, "the expression, e.g. 'count(s in subnets where s.private)'")->required();
  app.add_option("--facts,-f", args->facts, "fact input (repeatable)")->required();
  app.add_option("--policy,-p", args->policies, "policy file whose lets and defs the expression may use");
  app.add_flag("--no-stdlib", args->noStdlib, "do not include the standard library");
  app.add_option("--format", args->format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
  return [args, &common] { return runEval(*args, common); };
}

}  // namespace ward::cli
