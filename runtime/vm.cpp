// The bytecode interpreter: a switch-dispatched loop over one chunk, the
// per-thread pool of evaluation states, and the lets' preparation.
// vm_evaluate.cpp drives whole evaluations.
#include "runtime/vm.hpp"

#include <algorithm>
#include <memory>

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

// Whether `e` fails one of `f`'s tests, so that the loop's `where` is not
// true for it. Anything a test cannot decide exactly as the `where`'s own
// instructions would (not an entity of the kind, an error value, a value
// `==` does not compare in line) keeps the element.
// What one test makes of a value of its attribute: the element is rejected,
// or the `where` must run for it, or the next test decides.
enum class Outcome : uint8_t { Reject, Keep, Next };

Outcome apply(const ElemTest& t, const Value& v) {
  switch (t.kind) {
    case ElemTest::Kind::NotNull: return v.tag == Tag::Null ? Outcome::Reject : Outcome::Next;
    case ElemTest::Kind::IsNull: return v.tag != Tag::Null ? Outcome::Reject : Outcome::Next;
    case ElemTest::Kind::IsTrue:
    case ElemTest::Kind::IsFalse:
      if (v.tag == Tag::Bool) return !v.x == (t.kind == ElemTest::Kind::IsTrue) ? Outcome::Reject : Outcome::Next;
      return v.tag == Tag::Null ? Outcome::Next : Outcome::Keep;
    case ElemTest::Kind::EqAny:
      for (const Value& k : t.values) {
        bool r;
        if (!eqFast(v, k, r)) return Outcome::Keep;
        if (r) return Outcome::Next;
      }
      return Outcome::Reject;
  }
  return Outcome::Keep;
}

bool rejects(const FactBase& fb, const ElemFilter& f, const Value& e) {
  if (e.tag != Tag::Entity) return false;
  uint32_t attr = ~0u;
  Value v;
  for (const ElemTest& t : f.tests) {
    // Optimization: tests of one attribute in a row (`r.cidr != null and
    // open_to_world(r.cidr)`) read it once.
    if (t.attr != attr) {
      if (e.entityKind() != attrKind(t.attr)) return false;
      attr = t.attr;
      v = fb.get(attrKind(attr), e.entityIndex(), attrId(attr));
      if (v.tag == Tag::Error) return false;
    }
    switch (apply(t, v)) {
      case Outcome::Reject: return true;
      case Outcome::Keep: return false;
      case Outcome::Next: break;
    }
  }
  return false;
}

// rejects() for an element whose entry in the filter's one attribute (an
// address column `col` of kind `kind`) is an IPv4 value in eight bytes, or
// unset when `nullFate` says what becomes of a null (the attribute has no
// default): 1 rejected, 0 kept, -1 not such an element (ask rejects()).
inline int inlineAddrRejects(const FactColumn& col, KindId kind, const ElemFilter& f, int nullFate, const Value& e) {
  if (e.tag != Tag::Entity || e.entityKind() != kind) return -1;
  if (e.entityIndex() >= col.size()) return nullFate;
  const uint64_t bits = col.addrBits(e.entityIndex());
  if (bits == 0) return nullFate;
  if (bits & FactColumn::kAddrWide) return -1;
  if (f.inlineRejected) return 1;
  const Tag tag = col.addrTag();
  for (const auto& set : f.inlineSets) {
    bool in = false;
    for (const ElemFilter::InlineAddr& k : set)
      if (k.bits == bits && k.tag == tag) {
        in = true;
        break;
      }
    if (!in) return 1;
  }
  return 0;
}

// What NextElemFilter and NextEntityFilter look up once per loop: the
// column of a filter of one attribute, if it is stored as addresses or as
// booleans.
struct FilterScan {
  const ElemFilter& filter;
  const FactColumn* col = nullptr;      // an Addr column
  const FactColumn* boolCol = nullptr;  // a Bool column
  KindId colKind = 0;
  int nullFate = -1;
  int8_t boolNullFate = -1;  // an unset Bool entry: -1 when it reads as a default

  FilterScan(const FactBase& fb, const ElemFilter& f) : filter(f) {
    if (f.tests.empty()) return;
    const uint32_t attr = f.tests.front().attr;
    colKind = attrKind(attr);
    if (!f.oneAttr) return;
    const FactColumn* stored = fb.storedColumn(colKind, attrId(attr));
    if (!stored) return;
    if (stored->encoding() == FactColumn::Encoding::Addr) {
      col = stored;
      if (fb.defaultOf(colKind, attrId(attr)).isNull()) nullFate = f.nullRejected ? 1 : 0;
    } else if (stored->encoding() == FactColumn::Encoding::Bool) {
      // Optimization: `e.allow` or `not e.allow` decided from the entry's
      // byte (NACL entries: every `any e in entries: e.allow and ...`).
      boolCol = stored;
      if (fb.defaultOf(colKind, attrId(attr)).isNull()) boolNullFate = f.boolFates[2];
    }
  }
  // Whether the `where` must run for e (it may hold), or e is rejected.
  [[gnu::always_inline]] bool admits(const FactBase& fb, const Value& e) const {
    int fate = -1;
    if (col) {
      fate = inlineAddrRejects(*col, colKind, filter, nullFate, e);
    } else if (boolCol && e.tag == Tag::Entity && e.entityKind() == colKind) {
      const uint8_t byte = e.entityIndex() < boolCol->size() ? boolCol->boolByte(e.entityIndex()) : 2;
      fate = byte < 2 ? filter.boolFates[byte] : boolNullFate;
    }
    return fate == 0 || (fate < 0 && !rejects(fb, filter, e));
  }
};

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

  // Attribute `w` (kind << 16 | attr) of `v`: read from the fact base when `v`
  // is an entity of that kind, else whatever getAttrSlow makes of it (null,
  // or an error). Every attribute-reading instruction goes through here.
  auto attrOf = [&](const Value& v, uint32_t w) -> Value {
    if (v.tag == Tag::Entity && v.entityKind() == attrKind(w)) [[likely]]
      return fb.get(attrKind(w), v.entityIndex(), attrId(w));
    WARD_SAVE_IP();
    return getAttrSlow(st, v, attrKind(w), attrId(w));
  };

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
        const uint32_t w = *ip++;
        sp[-1] = attrOf(sp[-1], w);
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
        *sp++ = attrOf(v, w);
        break;
      }
      case Op::LocalAttrStore: {
        const Value& v = frame[ip[0]];
        const uint32_t w = ip[1];
        Value& to = frame[ip[2]];
        ip += 3;
        to = attrOf(v, w);
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
        Value v = attrOf(e, w);
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
      case Op::NextElemFilter:
      case Op::NextEntityFilter: {
        Value& it = frame[ip[0]];
        // Optimization: a filter of one attribute stored as an address column
        // (`r.cidr != null and open_to_world(r.cidr)`) tests IPv4 entries in
        // their eight-byte form, the column looked up once per loop.
        const FilterScan scan(fb, chunk.filters[ip[2]]);
        bool found = false;
        // Optimization: a loop for lists and one for kinds. One loop for both,
        // taking each element by value, cost the three bench rules over M 10%
        // more instructions (14.7M -> 16.2M).
        if (op == Op::NextElemFilter) {
          // Nothing below allocates, so the elements stay where they are.
          const Value* elems = iterElements(st, it);
          while (it.y < it.w) {
            const Value& e = elems[it.y++];
            if (scan.admits(fb, e)) {
              frame[ip[1]] = e;
              found = true;
              break;
            }
            // The step this element's LoopReset (or Loop) would have counted.
            if (++st.steps >= st.checkAt) {
              WARD_SAVE_IP();
              if (!st.checkLimits()) goto error;
            }
          }
        } else {
          while (it.y < it.x) {
            const Value e = Value::entity(static_cast<KindId>(it.w), static_cast<EntityIndex>(it.y++));
            if (scan.admits(fb, e)) {
              frame[ip[1]] = e;
              found = true;
              break;
            }
            if (++st.steps >= st.checkAt) {
              WARD_SAVE_IP();
              if (!st.checkLimits()) goto error;
            }
          }
        }
        if (found) {
          ip += 4;
        } else {
          frame[ip[1]] = unboundValue();
          ip = code + ip[3];
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

// The pool behind StateLease (vm_state.hpp), and the state that this
// thread's scratch strings resolve through (currentString).
thread_local std::vector<std::unique_ptr<EvalState>> tlsPool;
thread_local EvalState* tlsCurrent = nullptr;

}  // namespace

StateLease::StateLease() {
  if (tlsPool.empty()) {
    state_ = std::make_unique<EvalState>();
  } else {
    state_ = std::move(tlsPool.back());
    tlsPool.pop_back();
  }
  outer_ = tlsCurrent;
  tlsCurrent = state_.get();
}

StateLease::~StateLease() {
  tlsCurrent = outer_;
  state_->reset();
  if (tlsPool.size() < 4) tlsPool.push_back(std::move(state_));
}

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

std::string_view currentString(const FactBase& facts, StrId id) {
  if (id & ScratchStrings::kBit) return tlsCurrent ? tlsCurrent->strings.get(id) : std::string_view{};
  return facts.str(id);
}

}  // namespace vm

std::string_view evalString(const FactBase& facts, StrId id) { return vm::currentString(facts, id); }

}  // namespace ward
