// Evaluating a policy: the lets once, then every rule, on one thread or
// several (each with its own state, findings put back in rule order), and
// evaluating one expression. The bytecode itself runs in vm.cpp.
#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "runtime/vm.hpp"
#include "runtime/vm_state.hpp"

namespace ward {

const char* evalErrorCodeName(EvalErrorCode code) {
  switch (code) {
    case EvalErrorCode::StepLimit: return "step-limit";
    case EvalErrorCode::Deadline: return "deadline";
    case EvalErrorCode::Cancelled: return "cancelled";
    case EvalErrorCode::FindingLimit: return "finding-limit";
    case EvalErrorCode::MemoryLimit: return "memory-limit";
    case EvalErrorCode::Runtime: return "runtime";
  }
  return "?";
}

namespace vm {
namespace {

// Where one rule's findings are: a range of one shard's findings.
struct RuleSpan {
  size_t begin = 0, end = 0;
  uint32_t shard = 0;
};

// One thread's part of an evaluation: it takes rules from a shared counter
// until none are left or one fails.
struct Shard {
  std::vector<Finding> findings;
  TextArena text;  // the findings' strings
  uint64_t steps = 0;
  uint64_t rules = 0;
  std::optional<EvalError> error;
  size_t errorAt = SIZE_MAX;  // 0: a let failed; i + 1: rule i failed
};

// The derived columns that a policy's bytecode names (GetAttr, LocalAttr and
// every other instruction with an attribute operand), those of the kinds with
// the most entities first. Evaluating on several threads, each worker first
// takes columns from this list and computes them, so that a cold evaluation
// spreads that work over the threads instead of meeting it one column at a
// time inside rules (where a second thread wanting the same column waits).
// Only a warm-up: any column it misses is still computed on first use.
std::vector<std::pair<KindId, AttrId>> derivedColumnsRead(const CompiledPolicy& policy, const FactBase& facts) {
  const Schema& schema = facts.schema();
  std::vector<std::pair<KindId, AttrId>> out;
  // An attribute word (kind << 16 | attr) that names a derived column.
  auto note = [&](uint32_t w) {
    const KindId k = attrKind(w);
    const AttrId a = attrId(w);
    if (k < schema.kindCount() && a < schema.kind(k).attrs.size() && schema.attr(k, a).derived())
      out.emplace_back(k, a);
  };
  auto scan = [&](const Chunk& chunk) {
    for (const ElemFilter& f : chunk.filters)
      for (const ElemTest& t : f.tests) note(t.attr);
    const auto& code = chunk.code;
    for (size_t pc = 0; pc < code.size();) {
      if (code[pc] >= kOpCount) return;
      const Op op = static_cast<Op>(code[pc]);
      const OperandKind kind = operandKind(op);
      const unsigned words = operandWords(kind);
      if (pc + words >= code.size()) return;
      if (kind == OperandKind::Attr) note(code[pc + 1]);
      if (kind == OperandKind::SlotAttr || kind == OperandKind::SlotAttrStr || kind == OperandKind::SlotAttrSlot)
        note(code[pc + 2]);
      pc += 1 + words;
    }
  };
  forEachChunk(policy, scan);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::stable_sort(out.begin(), out.end(),
                   [&](const auto& x, const auto& y) { return facts.count(x.first) > facts.count(y.first); });
  return out;
}

void runShard(const CompiledPolicy& policy, const FactBase& facts, const EvalOptions& options,
              std::atomic<size_t>& next, std::vector<RuleSpan>& spans, uint32_t index, Shard& out,
              const std::vector<std::pair<KindId, AttrId>>& warm, std::atomic<size_t>& nextWarm) {
  const size_t n = policy.rules.size();
  auto fail = [&](EvalError e, size_t at) {
    out.error = std::move(e);
    out.errorAt = at;
    next.store(n, std::memory_order_relaxed);  // no one starts another rule
  };
  try {
    for (size_t w; (w = nextWarm.fetch_add(1, std::memory_order_relaxed)) < warm.size();)
      facts.column(warm[w].first, warm[w].second);
    StateLease lease;
    EvalState& st = *lease;
    st.begin(policy.unit, facts, options);
    if (!prepare(st, policy.unit, policy.maxStack, policy.maxFrame)) return fail(takeError(st), 0);
    const size_t baseMark = st.scratch.size();
    for (;;) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) break;
      const CompiledRule& rule = policy.rules[i];
      const size_t before = st.findings.size();
      st.rule = &rule;
      st.ruleFrame = st.frame.data();
      std::fill(st.frame.begin(), st.frame.begin() + rule.frameSize, unboundValue());
      st.why.clear();
      ++st.steps;
      Value ignored;
      if (!st.checkLimits() || !run(st, rule.body, st.frame.data(), st.stack.data(), ignored))
        return fail(takeError(st), i + 1);
      st.scratch.resize(baseMark);
      spans[i] = RuleSpan{before, st.findings.size(), index};
      ++out.rules;
    }
    st.rule = nullptr;
    out.findings = std::move(st.findings);
    out.text = std::move(st.findingText);
    st.findings.clear();
    st.findingText = TextArena();
    st.textRule = nullptr;
    out.steps = st.steps;
  } catch (const std::bad_alloc&) {
    // A worker thread must not let it escape; the caller reports it.
    fail(EvalError{EvalErrorCode::MemoryLimit, "out of memory"}, 0);
  }
}

}  // namespace
}  // namespace vm

tl::expected<Report, EvalError> evaluate(const CompiledPolicy& policy, const FactBase& facts,
                                         const EvalOptions& options) {
  const size_t n = policy.rules.size();
  const uint32_t workers = static_cast<uint32_t>(std::clamp<size_t>(options.threads, 1, std::max<size_t>(n, 1)));
  std::atomic<size_t> next{0}, nextWarm{0};
  std::vector<vm::RuleSpan> spans(n);
  std::vector<vm::Shard> shards(workers);
  const std::vector<std::pair<KindId, AttrId>> warm =
      workers > 1 ? vm::derivedColumnsRead(policy, facts) : std::vector<std::pair<KindId, AttrId>>{};
  {
    std::vector<std::jthread> threads;
    threads.reserve(workers - 1);
    for (uint32_t w = 1; w < workers; ++w)
      threads.emplace_back(
          [&, w] { vm::runShard(policy, facts, options, next, spans, w, shards[w], warm, nextWarm); });
    vm::runShard(policy, facts, options, next, spans, 0, shards[0], warm, nextWarm);
  }  // joins

  // The error of the earliest failure in policy order: the one a sequential
  // evaluation reports (every rule before it was evaluated, by some thread).
  const vm::Shard* failed = nullptr;
  for (const vm::Shard& s : shards)
    if (s.error && (!failed || s.errorAt < failed->errorAt)) failed = &s;
  if (failed) return tl::unexpected(*failed->error);

  Report report;
  size_t total = 0;
  for (const vm::Shard& s : shards) {
    report.steps += s.steps;
    report.rulesEvaluated += s.rules;
    total += s.findings.size();
  }
  // Each thread kept within the budgets; together they must too.
  if (workers > 1 && report.steps > options.limits.maxSteps)
    return tl::unexpected(EvalError{EvalErrorCode::StepLimit,
                                    fmt::format("step limit of {} exceeded", options.limits.maxSteps)});
  if (workers > 1 && total > options.limits.maxFindings)
    return tl::unexpected(EvalError{EvalErrorCode::FindingLimit,
                                    fmt::format("more than {} findings", options.limits.maxFindings)});
  // Findings in rule order, as one thread would have made them, so that the
  // stable sort gives the same report whatever the thread count; then the
  // expired-exemption warnings. Each finding then moves once, from its
  // thread's vector straight into its sorted place.
  std::vector<Finding> expiredWarnings;
  auto text = std::make_shared<TextArena>();
  for (vm::Shard& s : shards) vm::markExempted(policy, options.today, s.findings, s.text);
  vm::expiredExemptions(policy, options.today, expiredWarnings, report.expiredExemptions, *text);
  for (vm::Shard& s : shards) text->absorb(std::move(s.text));
  report.text = std::move(text);
  std::vector<Finding*> inRuleOrder;
  inRuleOrder.reserve(total + expiredWarnings.size());
  for (const vm::RuleSpan& sp : spans) {
    std::vector<Finding>& from = shards[sp.shard].findings;
    for (size_t k = sp.begin; k < sp.end; ++k) inRuleOrder.push_back(&from[k]);
  }
  for (Finding& f : expiredWarnings) inRuleOrder.push_back(&f);
  const std::vector<uint32_t> order =
      sortedOrder(std::span<const Finding* const>(inRuleOrder.data(), inRuleOrder.size()));
  report.findings.reserve(order.size());
  for (uint32_t i : order) report.findings.push_back(*inRuleOrder[i]);
  return report;
}

tl::expected<EvalResult, EvalError> evaluateExpression(const CompiledExpr& expr, const FactBase& facts,
                                                       const EvalOptions& options) {
  vm::StateLease lease;
  vm::EvalState& st = *lease;
  st.begin(expr.unit, facts, options);
  if (!vm::prepare(st, expr.unit, expr.maxStack, expr.frameSize)) return tl::unexpected(vm::takeError(st));
  std::fill(st.frame.begin(), st.frame.begin() + expr.frameSize, unboundValue());
  ++st.steps;
  Value v;
  if (!vm::run(st, expr.chunk, st.frame.data(), st.stack.data(), v)) return tl::unexpected(vm::takeError(st));
  if (v.tag == Tag::Error) {
    st.raiseValue(v, "the expression");
    return tl::unexpected(vm::takeError(st));
  }
  EvalResult result;
  result.text = renderText(v, st.heap);
  result.json = renderJson(v, st.heap);
  result.type = expr.type.empty() ? valueTypeName(v, st.heap) : expr.type;
  return result;
}

}  // namespace ward
