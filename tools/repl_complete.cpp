// The REPL's reading aids: whether an input goes on to another line, and tab
// completion of commands, kinds, attributes, names and fact ids.
#include <algorithm>
#include <regex>
#include <set>

#include "runtime/net/why.hpp"
#include "tools/repl.hpp"

namespace ward::repl {

namespace {

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

const char* const kCommandNames[] = {"help", "kinds", "attrs", "ls", "show", "type", "disasm", "rules", "check",
                                     "why", "reach", "load", "session", "forget", "quit"};

// Words an expression or a statement may start with or contain.
const char* const kKeywords[] = {"and", "or", "not", "in", "contains", "overlaps", "within", "all", "any",
                                 "none", "count", "for", "where", "when", "require", "true", "false",
                                 "null", "service", "tcp", "udp", "icmp", "icmpv6", "let", "def", "rule",
                                 "exempt", "endpoint", "required", "level", "severity", "title",
                                 "message", "fix", "rationale", "tags", "refs"};

const char* const kBuiltins[] = {
#define BUILTIN(Id, name, signature) name,
#include "runtime/builtins.def"
#undef BUILTIN
};

std::vector<std::string> spaceSplit(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Sorted candidates that start with `prefix`.
class Candidates {
public:
  explicit Candidates(std::string_view prefix) : prefix_(prefix) {}
  void add(std::string_view c) {
    if (c.starts_with(prefix_)) set_.emplace(c);
  }
  std::vector<std::string> take() { return {set_.begin(), set_.end()}; }

private:
  std::string_view prefix_;
  std::set<std::string> set_;
};

}  // namespace

bool Session::incomplete(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == ':') return false;  // commands are one line
  int depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
  }
  return depth > 0;
}

size_t Session::wordStart(std::string_view line) {
  size_t i = line.size();
  if (!line.empty() && line.front() == ':') {
    while (i > 0 && line[i - 1] != ' ' && line[i - 1] != '\t') --i;
    return i;
  }
  while (i > 0 && (isWordChar(line[i - 1]) || line[i - 1] == '.')) --i;
  return i;
}

std::vector<std::string> Session::complete(std::string_view before, std::string_view word) const {
  const Schema& schema = facts_->schema();
  Candidates out(word);
  if (before.empty() && word.starts_with(':')) {
    for (const char* c : kCommandNames) out.add(std::string(":") + c);
    return out.take();
  }
  if (!before.starts_with(':')) return completeExpression(before, word);

  // A command's arguments: which one is being typed decides what fits.
  const std::vector<std::string> args = spaceSplit(before.substr(1));
  if (args.empty()) return {};
  const std::string& cmd = args[0];
  const size_t index = args.size() - 1;  // the argument being completed
  auto addKinds = [&] {
    for (KindId k = 0; k < schema.kindCount(); ++k) out.add(schema.kind(k).name);
  };
  auto addIds = [&](std::optional<KindId> only) {
    for (KindId k = 0; k < schema.kindCount(); ++k) {
      if (only && k != *only) continue;
      for (EntityIndex i = 0, n = static_cast<EntityIndex>(facts_->count(k)); i < n; ++i) out.add(facts_->idOf(k, i));
    }
  };
  if ((cmd == "attrs" || cmd == "ls") && index == 0) {
    addKinds();
  } else if (cmd == "show") {
    if (index == 0) {
      addKinds();
      addIds(std::nullopt);
    } else if (index == 1) {
      if (auto k = kindNamed(args[1])) addIds(k);
    }
  } else if (cmd == "why") {
    if (index == 0) {
      for (const std::string& k : net::whyKinds()) out.add(k);
    } else if (index == 1) {
      if (auto k = net::whyKind(args[1]); k)
        if (auto id = kindNamed(*k)) addIds(id);
    }
  } else if (cmd == "reach") {
    if (index <= 1) {
      addIds(std::nullopt);
      out.add("internet");
    } else if (index == 2) {
      for (const char* p : {"tcp", "udp", "icmp", "all"}) out.add(p);
    }
  } else if (cmd == "check" || (cmd == "disasm" && index == 0)) {
    for (const CompiledRule& r : compiled_->policy->rules) {
      out.add(r.meta.id);
      const size_t dot = r.meta.id.rfind('.');
      if (dot != std::string::npos) out.add(r.meta.id.substr(dot + 1));
    }
  } else if (cmd == "forget" && index == 0) {
    for (const Statement& st : statements_)
      if (!st.name.empty()) out.add(st.name);
  }
  // :load completes file names: nothing here, and the editor falls back to
  // its own file-name completion.
  return out.take();
}

std::vector<std::string> Session::completeExpression(std::string_view before, std::string_view word) const {
  const Schema& schema = facts_->schema();
  const std::string line = std::string(before) + std::string(word);
  const size_t dot = word.rfind('.');
  if (dot == std::string_view::npos) {
    Candidates out(word);
    for (const char* k : kKeywords) out.add(k);
    for (const char* b : kBuiltins) out.add(b);
    for (KindId k = 0; k < schema.kindCount(); ++k) out.add(schema.kind(k).collection);
    for (const ast::Let* let : compiled_->program->lets) out.add(let->name);
    for (const ast::Def* def : compiled_->program->defs) out.add(def->name);
    // Variables the line binds: `x in ...` and `x: kind`.
    static const std::regex bound(R"(\b([A-Za-z_]\w*)\s*(?:\bin\b|:))");
    for (std::sregex_iterator it(line.begin(), line.end(), bound), end; it != end; ++it) out.add((*it)[1].str());
    return out.take();
  }

  // `head.tail`: the kind of `head`, then the attributes of that kind.
  const std::string head(word.substr(0, dot));
  const std::string_view tail = word.substr(dot + 1);
  // The kind a dotted path names, following the line's bindings (`s in
  // subnets`, `s: subnet`, `r in g.rules`) and entity-valued attributes.
  std::function<std::optional<KindId>(std::string_view, int)> kindOf = [&](std::string_view path,
                                                                          int depth) -> std::optional<KindId> {
    if (depth > 8) return std::nullopt;
    const size_t last = path.rfind('.');
    if (last != std::string_view::npos) {
      auto owner = kindOf(path.substr(0, last), depth + 1);
      if (!owner) return std::nullopt;
      auto attr = schema.kind(*owner).find(path.substr(last + 1));
      if (!attr) return std::nullopt;
      const KindId k = schema.attr(*owner, *attr).type.kind;
      return k == kNoKind ? std::nullopt : std::optional<KindId>(k);
    }
    const std::string name(path);
    if (auto k = schema.findCollection(name)) return k;
    const std::regex inClause("\\b" + name + R"(\s+in\s+([A-Za-z_][\w.]*))");
    std::smatch m;
    if (std::regex_search(line, m, inClause)) return kindOf(m[1].str(), depth + 1);
    const std::regex typed("\\b" + name + R"(\s*:\s*(?:list<)?([A-Za-z_]\w*))");
    if (std::regex_search(line, m, typed)) return schema.findKind(m[1].str());
    return std::nullopt;
  };
  bool validHead = !head.empty() && std::all_of(head.begin(), head.end(), [](char c) { return isWordChar(c) || c == '.'; });
  Candidates out(word);
  auto addAttrs = [&](KindId k) {
    for (const AttrDef& a : schema.kind(k).attrs)
      if (std::string_view(a.name).starts_with(tail)) out.add(head + "." + a.name);
  };
  if (auto k = validHead ? kindOf(head, 0) : std::nullopt) {
    addAttrs(*k);
  } else {
    // Unknown binding: the attributes of every kind.
    for (KindId kind = 0; kind < schema.kindCount(); ++kind) addAttrs(kind);
  }
  return out.take();
}

}  // namespace ward::repl
