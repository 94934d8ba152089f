// Runtime values: one 24-byte tagged POD for every value the VM handles, from
// booleans to CIDR blocks to references to facts. No heap per value: strings
// are interned, lists live in arenas.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "runtime/net/addr.hpp"

namespace ward {

using StrId = uint32_t;   // interned string (see Interner)
using KindId = uint16_t;  // index of a fact kind in the Schema
using EntityIndex = uint32_t;

enum class Tag : uint8_t {
  Null,
  Bool,
  Int,
  String,   // x = StrId
  Ip,       // net::IpAddr in (hi, lo), family in b0
  Cidr,     // net::Cidr: address in (hi, lo), family b0, prefix b1
  Traffic,  // net::Traffic: proto in w (int16), ports lo/hi in x
  Date,     // days since 1970-01-01 in x
  Entity,   // kind in w, entity index in x
  List,     // elements in an arena: offset in x, length in w, arena in b0
  Error,    // an evaluation error as a value: message StrId in x
};

// Which arena a List lives in: the fact base's (immutable, shared) or the
// evaluation's scratch arena (per call).
enum class Arena : uint8_t { Facts = 0, Scratch = 1 };

struct Value {
  Tag tag = Tag::Null;
  uint8_t b0 = 0;
  uint8_t b1 = 0;
  uint8_t b2 = 0;
  uint32_t w = 0;
  uint64_t x = 0;
  uint64_t y = 0;

  static Value null() { return Value{}; }
  static Value boolean(bool b) { Value v; v.tag = Tag::Bool; v.x = b; return v; }
  static Value integer(int64_t i) { Value v; v.tag = Tag::Int; v.x = static_cast<uint64_t>(i); return v; }
  static Value string(StrId s) { Value v; v.tag = Tag::String; v.x = s; return v; }
  static Value date(int64_t days) { Value v; v.tag = Tag::Date; v.x = static_cast<uint64_t>(days); return v; }
  static Value entity(KindId k, EntityIndex i) { Value v; v.tag = Tag::Entity; v.w = k; v.x = i; return v; }
  static Value list(Arena a, uint64_t offset, uint32_t length) {
    Value v; v.tag = Tag::List; v.b0 = static_cast<uint8_t>(a); v.x = offset; v.w = length; return v;
  }
  static Value error(StrId message) { Value v; v.tag = Tag::Error; v.x = message; return v; }
  static Value ip(const net::IpAddr& a) {
    Value v; v.tag = Tag::Ip; v.b0 = a.family; v.x = a.hi; v.y = a.lo; return v;
  }
  static Value cidr(const net::Cidr& c) {
    Value v; v.tag = Tag::Cidr; v.b0 = c.addr.family; v.b1 = c.prefix; v.x = c.addr.hi; v.y = c.addr.lo; return v;
  }
  static Value traffic(const net::Traffic& t) {
    Value v; v.tag = Tag::Traffic; v.w = static_cast<uint16_t>(t.proto);
    v.x = (uint64_t{t.ports.lo} << 16) | t.ports.hi; return v;
  }

  bool isNull() const { return tag == Tag::Null; }
  bool asBool() const { return x != 0; }
  int64_t asInt() const { return static_cast<int64_t>(x); }
  StrId asString() const { return static_cast<StrId>(x); }
  int64_t asDate() const { return static_cast<int64_t>(x); }
  KindId entityKind() const { return static_cast<KindId>(w); }
  EntityIndex entityIndex() const { return static_cast<EntityIndex>(x); }
  Arena listArena() const { return static_cast<Arena>(b0); }
  uint64_t listOffset() const { return x; }
  uint32_t listLength() const { return w; }
  net::IpAddr asIp() const { return net::IpAddr{x, y, b0}; }
  net::Cidr asCidr() const { return net::Cidr{net::IpAddr{x, y, b0}, b1}; }
  net::Traffic asTraffic() const {
    return net::Traffic{static_cast<int16_t>(static_cast<uint16_t>(w)),
                        net::PortRange{static_cast<uint16_t>(x >> 16), static_cast<uint16_t>(x & 0xffff)}};
  }

  // Bitwise identity. Lists compare by content elsewhere (see values.hpp).
  bool sameBits(const Value& o) const {
    return tag == o.tag && b0 == o.b0 && b1 == o.b1 && w == o.w && x == o.x && y == o.y;
  }
};
static_assert(sizeof(Value) == 24, "Value must stay 24 bytes");

}  // namespace ward
