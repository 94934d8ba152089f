// Static types of Ward expressions and fact attributes, shared by the checker
// (compile time) and the schema (fact layout).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/value.hpp"

namespace ward {

inline constexpr KindId kNoKind = 0xffff;

enum class BaseType : uint8_t {
  Unknown,  // an error was already reported; suppresses cascades
  Any,      // dynamically typed (e.g. heterogeneous lists)
  Null,
  Bool,
  Int,
  String,
  Ip,
  Cidr,
  Traffic,
  Date,
  Entity,
  List,
};

struct Type {
  BaseType base = BaseType::Unknown;
  BaseType elem = BaseType::Unknown;  // element type of a List
  KindId kind = kNoKind;              // the kind of an Entity, or of a List's entity elements
  bool nullable = false;              // attribute may be absent (null)

  static Type of(BaseType b) { Type t; t.base = b; return t; }
  static Type entity(KindId k) { Type t; t.base = BaseType::Entity; t.kind = k; return t; }
  static Type listOf(BaseType e, KindId k = kNoKind) {
    Type t; t.base = BaseType::List; t.elem = e; t.kind = k; return t;
  }
  Type element() const { Type t; t.base = elem; t.kind = kind; return t; }
  Type orNull() const { Type t = *this; t.nullable = true; return t; }

  friend bool operator==(const Type& a, const Type& b) {
    return a.base == b.base && a.elem == b.elem && a.kind == b.kind;
  }
};

// The name used in diagnostics: "bool", "cidr", "subnet", "list<subnet>".
// Entity names need the schema, so callers pass a kind-name function.
template <typename KindName>
std::string typeName(const Type& t, KindName&& kindName) {
  auto base = [&](BaseType b, KindId k) -> std::string {
    switch (b) {
      case BaseType::Unknown: return "<error>";
      case BaseType::Any: return "any";
      case BaseType::Null: return "null";
      case BaseType::Bool: return "bool";
      case BaseType::Int: return "int";
      case BaseType::String: return "string";
      case BaseType::Ip: return "ip";
      case BaseType::Cidr: return "cidr";
      case BaseType::Traffic: return "traffic";
      case BaseType::Date: return "date";
      case BaseType::Entity: return k == kNoKind ? std::string("entity") : std::string(kindName(k));
      case BaseType::List: return "list";
    }
    return "?";
  };
  if (t.base == BaseType::List) return "list<" + base(t.elem, t.kind) + ">";
  return base(t.base, t.kind);
}

}  // namespace ward
