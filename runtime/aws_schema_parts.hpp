// Internal: the pieces Schema::aws() is assembled from (stored attributes in
// aws_schema.cpp, derived ones in derived*.cpp, finish hooks in aws_finish.cpp).
#pragma once

#include <string>

#include "runtime/facts.hpp"
#include "runtime/schema.hpp"

namespace ward::aws {

// Looks up a kind / attribute that must exist (schema construction bugs abort).
KindId kindOf(const Schema& s, std::string_view kind);
AttrId attrOf(const Schema& s, KindId kind, std::string_view attr);

// Derived attributes of the network kinds (derived.cpp).
void addNetworkDerived(Schema& s);
// Derived attributes of SageMaker workloads and the ML views of subnets and
// VPCs (derived_workloads.cpp).
void addWorkloadDerived(Schema& s);
// Completion of the facts at the end of loading (aws_finish.cpp).
void addFinishHooks(Schema& s);

// Small typed readers shared by the derivations.
inline bool isTrue(const Value& v) { return v.tag == Tag::Bool && v.asBool(); }
inline bool isEntity(const Value& v, KindId k) { return v.tag == Tag::Entity && v.entityKind() == k; }
inline bool strIs(const FactBase& fb, const Value& v, std::string_view s) {
  return v.tag == Tag::String && fb.str(v.asString()) == s;
}
// "available", "Available", "AVAILABLE" and friends all mean the same thing.
bool equalsIgnoreCase(std::string_view a, std::string_view b);
inline bool strIsNoCase(const FactBase& fb, const Value& v, std::string_view s) {
  return v.tag == Tag::String && equalsIgnoreCase(fb.str(v.asString()), s);
}

}  // namespace ward::aws
