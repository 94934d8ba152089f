// Internal: helpers for declaring and computing derived attributes.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "runtime/aws_schema_parts.hpp"

namespace ward::aws {

// Declares derived attributes with their documentation in one call.
struct Deriver {
  Schema& s;

  AttrId entity(KindId k, std::string name, Type t, std::string doc, std::string how, DeriveFn fn) {
    AttrDef a;
    a.name = std::move(name);
    a.type = t;
    a.doc = std::move(doc);
    a.awsField = std::move(how);
    a.derive = std::move(fn);
    return s.addAttr(k, std::move(a));
  }
  AttrId column(KindId k, std::string name, Type t, std::string doc, std::string how, DeriveColumnFn fn) {
    AttrDef a;
    a.name = std::move(name);
    a.type = t;
    a.doc = std::move(doc);
    a.awsField = std::move(how);
    a.deriveColumn = std::move(fn);
    return s.addAttr(k, std::move(a));
  }
};

// Builds one list per entity from (entity, element) pairs gathered in any
// order; elements keep the order in which they were added. Entities with no
// pairs get the empty list.
class Grouper {
public:
  explicit Grouper(size_t n) : n_(n) {}
  void add(EntityIndex target, Value v) { pairs_.emplace_back(target, v); }
  void emit(DerivedColumn& out) {
    std::stable_sort(pairs_.begin(), pairs_.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Value> elems;
    size_t i = 0;
    for (EntityIndex e = 0; e < n_; ++e) {
      elems.clear();
      while (i < pairs_.size() && pairs_[i].first == e) {
        // Skip repeats: a workload listing one subnet twice is in it once.
        // Pairs from one source are added together, so after the stable sort
        // its repeats are adjacent and comparing with the last is enough
        // (and keeps this linear for a subnet with thousands of jobs).
        const Value& v = pairs_[i].second;
        if (elems.empty() || !elems.back().sameBits(v)) elems.push_back(v);
        ++i;
      }
      out.values[e] = out.list(elems);
    }
  }

private:
  size_t n_;
  std::vector<std::pair<EntityIndex, Value>> pairs_;
};

// The distinct availability zones of some subnets, sorted by name. Only valid
// inside a per-entity derivation (it stores a derived list).
inline Value distinctAzs(const FactBase& fb, std::span<const Value> subnets, KindId subnetKind, AttrId azAttr) {
  std::vector<Value> azs;
  for (const Value& sn : subnets) {
    if (!isEntity(sn, subnetKind)) continue;
    Value az = fb.get(subnetKind, sn.entityIndex(), azAttr);
    if (az.tag != Tag::String || fb.str(az.asString()).empty()) continue;
    if (std::none_of(azs.begin(), azs.end(), [&](const Value& v) { return v.asString() == az.asString(); }))
      azs.push_back(az);
  }
  std::sort(azs.begin(), azs.end(),
            [&](const Value& x, const Value& y) { return fb.str(x.asString()) < fb.str(y.asString()); });
  return fb.derivedList(azs);
}

}  // namespace ward::aws
