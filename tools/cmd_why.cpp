// `ward why KIND ID`: explains, service by service, whether a SageMaker
// workload can reach what it needs, and how to fix what it cannot.
#include <CLI/CLI.hpp>

#include "runtime/net/reach.hpp"
#include "runtime/net/why.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct WhyArgs {
  std::string kind;
  std::string id;
  std::vector<std::string> facts;
  std::string format = "text";
};

int runWhy(const WhyArgs& args, const Common& common) {
  // An unknown kind is a usage error; report it before loading any facts.
  if (auto kind = net::whyKind(args.kind); !kind) {
    printDiagnostics(kind.error(), common);
    return kExitError;
  }
  auto facts = loadFactsOrReport(args.facts, common);
  if (!facts) return kExitError;
  net::ReachEngine engine(*facts);
  auto report = net::diagnose(*facts, engine, args.kind, args.id);
  if (!report) {
    printDiagnostics(report.error(), common);
    return kExitError;
  }
  std::string out = args.format == "json" ? net::renderWhyJson(*report) : net::renderWhyText(*report);
  fwrite(out.data(), 1, out.size(), stdout);
  return report->allReachable() ? kExitOk : kExitFindings;
}

}  // namespace

Runner addWhy(CLI::App& app, Common& common) {
  auto args = std::make_shared<WhyArgs>();
  app.add_option("kind", args->kind,
                 "training_job, processing_job, model, endpoint, notebook_instance, domain, instance or "
                 "network_interface ('-' works for '_')")
      ->required();
  app.add_option("id", args->id, "the resource's id (or name)")->required();
  app.add_option("--facts,-f", args->facts, "snapshot folder or fact file (repeatable)")->required();
  app.add_option("--format", args->format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
  return [args, &common] { return runWhy(*args, common); };
}

}  // namespace ward::cli
