// The VM's slow paths: evaluation state bookkeeping and limits, errors, and
// the operations too rare or too varied for the dispatch loop (set algebra,
// arithmetic, list building, builtins and host calls).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "runtime/vm_state.hpp"

namespace ward::vm {

// --- state ------------------------------------------------------------------------

void EvalState::begin(const CodeUnit& u, const FactBase& facts, const EvalOptions& opts) {
  unit = &u;
  fb = &facts;
  options = &opts;
  heap = ValueHeap{&facts, &strings, &scratch};
  strMap.assign(u.strings.size(), kUnmapped);
  steps = 0;
  maxSteps = opts.limits.maxSteps;
  timed = opts.limits.deadline.count() > 0 || static_cast<bool>(opts.limits.cancel);
  if (opts.limits.deadline.count() > 0) deadline = std::chrono::steady_clock::now() + opts.limits.deadline;
  else deadline = std::chrono::steady_clock::time_point::max();
  checkAt = 0;
  maxMemory = opts.limits.maxMemoryBytes;
  failed = false;
  error = EvalError{};
  textRule = nullptr;
}

void EvalState::reset() {
  // Keep capacities: the next evaluation on this thread reuses them.
  strings.clear();
  scratch.clear();
  builder.clear();
  findings.clear();
  findingText.clear();
  textRule = nullptr;
  constLists.clear();
  letValues.clear();
  why.clear();
  letName.clear();
  rule = nullptr;
  ruleFrame = nullptr;
  chunk = nullptr;
  ip = nullptr;
  unit = nullptr;
  fb = nullptr;
  options = nullptr;
}

StrId EvalState::mapStrSlow(uint32_t k) {
  StrId id = internText(unit->strings[k]);
  strMap[k] = id;
  return id;
}

StrId EvalState::internText(std::string_view s) {
  if (auto id = fb->strings().find(s)) return *id;
  return strings.intern(s);
}

bool EvalState::checkLimits() {
  if (steps > maxSteps)
    return raise(EvalErrorCode::StepLimit, fmt::format("step limit of {} exceeded", maxSteps));
  // Optimization: the clock and the cancel callback are consulted every 1024
  // steps, so the per-iteration cost is one compare.
  checkAt = timed ? std::min(steps + 1024, maxSteps + 1) : maxSteps + 1;
  if (timed) {
    if (options->limits.cancel && options->limits.cancel())
      return raise(EvalErrorCode::Cancelled, "evaluation cancelled");
    if (std::chrono::steady_clock::now() > deadline)
      return raise(EvalErrorCode::Deadline,
                   fmt::format("deadline of {} ms exceeded", options->limits.deadline.count()));
  }
  return checkMemory();
}

bool EvalState::checkMemory() {
  if (memoryUsed() <= maxMemory) return true;
  return raise(EvalErrorCode::MemoryLimit, fmt::format("memory limit of {} bytes exceeded", maxMemory));
}

std::string EvalState::location() const {
  if (!chunk || !ip) return {};
  // ip points past the opcode (and maybe its operands); the instruction
  // started at most four words before.
  uint32_t offset = static_cast<uint32_t>(ip - chunk->code.data());
  offset = offset > 0 ? offset - 1 : 0;
  return chunk->where(offset);
}

std::string EvalState::culprit() const {
  if (!letName.empty()) return "let " + letName + ": ";
  if (!rule) return {};
  std::string out = "rule " + rule->meta.id;
  if (!rule->fors.empty() && ruleFrame) {
    const Value& v = ruleFrame[rule->fors.front().slot];
    if (!isUnbound(v)) out += " on " + renderText(v, heap);
  }
  return out + ": ";
}

bool EvalState::raise(EvalErrorCode code, std::string message) {
  if (failed) return false;  // keep the first error
  failed = true;
  error.code = code;
  error.message = culprit() + message;
  return false;
}

bool EvalState::raiseValue(const Value& v, std::string_view what) {
  if (v.tag == Tag::Error) return raise(EvalErrorCode::Runtime, std::string(heap.str(v.asString())));
  std::string msg = fmt::format("expected a bool for {}, got {} `{}`", what, valueTypeName(v, heap), renderText(v, heap));
  if (std::string where = location(); !where.empty()) msg += " at " + where;
  return raise(EvalErrorCode::Runtime, std::move(msg));
}

Value EvalState::makeError(std::string_view message) {
  std::string msg(message);
  if (std::string where = location(); !where.empty()) msg += " at " + where;
  return Value::error(strings.intern(msg));
}

Value EvalState::makeList(std::span<const Value> elements) {
  return vm::makeList(*this, elements.data(), static_cast<uint32_t>(elements.size()), false);
}

// --- attributes ------------------------------------------------------------------

namespace {

std::string typeOf(EvalState& st, const Value& v) { return valueTypeName(v, st.heap); }

}  // namespace

Value getAttrNamed(EvalState& st, const Value& receiver, std::string_view name) {
  if (receiver.tag == Tag::Null || receiver.tag == Tag::Error) return receiver;
  if (receiver.tag != Tag::Entity)
    return st.makeError(fmt::format("cannot read attribute '{}' of a {}", name, typeOf(st, receiver)));
  const KindDef& kd = st.fb->schema().kind(receiver.entityKind());
  auto attr = kd.find(name);
  if (!attr) return st.makeError(fmt::format("a {} has no attribute '{}'", kd.name, name));
  return st.fb->get(receiver.entityKind(), receiver.entityIndex(), *attr);
}

Value getAttrSlow(EvalState& st, const Value& receiver, KindId kind, AttrId attr) {
  if (receiver.tag == Tag::Null || receiver.tag == Tag::Error) return receiver;
  const Schema& schema = st.fb->schema();
  std::string_view name = kind < schema.kindCount() && attr < schema.kind(kind).attrs.size()
                              ? std::string_view(schema.kind(kind).attrs[attr].name)
                              : std::string_view("?");
  // An entity of another kind (an element of a list<any>): look the
  // attribute up by name in its own kind.
  return getAttrNamed(st, receiver, name);
}

// --- logic ------------------------------------------------------------------------

Value notSlow(EvalState& st, const Value& v) {
  if (v.tag == Tag::Error) return v;
  return st.makeError(fmt::format("`not` expects a bool, got {}", typeOf(st, v)));
}

// a is true or null here (true was handled inline): Kleene conjunction.
Value andMerge(EvalState& st, const Value& a, const Value& b) {
  if (a.tag == Tag::Error) return a;
  if (b.tag == Tag::Error) return b;
  if (isFalse(b)) return b;
  if (b.tag == Tag::Bool || b.tag == Tag::Null) return Value{};
  return st.makeError(fmt::format("`and` expects bools, got {}", typeOf(st, b)));
}

// a is false or null here: Kleene disjunction.
Value orMerge(EvalState& st, const Value& a, const Value& b) {
  if (a.tag == Tag::Error) return a;
  if (b.tag == Tag::Error) return b;
  if (isTrue(b)) return b;
  if (b.tag == Tag::Bool || b.tag == Tag::Null) return Value{};
  return st.makeError(fmt::format("`or` expects bools, got {}", typeOf(st, b)));
}

// --- comparison -------------------------------------------------------------------

Value compareOp(EvalState& st, Op op, const Value& a, const Value& b) {
  if (a.tag == Tag::Error) return a;
  if (b.tag == Tag::Error) return b;
  if (op == Op::Eq || op == Op::Ne) {
    bool eq = valueEqual(a, b, st.heap);
    return Value::boolean(op == Op::Eq ? eq : !eq);
  }
  if (a.tag == Tag::Null || b.tag == Tag::Null) return Value{};
  int c = 0;
  if (a.tag == Tag::Int && b.tag == Tag::Int) {
    c = a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
  } else if (a.tag == b.tag && (a.tag == Tag::Date || a.tag == Tag::String || a.tag == Tag::Ip)) {
    c = valueCompare(a, b, st.heap);
  } else {
    return st.makeError(fmt::format("cannot order a {} and a {}", typeOf(st, a), typeOf(st, b)));
  }
  switch (op) {
    case Op::Lt: return Value::boolean(c < 0);
    case Op::Le: return Value::boolean(c <= 0);
    case Op::Gt: return Value::boolean(c > 0);
    default: return Value::boolean(c >= 0);
  }
}

namespace {

// Three-valued results of set algebra: 1 true, 0 false, -1 unknown (null),
// -2 a type error.
constexpr int kUnknown = -1, kTypeError = -2;

int within(EvalState& st, const Value& a, const Value& b);

int overlaps(EvalState& st, const Value& a, const Value& b) {
  if (a.tag == Tag::Null || b.tag == Tag::Null) return kUnknown;
  if (a.tag == Tag::List || b.tag == Tag::List) {
    const Value& list = a.tag == Tag::List ? a : b;
    const Value& other = a.tag == Tag::List ? b : a;
    int result = 0;
    for (const Value& e : st.heap.list(list)) {
      int r = overlaps(st, e, other);
      if (r == 1 || r == kTypeError) return r;
      if (r == kUnknown) result = kUnknown;
    }
    return result;
  }
  if (a.tag == Tag::Cidr && b.tag == Tag::Cidr) return net::overlaps(a.asCidr(), b.asCidr());
  if (a.tag == Tag::Ip && b.tag == Tag::Cidr) return net::contains(b.asCidr(), a.asIp());
  if (a.tag == Tag::Cidr && b.tag == Tag::Ip) return net::contains(a.asCidr(), b.asIp());
  if (a.tag == Tag::Traffic && b.tag == Tag::Traffic) return net::overlaps(a.asTraffic(), b.asTraffic());
  if (a.tag == b.tag) return valueEqual(a, b, st.heap);
  return kTypeError;
}

int within(EvalState& st, const Value& a, const Value& b) {
  if (a.tag == Tag::Null || b.tag == Tag::Null) return kUnknown;
  if (b.tag == Tag::List) {
    // Inside some element: `s.cidr within vpc.cidrs`.
    int result = 0;
    for (const Value& e : st.heap.list(b)) {
      int r = within(st, a, e);
      if (r == 1 || r == kTypeError) return r;
      if (r == kUnknown) result = kUnknown;
    }
    return result;
  }
  if (a.tag == Tag::List) {
    // Every element inside: `[10.0.1.0/24, 10.0.2.0/24] within vpc.cidr`.
    int result = 1;
    for (const Value& e : st.heap.list(a)) {
      int r = within(st, e, b);
      if (r == 0 || r == kTypeError) return r;
      if (r == kUnknown) result = kUnknown;
    }
    return result;
  }
  if (b.tag == Tag::Cidr && a.tag == Tag::Ip) return net::contains(b.asCidr(), a.asIp());
  if (b.tag == Tag::Cidr && a.tag == Tag::Cidr) return net::contains(b.asCidr(), a.asCidr());
  if (b.tag == Tag::Traffic && a.tag == Tag::Traffic) return net::contains(b.asTraffic(), a.asTraffic());
  return kTypeError;
}

// `a in b`: list membership is equality (`c in [0.0.0.0/0, ::/0]` asks for
// exactly those blocks); against a CIDR or a traffic spec it is containment.
int member(EvalState& st, const Value& a, const Value& b) {
  if (b.tag == Tag::Null) return kUnknown;
  if (b.tag == Tag::List) {
    for (const Value& e : st.heap.list(b))
      if (valueEqual(a, e, st.heap)) return 1;
    return 0;
  }
  if (a.tag == Tag::Null) return kUnknown;
  if (b.tag == Tag::String && a.tag == Tag::String)
    return st.heap.str(b.asString()).find(st.heap.str(a.asString())) != std::string_view::npos;
  if (b.tag == Tag::Cidr || b.tag == Tag::Traffic) return within(st, a, b);
  return kTypeError;
}

const char* opWord(Op op) {
  switch (op) {
    case Op::In: return "in";
    case Op::Contains: return "contains";
    case Op::Overlaps: return "overlaps";
    default: return "within";
  }
}

}  // namespace

Value membership(EvalState& st, Op op, const Value& a, const Value& b) {
  if (a.tag == Tag::Error) return a;
  if (b.tag == Tag::Error) return b;
  int r = 0;
  switch (op) {
    case Op::In: r = member(st, a, b); break;
    case Op::Contains: r = member(st, b, a); break;
    case Op::Overlaps: r = overlaps(st, a, b); break;
    default: r = within(st, a, b); break;
  }
  if (r == kUnknown) return Value{};
  if (r == kTypeError)
    return st.makeError(fmt::format("`{}` does not apply to a {} and a {}", opWord(op), typeOf(st, a), typeOf(st, b)));
  return Value::boolean(r == 1);
}

// --- arithmetic -------------------------------------------------------------------

Value arithmetic(EvalState& st, Op op, const Value& a, const Value& b) {
  if (a.tag == Tag::Error) return a;
  if (b.tag == Tag::Error) return b;
  if (a.tag == Tag::Null || b.tag == Tag::Null) return Value{};
  int64_t r;
  const bool add = op == Op::Add;
  // The dispatch loop adds and subtracts ints itself; two ints arrive here
  // only when that overflowed.
  if (a.tag == Tag::Int && b.tag == Tag::Int) return st.makeError("integer overflow");
  if (add && a.tag == Tag::String && b.tag == Tag::String) {
    st.text.assign(st.heap.str(a.asString()));
    st.text += st.heap.str(b.asString());
    Value v = st.makeString(st.text);
    st.checkMemory();
    return v;
  }
  if (add && a.tag == Tag::List && b.tag == Tag::List) {
    size_t start = st.scratch.size();
    // Note: copy through indexes, since pushing may move the scratch arena
    // that one of the operands lives in.
    for (size_t i = 0; i < a.listLength(); ++i) st.scratch.push_back(st.heap.list(a)[i]);
    for (size_t i = 0; i < b.listLength(); ++i) st.scratch.push_back(st.heap.list(b)[i]);
    st.checkMemory();
    return Value::list(Arena::Scratch, start, a.listLength() + b.listLength());
  }
  if (a.tag == Tag::Date && b.tag == Tag::Int &&
      !(add ? __builtin_add_overflow(a.asDate(), b.asInt(), &r) : __builtin_sub_overflow(a.asDate(), b.asInt(), &r)))
    return Value::date(r);
  if (add && a.tag == Tag::Int && b.tag == Tag::Date && !__builtin_add_overflow(a.asInt(), b.asDate(), &r))
    return Value::date(r);
  if (!add && a.tag == Tag::Date && b.tag == Tag::Date) return Value::integer(a.asDate() - b.asDate());
  return st.makeError(fmt::format("cannot {} a {} and a {}", add ? "add" : "subtract", typeOf(st, a), typeOf(st, b)));
}

Value negate(EvalState& st, const Value& a) {
  if (a.tag == Tag::Null || a.tag == Tag::Error) return a;
  if (a.tag == Tag::Int && a.asInt() != INT64_MIN) return Value::integer(-a.asInt());
  if (a.tag == Tag::Int) return st.makeError("integer overflow");
  return st.makeError(fmt::format("cannot negate a {}", typeOf(st, a)));
}

// --- lists and strings ------------------------------------------------------------

namespace {

// Marks st.tmpIndex[i] = 1 for the first occurrence of each distinct value
// among elems[0..n), in O(n log n).
void firstOccurrences(EvalState& st, const Value* elems, uint32_t n, std::vector<uint8_t>& keep) {
  st.tmpIndex.resize(n);
  for (uint32_t i = 0; i < n; ++i) st.tmpIndex[i] = i;
  std::stable_sort(st.tmpIndex.begin(), st.tmpIndex.end(),
                   [&](uint32_t x, uint32_t y) { return valueCompare(elems[x], elems[y], st.heap) < 0; });
  keep.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i)
    if (i == 0 || !valueEqual(elems[st.tmpIndex[i - 1]], elems[st.tmpIndex[i]], st.heap)) keep[st.tmpIndex[i]] = 1;
}

}  // namespace

Value makeList(EvalState& st, const Value* elems, uint32_t n, bool dedupe) {
  // An error inside a list is an error of the list: otherwise `len` of a
  // list of failures would quietly count them.
  for (uint32_t i = 0; i < n; ++i)
    if (elems[i].tag == Tag::Error) return elems[i];
  size_t start = st.scratch.size();
  if (!dedupe || n < 2) {
    // `elems` may point into the scratch arena itself (list + list); reserve
    // first so that the copy reads from a stable buffer.
    if (st.scratch.capacity() < start + n) {
      std::vector<Value> copy(elems, elems + n);
      st.scratch.insert(st.scratch.end(), copy.begin(), copy.end());
    } else {
      st.scratch.insert(st.scratch.end(), elems, elems + n);
    }
  } else {
    std::vector<uint8_t> keep;
    firstOccurrences(st, elems, n, keep);
    std::vector<Value> out;
    for (uint32_t i = 0; i < n; ++i)
      if (keep[i]) out.push_back(elems[i]);
    st.scratch.insert(st.scratch.end(), out.begin(), out.end());
  }
  uint32_t len = static_cast<uint32_t>(st.scratch.size() - start);
  if (!st.checkMemory()) return Value{};
  return Value::list(Arena::Scratch, start, len);
}

Value interpolateText(EvalState& st, const Value* parts, uint32_t n) {
  st.text.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (parts[i].tag == Tag::Error) return parts[i];
    appendText(st.text, parts[i], st.heap);
  }
  return textValue();
}

Value interpolate(EvalState& st, const Value* parts, uint32_t n) {
  Value v = interpolateText(st, parts, n);
  if (v.tag == Tag::Error) return v;
  v = st.makeString(st.text);
  st.checkMemory();
  return v;
}

// --- builtins -----------------------------------------------------------------------

namespace {

Value stringTest(EvalState& st, const Value* args, bool prefix) {
  if (args[0].tag != Tag::String || args[1].tag != Tag::String)
    return st.makeError(fmt::format("{} expects two strings", prefix ? "starts_with" : "ends_with"));
  std::string_view s = st.heap.str(args[0].asString()), p = st.heap.str(args[1].asString());
  return Value::boolean(prefix ? s.starts_with(p) : s.ends_with(p));
}

Value tagOf(EvalState& st, const Value& entity, const Value& key) {
  const CodeUnit& u = *st.unit;
  if (entity.tag != Tag::Entity || key.tag != Tag::String)
    return st.makeError(fmt::format("tag expects an entity and a string, got {} and {}", typeOf(st, entity),
                                    typeOf(st, key)));
  KindId k = entity.entityKind();
  if (k >= u.tagsAttr.size() || u.tagsAttr[k] == kNoAttr || u.tagKind == kNoKind) return Value{};
  Value tags = st.fb->get(k, entity.entityIndex(), u.tagsAttr[k]);
  if (tags.tag != Tag::List) return Value{};
  for (const Value& t : st.heap.list(tags)) {
    if (t.tag != Tag::Entity || t.entityKind() != u.tagKind) continue;
    Value tk = st.fb->get(u.tagKind, t.entityIndex(), u.tagKey);
    if (tk.tag == Tag::String && tk.asString() == key.asString())
      return st.fb->get(u.tagKind, t.entityIndex(), u.tagValue);
  }
  return Value{};
}

bool isEndpoint(const Value& v) {
  return v.tag == Tag::Entity || v.tag == Tag::Ip || v.tag == Tag::String || v.tag == Tag::Cidr;
}

Value reach(EvalState& st, const Value* args) {
  if (!st.options->reach) return st.makeError("reach is not available in this engine");
  if (args[2].tag != Tag::Traffic || !isEndpoint(args[0]) || !isEndpoint(args[1]))
    return st.makeError(fmt::format("reach expects a source, a destination and traffic, got {}, {} and {}",
                                    typeOf(st, args[0]), typeOf(st, args[1]), typeOf(st, args[2])));
  ++st.steps;
  ReachAnswer answer;
  try {
    answer = st.options->reach(*st.fb, args[0], args[1], args[2].asTraffic());
  } catch (const std::exception& e) {
    return st.makeError(fmt::format("reach failed: {}", e.what()));
  }
  if (!answer.delivered) st.why = std::move(answer.why);
  return Value::boolean(answer.delivered);
}

}  // namespace

Value callBuiltin(EvalState& st, uint32_t id, const Value* args, uint32_t argc) {
  for (uint32_t i = 0; i < argc; ++i)
    if (args[i].tag == Tag::Error) return args[i];
  // Builtins are null-transparent: a missing attribute gives a missing answer,
  // which a `require` then counts as a failure. str() renders null instead.
  const auto builtin = static_cast<BuiltinId>(id);
  if (builtin != BuiltinId::Str)
    for (uint32_t i = 0; i < argc; ++i)
      if (args[i].tag == Tag::Null) return Value{};
  switch (builtin) {
    case BuiltinId::Len:
      if (args[0].tag == Tag::List) return Value::integer(args[0].listLength());
      if (args[0].tag == Tag::String) return Value::integer(static_cast<int64_t>(st.heap.str(args[0].asString()).size()));
      return st.makeError(fmt::format("len expects a list, got {}", typeOf(st, args[0])));
    case BuiltinId::Tag: return tagOf(st, args[0], args[1]);
    case BuiltinId::StartsWith: return stringTest(st, args, true);
    case BuiltinId::EndsWith: return stringTest(st, args, false);
    case BuiltinId::Lower: {
      if (args[0].tag != Tag::String) return st.makeError(fmt::format("lower expects a string, got {}", typeOf(st, args[0])));
      st.text.assign(st.heap.str(args[0].asString()));
      for (char& c : st.text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      Value v = st.makeString(st.text);
      st.checkMemory();
      return v;
    }
    case BuiltinId::Str:
      if (args[0].tag == Tag::String && !isService(args[0])) return args[0];
      st.text.clear();
      appendText(st.text, args[0], st.heap);
      {
        Value v = st.makeString(st.text);
        st.checkMemory();
        return v;
      }
    case BuiltinId::Reach: return reach(st, args);
    case BuiltinId::Canonical:
    case BuiltinId::IsCanonical:
    case BuiltinId::PrefixLen: {
      if (args[0].tag != Tag::Cidr)
        return st.makeError(fmt::format("{} expects a cidr, got {}", builtinName(static_cast<uint16_t>(id)),
                                        typeOf(st, args[0])));
      net::Cidr c = args[0].asCidr();
      if (builtin == BuiltinId::Canonical) return Value::cidr(net::canonical(c));
      if (builtin == BuiltinId::IsCanonical) return Value::boolean(net::isCanonical(c));
      return Value::integer(c.prefix);
    }
    case BuiltinId::Distinct: {
      if (args[0].tag != Tag::List)
        return st.makeError(fmt::format("distinct expects a list, got {}", typeOf(st, args[0])));
      // Copy out first: makeList appends to the arena the list may live in.
      auto in = st.heap.list(args[0]);
      std::vector<Value> elems(in.begin(), in.end());
      return makeList(st, elems.data(), static_cast<uint32_t>(elems.size()), true);
    }
  }
  return st.makeError(fmt::format("unknown builtin #{}", id));
}

Value callHost(EvalState& st, uint32_t id, const Value* args, uint32_t argc) {
  const auto& hosts = st.options->hostFunctions;
  std::string_view name = id < st.unit->hostNames.size() ? std::string_view(st.unit->hostNames[id]) : "?";
  if (id >= hosts.size() || !hosts[id])
    return st.makeError(fmt::format("host function {} (#{}) is not provided by this engine", name, id));
  ++st.steps;
  try {
    Value v = hosts[id](std::span<const Value>(args, argc), st);
    st.checkMemory();  // the host may have made strings and lists
    return v;
  } catch (const std::exception& e) {
    return st.makeError(fmt::format("host function {} failed: {}", name, e.what()));
  }
}

}  // namespace ward::vm
