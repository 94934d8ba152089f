// Checks one rule against one candidate at a time, for hosts that call Ward
// in a loop (an admission hook, a change event): the lets are evaluated once
// when the evaluator is made, and a check that passes allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <tl/expected.hpp>

#include "runtime/vm.hpp"

namespace ward {

// What one rule says about one candidate.
// The candidate is the value of the rule's first `for` variable; the rule's
// further `for` clauses walk what belongs to it (a group's ingress rules).
enum class Verdict : uint8_t {
  NotApplicable,  // not a candidate, rejected by the first `for`'s `where`, or no instance got past `when`
  Pass,           // applicable, and no finding
  Fail,           // at least one finding that no exemption covers
  Exempted,       // findings, every one covered by an unexpired exemption
};
const char* verdictName(Verdict v);  // "not-applicable", "pass", "fail", "exempted"

// A rule of the policy, resolved once by RuleEvaluator::findRule.
struct RuleHandle {
  uint32_t index = UINT32_MAX;
};

// A fact, resolved once by RuleEvaluator::findEntity.
struct EntityRef {
  KindId kind = kNoKind;
  EntityIndex index = 0;
};

// Answers "what does rule R say about resource X" exactly as evaluate()
// would for that rule's findings on X (same findings, same exemptions), but
// runs only the instances whose first `for` variable is X. Budgets apply to
// each check afresh and fail closed as in evaluate(). The
// `ward.exemption_expired` findings evaluate() adds belong to the policy, not
// to a rule and resource: a check never reports them (a lapsed exemption
// simply does not cover the finding).
//
// The policy, the fact base and the host functions the options name must
// outlive the evaluator. An evaluator is not thread-safe: make one per thread
// (they are cheap next to an evaluate() of the whole policy).
class RuleEvaluator {
public:
  // Evaluates the policy's lets; fails as evaluate() would if one fails.
  static tl::expected<std::unique_ptr<RuleEvaluator>, EvalError> create(const CompiledPolicy& policy,
                                                                        const FactBase& facts,
                                                                        const EvalOptions& options);
  ~RuleEvaluator();
  RuleEvaluator(const RuleEvaluator&) = delete;
  RuleEvaluator& operator=(const RuleEvaluator&) = delete;

  // Prepares a rule for checks. Fails for an unknown id, for a rule without
  // a `for` clause (it has no candidates), or when the rule's first
  // collection fails to evaluate.
  tl::expected<RuleHandle, EvalError> findRule(std::string_view id);
  std::optional<EntityRef> findEntity(std::string_view kind, std::string_view id) const;
  // The fact with this id that can be a candidate of the rule (of the kind
  // its first `for` walks, or of a kind its candidate list holds), else the
  // first fact of any kind with this id; nullopt when no fact has it.
  std::optional<EntityRef> findResource(RuleHandle rule, std::string_view id) const;

  // Runs the rule for one candidate. Findings (built only on failure) are
  // in findings() until the next check.
  tl::expected<Verdict, EvalError> check(RuleHandle rule, EntityRef entity);
  std::span<const Finding> findings() const;
  // Steps the last check took (the `for` loops inside the rule, calls).
  uint64_t steps() const;

  const CompiledRule& rule(RuleHandle rule) const;

private:
  struct Impl;
  explicit RuleEvaluator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ward
