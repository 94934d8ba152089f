// The embedding API's Engine: configuration, host kinds and functions, and
// compilation of policy sources under the host's limits.
#include <fmt/format.h>

#include "dsl/api/impl.hpp"
#include "dsl/compile.hpp"
#include "dsl/parser.hpp"
#include "grammar/errors.hpp"
#include "stdlib/stdlib.hpp"

namespace ward::api {

namespace {

// Counts expression nodes and measures nesting after parsing. The parser's own
// bound (grammar::kMaxNesting) already protects the stack while parsing; this
// applies the host's (possibly lower) limits to the result.
struct AstBudget {
  uint32_t maxDepth = 0;
  uint64_t maxNodes = 0;
  uint64_t nodes = 0;
  const ast::Expr* tooDeep = nullptr;

  bool exceeded() const { return tooDeep || nodes > maxNodes; }

  void walk(const ast::Expr* e, uint32_t depth) {
    if (!e || exceeded()) return;
    ++nodes;
    if (depth > maxDepth) {
      tooDeep = e;
      return;
    }
    for (const ast::ExprPtr& a : e->args) walk(a.get(), depth + 1);
  }

  void walk(const ast::Module& m) {
    for (const ast::Rule& r : m.rules) {
      for (const ast::ForClause& f : r.fors) {
        walk(f.collection.get(), 1);
        walk(f.where.get(), 1);
      }
      walk(r.when.get(), 1);
      walk(r.require.get(), 1);
      walk(r.message.get(), 1);
      if (r.sentence) walk(r.sentence->when.get(), 1);
    }
    for (const ast::Def& d : m.defs) walk(d.body.get(), 1);
    for (const ast::Let& l : m.lets) walk(l.value.get(), 1);
    for (const ast::TestBlock& t : m.tests)
      for (const ast::GivenFact& g : t.given)
        for (const ast::GivenField& f : g.fields) {
          walk(f.value.get(), 1);
          for (const auto& r : f.routes) walk(r.first.get(), 1);
        }
  }
};

bool isTooDeep(const Diagnostics& ds) {
  for (const Diagnostic& d : ds)
    if (d.message.find("nested too deeply") != std::string::npos) return true;
  return false;
}

// Host functions may return what the bridge can build: scalars, strings and
// lists of them, or any of those when the signature says `any`.
bool returnable(BaseType b) {
  return b == BaseType::Bool || b == BaseType::Int || b == BaseType::String || b == BaseType::Any;
}

}  // namespace

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::Engine(Limits limits) : impl_(std::make_unique<Impl>()) { impl_->limits = std::move(limits); }
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

void Engine::setLimits(Limits limits) { impl_->limits = std::move(limits); }
const Limits& Engine::limits() const { return impl_->limits; }
void Engine::useStdlib(bool on) { impl_->stdlib = on; }
void Engine::clearPolicies() { impl_->sources.clear(); }

Expected<void> Engine::declareKind(const HostKind& kind) {
  return guarded<void>([&]() -> Expected<void> {
    const Schema& current = impl_->schemaRef();
    if (kind.name.empty() || kind.collection.empty())
      return tl::unexpected(makeError(ErrorCode::InvalidArgument, "a host kind needs a name and a collection"));
    if (current.findKind(kind.name) || current.findCollection(kind.name) || current.findKind(kind.collection) ||
        current.findCollection(kind.collection))
      return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                      fmt::format("kind '{}' ({}) clashes with an existing kind or collection",
                                                  kind.name, kind.collection)));
    // Copy on write: policy and fact sets made earlier keep their schema.
    auto next = std::make_shared<Schema>(current);
    KindId k = next->addKind(kind.name, kind.collection, kind.doc);
    for (const HostAttr& a : kind.attrs) {
      if (a.name.empty() || next->kind(k).find(a.name))
        return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                        fmt::format("kind '{}': attribute '{}' is empty or repeated", kind.name, a.name)));
      std::optional<Type> type = resolveTypeName(a.type, *next);
      if (!type)
        return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                        fmt::format("kind '{}': attribute '{}' has unknown type '{}'", kind.name,
                                                    a.name, a.type)));
      AttrDef def;
      def.name = a.name;
      def.type = type->orNull();
      def.doc = a.doc;
      def.awsField = "host";
      next->addAttr(k, std::move(def));
    }
    impl_->schema = std::move(next);
    return {};
  });
}

Expected<void> Engine::declareFunction(std::string name, std::string signature, HostCallback fn) {
  return guarded<void>([&]() -> Expected<void> {
    if (name.empty() || !fn)
      return tl::unexpected(makeError(ErrorCode::InvalidArgument, "a host function needs a name and a callback"));
    for (const HostEntry& h : impl_->hosts)
      if (h.name == name)
        return tl::unexpected(makeError(ErrorCode::InvalidArgument, "host function '" + name + "' is declared twice"));
    if (findBuiltin(name))
      return tl::unexpected(makeError(ErrorCode::InvalidArgument, "host function '" + name + "' clashes with a builtin"));
    std::optional<Signature> sig = parseSignature(signature, impl_->schemaRef());
    if (!sig)
      return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                      fmt::format("host function '{}': malformed signature '{}'", name, signature)));
    BaseType r = sig->result.base == BaseType::List ? sig->result.elem : sig->result.base;
    if (!returnable(r))
      return tl::unexpected(makeError(
          ErrorCode::InvalidArgument,
          fmt::format("host function '{}': it may return bool, int, string, any or a list of them, not {}", name,
                      impl_->schemaRef().typeName(sig->result))));
    impl_->hosts.push_back(HostEntry{std::move(name), std::move(signature), sig->result, std::move(fn)});
    return {};
  });
}

Expected<void> Engine::addPolicySource(std::string name, std::string text) {
  return guarded<void>([&]() -> Expected<void> {
    impl_->sources.push_back(PolicySource{name.empty() ? "<inline>" : std::move(name), std::move(text)});
    return {};
  });
}

Expected<void> Engine::addPolicyFile(const std::string& path) {
  return guarded<void>([&]() -> Expected<void> {
    auto src = readPolicyFile(path);
    if (!src) return tl::unexpected(makeError(ErrorCode::Io, src.error(), nullptr));
    impl_->sources.push_back(std::move(*src));
    return {};
  });
}

Expected<PolicySet> Engine::compile() const {
  return guarded<PolicySet>([&]() -> Expected<PolicySet> {
    const Limits& lim = impl_->limits;
    const Schema& schema = impl_->schemaRef();
    auto sources = std::make_shared<SourceMap>();
    std::vector<std::unique_ptr<ast::Module>> modules;
    AstBudget budget{std::min<uint32_t>(lim.maxParseDepth, grammar::kMaxNesting), lim.maxAstNodes};

    auto parseOne = [&](const std::string& name, std::string_view text) -> std::optional<Error> {
      if (text.size() > lim.maxPolicyBytes)
        return makeError(ErrorCode::PolicyTooLarge,
                         fmt::format("{}: policy source is {} bytes, over the limit of {} bytes", name, text.size(),
                                     lim.maxPolicyBytes));
      uint32_t id = sources->add(name, std::string(text));
      auto parsed = parseModule(*sources, id);
      if (!parsed)
        return makeError(isTooDeep(parsed.error()) ? ErrorCode::NestingTooDeep : ErrorCode::Policy, parsed.error(),
                         sources.get());
      budget.walk(*parsed);
      if (budget.tooDeep) {
        Diagnostics ds{error(budget.tooDeep->span, fmt::format("expression nested more than {} levels (the parse "
                                                               "depth limit)",
                                                               budget.maxDepth))};
        return makeError(ErrorCode::NestingTooDeep, ds, sources.get());
      }
      if (budget.nodes > budget.maxNodes)
        return makeError(ErrorCode::TooManyNodes,
                         fmt::format("{}: the policies have more than {} expression nodes (the AST node limit)", name,
                                     budget.maxNodes));
      modules.push_back(std::make_unique<ast::Module>(std::move(*parsed)));
      return std::nullopt;
    };

    // The first failing source decides the error: a limit is reported as
    // itself, not buried among the syntax errors of later files.
    if (impl_->stdlib)
      for (const StdlibModule& m : stdlibModules())
        if (auto e = parseOne(std::string(m.name), m.text)) return tl::unexpected(std::move(*e));
    for (const PolicySource& s : impl_->sources)
      if (auto e = parseOne(s.name, s.text)) return tl::unexpected(std::move(*e));

    CheckOptions opts;
    for (const HostEntry& h : impl_->hosts) opts.hostFunctions.push_back(HostFunction{h.name, h.signature});
    Diagnostics warnings;
    auto program = check(std::move(modules), *sources, schema, warnings, opts);
    if (!program) {
      Diagnostics all = std::move(program.error());
      all.insert(all.end(), warnings.begin(), warnings.end());
      return tl::unexpected(makeError(ErrorCode::Policy, all, sources.get()));
    }
    auto shared = std::make_shared<Program>(std::move(*program));
    auto policy = ward::compile(*shared);
    if (!policy) return tl::unexpected(makeError(ErrorCode::Policy, policy.error(), sources.get()));

    auto impl = std::make_shared<PolicySet::Impl>();
    impl->schema = impl_->schema;
    impl->schemaPtr = &schema;
    impl->warnings = toMessages(warnings, sources.get());
    impl->compilation = Compilation{sources, shared, *policy, std::move(warnings)};
    impl->hosts = impl_->hosts;
    impl->rules = ruleMetadata(**policy);
    return PolicySet(std::move(impl));
  });
}

namespace {

Expected<FactSet> makeFactSet(const Engine::Impl& e, Result<std::shared_ptr<const FactBase>> loaded,
                              std::vector<std::string> names) {
  if (!loaded) return tl::unexpected(factsError(loaded.error()));
  auto impl = std::make_shared<FactSet::Impl>();
  impl->schema = e.schema;
  impl->schemaPtr = &e.schemaRef();
  impl->facts = std::move(*loaded);
  impl->sources = std::move(names);
  impl->warnings = toMessages(impl->facts->warnings(), nullptr);
  return FactSet(std::move(impl));
}

}  // namespace

Expected<FactSet> Engine::factsFromJson(std::string_view json, std::string_view name) const {
  return guarded<FactSet>([&]() -> Expected<FactSet> {
    return makeFactSet(*impl_, loadJsonWith(impl_->schemaRef(), json, name, loadLimits(impl_->limits)),
                       {std::string(name)});
  });
}

Expected<FactSet> Engine::factsFromPaths(const std::vector<std::string>& paths) const {
  return guarded<FactSet>([&]() -> Expected<FactSet> {
    if (paths.empty()) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "no fact paths given"));
    return makeFactSet(*impl_, loadPathsWith(impl_->schemaRef(), paths, loadLimits(impl_->limits)), paths);
  });
}

}  // namespace ward::api
