// A checked program: every module of one compilation (the standard library and
// the user's policies), with names resolved and types checked. The checker
// produces it; the compiler turns it into a CompiledPolicy.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"

namespace ward {

struct ProgramRule {
  std::string id;  // package + "." + name ("aws.sagemaker.training_private_subnets"), or the name alone without a package
  ast::Rule* rule = nullptr;
  const ast::Module* module = nullptr;
};

struct ProgramExempt {
  std::string ruleId;  // resolved full id
  const ast::Exempt* exempt = nullptr;
};

struct Program {
  const SourceMap* sources = nullptr;
  const Schema* schema = nullptr;
  // Owned modules; pointers below point into them (stable: never resized after check).
  std::vector<std::unique_ptr<ast::Module>> modules;
  std::vector<ProgramRule> rules;           // sorted by id
  std::vector<ast::Let*> lets;              // NameRef::Global index -> let
  std::vector<ast::Def*> defs;              // Expr::callee index -> def
  std::vector<ProgramExempt> exempts;
  std::vector<std::pair<const ast::Module*, ast::TestBlock*>> tests;
};

}  // namespace ward
