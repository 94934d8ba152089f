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

  // The standard library's text is built into the program and outlives every
  // compilation, so its SourceFiles view it (`isStatic`) instead of copying.
  auto parseOne = [&](std::string name, std::string_view text, bool isStatic) {
    if (text.size() > request.maxSourceBytes) {
      diags.push_back(inputError(name, fmt::format("policy source is {} bytes, over the limit of {} bytes",
                                                   text.size(), request.maxSourceBytes)));
      return;
    }
    uint32_t id = isStatic ? sources->addStatic(std::move(name), text) : sources->add(std::move(name), std::string(text));
    auto parsed = parseModule(*sources, id);
    if (!parsed) {
      diags.insert(diags.end(), parsed.error().begin(), parsed.error().end());
      return;
    }
    modules.push_back(std::make_unique<ast::Module>(std::move(*parsed)));
  };

  if (request.withStdlib)
    for (const StdlibModule& m : stdlibModules()) parseOne(std::string(m.name), m.text, true);
  const size_t stdlibCount = modules.size();
  for (const PolicySource& s : request.sources) parseOne(s.name, s.text, false);
  if (hasErrors(diags)) return tl::unexpected(CompileFailure{sources, std::move(diags)});

  Diagnostics warnings;
  // A module of the caller's with the package of a standard-library module
  // replaces that module (an edited copy of stdlib/aws/sg.ward, say), rather
  // than clashing with it rule by rule.
  if (request.withStdlib && stdlibCount > 0) {
    std::vector<bool> replaced(stdlibCount, false);
    for (size_t u = stdlibCount; u < modules.size(); ++u) {
      const ast::Module& mine = *modules[u];
      if (mine.package.empty()) continue;
      for (size_t i = 0; i < stdlibCount; ++i)
        if (!replaced[i] && modules[i]->package == mine.package) {
          replaced[i] = true;
          warnings.push_back(warning(mine.packageSpan,
                                     fmt::format("package '{}' replaces the standard library's module of that name",
                                                 mine.package),
                                     {Note{"its rules, lets and defs are this file's, not the built-in ones", Span{}}}));
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < modules.size(); ++i)
      if (i >= stdlibCount || !replaced[i]) modules[kept++] = std::move(modules[i]);
    modules.resize(kept);
  }
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
