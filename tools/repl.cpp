// The REPL's session: statements, expressions and `:commands` over one fact
// base (docs/cli.md, "ward repl").
#include "tools/repl.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "dsl/check.hpp"
#include "dsl/compile.hpp"
#include "dsl/parser.hpp"
#include "runtime/net/addr.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/net/why.hpp"
#include "runtime/vm.hpp"

namespace ward::repl {

namespace {

// The grammar's whitespace (PEGTL's `space`), so that a name found here is
// the name the parser finds.
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The leading word of `text` ("let" of "let x = 1").
std::string_view firstWord(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && isNameChar(text[n])) ++n;
  return text.substr(0, n);
}

// Splits a command's arguments at spaces.
std::vector<std::string> words(std::string_view args) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ' ' || args[i] == '\t')) ++i;
    size_t j = i;
    while (j < args.size() && args[j] != ' ' && args[j] != '\t') ++j;
    if (j > i) out.emplace_back(args.substr(i, j - i));
    i = j;
  }
  return out;
}

Reply failure(std::string message) {
  Reply r;
  r.ok = false;
  r.err = "error: " + std::move(message) + "\n";
  return r;
}

Reply answer(std::string text) {
  Reply r;
  r.out = std::move(text);
  return r;
}

struct CommandHelp {
  const char* name;
  const char* args;
  const char* help;
};

// Every command, in the order :help lists them.
constexpr CommandHelp kCommands[] = {
    {"help", "", "this list"},
    {"kinds", "", "the fact kinds, with how many facts of each the estate has"},
    {"attrs", "KIND", "a kind's attributes, their types and what they mean"},
    {"ls", "KIND [N]", "the ids of a kind's facts (the first 20, or N)"},
    {"show", "[KIND] ID", "every attribute of one fact"},
    {"type", "EXPR", "the type of an expression, without evaluating it"},
    {"disasm", "RULE|EXPR", "the bytecode of a rule, or of an expression"},
    {"rules", "[TEXT]", "the rules in the session (those whose id contains TEXT)"},
    {"check", "[RULE...]", "evaluate every rule, or the named ones, and print the findings"},
    {"why", "KIND ID", "which services a SageMaker workload can reach, and how to fix the rest"},
    {"reach", "FROM TO [PROTO] [PORT]", "trace a flow through the network (as `ward reach`)"},
    {"load", "FILE", "add a policy file to the session"},
    {"session", "", "the lets, defs, rules and exemptions typed so far"},
    {"forget", "NAME", "drop the let, def or rule NAME typed earlier"},
    {"quit", "", "leave (so does Ctrl-D)"},
};

}  // namespace

Session::Session(Options options, std::shared_ptr<const FactBase> facts)
    : options_(std::move(options)), facts_(std::move(facts)) {}

Session::~Session() = default;

std::unique_ptr<Session> Session::open(Options options, std::shared_ptr<const FactBase> facts,
                                       std::string& diagnostics) {
  std::unique_ptr<Session> s(new Session(std::move(options), std::move(facts)));
  Diagnostics unreadable;
  for (const std::string& path : s->options_.policyPaths) {
    auto src = readPolicyFile(path);
    if (!src) unreadable.insert(unreadable.end(), src.error().begin(), src.error().end());
    else s->files_.push_back(std::move(*src));
  }
  if (!unreadable.empty()) {
    diagnostics = render(SourceMap{}, unreadable, RenderOptions{s->options_.color});
    return nullptr;
  }
  Reply r;
  const bool ok = s->recompile(s->files_, {}, "", r);
  diagnostics = std::move(r.err);
  if (!ok) return nullptr;
  return s;
}

bool Session::recompile(const std::vector<PolicySource>& files, const std::vector<Statement>& statements,
                        std::string_view warningsFrom, Reply& reply) {
  CompileRequest req;
  req.withStdlib = options_.withStdlib;
  req.sources = files;
  for (const Statement& st : statements) req.sources.push_back({fmt::format("<repl:{}>", st.input), st.text});
  auto compiled = compilePolicies(req);
  const RenderOptions ropts{options_.color};
  if (!compiled) {
    // The warnings gathered before the error would only bury it.
    Diagnostics errors;
    for (const Diagnostic& d : compiled.error().diagnostics)
      if (d.severity == Severity::Error) errors.push_back(d);
    reply.err += render(*compiled.error().sources, errors, ropts);
    reply.ok = false;
    return false;
  }
  // Warnings of what this input added, not again those shown before.
  const SourceMap& sources = *compiled->sources;
  Diagnostics shown;
  for (const Diagnostic& d : compiled->warnings) {
    const SourceFile* file = sources.get(d.span.file);
    const std::string_view name = file ? std::string_view(file->name()) : std::string_view();
    if (!warningsFrom.empty() && name != warningsFrom) continue;
    // Lets are loaded to be used by what is typed next, which the checker
    // cannot see.
    if (d.message.starts_with("unused let ")) continue;
    shown.push_back(d);
  }
  reply.err += render(sources, shown, ropts);
  compiled_ = std::move(*compiled);
  return true;
}

Reply Session::run(std::string_view input) {
  const std::string_view text = trim(input);
  if (text.empty()) return {};
  ++inputs_;
  if (text.front() == ':') {
    const std::string_view rest = text.substr(1);
    size_t n = 0;
    while (n < rest.size() && rest[n] != ' ' && rest[n] != '\t') ++n;
    return command(rest.substr(0, n), trim(rest.substr(n)));
  }
  const std::string_view keyword = firstWord(text);
  if (keyword == "let" || keyword == "def" || keyword == "rule" || keyword == "exempt")
    return statement(keyword, text);
  if (keyword == "package" || keyword == "import")
    return failure(fmt::format("'{}' has no place at the prompt: every let and def of the session's policies "
                               "is visible by its bare name already",
                               keyword));
  if (keyword == "test") return failure("test blocks run with `ward test FILE`, not at the prompt");
  return expression(text, false);
}

Reply Session::command(std::string_view name, std::string_view args) {
  if (name == "help" || name == "h" || name == "?") return help();
  if (name == "quit" || name == "q" || name == "exit") {
    Reply r;
    r.quit = true;
    return r;
  }
  if (name == "kinds") return kinds();
  if (name == "attrs") return attrs(args);
  if (name == "ls") return list(args);
  if (name == "show") return show(args);
  if (name == "type") {
    if (args.empty()) return failure("usage: :type EXPR");
    return expression(args, true);
  }
  if (name == "disasm") return disasm(args);
  if (name == "rules") return rules(args);
  if (name == "check") return check(args);
  if (name == "why") return why(args);
  if (name == "reach") return reach(args);
  if (name == "load") return load(args);
  if (name == "session") return session();
  if (name == "forget") return forget(args);
  std::vector<std::string> names;
  for (const CommandHelp& c : kCommands) names.emplace_back(c.name);
  std::string guess = closestMatch(std::string(name), names);
  return failure(fmt::format("unknown command ':{}'{}; :help lists them", name,
                             guess.empty() ? std::string() : fmt::format(" (did you mean ':{}'?)", guess)));
}

Reply Session::help() const {
  std::string out =
      "Type an expression to evaluate it (count(s in subnets where s.private)), or a let, def, rule or\n"
      "exempt to add it to the session (a later one of the same name replaces it). Commands:\n";
  for (const CommandHelp& c : kCommands) {
    std::string usage = fmt::format(":{}{}{}", c.name, *c.args ? " " : "", c.args);
    out += fmt::format("  {:<30} {}\n", usage, c.help);
  }
  out += "Tab completes commands, kinds, attributes (after 's.'), names and fact ids.\n";
  return answer(std::move(out));
}

std::optional<KindId> Session::kindNamed(std::string_view name) const {
  const Schema& schema = facts_->schema();
  if (auto k = schema.findKind(name)) return k;
  return schema.findCollection(name);
}

Reply Session::kinds() const {
  const Schema& schema = facts_->schema();
  size_t nameWidth = 0, collectionWidth = 0;
  for (KindId k = 0; k < schema.kindCount(); ++k) {
    nameWidth = std::max(nameWidth, schema.kind(k).name.size());
    collectionWidth = std::max(collectionWidth, schema.kind(k).collection.size());
  }
  std::string out;
  for (KindId k = 0; k < schema.kindCount(); ++k) {
    const KindDef& def = schema.kind(k);
    out += fmt::format("{:<{}} {:<{}} {}\n", def.name, nameWidth, def.collection, collectionWidth, facts_->count(k));
  }
  return answer(std::move(out));
}

Reply Session::attrs(std::string_view args) const {
  const Schema& schema = facts_->schema();
  auto kind = kindNamed(args);
  if (!kind) {
    std::string guess = closestMatch(std::string(args), schema.kindNames());
    return failure(fmt::format("unknown kind '{}'{}", args,
                               guess.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", guess)));
  }
  const KindDef& def = schema.kind(*kind);
  std::string out = fmt::format("{} ({}): {}\n", def.name, def.collection, def.doc);
  for (const AttrDef& a : def.attrs)
    out += fmt::format("  {:<28} {:<22} {}{}\n", a.name, schema.typeName(a.type), a.derived() ? "(derived) " : "",
                       a.doc);
  return answer(std::move(out));
}

Reply Session::list(std::string_view args) const {
  const std::vector<std::string> w = words(args);
  if (w.empty() || w.size() > 2) return failure("usage: :ls KIND [N]");
  auto kind = kindNamed(w[0]);
  if (!kind) return attrs(w[0]);  // the same unknown-kind error
  size_t limit = 20;
  if (w.size() == 2) {
    auto [ptr, ec] = std::from_chars(w[1].data(), w[1].data() + w[1].size(), limit);
    if (ec != std::errc{} || ptr != w[1].data() + w[1].size())
      return failure(fmt::format(":ls takes a count after the kind, got '{}'", w[1]));
  }
  const size_t total = facts_->count(*kind);
  std::string out;
  for (EntityIndex i = 0; i < total && i < limit; ++i) out += fmt::format("{}\n", facts_->idOf(*kind, i));
  if (total > limit)
    out += fmt::format("... and {} more (:ls {} {})\n", total - limit, facts_->schema().kind(*kind).name, total);
  if (total == 0) out = fmt::format("no {} in the fact base\n", facts_->schema().kind(*kind).collection);
  return answer(std::move(out));
}

Reply Session::show(std::string_view args) const {
  const std::vector<std::string> w = words(args);
  if (w.empty() || w.size() > 2) return failure("usage: :show [KIND] ID");
  const Schema& schema = facts_->schema();
  std::vector<std::pair<KindId, EntityIndex>> found;
  if (w.size() == 2) {
    auto kind = kindNamed(w[0]);
    if (!kind) return attrs(w[0]);
    if (auto i = facts_->find(*kind, w[1])) found.emplace_back(*kind, *i);
  } else {
    for (KindId k = 0; k < schema.kindCount(); ++k)
      if (auto i = facts_->find(k, w[0])) found.emplace_back(k, *i);
  }
  const std::string& id = w.back();
  if (found.empty()) return failure(fmt::format("no fact has the id '{}'", id));
  if (found.size() > 1) {
    std::string kinds;
    for (const auto& [k, i] : found) kinds += fmt::format("{}{}", kinds.empty() ? "" : ", ", schema.kind(k).name);
    return failure(fmt::format("'{}' is the id of facts of several kinds ({}): name the kind, e.g. :show {} {}", id,
                               kinds, schema.kind(found[0].first).name, id));
  }
  const auto [kind, index] = found[0];
  const KindDef& def = schema.kind(kind);
  std::string out = fmt::format("{} {}\n", def.name, id);
  std::vector<std::string> unset;
  for (AttrId a = 0; a < def.attrs.size(); ++a) {
    const Value v = facts_->get(kind, index, a);
    if (v.isNull()) {
      unset.push_back(def.attrs[a].name);
      continue;
    }
    out += fmt::format("  {:<28} {}\n", def.attrs[a].name, facts_->format(v));
  }
  if (!unset.empty()) {
    out += "  unset:";
    for (const std::string& n : unset) out += " " + n;
    out += "\n";
  }
  return answer(std::move(out));
}

tl::expected<Session::Compiled, Reply> Session::compileInput(std::string_view text) {
  SourceMap& sources = *compiled_->sources;
  const uint32_t file = sources.add(fmt::format("<repl:{}>", inputs_), std::string(text));
  auto fail = [&](const Diagnostics& ds) {
    Reply r;
    r.ok = false;
    r.err = render(sources, ds, RenderOptions{options_.color});
    return tl::unexpected(std::move(r));
  };
  auto expr = parseExpression(sources, file);
  if (!expr) return fail(expr.error());
  auto type = checkExpression(**expr, compiled_->program.get(), facts_->schema());
  if (!type) return fail(type.error());
  Compiled out;
  out.typeName = facts_->schema().typeName(*type);
  auto chunk = compileExpression(**expr, compiled_->program.get());
  if (!chunk) return fail(chunk.error());
  out.expr = std::move(*chunk);
  return out;
}

Reply Session::expression(std::string_view text, bool typeOnly) {
  auto compiled = compileInput(text);
  if (!compiled) return compiled.error();
  const std::string& typeName = compiled->typeName;
  if (typeOnly) return answer(typeName + "\n");
  const CompiledExpr& chunk = *compiled->expr;
  const EvalOptions opts = evalOptions();
  auto result = evaluateExpression(chunk, *facts_, opts);
  if (!result) return failure(result.error().message);
  return answer(fmt::format("{} : {}\n", result->text, typeName));
}

Reply Session::statement(std::string_view keyword, std::string_view text) {
  Statement st;
  st.keyword = std::string(keyword);
  st.text = std::string(text);
  st.input = inputs_;
  if (keyword != "exempt") {
    std::string_view rest = trim(text.substr(keyword.size()));
    st.name = std::string(firstWord(rest));
  }
  std::vector<Statement> next;
  for (const Statement& old : statements_)
    if (st.name.empty() || old.keyword != st.keyword || old.name != st.name) next.push_back(old);
  next.push_back(st);
  Reply reply;
  const std::string source = fmt::format("<repl:{}>", st.input);
  std::optional<Compilation> previous = compiled_;
  if (!recompile(files_, next, source, reply)) return reply;
  std::vector<Statement> kept = std::exchange(statements_, std::move(next));
  // A statement that compiles but whose value or findings cannot be
  // evaluated (a runtime error, a limit) fails like any other input: the
  // session goes back to what it was.
  auto undoIfFailed = [&] {
    if (reply.ok) return;
    statements_ = std::move(kept);
    compiled_ = std::move(previous);
    reply.err += fmt::format("note: {} was not kept\n", st.name.empty() ? st.keyword : st.keyword + " " + st.name);
  };
  if (keyword == "let") {
    // Show the value, as an expression naming the let would.
    Reply value = expression(st.name, false);
    reply.out = value.ok ? st.name + " = " + value.out : "";
    reply.err += value.err;
    reply.ok = value.ok;
  } else if (keyword == "def") {
    for (const ast::Def* d : compiled_->program->defs) {
      const SourceFile* file = compiled_->sources->get(d->nameSpan.file);
      if (d->name != st.name || !file || file->name() != source) continue;
      std::string params;
      for (const ast::Param& p : d->params)
        params += fmt::format("{}{}: {}", params.empty() ? "" : ", ", p.name, p.typeName);
      reply.out = fmt::format("def {}({}) : {}\n", d->name, params, facts_->schema().typeName(d->result));
    }
  } else if (keyword == "rule") {
    Reply findings = check(st.name);
    reply.out = findings.out;
    reply.err += findings.err;
    reply.ok = findings.ok;
  } else {
    reply.out = "exemption added\n";
  }
  undoIfFailed();
  return reply;
}

Reply Session::rules(std::string_view args) const {
  std::string out;
  size_t shown = 0;
  for (const CompiledRule& r : compiled_->policy->rules) {
    if (!args.empty() && r.meta.id.find(args) == std::string::npos) continue;
    out += fmt::format("{:<8} {:<58} {}\n", levelName(r.meta.level), r.meta.id, r.meta.title);
    ++shown;
  }
  if (shown == 0)
    return answer(args.empty() ? std::string("no rules in the session\n")
                               : fmt::format("no rule id contains '{}'\n", args));
  return answer(std::move(out));
}

namespace {

// A rule named by its id or by the id's last part (`sagemaker_api`).
bool ruleMatches(const std::string& id, std::string_view name) {
  return id == name || (id.size() > name.size() && id.ends_with(name) && id[id.size() - name.size() - 1] == '.');
}

}  // namespace

Reply Session::disasm(std::string_view args) {
  if (args.empty()) return failure("usage: :disasm RULE or :disasm EXPR");
  const CompiledPolicy& policy = *compiled_->policy;
  std::vector<const CompiledRule*> found;
  for (const CompiledRule& r : policy.rules)
    if (ruleMatches(r.meta.id, args)) found.push_back(&r);
  if (found.size() > 1) {
    std::string ids;
    for (const CompiledRule* r : found) ids += (ids.empty() ? "" : ", ") + r->meta.id;
    return failure(fmt::format("'{}' names several rules ({}): give the whole id", args, ids));
  }
  if (found.size() == 1) return answer(disassemble(policy, *found[0]));
  // Not a rule: an expression, compiled as one typed at the prompt.
  auto compiled = compileInput(args);
  if (!compiled) return compiled.error();
  return answer(disassemble(*compiled->expr));
}

Reply Session::check(std::string_view args) {
  // Each argument names a rule by its id or by the id's last part.
  const std::vector<std::string> wanted = words(args);
  const CompiledPolicy& policy = *compiled_->policy;
  auto matches = [](const std::string& id, const std::string& name) { return ruleMatches(id, name); };
  for (const std::string& name : wanted) {
    bool any = false;
    for (const CompiledRule& r : policy.rules) any = any || matches(r.meta.id, name);
    if (any) continue;
    std::vector<std::string> ids;
    for (const CompiledRule& r : policy.rules) ids.push_back(r.meta.id);
    std::string guess = closestMatch(name, ids);
    return failure(fmt::format("no rule '{}' in the session{}", name,
                               guess.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", guess)));
  }
  auto selected = [&](const std::string& id) {
    if (wanted.empty()) return true;
    for (const std::string& name : wanted)
      if (matches(id, name)) return true;
    return false;
  };
  const EvalOptions opts = evalOptions();
  auto report = evaluate(policy, *facts_, opts);
  if (!report) return failure(report.error().message);
  ReportInput in;
  in.text = report->text;
  for (Finding& f : report->findings)
    if (selected(std::string(f.ruleId))) in.findings.push_back(std::move(f));
  for (RuleMeta& m : ruleMetadata(policy))
    if (selected(m.id)) in.rules.push_back(std::move(m));
  in.rulesEvaluated = in.rules.size();
  return answer(renderText(in, ReportOptions{options_.color}));
}

EvalOptions Session::evalOptions() const {
  EvalOptions opts;
  opts.today = options_.today;
  opts.reach = net::reachHookFor(*facts_);
  if (options_.interrupt) opts.limits.cancel = [flag = options_.interrupt] { return flag->load(); };
  return opts;
}

const net::ReachEngine& Session::engine() {
  if (!engine_) engine_ = std::make_unique<net::ReachEngine>(*facts_);
  return *engine_;
}

Reply Session::why(std::string_view args) {
  const std::vector<std::string> w = words(args);
  if (w.size() != 2) return failure("usage: :why KIND ID (e.g. :why training_job train-42)");
  auto kind = net::whyKind(w[0]);
  if (!kind) return Reply{"", render(SourceMap{}, kind.error(), RenderOptions{options_.color}), false, false};
  auto report = net::diagnose(*facts_, engine(), *kind, w[1]);
  if (!report) return Reply{"", render(SourceMap{}, report.error(), RenderOptions{options_.color}), false, false};
  return answer(net::renderWhyText(*report));
}

Reply Session::reach(std::string_view args) {
  const std::vector<std::string> w = words(args);
  if (w.size() < 2 || w.size() > 4) return failure("usage: :reach FROM TO [PROTO] [PORT] (e.g. :reach subnet-1 internet tcp 443)");
  net::FlowQuery q;
  q.from = w[0];
  q.to = w[1];
  if (w.size() >= 3) {
    auto proto = net::parseProtocol(w[2]);
    if (!proto) return failure(fmt::format("expected a protocol (tcp, udp, icmp, all or 0..255), got '{}'", w[2]));
    q.proto = *proto;
  }
  if (w.size() == 4) {
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(w[3].data(), w[3].data() + w[3].size(), port);
    if (ec != std::errc{} || ptr != w[3].data() + w[3].size() || port > 65535)
      return failure(fmt::format("expected a port 0..65535, got '{}'", w[3]));
    q.dstPort = static_cast<uint16_t>(port);
  }
  auto result = engine().trace(q);
  if (!result) return Reply{"", render(SourceMap{}, result.error(), RenderOptions{options_.color}), false, false};
  return answer(net::renderText(*result));
}

Reply Session::load(std::string_view args) {
  if (args.empty()) return failure("usage: :load FILE");
  auto src = readPolicyFile(std::string(args));
  if (!src) return Reply{"", render(SourceMap{}, src.error(), RenderOptions{options_.color}), false, false};
  std::vector<PolicySource> files = files_;
  const std::string name = src->name;
  files.push_back(std::move(*src));
  Reply reply;
  if (!recompile(files, statements_, name, reply)) return reply;
  files_ = std::move(files);
  reply.out = fmt::format("loaded {} ({} rules in the session)\n", name, compiled_->policy->rules.size());
  return reply;
}

Reply Session::forget(std::string_view args) {
  if (args.empty()) return failure("usage: :forget NAME");
  std::vector<Statement> next;
  for (const Statement& st : statements_)
    if (st.name != args) next.push_back(st);
  if (next.size() == statements_.size()) return failure(fmt::format("nothing named '{}' was typed in this session", args));
  Reply reply;
  if (!recompile(files_, next, "-", reply)) {
    // The compiler's errors say which statement still uses the name.
    reply.err = fmt::format("error: cannot forget '{}': the session still uses it here\n", args) + reply.err;
    return reply;
  }
  statements_ = std::move(next);
  reply.out = fmt::format("forgot {}\n", args);
  return reply;
}

Reply Session::session() const {
  if (statements_.empty()) return answer("nothing typed yet: lets, defs, rules and exemptions typed here are kept\n");
  std::string out;
  for (const Statement& st : statements_) out += st.text + "\n";
  return answer(std::move(out));
}

}  // namespace ward::repl
