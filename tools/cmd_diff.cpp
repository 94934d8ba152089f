// `ward diff --before F... --after F...`: the findings a change brings and the
// ones it clears, so that CI can gate on what a change adds (docs/cli.md).
#include <map>
#include <tuple>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/vm.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct DiffArgs {
  std::vector<std::string> policies;
  std::vector<std::string> before, after;
  bool noStdlib = false;
  std::string format = "text";
  std::string failOn = "deny";
};

// A finding as it is compared: its identity (rule and resource) and message.
struct Item {
  std::string rule, kind, id, message;
  Level level = Level::Warn;
  RuleSeverity severity = RuleSeverity::Medium;
};

std::vector<Item> itemsOf(const Report& report) {
  std::vector<Item> out;
  for (const Finding& f : report.findings)
    if (!f.exempted)  // an exempted finding is not the change's to answer for
      out.push_back({std::string(f.ruleId), std::string(f.resourceKind), std::string(f.resourceId),
                     std::string(f.message), f.level, f.severity});
  return out;
}

struct Diff {
  std::vector<Item> added, resolved;
  std::vector<std::pair<Item, Item>> changed;  // the same rule and resource, another message
  size_t unchanged = 0;
};

// Findings match on rule, resource and message; what is left over pairs up
// on rule and resource alone (a count or a port in the message changed), in
// report order; the rest is new or resolved.
Diff compare(std::vector<Item> before, std::vector<Item> after) {
  Diff d;
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::multimap<Key, size_t> exact;
  for (size_t i = 0; i < before.size(); ++i) exact.emplace(Key{before[i].rule, before[i].kind, before[i].id, before[i].message}, i);
  std::vector<bool> beforeUsed(before.size(), false);
  std::vector<Item> restAfter;
  for (Item& a : after) {
    auto it = exact.find(Key{a.rule, a.kind, a.id, a.message});
    if (it == exact.end()) {
      restAfter.push_back(std::move(a));
      continue;
    }
    beforeUsed[it->second] = true;
    exact.erase(it);
    ++d.unchanged;
  }
  using Loose = std::tuple<std::string, std::string, std::string>;
  std::multimap<Loose, size_t> loose;
  for (size_t i = 0; i < before.size(); ++i)
    if (!beforeUsed[i]) loose.emplace(Loose{before[i].rule, before[i].kind, before[i].id}, i);
  for (Item& a : restAfter) {
    auto it = loose.find(Loose{a.rule, a.kind, a.id});
    if (it == loose.end()) {
      d.added.push_back(std::move(a));
      continue;
    }
    beforeUsed[it->second] = true;
    d.changed.emplace_back(before[it->second], std::move(a));
    loose.erase(it);
  }
  for (size_t i = 0; i < before.size(); ++i)
    if (!beforeUsed[i]) d.resolved.push_back(std::move(before[i]));
  return d;
}

std::string line(const Item& f) {
  return fmt::format("{}: {} [{}] {} {}: {}", levelName(f.level), f.rule, severityName(f.severity), f.kind, f.id,
                     f.message);
}

std::string renderText(const Diff& d, bool color) {
  auto paint = [&](const char* code, std::string_view s) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, s) : std::string(s);
  };
  std::string out;
  for (const Item& f : d.added) out += fmt::format("{} {}\n", paint("1;31", "new     "), line(f));
  for (const auto& [b, a] : d.changed)
    out += fmt::format("{} {}\n         now: {}\n", paint("1;33", "changed "), line(b), a.message);
  for (const Item& f : d.resolved) out += fmt::format("{} {}\n", paint("32", "resolved"), line(f));
  LevelCounts n;
  for (const Item& f : d.added) (f.level == Level::Deny ? n.deny : f.level == Level::Warn ? n.warn : n.advisory)++;
  out += fmt::format("{} new ({} deny, {} warn, {} advisory), {} changed, {} resolved, {} unchanged\n", d.added.size(),
                     n.deny, n.warn, n.advisory, d.changed.size(), d.resolved.size(), d.unchanged);
  return out;
}

void writeItem(JsonWriter& w, const Item& f) {
  w.beginObject().field("rule", f.rule).field("level", levelName(f.level)).field("severity", severityName(f.severity));
  w.key("resource").beginObject().field("kind", f.kind).field("id", f.id).endObject();
  w.field("message", f.message).endObject();
}

std::string renderJson(const Diff& d) {
  JsonWriter w;
  w.beginObject().key("new").beginArray();
  for (const Item& f : d.added) writeItem(w, f);
  w.endArray().key("changed").beginArray();
  for (const auto& [b, a] : d.changed) {
    w.beginObject().key("before");
    writeItem(w, b);
    w.key("after");
    writeItem(w, a);
    w.endObject();
  }
  w.endArray().key("resolved").beginArray();
  for (const Item& f : d.resolved) writeItem(w, f);
  w.endArray().key("summary").beginObject();
  w.field("new", static_cast<uint64_t>(d.added.size())).field("changed", static_cast<uint64_t>(d.changed.size()));
  w.field("resolved", static_cast<uint64_t>(d.resolved.size())).field("unchanged", static_cast<uint64_t>(d.unchanged));
  w.endObject().endObject();
  return w.take() + "\n";
}

int runDiff(const DiffArgs& args, const Common& common) {
  CompileRequest req;
  req.withStdlib = !args.noStdlib;
  if (!readPolicies(args.policies, req, common)) return kExitError;
  auto compiled = compileOrReport(req, common);
  if (!compiled) return kExitError;
  std::optional<Report> reports[2];
  const std::vector<std::string>* inputs[2] = {&args.before, &args.after};
  for (int side = 0; side < 2; ++side) {
    auto facts = loadFactsOrReport(*inputs[side], common);
    if (!facts) return kExitError;
    EvalOptions opts;
    opts.today = today();
    opts.reach = net::reachHookFor(*facts);
    auto report = evaluate(*compiled->policy, *facts, opts);
    if (!report) {
      fprintf(stderr, "error: %s (evaluating the %s facts)\n", report.error().message.c_str(), side ? "after" : "before");
      return kExitError;
    }
    reports[side] = std::move(*report);
  }
  const Diff d = compare(itemsOf(*reports[0]), itemsOf(*reports[1]));
  const std::string out = args.format == "json" ? renderJson(d) : renderText(d, common.useColor(stdout));
  fwrite(out.data(), 1, out.size(), stdout);
  const Level failOn = args.failOn == "advisory" ? Level::Advisory : args.failOn == "warn" ? Level::Warn : Level::Deny;
  for (const Item& f : d.added)
    if (f.level >= failOn) return kExitFindings;
  for (const auto& [b, a] : d.changed)
    if (a.level >= failOn) return kExitFindings;
  return kExitOk;
}

}  // namespace

Runner addDiff(CLI::App& app, Common& common) {
  auto args = std::make_shared<DiffArgs>();
  app.add_option("--before,-b", args->before, "the facts before the change (files or folders, repeatable)")->required();
  app.add_option("--after,-a", args->after, "the facts after the change (files or folders, repeatable)")->required();
  app.add_option("--policy,-p", args->policies, "policy file (repeatable)");
  app.add_flag("--no-stdlib", args->noStdlib, "do not include the standard library");
  app.add_option("--format", args->format, "output format: text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--fail-on", args->failOn, "lowest level of a new or changed finding that makes the exit code 1 (default deny)")
      ->check(CLI::IsMember({"advisory", "warn", "deny"}));
  return [args, &common] { return runDiff(*args, common); };
}

}  // namespace ward::cli
