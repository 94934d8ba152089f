// The bytecode interpreter: a switch-dispatched loop over one chunk, and the
// evaluation entry points that run lets, rules and expressions under budgets.
#include "runtime/vm.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "runtime/vm_state.hpp"

namespace ward {

namespace vm {

namespace {

// Optimization: these fast paths cover the operand types that dominate real
// policies; everything else (and every error) goes out of line.
inline bool eqFast(const Value& a, const Value& b, bool& result) {
  if (a.tag != b.tag) {
    if (a.tag == Tag::Error || b.tag == Tag::Error) return false;
    result = false;
    return true;
  }
  switch (a.tag) {
    case Tag::Null: result = true; return true;
    case Tag::Bool: result = (a.x != 0) == (b.x != 0); return true;
    case Tag::Int:
    case Tag::Date: result = a.x == b.x; return true;
    case Tag::String: result = a.x == b.x && a.b0 == b.b0; return true;
    case Tag::Entity: result = a.x == b.x && a.w == b.w; return true;
    // As valueEqual: bit for bit (`c == 0.0.0.0/0` is the common case).
    case Tag::Ip: result = a.asIp() == b.asIp(); return true;
    case Tag::Cidr: result = a.asCidr() == b.asCidr(); return true;
    case Tag::Traffic: result = a.asTraffic() == b.asTraffic(); return true;
    case Tag::List:
    case Tag::Error: return false;
  }
  return false;
}

inline const Value* iterElements(const EvalState& st, const Value& it) {
  return it.listArena() == Arena::Facts ? reinterpret_cast<const Value*>(it.x) : st.scratch.data() + it.x;
}

}  // namespace

// Every opcode must have a case (the dispatch's default is unreachable).
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch-enum"
bool run(EvalState& st, const Chunk& chunk, Value* frame, Value* base, Value& out, uint32_t entry) {
  const uint32_t* const code = chunk.code.data();
  const uint32_t* ip = code + entry;
  const Value* const consts = chunk.constants.data();
  const FactBase& fb = *st.fb;
  Value* sp = base;
  const Chunk* outerChunk = st.chunk;
  st.chunk = &chunk;

// Sets the position error messages point at before calling out of line.
#define WARD_SAVE_IP() (st.ip = ip)

  for (;;) {
    const Op op = static_cast<Op>(*ip++);
    switch (op) {
      // --- constants ---
      case Op::Null: *sp++ = Value{}; break;
      case Op::True: *sp++ = Value::boolean(true); break;
      case Op::False: *sp++ = Value::boolean(false); break;
      case Op::Const: *sp++ = consts[*ip++]; break;
      case Op::Str: *sp++ = Value::string(st.mapStr(*ip++)); break;
      case Op::ConstList: *sp++ = st.constLists[*ip++]; break;
      case Op::Service: *sp++ = serviceValue(st.mapStr(*ip++)); break;

      // --- variables ---
      case Op::LoadLocal: *sp++ = frame[*ip++]; break;
      case Op::StoreLocal: frame[*ip++] = *--sp; break;
      case Op::LoadGlobal: *sp++ = st.letValues[*ip++]; break;
      case Op::LoadCollection: *sp++ = fb.all(static_cast<KindId>(*ip++)); break;
      case Op::CountKind: *sp++ = Value::integer(static_cast<int64_t>(fb.count(static_cast<KindId>(*ip++)))); break;
      case Op::LoadWhy: *sp++ = st.makeString(st.why); break;
      case Op::Unbind: frame[*ip++] = unboundValue(); break;

      // --- attributes ---
      case Op::GetAttr: {
        Value& v = sp[-1];
        const uint32_t w = *ip++;
        if (v.tag == Tag::Entity && v.entityKind() == attrKind(w)) {
          v = fb.get(attrKind(w), v.entityIndex(), attrId(w));
        } else {
          WARD_SAVE_IP();
          v = getAttrSlow(st, v, attrKind(w), attrId(w));
        }
        break;
      }
      case Op::GetAttrNamed: {
        Value& v = sp[-1];
        const uint32_t k = *ip++;
        const std::vector<AttrId>& byKind = st.unit->attrByName[k];
        if (v.tag == Tag::Entity && v.entityKind() < byKind.size() && byKind[v.entityKind()] != kNoAttr) {
          v = fb.get(v.entityKind(), v.entityIndex(), byKind[v.entityKind()]);
        } else {
          WARD_SAVE_IP();
          v = getAttrNamed(st, v, st.unit->strings[k]);
        }
        break;
      }
      case Op::LocalAttr: {
        const Value& v = frame[ip[0]];
        const uint32_t w = ip[1];
        ip += 2;
        if (v.tag == Tag::Entity && v.entityKind() == attrKind(w)) {
          *sp++ = fb.get(attrKind(w), v.entityIndex(), attrId(w));
        } else {
          WARD_SAVE_IP();
          *sp++ = getAttrSlow(st, v, attrKind(w), attrId(w));
        }
        break;
      }
      case Op::LocalAttrStore: {
        const Value& v = frame[ip[0]];
        const uint32_t w = ip[1];
        Value& to = frame[ip[2]];
        ip += 3;
        if (v.tag == Tag::Entity && v.entityKind() == attrKind(w)) {
          to = fb.get(attrKind(w), v.entityIndex(), attrId(w));
        } else {
          WARD_SAVE_IP();
          to = getAttrSlow(st, v, attrKind(w), attrId(w));
        }
        break;
      }

      // --- logic and jumps ---
      case Op::Not: {
        Value& v = sp[-1];
        if (v.tag == Tag::Bool) v.x = !v.x;
        else if (v.tag != Tag::Null) { WARD_SAVE_IP(); v = notSlow(st, v); }
        break;
      }
      case Op::AndJump: {
        const Value& v = sp[-1];
        if (isTrue(v) || v.tag == Tag::Null) ++ip;
        else ip = code + *ip;
        break;
      }
      case Op::AndMerge: {
        --sp;
        if (isTrue(sp[-1])) sp[-1] = sp[0];
        else { WARD_SAVE_IP(); sp[-1] = andMerge(st, sp[-1], sp[0]); }
        break;
      }
      case Op::OrJump: {
        const Value& v = sp[-1];
        if (isFalse(v) || v.tag == Tag::Null) ++ip;
        else ip = code + *ip;
        break;
      }
      case Op::OrMerge: {
        --sp;
        if (isFalse(sp[-1])) sp[-1] = sp[0];
        else { WARD_SAVE_IP(); sp[-1] = orMerge(st, sp[-1], sp[0]); }
        break;
      }
      case Op::JumpIfNotTrue: {
        const Value v = *--sp;
        if (v.tag == Tag::Bool) ip = v.x ? ip + 1 : code + *ip;
        else if (v.tag == Tag::Null) ip = code + *ip;
        else { WARD_SAVE_IP(); st.raiseValue(v, "a condition"); goto error; }
        break;
      }
      case Op::JumpIfTrue: {
        const Value v = *--sp;
        if (v.tag == Tag::Bool) ip = v.x ? code + *ip : ip + 1;
        else if (v.tag == Tag::Null) ++ip;
        else { WARD_SAVE_IP(); st.raiseValue(v, "a condition"); goto error; }
        break;
      }

      // --- comparison, membership, arithmetic ---
      case Op::Eq:
      case Op::Ne: {
        --sp;
        bool r;
        if (eqFast(sp[-1], sp[0], r)) {
          sp[-1] = Value::boolean(op == Op::Eq ? r : !r);
        } else {
          WARD_SAVE_IP();
          sp[-1] = compareOp(st, op, sp[-1], sp[0]);
        }
        break;
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge: {
        --sp;
        WARD_SAVE_IP();
        sp[-1] = compareOp(st, op, sp[-1], sp[0]);
        break;
      }
      case Op::EqConst:
      case Op::NeConst: {
        Value& v = sp[-1];
        const Value& c = consts[*ip++];
        bool r;
        if (eqFast(v, c, r)) {
          v = Value::boolean(op == Op::EqConst ? r : !r);
        } else {
          WARD_SAVE_IP();
          v = compareOp(st, op == Op::EqConst ? Op::Eq : Op::Ne, v, c);
        }
        break;
      }
      case Op::LocalAttrIsNull:
      case Op::LocalAttrNotNull:
      case Op::LocalAttrEqStr:
      case Op::LocalAttrNeStr: {
        const Value& e = frame[ip[0]];
        const uint32_t w = ip[1];
        const bool withStr = op == Op::LocalAttrEqStr || op == Op::LocalAttrNeStr;
        const StrId s = withStr ? st.mapStr(ip[2]) : 0;
        ip += withStr ? 3 : 2;
        Value v;
        if (e.tag == Tag::Entity && e.entityKind() == attrKind(w)) {
          v = fb.get(attrKind(w), e.entityIndex(), attrId(w));
        } else {
          WARD_SAVE_IP();
          v = getAttrSlow(st, e, attrKind(w), attrId(w));
        }
        // As IsNull / NotNull / EqStr / NeStr after LocalAttr: an error stays.
        if (v.tag != Tag::Error) {
          if (withStr) {
            const bool eq = v.tag == Tag::String && v.b0 == 0 && v.asString() == s;
            v = Value::boolean(op == Op::LocalAttrEqStr ? eq : !eq);
          } else {
            v = Value::boolean((v.tag == Tag::Null) == (op == Op::LocalAttrIsNull));
          }
        }
        *sp++ = v;
        break;
      }
      case Op::LocalEqConst:
      case Op::LocalNeConst: {
        const Value& v = frame[ip[0]];
        const Value& c = consts[ip[1]];
        ip += 2;
        bool r;
        if (eqFast(v, c, r)) {
          *sp++ = Value::boolean(op == Op::LocalEqConst ? r : !r);
        } else {
          WARD_SAVE_IP();
          const Value out = compareOp(st, op == Op::LocalEqConst ? Op::Eq : Op::Ne, v, c);
          *sp++ = out;
        }
        break;
      }
      case Op::LocalEqConstOr: {
        const Value& v = frame[ip[0]];
        const Value& c1 = consts[ip[1]];
        const Value& c2 = consts[ip[2]];
        ip += 3;
        bool r;
        Value first;
        if (eqFast(v, c1, r)) {
          if (r) { *sp++ = Value::boolean(true); break; }
          first = Value::boolean(false);
        } else {
          WARD_SAVE_IP();
          first = compareOp(st, Op::Eq, v, c1);
          // As OrJump: anything but false or null is the answer.
          if (!isFalse(first) && first.tag != Tag::Null) { *sp++ = first; break; }
        }
        Value second;
        if (eqFast(v, c2, r)) {
          second = Value::boolean(r);
        } else {
          WARD_SAVE_IP();
          second = compareOp(st, Op::Eq, v, c2);
        }
        if (isFalse(first)) *sp++ = second;
        else { WARD_SAVE_IP(); *sp++ = orMerge(st, first, second); }
        break;
      }
      case Op::IsNull:
      case Op::NotNull: {
        Value& v = sp[-1];
        if (v.tag != Tag::Error) v = Value::boolean((v.tag == Tag::Null) == (op == Op::IsNull));
        break;
      }
      case Op::EqStr:
      case Op::NeStr: {
        Value& v = sp[-1];
        const StrId s = st.mapStr(*ip++);
        if (v.tag == Tag::Error) break;
        const bool eq = v.tag == Tag::String && v.b0 == 0 && v.asString() == s;
        v = Value::boolean(op == Op::EqStr ? eq : !eq);
        break;
      }
      case Op::IsKind: {
        Value& v = sp[-1];
        const uint32_t k = *ip++;
        if (v.tag != Tag::Error) v = Value::boolean(v.tag == Tag::Entity && v.entityKind() == k);
        break;
      }
      case Op::In:
      case Op::Contains:
      case Op::Overlaps:
      case Op::Within: {
        --sp;
        WARD_SAVE_IP();
        sp[-1] = membership(st, op, sp[-1], sp[0]);
        break;
      }
      case Op::Add:
      case Op::Sub: {
        --sp;
        Value& a = sp[-1];
        const Value& b = sp[0];
        int64_t r;
        if (a.tag == Tag::Int && b.tag == Tag::Int &&
            !(op == Op::Add ? __builtin_add_overflow(a.asInt(), b.asInt(), &r)
                            : __builtin_sub_overflow(a.asInt(), b.asInt(), &r))) {
          a = Value::integer(r);
        } else {
          WARD_SAVE_IP();
          a = arithmetic(st, op, a, b);
          if (st.failed) goto error;
        }
        break;
      }
      case Op::Neg: {
        WARD_SAVE_IP();
        sp[-1] = negate(st, sp[-1]);
        break;
      }

      // --- building values ---
      case Op::MakeList:
      case Op::MakeSet: {
        const uint32_t n = *ip++;
        WARD_SAVE_IP();
        sp -= n;
        *sp = makeList(st, sp, n, op == Op::MakeSet);
        ++sp;
        if (st.failed) goto error;
        break;
      }
      case Op::Interp: {
        const uint32_t n = *ip++;
        sp -= n;
        // Optimization: the interpolation a finding's message ends with
        // leaves its text in st.text, where reportFinding copies it into
        // the findings' arena, instead of interning a string used once.
        if (&chunk == st.messageChunk && static_cast<Op>(*ip) == Op::Return) *sp = interpolateText(st, sp, n);
        else *sp = interpolate(st, sp, n);
        ++sp;
        if (st.failed) goto error;
        break;
      }
      case Op::BuildBegin: frame[*ip++] = Value::integer(static_cast<int64_t>(st.builder.size())); break;
      case Op::BuildPush:
        st.builder.push_back(*--sp);
        if (st.builder.size() % 4096 == 0 && !st.checkMemory()) goto error;
        break;
      case Op::BuildEnd: {
        const size_t start = frame[*ip++].x;
        const uint32_t n = static_cast<uint32_t>(st.builder.size() - start);
        WARD_SAVE_IP();
        *sp++ = makeList(st, st.builder.data() + start, n, false);
        st.builder.resize(start);
        if (st.failed) goto error;
        break;
      }

      // --- calls ---
      case Op::CallBuiltin:
      case Op::CallHost: {
        const uint32_t w = *ip++;
        const uint32_t argc = w & 0xff;
        WARD_SAVE_IP();
        sp -= argc;
        *sp = op == Op::CallBuiltin ? callBuiltin(st, w >> 8, sp, argc) : callHost(st, w >> 8, sp, argc);
        ++sp;
        if (st.failed) goto error;
        break;
      }

      // --- iteration ---
      case Op::IterKind: {
        Value it;
        it.tag = Tag::Entity;
        it.w = ip[1];
        it.x = fb.count(static_cast<KindId>(ip[1]));
        it.y = 0;
        frame[ip[0]] = it;
        ip += 2;
        break;
      }
      case Op::IterList: {
        const Value v = *--sp;
        Value it;
        it.tag = Tag::List;
        it.y = 0;
        if (v.tag == Tag::List) {
          it.b0 = v.b0;
          it.w = v.listLength();
          it.x = v.listArena() == Arena::Facts ? reinterpret_cast<uint64_t>(fb.list(v).data()) : v.listOffset();
        } else if (v.tag == Tag::Null) {
          it.b0 = static_cast<uint8_t>(Arena::Scratch);
          it.w = 0;
          it.x = 0;
        } else {
          WARD_SAVE_IP();
          st.raiseValue(v, "a collection to iterate over");
          goto error;
        }
        frame[*ip++] = it;
        break;
      }
      case Op::NextEntity: {
        Value& it = frame[ip[0]];
        if (it.y < it.x) {
          frame[ip[1]] = Value::entity(static_cast<KindId>(it.w), static_cast<EntityIndex>(it.y++));
          ip += 3;
        } else {
          frame[ip[1]] = unboundValue();
          ip = code + ip[2];
        }
        break;
      }
      case Op::NextElem: {
        Value& it = frame[ip[0]];
        if (it.y < it.w) {
          frame[ip[1]] = iterElements(st, it)[it.y++];
          ip += 3;
        } else {
          frame[ip[1]] = unboundValue();
          ip = code + ip[2];
        }
        break;
      }
      case Op::Loop:
        if (++st.steps >= st.checkAt) {
          WARD_SAVE_IP();
          if (!st.checkLimits()) goto error;
        }
        ip = code + *ip;
        break;
      case Op::Mark: frame[*ip++] = Value::integer(static_cast<int64_t>(st.scratch.size())); break;
      case Op::LoopReset:
        st.scratch.resize(frame[ip[0]].x);
        if (++st.steps >= st.checkAt) {
          WARD_SAVE_IP();
          if (!st.checkLimits()) goto error;
        }
        ip = code + ip[1];
        break;
      case Op::AllStep: {
        const Value b = *--sp;
        if (b.tag == Tag::Bool) {
          if (b.x) { ++ip; break; }
          sp[-1] = Value::boolean(false);
          ip = code + *ip;
        } else if (b.tag == Tag::Null) {
          sp[-1] = Value{};
          ++ip;
        } else {
          WARD_SAVE_IP();
          st.raiseValue(b, "the body of `all`");
          goto error;
        }
        break;
      }
      case Op::AnyStep: {
        const Value b = *--sp;
        if (b.tag == Tag::Bool) {
          if (!b.x) { ip += 2; break; }
          sp[-1] = Value::boolean(true);
          frame[ip[0]] = unboundValue();
          ip = code + ip[1];
        } else if (b.tag == Tag::Null) {
          sp[-1] = Value{};
          ip += 2;
        } else {
          WARD_SAVE_IP();
          st.raiseValue(b, "the body of `any`");
          goto error;
        }
        break;
      }
      case Op::NoneStep: {
        const Value b = *--sp;
        if (b.tag == Tag::Bool) {
          if (!b.x) { ++ip; break; }
          sp[-1] = Value::boolean(false);
          ip = code + *ip;
        } else if (b.tag == Tag::Null) {
          sp[-1] = Value{};
          ++ip;
        } else {
          WARD_SAVE_IP();
          st.raiseValue(b, "the body of `none`");
          goto error;
        }
        break;
      }
      case Op::CountStep: {
        const Value b = *--sp;
        if (b.tag == Tag::Bool) sp[-1].x += b.x != 0;
        else if (b.tag != Tag::Null) { WARD_SAVE_IP(); st.raiseValue(b, "the condition of `count`"); goto error; }
        break;
      }

      // --- rules ---
      case Op::FlagJump:
        frame[ip[0]] = Value::boolean(true);
        ip = code + ip[1];
        break;
      case Op::BeginInstance: st.why.clear(); break;
      case Op::Fail:
        WARD_SAVE_IP();
        if (!reportFinding(st, frame, sp)) goto error;
        st.chunk = &chunk;
        break;
      case Op::Return:
        out = sp > base ? sp[-1] : Value{};
        st.chunk = outerChunk;
        return true;
      // Optimization: every opcode has a case and bytecode only ever comes
      // from the compiler (compile.test.cpp decodes every chunk it makes), so
      // the dispatch needs no range check.
      default: __builtin_unreachable();
    }
  }
#undef WARD_SAVE_IP

error:
  st.chunk = outerChunk;
  return false;
}
#pragma GCC diagnostic pop

namespace {

// Evaluation states are reused across calls on a thread, so that a host
// evaluating many small policies does not allocate stacks and arenas each time.
// Nested evaluations (a host function that evaluates) take a fresh state.
thread_local std::vector<std::unique_ptr<EvalState>> tlsPool;
thread_local EvalState* tlsCurrent = nullptr;

class StateLease {
public:
  StateLease() {
    if (tlsPool.empty()) {
      state_ = std::make_unique<EvalState>();
    } else {
      state_ = std::move(tlsPool.back());
      tlsPool.pop_back();
    }
    outer_ = tlsCurrent;
    tlsCurrent = state_.get();
  }
  ~StateLease() {
    tlsCurrent = outer_;
    state_->reset();
    if (tlsPool.size() < 4) tlsPool.push_back(std::move(state_));
  }
  StateLease(const StateLease&) = delete;
  StateLease& operator=(const StateLease&) = delete;
  EvalState& operator*() { return *state_; }

private:
  std::unique_ptr<EvalState> state_;
  EvalState* outer_ = nullptr;
};

}  // namespace

// Builds the constant lists and evaluates the lets the unit needs.
bool prepare(EvalState& st, const CodeUnit& unit, uint32_t maxStack, uint32_t maxFrame) {
  uint32_t letStack = 0, letFrame = 0;
  for (const CompiledLet& l : unit.lets) {
    letStack = std::max(letStack, l.chunk.maxStack);
    letFrame = std::max(letFrame, l.frameSize);
  }
  // Optimization: no fill. Every stack slot is written before it is read,
  // and frames are reset per rule (only the slots the rule uses).
  const size_t stackNeed = std::max(maxStack, letStack) + 1, frameNeed = std::max(maxFrame, letFrame) + 1;
  if (st.stack.size() < stackNeed) st.stack.resize(stackNeed);
  if (st.frame.size() < frameNeed) st.frame.resize(frameNeed);

  st.constLists.clear();
  for (const std::vector<Value>& list : unit.constLists) {
    size_t start = st.scratch.size();
    for (Value v : list) {
      if (v.tag == Tag::String) v.x = st.mapStr(static_cast<uint32_t>(v.x));
      st.scratch.push_back(v);
    }
    st.constLists.push_back(Value::list(Arena::Scratch, start, static_cast<uint32_t>(list.size())));
  }
  st.letValues.assign(unit.lets.size(), Value{});
  for (uint32_t index : unit.letOrder) {
    const CompiledLet& let = unit.lets[index];
    st.letName = let.name;
    ++st.steps;
    if (!st.checkLimits()) return false;
    std::fill(st.frame.begin(), st.frame.begin() + let.frameSize, unboundValue());
    Value v;
    if (!run(st, let.chunk, st.frame.data(), st.stack.data(), v)) return false;
    if (v.tag == Tag::Error) return st.raiseValue(v, "the value");
    st.letValues[index] = v;
  }
  st.letName.clear();
  return true;
}

EvalState* swapCurrent(EvalState* st) {
  EvalState* outer = tlsCurrent;
  tlsCurrent = st;
  return outer;
}

namespace {

EvalError takeError(EvalState& st) { return std::move(st.error); }

}  // namespace

std::string_view currentString(const FactBase& facts, StrId id) {
  if (id & ScratchStrings::kBit) return tlsCurrent ? tlsCurrent->strings.get(id) : std::string_view{};
  return facts.str(id);
}

}  // namespace vm

std::string_view evalString(const FactBase& facts, StrId id) { return vm::currentString(facts, id); }

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
  auto scan = [&](const Chunk& chunk) {
    const auto& code = chunk.code;
    for (size_t pc = 0; pc < code.size();) {
      if (code[pc] >= kOpCount) return;
      const Op op = static_cast<Op>(code[pc]);
      const OperandKind kind = operandKind(op);
      const unsigned words = operandWords(kind);
      if (pc + words >= code.size()) return;
      const int attrWord = kind == OperandKind::Attr ? 1
                           : kind == OperandKind::SlotAttr || kind == OperandKind::SlotAttrStr ||
                                     kind == OperandKind::SlotAttrSlot
                               ? 2
                                                                                                : 0;
      if (attrWord) {
        const uint32_t w = code[pc + attrWord];
        const KindId k = attrKind(w);
        const AttrId a = attrId(w);
        if (k < schema.kindCount() && a < schema.kind(k).attrs.size() && schema.attr(k, a).derived())
          out.emplace_back(k, a);
      }
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
