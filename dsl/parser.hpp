// The parser: Ward source text (a SourceMap file) to the AST, or diagnostics.
#pragma once

#include <cstdint>
#include <string>

#include "common/diagnostic.hpp"
#include "common/source.hpp"
#include "dsl/ast.hpp"

namespace ward {

// Parses one module. On syntax errors returns the diagnostics: one per failing
// statement (the first error in a statement wins), recovering at the next line
// that starts, in column 1, with a top-level keyword, so that independent
// mistakes are all reported at once.
Result<ast::Module> parseModule(const SourceMap& sources, uint32_t fileId);

// Parses a single expression (for `ward eval` and the REPL); the whole text
// must be consumed.
Result<ast::ExprPtr> parseExpression(const SourceMap& sources, uint32_t fileId);

// Parses a type name as written for def parameters ("subnet", "list<cidr>")
// and returns it normalised without spaces ("list<cidr>").
Result<std::string> parseTypeName(const SourceMap& sources, uint32_t fileId);

}  // namespace ward
