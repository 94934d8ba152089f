// Building findings when a rule's `require` fails (message, resource,
// witness bindings, failed checks with their operand values) and applying
// exemptions to the finished list.
#include <fmt/format.h>

#include "runtime/vm_state.hpp"

namespace ward::vm {

namespace {

// The canonical text of a value, in the finding arena.
std::string_view textOf(EvalState& st, const Value& v) {
  st.renderBuf.clear();
  appendText(st.renderBuf, v, st.heap);
  return st.findingText.copy(st.renderBuf);
}

// The type name of a value (an entity's kind), in the finding arena.
std::string_view typeOf(EvalState& st, const Value& v) {
  if (v.tag == Tag::Entity) return st.findingText.copy(st.heap.kindName(v.entityKind()));
  return st.findingText.copy(valueTypeName(v, st.heap));  // short: no allocation
}

Binding bindingOf(EvalState& st, std::string_view name, const Value& v) {
  return Binding{name, typeOf(st, v), textOf(st, v)};
}

// Runs an explain chunk; an error inside one is reported as its value rather
// than failing the evaluation, unless a limit was hit.
bool explainValue(EvalState& st, const Chunk& chunk, Value* frame, Value* sp, std::string_view& out) {
  Value v;
  if (!run(st, chunk, frame, sp, v)) return false;
  out = textOf(st, v);
  return true;
}

// The strings every finding of the current rule shares, copied into the
// arena once per rule and evaluation rather than once per finding.
void cacheRuleText(EvalState& st, const CompiledRule& rule) {
  if (st.textRule == &rule) return;
  st.textRule = &rule;
  TextArena& a = st.findingText;
  st.ruleText.id = a.copy(rule.meta.id);
  st.ruleText.title = a.copy(rule.meta.title);
  st.ruleText.fix = a.copy(rule.meta.fix);
  st.ruleText.location = SourceRef{a.copy(rule.meta.location.file), rule.meta.location.line, rule.meta.location.col};
  st.ruleText.names.clear();
  for (const ForPlan& p : rule.fors) st.ruleText.names.push_back(a.copy(p.var));
  for (const ExplainCheck& check : rule.explain) {
    st.ruleText.names.push_back(a.copy(check.text));
    for (const WitnessVar& w : check.witnesses) st.ruleText.names.push_back(a.copy(w.name));
    for (const auto* ops : {&check.operands, &check.witnessOperands})
      for (const ExplainOperand& op : *ops) st.ruleText.names.push_back(a.copy(op.text));
  }
}

}  // namespace

bool reportFinding(EvalState& st, Value* frame, Value* sp) {
  const CompiledRule& rule = *st.rule;
  if (st.findings.size() >= st.options->limits.maxFindings)
    return st.raise(EvalErrorCode::FindingLimit,
                    fmt::format("more than {} findings", st.options->limits.maxFindings));

  // Optimization: every string of the finding goes into the arena, and the
  // rule's own strings (id, title, fix, file, variable names, check texts)
  // are copied there once per rule, not once per finding. A large estate has
  // tens of thousands of findings; a dozen heap strings each made building,
  // moving and freeing them half of evaluating the standard library.
  cacheRuleText(st, rule);
  const auto& rt = st.ruleText;
  TextArena& arena = st.findingText;
  Finding f;
  f.ruleId = rt.id;
  f.level = rule.meta.level;
  f.severity = rule.meta.severity;
  f.title = rt.title;
  f.fix = rt.fix;
  f.location = rt.location;
  if (!rule.fors.empty()) {
    const Value& subject = frame[rule.fors.front().slot];
    f.resourceKind = typeOf(st, subject);
    f.resourceId = textOf(st, subject);
  }

  // The message first: it must see the frame exactly as `require` left it
  // (the witnesses of the quantifier that failed).
  if (!rule.message.code.empty()) {
    Value m;
    st.messageChunk = &rule.message;
    const bool ok = run(st, rule.message, frame, sp, m);
    st.messageChunk = nullptr;
    if (!ok) return false;
    if (m.tag == Tag::Error) return st.raiseValue(m, "the message");
    f.message = isTextValue(m) ? arena.copy(st.text) : textOf(st, m);
  } else if (!rule.requireText.empty()) {
    st.renderBuf.assign("requirement not met: ");
    st.renderBuf += rule.requireText;
    f.message = arena.copy(st.renderBuf);
  } else {
    f.message = rule.meta.title.empty() ? rt.id : rt.title;
  }

  // The rule's names in cacheRuleText's order.
  size_t name = 0;
  size_t witnesses = 0;
  for (const ExplainCheck& check : rule.explain) witnesses += check.witnesses.size();
  std::span<Binding> bindings = arena.array<Binding>(rule.fors.size() + witnesses);
  size_t nb = 0;
  for (const ForPlan& p : rule.fors) bindings[nb++] = bindingOf(st, rt.names[name++], frame[p.slot]);

  // Conjuncts are re-evaluated one by one (the hot path stopped at the first
  // false one), so the finding lists every check that fails, each with the
  // witnesses it binds.
  std::span<FailedCheck> failed = arena.array<FailedCheck>(rule.explain.size());
  size_t nf = 0;
  const bool single = rule.explain.size() == 1;
  for (const ExplainCheck& check : rule.explain) {
    const std::string_view checkText = rt.names[name++];
    const size_t witnessNames = name;
    name += check.witnesses.size();
    const size_t operandNames = name, witnessOperandNames = name + check.operands.size();
    name = witnessOperandNames + check.witnessOperands.size();
    Value value;
    bool known = false;
    if (!single) {
      if (!run(st, check.chunk, frame, sp, value)) return false;
      if (isTrue(value)) continue;
      known = true;
    }
    const bool witnessed = check.witnessSlot >= 0 && !isUnbound(frame[check.witnessSlot]);
    const auto& operands = witnessed ? check.witnessOperands : check.operands;
    size_t opName = witnessed ? witnessOperandNames : operandNames;
    std::span<CheckValue> values = arena.array<CheckValue>(operands.size());
    for (size_t i = 0; i < operands.size(); ++i) {
      const ExplainOperand& op = operands[i];
      std::string_view text;
      if (!op.chunk.code.empty()) {
        if (!explainValue(st, op.chunk, frame, sp, text)) return false;
      } else {
        if (!known && !run(st, check.chunk, frame, sp, value)) return false;
        known = true;
        text = textOf(st, value);
      }
      values[i] = CheckValue{rt.names[opName++], text};
    }
    for (size_t w = 0; w < check.witnesses.size(); ++w) {
      const Value& bound = frame[check.witnesses[w].slot];
      if (!isUnbound(bound)) bindings[nb++] = bindingOf(st, rt.names[witnessNames + w], bound);
    }
    failed[nf++] = FailedCheck{checkText, values};
  }
  f.bindings = bindings.first(nb);
  f.failed = failed.first(nf);
  st.findings.push_back(f);
  return true;
}

void markExempted(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings, TextArena& text) {
  if (policy.exemptions.empty()) return;
  for (Finding& f : findings) {
    for (const CompiledExemption& e : policy.exemptions) {
      if (e.ruleId != f.ruleId || e.resource != f.resourceId) continue;
      if (e.until && *e.until < today) continue;
      f.exempted = true;
      if (e.owner.empty()) f.exemptionReason = text.copy(e.reason);
      else if (e.reason.empty()) f.exemptionReason = text.copy("owner " + e.owner);
      else f.exemptionReason = text.copy(e.reason + " (owner " + e.owner + ")");
      break;
    }
  }
}

void expiredExemptions(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings,
                       std::vector<std::string>& expired, TextArena& text) {
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
    f.resourceId = text.copy(e.resource);
    std::string message = fmt::format("the exemption of {} for {} expired on {}", e.ruleId, e.resource, date);
    if (!e.owner.empty()) message += fmt::format(" (owner {})", e.owner);
    f.message = text.copy(message);
    std::span<Binding> binding = text.array<Binding>(1);
    binding[0] = Binding{"rule", "string", text.copy(e.ruleId)};
    f.bindings = binding;
    f.fix = "renew the exemption with a new `until` date, or fix the finding and remove the exemption";
    f.location = SourceRef{text.copy(e.location.file), e.location.line, e.location.col};
    findings.push_back(f);
  }
}

}  // namespace ward::vm
