// The compilation driver: sources in (the standard library and the user's
// policies), a checked program and a compiled policy out, with every
// diagnostic collected. The CLI, the embedding API and the tests go through it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/check.hpp"
#include "dsl/program.hpp"
#include "runtime/policy.hpp"
#include "runtime/report.hpp"

namespace ward {

struct PolicySource {
  std::string name;  // shown in diagnostics: a path, or "<inline>"
  std::string text;
};

struct CompileRequest {
  std::vector<PolicySource> sources;
  bool withStdlib = true;
  CheckOptions check;
  uint64_t maxSourceBytes = 16ull << 20;  // per source
};

// Everything a compilation produced. The SourceMap is shared because findings
// and diagnostics point into it.
struct Compilation {
  std::shared_ptr<SourceMap> sources;
  std::shared_ptr<Program> program;
  std::shared_ptr<const CompiledPolicy> policy;
  Diagnostics warnings;
};

// Parses, checks and compiles. On failure the diagnostics (errors and the
// warnings gathered so far) come back with the SourceMap needed to render them.
struct CompileFailure {
  std::shared_ptr<SourceMap> sources;
  Diagnostics diagnostics;
};
tl::expected<Compilation, CompileFailure> compilePolicies(const CompileRequest& request);

// Reads a policy file; a missing or unreadable file is a diagnostic.
Result<PolicySource> readPolicyFile(const std::string& path);

// Rule metadata for the report writers, sorted by id.
std::vector<RuleMeta> ruleMetadata(const CompiledPolicy& policy);

}  // namespace ward
