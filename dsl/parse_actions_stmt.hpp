// The parser's PEGTL actions for statements: package, import, let, def, rule
// and its clauses, endpoint sentences, exemptions and tests. Included only by
// dsl/parser.cpp.
#pragma once

#include "dsl/parse_actions.hpp"

namespace ward::parsing {

// A single-use part (a rule clause, an exemption's `until`) seen twice: the
// error points at the second one, with a note at the first.
// Optimization: `message` builds the error text only when there is an error.
template <typename In, typename Message>
void once(const In& in, ParseState& st, std::string_view part, Message&& message) {
  Span here = tokenSpan(in, st);
  if (const Span* first = st.seenSpan(part))
    reject(here, message(), in.end(), {Note{"the first '" + std::string(part) + "' is here", *first}});
  st.seen.push_back(SeenPart{part, here});
}

template <typename In>
void ruleClause(const In& in, ParseState& st, const char* clause) {
  once(in, st, clause, [&] { return "duplicate '" + std::string(clause) + "' clause in rule '" + st.rule.name + "'"; });
}

// --- package, import, let ------------------------------------------------------

template <>
struct action<g::package_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.key = tokenText(in, st);
    st.keySpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::package_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    Span here = tokenSpan(in, st);
    if (!st.module.package.empty())
      reject(here, "duplicate 'package' statement", in.end(), {Note{"the package is declared here", st.module.packageSpan}});
    if (st.sawStatement) reject(here, "'package' must be the first statement of the file", in.end());
    st.module.package = st.key;
    st.module.packageSpan = st.keySpan;
  }
};
template <>
struct action<g::import_path> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.key = tokenText(in, st); }
};
template <>
struct action<g::import_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.module.imports.push_back(ast::Import{st.key, tokenSpan(in, st)}); }
};

template <>
struct action<g::let_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.let = ast::Let{};
    st.let.name = st.name = tokenText(in, st);
    st.let.nameSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::let_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.let.value = pop(st);
    st.let.span = tokenSpan(in, st);
    st.module.lets.push_back(std::move(st.let));
  }
};

// --- def -----------------------------------------------------------------------

template <>
struct action<g::def_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.def = ast::Def{};
    st.def.name = st.name = tokenText(in, st);
    st.def.nameSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::param_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.param = ast::Param{};
    st.param.name = st.key = tokenText(in, st);
    st.param.span = tokenSpan(in, st);
    st.typeText.clear();
  }
};
// Type names are rebuilt without padding: "list < cidr >" reads "list<cidr>".
template <>
struct action<g::simple_type> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.typeText += tokenText(in, st); }
};
template <>
struct action<g::list_type_open> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.typeText += "list<"; }
};
template <>
struct action<g::list_type_close> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.typeText += '>'; }
};
template <>
struct action<g::param_type> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.param.typeName = st.typeText;
    st.param.typeSpan = tokenSpan(in, st);
  }
};
struct param_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    for (const ast::Param& p : st.def.params)
      if (p.name == st.param.name)
        reject(st.param.span, "duplicate parameter '" + p.name + "' in def '" + st.def.name + "'", in.end(),
             {Note{"the first '" + p.name + "' is here", p.span}});
    append(st.def.params, std::move(st.param));
  }
};
template <>
struct action<g::param> : param_action {};
template <>
struct action<g::param_more> : param_action {};
template <>
struct action<g::def_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.def.body = pop(st);
    st.def.span = tokenSpan(in, st);
    st.module.defs.push_back(std::move(st.def));
  }
};

// --- the endpoint sentence -------------------------------------------------------

template <>
struct action<g::stmt_endpoint_head> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.sentence = ast::EndpointSentence{};
    st.sentence.span = tokenSpan(in, st);
  }
};
template <>
struct action<g::rule_endpoint_head> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    if (st.rule.sentence)
      reject(tokenSpan(in, st), "rule '" + st.rule.name + "' already has an endpoint sentence", in.end(),
           {Note{"the first sentence is here", st.rule.sentence->span}});
    action<g::stmt_endpoint_head>::apply(in, st);
  }
};
template <>
struct action<g::sentence_service> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.sentence.service = tokenText(in, st);
    st.sentence.serviceSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::via_kind> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.sentence.via = tokenText(in, st); }
};
template <typename In>
void finishSentence(const In& in, ParseState& st) {
  st.sentence.when = pop(st);
  st.sentence.span = tokenSpan(in, st);
}
// A standalone sentence is a rule named after its words:
// `endpoint s3 required via gateway` is rule endpoint_s3_required_via_gateway.
template <>
struct action<g::sentence_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    finishSentence(in, st);
    ast::Rule rule;
    std::string words = "endpoint " + st.sentence.service + " required";
    if (!st.sentence.via.empty()) words += " via " + st.sentence.via;
    for (char& c : words)
      if (c == ' ' || c == '.' || c == '-') c = '_';
    rule.name = std::move(words);
    rule.nameSpan = rule.span = st.sentence.span;
    rule.standaloneSentence = true;
    rule.sentence = std::move(st.sentence);
    st.module.rules.push_back(std::move(rule));
  }
};
template <>
struct action<g::rule_sentence> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    finishSentence(in, st);
    st.rule.sentence = std::move(st.sentence);
  }
};

// --- rules -------------------------------------------------------------------------

template <>
struct action<g::rule_head> {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    st.rule = ast::Rule{};
    st.seen.clear();
  }
};
template <>
struct action<g::rule_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.rule.name = st.name = tokenText(in, st);
    st.rule.nameSpan = tokenSpan(in, st);
  }
};

template <const char* Clause>
struct clause_head {
  template <typename In>
  static void apply(const In& in, ParseState& st) { ruleClause(in, st, Clause); }
};
inline constexpr char kTitle[] = "title", kLevel[] = "level", kSeverity[] = "severity", kTags[] = "tags",
                      kRationale[] = "rationale", kRefs[] = "refs", kFix[] = "fix", kWhen[] = "when",
                      kRequire[] = "require", kMessage[] = "message", kUntil[] = "until", kBy[] = "by",
                      kBecause[] = "because";
// clang-format off
template <> struct action<g::title_head> : clause_head<kTitle> {};
template <> struct action<g::level_head> : clause_head<kLevel> {};
template <> struct action<g::severity_head> : clause_head<kSeverity> {};
template <> struct action<g::tags_head> : clause_head<kTags> {};
template <> struct action<g::rationale_head> : clause_head<kRationale> {};
template <> struct action<g::refs_head> : clause_head<kRefs> {};
template <> struct action<g::fix_head> : clause_head<kFix> {};
template <> struct action<g::when_head> : clause_head<kWhen> {};
template <> struct action<g::require_head> : clause_head<kRequire> {};
template <> struct action<g::message_head> : clause_head<kMessage> {};
// clang-format on

template <>
struct action<g::title_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.rule.title = popPlainString(st, "a title", in.end()); }
};
template <>
struct action<g::rationale_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.rule.rationale = popPlainString(st, "a rationale", in.end()); }
};
template <>
struct action<g::fix_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.rule.fix = popPlainString(st, "a fix", in.end()); }
};
struct tag_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) { append(st.rule.tags, popPlainString(st, "a tag", in.end())); }
};
template <>
struct action<g::tag_text> : tag_action {};
template <>
struct action<g::tag_more> : tag_action {};
struct ref_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) { append(st.rule.refs, popPlainString(st, "a ref", in.end())); }
};
template <>
struct action<g::ref_text> : ref_action {};
template <>
struct action<g::ref_more> : ref_action {};

template <>
struct action<g::level_value> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string w = tokenText(in, st);
    st.rule.level = w == "advisory" ? Level::Advisory : w == "deny" ? Level::Deny : Level::Warn;
    st.rule.levelGiven = true;
  }
};
template <>
struct action<g::severity_value> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string w = tokenText(in, st);
    st.rule.severity = w == "info"     ? RuleSeverity::Info
                       : w == "low"    ? RuleSeverity::Low
                       : w == "high"   ? RuleSeverity::High
                       : w == "critical" ? RuleSeverity::Critical
                                        : RuleSeverity::Medium;
    st.rule.severityGiven = true;
  }
};

// `for VAR in EXPR [where EXPR]` may repeat; each opens a frame for its var.
template <>
struct action<g::for_var> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.frames.push_back(Frame{st.exprs.size(), st.at(in.begin()), tokenText(in, st), tokenSpan(in, st), {}});
    st.key = st.frames.back().var;
  }
};
template <>
struct action<g::for_clause> {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    Frame f = popFrame(st);
    ast::ExprList args = popTo(st, f.mark);
    ast::ForClause clause;
    clause.var = std::move(f.var);
    clause.varSpan = f.varSpan;
    clause.collection = std::move(args[0]);
    if (args.size() > 1) clause.where = std::move(args[1]);
    append(st.rule.fors, std::move(clause));
  }
};
template <>
struct action<g::when_clause> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.rule.when = pop(st); }
};
template <>
struct action<g::require_clause> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.rule.require = pop(st); }
};
template <>
struct action<g::message_text> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.rule.message = pop(st); }
};

template <>
struct action<g::rule_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ast::Rule& r = st.rule;
    r.span = tokenSpan(in, st);
    if (!r.require && !r.sentence)
      reject(r.nameSpan, "rule '" + r.name + "' has no 'require' clause or endpoint sentence", in.end());
    if (r.require && r.sentence)
      reject(r.sentence->span, "rule '" + r.name + "' has both a 'require' clause and an endpoint sentence", in.end(),
           {Note{"the 'require' clause is here", st.requireSpan()}});
    st.module.rules.push_back(std::move(r));
  }
};

// --- exemptions ------------------------------------------------------------------

template <>
struct action<g::exempt_head> {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    st.exempt = ast::Exempt{};
    st.seen.clear();
  }
};
template <>
struct action<g::exempt_rule> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.exempt.rule = st.name = tokenText(in, st);
    st.exempt.ruleSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::exempt_subject> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exempt.subjectWord = tokenText(in, st); }
};
template <>
struct action<g::exempt_resource> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exempt.resource = popPlainString(st, "a resource id", in.end()); }
};
template <const char* Part>
struct exempt_part {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    once(in, st, Part, [&] { return "duplicate '" + std::string(Part) + "' in the exemption of '" + st.exempt.rule + "'"; });
  }
};
// clang-format off
template <> struct action<g::until_head> : exempt_part<kUntil> {};
template <> struct action<g::by_head> : exempt_part<kBy> {};
template <> struct action<g::because_head> : exempt_part<kBecause> {};
// clang-format on
template <>
struct action<g::until_date> {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    ExprPtr date = pop(st);
    st.exempt.until = date->intValue;
    st.exempt.untilText = std::move(date->text);
  }
};
template <>
struct action<g::owner_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exempt.owner = popPlainString(st, "an owner", in.end()); }
};
template <>
struct action<g::reason_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exempt.reason = popPlainString(st, "a reason", in.end()); }
};
template <>
struct action<g::exempt_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.exempt.span = tokenSpan(in, st);
    st.module.exempts.push_back(std::move(st.exempt));
  }
};

// --- tests ---------------------------------------------------------------------------

template <>
struct action<g::test_head> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.test = ast::TestBlock{}; }
};
template <>
struct action<g::test_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.test.name = st.name = popPlainString(st, "a test name", in.end()); }
};
template <>
struct action<g::fact_kind> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ast::GivenFact fact;
    fact.kind = st.key = tokenText(in, st);
    fact.kindSpan = tokenSpan(in, st);
    st.test.given.push_back(std::move(fact));
  }
};
template <>
struct action<g::fact_id> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.test.given.back().id = tokenText(in, st);
    st.test.given.back().idSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::fact_parent> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.test.given.back().parent = tokenText(in, st);
    st.test.given.back().parentSpan = tokenSpan(in, st);
  }
};
struct field_key_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ast::GivenField field;
    field.key = st.key = tokenText(in, st);
    field.keySpan = tokenSpan(in, st);
    st.test.given.back().fields.push_back(std::move(field));
  }
};
template <>
struct action<g::fact_key> : field_key_action {};
template <>
struct action<g::routes_key> : field_key_action {};
template <>
struct action<g::plain_field> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.test.given.back().fields.back().value = pop(st); }
};
template <>
struct action<g::given_list_open> : open_frame {};
template <>
struct action<g::given_list> : close_collection<ExprKind::ListLit> {};
template <>
struct action<g::route_target> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ExprPtr dest = pop(st);
    st.test.given.back().fields.back().routes.emplace_back(std::move(dest), tokenText(in, st));
  }
};

template <>
struct action<g::expect_head> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.expectation = ast::Expectation{}; }
};
template <>
struct action<g::expect_kind> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string w = tokenText(in, st);
    st.expectation.fail = w == "fail";
    st.key = w;
  }
};
template <>
struct action<g::expect_rule> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.expectation.rule = tokenText(in, st);
    st.expectation.ruleSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::expect_target> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.expectation.on = tokenText(in, st); }
};
template <>
struct action<g::expect_count_value> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.expectation.count = pop(st)->intValue; }
};
template <>
struct action<g::expectation> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.expectation.span = tokenSpan(in, st);
    st.test.expects.push_back(std::move(st.expectation));
  }
};
template <>
struct action<g::test_stmt> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.test.span = tokenSpan(in, st);
    st.module.tests.push_back(std::move(st.test));
  }
};

// Every complete statement: later `package` lines are out of place.
template <>
struct action<g::statement> {
  template <typename In>
  static void apply(const In&, ParseState& st) { st.sawStatement = true; }
};

}  // namespace ward::parsing
