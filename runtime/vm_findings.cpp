// Building findings when a rule's `require` fails (message, resource,
// witness bindings, failed checks with their operand values) and applying
// exemptions to the finished list.
#include <fmt/format.h>

#include "runtime/vm_state.hpp"

namespace ward::vm {

namespace {

Binding bindingOf(EvalState& st, const std::string& name, const Value& v) {
  Binding b;
  b.name = name;
  b.kind = valueTypeName(v, st.heap);
  b.value = renderText(v, st.heap);
  return b;
}

// Runs an explain chunk; an error inside one is reported as its value rather
// than failing the evaluation, unless a limit was hit.
bool explainValue(EvalState& st, const Chunk& chunk, Value* frame, Value* sp, std::string& out) {
  Value v;
  if (!run(st, chunk, frame, sp, v)) return false;
  out = renderText(v, st.heap);
  return true;
}

}  // namespace

bool reportFinding(EvalState& st, Value* frame, Value* sp) {
  const CompiledRule& rule = *st.rule;
  if (st.findings.size() >= st.options->limits.maxFindings)
    return st.raise(EvalErrorCode::FindingLimit,
                    fmt::format("more than {} findings", st.options->limits.maxFindings));

  Finding f;
  f.ruleId = rule.meta.id;
  f.level = rule.meta.level;
  f.severity = rule.meta.severity;
  f.title = rule.meta.title;
  f.fix = rule.meta.fix;
  f.location = rule.meta.location;
  if (!rule.fors.empty()) {
    const Value& subject = frame[rule.fors.front().slot];
    f.resourceKind = valueTypeName(subject, st.heap);
    f.resourceId = renderText(subject, st.heap);
  }

  // The message first: it must see the frame exactly as `require` left it
  // (the witnesses of the quantifier that failed).
  if (!rule.message.code.empty()) {
    Value m;
    if (!run(st, rule.message, frame, sp, m)) return false;
    if (m.tag == Tag::Error) return st.raiseValue(m, "the message");
    f.message = renderText(m, st.heap);
  } else if (!rule.requireText.empty()) {
    f.message = "requirement not met: " + rule.requireText;
  } else {
    f.message = rule.meta.title.empty() ? rule.meta.id : rule.meta.title;
  }

  // Optimization: one allocation per list (a large estate has tens of
  // thousands of findings, and each allocation is later freed too).
  size_t witnesses = 0;
  for (const ExplainCheck& check : rule.explain) witnesses += check.witnesses.size();
  f.bindings.reserve(rule.fors.size() + witnesses);
  f.failed.reserve(rule.explain.size());
  for (const ForPlan& p : rule.fors) f.bindings.push_back(bindingOf(st, p.var, frame[p.slot]));

  // Conjuncts are re-evaluated one by one (the hot path stopped at the first
  // false one), so the finding lists every check that fails, each with the
  // witnesses it binds.
  const bool single = rule.explain.size() == 1;
  for (const ExplainCheck& check : rule.explain) {
    Value value;
    bool known = false;
    if (!single) {
      if (!run(st, check.chunk, frame, sp, value)) return false;
      if (isTrue(value)) continue;
      known = true;
    }
    FailedCheck fc;
    fc.expr = check.text;
    const bool witnessed = check.witnessSlot >= 0 && !isUnbound(frame[check.witnessSlot]);
    const auto& operands = witnessed ? check.witnessOperands : check.operands;
    fc.values.reserve(operands.size());
    for (const ExplainOperand& op : operands) {
      std::string text;
      if (!op.chunk.code.empty()) {
        if (!explainValue(st, op.chunk, frame, sp, text)) return false;
      } else {
        if (!known && !run(st, check.chunk, frame, sp, value)) return false;
        known = true;
        text = renderText(value, st.heap);
      }
      fc.values.emplace_back(op.text, std::move(text));
    }
    for (const WitnessVar& w : check.witnesses)
      if (!isUnbound(frame[w.slot])) f.bindings.push_back(bindingOf(st, w.name, frame[w.slot]));
    f.failed.push_back(std::move(fc));
  }
  st.findings.push_back(std::move(f));
  return true;
}

void markExempted(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    for (const CompiledExemption& e : policy.exemptions) {
      if (e.ruleId != f.ruleId || e.resource != f.resourceId) continue;
      if (e.until && *e.until < today) continue;
      f.exempted = true;
      f.exemptionReason = e.reason;
      if (!e.owner.empty())
        f.exemptionReason = e.reason.empty() ? "owner " + e.owner : e.reason + " (owner " + e.owner + ")";
      break;
    }
  }
}

void expiredExemptions(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings,
                       std::vector<std::string>& expired) {
  for (const CompiledExemption& e : policy.exemptions) {
    if (!e.until || *e.until >= today) continue;
    std::string date = formatDate(*e.until);
    expired.push_back(fmt::format("{} on {} (expired {})", e.ruleId, e.resource, date));
    Finding f;
    f.ruleId = "ward.exemption_expired";
    f.level = Level::Warn;
    f.severity = RuleSeverity::Low;
    f.title = "Exemptions expire";
    f.resourceKind = "exemption";
    f.resourceId = e.resource;
    f.message = fmt::format("the exemption of {} for {} expired on {}", e.ruleId, e.resource, date);
    if (!e.owner.empty()) f.message += fmt::format(" (owner {})", e.owner);
    f.bindings.push_back(Binding{"rule", "string", e.ruleId});
    f.fix = "renew the exemption with a new `until` date, or fix the finding and remove the exemption";
    f.location = e.location;
    findings.push_back(std::move(f));
  }
}

}  // namespace ward::vm
