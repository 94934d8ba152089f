// The checker's program level: packages and imports, lets and defs (with
// recursion detection), rules with their scopes and witnesses, exemptions and
// tests, and the assembly of the checked Program.
#include "dsl/check.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "dsl/checker.hpp"
#include "dsl/desugar.hpp"

namespace ward {

namespace checker {

Checker::Checker(const Schema& s, const SourceMap* src, const CheckOptions& options) : schema(s), sources(src) {
  for (const BuiltinInfo& b : builtinTable()) {
    Callable c{std::string(b.name), {}, false};
    if (auto sig = parseSignature(b.signature, schema)) {
      c.sig = *sig;
      c.valid = true;
    }
    builtins.push_back(std::move(c));
  }
  for (const HostFunction& h : options.hostFunctions) {
    Callable c{h.name, {}, false};
    if (auto sig = parseSignature(h.signature, schema)) {
      c.sig = *sig;
      c.valid = true;
    } else {
      report(error(Span{}, fmt::format("host function '{}' has a malformed signature '{}'", h.name, h.signature),
                   {Note{"a signature looks like \"(subnet, string) -> bool\"", Span{}}}));
    }
    hosts.push_back(std::move(c));
  }
}

void Checker::report(Diagnostic d) {
  if (d.span.valid() && !reportedSpans_.insert({d.span.file, d.span.begin, d.span.end}).second) return;
  errors.push_back(std::move(d));
}

std::string_view Checker::textOf(Span s) const {
  const SourceFile* f = sources ? sources->get(s.file) : nullptr;
  if (!f || s.end > f->text().size() || s.begin > s.end) return {};
  std::string_view t = std::string_view(f->text()).substr(s.begin, s.end - s.begin);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  return t;
}

Span Checker::tailToken(Span s, std::string_view token) const {
  std::string_view t = textOf(s);
  if (t.size() < token.size() || t.substr(t.size() - token.size()) != token) return s;
  uint32_t end = s.begin + static_cast<uint32_t>(t.size());
  return Span{s.file, end - static_cast<uint32_t>(token.size()), end};
}

Span Checker::headToken(Span s, std::string_view token) const {
  std::string_view t = textOf(s);
  if (t.size() < token.size() || t.substr(0, token.size()) != token) return s;
  return Span{s.file, s.begin, s.begin + static_cast<uint32_t>(token.size())};
}

std::string Checker::cycleText(GlobalName closing) const {
  auto nameOf = [&](GlobalName g) { return g.isDef ? defs[g.index].def->name : lets[g.index].let->name; };
  size_t start = 0;
  for (size_t i = 0; i < checking.size(); ++i)
    if (checking[i].isDef == closing.isDef && checking[i].index == closing.index) start = i;
  std::string out;
  for (size_t i = start; i < checking.size(); ++i) out += nameOf(checking[i]) + " -> ";
  return out + nameOf(closing);
}

Type Checker::letType(uint32_t index, Span use) {
  LetInfo& info = lets[index];
  if (markUsed) info.let->used = true;
  if (info.state == Visit::Unvisited) checkLet(index);
  if (info.state == Visit::InProgress) {
    report(error(use, fmt::format("let '{}' depends on itself: {}", info.let->name, cycleText({false, index}))));
    return Type{};
  }
  return info.type;
}

Type Checker::defResult(uint32_t index, Span use) {
  DefInfo& info = defs[index];
  if (info.state == Visit::Unvisited) checkDef(index);
  if (info.state == Visit::InProgress) {
    report(error(use, fmt::format("def '{}' is recursive: {}", info.def->name, cycleText({true, index})),
                 {Note{"defs cannot recurse, so that every policy terminates", Span{}}}));
    return Type{};
  }
  return info.def->result;
}

void Checker::checkLet(uint32_t index) {
  LetInfo& info = lets[index];
  info.state = Visit::InProgress;
  checking.push_back({false, index});
  Frame f;
  f.vis = info.vis;
  Frame* saved = std::exchange(frame, &f);
  Type t = info.let->value ? expr(*info.let->value) : Type{};
  frame = saved;
  checking.pop_back();
  lets[index].type = t;
  lets[index].state = Visit::Done;
}

void Checker::checkDef(uint32_t index) {
  DefInfo& info = defs[index];
  ast::Def& def = *info.def;
  info.state = Visit::InProgress;
  checking.push_back({true, index});
  Frame f;
  f.vis = info.vis;
  Frame* saved = std::exchange(frame, &f);
  // Parameters take slots 0..n-1, in order; their types were resolved up front.
  for (const ast::Param& p : def.params) declare(p.name, p.type, p.span);
  def.result = def.body ? expr(*def.body) : Type{};
  def.frameSize = f.nextSlot;
  frame = saved;
  checking.pop_back();
  defs[index].state = Visit::Done;
}

}  // namespace checker

namespace {

using checker::Checker;
using checker::GlobalName;
using checker::Local;
using checker::Namespace;
using checker::Visibility;

std::vector<Note> didYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best = closestMatch(name, candidates);
  if (best.empty()) return {};
  return {Note{"did you mean '" + best + "'?", Span{}}};
}

std::string ruleId(const ast::Module& m, const ast::Rule& r) {
  return m.package.empty() ? r.name : m.package + "." + r.name;
}

// Checks a whole compilation; one instance per call of check().
class ProgramChecker {
public:
  ProgramChecker(std::vector<std::unique_ptr<ast::Module>> modules, const SourceMap& sources, const Schema& schema,
                 Diagnostics& warnings, const CheckOptions& options)
      : modules_(std::move(modules)), c_(schema, &sources, options), sources_(sources), warnings_(warnings) {}

  Result<Program> run() {
    for (auto& m : modules_)
      for (Diagnostic& d : desugarModule(*m)) c_.report(std::move(d));
    collectGlobals();
    resolveImports();
    resolveParamTypes();
    for (uint32_t i = 0; i < c_.lets.size(); ++i)
      if (c_.lets[i].state == checker::Visit::Unvisited) c_.checkLet(i);
    for (uint32_t i = 0; i < c_.defs.size(); ++i)
      if (c_.defs[i].state == checker::Visit::Unvisited) c_.checkDef(i);
    collectRules();
    for (size_t m = 0; m < modules_.size(); ++m)
      for (ast::Rule& r : modules_[m]->rules) checkRule(r, m);
    checkExempts();
    checkTests();
    warnUnusedLets();

    if (!c_.errors.empty()) {
      std::stable_sort(c_.errors.begin(), c_.errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.span.file, a.span.begin) < std::tie(b.span.file, b.span.begin);
      });
      return fail(std::move(c_.errors));
    }
    return assemble();
  }

private:
  std::vector<std::unique_ptr<ast::Module>> modules_;
  Checker c_;
  const SourceMap& sources_;
  Diagnostics& warnings_;
  std::map<std::string, Namespace*> packages_;  // package -> its namespace
  std::vector<const Visibility*> moduleVis_;    // per module
  std::vector<ProgramRule> rules_;
  std::map<std::string, size_t> ruleIndex_;     // id -> index in rules_
  std::vector<ProgramExempt> exempts_;
  std::set<std::string> importedPackages_;

  // Every let and def gets a global index; a package is one namespace shared
  // by all its modules, so two files of one package see each other's names.
  void collectGlobals() {
    for (auto& m : modules_) {
      Namespace*& ns = packages_[m->package];
      if (!ns) {
        c_.namespaces.push_back(Namespace{m->package, {}});
        ns = &c_.namespaces.back();
      }
      // The namespace keeps the first definition of each name; a later one
      // is reported at its own name, with a note at the first.
      auto add = [&](const std::string& name, Span at, GlobalName g) {
        auto [it, fresh] = ns->names.emplace(name, g);
        if (!fresh) {
          GlobalName first = it->second;
          Span firstAt = first.isDef ? c_.defs[first.index].def->nameSpan : c_.lets[first.index].let->nameSpan;
          c_.report(error(at, fmt::format("duplicate definition of '{}'", name), {Note{"first defined here", firstAt}}));
          return false;
        }
        return true;
      };
      for (ast::Let& l : m->lets) {
        GlobalName g{false, static_cast<uint32_t>(c_.lets.size())};
        c_.lets.push_back(checker::LetInfo{&l, nullptr, checker::Visit::Unvisited, {}});
        // A duplicate is already an error; calling it unused too would only repeat it.
        if (!add(l.name, l.nameSpan, g)) l.used = true;
      }
      for (ast::Def& d : m->defs) {
        GlobalName g{true, static_cast<uint32_t>(c_.defs.size())};
        c_.defs.push_back(checker::DefInfo{&d, nullptr, checker::Visit::Unvisited});
        add(d.name, d.nameSpan, g);
      }
    }
  }

  void resolveImports() {
    std::vector<std::string> packageNames;
    for (auto& [p, ns] : packages_)
      if (!p.empty()) packageNames.push_back(p);
    size_t letIndex = 0, defIndex = 0;
    for (auto& m : modules_) {
      c_.visibilities.push_back(Visibility{packages_[m->package], {}});
      Visibility& vis = c_.visibilities.back();
      for (const ast::Import& imp : m->imports) {
        auto it = packages_.find(imp.path);
        if (it == packages_.end() || imp.path.empty()) {
          c_.report(error(imp.span, fmt::format("no module in this compilation has package '{}'", imp.path),
                          didYouMean(imp.path, packageNames)));
          vis.incomplete = true;
          continue;
        }
        importedPackages_.insert(imp.path);
        if (it->second == vis.own) continue;
        if (std::find(vis.imports.begin(), vis.imports.end(), it->second) == vis.imports.end())
          vis.imports.push_back(it->second);
      }
      moduleVis_.push_back(&vis);
      for (size_t i = 0; i < m->lets.size(); ++i) c_.lets[letIndex++].vis = &vis;
      for (size_t i = 0; i < m->defs.size(); ++i) c_.defs[defIndex++].vis = &vis;
    }
  }

  void resolveParamTypes() {
    for (checker::DefInfo& info : c_.defs) {
      std::vector<ast::Param>& params = info.def->params;
      for (ast::Param& p : params) {
        // A def has a handful of parameters: the earlier ones are compared in turn.
        if (std::any_of(params.data(), &p, [&](const ast::Param& q) { return q.name == p.name; }))
          c_.report(error(p.span, fmt::format("duplicate parameter '{}' in def '{}'", p.name, info.def->name)));
        auto t = checker::parseType(p.typeName, c_.schema);
        if (t) {
          p.type = *t;
          continue;
        }
        p.type = Type{};
        // Point at the offending word when the span covers the type as written.
        Span at = p.typeSpan;
        if (at.valid() && at.end - at.begin == p.typeName.size() && t.error().length > 0)
          at = Span{at.file, at.begin + static_cast<uint32_t>(t.error().offset),
                    at.begin + static_cast<uint32_t>(t.error().offset + t.error().length)};
        std::vector<Note> notes;
        if (!t.error().word.empty()) notes = didYouMean(t.error().word, checker::typeWords(c_.schema));
        c_.report(error(at, t.error().message, std::move(notes)));
      }
    }
  }

  void collectRules() {
    for (auto& m : modules_) {
      for (ast::Rule& r : m->rules) {
        std::string id = ruleId(*m, r);
        auto [it, fresh] = ruleIndex_.emplace(id, rules_.size());
        if (!fresh) {
          c_.report(error(r.nameSpan, fmt::format("duplicate rule id '{}'", id),
                          {Note{"first defined here", rules_[it->second].rule->nameSpan}}));
          continue;
        }
        rules_.push_back(ProgramRule{id, &r, m.get()});
      }
    }
  }

  void checkRule(ast::Rule& rule, size_t module) {
    // Levels and severities default when not written; the parser may leave
    // whatever it likes in the fields it did not set.
    if (!rule.levelGiven) rule.level = Level::Warn;
    if (!rule.severityGiven) rule.severity = RuleSeverity::Medium;

    checker::Frame f;
    f.vis = moduleVis_[module];
    c_.frame = &f;
    // Each for clause sees the variables of the clauses before it.
    for (ast::ForClause& fc : rule.fors) {
      Type elem = fc.collection ? c_.rangeOver(*fc.collection, "'for'") : Type{};
      for (const Local& l : f.locals)
        if (l.name == fc.var)
          c_.report(error(fc.varSpan, fmt::format("'{}' is already bound by an earlier for clause", fc.var),
                          {Note{"bound here", l.span}}));
      fc.slot = c_.declare(fc.var, elem, fc.varSpan);
      if (fc.where) c_.expectBool(*fc.where, "'where'");
    }
    if (rule.when) c_.expectBool(*rule.when, "'when'");

    std::vector<Local> witnesses;
    if (rule.require) {
      f.witnesses = &witnesses;
      c_.expectBool(*rule.require, "'require'");
      f.witnesses = nullptr;
    } else {
      c_.report(error(rule.nameSpan.valid() ? rule.nameSpan : rule.span,
                      fmt::format("rule '{}' has no 'require' clause", rule.name)));
    }

    if (rule.message) {
      // The message sees the for variables and, after a failure, the witness
      // of every quantifier in `require`; a witness may be null (an `any`
      // that found nothing leaves none), so its type is nullable.
      size_t forCount = f.locals.size();
      for (Local w : witnesses) {
        bool shadowedByFor = false;
        for (size_t i = 0; i < forCount; ++i) shadowedByFor |= f.locals[i].name == w.name;
        if (shadowedByFor) continue;
        auto same = std::find_if(f.locals.begin() + static_cast<ptrdiff_t>(forCount), f.locals.end(),
                                 [&](const Local& l) { return l.name == w.name; });
        if (same != f.locals.end()) {
          same->ambiguous = true;
          same->otherSpan = w.span;
          continue;
        }
        w.type.nullable = true;
        f.locals.push_back(w);
      }
      f.inMessage = true;
      Type t = c_.expr(*rule.message);
      if (t.base != BaseType::String && !checker::isLoose(t))
        c_.report(error(rule.message->span, fmt::format("'message' must be a string, found {}", c_.typeName(t))));
    }
    rule.frameSize = f.nextSlot;
    c_.frame = nullptr;
  }

  // A rule reference in an exemption or a test: a full id, a name in the
  // module's own package, a name in an imported package, or a name that
  // exactly one rule of the compilation has.
  std::optional<std::string> resolveRule(const std::string& ref, Span at, size_t module) {
    const ast::Module& m = *modules_[module];
    if (ruleIndex_.count(ref)) return ref;
    if (!m.package.empty() && ruleIndex_.count(m.package + "." + ref)) return m.package + "." + ref;
    std::vector<std::string> matches;
    for (const ast::Import& imp : m.imports)
      if (ruleIndex_.count(imp.path + "." + ref)) matches.push_back(imp.path + "." + ref);
    if (matches.empty())
      for (const ProgramRule& r : rules_)
        if (r.rule->name == ref) matches.push_back(r.id);
    std::sort(matches.begin(), matches.end());
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    if (matches.size() == 1) return matches.front();
    if (matches.size() > 1) {
      std::vector<Note> notes;
      for (const std::string& id : matches) notes.push_back(Note{"candidate: " + id, rules_[ruleIndex_[id]].rule->nameSpan});
      c_.report(error(at, fmt::format("rule '{}' is ambiguous; write its full id", ref), std::move(notes)));
      return std::nullopt;
    }
    std::vector<std::string> candidates;
    for (const ProgramRule& r : rules_) {
      candidates.push_back(r.id);
      candidates.push_back(r.rule->name);
    }
    c_.report(error(at, fmt::format("unknown rule '{}'", ref), didYouMean(ref, candidates)));
    return std::nullopt;
  }

  void checkExempts() {
    for (size_t m = 0; m < modules_.size(); ++m)
      for (const ast::Exempt& e : modules_[m]->exempts)
        if (auto id = resolveRule(e.rule, e.ruleSpan.valid() ? e.ruleSpan : e.span, m))
          exempts_.push_back(ProgramExempt{*id, &e});
  }

  void checkTests() {
    std::vector<std::string> kinds = c_.schema.kindNames();
    for (size_t m = 0; m < modules_.size(); ++m) {
      for (ast::TestBlock& t : modules_[m]->tests) {
        for (ast::GivenFact& g : t.given) {
          const std::optional<KindId> kind = c_.schema.findKind(g.kind);
          if (!kind)
            c_.report(error(g.kindSpan, fmt::format("unknown kind of fact '{}'", g.kind), didYouMean(g.kind, kinds)));
          else
            checkGivenKeys(g, c_.schema.kind(*kind));
          // Given values are literals or names of other given facts; only the
          // literals can be checked here (the test runner resolves the names).
          for (ast::GivenField& field : g.fields) {
            if (field.value) checkLiteral(*field.value);
            for (auto& [dest, target] : field.routes)
              if (dest) checkLiteral(*dest);
          }
        }
        for (ast::Expectation& x : t.expects) {
          if (auto id = resolveRule(x.rule, x.ruleSpan.valid() ? x.ruleSpan : x.span, m)) x.ruleId = std::move(*id);
          if (!x.fail && x.count)
            c_.report(error(x.span, "`count` goes with `expect fail`: `expect pass` already means no finding"));
        }
      }
    }
  }

  // A given fact's keys are the stored attributes of its kind (derived ones
  // follow from the facts); a route table also takes `routes [...]` and
  // `associate SUBNET` (dsl/test_runner.cpp turns both into facts).
  void checkGivenKeys(const ast::GivenFact& g, const KindDef& kind) {
    for (const ast::GivenField& field : g.fields) {
      if (kind.name == "route_table" && (field.key == "routes" || field.key == "associate")) continue;
      const std::optional<AttrId> attr = kind.find(field.key);
      if (!attr) {
        c_.report(error(field.keySpan, fmt::format("{} has no attribute '{}'", kind.name, field.key),
                        didYouMean(field.key, kind.attrNames())));
      } else if (const AttrDef& def = kind.attrs[*attr]; def.derive || def.deriveColumn || def.inverseKind != kNoKind) {
        c_.report(error(field.keySpan, fmt::format("{}.{} is derived from other facts and cannot be given; give "
                                                   "the facts it follows from instead",
                                                   kind.name, field.key)));
      }
    }
  }

  void checkLiteral(ast::Expr& e) {
    if (e.kind == ast::ExprKind::Name) return;
    checker::Frame f;
    c_.frame = &f;
    // A literal has no names, but a list of given ids does: check only the
    // non-name elements.
    if (e.kind == ast::ExprKind::ListLit || e.kind == ast::ExprKind::SetLit) {
      for (auto& a : e.args)
        if (a && a->kind != ast::ExprKind::Name) c_.expr(*a);
    } else {
      c_.expr(e);
    }
    c_.frame = nullptr;
  }

  // A let nobody reads is dead code, unless its package is imported by some
  // module: then it is part of the package's interface.
  void warnUnusedLets() {
    for (auto& m : modules_) {
      if (!m->package.empty() && importedPackages_.count(m->package)) continue;
      for (const ast::Let& l : m->lets)
        if (!l.used) warnings_.push_back(warning(l.nameSpan, fmt::format("unused let '{}'", l.name)));
    }
  }

  Program assemble() {
    Program p;
    p.sources = &sources_;
    p.schema = &c_.schema;
    for (const checker::LetInfo& l : c_.lets) p.lets.push_back(l.let);
    for (const checker::DefInfo& d : c_.defs) p.defs.push_back(d.def);
    p.rules = std::move(rules_);
    std::sort(p.rules.begin(), p.rules.end(), [](const ProgramRule& a, const ProgramRule& b) { return a.id < b.id; });
    p.exempts = std::move(exempts_);
    for (auto& m : modules_)
      for (ast::TestBlock& t : m->tests) p.tests.emplace_back(m.get(), &t);
    p.modules = std::move(modules_);
    return p;
  }
};

}  // namespace

Result<Program> check(std::vector<std::unique_ptr<ast::Module>> modules, const SourceMap& sources, const Schema& schema,
                      Diagnostics& warnings, const CheckOptions& options) {
  return ProgramChecker(std::move(modules), sources, schema, warnings, options).run();
}

Result<Type> checkExpression(ast::Expr& expr, const Program* program, const Schema& schema,
                             const CheckOptions& options) {
  Checker c(schema, program ? program->sources : nullptr, options);
  c.markUsed = false;
  Visibility vis;
  if (program) {
    // Every package of the program is visible, as if imported: a name two
    // packages define is ambiguous.
    std::map<const ast::Let*, uint32_t> letIndex;
    std::map<const ast::Def*, uint32_t> defIndex;
    for (uint32_t i = 0; i < program->lets.size(); ++i) {
      letIndex[program->lets[i]] = i;
      const ast::Let* l = program->lets[i];
      c.lets.push_back(checker::LetInfo{program->lets[i], &vis, checker::Visit::Done,
                                        l->value ? l->value->type : Type{}});
    }
    for (uint32_t i = 0; i < program->defs.size(); ++i) {
      defIndex[program->defs[i]] = i;
      c.defs.push_back(checker::DefInfo{program->defs[i], &vis, checker::Visit::Done});
    }
    std::map<std::string, Namespace*> byPackage;
    for (const auto& m : program->modules) {
      Namespace*& ns = byPackage[m->package];
      if (!ns) {
        c.namespaces.push_back(Namespace{m->package, {}});
        ns = &c.namespaces.back();
      }
      for (const ast::Let& l : m->lets)
        if (auto it = letIndex.find(&l); it != letIndex.end()) ns->names.emplace(l.name, GlobalName{false, it->second});
      for (const ast::Def& d : m->defs)
        if (auto it = defIndex.find(&d); it != defIndex.end()) ns->names.emplace(d.name, GlobalName{true, it->second});
    }
    for (const Namespace& ns : c.namespaces) vis.imports.push_back(&ns);
  }
  checker::Frame f;
  f.vis = &vis;
  c.frame = &f;
  Type t = c.expr(expr);
  if (!c.errors.empty()) return fail(std::move(c.errors));
  return t;
}

}  // namespace ward
