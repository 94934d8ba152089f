// Operations on runtime values that need more than the 24 bits of a Value:
// equality and ordering (strings by content, lists by elements), truthiness,
// and rendering to text and JSON. Used by the VM and by report code.
#pragma once

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/value.hpp"

namespace ward {

// Strings made while evaluating (str(), +, interpolation, string constants the
// fact base does not hold). Their ids have kBit set so they never collide with
// the fact base's interner, which stays immutable and shared. A string is put
// here only when the fact base lacks it, so equal text always means equal id.
class ScratchStrings {
public:
  static constexpr StrId kBit = 0x80000000u;

  StrId intern(std::string_view s);
  std::string_view get(StrId id) const { return strings_[id & ~kBit]; }
  size_t bytes() const { return bytes_; }
  size_t size() const { return strings_.size(); }
  void clear();
  // Forgets the strings interned after the first `count` (their ids become
  // invalid): a per-call reset that keeps the older ones.
  void truncate(size_t count);

private:
  std::deque<std::string> strings_;  // a deque keeps the views below valid
  std::unordered_map<std::string_view, StrId> index_;
  size_t bytes_ = 0;
};

// A `service "s3"` value is a String whose b0 is kServiceFlag.
inline constexpr uint8_t kServiceFlag = 1;
inline Value serviceValue(StrId name) { Value v = Value::string(name); v.b0 = kServiceFlag; return v; }
inline bool isService(const Value& v) { return v.tag == Tag::String && v.b0 == kServiceFlag; }

// A variable slot that holds no witness: a null with b0 set. It behaves as
// null everywhere; only binding reports tell it apart.
inline Value unboundValue() { Value v; v.b0 = 0xff; return v; }
inline bool isUnbound(const Value& v) { return v.tag == Tag::Null && v.b0 == 0xff; }

inline bool isTrue(const Value& v) { return v.tag == Tag::Bool && v.x != 0; }
inline bool isFalse(const Value& v) { return v.tag == Tag::Bool && v.x == 0; }

// Where the payloads of values live during one evaluation: the fact base's
// interner and arena, and the evaluation's scratch strings and scratch arena.
struct ValueHeap {
  const FactBase* facts = nullptr;
  const ScratchStrings* strings = nullptr;
  const std::vector<Value>* scratch = nullptr;

  std::string_view str(StrId id) const {
    if (id & ScratchStrings::kBit) return strings ? strings->get(id) : std::string_view{};
    return facts ? facts->str(id) : std::string_view{};
  }
  std::span<const Value> list(const Value& v) const {
    if (v.listArena() == Arena::Scratch)
      return scratch ? std::span<const Value>(scratch->data() + v.listOffset(), v.listLength())
                     : std::span<const Value>{};
    return facts ? facts->list(v) : std::span<const Value>{};
  }
  std::string_view kindName(KindId k) const;
  std::string_view entityId(const Value& v) const;
};

// Structural equality: strings by content, CIDRs bit for bit (10.0.0.0/8 is
// not 10.0.0.0/16, 0.0.0.0/0 is not ::/0), entities by identity, lists element
// by element. A service equals only the same service. Null equals only null.
bool valueEqual(const Value& a, const Value& b, const ValueHeap& heap);

// A total order over all values (first by tag), for sets, sorting and
// determinism. Strings order by content, IPs and CIDRs numerically.
int valueCompare(const Value& a, const Value& b, const ValueHeap& heap);

// The canonical text of a value as messages show it: strings raw, entities as
// their id, lists as `[a, b]`, CIDRs canonical, dates as YYYY-MM-DD.
std::string renderText(const Value& v, const ValueHeap& heap);
void appendText(std::string& out, const Value& v, const ValueHeap& heap);

// JSON: strings, addresses, traffic and dates as JSON strings, entities as
// {"kind": ..., "id": ...}, lists as arrays.
std::string renderJson(const Value& v, const ValueHeap& heap);

// The dynamic type of a value: "bool", "subnet", "list", ...
std::string valueTypeName(const Value& v, const ValueHeap& heap);

}  // namespace ward
