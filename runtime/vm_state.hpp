// Internal to the VM: the state of one evaluation (value stack, frame, scratch
// arena and strings, limits, findings) shared by the dispatch loop (vm.cpp),
// the slow-path operations (vm_ops.cpp) and finding construction
// (vm_findings.cpp). Not a public header.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/text_arena.hpp"
#include "runtime/values.hpp"
#include "runtime/vm.hpp"

namespace ward::vm {

inline constexpr StrId kUnmapped = 0xffffffffu;

// What the message chunk of a finding returns when its final interpolation
// left the text in EvalState::text (see reportFinding): a String no string
// table holds, never seen by any other code.
inline Value textValue() {
  Value v = Value::string(kUnmapped);
  v.b0 = 0xfe;
  return v;
}
inline bool isTextValue(const Value& v) { return v.tag == Tag::String && v.b0 == 0xfe; }

class EvalState final : public EvalContext {
public:
  // --- what is being evaluated ---
  const CodeUnit* unit = nullptr;
  const FactBase* fb = nullptr;
  const EvalOptions* options = nullptr;

  // --- memory, reused from one evaluation to the next on a thread ---
  ScratchStrings strings;
  std::vector<Value> scratch;  // Arena::Scratch lists
  std::vector<Value> builder;  // elements of comprehensions being built
  std::vector<Value> stack;
  std::vector<Value> frame;
  std::vector<StrId> strMap;      // policy string index -> StrId, mapped on first use
  std::vector<Value> constLists;  // materialised CodeUnit::constLists
  std::vector<Value> letValues;
  std::vector<uint32_t> tmpIndex;  // scratch space for distinct()
  std::string text;                // scratch space for interpolation
  ValueHeap heap;

  // --- budgets ---
  uint64_t steps = 0;
  uint64_t checkAt = 0;  // the step count at which checkLimits() runs next
  uint64_t maxSteps = 0;
  bool timed = false;  // a deadline or a cancel callback is set
  std::chrono::steady_clock::time_point deadline;
  uint64_t maxMemory = 0;

  // --- where we are, for error messages ---
  const CompiledRule* rule = nullptr;
  Value* ruleFrame = nullptr;
  std::string letName;  // while a let is evaluated
  const Chunk* chunk = nullptr;
  const uint32_t* ip = nullptr;  // set before calls that may make an error value

  // --- results ---
  std::string why;  // the last failed reach() of this rule instance
  std::vector<Finding> findings;  // their text is in findingText
  TextArena findingText;
  // The current rule's strings in findingText (see reportFinding).
  const CompiledRule* textRule = nullptr;
  struct RuleText {
    std::string_view id, title, fix;
    SourceRef location;
    std::vector<std::string_view> names;  // for-variables, then each check's text, witnesses and operands
  } ruleText;
  std::string renderBuf;  // scratch space for a finding's text
  const Chunk* messageChunk = nullptr;  // the message being run by reportFinding
  bool failed = false;
  EvalError error;

  void begin(const CodeUnit& u, const FactBase& facts, const EvalOptions& opts);
  void reset();

  StrId mapStr(uint32_t k) {
    StrId id = strMap[k];
    return id != kUnmapped ? id : mapStrSlow(k);
  }
  StrId mapStrSlow(uint32_t k);
  StrId internText(std::string_view s);

  // Limits. checkLimits() runs every few steps and at rule boundaries.
  bool checkLimits();
  bool checkMemory();
  size_t memoryUsed() const {
    return (scratch.size() + builder.size()) * sizeof(Value) + strings.bytes();
  }

  // Fails the evaluation; the message is prefixed with the rule (and its
  // resource) or let being evaluated, Lua style. Always returns false.
  [[gnu::cold]] bool raise(EvalErrorCode code, std::string message);
  // An Error value (or a non-bool) reached a condition.
  [[gnu::cold]] bool raiseValue(const Value& v, std::string_view what);
  // "rule aws.x.y on subnet-1: " or "let foo: " or "".
  std::string culprit() const;
  std::string location() const;

  // --- EvalContext ---
  const FactBase& facts() const override { return *fb; }
  std::string_view str(const Value& v) const override { return heap.str(v.asString()); }
  std::span<const Value> list(const Value& v) const override { return heap.list(v); }
  std::string render(const Value& v) const override { return renderText(v, heap); }
  Value makeString(std::string_view s) override { return Value::string(internText(s)); }
  Value makeList(std::span<const Value> elements) override;
  [[gnu::cold]] Value makeError(std::string_view message) override;
};

// An evaluation state from this thread's pool, made current for the
// lifetime of the lease (vm.cpp). States are reused across calls on a
// thread, so that a host evaluating many small policies does not allocate
// stacks and arenas each time; a nested evaluation (a host function that
// evaluates) takes a fresh one.
class StateLease {
public:
  StateLease();
  ~StateLease();
  StateLease(const StateLease&) = delete;
  StateLease& operator=(const StateLease&) = delete;
  EvalState& operator*() { return *state_; }

private:
  std::unique_ptr<EvalState> state_;
  EvalState* outer_ = nullptr;
};

inline EvalError takeError(EvalState& st) { return std::move(st.error); }

// Runs `chunk` with `frame` as its locals and the value stack from `base`.
// On success the chunk's value (top of stack at Return, or null) is in `out`.
// Execution starts at word `entry` of the chunk.
bool run(EvalState& st, const Chunk& chunk, Value* frame, Value* base, Value& out, uint32_t entry = 0);

// Builds the constant lists and evaluates the lets the unit needs, once per
// evaluation (vm.cpp).
bool prepare(EvalState& st, const CodeUnit& unit, uint32_t maxStack, uint32_t maxFrame);
// Makes `st` the evaluation whose scratch strings evalString() sees on this
// thread; returns the one it replaces, to be restored afterwards.
EvalState* swapCurrent(EvalState* st);

// --- slow paths (vm_ops.cpp) ---
[[gnu::cold]] Value getAttrSlow(EvalState& st, const Value& receiver, KindId kind, AttrId attr);
Value getAttrNamed(EvalState& st, const Value& receiver, std::string_view name);
[[gnu::cold]] Value notSlow(EvalState& st, const Value& v);
Value andMerge(EvalState& st, const Value& a, const Value& b);
Value orMerge(EvalState& st, const Value& a, const Value& b);
Value compareOp(EvalState& st, Op op, const Value& a, const Value& b);
Value membership(EvalState& st, Op op, const Value& a, const Value& b);
Value arithmetic(EvalState& st, Op op, const Value& a, const Value& b);
Value negate(EvalState& st, const Value& a);
Value makeList(EvalState& st, const Value* elems, uint32_t n, bool dedupe);
Value interpolate(EvalState& st, const Value* parts, uint32_t n);
// The same text left in st.text, not interned: returns textValue() (or the
// first Error part).
Value interpolateText(EvalState& st, const Value* parts, uint32_t n);
Value callBuiltin(EvalState& st, uint32_t id, const Value* args, uint32_t argc);
Value callHost(EvalState& st, uint32_t id, const Value* args, uint32_t argc);

// --- findings (vm_findings.cpp) ---
// The current rule's require failed: build and record its finding.
bool reportFinding(EvalState& st, Value* frame, Value* sp);
// Marks the findings an unexpired exemption covers (exempted, with its reason).
// The reasons go into `text`.
void markExempted(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings, TextArena& text);
// Appends a ward.exemption_expired warning to `findings` for every expired
// exemption, and its summary line to `expired`.
void expiredExemptions(const CompiledPolicy& policy, int64_t today, std::vector<Finding>& findings,
                       std::vector<std::string>& expired, TextArena& text);

}  // namespace ward::vm
