// The Ward grammar as PEGTL rules: tokens, expressions, rule bodies, top-level
// statements and the line-oriented `given` block of policy tests.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <string_view>

#include <tao/pegtl.hpp>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ward::grammar {

using namespace tao::pegtl;

// Conventions (after PEGTL's own examples):
// - Every token eats its own trailing padding, so a rule never has to ask for
//   whitespace between two tokens. Raw rules (`*_raw`) match the bare text; the
//   parser's actions read them, and the padding tells the parser where the last
//   token ended.
// - Where a token commits to a construct, the rest sits in `must<>`, and each
//   rule inside a `must<>` has its own message in grammar/errors.hpp.
// - The grammar never backtracks over a rule that has an action: choices that
//   need more than one token of look-ahead test with `at<>` (which runs no
//   actions) before committing. The parser's builder stack relies on that.
// - Several rules are aliases (`struct let_value : expr {}`): the same syntax
//   under another name, so that an error or an action can say where it is.

// ---------------------------------------------------------------------------
// Fast paths
// ---------------------------------------------------------------------------

// Optimization: a few rules are matched by a hand-written loop instead of
// PEGTL's rule-per-character machinery. Each such rule derives from the
// PEGTL expression it stands for, which stays its definition: `analyze<>`
// and the grammar tests see that expression, and the loop must accept
// exactly the same text. Only rules without actions or error messages inside
// them are treated this way, so skipping their sub-rules changes nothing else.

// Bytes of a set, as a 256-entry table built at compile time.
template <char... Cs>
struct byte_set {
  static constexpr bool has(char c) { return kTable[static_cast<unsigned char>(c)]; }

private:
  static constexpr auto build() {
    std::array<bool, 256> t{};
    ((t[static_cast<unsigned char>(Cs)] = true), ...);
    return t;
  }
  static constexpr std::array<bool, 256> kTable = build();
};

// Rule, tried only when the next byte is in First: every way Rule can match
// (or raise) starts with one of those bytes, so elsewhere it fails at once.
template <typename First, typename Rule>
struct first_byte : Rule {
  template <apply_mode A, rewind_mode M, template <typename...> class Action, template <typename...> class Control,
            typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if (in.empty() || !First::has(in.peek_char())) return false;
    return Rule::template match<A, M, Action, Control>(in, st...);
  }
};

// Rule, tried only when Ahead::test(in) says it may match: Ahead looks at the
// input without consuming it and must accept everything Rule could match.
template <typename Ahead, typename Rule>
struct guarded : Rule {
  template <apply_mode A, rewind_mode M, template <typename...> class Action, template <typename...> class Control,
            typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if (!Ahead::test(in)) return false;
    return Rule::template match<A, M, Action, Control>(in, st...);
  }
};

// Identifier characters (PEGTL's identifier_other), as a table.
inline constexpr std::array<bool, 256> kWordChar = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['_'] = true;
  return t;
}();

// The length of the run of identifier characters at the start of [p, end).
inline size_t wordLength(const char* p, const char* end) {
  const char* q = p;
  while (q != end && kWordChar[static_cast<unsigned char>(*q)]) ++q;
  return static_cast<size_t>(q - p);
}

// ---------------------------------------------------------------------------
// Padding
// ---------------------------------------------------------------------------

// A comment runs to the end of its line; the newline is left to the padding.
struct comment : seq<one<'#'>, star<not_one<'\n'>>> {
  // Optimization: memchr finds the end of the line.
  template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class, typename ParseInput,
            typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&...) {
    if (in.empty() || in.peek_char() != '#') return false;
    const void* nl = std::memchr(in.current(), '\n', in.size());
    in.bump(nl ? static_cast<size_t>(static_cast<const char*>(nl) - in.current()) : in.size());
    return true;
  }
};
// Padding everywhere except inside a `given` fact.
struct skip : star<sor<space, comment>> {
  // Optimization: one loop over blanks and comments (every token ends with
  // this rule, so it runs more often than any other).
  template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class, typename ParseInput,
            typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&...) {
    const char* p = in.current();
    const char* end = in.end();
    while (p != end) {
      char c = *p;
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') {
        ++p;
      } else if (c == '#') {
        const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
        p = nl ? static_cast<const char*>(nl) : end;
      } else {
        break;
      }
    }
    in.bump(static_cast<size_t>(p - in.current()));
    return true;
  }
};
// Padding inside a `given` fact: a newline ends the fact, so it is not padding.
struct line_skip : star<sor<blank, one<'\r'>, comment>> {};

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

// Words reserved in expressions (they can never name a variable).
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_contains : TAO_PEGTL_KEYWORD("contains") {};
struct kw_overlaps : TAO_PEGTL_KEYWORD("overlaps") {};
struct kw_within : TAO_PEGTL_KEYWORD("within") {};
struct kw_all : TAO_PEGTL_KEYWORD("all") {};
struct kw_any : TAO_PEGTL_KEYWORD("any") {};
struct kw_none : TAO_PEGTL_KEYWORD("none") {};
struct kw_count : TAO_PEGTL_KEYWORD("count") {};
struct kw_for : TAO_PEGTL_KEYWORD("for") {};
struct kw_where : TAO_PEGTL_KEYWORD("where") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_require : TAO_PEGTL_KEYWORD("require") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_null : TAO_PEGTL_KEYWORD("null") {};
struct kw_service : TAO_PEGTL_KEYWORD("service") {};
struct kw_tcp : TAO_PEGTL_KEYWORD("tcp") {};
struct kw_udp : TAO_PEGTL_KEYWORD("udp") {};
struct kw_icmp : TAO_PEGTL_KEYWORD("icmp") {};
struct kw_icmpv6 : TAO_PEGTL_KEYWORD("icmpv6") {};

struct reserved
  : sor<kw_and, kw_or, kw_not, kw_in, kw_contains, kw_overlaps, kw_within, kw_all, kw_any, kw_none, kw_count,
        kw_for, kw_where, kw_when, kw_require, kw_true, kw_false, kw_null, kw_service, kw_tcp, kw_udp, kw_icmp,
        kw_icmpv6> {
  // Optimization: every name is tested against this list, so the word is read
  // once and looked up, rather than tried against 23 keyword rules. A keyword
  // matches when it is the whole run of identifier characters ahead.
  template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class, typename ParseInput,
            typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&...) {
    static constexpr std::string_view kWords[] = {
        "and", "or",  "not",   "in",    "contains", "overlaps", "within",  "all", "any", "none", "count", "for",
        "where", "when", "require", "true", "false", "null", "service", "tcp", "udp", "icmp", "icmpv6"};
    size_t n = wordLength(in.current(), in.end());
    if (n < 2 || n > 8) return false;
    std::string_view word(in.current(), n);
    for (std::string_view w : kWords)
      if (w == word) {
        in.bump(n);
        return true;
      }
    return false;
  }
};

// Words that only mean something in one place (statement and clause heads,
// clause values). They stay usable as names in expressions.
struct kw_package : TAO_PEGTL_KEYWORD("package") {};
struct kw_import : TAO_PEGTL_KEYWORD("import") {};
struct kw_let : TAO_PEGTL_KEYWORD("let") {};
struct kw_def : TAO_PEGTL_KEYWORD("def") {};
struct kw_rule : TAO_PEGTL_KEYWORD("rule") {};
struct kw_endpoint : TAO_PEGTL_KEYWORD("endpoint") {};
struct kw_exempt : TAO_PEGTL_KEYWORD("exempt") {};
struct kw_test : TAO_PEGTL_KEYWORD("test") {};
struct kw_given : TAO_PEGTL_KEYWORD("given") {};
struct kw_expect : TAO_PEGTL_KEYWORD("expect") {};
struct kw_required : TAO_PEGTL_KEYWORD("required") {};
struct kw_via : TAO_PEGTL_KEYWORD("via") {};
struct kw_gateway : TAO_PEGTL_KEYWORD("gateway") {};
struct kw_interface : TAO_PEGTL_KEYWORD("interface") {};
struct kw_title : TAO_PEGTL_KEYWORD("title") {};
struct kw_level : TAO_PEGTL_KEYWORD("level") {};
struct kw_severity : TAO_PEGTL_KEYWORD("severity") {};
struct kw_tags : TAO_PEGTL_KEYWORD("tags") {};
struct kw_rationale : TAO_PEGTL_KEYWORD("rationale") {};
struct kw_refs : TAO_PEGTL_KEYWORD("refs") {};
struct kw_fix : TAO_PEGTL_KEYWORD("fix") {};
struct kw_message : TAO_PEGTL_KEYWORD("message") {};
struct kw_until : TAO_PEGTL_KEYWORD("until") {};
struct kw_by : TAO_PEGTL_KEYWORD("by") {};
struct kw_because : TAO_PEGTL_KEYWORD("because") {};
struct kw_on : TAO_PEGTL_KEYWORD("on") {};
struct kw_pass : TAO_PEGTL_KEYWORD("pass") {};
struct kw_fail : TAO_PEGTL_KEYWORD("fail") {};
struct kw_list : TAO_PEGTL_KEYWORD("list") {};
struct kw_routes : TAO_PEGTL_KEYWORD("routes") {};
struct level_word : sor<TAO_PEGTL_KEYWORD("advisory"), TAO_PEGTL_KEYWORD("warn"), TAO_PEGTL_KEYWORD("deny")> {};
struct severity_word
  : sor<TAO_PEGTL_KEYWORD("info"), TAO_PEGTL_KEYWORD("low"), TAO_PEGTL_KEYWORD("medium"),
        TAO_PEGTL_KEYWORD("high"), TAO_PEGTL_KEYWORD("critical")> {};

// An identifier that is not a reserved word: variables, names, rule names.
struct name_raw : seq<not_at<reserved>, identifier> {};
// `aws.sagemaker`, `training_in_private_subnets`, `aws.sagemaker.some_rule`.
struct dotted_raw : seq<identifier, star<one<'.'>, identifier>> {};
// A bare word in tests and sentences: an identifier that may also contain '-'
// and '.' between letters and digits, so that resource ids (`subnet-1`), zones
// (`us-east-1a`) and service names (`ecr.dkr`) need no quotes.
struct word_raw : seq<identifier_first, star<identifier_other>, star<one<'-', '.'>, plus<identifier_other>>> {};

// ---------------------------------------------------------------------------
// Literals (raw: the parser's actions turn each into an expression)
// ---------------------------------------------------------------------------

struct digits : plus<digit> {};
struct int_raw : seq<digits, not_at<identifier_other>> {};
// YYYY-MM-DD. Tried before integers, so `2027-03-01` is a date and
// arithmetic on integers needs spaces or fewer digits (`2027 - 3 - 1`).
struct date_raw
  : seq<rep<4, digit>, one<'-'>, rep<2, digit>, one<'-'>, rep<2, digit>, not_at<identifier_other>> {};
struct ipv4_body : seq<digits, one<'.'>, digits, one<'.'>, digits, one<'.'>, digits> {};
struct cidr4_raw : seq<ipv4_body, one<'/'>, digits, not_at<identifier_other>> {};
struct ipv4_raw : seq<ipv4_body, not_at<identifier_other>> {};
// IPv6 needs at least two colons (`2001:db8::1`, `::1`, `::`), so the single
// colon of `all x in db: y` never starts an address. The parser validates the
// text; this rule only finds where an address must be.
struct hex_or_dot : sor<xdigit, one<'.'>> {};
// Optimization: names like `default` start with hex digits too; a quick scan
// for the first colon spares them two attempts at an address.
struct ipv6_ahead {
  template <typename ParseInput>
  static bool test(const ParseInput& in) {
    const char* p = in.current();
    const char* end = in.end();
    while (p != end && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F') || *p == '.'))
      ++p;
    return p != end && *p == ':';
  }
};
struct ipv6_body
  : guarded<ipv6_ahead,
            seq<star<hex_or_dot>, one<':'>, star<hex_or_dot>, one<':'>, star<sor<hex_or_dot, one<':'>>>>> {};
struct cidr6_raw : seq<ipv6_body, one<'/'>, digits, not_at<identifier_other>> {};
struct ipv6_raw : seq<ipv6_body, not_at<identifier_other>> {};
// Every literal that starts like a number or an address; order matters.
struct net_raw : sor<cidr6_raw, ipv6_raw, date_raw, cidr4_raw, ipv4_raw, int_raw> {};

// `443` or `1024..65535`.
struct port_hi : digits {};
struct port_range_raw : seq<digits, opt<two<'.'>, must<port_hi>>, not_at<identifier_other>> {};
// `tcp 443`, `udp 1024..65535`, `tcp` (every port), `icmp`, `icmpv6`, `all`.
// Pad is the padding allowed between the protocol and its ports.
template <typename Pad>
struct traffic_raw
  : sor<seq<sor<kw_tcp, kw_udp>, opt<at<Pad, digit>, Pad, port_range_raw>>, kw_icmpv6, kw_icmp, kw_all> {};

struct true_raw : kw_true {};
struct false_raw : kw_false {};
struct null_raw : kw_null {};

// Strings: `"..."` with escapes \" \\ \n \t \{ \} and `{expr}` interpolation.
// The interpolated expression is parsed in place by the expression grammar, so
// its positions are positions in the file.
struct expr;
struct string_open : one<'"'> {};
struct string_close : one<'"'> {};
struct string_text : plus<not_one<'"', '\\', '{', '}', '\n'>> {
  // Optimization: message and rationale text is half of the standard library,
  // so it is scanned with a table, not a rule per character.
  template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class, typename ParseInput,
            typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&...) {
    using stop = byte_set<'"', '\\', '{', '}', '\n'>;
    const char* p = in.current();
    const char* end = in.end();
#if defined(__SSE2__)
    // Sixteen bytes at a time: a rationale runs for hundreds of them.
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), open = _mm_set1_epi8('{'),
                  close = _mm_set1_epi8('}'), newline = _mm_set1_epi8('\n');
    while (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i hit = _mm_or_si128(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                       _mm_or_si128(_mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close))),
          _mm_cmpeq_epi8(v, newline));
      if (const int mask = _mm_movemask_epi8(hit)) {
        p += __builtin_ctz(static_cast<unsigned>(mask));  // a stop byte: the loop below ends at once
        break;
      }
      p += 16;
    }
#endif
    while (p != end && !stop::has(*p)) ++p;
    if (p == in.current()) return false;
    in.bump(static_cast<size_t>(p - in.current()));
    return true;
  }
};
struct escape_char : one<'"', '\\', 'n', 't', '{', '}'> {};
struct string_escape : seq<one<'\\'>, must<escape_char>> {};
struct interp_open : one<'{'> {};
struct interp_expr;
struct interp_close : one<'}'> {};
struct interpolation : seq<interp_open, skip, must<interp_expr>, must<interp_close>> {};
struct stray_rbrace : one<'}'> {};
struct string_part : sor<string_text, string_escape, interpolation, seq<at<one<'}'>>, raise<stray_rbrace>>> {};
struct string_raw : seq<string_open, star<string_part>, must<string_close>> {};
struct string_tok : seq<string_raw, skip> {};

// ---------------------------------------------------------------------------
// Punctuation and keyword tokens (with padding)
// ---------------------------------------------------------------------------

struct comma : seq<one<','>, skip> {};
struct lparen : seq<one<'('>, skip> {};
struct rparen : seq<one<')'>, skip> {};
struct lbracket : seq<one<'['>, skip> {};
struct rbracket : seq<one<']'>, skip> {};
struct lbrace : seq<one<'{'>, skip> {};
struct rbrace : seq<one<'}'>, skip> {};
struct colon : seq<one<':'>, skip> {};
// A single '=' (definitions), never the start of '=='.
struct assign : seq<one<'='>, not_at<one<'='>>, skip> {};

struct in_tok : seq<kw_in, skip> {};
struct for_tok : seq<kw_for, skip> {};
struct where_tok : seq<kw_where, skip> {};

// ---------------------------------------------------------------------------
// Expressions, lowest precedence first:
//   or < and < not < comparisons < + - < unary - < .attr f() < primary
// ---------------------------------------------------------------------------

// Rules that recurse into expressions derive from `nesting`, so the parser's
// control can bound how deep hostile input may nest.
struct nesting {};

struct paren_open : lparen {};
struct paren_inner;
struct paren_close : rparen {};
struct paren_expr : seq<paren_open, must<paren_inner>, must<paren_close>> {};

// `[a, b]`, `[]`, `[e for v in xs]`, `[e for v in xs where c]`. A trailing
// comma is allowed so long lists can be written one item per line.
struct list_open : lbracket {};
struct list_item;
struct list_more_item;
struct list_empty_close : rbracket {};
struct list_close : rbracket {};
struct list_more : seq<comma, must<list_more_item>> {};
struct list_rest : seq<star<list_more>, must<list_close>> {};
struct comp_for : for_tok {};
struct comp_var : seq<name_raw, skip> {};
struct comp_in : in_tok {};
struct comp_coll;
struct comp_filter;
struct comp_where : seq<where_tok, must<comp_filter>> {};
struct comp_close : rbracket {};
struct comprehension_rest : seq<comp_for, must<comp_var>, must<comp_in>, must<comp_coll>, opt<comp_where>, must<comp_close>> {};
struct list_nonempty : seq<list_item, sor<comprehension_rest, list_rest>> {};
struct list_body : sor<list_empty_close, list_nonempty> {};
struct list_expr : seq<list_open, must<list_body>> {};

// `{a, b}` and `{}`.
struct set_open : lbrace {};
struct set_item;
struct set_more_item;
struct set_empty_close : rbrace {};
struct set_close : rbrace {};
struct set_more : seq<comma, must<set_more_item>> {};
struct set_nonempty : seq<set_item, star<set_more>, must<set_close>> {};
struct set_body : sor<set_empty_close, set_nonempty> {};
struct set_expr : seq<set_open, must<set_body>> {};

// `all|any|none VAR in EXPR: EXPR`; the body is a full expression, so it
// extends as far right as it can. `all` is a quantifier only when `NAME in`
// follows; otherwise it is the traffic literal (`all in sg.allowed`, or `all`
// at the end of a clause followed by the next clause's word).
struct quant_word : sor<kw_all, kw_any, kw_none> {};
struct quant_head : seq<quant_word, skip> {};
struct quant_var : seq<name_raw, skip> {};
struct quant_in : in_tok {};
struct quant_coll;
struct quant_colon : colon {};
struct quant_body;
struct quantifier_rest : seq<quant_head, must<quant_var>, must<quant_in>, must<quant_coll>, must<quant_colon>, must<quant_body>> {};
struct quantifier : seq<sor<at<kw_all, skip, name_raw, skip, kw_in>, at<kw_any>, at<kw_none>>, quantifier_rest> {};

// `count(VAR in EXPR [where EXPR])` or `count(EXPR)`.
struct count_head : seq<kw_count, skip> {};
struct count_open : lparen {};
struct count_var : seq<name_raw, skip> {};
struct count_in : in_tok {};
struct count_coll;
struct count_filter;
struct count_where : seq<where_tok, must<count_filter>> {};
struct count_bound : seq<at<name_raw, skip, kw_in>, count_var, count_in, must<count_coll>, opt<count_where>> {};
struct count_plain;
struct count_body : sor<count_bound, count_plain> {};
struct count_close : rparen {};
struct count_expr : seq<count_head, must<count_open>, must<count_body>, must<count_close>> {};

// `service "s3"`.
struct service_head : seq<kw_service, skip> {};
struct service_name : string_tok {};
struct service_lit : seq<service_head, must<service_name>> {};

// A name, or a call when '(' follows: calls are only ever on plain names.
struct name_ref : name_raw {};
struct call_open : lparen {};
struct call_arg;
struct call_more_arg;
struct call_close : rparen {};
struct call_more : seq<comma, must<call_more_arg>> {};
struct call_nonempty : seq<call_arg, star<call_more>, must<call_close>> {};
struct call_body : sor<call_close, call_nonempty> {};
struct call_args : seq<call_open, must<call_body>> {};
struct name_or_call : seq<name_ref, skip, opt<call_args>> {};

struct literal_tok : seq<sor<net_raw, string_raw, true_raw, false_raw, null_raw, traffic_raw<skip>>, skip> {};

struct primary
  : sor<paren_expr, list_expr, set_expr, quantifier, count_expr, service_lit, literal_tok, name_or_call> {
  // Optimization: every operand of every operator is a primary, and most are
  // names, which the sor reached only after some twenty failed alternatives.
  // The first byte, and for a word the word itself, tells which alternative
  // can match; whatever is not plainly one of them takes the sor.
  template <apply_mode A, rewind_mode M, template <typename...> class Action, template <typename...> class Control,
            typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    using all = sor<paren_expr, list_expr, set_expr, quantifier, count_expr, service_lit, literal_tok, name_or_call>;
    if (in.empty()) return false;
    const char c = in.peek_char();
    switch (c) {
      case '(': return Control<paren_expr>::template match<A, M, Action, Control>(in, st...);
      case '[': return Control<list_expr>::template match<A, M, Action, Control>(in, st...);
      case '{': return Control<set_expr>::template match<A, M, Action, Control>(in, st...);
      case '"': return Control<literal_tok>::template match<A, M, Action, Control>(in, st...);
      default: break;
    }
    if (c >= '0' && c <= '9') return Control<literal_tok>::template match<A, M, Action, Control>(in, st...);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      // Words that start another alternative (or may: an IPv6 address can
      // start with hex letters) go through the sor; any other word can only
      // be a name (or fail as one, when it is reserved).
      static constexpr std::string_view kOwnWords[] = {"all",  "any",  "none", "count", "service", "true",
                                                       "false", "null", "tcp",  "udp",   "icmp",    "icmpv6"};
      const size_t n = wordLength(in.current(), in.end());
      const std::string_view word(in.current(), n);
      bool plainName = !ipv6_ahead::test(in);
      for (std::string_view w : kOwnWords) plainName = plainName && w != word;
      if (plainName) return Control<name_or_call>::template match<A, M, Action, Control>(in, st...);
    }
    return all::template match<A, M, Action, Control>(in, st...);
  }
};

// Member access `.attr`; any word may follow the dot, keywords included.
struct dot : seq<one<'.'>, not_at<one<'.'>>, skip> {};
struct member_name : identifier {};
struct member_tail : seq<dot, must<member_name>, skip> {};
struct bad_call : one<'('> {};
// Optimization: the tails below are tried after every operand and mostly
// fail; `first_byte` rules each out on its first byte. (The tail rule sits in
// a one-element sor, so its own action still runs through Control.)
struct postfix_expr
  : seq<primary, star<first_byte<byte_set<'.'>, sor<member_tail>>>, opt<at<one<'('>>, raise<bad_call>>> {};

// Unary minus; '-' never starts '->' (the route arrow of tests).
struct minus : seq<one<'-'>, not_at<one<'>'>>, skip> {};
struct plus_op : seq<one<'+'>, skip> {};
struct neg_expr;
struct neg_operand;
struct neg_prefix : seq<minus, must<neg_operand>> {};
struct neg_expr : sor<first_byte<byte_set<'-'>, sor<neg_prefix>>, postfix_expr> {};
struct neg_operand : neg_expr, nesting {};

template <typename Op>
struct add_rhs : neg_expr {};
template <typename Op>
struct add_tail : seq<Op, must<add_rhs<Op>>> {};
struct add_expr : seq<neg_expr, star<first_byte<byte_set<'+', '-'>, sor<add_tail<plus_op>, add_tail<minus>>>>> {};

// Comparisons do not associate: `a < b < c` is an error, not a surprise.
struct op_eq : seq<two<'='>, skip> {};
struct op_ne : seq<one<'!'>, one<'='>, skip> {};
struct op_le : seq<one<'<'>, one<'='>, skip> {};
struct op_lt : seq<one<'<'>, skip> {};
struct op_ge : seq<one<'>'>, one<'='>, skip> {};
struct op_gt : seq<one<'>'>, skip> {};
struct op_not_in : seq<at<kw_not, skip, kw_in>, kw_not, skip, kw_in, skip> {};
struct op_in : seq<kw_in, skip> {};
struct op_contains : seq<kw_contains, skip> {};
struct op_overlaps : seq<kw_overlaps, skip> {};
struct op_within : seq<kw_within, skip> {};
template <typename Op>
struct cmp_rhs : add_expr {};
template <typename Op>
struct cmp_tail : seq<Op, must<cmp_rhs<Op>>> {};
// Optimization: most expressions are followed by no comparison at all; the
// first byte rules out all eleven operators at once.
using cmp_first = byte_set<'=', '!', '<', '>', 'n', 'i', 'c', 'o', 'w'>;
struct cmp_any
  : first_byte<cmp_first,
               sor<cmp_tail<op_eq>, cmp_tail<op_ne>, cmp_tail<op_le>, cmp_tail<op_lt>, cmp_tail<op_ge>,
                   cmp_tail<op_gt>, cmp_tail<op_not_in>, cmp_tail<op_in>, cmp_tail<op_contains>,
                   cmp_tail<op_overlaps>, cmp_tail<op_within>>> {};
struct cmp_ahead
  : first_byte<cmp_first, sor<two<'='>, seq<one<'!'>, one<'='>>, one<'<'>, one<'>'>, seq<kw_not, skip, kw_in>, kw_in,
                              kw_contains, kw_overlaps, kw_within>> {};
struct chained_comparison : cmp_ahead {};
struct cmp_expr : seq<add_expr, opt<cmp_any>, opt<at<cmp_ahead>, raise<chained_comparison>>> {};

struct not_head : seq<kw_not, skip> {};
struct not_expr;
struct not_operand;
struct not_prefix : seq<not_head, must<not_operand>> {};
struct not_expr : sor<first_byte<byte_set<'n'>, sor<not_prefix>>, cmp_expr> {};
struct not_operand : not_expr, nesting {};

struct and_head : seq<kw_and, skip> {};
struct and_rhs : not_expr {};
struct and_tail : seq<and_head, must<and_rhs>> {};
struct and_expr : seq<not_expr, star<first_byte<byte_set<'a'>, sor<and_tail>>>> {};

struct or_head : seq<kw_or, skip> {};
struct or_rhs : and_expr {};
struct or_tail : seq<or_head, must<or_rhs>> {};
struct or_expr : seq<and_expr, star<first_byte<byte_set<'o'>, sor<or_tail>>>> {};

struct expr : or_expr, nesting {};

// Expression aliases: each names one place an expression is expected.
struct interp_expr : expr {};
struct paren_inner : expr {};
struct list_item : expr {};
struct list_more_item : sor<at<one<']'>>, expr> {};
struct comp_coll : expr {};
struct comp_filter : expr {};
struct set_item : expr {};
struct set_more_item : sor<at<one<'}'>>, expr> {};
struct quant_coll : expr {};
struct quant_body : expr {};
struct count_coll : expr {};
struct count_filter : expr {};
struct count_plain : expr {};
struct call_arg : expr {};
struct call_more_arg : expr {};

// ---------------------------------------------------------------------------
// Types of def parameters: `subnet`, `cidr`, `list<subnet>`
// ---------------------------------------------------------------------------

struct list_type_arg;
struct simple_type : seq<identifier, skip> {};
struct list_type_open : seq<at<kw_list, skip, one<'<'>>, kw_list, skip, one<'<'>, skip> {};
struct list_type_close : seq<one<'>'>, skip> {};
struct list_type : seq<list_type_open, must<list_type_arg>, must<list_type_close>> {};
struct type_expr : sor<list_type, simple_type> {};
struct list_type_arg : type_expr {};

// ---------------------------------------------------------------------------
// Top-level statements
// ---------------------------------------------------------------------------

// package aws.sagemaker
struct package_head : seq<kw_package, skip> {};
struct package_name : seq<dotted_raw, skip> {};
struct package_stmt : seq<package_head, must<package_name>> {};

// import aws.endpoints
struct import_head : seq<kw_import, skip> {};
struct import_path : seq<dotted_raw, skip> {};
struct import_stmt : seq<import_head, must<import_path>> {};

// let NAME = EXPR
struct let_head : seq<kw_let, skip> {};
struct let_name : seq<name_raw, skip> {};
struct let_assign : assign {};
struct let_value : expr {};
struct let_stmt : seq<let_head, must<let_name>, must<let_assign>, must<let_value>> {};

// def NAME(p: TYPE, ...) = EXPR
struct def_head : seq<kw_def, skip> {};
struct def_name : seq<name_raw, skip> {};
struct def_open : lparen {};
struct param_name : seq<name_raw, skip> {};
struct param_colon : colon {};
struct param_type : type_expr {};
struct param : seq<param_name, must<param_colon>, must<param_type>> {};
struct param_more : param {};
struct def_close : rparen {};
struct def_close_after_params : rparen {};
struct def_params : seq<param, star<comma, must<param_more>>, must<def_close_after_params>> {};
struct def_param_list : sor<def_close, def_params> {};
struct def_assign : assign {};
struct def_body : expr {};
struct def_stmt : seq<def_head, must<def_name>, must<def_open>, must<def_param_list>, must<def_assign>, must<def_body>> {};

// endpoint SERVICE required [via gateway|interface] when EXPR
// The same sentence stands alone or sits inside a rule; Head tells which.
struct sentence_service : seq<word_raw, skip> {};
struct sentence_required : seq<kw_required, skip> {};
struct via_kind : seq<sor<kw_gateway, kw_interface>, skip> {};
struct sentence_via : seq<kw_via, skip, must<via_kind>> {};
struct sentence_when : seq<kw_when, skip> {};
struct sentence_cond : expr {};
template <typename Head>
struct sentence_t
  : seq<Head, must<sentence_service>, must<sentence_required>, opt<sentence_via>, must<sentence_when>,
        must<sentence_cond>> {};
struct stmt_endpoint_head : seq<kw_endpoint, skip> {};
struct sentence_stmt : sentence_t<stmt_endpoint_head> {};

// rule NAME { CLAUSE* }: clauses in any order; all but `for` at most once.
struct title_head : seq<kw_title, skip> {};
struct title_text : string_tok {};
struct title_clause : seq<title_head, must<title_text>> {};
struct level_head : seq<kw_level, skip> {};
struct level_value : seq<level_word, skip> {};
struct level_clause : seq<level_head, must<level_value>> {};
struct severity_head : seq<kw_severity, skip> {};
struct severity_value : seq<severity_word, skip> {};
struct severity_clause : seq<severity_head, must<severity_value>> {};
struct tags_head : seq<kw_tags, skip> {};
struct tag_text : string_tok {};
struct tag_more : string_tok {};
struct tags_clause : seq<tags_head, must<tag_text>, star<comma, must<tag_more>>> {};
struct rationale_head : seq<kw_rationale, skip> {};
struct rationale_text : string_tok {};
struct rationale_clause : seq<rationale_head, must<rationale_text>> {};
struct refs_head : seq<kw_refs, skip> {};
struct ref_text : string_tok {};
struct ref_more : string_tok {};
struct refs_clause : seq<refs_head, must<ref_text>, star<comma, must<ref_more>>> {};
struct fix_head : seq<kw_fix, skip> {};
struct fix_text : string_tok {};
struct fix_clause : seq<fix_head, must<fix_text>> {};
struct for_head : for_tok {};
struct for_var : seq<name_raw, skip> {};
struct for_in : in_tok {};
struct for_coll : expr {};
struct for_filter : expr {};
struct for_where : seq<where_tok, must<for_filter>> {};
struct for_clause : seq<for_head, must<for_var>, must<for_in>, must<for_coll>, opt<for_where>> {};
struct when_head : seq<kw_when, skip> {};
struct when_cond : expr {};
struct when_clause : seq<when_head, must<when_cond>> {};
struct require_head : seq<kw_require, skip> {};
struct require_cond : expr {};
struct require_clause : seq<require_head, must<require_cond>> {};
struct message_head : seq<kw_message, skip> {};
struct message_text : string_tok {};
struct message_clause : seq<message_head, must<message_text>> {};
struct rule_endpoint_head : seq<kw_endpoint, skip> {};
struct rule_sentence : sentence_t<rule_endpoint_head> {};
struct rule_clause
  : sor<title_clause, level_clause, severity_clause, tags_clause, rationale_clause, refs_clause, fix_clause,
        for_clause, when_clause, require_clause, message_clause, rule_sentence> {};
struct rule_head : seq<kw_rule, skip> {};
struct rule_name : seq<name_raw, skip> {};
struct rule_open : lbrace {};
struct rule_close : rbrace {};
struct rule_stmt : seq<rule_head, must<rule_name>, must<rule_open>, star<rule_clause>, must<rule_close>> {};

// exempt RULE for WORD "resource" [until DATE] [by "owner"] [because "why"]
// The optional parts may come in any order, each at most once.
struct exempt_head : seq<kw_exempt, skip> {};
struct exempt_rule : seq<dotted_raw, skip> {};
struct exempt_for : for_tok {};
struct exempt_subject : seq<name_raw, skip> {};
struct exempt_resource : string_tok {};
struct until_head : seq<kw_until, skip> {};
struct until_date : seq<date_raw, skip> {};
struct exempt_until : seq<until_head, must<until_date>> {};
struct by_head : seq<kw_by, skip> {};
struct owner_text : string_tok {};
struct exempt_by : seq<by_head, must<owner_text>> {};
struct because_head : seq<kw_because, skip> {};
struct reason_text : string_tok {};
struct exempt_because : seq<because_head, must<reason_text>> {};
struct exempt_stmt
  : seq<exempt_head, must<exempt_rule>, must<exempt_for>, must<exempt_subject>, must<exempt_resource>,
        star<sor<exempt_until, exempt_by, exempt_because>>> {};

// test "name" { given { FACT* } EXPECT* }
//
// The given block is line-oriented: a fact is `KIND ID [in PARENT] (KEY VALUE)*`
// on one line, ended by a newline or ';'. Inside a fact only blanks and
// comments are padding, so a fact cannot silently run into the next one;
// inside a `[...]` value newlines are padding again, so long lists may wrap.
struct fact_kind : seq<identifier, line_skip> {};
struct fact_id : seq<word_raw, line_skip> {};
struct fact_in : seq<kw_in, line_skip> {};
struct fact_parent : seq<word_raw, line_skip> {};
struct fact_key : seq<not_at<kw_in>, identifier, line_skip> {};
struct given_word : word_raw {};
// A scalar value: a literal or a bare word (another fact's id, a zone...).
template <typename Pad>
struct given_scalar
  : seq<sor<net_raw, string_raw, true_raw, false_raw, null_raw, traffic_raw<Pad>, given_word>, Pad> {};
struct given_list_open : lbracket {};
struct given_list_item : given_scalar<skip> {};
struct given_list_more_item : given_scalar<skip> {};
struct given_list_close : seq<one<']'>, line_skip> {};
struct given_list_close_after_items : given_list_close {};
struct given_list_nonempty
  : seq<given_list_item, star<comma, must<given_list_more_item>>, must<given_list_close_after_items>> {};
struct given_list_body : sor<given_list_close, given_list_nonempty> {};
struct given_list : seq<given_list_open, must<given_list_body>> {};
struct field_value : sor<given_list, given_scalar<line_skip>> {};
struct plain_field : seq<fact_key, must<field_value>> {};
// routes [DEST -> TARGET, ...]: DEST is a CIDR or a prefix-list id.
struct routes_key : seq<kw_routes, line_skip> {};
struct routes_open : lbracket {};
struct route_dest : seq<sor<cidr6_raw, cidr4_raw, given_word>, skip> {};
struct route_arrow : seq<one<'-'>, one<'>'>, skip> {};
struct route_target : seq<word_raw, skip> {};
struct route : seq<route_dest, must<route_arrow>, must<route_target>> {};
struct route_more : route {};
struct routes_close : seq<one<']'>, line_skip> {};
struct routes_close_after_items : routes_close {};
struct routes_nonempty : seq<route, star<comma, must<route_more>>, must<routes_close_after_items>> {};
struct routes_body : sor<routes_close, routes_nonempty> {};
struct routes_field : seq<routes_key, must<routes_open>, must<routes_body>> {};
struct fact_field : sor<routes_field, plain_field> {};
struct fact_parent_part : seq<fact_in, must<fact_parent>> {};
struct given_fact : seq<fact_kind, must<fact_id>, opt<fact_parent_part>, star<fact_field>> {};
struct fact_end : sor<one<';'>, eol, at<one<'}'>>, eof> {};
struct given_head : seq<kw_given, skip> {};
struct given_open : lbrace {};
struct given_close : rbrace {};
struct given_block : seq<given_head, must<given_open>, star<given_fact, must<fact_end>, skip>, must<given_close>> {};

struct expect_head : seq<kw_expect, skip> {};
struct expect_kind : seq<sor<kw_pass, kw_fail>, skip> {};
struct expect_rule : seq<dotted_raw, skip> {};
struct on_head : seq<kw_on, skip> {};
struct expect_target : seq<word_raw, skip> {};
struct expect_on : seq<on_head, must<expect_target>> {};
struct expect_count_head : seq<kw_count, skip> {};
struct expect_count_value : seq<int_raw, skip> {};
struct expect_count : seq<expect_count_head, must<expect_count_value>> {};
struct expectation : seq<expect_head, must<expect_kind>, must<expect_rule>, opt<expect_on>, opt<expect_count>> {};

struct test_head : seq<kw_test, skip> {};
struct test_name : string_tok {};
struct test_open : lbrace {};
struct test_close : rbrace {};
struct test_stmt : seq<test_head, must<test_name>, must<test_open>, opt<given_block>, star<expectation>, must<test_close>> {};

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

struct statement
  : sor<package_stmt, import_stmt, let_stmt, def_stmt, rule_stmt, sentence_stmt, exempt_stmt, test_stmt> {};
struct module_end : eof {};
// A whole .ward file.
struct module : seq<skip, star<statement>, must<module_end>> {};

// One expression (`ward eval`, the REPL): the whole text must be consumed.
struct expression_body : expr {};
struct expression_end : eof {};
struct expression_input : seq<skip, must<expression_body>, must<expression_end>> {};

// One parameter type name ("list<cidr>").
struct type_body : type_expr {};
struct type_end : eof {};
struct type_input : seq<skip, must<type_body>, must<type_end>> {};

}  // namespace ward::grammar
