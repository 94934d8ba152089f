// Test support for the checker tests: a hand-built schema, a small parser for
// Ward expressions (real spans into a SourceMap) and a fixture that builds
// modules from them and runs the checker.
#pragma once

#include <doctest/doctest.h>

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "dsl/check.hpp"
#include "dsl/desugar.hpp"

namespace ward::check_test {

using ast::BinaryOp;
using ast::ExprKind;
using ast::ExprPtr;

// A schema small enough to read at a glance, shaped like the AWS one.
inline const Schema& testSchema() {
  static const Schema schema = [] {
    Schema s;
    KindId vpc = s.addKind("vpc", "vpcs", "a VPC");
    KindId subnet = s.addKind("subnet", "subnets", "a subnet");
    KindId rtb = s.addKind("route_table", "route_tables", "a route table");
    KindId ep = s.addKind("vpc_endpoint", "vpc_endpoints", "a VPC endpoint");
    KindId job = s.addKind("training_job", "training_jobs", "a training job");
    auto attr = [&](KindId k, const char* name, Type t) {
      AttrDef a;
      a.name = name;
      a.type = t;
      s.addAttr(k, a);
    };
    auto ref = [](KindId k) { return Type::entity(k).orNull(); };
    attr(vpc, "cidr", Type::of(BaseType::Cidr));
    attr(vpc, "is_default", Type::of(BaseType::Bool));
    {
      // A stored boolean with a schema default: unset reads as true.
      AttrDef a;
      a.name = "dns_support";
      a.type = Type::of(BaseType::Bool);
      a.defaultValue = "true";
      s.addAttr(vpc, a);
    }
    attr(vpc, "endpoints", Type::listOf(BaseType::Entity, ep));
    attr(vpc, "subnets", Type::listOf(BaseType::Entity, subnet));
    attr(subnet, "vpc", ref(vpc));
    attr(subnet, "cidr", Type::of(BaseType::Cidr));
    attr(subnet, "az", Type::of(BaseType::String));
    attr(subnet, "private", Type::of(BaseType::Bool));
    attr(subnet, "public", Type::of(BaseType::Bool));
    attr(subnet, "has_nat", Type::of(BaseType::Bool));
    attr(subnet, "available_ips", Type::of(BaseType::Int));
    attr(subnet, "route_table", ref(rtb));
    attr(rtb, "vpc", ref(vpc));
    attr(ep, "vpc", ref(vpc));
    attr(ep, "service", Type::of(BaseType::String));
    attr(ep, "endpoint_type", Type::of(BaseType::String));
    attr(ep, "available", Type::of(BaseType::Bool));
    attr(ep, "route_tables", Type::listOf(BaseType::Entity, rtb));
    attr(job, "name", Type::of(BaseType::String));
    attr(job, "vpc_mode", Type::of(BaseType::Bool));
    attr(job, "subnets", Type::listOf(BaseType::Entity, subnet));
    attr(job, "traffic", Type::of(BaseType::Traffic));
    return s;
  }();
  return schema;
}

// A small parser for the expression subset the tests use, so that cases read
// like Ward and spans point into real source text. Precedence, loosest first:
// or, and, not, comparison, + -, unary -, member access.
class MiniParser {
public:
  MiniParser(const SourceMap& sm, uint32_t file) : text_(sm.get(file)->text()), file_(file) {}

  ExprPtr parseAll() {
    ExprPtr e = expr();
    skip();
    REQUIRE_MESSAGE(pos_ == text_.size(), "trailing text in test expression: " << text_.substr(pos_));
    return e;
  }

private:
  std::string_view text_;
  uint32_t file_;
  size_t pos_ = 0, end_ = 0;  // end_: end of the last token

  static bool wordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
  void skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  size_t start() { skip(); return pos_; }
  Span span(size_t b) const { return Span{file_, static_cast<uint32_t>(b), static_cast<uint32_t>(end_)}; }
  bool peekWord(std::string_view w, size_t at) const {
    return text_.substr(at, w.size()) == w && (at + w.size() >= text_.size() || !wordChar(text_[at + w.size()]));
  }
  bool eatWord(std::string_view w) {
    skip();
    if (!peekWord(w, pos_)) return false;
    pos_ += w.size();
    end_ = pos_;
    return true;
  }
  bool eatSym(std::string_view s) {
    skip();
    if (text_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    end_ = pos_;
    return true;
  }
  void expect(std::string_view s) { REQUIRE_MESSAGE(eatSym(s), "expected " << s << " at " << pos_ << " in " << text_); }
  std::string ident() {
    size_t b = start();
    while (pos_ < text_.size() && wordChar(text_[pos_])) ++pos_;
    end_ = pos_;
    REQUIRE_MESSAGE(pos_ > b, "expected a name at " << b << " in " << text_);
    return std::string(text_.substr(b, pos_ - b));
  }
  ExprPtr node(ExprKind k, size_t b) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = k;
    e->span = span(b);
    return e;
  }
  ExprPtr binary(BinaryOp op, ExprPtr l, ExprPtr r) {
    size_t b = l->span.begin;
    auto e = node(ExprKind::Binary, b);
    e->binaryOp = op;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  ExprPtr expr() {
    ExprPtr l = conj();
    while (eatWord("or")) l = binary(BinaryOp::Or, std::move(l), conj());
    return l;
  }
  ExprPtr conj() {
    ExprPtr l = negation();
    while (eatWord("and")) l = binary(BinaryOp::And, std::move(l), negation());
    return l;
  }
  ExprPtr negation() {
    size_t b = start();
    if (peekWord("not", b) && !peekWord("in", b + 4)) {
      eatWord("not");
      ExprPtr operand = negation();
      auto e = node(ExprKind::Unary, b);
      e->unaryOp = ast::UnaryOp::Not;
      e->args.push_back(std::move(operand));
      return e;
    }
    return comparison();
  }
  ExprPtr comparison() {
    ExprPtr l = sum();
    static const std::pair<const char*, BinaryOp> kSyms[] = {{"==", BinaryOp::Eq}, {"!=", BinaryOp::Ne},
                                                             {"<=", BinaryOp::Le}, {">=", BinaryOp::Ge},
                                                             {"<", BinaryOp::Lt},  {">", BinaryOp::Gt}};
    for (auto [s, op] : kSyms)
      if (eatSym(s)) return binary(op, std::move(l), sum());
    static const std::pair<const char*, BinaryOp> kWords[] = {{"in", BinaryOp::In},
                                                              {"contains", BinaryOp::Contains},
                                                              {"overlaps", BinaryOp::Overlaps},
                                                              {"within", BinaryOp::Within}};
    for (auto [w, op] : kWords)
      if (eatWord(w)) return binary(op, std::move(l), sum());
    if (eatWord("not")) {
      eatWord("in");
      return binary(BinaryOp::NotIn, std::move(l), sum());
    }
    return l;
  }
  ExprPtr sum() {
    ExprPtr l = prefix();
    for (;;) {
      skip();
      if (eatSym("+")) l = binary(BinaryOp::Add, std::move(l), prefix());
      else if (text_.substr(pos_, 2) != "->" && eatSym("-")) l = binary(BinaryOp::Sub, std::move(l), prefix());
      else return l;
    }
  }
  ExprPtr prefix() {
    size_t b = start();
    if (eatSym("-")) {
      ExprPtr operand = prefix();
      auto e = node(ExprKind::Unary, b);
      e->unaryOp = ast::UnaryOp::Neg;
      e->args.push_back(std::move(operand));
      return e;
    }
    ExprPtr e = primary();
    while (eatSym(".")) {
      std::string attr = ident();
      auto m = node(ExprKind::Member, e->span.begin);
      m->text = attr;
      m->args.push_back(std::move(e));
      e = std::move(m);
    }
    return e;
  }
  // `var in collection [where cond]` after `for`, `count(` or a quantifier.
  void binder(ast::Expr& e) {
    size_t b = start();
    e.var = ident();
    e.varSpan = span(b);
    REQUIRE(eatWord("in"));
  }
  ExprPtr primary() {
    size_t b = start();
    REQUIRE_MESSAGE(pos_ < text_.size(), "unexpected end of test expression " << text_);
    char c = text_[pos_];
    if (eatSym("(")) {
      ExprPtr e = expr();
      expect(")");
      return e;
    }
    if (eatSym("[")) {
      std::vector<ExprPtr> items;
      if (!eatSym("]")) {
        items.push_back(expr());
        if (eatWord("for")) {
          auto e = node(ExprKind::Comprehension, b);
          binder(*e);
          e->args.push_back(std::move(items[0]));
          e->args.push_back(sum());
          if (eatWord("where")) e->args.push_back(expr());
          expect("]");
          e->span = span(b);
          return e;
        }
        while (eatSym(",")) items.push_back(expr());
        expect("]");
      }
      auto e = node(ExprKind::ListLit, b);
      e->args = std::move(items);
      return e;
    }
    if (c == '"') return stringLiteral();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == ':') return number();
    std::string w = ident();
    if (w == "true" || w == "false") {
      auto e = node(ExprKind::Bool, b);
      e->boolValue = w == "true";
      return e;
    }
    if (w == "null") return node(ExprKind::Null, b);
    if (w == "service") {
      start();
      ExprPtr name = stringLiteral();
      auto e = node(ExprKind::Service, b);
      e->text = name->text;
      return e;
    }
    if (w == "tcp" || w == "udp") {
      size_t p = start();
      while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) ++pos_;
      end_ = pos_;
      auto e = node(ExprKind::Traffic, b);
      auto t = net::parseTraffic(w + " " + std::string(text_.substr(p, pos_ - p)));
      REQUIRE(t);
      e->traffic = *t;
      return e;
    }
    if (w == "all" || w == "any" || w == "none") {
      auto e = node(ExprKind::Quantifier, b);
      e->quant = w == "all" ? ast::Quant::All : w == "any" ? ast::Quant::Any : ast::Quant::None;
      binder(*e);
      e->args.push_back(sum());
      expect(":");
      e->args.push_back(expr());
      e->span = span(b);
      return e;
    }
    if (w == "count") {
      expect("(");
      auto e = node(ExprKind::Count, b);
      size_t save = pos_;
      std::string maybeVar = ident();
      if (eatWord("in")) {
        e->var = maybeVar;
        e->varSpan = Span{file_, static_cast<uint32_t>(save), static_cast<uint32_t>(save + maybeVar.size())};
        e->args.push_back(sum());
        if (eatWord("where")) e->args.push_back(expr());
      } else {
        pos_ = save;
        e->args.push_back(expr());
      }
      expect(")");
      e->span = span(b);
      return e;
    }
    if (eatSym("(")) {
      auto e = node(ExprKind::Call, b);
      e->text = w;
      if (!eatSym(")")) {
        do e->args.push_back(expr());
        while (eatSym(","));
        expect(")");
      }
      e->span = span(b);
      return e;
    }
    auto e = node(ExprKind::Name, b);
    e->text = w;
    return e;
  }
  ExprPtr number() {
    size_t b = pos_;
    // An IPv6 address or block (`::/0`, `2001:db8::/56`) has a ':' in it.
    while (pos_ < text_.size() && (std::isxdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == ':' ||
                                   text_[pos_] == '.' || text_[pos_] == '/'))
      ++pos_;
    if (text_.substr(b, pos_ - b).find(':') == std::string_view::npos) pos_ = b;
    while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
                                   text_[pos_] == '/' || text_[pos_] == '-'))
      ++pos_;
    end_ = pos_;
    std::string t(text_.substr(b, pos_ - b));
    if (t.find('/') != std::string::npos) {
      auto e = node(ExprKind::Cidr, b);
      auto c = net::parseCidr(t);
      REQUIRE(c);
      e->cidr = *c;
      return e;
    }
    if (t.find('.') != std::string::npos || t.find(':') != std::string::npos) {
      auto e = node(ExprKind::Ip, b);
      auto ip = net::parseIp(t);
      REQUIRE(ip);
      e->ip = *ip;
      return e;
    }
    if (t.find('-') != std::string::npos) {
      auto e = node(ExprKind::Date, b);
      e->text = t;
      return e;
    }
    auto e = node(ExprKind::Int, b);
    e->intValue = std::stoll(t);
    return e;
  }
  // "text {expr} text": a String, or an Interp alternating strings and parts.
  ExprPtr stringLiteral() {
    size_t b = pos_++;
    std::vector<ExprPtr> parts;
    std::string chunk;
    size_t chunkBegin = pos_;
    auto flush = [&] {
      auto s = std::make_unique<ast::Expr>();
      s->kind = ExprKind::String;
      s->text = chunk;
      s->span = Span{file_, static_cast<uint32_t>(chunkBegin), static_cast<uint32_t>(pos_)};
      parts.push_back(std::move(s));
      chunk.clear();
    };
    bool interp = false;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '{') {
        interp = true;
        flush();
        ++pos_;
        parts.push_back(expr());
        expect("}");
        chunkBegin = pos_;
      } else {
        chunk += text_[pos_++];
      }
    }
    flush();
    expect("\"");
    if (!interp) {
      auto e = node(ExprKind::String, b);
      e->text = parts[0]->text;
      return e;
    }
    auto e = node(ExprKind::Interp, b);
    e->args = std::move(parts);
    return e;
  }
};

struct ForSpec {
  std::string var, collection, where = "";
};

// Builds modules out of expression sources, then runs the checker.
struct Fixture {
  SourceMap sources;
  const Schema& schema = testSchema();
  std::vector<std::unique_ptr<ast::Module>> modules;
  Diagnostics warnings;
  CheckOptions options;

  Span sp(const std::string& text) {
    uint32_t id = sources.add("<t" + std::to_string(sources.size() + 1) + ">", text);
    return Span{id, 0, static_cast<uint32_t>(text.size())};
  }
  ExprPtr e(const std::string& text) {
    uint32_t id = sources.add("<e" + std::to_string(sources.size() + 1) + ">", text);
    return MiniParser(sources, id).parseAll();
  }
  std::string textAt(Span s) const {
    const SourceFile* f = sources.get(s.file);
    return f ? std::string(f->text().substr(s.begin, s.end - s.begin)) : std::string("<no span>");
  }
  ast::Module& module(std::string package = "", std::vector<std::string> imports = {}) {
    auto m = std::make_unique<ast::Module>();
    m->package = package;
    for (auto& i : imports) m->imports.push_back(ast::Import{i, sp("import " + i)});
    modules.push_back(std::move(m));
    return *modules.back();
  }
  ast::Rule& rule(ast::Module& m, const std::string& name, std::vector<ForSpec> fors, const std::string& require,
                  const std::string& message = "", const std::string& when = "") {
    ast::Rule r;
    r.name = name;
    r.nameSpan = sp(name);
    r.span = r.nameSpan;
    for (auto& f : fors) {
      ast::ForClause fc;
      fc.var = f.var;
      fc.varSpan = sp(f.var);
      fc.collection = e(f.collection);
      if (!f.where.empty()) fc.where = e(f.where);
      r.fors.push_back(std::move(fc));
    }
    if (!when.empty()) r.when = e(when);
    if (!require.empty()) r.require = e(require);
    if (!message.empty()) r.message = e(message);
    m.rules.push_back(std::move(r));
    return m.rules.back();
  }
  ast::Rule& sentence(ast::Module& m, const std::string& service, const std::string& via, const std::string& when) {
    ast::Rule r;
    ast::EndpointSentence s;
    s.service = service;
    s.via = via;
    s.span = sp("endpoint " + service + " required" + (via.empty() ? "" : " via " + via) + " when " + when);
    s.when = e(when);
    r.sentence = std::move(s);
    r.standaloneSentence = true;
    m.rules.push_back(std::move(r));
    return m.rules.back();
  }
  ast::Let& let(ast::Module& m, const std::string& name, const std::string& value) {
    ast::Let l;
    l.name = name;
    l.nameSpan = sp(name);
    l.value = e(value);
    m.lets.push_back(std::move(l));
    return m.lets.back();
  }
  ast::Def& def(ast::Module& m, const std::string& name, std::vector<std::pair<std::string, std::string>> params,
                const std::string& body) {
    ast::Def d;
    d.name = name;
    d.nameSpan = sp(name);
    for (auto& [pn, pt] : params) {
      ast::Param p;
      p.name = pn;
      p.span = sp(pn);
      p.typeName = pt;
      p.typeSpan = sp(pt);
      d.params.push_back(std::move(p));
    }
    d.body = e(body);
    m.defs.push_back(std::move(d));
    return m.defs.back();
  }
  Result<Program> run() { return check(std::move(modules), sources, schema, warnings, options); }

  // Runs the checker and returns the error messages (empty on success).
  std::vector<std::string> errors() {
    auto p = run();
    last = p ? Diagnostics{} : p.error();
    std::vector<std::string> out;
    for (auto& d : last) out.push_back(d.message);
    if (p) program = std::make_unique<Program>(std::move(*p));
    return out;
  }
  Diagnostics last;
  std::unique_ptr<Program> program;

  // The single error of a rule `for s in subnets` (plus `job`) requiring `req`.
  std::string oneError(const std::string& req, const std::string& message = "") {
    rule(module(), "r", {{"job", "training_jobs"}, {"s", "subnets"}}, req, message);
    auto errs = errors();
    REQUIRE_MESSAGE(errs.size() == 1, "expected one error for `" << req << "`, got " << errs.size());
    return errs[0];
  }
  std::string noteOf(size_t i = 0) const { return last.at(0).notes.at(i).message; }
};

inline const ast::Rule& onlyRule(const Program& p) {
  REQUIRE(p.rules.size() == 1);
  return *p.rules[0].rule;
}


}  // namespace ward::check_test
