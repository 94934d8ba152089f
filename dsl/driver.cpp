// The compilation driver: parse every module, check them together, compile.
#include "dsl/driver.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "dsl/compile.hpp"
#include "dsl/parser.hpp"
#include "stdlib/stdlib.hpp"

namespace ward {

Result<PolicySource> readPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(inputError(path, "cannot open policy file"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return PolicySource{path, ss.str()};
}

tl::expected<Compilation, CompileFailure> compilePolicies(const CompileRequest& request) {
  auto sources = std::make_shared<SourceMap>();
  Diagnostics diags;
  std::vector<std::unique_ptr<ast::Module>> modules;

  auto parseOne = [&](std::string name, std::string text) {
    if (text.size() > request.maxSourceBytes) {
      diags.push_back(inputError(name, fmt::format("policy source is {} bytes, over the limit of {} bytes",
                                                   text.size(), request.maxSourceBytes)));
      return;
    }
    uint32_t id = sources->add(std::move(name), std::move(text));
    auto parsed = parseModule(*sources, id);
    if (!parsed) {
      diags.insert(diags.end(), parsed.error().begin(), parsed.error().end());
      return;
    }
    modules.push_back(std::make_unique<ast::Module>(std::move(*parsed)));
  };

  if (request.withStdlib)
    for (const StdlibModule& m : stdlibModules()) parseOne(std::string(m.name), std::string(m.text));
  for (const PolicySource& s : request.sources) parseOne(s.name, s.text);
  if (hasErrors(diags)) return tl::unexpected(CompileFailure{sources, std::move(diags)});

  Diagnostics warnings;
  auto program = check(std::move(modules), *sources, Schema::aws(), warnings, request.check);
  if (!program) {
    Diagnostics all = std::move(program.error());
    all.insert(all.end(), warnings.begin(), warnings.end());
    return tl::unexpected(CompileFailure{sources, std::move(all)});
  }
  auto shared = std::make_shared<Program>(std::move(*program));
  auto policy = compile(*shared);
  if (!policy) return tl::unexpected(CompileFailure{sources, std::move(policy.error())});
  return Compilation{sources, shared, *policy, std::move(warnings)};
}

}  // namespace ward

namespace ward {

std::vector<RuleMeta> ruleMetadata(const CompiledPolicy& policy) {
  std::vector<RuleMeta> out;
  out.reserve(policy.rules.size());
  for (const CompiledRule& r : policy.rules) out.push_back(r.meta);
  return out;
}

}  // namespace ward
