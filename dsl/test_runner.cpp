// `ward test`: a test block's `given` facts written as Ward JSON and loaded
// like any fact input, the policy evaluated over them, and its expectations
// checked against the findings.
#include "dsl/test_runner.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/report.hpp"

namespace ward {

namespace {

using ast::ExprKind;

// The kinds of the block's facts by id, for references between them.
using GivenKinds = std::unordered_map<std::string_view, KindId>;

class GivenWriter {
public:
  GivenWriter(const Schema& schema, const SourceMap& sources, const GivenKinds& kinds)
      : schema_(schema), sources_(sources), kinds_(kinds) {}

  // One given fact (and its routes) as Ward JSON objects.
  void fact(const ast::GivenFact& g, KindId kind) {
    const KindDef& def = schema_.kind(kind);
    JsonWriter w(false);
    w.beginObject().field("id", g.id);
    if (!g.parent.empty()) parent(w, g, def);
    std::vector<std::string> associated;
    for (const ast::GivenField& field : g.fields) {
      if (def.name == "route_table" && field.key == "routes") {
        routes(g, field);
      } else if (def.name == "route_table" && field.key == "associate") {
        ids(*field.value, schema_.findKind("subnet"), associated);
      } else if (const std::optional<AttrId> attr = def.find(field.key)) {
        w.key(field.key);
        value(w, *field.value, def.attrs[*attr].type, def, field.key);
      }
      // Any other key is the checker's error already.
    }
    if (!associated.empty()) {
      w.key("subnets").beginArray();
      for (const std::string& id : associated) w.value(id);
      w.endArray();
    }
    w.endObject();
    add(def.name, w.str());
  }

  Diagnostics& errors() { return errors_; }

  std::string json() const {
    JsonWriter w(true);
    w.beginObject().field("format", "ward-facts").field("version", 1).key("facts").beginObject();
    for (const auto& [kind, objects] : byKind_) {
      w.key(kind).beginArray();
      for (const std::string& o : objects) w.raw(o);
      w.endArray();
    }
    w.endObject().endObject();
    return w.str();
  }

private:
  void add(const std::string& kind, std::string object) {
    auto it = std::find_if(byKind_.begin(), byKind_.end(), [&](const auto& k) { return k.first == kind; });
    if (it == byKind_.end()) it = byKind_.insert(byKind_.end(), {kind, {}});
    it->second.push_back(std::move(object));
  }

  // `in PARENT`: the kind's stored reference to the parent's kind.
  void parent(JsonWriter& w, const ast::GivenFact& g, const KindDef& def) {
    auto it = kinds_.find(g.parent);
    if (it == kinds_.end()) {
      errors_.push_back(error(g.parentSpan, fmt::format("no given fact is called '{}'", g.parent)));
      return;
    }
    for (const AttrDef& a : def.attrs) {
      if (a.type.base == BaseType::Entity && a.type.kind == it->second && !a.derive && !a.deriveColumn &&
          a.inverseKind == kNoKind) {
        w.field(a.name, g.parent);
        return;
      }
    }
    const std::string& parentKind = schema_.kind(it->second).name;
    errors_.push_back(error(g.parentSpan, fmt::format("{} {} cannot be in {} {} (it has no attribute that refers to one)",
                                                      article(def.name), def.name, article(parentKind), parentKind)));
  }

  void routes(const ast::GivenFact& g, const ast::GivenField& field) {
    for (const auto& [dest, target] : field.routes) {
      JsonWriter w(false);
      w.beginObject().field("table", g.id);
      // A destination is a CIDR block or a prefix list's id.
      if (dest->kind == ExprKind::Name)
        w.field("prefix_list", dest->text);
      else
        w.field("destination", textOf(*dest));
      // A target is a given fact's id, or a word such as `local`. Given ids
      // carry no AWS prefix (igw-, nat-, ...) for the loader to read the
      // target's kind from, so the kind and the typed reference are set here.
      w.field("target", target);
      auto it = kinds_.find(target);
      if (it != kinds_.end()) {
        const std::string& kind = schema_.kind(it->second).name;
        w.field("target_kind", kind);
        if (routeKind_ && schema_.kind(*routeKind_).find(kind)) w.field(kind, target);
      }
      w.endObject();
      add("route", w.str());
    }
  }

  // A value typed by its attribute: names are other given facts' ids where
  // the attribute refers to entities, words where it holds text.
  void value(JsonWriter& w, const ast::Expr& e, const Type& type, const KindDef& kind, const std::string& attr) {
    if (const char* got = misfit(type, e)) {
      errors_.push_back(error(e.span, fmt::format("{}.{} is {} {}, not {}", kind.name, attr, article(schema_.typeName(type)),
                                                  schema_.typeName(type), got)));
      w.null();
      return;
    }
    switch (e.kind) {
      case ExprKind::Null: w.null(); return;
      case ExprKind::Bool: w.value(e.boolValue); return;
      case ExprKind::Int: w.value(e.intValue); return;
      case ExprKind::String: w.value(e.text); return;
      case ExprKind::Ip:
      case ExprKind::Cidr:
      case ExprKind::Traffic:
      case ExprKind::Date: w.value(textOf(e)); return;
      case ExprKind::Unary:
        if (e.unaryOp == ast::UnaryOp::Neg && e.args[0]->kind == ExprKind::Int) {
          w.value(-e.args[0]->intValue);
          return;
        }
        break;
      case ExprKind::Name:
        if (type.kind != kNoKind) knownId(e, type.kind);
        w.value(e.text);
        return;
      case ExprKind::ListLit:
      case ExprKind::SetLit:
        w.beginArray();
        for (const ast::ExprPtr& a : e.args) value(w, *a, type.base == BaseType::List ? type.element() : type, kind, attr);
        w.endArray();
        return;
      default: break;
    }
    errors_.push_back(error(e.span, "a given value is a literal, a list, or the name of another given fact"));
    w.null();
  }

  // What a literal is, when it cannot be a value of `type` (else null).
  static const char* misfit(const Type& type, const ast::Expr& e) {
    const bool negInt = e.kind == ExprKind::Unary && e.unaryOp == ast::UnaryOp::Neg && !e.args.empty() &&
                        e.args[0]->kind == ExprKind::Int;
    bool fits = true;
    switch (type.base) {
      case BaseType::Bool: fits = e.kind == ExprKind::Bool; break;
      case BaseType::Int: fits = e.kind == ExprKind::Int || negInt; break;
      case BaseType::String: fits = e.kind == ExprKind::String || e.kind == ExprKind::Name; break;
      case BaseType::Ip: fits = e.kind == ExprKind::Ip; break;
      case BaseType::Cidr: fits = e.kind == ExprKind::Cidr; break;
      case BaseType::Traffic: fits = e.kind == ExprKind::Traffic; break;
      case BaseType::Date: fits = e.kind == ExprKind::Date; break;
      case BaseType::Entity: fits = e.kind == ExprKind::Name; break;
      case BaseType::List: fits = e.kind == ExprKind::ListLit || e.kind == ExprKind::SetLit; break;
      default: break;
    }
    if (fits || e.kind == ExprKind::Null) return nullptr;
    switch (e.kind) {
      case ExprKind::Bool: return "a bool";
      case ExprKind::Int: return "an int";
      case ExprKind::String: return "a string";
      case ExprKind::Ip: return "an address";
      case ExprKind::Cidr: return "a CIDR block";
      case ExprKind::Traffic: return "a traffic spec";
      case ExprKind::Date: return "a date";
      case ExprKind::Name: return "a name";
      case ExprKind::ListLit:
      case ExprKind::SetLit: return "a list";
      case ExprKind::Interp: return "a string with {...} in it";
      default: return negInt ? "an int" : "a literal";
    }
  }

  static std::string_view article(std::string_view word) {
    return !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos ? "an" : "a";
  }

  // The ids a name or a list of names gives, each the id of a given `kind`.
  void ids(const ast::Expr& e, std::optional<KindId> kind, std::vector<std::string>& out) {
    if (e.kind == ExprKind::ListLit || e.kind == ExprKind::SetLit) {
      for (const ast::ExprPtr& a : e.args) ids(*a, kind, out);
    } else if (e.kind == ExprKind::Name) {
      if (kind) knownId(e, *kind);
      out.push_back(e.text);
    } else {
      errors_.push_back(error(e.span, "expected the name of a given fact"));
    }
  }

  void knownId(const ast::Expr& name, KindId kind) {
    auto it = kinds_.find(name.text);
    if (it == kinds_.end())
      errors_.push_back(error(name.span, fmt::format("no given fact is called '{}'", name.text)));
    else if (it->second != kind)
      errors_.push_back(error(name.span, fmt::format("'{}' is {} {}, not {} {}", name.text,
                                                     article(schema_.kind(it->second).name), schema_.kind(it->second).name,
                                                     article(schema_.kind(kind).name), schema_.kind(kind).name)));
  }

  std::string textOf(const ast::Expr& e) const {
    const SourceFile* f = sources_.get(e.span.file);
    if (!f || e.span.end > f->text().size()) return e.text;
    return std::string(f->text().substr(e.span.begin, e.span.end - e.span.begin));
  }

  const Schema& schema_;
  const SourceMap& sources_;
  const GivenKinds& kinds_;
  const std::optional<KindId> routeKind_ = schema_.findKind("route");
  std::vector<std::pair<std::string, std::vector<std::string>>> byKind_;  // in order of first appearance
  Diagnostics errors_;
};

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The findings of one rule (on one resource, when `on` is given).
std::vector<const Finding*> findingsOf(const std::vector<Finding>& findings, const ast::Expectation& x) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings)
    if (!f.exempted && f.ruleId == x.ruleId && (x.on.empty() || f.resourceId == x.on)) out.push_back(&f);
  return out;
}

std::string resources(const std::vector<const Finding*>& found) {
  std::string out;
  for (const Finding* f : found) {
    if (!out.empty()) out += ", ";
    out += f->resourceId.empty() ? std::string("(no resource)") : std::string(f->resourceId);
  }
  return out;
}

// What is wrong with an expectation, or nothing.
std::optional<std::string> unmet(const ast::Expectation& x, const std::vector<const Finding*>& found) {
  const std::string where = x.on.empty() ? std::string() : fmt::format(" on {}", x.on);
  if (!x.fail) {
    if (found.empty()) return std::nullopt;
    return fmt::format("expected {} to pass{}, but it failed on {}: {}", x.rule, where, resources(found),
                       found.front()->message);
  }
  if (x.count) {
    if (found.size() == static_cast<size_t>(*x.count)) return std::nullopt;
    return fmt::format("expected {} to fail{} {}, but it failed {}{}", x.rule, where,
                       plural(static_cast<size_t>(*x.count), "time", "times"), plural(found.size(), "time", "times"),
                       found.empty() ? std::string() : fmt::format(" (on {})", resources(found)));
  }
  if (!found.empty()) return std::nullopt;
  return fmt::format("expected {} to fail{}, but it passed", x.rule, where);
}

TestOutcome runOne(const Compilation& c, const ast::TestBlock& test, int64_t today, const EvalLimits& limits) {
  TestOutcome out;
  out.name = test.name;
  out.span = test.span;
  auto fail = [&](Span span, std::string message) { out.failures.push_back(TestFailure{span, std::move(message)}); };

  const Schema& schema = c.program->schema ? *c.program->schema : Schema::aws();
  auto json = givenFactsJson(test, schema, *c.sources);
  if (!json) {
    for (const Diagnostic& d : json.error()) fail(d.span, d.message);
    return out;
  }
  auto facts = loadFactsFromJson(*json, fmt::format("the given facts of test \"{}\"", test.name));
  if (!facts) {
    for (const Diagnostic& d : facts.error()) fail(test.span, d.message);
    return out;
  }
  EvalOptions opts;
  opts.limits = limits;
  opts.today = today;
  opts.reach = net::reachHookFor(**facts);
  auto report = evaluate(*c.policy, **facts, opts);
  if (!report) {
    fail(test.span, fmt::format("the evaluation failed: {}", report.error().message));
    return out;
  }
  for (const ast::Expectation& x : test.expects)
    if (auto why = unmet(x, findingsOf(report->findings, x))) fail(x.span, std::move(*why));
  return out;
}

}  // namespace

Result<std::string> givenFactsJson(const ast::TestBlock& test, const Schema& schema, const SourceMap& sources) {
  GivenKinds kinds;
  Diagnostics errors;
  for (const ast::GivenFact& g : test.given) {
    const std::optional<KindId> kind = schema.findKind(g.kind);
    if (!kind) continue;  // the checker's error already
    if (!kinds.emplace(g.id, *kind).second)
      errors.push_back(error(g.idSpan, fmt::format("'{}' is given twice in this test", g.id)));
  }
  GivenWriter writer(schema, sources, kinds);
  for (const ast::GivenFact& g : test.given)
    if (const std::optional<KindId> kind = schema.findKind(g.kind)) writer.fact(g, *kind);
  errors.insert(errors.end(), writer.errors().begin(), writer.errors().end());
  if (!errors.empty()) return tl::unexpected(std::move(errors));
  return writer.json();
}

std::vector<TestOutcome> runTests(const Compilation& compilation, int64_t today, const EvalLimits& limits) {
  std::vector<TestOutcome> out;
  for (const auto& [module, test] : compilation.program->tests)
    out.push_back(runOne(compilation, *test, today, limits));
  return out;
}

namespace {

struct Where {
  std::string file;
  LineCol at;
};

Where whereOf(const SourceMap& sources, Span span) {
  const SourceFile* f = sources.get(span.file);
  if (!f) return {"<test>", {}};
  return {f->name(), f->lineCol(span.begin)};
}

}  // namespace

std::string renderTestsJunit(const std::vector<TestOutcome>& outcomes, const SourceMap& sources) {
  std::string cases;
  size_t failed = 0;
  for (const TestOutcome& t : outcomes) {
    const Where w = whereOf(sources, t.span);
    cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"", xmlEscape(w.file),
                         xmlEscape(t.name), xmlEscape(w.file), w.at.line);
    if (t.passed()) {
      cases += "/>\n";
      continue;
    }
    ++failed;
    std::string body;
    for (const TestFailure& f : t.failures) {
      const Where fw = whereOf(sources, f.span);
      body += fmt::format("{}:{}:{}: {}\n", fw.file, fw.at.line, fw.at.col, f.message);
    }
    cases += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", xmlEscape(t.failures.front().message),
                         xmlEscape(body));
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"ward test\" tests=\"{}\" "
      "failures=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
      outcomes.size(), failed, cases);
}

std::string renderTestsJson(const std::vector<TestOutcome>& outcomes, const SourceMap& sources) {
  JsonWriter w;
  size_t failed = 0;
  w.beginObject().key("tests").beginArray();
  for (const TestOutcome& t : outcomes) {
    const Where where = whereOf(sources, t.span);
    w.beginObject().field("name", t.name).field("file", where.file).field("line", where.at.line);
    w.field("passed", t.passed()).key("failures").beginArray();
    for (const TestFailure& f : t.failures) {
      const Where fw = whereOf(sources, f.span);
      w.beginObject().field("file", fw.file).field("line", fw.at.line).field("col", fw.at.col);
      w.field("message", f.message).endObject();
    }
    w.endArray().endObject();
    failed += !t.passed();
  }
  w.endArray().key("summary").beginObject();
  w.field("passed", static_cast<uint64_t>(outcomes.size() - failed)).field("failed", static_cast<uint64_t>(failed));
  w.endObject().endObject();
  return w.take() + "\n";
}

}  // namespace ward
