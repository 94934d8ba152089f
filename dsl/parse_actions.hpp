// The parser's state and its PEGTL actions for literals and expressions: they
// build the AST on a small stack as the grammar matches. Statement actions are
// in dsl/parse_actions_stmt.hpp; both are included only by dsl/parser.cpp.
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tao/pegtl.hpp>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"
#include "grammar/grammar.hpp"
#include "runtime/net/addr.hpp"

namespace ward::parsing {

namespace g = ward::grammar;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::node;

// An error found by an action rather than by the grammar (a malformed
// literal, a duplicate clause). The parser reports it like a syntax error and
// resumes scanning for the next statement at `resume`.
struct ActionError {
  Diagnostic diagnostic;
  const char* resume = nullptr;
};

// A construct that collects a variable number of expressions (a list, a call,
// a quantifier): the builder stack's height when it opened, and its binder.
struct Frame {
  size_t mark = 0;
  uint32_t begin = 0;
  std::string var;
  Span varSpan;
  ast::Quant quant = ast::Quant::All;
};

// A string literal being read: the literal part collected so far. Strings
// nest (a string inside an interpolation), hence a stack of these.
struct StringFrame {
  uint32_t begin = 0;
  size_t mark = 0;
  std::string part;
  uint32_t partBegin = 0;
  bool interpolated = false;
};

// A single-use part of a statement (a rule clause, an exemption's `until`)
// and where it first appeared. The part names are static strings.
struct SeenPart {
  std::string_view part;
  Span span;
};

struct ParseState {
  uint32_t file = 0;
  const char* base = nullptr;  // first byte of the source: offsets are pointer differences
  // Where the last token ended: every token's padding records where it
  // starts, so a construct spans from its first byte to tokenEnd.
  uint32_t tokenEnd = 0;
  unsigned depth = 0;  // read by grammar::control's nesting guard
  // The {name} and {key} placeholders of grammar/errors.hpp messages.
  std::string name;
  std::string key;
  Span keySpan;

  std::vector<ExprPtr> exprs;
  std::vector<Frame> frames;
  std::vector<StringFrame> strings;

  ast::Module module;
  bool sawStatement = false;  // for "package comes first"

  // Statements in progress.
  ast::Rule rule;
  // The first span of each single-use clause or exemption part of the
  // statement being parsed; a handful at most, so a flat list.
  std::vector<SeenPart> seen;
  ast::EndpointSentence sentence;
  ast::Let let;
  ast::Def def;
  ast::Param param;
  std::string typeText;
  ast::Exempt exempt;
  ast::TestBlock test;
  ast::Expectation expectation;

  const Span* seenSpan(std::string_view part) const {
    for (const SeenPart& p : seen)
      if (part == p.part) return &p.span;
    return nullptr;
  }
  Span requireSpan() const {
    const Span* s = seenSpan("require");
    return s ? *s : Span{};
  }

  uint32_t at(const char* p) const { return static_cast<uint32_t>(p - base); }
  Span span(uint32_t begin, uint32_t end) const { return Span{file, begin, end}; }

  // Drops whatever a failed statement left behind.
  void resetAfterError() {
    exprs.clear();
    frames.clear();
    strings.clear();
    depth = 0;
    name.clear();
    key.clear();
  }
};

// --- helpers -------------------------------------------------------------------

template <typename Input>
Span rawSpan(const Input& in, const ParseState& st) {
  return st.span(st.at(in.begin()), st.at(in.end()));
}
// The span of a rule that ends with a token and its padding.
template <typename Input>
Span tokenSpan(const Input& in, const ParseState& st) {
  return st.span(st.at(in.begin()), st.tokenEnd);
}
template <typename Input>
std::string tokenText(const Input& in, const ParseState& st) {
  return std::string(in.begin(), st.base + st.tokenEnd);
}

[[noreturn]] inline void reject(Span span, std::string message, const char* resume, std::vector<Note> notes = {}) {
  throw ActionError{error(span, std::move(message), std::move(notes)), resume};
}

inline ExprPtr pop(ParseState& st) {
  ExprPtr e = std::move(st.exprs.back());
  st.exprs.pop_back();
  return e;
}

inline ast::ExprList popTo(ParseState& st, size_t mark) {
  ast::ExprList out;
  out.reserve(st.exprs.size() - mark);
  for (size_t i = mark; i < st.exprs.size(); ++i) out.push_back(std::move(st.exprs[i]));
  st.exprs.resize(mark);
  return out;
}

// Appends to a statement's short list (tags, refs, parameters, for clauses),
// making room for a few at once instead of growing one by one.
template <class List, class Item>
void append(List& list, Item&& item) {
  if (list.capacity() == 0) list.reserve(4);
  list.push_back(std::forward<Item>(item));
}

inline Frame popFrame(ParseState& st) {
  Frame f = std::move(st.frames.back());
  st.frames.pop_back();
  return f;
}

// Pops a string literal where only plain text makes sense (titles, ids...).
inline std::string popPlainString(ParseState& st, const char* what, const char* resume) {
  ExprPtr e = pop(st);
  if (e->kind != ExprKind::String)
    reject(e->span, std::string(what) + " cannot interpolate; write '\\{' for a literal brace", resume);
  return std::move(e->text);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil, restated).
inline int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

inline unsigned daysInMonth(unsigned y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// --- actions -------------------------------------------------------------------

template <typename Rule>
struct action : tao::pegtl::nothing<Rule> {};

// Padding starts where the previous token ended.
template <>
struct action<g::skip> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.tokenEnd = st.at(in.begin()); }
};
template <>
struct action<g::line_skip> : action<g::skip> {};

// --- literals ------------------------------------------------------------------

template <>
struct action<g::int_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Int, rawSpan(in, st));
    std::string_view t = in.string_view();
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), e->intValue);
    if (ec != std::errc() || end != t.data() + t.size())
      reject(e->span, "integer '" + std::string(t) + "' is out of range", in.end());
    st.exprs.push_back(std::move(e));
  }
};

template <>
struct action<g::date_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Date, rawSpan(in, st));
    std::string_view t = in.string_view();  // YYYY-MM-DD, digits guaranteed by the grammar
    auto num = [&](size_t at, size_t n) {
      unsigned v = 0;
      for (size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(t[i] - '0');
      return v;
    };
    unsigned y = num(0, 4), m = num(5, 2), d = num(8, 2);
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
      reject(e->span, "invalid date '" + std::string(t) + "'", in.end());
    e->intValue = daysFromCivil(y, m, d);
    e->text = std::string(t);
    st.exprs.push_back(std::move(e));
  }
};

struct ip_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Ip, rawSpan(in, st));
    auto ip = net::parseIp(in.string_view());
    if (!ip) reject(e->span, "invalid ip address '" + in.string() + "'", in.end());
    e->ip = *ip;
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::ipv4_raw> : ip_action {};
template <>
struct action<g::ipv6_raw> : ip_action {};

struct cidr_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Cidr, rawSpan(in, st));
    auto cidr = net::parseCidr(in.string_view());
    if (!cidr) reject(e->span, "invalid cidr block '" + in.string() + "'", in.end());
    e->cidr = *cidr;
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::cidr4_raw> : cidr_action {};
template <>
struct action<g::cidr6_raw> : cidr_action {};

// `tcp 443`: the protocol is the leading word; the ports, if any, are the
// trailing run of digits and dots (padding, even a comment, may sit between).
template <typename Pad>
struct action<g::traffic_raw<Pad>> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Traffic, rawSpan(in, st));
    std::string_view t = in.string_view();
    size_t w = 0;
    while (w < t.size() && ((t[w] >= 'a' && t[w] <= 'z') || (t[w] >= '0' && t[w] <= '9'))) ++w;
    e->traffic.proto = net::parseProtocol(t.substr(0, w)).value_or(net::kAllProtocols);
    if (w < t.size()) {
      size_t p = t.size();
      while (p > w && ((t[p - 1] >= '0' && t[p - 1] <= '9') || t[p - 1] == '.')) --p;
      auto ports = net::parsePortRange(t.substr(p));
      if (!ports) {
        Span at = st.span(st.at(in.begin()) + static_cast<uint32_t>(p), e->span.end);
        reject(at, "invalid port range '" + std::string(t.substr(p)) + "' (ports are 0..65535, low to high)", in.end());
      }
      e->traffic.ports = *ports;
    }
    st.exprs.push_back(std::move(e));
  }
};

template <>
struct action<g::true_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Bool, rawSpan(in, st));
    e->boolValue = true;
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::false_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exprs.push_back(node(ExprKind::Bool, rawSpan(in, st))); }
};
template <>
struct action<g::null_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exprs.push_back(node(ExprKind::Null, rawSpan(in, st))); }
};

// --- strings ---------------------------------------------------------------------
// A string without interpolation becomes one String node; with interpolation,
// an Interp node whose args alternate String parts and expressions, always
// starting and ending with a (possibly empty) String part.

template <>
struct action<g::string_open> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    uint32_t begin = st.at(in.begin());
    st.strings.push_back(StringFrame{begin, st.exprs.size(), {}, begin + 1, false});
  }
};
template <>
struct action<g::string_text> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.strings.back().part.append(in.begin(), in.size()); }
};
template <>
struct action<g::escape_char> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    char c = in.peek_char();
    st.strings.back().part += c == 'n' ? '\n' : c == 't' ? '\t' : c;
  }
};
template <>
struct action<g::interp_open> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    StringFrame& f = st.strings.back();
    auto part = node(ExprKind::String, st.span(f.partBegin, st.at(in.begin())));
    part->text = std::move(f.part);
    f.part.clear();
    f.interpolated = true;
    st.exprs.push_back(std::move(part));
  }
};
template <>
struct action<g::interp_close> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.strings.back().partBegin = st.at(in.end()); }
};
template <>
struct action<g::string_raw> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    StringFrame f = std::move(st.strings.back());
    st.strings.pop_back();
    if (!f.interpolated) {
      auto e = node(ExprKind::String, rawSpan(in, st));
      e->text = std::move(f.part);
      st.exprs.push_back(std::move(e));
      return;
    }
    auto last = node(ExprKind::String, st.span(f.partBegin, st.at(in.end()) - 1));
    last->text = std::move(f.part);
    st.exprs.push_back(std::move(last));
    auto e = node(ExprKind::Interp, rawSpan(in, st));
    e->args = popTo(st, f.mark);
    st.exprs.push_back(std::move(e));
  }
};

// --- names, calls, members -------------------------------------------------------

struct name_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    auto e = node(ExprKind::Name, rawSpan(in, st));
    e->text = in.string();
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::name_ref> : name_action {};
template <>
struct action<g::given_word> : name_action {};

// Constructs that collect a variable number of expressions open a frame.
struct open_frame {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.frames.push_back(Frame{st.exprs.size(), st.at(in.begin()), {}, {}, {}}); }
};
template <>
struct action<g::call_open> : open_frame {};

template <>
struct action<g::call_args> {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    Frame f = popFrame(st);
    ast::ExprList args = popTo(st, f.mark);
    ExprPtr callee = pop(st);
    auto e = node(ExprKind::Call, st.span(callee->span.begin, st.tokenEnd));
    e->text = std::move(callee->text);
    e->args = std::move(args);
    st.exprs.push_back(std::move(e));
  }
};

template <>
struct action<g::member_name> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ExprPtr receiver = pop(st);
    auto e = node(ExprKind::Member, st.span(receiver->span.begin, st.at(in.end())));
    e->text = in.string();
    e->args.push_back(std::move(receiver));
    st.exprs.push_back(std::move(e));
  }
};

// Parentheses leave no node, but the expression's span grows to cover them.
template <>
struct action<g::paren_expr> {
  template <typename In>
  static void apply(const In& in, ParseState& st) { st.exprs.back()->span = tokenSpan(in, st); }
};

// --- lists, sets, comprehensions -------------------------------------------------

template <>
struct action<g::list_open> : open_frame {};
template <>
struct action<g::set_open> : open_frame {};

template <ExprKind Kind>
struct close_collection {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    Frame f = popFrame(st);
    auto e = node(Kind, st.span(f.begin, st.tokenEnd));
    e->args = popTo(st, f.mark);
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::list_empty_close> : close_collection<ExprKind::ListLit> {};
template <>
struct action<g::list_rest> : close_collection<ExprKind::ListLit> {};
template <>
struct action<g::set_empty_close> : close_collection<ExprKind::SetLit> {};
template <>
struct action<g::set_nonempty> : close_collection<ExprKind::SetLit> {};

// The bound variable of the innermost open frame.
struct bind_var {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    st.frames.back().var = tokenText(in, st);
    st.frames.back().varSpan = tokenSpan(in, st);
  }
};
template <>
struct action<g::comp_var> : bind_var {};
template <>
struct action<g::quant_var> : bind_var {};
template <>
struct action<g::count_var> : bind_var {};

// Comprehensions, quantifiers and counts: args as documented in ast.hpp.
template <ExprKind Kind>
struct close_binder {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    Frame f = popFrame(st);
    auto e = node(Kind, st.span(f.begin, st.tokenEnd));
    e->quant = f.quant;
    e->var = std::move(f.var);
    e->varSpan = f.varSpan;
    e->args = popTo(st, f.mark);
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::comprehension_rest> : close_binder<ExprKind::Comprehension> {};
template <>
struct action<g::quantifier_rest> : close_binder<ExprKind::Quantifier> {};
template <>
struct action<g::count_expr> : close_binder<ExprKind::Count> {};

template <>
struct action<g::quant_head> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string word = tokenText(in, st);
    Frame f{st.exprs.size(), st.at(in.begin()), {}, {}, ast::Quant::All};
    f.quant = word == "any" ? ast::Quant::Any : word == "none" ? ast::Quant::None : ast::Quant::All;
    st.frames.push_back(std::move(f));
    st.key = std::move(word);
  }
};
template <>
struct action<g::count_head> : open_frame {};

template <>
struct action<g::service_lit> {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    std::string name = popPlainString(st, "a service name", in.end());
    auto e = node(ExprKind::Service, tokenSpan(in, st));
    e->text = std::move(name);
    st.exprs.push_back(std::move(e));
  }
};

// --- operators -------------------------------------------------------------------

template <ast::UnaryOp Op>
struct unary_action {
  template <typename In>
  static void apply(const In& in, ParseState& st) {
    ExprPtr operand = pop(st);
    auto e = node(ExprKind::Unary, st.span(st.at(in.begin()), operand->span.end));
    e->unaryOp = Op;
    e->args.push_back(std::move(operand));
    st.exprs.push_back(std::move(e));
  }
};
template <>
struct action<g::neg_prefix> : unary_action<ast::UnaryOp::Neg> {};
template <>
struct action<g::not_prefix> : unary_action<ast::UnaryOp::Not> {};

template <ast::BinaryOp Op>
struct binary_action {
  template <typename In>
  static void apply(const In&, ParseState& st) {
    ExprPtr rhs = pop(st);
    ExprPtr lhs = pop(st);
    auto e = node(ExprKind::Binary, Span::merge(lhs->span, rhs->span));
    e->binaryOp = Op;
    e->args.reserve(2);
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    st.exprs.push_back(std::move(e));
  }
};
// clang-format off
template <> struct action<g::or_tail> : binary_action<ast::BinaryOp::Or> {};
template <> struct action<g::and_tail> : binary_action<ast::BinaryOp::And> {};
template <> struct action<g::add_tail<g::plus_op>> : binary_action<ast::BinaryOp::Add> {};
template <> struct action<g::add_tail<g::minus>> : binary_action<ast::BinaryOp::Sub> {};
template <> struct action<g::cmp_tail<g::op_eq>> : binary_action<ast::BinaryOp::Eq> {};
template <> struct action<g::cmp_tail<g::op_ne>> : binary_action<ast::BinaryOp::Ne> {};
template <> struct action<g::cmp_tail<g::op_lt>> : binary_action<ast::BinaryOp::Lt> {};
template <> struct action<g::cmp_tail<g::op_le>> : binary_action<ast::BinaryOp::Le> {};
template <> struct action<g::cmp_tail<g::op_gt>> : binary_action<ast::BinaryOp::Gt> {};
template <> struct action<g::cmp_tail<g::op_ge>> : binary_action<ast::BinaryOp::Ge> {};
template <> struct action<g::cmp_tail<g::op_in>> : binary_action<ast::BinaryOp::In> {};
template <> struct action<g::cmp_tail<g::op_not_in>> : binary_action<ast::BinaryOp::NotIn> {};
template <> struct action<g::cmp_tail<g::op_contains>> : binary_action<ast::BinaryOp::Contains> {};
template <> struct action<g::cmp_tail<g::op_overlaps>> : binary_action<ast::BinaryOp::Overlaps> {};
template <> struct action<g::cmp_tail<g::op_within>> : binary_action<ast::BinaryOp::Within> {};
// clang-format on

}  // namespace ward::parsing
