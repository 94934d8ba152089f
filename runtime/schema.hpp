// The fact schema: every kind of fact (vpc, subnet, training_job, ...), its
// attributes with their static types, where each comes from in AWS, and the
// derived attributes computed from the others. The checker types policies
// against it; the fact base lays out its columns by it.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/types.hpp"

namespace ward {

class FactBase;
class FactBaseBuilder;
using AttrId = uint16_t;
inline constexpr AttrId kNoAttr = 0xffff;

// Computes a derived attribute of one entity. Called at most once per entity
// (the column is memoised), possibly reading other attributes, derived or not;
// the dependency graph between derived attributes must be acyclic. A derived
// list is stored with FactBase::derivedList, which is valid only inside a
// derivation.
using DeriveFn = std::function<Value(const FactBase&, EntityIndex)>;

// The output of a column-wise derivation: one value per entity (null until
// set), and an arena of its own for the lists those values point at. Derived
// columns never share an arena, so computing two of them on two threads at once
// needs no lock.
class DerivedColumn {
public:
  std::vector<Value> values;
  // Stores the elements and returns the list value that refers to them.
  Value list(std::span<const Value> elems);

private:
  friend class FactBase;
  uint32_t storage_ = 0;
  std::vector<Value> arena_;
};

// Computes a whole derived column at once: for relations that are cheaper to
// build from one scan of another kind (subnet.route_table from the route
// tables' associations) than entity by entity.
using DeriveColumnFn = std::function<void(const FactBase&, KindId, DerivedColumn&)>;

struct AttrDef {
  std::string name;
  Type type;
  std::string doc;       // one sentence for docs/facts.md
  std::string awsField;  // e.g. "Subnets[].MapPublicIpOnLaunch", or "derived: ..."
  DeriveFn derive;       // empty for stored attributes
  DeriveColumnFn deriveColumn;  // alternative to `derive`
  // For an inverse relation (vpc.subnets = every subnet whose `vpc` is this
  // one): the kind and attribute that point here. Computed from an index.
  KindId inverseKind = kNoKind;
  AttrId inverseAttr = kNoAttr;
  // The value a stored, non-nullable attribute takes when an input leaves it
  // out, written as Ward JSON would write it ("false", "0", "available",
  // "all"). Lists default to the empty list; empty means "null".
  std::string defaultValue;

  bool derived() const {
    return static_cast<bool>(derive) || static_cast<bool>(deriveColumn) || inverseKind != kNoKind;
  }
};

// Hashes a name given as a string or a view, so that maps keyed by
// std::string are searched with a view without building a string.
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct KindDef {
  std::string name;        // "subnet"
  std::string collection;  // "subnets": the global name that lists every entity
  std::string doc;
  std::vector<AttrDef> attrs;
  std::unordered_map<std::string, AttrId, NameHash, std::equal_to<>> attrIndex;

  std::optional<AttrId> find(std::string_view attr) const {
    auto it = attrIndex.find(attr);
    if (it == attrIndex.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> attrNames() const;
};

// Runs inside FactBaseBuilder::finish(), after references are resolved and
// before defaults are filled in: schema-specific completion of the facts, e.g.
// the implicit deny-all entry every network ACL ends with.
using FinishHook = std::function<void(FactBaseBuilder&)>;

class Schema {
public:
  // Adds a kind; attribute 0 of every kind is `id` (string), added here.
  KindId addKind(std::string name, std::string collection, std::string doc);
  AttrId addAttr(KindId kind, AttrDef def);
  // Declares kind.name as the inverse of `from.viaAttr` (a reference to `kind`
  // or a list of them): the list of every `from` entity that points here.
  AttrId addInverse(KindId kind, std::string name, KindId from, AttrId viaAttr, std::string doc);
  void addFinishHook(FinishHook hook) { finishHooks_.push_back(std::move(hook)); }

  size_t kindCount() const { return kinds_.size(); }
  const KindDef& kind(KindId k) const { return kinds_[k]; }
  KindDef& kindMut(KindId k) { return kinds_[k]; }
  const AttrDef& attr(KindId k, AttrId a) const { return kinds_[k].attrs[a]; }
  // Every kind with an attribute of this name, in kind order: what reading
  // it from a value whose kind is known only at run time may find.
  struct KindAttr {
    KindId kind;
    AttrId attr;
  };
  std::span<const KindAttr> kindsWithAttr(std::string_view name) const;
  std::optional<KindId> findKind(std::string_view name) const;
  // "subnets" -> subnet
  std::optional<KindId> findCollection(std::string_view name) const;
  std::vector<std::string> kindNames() const;
  std::vector<std::string> collectionNames() const;
  const std::vector<FinishHook>& finishHooks() const { return finishHooks_; }
  std::string typeName(const Type& t) const {
    return ward::typeName(t, [this](KindId k) { return kinds_[k].name; });
  }

  // The schema of AWS network facts and SageMaker workloads (runtime/aws_schema.cpp).
  static const Schema& aws();

private:
  std::vector<KindDef> kinds_;
  std::vector<FinishHook> finishHooks_;
  std::unordered_map<std::string, std::vector<KindAttr>, NameHash, std::equal_to<>> byAttrName_;
};

// The attribute tables of docs/facts.md, generated from the schema so the
// documentation cannot drift from the code (runtime/schema_doc.cpp).
std::string schemaMarkdown(const Schema& schema);
// The JSON Schema of Ward's fact format (docs/ward-facts.schema.json).
std::string wardFactsJsonSchema(const Schema& schema);

}  // namespace ward
