// RuleEvaluator: one rule for one candidate, over state prepared once. The
// rule's own body runs, entered at its first loop with an iterator that
// yields only the candidate, so the answer is the one evaluate() gives.
#include "runtime/rule_eval.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "runtime/vm_state.hpp"

namespace ward {

namespace {

constexpr uint32_t word(Op op) { return static_cast<uint32_t>(op); }

uint64_t entityKey(KindId kind, EntityIndex index) { return (uint64_t{kind} << 32) | index; }

tl::unexpected<EvalError> runtimeError(std::string message) {
  return tl::unexpected(EvalError{EvalErrorCode::Runtime, std::move(message)});
}

}  // namespace

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::NotApplicable: return "not-applicable";
    case Verdict::Pass: return "pass";
    case Verdict::Fail: return "fail";
    case Verdict::Exempted: return "exempted";
  }
  return "?";
}

// A rule made ready for checks.
struct PreparedRule {
  const CompiledRule* rule = nullptr;
  // A copy of the rule's body that runs one instance of the first loop, for
  // the candidate check() binds to its variable: it starts by jumping past
  // the loop's head and returns where the loop would go on to the next
  // candidate. On the way it sets frame[rejected] when the first `where`
  // rejects the candidate, and frame[applied] when `require` holds.
  Chunk body;
  uint32_t entry = 0;  // where a check starts in `body`: its first instance
  uint32_t applied = 0;
  uint32_t rejected = 0;
  // What a check's frame starts as: every slot unbound, `applied` and
  // `rejected` false. Copied in one go (a W4 check is a few hundred
  // instructions, and filling slot by slot was a tenth of them).
  std::vector<Value> frameInit;
  // The first loop walks a kind table, or a list: the list's value, computed
  // once, and where each entity in it sits, sorted by entityKey.
  // Only reach hooks (and perhaps host functions) read strings through the
  // thread's current evaluation, so only then must a check become it.
  bool current = false;
  bool kindTable = false;
  KindId kind = kNoKind;
  size_t kindCount = 0;
  Value list;
  std::vector<std::pair<uint64_t, uint32_t>> positions;
  std::vector<KindId> listKinds;  // the kinds of the entities in the list
};

struct RuleEvaluator::Impl {
  const CompiledPolicy* policy = nullptr;
  const FactBase* facts = nullptr;
  EvalOptions options;
  vm::EvalState state;
  std::vector<std::unique_ptr<PreparedRule>> rules;  // by index in policy->rules, made on demand
  // What the lets and the candidate lists hold: each check starts from here.
  size_t scratchMark = 0;
  size_t stringMark = 0;

  // Forgets the previous check's values and budgets.
  void beginCheck(const PreparedRule& p) {
    vm::EvalState& st = state;
    st.findings.clear();
    st.findingText.clear();  // keeps its block: no allocation
    st.textRule = nullptr;
    st.scratch.resize(scratchMark);
    st.builder.clear();
    if (st.strings.size() > stringMark) st.strings.truncate(stringMark);
    if (!st.why.empty()) st.why.clear();
    st.steps = 0;
    st.checkAt = 0;
    st.failed = false;
    if (options.limits.deadline.count() > 0) st.deadline = std::chrono::steady_clock::now() + options.limits.deadline;
    st.rule = p.rule;
    st.ruleFrame = st.frame.data();
    static_assert(std::is_trivially_copyable_v<Value>);
    std::memcpy(st.frame.data(), p.frameInit.data(), p.frameInit.size() * sizeof(Value));
  }

  Verdict notApplicable() {
    state.findings.clear();
    state.findingText.clear();
    state.textRule = nullptr;
    state.steps = 0;
    return Verdict::NotApplicable;
  }

  tl::expected<std::unique_ptr<PreparedRule>, EvalError> prepareRule(const CompiledRule& rule);
  bool candidates(PreparedRule& p);
};

namespace {

// Redirects the jump whose operand is at `jump` through a FlagJump appended
// to the chunk, which sets frame[slot] to true and goes on to the jump's
// target. Note: appended, so that no jump target moves.
bool detour(std::vector<uint32_t>& code, uint32_t jump, Op op, uint32_t slot) {
  if (jump == 0 || jump >= code.size() || code[jump - 1] != word(op)) return false;
  const uint32_t target = code[jump];
  code[jump] = static_cast<uint32_t>(code.size());
  code.insert(code.end(), {word(Op::FlagJump), slot, target});
  return true;
}

// Rewrites a copy of the rule's body as PreparedRule::body describes; false
// when the body does not have the layout the compiler recorded:
//   entry:   Mark m
//   head:    NextEntity|NextElem it var -> exit
//            ...the instance...
//            LoopReset m -> head
//   exit:
bool patchBody(const CompiledRule& rule, const PreparedRule& p, Chunk& body) {
  std::vector<uint32_t>& code = body.code;
  const uint32_t entry = rule.candidateEntry, head = entry + 2;
  if (rule.fors.empty() || entry < 3 || head + 4 > code.size() || code[entry] != word(Op::Mark)) return false;
  const Op next = rule.candidateKindTable ? Op::NextEntity : Op::NextElem;
  if (code[head] != word(next) || code[head + 1] != rule.candidateIter || code[head + 2] != rule.fors.front().slot)
    return false;
  const uint32_t exit = code[head + 3];
  if (exit < head + 7 || exit > code.size() || code[exit - 3] != word(Op::LoopReset) || code[exit - 1] != head)
    return false;
  if (rule.candidateKindTable) {
    if (entry != 3 || code[0] != word(Op::IterKind) || code[1] != rule.candidateIter) return false;
  } else if (code[entry - 2] != word(Op::IterList) || code[entry - 1] != rule.candidateIter) {
    return false;
  }
  // check() binds the candidate itself and runs from the first instance
  // (PreparedRule::entry), which ends where the loop would go on to the
  // next candidate. Run from word 0 the body does the same: three words are
  // free at the start (IterKind's, or at least one of the collection's and
  // IterList's two) for a jump there.
  code[0] = word(Op::True);
  code[1] = word(Op::JumpIfTrue);
  code[2] = head + 4;
  code[exit - 3] = word(Op::Return);
  if (rule.candidateWhereJump != 0 && !detour(code, rule.candidateWhereJump, Op::JumpIfNotTrue, p.rejected))
    return false;
  if (rule.requirePassJump != 0 && !detour(code, rule.requirePassJump, Op::JumpIfTrue, p.applied)) return false;
  return true;
}

}  // namespace

// Evaluates the first collection of a list rule (the body up to IterList,
// which becomes Return) and indexes its entities.
bool RuleEvaluator::Impl::candidates(PreparedRule& p) {
  vm::EvalState& st = state;
  const CompiledRule& rule = *p.rule;
  Chunk prefix = rule.body;
  prefix.code[rule.candidateEntry - 2] = word(Op::Return);
  beginCheck(p);
  vm::EvalState* outer = vm::swapCurrent(&st);
  ++st.steps;
  Value v;
  bool ok = st.checkLimits() && vm::run(st, prefix, st.frame.data(), st.stack.data(), v);
  if (ok && v.tag != Tag::List && v.tag != Tag::Null) ok = st.raiseValue(v, "a collection to iterate over");
  vm::swapCurrent(outer);
  st.rule = nullptr;
  if (!ok) return false;
  // The list and whatever it points to stay for every later check.
  scratchMark = st.scratch.size();
  stringMark = st.strings.size();
  if (v.tag == Tag::Null) v = Value::list(Arena::Scratch, 0, 0);
  p.list = v;
  const std::span<const Value> elems = st.heap.list(v);
  for (uint32_t i = 0; i < elems.size(); ++i) {
    const Value& e = elems[i];
    if (e.tag != Tag::Entity) continue;
    p.positions.emplace_back(entityKey(e.entityKind(), e.entityIndex()), i);
    if (std::find(p.listKinds.begin(), p.listKinds.end(), e.entityKind()) == p.listKinds.end())
      p.listKinds.push_back(e.entityKind());
  }
  std::sort(p.positions.begin(), p.positions.end());
  return true;
}

tl::expected<std::unique_ptr<PreparedRule>, EvalError> RuleEvaluator::Impl::prepareRule(const CompiledRule& rule) {
  if (rule.fors.empty())
    return runtimeError(fmt::format("rule {} has no `for` clause, so it has no candidates to check", rule.meta.id));
  auto p = std::make_unique<PreparedRule>();
  p->rule = &rule;
  p->applied = rule.frameSize;
  p->rejected = rule.frameSize + 1;
  p->frameInit.assign(rule.frameSize + 2u, unboundValue());
  p->frameInit[p->applied] = Value::boolean(false);
  p->frameInit[p->rejected] = Value::boolean(false);
  p->body = rule.body;
  p->entry = rule.candidateEntry + 2 + 4;
  if (!patchBody(rule, *p, p->body))
    return runtimeError(fmt::format("rule {}: its bytecode does not have the layout recorded for it", rule.meta.id));
  vm::EvalState& st = state;
  if (st.frame.size() < rule.frameSize + 2u) st.frame.resize(rule.frameSize + 2u);
  p->current = rule.usesReach || !options.hostFunctions.empty();
  p->kindTable = rule.candidateKindTable;
  if (p->kindTable) {
    p->kind = static_cast<KindId>(rule.body.code[2]);
    p->kindCount = facts->count(p->kind);
  } else if (!candidates(*p)) {
    return tl::unexpected(std::move(st.error));
  }
  return p;
}

RuleEvaluator::RuleEvaluator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleEvaluator::~RuleEvaluator() = default;

tl::expected<std::unique_ptr<RuleEvaluator>, EvalError> RuleEvaluator::create(const CompiledPolicy& policy,
                                                                             const FactBase& facts,
                                                                             const EvalOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->policy = &policy;
  impl->facts = &facts;
  impl->options = options;
  impl->rules.resize(policy.rules.size());
  vm::EvalState& st = impl->state;
  st.begin(policy.unit, facts, impl->options);
  vm::EvalState* outer = vm::swapCurrent(&st);
  bool ok = vm::prepare(st, policy.unit, policy.maxStack, policy.maxFrame);
  // Optimization: map every string of the policy now, so that no check
  // interns one (which would allocate) and the per-check string reset
  // never forgets a mapped one.
  for (uint32_t k = 0; ok && k < policy.unit.strings.size(); ++k) st.mapStr(k);
  vm::swapCurrent(outer);
  if (!ok) return tl::unexpected(std::move(st.error));
  impl->scratchMark = st.scratch.size();
  impl->stringMark = st.strings.size();
  return std::unique_ptr<RuleEvaluator>(new RuleEvaluator(std::move(impl)));
}

tl::expected<RuleHandle, EvalError> RuleEvaluator::findRule(std::string_view id) {
  const CompiledRule* rule = impl_->policy->findRule(id);
  if (!rule) return runtimeError(fmt::format("no rule {}", id));
  const auto index = static_cast<uint32_t>(rule - impl_->policy->rules.data());
  if (!impl_->rules[index]) {
    auto p = impl_->prepareRule(*rule);
    if (!p) return tl::unexpected(std::move(p.error()));
    impl_->rules[index] = std::move(*p);
  }
  return RuleHandle{index};
}

std::optional<EntityRef> RuleEvaluator::findEntity(std::string_view kind, std::string_view id) const {
  const FactBase& fb = *impl_->facts;
  auto k = fb.schema().findKind(kind);
  if (!k) return std::nullopt;
  auto index = fb.find(*k, id);
  if (!index) return std::nullopt;
  return EntityRef{*k, *index};
}

std::optional<EntityRef> RuleEvaluator::findResource(RuleHandle rule, std::string_view id) const {
  const FactBase& fb = *impl_->facts;
  if (rule.index < impl_->rules.size() && impl_->rules[rule.index]) {
    const PreparedRule& p = *impl_->rules[rule.index];
    if (p.kindTable) {
      if (auto index = fb.find(p.kind, id)) return EntityRef{p.kind, *index};
    }
    for (KindId k : p.listKinds)
      if (auto index = fb.find(k, id)) return EntityRef{k, *index};
  }
  for (size_t k = 0; k < fb.schema().kindCount(); ++k)
    if (auto index = fb.find(static_cast<KindId>(k), id)) return EntityRef{static_cast<KindId>(k), *index};
  return std::nullopt;
}

tl::expected<Verdict, EvalError> RuleEvaluator::check(RuleHandle handle, EntityRef entity) {
  Impl& m = *impl_;
  if (handle.index >= m.rules.size() || !m.rules[handle.index]) return runtimeError("invalid rule handle");
  const PreparedRule& p = *m.rules[handle.index];
  vm::EvalState& st = m.state;

  // The candidate: an entity of the kind table, or the elements of the list
  // that are this entity (an entity listed twice is two instances, as in
  // evaluate()).
  const std::pair<uint64_t, uint32_t>* first = nullptr;
  const std::pair<uint64_t, uint32_t>* last = nullptr;
  if (p.kindTable) {
    if (entity.kind != p.kind || entity.index >= p.kindCount) return m.notApplicable();
  } else {
    const uint64_t key = entityKey(entity.kind, entity.index);
    auto range = std::equal_range(p.positions.data(), p.positions.data() + p.positions.size(),
                                  std::pair<uint64_t, uint32_t>{key, 0},
                                  [](const auto& a, const auto& b) { return a.first < b.first; });
    first = range.first;
    last = range.second;
    if (first == last) return m.notApplicable();
  }

  m.beginCheck(p);
  Value* const frame = st.frame.data();
  const uint32_t var = p.rule->fors.front().slot;
  vm::EvalState* outer = p.current ? vm::swapCurrent(&st) : nullptr;
  ++st.steps;
  // Optimization: checkLimits() inline for the common case, with the same
  // outcome.
  bool ok = true;
  if (st.timed || st.steps > st.maxSteps || st.memoryUsed() > st.maxMemory) ok = st.checkLimits();
  else st.checkAt = st.maxSteps + 1;
  Value ignored;
  if (p.kindTable) {
    frame[var] = Value::entity(entity.kind, entity.index);
    ok = ok && vm::run(st, p.body, frame, st.stack.data(), ignored, p.entry);
  } else {
    const Value* elems = st.heap.list(p.list).data();
    for (; ok && first != last; ++first) {
      frame[var] = elems[first->second];
      ok = vm::run(st, p.body, frame, st.stack.data(), ignored, p.entry);
    }
  }
  if (p.current) vm::swapCurrent(outer);
  st.rule = nullptr;
  st.ruleFrame = nullptr;
  if (!ok) return tl::unexpected(std::move(st.error));

  if (st.findings.empty()) {
    // A candidate the first `where` admits is applicable, unless the rule
    // has a `when` that no instance got past.
    const bool applies = p.rule->whenText.empty() ? !isTrue(frame[p.rejected]) : isTrue(frame[p.applied]);
    return applies ? Verdict::Pass : Verdict::NotApplicable;
  }
  vm::markExempted(*m.policy, m.options.today, st.findings, st.findingText);
  sortFindings(st.findings);
  const bool allExempted =
      std::all_of(st.findings.begin(), st.findings.end(), [](const Finding& f) { return f.exempted; });
  return allExempted ? Verdict::Exempted : Verdict::Fail;
}

std::span<const Finding> RuleEvaluator::findings() const { return impl_->state.findings; }

uint64_t RuleEvaluator::steps() const { return impl_->state.steps; }

const CompiledRule& RuleEvaluator::rule(RuleHandle rule) const { return *impl_->rules.at(rule.index)->rule; }

}  // namespace ward
