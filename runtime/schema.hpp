// The fact schema: every kind of fact (vpc, subnet, training_job, ...), its
// attributes with their static types, where each comes from in AWS, and the
// derived attributes computed from the others. The checker types policies
// against it; the fact base lays out its columns by it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/types.hpp"

namespace ward {

class FactBase;
using AttrId = uint16_t;
inline constexpr AttrId kNoAttr = 0xffff;

// Computes a derived attribute of one entity. Called at most once per entity
// (the column is memoised), possibly reading other attributes, derived or not;
// the dependency graph between derived attributes must be acyclic.
using DeriveFn = std::function<Value(const FactBase&, EntityIndex)>;

struct AttrDef {
  std::string name;
  Type type;
  std::string doc;       // one sentence for docs/facts.md
  std::string awsField;  // e.g. "Subnets[].MapPublicIpOnLaunch", or "derived"
  DeriveFn derive;       // empty for stored attributes
  // For an inverse relation (vpc.subnets = every subnet whose `vpc` is this
  // one): the kind and attribute that point here. Computed from an index.
  KindId inverseKind = kNoKind;
  AttrId inverseAttr = kNoAttr;

  bool derived() const { return static_cast<bool>(derive) || inverseKind != kNoKind; }
};

struct KindDef {
  std::string name;        // "subnet"
  std::string collection;  // "subnets": the global name that lists every entity
  std::string doc;
  std::vector<AttrDef> attrs;
  std::unordered_map<std::string, AttrId> attrIndex;

  std::optional<AttrId> find(std::string_view attr) const {
    auto it = attrIndex.find(std::string(attr));
    if (it == attrIndex.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> attrNames() const;
};

class Schema {
public:
  // Adds a kind; attribute 0 of every kind is `id` (string), added here.
  KindId addKind(std::string name, std::string collection, std::string doc);
  AttrId addAttr(KindId kind, AttrDef def);
  // Declares kind.name as the inverse of `from.viaAttr` (a list of `from`).
  AttrId addInverse(KindId kind, std::string name, KindId from, AttrId viaAttr, std::string doc);

  size_t kindCount() const { return kinds_.size(); }
  const KindDef& kind(KindId k) const { return kinds_[k]; }
  KindDef& kindMut(KindId k) { return kinds_[k]; }
  std::optional<KindId> findKind(std::string_view name) const;
  // "subnets" -> subnet
  std::optional<KindId> findCollection(std::string_view name) const;
  std::vector<std::string> kindNames() const;
  std::vector<std::string> collectionNames() const;
  std::string typeName(const Type& t) const {
    return ward::typeName(t, [this](KindId k) { return kinds_[k].name; });
  }

  // The schema of AWS network facts and SageMaker workloads (runtime/aws_schema.cpp).
  static const Schema& aws();

private:
  std::vector<KindDef> kinds_;
};

}  // namespace ward
