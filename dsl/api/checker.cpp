// The embedding API's RuleChecker: one rule against one resource at a time,
// over a RuleEvaluator prepared once (runtime/rule_eval.hpp).
#include <fmt/format.h>

#include "dsl/api/impl.hpp"
#include "runtime/rule_eval.hpp"

namespace ward::api {

struct RuleChecker::Impl {
  // Kept alive for the evaluator, which points into both (and into the
  // policy set's host functions).
  std::shared_ptr<const PolicySet::Impl> policies;
  std::shared_ptr<const FactSet::Impl> facts;
  std::string ruleId;
  std::unique_ptr<RuleEvaluator> evaluator;
  RuleHandle rule;
};

namespace {

Error evalError(const EvalError& e) { return makeError(evalErrorCode(e.code), e.message); }

// The public enum mirrors the engine's, value for value.
static_assert(static_cast<int>(Verdict::NotApplicable) == static_cast<int>(ward::Verdict::NotApplicable) &&
              static_cast<int>(Verdict::Pass) == static_cast<int>(ward::Verdict::Pass) &&
              static_cast<int>(Verdict::Fail) == static_cast<int>(ward::Verdict::Fail) &&
              static_cast<int>(Verdict::Exempted) == static_cast<int>(ward::Verdict::Exempted));

Verdict publicVerdict(ward::Verdict v) { return static_cast<Verdict>(static_cast<int>(v)); }

}  // namespace

const char* verdictName(Verdict v) {
  return ward::verdictName(static_cast<ward::Verdict>(static_cast<int>(v)));
}

RuleChecker::RuleChecker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleChecker::RuleChecker(RuleChecker&&) noexcept = default;
RuleChecker& RuleChecker::operator=(RuleChecker&&) noexcept = default;
RuleChecker::~RuleChecker() = default;

const std::string& RuleChecker::ruleId() const {
  static const std::string kNone;
  return impl_ ? impl_->ruleId : kNone;
}

Expected<Resource> RuleChecker::resource(std::string_view id) const {
  return guarded<Resource>([&]() -> Expected<Resource> {
    if (!impl_) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty rule checker"));
    auto e = impl_->evaluator->findResource(impl_->rule, id);
    if (!e) return tl::unexpected(makeError(ErrorCode::InvalidArgument, fmt::format("no fact has the id '{}'", id)));
    return Resource{e->kind, e->index};
  });
}

Expected<Resource> RuleChecker::resource(std::string_view kind, std::string_view id) const {
  return guarded<Resource>([&]() -> Expected<Resource> {
    if (!impl_) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty rule checker"));
    auto e = impl_->evaluator->findEntity(kind, id);
    if (!e)
      return tl::unexpected(makeError(ErrorCode::InvalidArgument, fmt::format("no {} has the id '{}'", kind, id)));
    return Resource{e->kind, e->index};
  });
}

Expected<Verdict> RuleChecker::check(Resource resource) {
  return guarded<Verdict>([&]() -> Expected<Verdict> {
    if (!impl_) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty rule checker"));
    auto v = impl_->evaluator->check(impl_->rule,
                                     EntityRef{static_cast<KindId>(resource.kind), static_cast<EntityIndex>(resource.index)});
    if (!v) return tl::unexpected(evalError(v.error()));
    return publicVerdict(*v);
  });
}

Expected<Verdict> RuleChecker::check(std::string_view resourceId) {
  auto r = resource(resourceId);
  if (!r) return tl::unexpected(std::move(r.error()));
  return check(*r);
}

std::vector<Finding> RuleChecker::findings() const {
  std::vector<Finding> out;
  if (!impl_) return out;
  try {
    for (const ward::Finding& f : impl_->evaluator->findings()) out.push_back(publicFinding(f));
  } catch (...) {
    out.clear();
  }
  return out;
}

Expected<RuleChecker> Engine::ruleChecker(const PolicySet& policies, const FactSet& facts,
                                          std::string_view ruleId) const {
  return ruleChecker(policies, facts, ruleId, impl_->limits);
}

Expected<RuleChecker> Engine::ruleChecker(const PolicySet& policies, const FactSet& facts, std::string_view ruleId,
                                          const Limits& limits) const {
  return guarded<RuleChecker>([&]() -> Expected<RuleChecker> {
    auto opts = evalOptionsFor(policies.impl().get(), facts.impl().get(), limits);
    if (!opts) return tl::unexpected(std::move(opts.error()));
    const CompiledPolicy& policy = *policies.impl()->compilation.policy;
    const CompiledRule* rule = policy.findRule(ruleId);
    if (!rule) return tl::unexpected(makeError(ErrorCode::InvalidArgument, fmt::format("no rule {}", ruleId)));
    if (rule->fors.empty())
      return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                      fmt::format("rule {} has no `for` clause, so no resource to check", ruleId)));
    auto impl = std::make_unique<RuleChecker::Impl>();
    impl->policies = policies.impl();
    impl->facts = facts.impl();
    impl->ruleId = std::string(ruleId);
    auto evaluator = RuleEvaluator::create(policy, *impl->facts->facts, *opts);
    if (!evaluator) return tl::unexpected(evalError(evaluator.error()));
    impl->evaluator = std::move(*evaluator);
    auto handle = impl->evaluator->findRule(ruleId);
    if (!handle) return tl::unexpected(evalError(handle.error()));
    impl->rule = *handle;
    return RuleChecker(std::move(impl));
  });
}

}  // namespace ward::api
