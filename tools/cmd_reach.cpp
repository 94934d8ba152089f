// `ward reach`: trace one flow through the modelled network and explain it.
#include <CLI/CLI.hpp>

#include "runtime/net/reach.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct ReachArgs {
  std::vector<std::string> facts;
  std::string from, to;
  std::string proto = "all";
  int port = -1;
  std::string srcIp;
  std::string format = "text";
};

int runReach(const ReachArgs& args, const Common& common) {
  net::FlowQuery q;
  q.from = args.from;
  q.to = args.to;
  auto proto = net::parseProtocol(args.proto);
  if (!proto) {
    fprintf(stderr, "error: --proto expects tcp, udp, icmp, all or a protocol number 0..255, got '%s'\n",
            args.proto.c_str());
    return kExitError;
  }
  q.proto = *proto;
  if (args.port >= 0) {
    if (args.port > 65535) { fprintf(stderr, "error: --port must be 0..65535, got %d\n", args.port); return kExitError; }
    q.dstPort = static_cast<uint16_t>(args.port);
  }
  if (!args.srcIp.empty()) {
    auto ip = net::parseIp(args.srcIp);
    if (!ip) { fprintf(stderr, "error: --src-ip expects an IP address, got '%s'\n", args.srcIp.c_str()); return kExitError; }
    q.srcIp = *ip;
  }
  auto facts = loadFactsOrReport(args.facts, common);
  if (!facts) return kExitError;
  net::ReachEngine engine(*facts);
  auto result = engine.trace(q);
  if (!result) { printDiagnostics(result.error(), common); return kExitError; }
  std::string out = args.format == "json" ? net::renderJson(*result) : net::renderText(*result);
  fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

Runner addReach(CLI::App& app, Common& common) {
  auto args = std::make_shared<ReachArgs>();
  app.add_option("--facts,-f", args->facts, "snapshot folder or fact file (repeatable)")->required();
  app.add_option("--from", args->from, "source: resource id, IP address, 'internet' or service:NAME")->required();
  app.add_option("--to", args->to, "destination: resource id, IP address, 'internet' or service:NAME")->required();
  app.add_option("--proto", args->proto, "protocol: tcp, udp, icmp, all or a number (default all)");
  app.add_option("--port", args->port, "destination port");
  app.add_option("--src-ip", args->srcIp, "source address when the source has several (or is a subnet)");
  app.add_option("--format", args->format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
  return [args, &common] { return runReach(*args, common); };
}

}  // namespace ward::cli
