// The compiler: a checked Program in, a CompiledPolicy of bytecode chunks out.
// Defs are inlined, lets become chunks evaluated once per evaluation, and each
// rule gets an "explain" side-table that runs only when a finding is made.
#pragma once

#include <memory>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"
#include "dsl/program.hpp"
#include "runtime/policy.hpp"

namespace ward {

Result<std::shared_ptr<const CompiledPolicy>> compile(const Program& program);

// Compiles one checked expression (for `ward eval` and the REPL) with the
// program's lets and defs available. `program` may be null; the schema is
// then `schema`, or Schema::aws() when that is null too.
Result<std::shared_ptr<const CompiledExpr>> compileExpression(const ast::Expr& expr, const Program* program,
                                                              const Schema* schema = nullptr);

}  // namespace ward
