// Desugaring of sentence forms into ordinary rules (see desugar.cpp). The
// checker runs it first; `ward fmt --desugar` and the REPL's `:desugar` use it
// to show the full form.
#pragma once

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"

namespace ward {

// Rewrites every rule of `module` written in (or containing) a sentence form
// into fors, when, require and message over the sentence's implicit subject.
// Returns the errors found (a rule with both a sentence and a `require`).
Diagnostics desugarModule(ast::Module& module);

// The same for one rule. Call it once per rule: a rule already desugared has
// both a sentence and a `require`, which is reported as an error.
Diagnostics desugarRule(ast::Rule& rule);

// The rule name a standalone sentence derives from its words:
// `endpoint sagemaker.api required` -> "endpoint_sagemaker_api_required".
std::string sentenceRuleName(const ast::EndpointSentence& sentence);

}  // namespace ward
