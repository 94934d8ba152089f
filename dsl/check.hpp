// The checker: name resolution, scopes and frame slots, type checking against
// the fact schema, and the program-level checks (duplicates, recursion,
// exemptions, tests) that turn parsed modules into a checked Program.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"
#include "dsl/program.hpp"
#include "runtime/schema.hpp"
#include "runtime/types.hpp"

namespace ward {

// A function the embedding host provides. Calls to it are typed by its
// signature, written as in runtime/builtins.def, e.g. "(subnet, string) -> bool".
struct HostFunction {
  std::string name;
  std::string signature;
};

struct CheckOptions {
  std::vector<HostFunction> hostFunctions;
};

// Expr::callee of a call to a host function. Its index in
// CheckOptions::hostFunctions is then in Expr::builtin. (-1 is a builtin,
// >= 0 a def; see ast.hpp.)
inline constexpr int32_t kHostCallee = -2;

// Checks all modules of one compilation together: the standard library and the
// user's policies. Sentence forms are desugared first, so the rules of the
// returned program only have fors, when, require and message. Warnings (unused
// lets, ...) are appended to `warnings` whether or not the check succeeds.
//
// Conventions the compiler relies on, beyond the fields of ast.hpp:
//  - Slots are never reused within a rule or def: a quantifier's variable keeps
//    its value after the quantifier, so `message` can show the witness.
//  - A def's parameters occupy slots 0..n-1 of its frame.
//  - A `let` is evaluated in a frame of its own whose slots start at 0; its
//    frame size is one more than the largest slot in its value (Let has no
//    frameSize field).
//  - In a message, `why` (the explanation of the last failed `reach`) is a
//    Name with text "why", type string and NameRef::Unresolved.
//  - Member access on a value whose kind is not known statically (an `any`
//    value or an `entity` parameter) has kind_ == kNoKind and attr == kNoAttr:
//    the attribute is looked up by name (Expr::text) at run time.
Result<Program> check(std::vector<std::unique_ptr<ast::Module>> modules, const SourceMap& sources,
                      const Schema& schema, Diagnostics& warnings, const CheckOptions& options = {});

// For `ward eval` and the REPL: checks one expression in the global scope of
// `program` (every let and def of every module visible unqualified, plus every
// collection); `program` may be null. Slots of the expression start at 0.
Result<Type> checkExpression(ast::Expr& expr, const Program* program, const Schema& schema,
                             const CheckOptions& options = {});

// A builtin or host function signature: "(list<any>) -> int".
struct Signature {
  std::vector<Type> params;
  Type result;
};

// Parses a signature string; nullopt if malformed. Types are bool, int, string,
// ip, cidr, traffic, date, entity, any, a kind name of `schema`, list<T>, and
// T? for "may be null".
std::optional<Signature> parseSignature(std::string_view sig, const Schema& schema);

// Resolves one type name as written for a def parameter ("list<subnet>",
// "cidr") against the schema; nullopt if it names no type.
std::optional<Type> resolveTypeName(std::string_view text, const Schema& schema);

// The builtins of runtime/builtins.def, in declaration order: Expr::builtin of a
// builtin call is the position here, which is also the VM's builtin id.
struct BuiltinInfo {
  std::string_view name;
  std::string_view signature;
};
const std::vector<BuiltinInfo>& builtinTable();
std::optional<uint16_t> findBuiltin(std::string_view name);

}  // namespace ward
