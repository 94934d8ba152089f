// Desugaring: the sentence form `endpoint SVC required [via gateway|interface]
// when COND` becomes an ordinary rule over the implicit subject `subnet`.
//
//   for subnet in subnets                      (unless the rule binds `subnet`)
//   when COND                                  (and-ed with the rule's own when)
//   require any endpoint_ in subnet.vpc.endpoints:
//             endpoint_.service == "SVC" and endpoint_.available
//             [and endpoint_.endpoint_type == "gateway"|"interface"]
//             [and subnet.route_table in endpoint_.route_tables]   (via gateway)
//   message "subnet {subnet.id} has no SVC endpoint in {subnet.vpc.id}"
//
// Every synthesised node carries the sentence's span, so an error in the
// generated code (say, a schema without `endpoints`) points at the sentence.
#include "dsl/desugar.hpp"

#include <fmt/format.h>

namespace ward {

namespace {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::node;

// The quantifier variable of the generated `require`. The trailing underscore
// keeps it apart from user names, which the message may mention.
constexpr const char* kEndpointVar = "endpoint_";
constexpr const char* kSubject = "subnet";

ExprPtr name(std::string text, Span span) {
  auto e = node(ExprKind::Name, span);
  e->text = std::move(text);
  return e;
}

ExprPtr str(std::string text, Span span) {
  auto e = node(ExprKind::String, span);
  e->text = std::move(text);
  return e;
}

ExprPtr member(ExprPtr receiver, std::string attr, Span span) {
  auto e = node(ExprKind::Member, span);
  e->text = std::move(attr);
  e->args.push_back(std::move(receiver));
  return e;
}

// `subnet.a.b...` as a chain of member accesses.
ExprPtr path(const char* root, std::initializer_list<const char*> attrs, Span span) {
  ExprPtr e = name(root, span);
  for (const char* a : attrs) e = member(std::move(e), a, span);
  return e;
}

ExprPtr binary(BinaryOp op, ExprPtr lhs, ExprPtr rhs, Span span) {
  auto e = node(ExprKind::Binary, span);
  e->binaryOp = op;
  e->args.push_back(std::move(lhs));
  e->args.push_back(std::move(rhs));
  return e;
}

ExprPtr andAll(std::vector<ExprPtr> terms, Span span) {
  ExprPtr acc = std::move(terms.front());
  for (size_t i = 1; i < terms.size(); ++i) acc = binary(BinaryOp::And, std::move(acc), std::move(terms[i]), span);
  return acc;
}

// "sagemaker.api" + "gateway" -> "sagemaker.api gateway endpoint".
std::string endpointWords(const ast::EndpointSentence& s) {
  return s.via.empty() ? s.service + " endpoint" : s.service + " " + s.via + " endpoint";
}

ExprPtr buildRequire(const ast::EndpointSentence& s) {
  Span sp = s.span;
  std::vector<ExprPtr> terms;
  terms.push_back(binary(BinaryOp::Eq, path(kEndpointVar, {"service"}, sp), str(s.service, sp), sp));
  terms.push_back(path(kEndpointVar, {"available"}, sp));
  if (!s.via.empty())
    terms.push_back(binary(BinaryOp::Eq, path(kEndpointVar, {"endpoint_type"}, sp), str(s.via, sp), sp));
  // A gateway endpoint only serves the subnets whose route table it is
  // associated with: an endpoint in the VPC is not enough.
  if (s.via == "gateway")
    terms.push_back(binary(BinaryOp::In, path(kSubject, {"route_table"}, sp),
                           path(kEndpointVar, {"route_tables"}, sp), sp));
  auto any = node(ExprKind::Quantifier, sp);
  any->quant = ast::Quant::Any;
  any->var = kEndpointVar;
  any->varSpan = sp;
  any->args.push_back(path(kSubject, {"vpc", "endpoints"}, sp));
  any->args.push_back(andAll(std::move(terms), sp));
  return any;
}

ExprPtr buildMessage(const ast::EndpointSentence& s) {
  Span sp = s.span;
  auto e = node(ExprKind::Interp, sp);
  e->args.push_back(str("subnet ", sp));
  e->args.push_back(path(kSubject, {"id"}, sp));
  e->args.push_back(str(" has no " + endpointWords(s) + " in ", sp));
  e->args.push_back(path(kSubject, {"vpc", "id"}, sp));
  e->args.push_back(str("", sp));
  return e;
}

}  // namespace

std::string sentenceRuleName(const ast::EndpointSentence& sentence) {
  std::string words = "endpoint " + sentence.service + " required";
  if (!sentence.via.empty()) words += " via " + sentence.via;
  for (char& c : words)
    if (c == ' ' || c == '.' || c == '-') c = '_';
  return words;
}

Diagnostics desugarRule(ast::Rule& rule) {
  Diagnostics errors;
  if (!rule.sentence) return errors;
  ast::EndpointSentence& s = *rule.sentence;
  Span sp = s.span;
  if (rule.require) {
    errors.push_back(error(rule.require->span, "a rule with an endpoint sentence cannot also have a 'require' clause",
                           {Note{"the sentence is its requirement", sp}}));
    return errors;
  }
  if (rule.name.empty()) {
    rule.name = sentenceRuleName(s);
    if (!rule.nameSpan.valid()) rule.nameSpan = sp;
  }
  if (!rule.span.valid()) rule.span = sp;

  bool bindsSubject = false;
  for (const ast::ForClause& f : rule.fors) bindsSubject |= f.var == kSubject;
  if (!bindsSubject) {
    ast::ForClause f;
    f.var = kSubject;
    f.varSpan = sp;
    f.collection = name("subnets", sp);
    rule.fors.push_back(std::move(f));
  }
  if (s.when) {
    if (rule.when) {
      // The span first: the order in which arguments are evaluated is
      // unspecified, and clang moves rule.when out before reading it.
      const Span span = Span::merge(rule.when->span, sp);
      rule.when = binary(BinaryOp::And, std::move(rule.when), std::move(s.when), span);
    } else
      rule.when = std::move(s.when);
  }
  rule.require = buildRequire(s);
  if (!rule.message) rule.message = buildMessage(s);
  if (!rule.title) rule.title = endpointWords(s) + " required";
  return errors;
}

Diagnostics desugarModule(ast::Module& module) {
  Diagnostics errors;
  for (ast::Rule& r : module.rules) {
    Diagnostics d = desugarRule(r);
    errors.insert(errors.end(), d.begin(), d.end());
  }
  return errors;
}

}  // namespace ward
