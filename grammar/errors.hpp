// Syntax error messages, one per must<> point of the grammar, and the PEGTL
// control that raises them with the offending token ("got 'x'") appended.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include <tao/pegtl.hpp>

#include "grammar/grammar.hpp"

namespace ward::grammar {

// How deep expressions may nest before the parser refuses (each level costs
// native stack; hostile input must get an error, not a crash).
inline constexpr unsigned kMaxNesting = 256;
inline constexpr const char* kTooDeep = "expression nested too deeply (more than 256 levels)";

// Messages are lowercase and say what was expected; the control appends
// ", got <token>" to every message that starts with "expected". The parser
// fills in two placeholders: {name} is the statement being parsed (a rule,
// def, let or test name) and {key} the word just before the failure point
// that the message refers to (a quantifier, a fact kind, a field name).
template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
// Literals.
template <> inline constexpr const char* error_message<port_hi> = "expected a port number after '..'";
template <> inline constexpr const char* error_message<escape_char> = "expected '\"', '\\', 'n', 't', '{' or '}' after '\\' in a string";
template <> inline constexpr const char* error_message<interp_expr> = "expected an expression after '{' in the string (write '\\{' for a literal brace)";
template <> inline constexpr const char* error_message<interp_close> = "expected '}' to close the interpolation";
template <> inline constexpr const char* error_message<stray_rbrace> = "unmatched '}' in a string; write '\\}' for a literal brace";
template <> inline constexpr const char* error_message<string_close> = "expected '\"' to close the string";

// Expressions.
template <> inline constexpr const char* error_message<paren_inner> = "expected an expression after '('";
template <> inline constexpr const char* error_message<paren_close> = "expected ')' to close '('";
template <> inline constexpr const char* error_message<list_body> = "expected an expression or ']' after '['";
template <> inline constexpr const char* error_message<list_more_item> = "expected an expression or ']' after ','";
template <> inline constexpr const char* error_message<list_close> = "expected ',' or ']' to close the list";
template <> inline constexpr const char* error_message<comp_var> = "expected a variable name after 'for'";
template <> inline constexpr const char* error_message<comp_in> = "expected 'in' after the variable of 'for'";
template <> inline constexpr const char* error_message<comp_coll> = "expected a collection after 'in'";
template <> inline constexpr const char* error_message<comp_filter> = "expected a condition after 'where'";
template <> inline constexpr const char* error_message<comp_close> = "expected 'where' or ']' to close the comprehension";
template <> inline constexpr const char* error_message<set_body> = "expected an expression or '}' after '{'";
template <> inline constexpr const char* error_message<set_more_item> = "expected an expression or '}' after ','";
template <> inline constexpr const char* error_message<set_close> = "expected ',' or '}' to close the set";
template <> inline constexpr const char* error_message<quant_var> = "expected a variable name after '{key}'";
template <> inline constexpr const char* error_message<quant_in> = "expected 'in' after the variable of '{key}'";
template <> inline constexpr const char* error_message<quant_coll> = "expected a collection after 'in'";
template <> inline constexpr const char* error_message<quant_colon> = "expected ':' after the collection of '{key}'";
template <> inline constexpr const char* error_message<quant_body> = "expected an expression after ':'";
template <> inline constexpr const char* error_message<count_open> = "expected '(' after 'count'";
template <> inline constexpr const char* error_message<count_body> = "expected an expression after 'count('";
template <> inline constexpr const char* error_message<count_coll> = "expected a collection after 'in'";
template <> inline constexpr const char* error_message<count_filter> = "expected a condition after 'where'";
template <> inline constexpr const char* error_message<count_close> = "expected ')' to close 'count('";
template <> inline constexpr const char* error_message<service_name> = "expected a service name string after 'service', as in service \"s3\"";
template <> inline constexpr const char* error_message<call_body> = "expected an argument or ')' after '('";
template <> inline constexpr const char* error_message<call_more_arg> = "expected an argument after ','";
template <> inline constexpr const char* error_message<call_close> = "expected ',' or ')' to close the call";
template <> inline constexpr const char* error_message<member_name> = "expected an attribute name after '.'";
template <> inline constexpr const char* error_message<bad_call> = "only functions can be called, by name, as in f(x)";
template <> inline constexpr const char* error_message<neg_operand> = "expected an expression after '-'";
template <> inline constexpr const char* error_message<add_rhs<plus_op>> = "expected an expression after '+'";
template <> inline constexpr const char* error_message<add_rhs<minus>> = "expected an expression after '-'";
template <> inline constexpr const char* error_message<cmp_rhs<op_eq>> = "expected an expression after '=='";
template <> inline constexpr const char* error_message<cmp_rhs<op_ne>> = "expected an expression after '!='";
template <> inline constexpr const char* error_message<cmp_rhs<op_le>> = "expected an expression after '<='";
template <> inline constexpr const char* error_message<cmp_rhs<op_lt>> = "expected an expression after '<'";
template <> inline constexpr const char* error_message<cmp_rhs<op_ge>> = "expected an expression after '>='";
template <> inline constexpr const char* error_message<cmp_rhs<op_gt>> = "expected an expression after '>'";
template <> inline constexpr const char* error_message<cmp_rhs<op_not_in>> = "expected an expression after 'not in'";
template <> inline constexpr const char* error_message<cmp_rhs<op_in>> = "expected an expression after 'in'";
template <> inline constexpr const char* error_message<cmp_rhs<op_contains>> = "expected an expression after 'contains'";
template <> inline constexpr const char* error_message<cmp_rhs<op_overlaps>> = "expected an expression after 'overlaps'";
template <> inline constexpr const char* error_message<cmp_rhs<op_within>> = "expected an expression after 'within'";
template <> inline constexpr const char* error_message<chained_comparison> = "comparisons do not chain; join them with 'and' or add parentheses";
template <> inline constexpr const char* error_message<not_operand> = "expected an expression after 'not'";
template <> inline constexpr const char* error_message<and_rhs> = "expected an expression after 'and'";
template <> inline constexpr const char* error_message<or_rhs> = "expected an expression after 'or'";

// Types.
template <> inline constexpr const char* error_message<list_type_arg> = "expected a type after 'list<'";
template <> inline constexpr const char* error_message<list_type_close> = "expected '>' to close 'list<'";

// Statements.
template <> inline constexpr const char* error_message<package_name> = "expected a package name after 'package', as in aws.sagemaker";
template <> inline constexpr const char* error_message<import_path> = "expected a module name after 'import', as in aws.endpoints";
template <> inline constexpr const char* error_message<let_name> = "expected a name after 'let'";
template <> inline constexpr const char* error_message<let_assign> = "expected '=' after 'let {name}'";
template <> inline constexpr const char* error_message<let_value> = "expected an expression after '='";
template <> inline constexpr const char* error_message<def_name> = "expected a function name after 'def'";
template <> inline constexpr const char* error_message<def_open> = "expected '(' after 'def {name}'";
template <> inline constexpr const char* error_message<def_param_list> = "expected a parameter name or ')'";
template <> inline constexpr const char* error_message<param_colon> = "expected ':' and a type after parameter '{key}'";
template <> inline constexpr const char* error_message<param_type> = "expected a type after ':'";
template <> inline constexpr const char* error_message<param_more> = "expected a parameter name after ','";
template <> inline constexpr const char* error_message<def_close_after_params> = "expected ',' or ')' after the parameter";
template <> inline constexpr const char* error_message<def_assign> = "expected '=' after the parameters of '{name}'";
template <> inline constexpr const char* error_message<def_body> = "expected an expression after '='";

// The endpoint sentence.
template <> inline constexpr const char* error_message<sentence_service> = "expected a service name after 'endpoint', as in sagemaker.api";
template <> inline constexpr const char* error_message<sentence_required> = "expected 'required' after the service name";
template <> inline constexpr const char* error_message<via_kind> = "expected 'gateway' or 'interface' after 'via'";
template <> inline constexpr const char* error_message<sentence_when> = "expected 'when' and a condition to finish the endpoint sentence";
template <> inline constexpr const char* error_message<sentence_cond> = "expected a condition after 'when'";

// Rules and their clauses.
template <> inline constexpr const char* error_message<rule_name> = "expected a rule name after 'rule'";
template <> inline constexpr const char* error_message<rule_open> = "expected '{' after 'rule {name}'";
template <> inline constexpr const char* error_message<rule_close> = "expected a clause or '}' to close rule '{name}'";
template <> inline constexpr const char* error_message<title_text> = "expected a string after 'title'";
template <> inline constexpr const char* error_message<level_value> = "expected 'advisory', 'warn' or 'deny' after 'level'";
template <> inline constexpr const char* error_message<severity_value> = "expected 'info', 'low', 'medium', 'high' or 'critical' after 'severity'";
template <> inline constexpr const char* error_message<tag_text> = "expected a string after 'tags'";
template <> inline constexpr const char* error_message<tag_more> = "expected a string after ','";
template <> inline constexpr const char* error_message<rationale_text> = "expected a string after 'rationale'";
template <> inline constexpr const char* error_message<ref_text> = "expected a string after 'refs'";
template <> inline constexpr const char* error_message<ref_more> = "expected a string after ','";
template <> inline constexpr const char* error_message<fix_text> = "expected a string after 'fix'";
template <> inline constexpr const char* error_message<for_var> = "expected a variable name after 'for'";
template <> inline constexpr const char* error_message<for_in> = "expected 'in' after 'for {key}'";
template <> inline constexpr const char* error_message<for_coll> = "expected a collection after 'in'";
template <> inline constexpr const char* error_message<for_filter> = "expected a condition after 'where'";
template <> inline constexpr const char* error_message<when_cond> = "expected a condition after 'when'";
template <> inline constexpr const char* error_message<require_cond> = "expected a condition after 'require'";
template <> inline constexpr const char* error_message<message_text> = "expected a string after 'message'";

// Exemptions.
template <> inline constexpr const char* error_message<exempt_rule> = "expected a rule name after 'exempt'";
template <> inline constexpr const char* error_message<exempt_for> = "expected 'for' after 'exempt {name}'";
template <> inline constexpr const char* error_message<exempt_subject> = "expected a resource kind after 'for', as in 'subnet'";
template <> inline constexpr const char* error_message<exempt_resource> = "expected the resource id as a string, as in \"subnet-1\"";
template <> inline constexpr const char* error_message<until_date> = "expected a date (yyyy-mm-dd) after 'until'";
template <> inline constexpr const char* error_message<owner_text> = "expected the owner as a string after 'by'";
template <> inline constexpr const char* error_message<reason_text> = "expected the reason as a string after 'because'";

// Tests.
template <> inline constexpr const char* error_message<test_name> = "expected the test name as a string after 'test'";
template <> inline constexpr const char* error_message<test_open> = "expected '{' after the test name";
template <> inline constexpr const char* error_message<test_close> = "expected 'expect' or '}' to close test '{name}'";
template <> inline constexpr const char* error_message<given_open> = "expected '{' after 'given'";
template <> inline constexpr const char* error_message<given_close> = "expected a fact or '}' to close 'given'";
template <> inline constexpr const char* error_message<fact_id> = "expected an id after '{key}'";
template <> inline constexpr const char* error_message<fact_parent> = "expected a parent id after 'in'";
template <> inline constexpr const char* error_message<fact_end> = "expected a field name or the end of the fact (a new line or ';')";
template <> inline constexpr const char* error_message<field_value> = "expected a value after '{key}'";
template <> inline constexpr const char* error_message<given_list_body> = "expected a value or ']' after '['";
template <> inline constexpr const char* error_message<given_list_more_item> = "expected a value after ','";
template <> inline constexpr const char* error_message<given_list_close_after_items> = "expected ',' or ']' to close the list";
template <> inline constexpr const char* error_message<routes_open> = "expected '[' after 'routes'";
template <> inline constexpr const char* error_message<routes_body> = "expected a route (destination -> target) or ']' after '['";
template <> inline constexpr const char* error_message<route_arrow> = "expected '->' after the route destination";
template <> inline constexpr const char* error_message<route_target> = "expected a target id after '->'";
template <> inline constexpr const char* error_message<route_more> = "expected a route (destination -> target) after ','";
template <> inline constexpr const char* error_message<routes_close_after_items> = "expected ',' or ']' to close the routes";
template <> inline constexpr const char* error_message<expect_kind> = "expected 'pass' or 'fail' after 'expect'";
template <> inline constexpr const char* error_message<expect_rule> = "expected a rule name after 'expect {key}'";
template <> inline constexpr const char* error_message<expect_target> = "expected a resource id after 'on'";
template <> inline constexpr const char* error_message<expect_count_value> = "expected a number after 'count'";

// Entry points.
template <> inline constexpr const char* error_message<module_end> = "expected a statement (package, import, let, def, rule, endpoint, exempt or test)";
template <> inline constexpr const char* error_message<expression_body> = "expected an expression";
template <> inline constexpr const char* error_message<expression_end> = "expected an operator or the end of the expression";
template <> inline constexpr const char* error_message<type_body> = "expected a type name";
template <> inline constexpr const char* error_message<type_end> = "expected the end of the type";
// clang-format on

// The token at the start of `rest`, as an error message shows it ("'require'",
// "string \"abc\"", "end of line"), and how many bytes it covers (the caret).
struct TokenInfo {
  size_t length = 0;
  std::string text;
};

inline bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

inline TokenInfo describeToken(std::string_view rest) {
  if (rest.empty()) return {0, "end of input"};
  char c = rest[0];
  if (c == '\n' || (c == '\r' && rest.size() > 1 && rest[1] == '\n')) return {0, "end of line"};
  size_t n = 1;
  if (isWordChar(c)) {
    // Numbers and addresses read as one token: 10.0.0.0/16, 2027-03-01.
    bool number = c >= '0' && c <= '9';
    while (n < rest.size() &&
           (isWordChar(rest[n]) || (number && (rest[n] == '.' || rest[n] == ':' || rest[n] == '/' || rest[n] == '-'))))
      ++n;
  } else if (c == '"') {
    while (n < rest.size() && rest[n] != '"' && rest[n] != '\n') n += rest[n] == '\\' && n + 1 < rest.size() ? 2 : 1;
    // A quote without a partner on its line is just a quote.
    if (n >= rest.size() || rest[n] != '"') return {1, "'\"'"};
    ++n;
    std::string shown(rest.substr(0, n));
    if (shown.size() > 24) shown = shown.substr(0, 20) + "...\"";
    return {n, "string " + shown};
  } else if (static_cast<unsigned char>(c) >= 0x80) {
    // One UTF-8 character: the lead byte and its continuation bytes.
    while (n < rest.size() && (static_cast<unsigned char>(rest[n]) & 0xC0) == 0x80) ++n;
  } else if (rest.size() > 1) {
    std::string_view two = rest.substr(0, 2);
    if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "->" || two == "..") n = 2;
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
    static const char* hex = "0123456789abcdef";
    return {1, std::string("character 0x") + hex[(c >> 4) & 0xf] + hex[c & 0xf]};
  }
  return {n, "'" + std::string(rest.substr(0, n)) + "'"};
}

// The control class: normal PEGTL behaviour, plus
// - the error_message of a must<> point, with the offending token, on failure;
// - rules with a message are matched with rewind, so a failure is reported at
//   the start of what was expected rather than in the middle of it;
// - a bound on the nesting of `nesting` rules, counted in the parser's state
//   (any state with a `depth` member).
template <typename Rule>
struct control : normal<Rule> {
  template <apply_mode A, rewind_mode M, template <typename...> class Action, template <typename...> class Control,
            typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    constexpr rewind_mode mode = error_message<Rule> != nullptr ? rewind_mode::required : M;
    return normal<Rule>::template match<A, mode, Action, Control>(in, st...);
  }

  template <typename ParseInput, typename... States>
  static void start(const ParseInput& in, States&&... st) {
    if constexpr (std::is_base_of_v<nesting, Rule>) (enter(in, st), ...);
  }
  template <typename ParseInput, typename... States>
  static void success(const ParseInput&, States&&... st) {
    if constexpr (std::is_base_of_v<nesting, Rule>) (leave(st), ...);
  }
  template <typename ParseInput, typename... States>
  static void failure(const ParseInput&, States&&... st) {
    if constexpr (std::is_base_of_v<nesting, Rule>) (leave(st), ...);
  }

  template <typename ParseInput, typename... States>
  [[noreturn]] static void raise(const ParseInput& in, States&&...) {
    static_assert(error_message<Rule> != nullptr, "every must<> point needs an error_message in grammar/errors.hpp");
    std::string message = error_message<Rule>;
    if (message.starts_with("expected ")) message += ", got " + describeToken({in.current(), in.size()}).text;
    throw parse_error(message, in);
  }

private:
  template <typename ParseInput, typename State>
  static void enter(const ParseInput& in, State& state) {
    if constexpr (requires { state.depth; }) {
      if (++state.depth > kMaxNesting) throw parse_error(kTooDeep, in);
    }
  }
  template <typename State>
  static void leave(State& state) {
    if constexpr (requires { state.depth; }) --state.depth;
  }
};

}  // namespace ward::grammar
