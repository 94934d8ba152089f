// Internal to the checker: the state shared by program-level checking
// (check.cpp) and expression typing (check_expr.cpp). Not a public header.
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/check.hpp"

namespace ward::checker {

// --- type relations (types.cpp) ----------------------------------------------

// Unknown (an error was reported) and Any (dynamic) fit everywhere.
inline bool isLoose(const Type& t) { return t.base == BaseType::Unknown || t.base == BaseType::Any; }
// May `a == b` be asked? Same type, or either side null, dynamic or unknown.
bool comparable(const Type& a, const Type& b);
// May a value of type `arg` be passed where `param` is expected?
bool assignable(const Type& arg, const Type& param);
// A value usable as a condition: bool (possibly null), dynamic or unknown.
inline bool boolish(const Type& t) { return t.base == BaseType::Bool || isLoose(t); }

// A type name that failed to parse: what went wrong and where in the text.
struct TypeNameError {
  std::string message;
  std::string word;  // the unknown word, for "did you mean"
  size_t offset = 0;
  size_t length = 0;
};
// Parses a type name; on failure says which word was wrong.
tl::expected<Type, TypeNameError> parseType(std::string_view text, const Schema& schema);
// Every word a type name may use, for "did you mean".
std::vector<std::string> typeWords(const Schema& schema);

// --- scopes ------------------------------------------------------------------

enum class Visit : uint8_t { Unvisited, InProgress, Done };

// A module-level name: a let or a def, by its global index.
struct GlobalName {
  bool isDef = false;
  uint32_t index = 0;
};

// The lets and defs of one package (every module with that package line).
struct Namespace {
  std::string package;
  std::unordered_map<std::string, GlobalName> names;
};

// What a module sees unqualified: its own package, then its imports.
struct Visibility {
  const Namespace* own = nullptr;
  std::vector<const Namespace*> imports;
  // An import named no module: unknown names may be that package's, so they
  // are not reported (the import already was).
  bool incomplete = false;
};

struct LetInfo {
  ast::Let* let = nullptr;
  const Visibility* vis = nullptr;
  Visit state = Visit::Unvisited;
  Type type;
};

struct DefInfo {
  ast::Def* def = nullptr;
  const Visibility* vis = nullptr;
  Visit state = Visit::Unvisited;
};

// A local variable in scope.
struct Local {
  std::string name;
  Type type;
  uint32_t slot = 0;
  Span span;
  // A quantifier variable seen by `message` that more than one quantifier of
  // `require` binds: using it is an error, because the witness is ambiguous.
  bool ambiguous = false;
  Span otherSpan;
};

// The locals of one rule, def or let being checked.
struct Frame {
  std::vector<Local> locals;  // innermost last
  uint32_t nextSlot = 0;
  const Visibility* vis = nullptr;
  bool inMessage = false;                 // `why` is visible
  std::vector<Local>* witnesses = nullptr;  // collects quantifier variables of `require`
};

// A parsed builtin or host function.
struct Callable {
  std::string name;
  Signature sig;
  bool valid = false;
};

class Checker {
public:
  Checker(const Schema& schema, const SourceMap* sources, const CheckOptions& options);

  const Schema& schema;
  const SourceMap* sources;
  Diagnostics errors;

  // Records an error unless one was already reported at the same span.
  void report(Diagnostic d);
  std::string typeName(const Type& t) const { return schema.typeName(t); }
  // The source text under a span ("" when unknown).
  std::string_view textOf(Span s) const;
  // The span of `token` at the end (or start) of `s`, or `s` itself when the
  // text is not available: lets errors point at `privat` rather than `s.privat`.
  Span tailToken(Span s, std::string_view token) const;
  Span headToken(Span s, std::string_view token) const;

  // --- globals (filled by check.cpp) ---
  std::deque<Namespace> namespaces;
  std::deque<Visibility> visibilities;
  std::vector<LetInfo> lets;
  std::vector<DefInfo> defs;
  std::vector<Callable> builtins;
  std::vector<Callable> hosts;
  bool markUsed = true;  // false for checkExpression: the program is const
  // The lets and defs being checked, outermost first, to name cycles.
  std::vector<GlobalName> checking;

  Type letType(uint32_t index, Span use);
  Type defResult(uint32_t index, Span use);
  void checkLet(uint32_t index);
  void checkDef(uint32_t index);

  // --- expressions (check_expr.cpp) ---
  Frame* frame = nullptr;
  Type expr(ast::Expr& e);
  // Checks `e` and reports unless it is a bool; `what` names the clause.
  void expectBool(ast::Expr& e, std::string_view what);
  // Declares a local in the current frame and returns its slot.
  uint32_t declare(const std::string& name, Type type, Span span);
  // The element type of a list being ranged over, or Unknown after an error.
  Type rangeOver(ast::Expr& collection, std::string_view what);
  // Looks a module-level name up; reports ambiguity. nullopt when absent.
  std::optional<GlobalName> lookupGlobal(const std::string& name, Span use, bool& reported);

private:
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> reportedSpans_;

  // What an attribute means on a receiver whose kind is known only at run
  // time: whether some kind has it and its type, or Any when kinds disagree.
  // Optimization: worked out once per name, not by a search of every kind
  // at each use.
  struct DynamicAttr {
    bool found = false;
    Type type;
  };
  std::unordered_map<std::string, DynamicAttr, NameHash, std::equal_to<>> dynamicAttrs_;
  const DynamicAttr& dynamicAttr(const std::string& attr);

  Type exprImpl(ast::Expr& e);
  Type name(ast::Expr& e);
  Type member(ast::Expr& e);
  Type call(ast::Expr& e);
  Type unary(ast::Expr& e);
  Type binary(ast::Expr& e);
  Type arithmetic(ast::Expr& e, const Type& a, const Type& b);
  Type quantifier(ast::Expr& e);
  Type count(ast::Expr& e);
  Type comprehension(ast::Expr& e);
  Type listLiteral(ast::Expr& e);
  void checkCidrLiteral(ast::Expr& e);
  Type membership(ast::Expr& e, ast::Expr& element, ast::Expr& container, std::string_view op);
  bool checkArgs(ast::Expr& e, const std::string& callee, std::span<const Type> params);
  std::string cycleText(GlobalName closing) const;
  std::vector<std::string> visibleNames(bool functions) const;
};

}  // namespace ward::checker
