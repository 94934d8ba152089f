// A compiled policy: every rule's metadata, for-clause plan, bytecode and
// "explain" side-table, the lets, the exemptions and the string table. Built
// once by the compiler, immutable afterwards and safe to share between
// threads; the runtime needs nothing else (no AST, no source text).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/chunk.hpp"
#include "runtime/finding.hpp"
#include "runtime/report.hpp"
#include "runtime/schema.hpp"

namespace ward {

struct CompiledLet {
  std::string name;
  Chunk chunk;
  uint32_t frameSize = 0;
};

// What the chunks of a policy (or of one expression) share: the string table
// that Str operands index, constant lists, lets, and the schema the attribute
// ids refer to.
struct CodeUnit {
  const Schema* schema = nullptr;
  std::vector<std::string> strings;
  // Lists whose elements are all literals, built once per evaluation. A String
  // element's payload (x) is an index into `strings`, mapped when built.
  std::vector<std::vector<Value>> constLists;
  std::vector<CompiledLet> lets;
  // The lets the chunks use, in an order where each comes after the lets it
  // reads: the VM evaluates exactly these, once, before anything else.
  std::vector<uint32_t> letOrder;
  // Names of the host functions, by index (for listings and messages).
  std::vector<std::string> hostNames;
  // For the `tag` builtin: each kind's `tags` attribute (kNoAttr if none), and
  // the `tag` kind's key and value attributes.
  std::vector<AttrId> tagsAttr;
  KindId tagKind = kNoKind;
  AttrId tagKey = kNoAttr;
  AttrId tagValue = kNoAttr;
  // For GetAttrNamed: by string index, the attribute of that name in each
  // kind (kNoAttr where the kind has none); empty for other strings.
  std::vector<std::vector<AttrId>> attrByName;

  std::vector<std::string> letNames() const;
  DisasmNames names(const std::vector<std::string>& letNames) const;
};

// `for VAR in COLLECTION [where COND]`, as compiled (for listings and hosts).
struct ForPlan {
  std::string var;
  uint32_t slot = 0;
  KindId kind = kNoKind;  // set when the collection is a whole kind table
  std::string collectionText;
  std::string whereText;
};

// One value shown with a failed check: its source text and a chunk computing
// it. An empty chunk stands for the check's own value.
struct ExplainOperand {
  std::string text;
  Chunk chunk;
};

// A quantifier variable of `require` that may hold a witness.
struct WitnessVar {
  std::string name;
  uint32_t slot = 0;
};

// One top-level conjunct of `require`. Evaluated only when a finding is made:
// if the conjunct is not true, it becomes a FailedCheck with its operands.
// A lone conjunct is known to be false, so its chunk may be empty.
struct ExplainCheck {
  std::string text;
  Chunk chunk;
  std::vector<ExplainOperand> operands;
  std::vector<WitnessVar> witnesses;  // quantifier variables inside this conjunct
  // For an `all` / `none` conjunct: the variable, and the operands of its body
  // shown instead when it holds a witness.
  int64_t witnessSlot = -1;
  std::vector<ExplainOperand> witnessOperands;
};

struct CompiledRule {
  RuleMeta meta;  // id, title, level, severity, tags, rationale, fix, refs, location
  std::vector<ForPlan> fors;
  std::string whenText;
  std::string requireText;  // "" when the rule has no require (every instance is a finding)
  // The loops, filters, `when` and `require`; Fail where a finding is due.
  Chunk body;
  // The message (a string); empty code when the rule has none.
  Chunk message;
  std::vector<ExplainCheck> explain;
  uint32_t frameSize = 0;  // slots of body, message and explain chunks together
  uint32_t stackSize = 0;  // body's stack plus the deepest chunk a finding runs
  bool usesReach = false;
  // For hosts that check one candidate at a time (RuleEvaluator): where the
  // first for clause's loop begins (its Mark, right after the instruction
  // that set up its iterator), that iterator's slot, whether it walks a whole
  // kind table (IterKind) or a list (IterList); and the positions of the
  // jump operands of the JumpIfNotTrue taken when the first for clause's
  // `where` rejects a candidate (0 when it has none) and of the JumpIfTrue
  // that skips Fail when `require` holds (0 when the rule has no require).
  // All 0 when the rule has no for clause.
  uint32_t candidateEntry = 0;
  uint32_t candidateIter = 0;
  bool candidateKindTable = false;
  uint32_t candidateWhereJump = 0;
  uint32_t requirePassJump = 0;
};

struct CompiledExemption {
  std::string ruleId;
  std::string resource;
  std::optional<int64_t> until;  // days since epoch; valid while until >= today
  std::string owner;
  std::string reason;
  SourceLocation location;
};

struct CompiledPolicy {
  CodeUnit unit;
  std::vector<CompiledRule> rules;  // sorted by id
  std::vector<CompiledExemption> exemptions;
  uint32_t maxFrame = 0;
  uint32_t maxStack = 0;

  const CompiledRule* findRule(std::string_view id) const;
};

// One expression compiled for `ward eval` and the REPL.
struct CompiledExpr {
  CodeUnit unit;
  Chunk chunk;
  std::string text;  // the source text
  std::string type;  // its static type ("list<subnet>"), or "" when dynamic
  uint32_t frameSize = 0;
  uint32_t maxStack = 0;
};

// Calls fn(const Chunk&) for every chunk of a policy: the lets', then each
// rule's body, message and explain chunks (checks and their operands).
template <class F>
void forEachChunk(const CompiledPolicy& policy, F&& fn) {
  for (const CompiledLet& let : policy.unit.lets) fn(let.chunk);
  for (const CompiledRule& rule : policy.rules) {
    fn(rule.body);
    fn(rule.message);
    for (const ExplainCheck& check : rule.explain) {
      fn(check.chunk);
      for (const ExplainOperand& op : check.operands) fn(op.chunk);
      for (const ExplainOperand& op : check.witnessOperands) fn(op.chunk);
    }
  }
}

// Listings of every rule's chunks (and the lets), for `ward disasm` and tests.
std::string disassemble(const CompiledPolicy& policy);
std::string disassemble(const CompiledPolicy& policy, const CompiledRule& rule);
// The lets `showLet` keeps (by index into unit.lets) and the rules `showRule`
// keeps: one file's part of a larger policy (`ward disasm --stdlib`).
std::string disassemble(const CompiledPolicy& policy, const std::function<bool(const CompiledRule&)>& showRule,
                        const std::function<bool(uint32_t)>& showLet);
std::string disassemble(const CompiledExpr& expr);

}  // namespace ward
