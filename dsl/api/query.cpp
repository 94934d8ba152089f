// Engine::prepareQuery and Engine::query: one expression, compiled once with
// a policy set's lets and defs in scope, evaluated over fact sets (what
// `ward eval` does, for hosts that ask again and again).
#include <fmt/format.h>

#include "dsl/compile.hpp"
#include "dsl/parser.hpp"
#include "dsl/api/impl.hpp"

namespace ward::api {

const std::string& Query::text() const {
  static const std::string kNone;
  return impl_ ? impl_->text : kNone;
}

const std::string& Query::type() const {
  static const std::string kNone;
  return impl_ ? impl_->type : kNone;
}

Expected<Query> Engine::prepareQuery(const PolicySet& policies, std::string_view expr) const {
  return guarded<Query>([&]() -> Expected<Query> {
    const std::shared_ptr<const PolicySet::Impl>& p = policies.impl();
    if (!p) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty policy set"));
    if (expr.size() > impl_->limits.maxPolicyBytes)
      return tl::unexpected(makeError(ErrorCode::PolicyTooLarge,
                                      fmt::format("<query>: the expression is {} bytes, over the limit of {} bytes",
                                                  expr.size(), impl_->limits.maxPolicyBytes)));
    CheckOptions opts;
    for (const HostEntry& h : p->hosts) opts.hostFunctions.push_back(HostFunction{h.name, h.signature});
    const Schema& schema = *p->schemaPtr;
    const Compilation& c = p->compilation;

    std::lock_guard<std::mutex> lock(p->queryMutex);
    SourceMap& sources = *c.sources;
    const uint32_t file = sources.add("<query>", std::string(expr));
    auto parsed = parseExpression(sources, file);
    if (!parsed) return tl::unexpected(makeError(ErrorCode::Policy, parsed.error(), &sources));
    auto type = checkExpression(**parsed, c.program.get(), schema, opts);
    if (!type) return tl::unexpected(makeError(ErrorCode::Policy, type.error(), &sources));
    auto compiled = compileExpression(**parsed, c.program.get(), &schema);
    if (!compiled) return tl::unexpected(makeError(ErrorCode::Policy, compiled.error(), &sources));

    auto impl = std::make_shared<Query::Impl>();
    impl->policies = p;
    impl->compiled = std::move(*compiled);
    impl->text = std::string(expr);
    impl->type = schema.typeName(*type);
    return Query(std::move(impl));
  });
}

Expected<QueryResult> Engine::query(const Query& query, const FactSet& facts) const {
  return this->query(query, facts, impl_->limits);
}

Expected<QueryResult> Engine::query(const Query& query, const FactSet& facts, const Limits& limits) const {
  return guarded<QueryResult>([&]() -> Expected<QueryResult> {
    const Query::Impl* q = query.impl().get();
    if (!q) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty query"));
    auto opts = evalOptionsFor(q->policies.get(), facts.impl().get(), limits);
    if (!opts) return tl::unexpected(std::move(opts.error()));
    auto r = evaluateExpression(*q->compiled, *facts.impl()->facts, *opts);
    if (!r) return tl::unexpected(makeError(evalErrorCode(r.error().code), r.error().message));
    return QueryResult{std::move(r->text), std::move(r->json), q->type};
  });
}

Expected<QueryResult> Engine::query(const PolicySet& policies, const FactSet& facts, std::string_view expr) const {
  auto q = prepareQuery(policies, expr);
  if (!q) return tl::unexpected(std::move(q.error()));
  return query(*q, facts);
}

}  // namespace ward::api
