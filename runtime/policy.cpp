// Compiled policies: lookups and the whole-policy listing for `ward disasm`.
#include "runtime/policy.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ward {

std::vector<std::string> CodeUnit::letNames() const {
  std::vector<std::string> out;
  out.reserve(lets.size());
  for (const CompiledLet& l : lets) out.push_back(l.name);
  return out;
}

DisasmNames CodeUnit::names(const std::vector<std::string>& lets) const {
  DisasmNames n;
  n.schema = schema;
  n.strings = &strings;
  n.lets = &lets;
  n.hosts = &hostNames;
  return n;
}

const CompiledRule* CompiledPolicy::findRule(std::string_view id) const {
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const CompiledRule& r, std::string_view key) { return r.meta.id < key; });
  return it != rules.end() && it->meta.id == id ? &*it : nullptr;
}

namespace {

void appendLets(std::string& out, const CodeUnit& unit, const DisasmNames& names,
                const std::function<bool(uint32_t)>& showLet = {}) {
  for (uint32_t index : unit.letOrder) {
    if (showLet && !showLet(index)) continue;
    const CompiledLet& l = unit.lets[index];
    out += fmt::format("== let {} (frame {}, stack {}) ==\n", l.name, l.frameSize, l.chunk.maxStack);
    out += disassemble(l.chunk, names);
  }
}

void appendRule(std::string& out, const CompiledRule& rule, const DisasmNames& names) {
  out += fmt::format("== rule {} (frame {}, stack {}) ==\n", rule.meta.id, rule.frameSize, rule.stackSize);
  for (const ForPlan& f : rule.fors) {
    out += fmt::format("-- for {} (${}) in {}", f.var, f.slot, f.collectionText);
    if (!f.whereText.empty()) out += " where " + f.whereText;
    out += "\n";
  }
  out += disassemble(rule.body, names);
  if (!rule.message.code.empty()) {
    out += "-- message --\n";
    out += disassemble(rule.message, names);
  }
  for (const ExplainCheck& c : rule.explain) {
    if (!c.chunk.code.empty()) {
      out += fmt::format("-- explain `{}` --\n", c.text);
      out += disassemble(c.chunk, names);
    }
    for (const ExplainOperand& op : c.operands) {
      if (op.chunk.code.empty()) continue;
      out += fmt::format("-- operand `{}` --\n", op.text);
      out += disassemble(op.chunk, names);
    }
    for (const ExplainOperand& op : c.witnessOperands) {
      out += fmt::format("-- witness operand `{}` --\n", op.text);
      out += disassemble(op.chunk, names);
    }
  }
}

}  // namespace

std::string disassemble(const CompiledPolicy& policy) {
  std::vector<std::string> lets = policy.unit.letNames();
  DisasmNames names = policy.unit.names(lets);
  std::string out;
  appendLets(out, policy.unit, names);
  for (const CompiledRule& r : policy.rules) appendRule(out, r, names);
  return out;
}

std::string disassemble(const CompiledPolicy& policy, const std::function<bool(const CompiledRule&)>& showRule,
                        const std::function<bool(uint32_t)>& showLet) {
  std::vector<std::string> lets = policy.unit.letNames();
  DisasmNames names = policy.unit.names(lets);
  std::string out;
  appendLets(out, policy.unit, names, showLet);
  for (const CompiledRule& r : policy.rules)
    if (showRule(r)) appendRule(out, r, names);
  return out;
}

std::string disassemble(const CompiledPolicy& policy, const CompiledRule& rule) {
  std::vector<std::string> lets = policy.unit.letNames();
  std::string out;
  appendRule(out, rule, policy.unit.names(lets));
  return out;
}

std::string disassemble(const CompiledExpr& expr) {
  std::vector<std::string> lets = expr.unit.letNames();
  DisasmNames names = expr.unit.names(lets);
  std::string out;
  appendLets(out, expr.unit, names);
  out += fmt::format("== expr {} (frame {}, stack {}) ==\n", expr.text, expr.frameSize, expr.maxStack);
  out += disassemble(expr.chunk, names);
  return out;
}

}  // namespace ward
