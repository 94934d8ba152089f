// The fact base: every entity of every kind, stored column-wise with an id
// index per kind. Immutable once built and safe to share between threads;
// derived columns are computed on first use under a once-flag.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/schema.hpp"

namespace ward {

// Interned strings. Ids are dense; the fact base's interner is frozen when the
// fact base is built, so lookups from many threads need no lock.
class Interner {
public:
  StrId intern(std::string_view s);
  std::optional<StrId> find(std::string_view s) const;
  std::string_view get(StrId id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

private:
  // Note: a deque keeps string_views into earlier strings valid as it grows.
  std::vector<std::unique_ptr<std::string>> owned_;
  std::vector<std::string_view> strings_;
  std::unordered_map<std::string_view, StrId> index_;
};

class FactBase {
public:
  explicit FactBase(const Schema& schema);
  ~FactBase();
  FactBase(const FactBase&) = delete;
  FactBase& operator=(const FactBase&) = delete;

  const Schema& schema() const { return *schema_; }
  const Interner& strings() const { return strings_; }
  std::string_view str(StrId id) const { return strings_.get(id); }

  size_t count(KindId kind) const;
  // Attribute `attr` of entity (kind, index); derived attributes are computed
  // (once per column) on first access.
  Value get(KindId kind, EntityIndex index, AttrId attr) const;
  // The entity's `id` attribute as text.
  std::string_view idOf(KindId kind, EntityIndex index) const;
  std::optional<EntityIndex> find(KindId kind, std::string_view id) const;
  // Elements of a list value that lives in this fact base's arena.
  std::span<const Value> list(const Value& v) const;
  // The list of every entity of a kind (for `for s in subnets`).
  Value all(KindId kind) const;

  // Warnings gathered while loading (unknown files, incomplete snapshots).
  const Diagnostics& warnings() const { return warnings_; }

private:
  friend class FactBaseBuilder;
  struct Table;
  const Schema* schema_;
  Interner strings_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<Value> arena_;
  Diagnostics warnings_;
  mutable std::vector<std::unique_ptr<std::once_flag>> derivedOnce_;
  void computeDerived(KindId kind, AttrId attr) const;
};

// Builds a FactBase. Loaders add entities by id and set attributes; references
// are given as id strings and resolved in finish(), so files can come in any
// order and several inputs merge into one fact base.
class FactBaseBuilder {
public:
  explicit FactBaseBuilder(const Schema& schema = Schema::aws());
  ~FactBaseBuilder();

  Interner& strings();
  StrId intern(std::string_view s);
  // Returns the entity with this id, creating it if it does not exist yet (so
  // two inputs describing one resource merge into one entity).
  EntityIndex upsert(KindId kind, std::string_view id);
  void set(KindId kind, EntityIndex index, AttrId attr, Value v);
  // A reference to an entity of the attribute's kind, by id; resolved in finish().
  // Unresolved references (a route to an IGW missing from the snapshot) become null.
  void setRef(KindId kind, EntityIndex index, AttrId attr, std::string_view targetId);
  // Lists: push elements, then take the list value.
  Value makeList(std::span<const Value> elems);
  // A list of references by id, resolved in finish() (unresolved ids are dropped).
  void setRefList(KindId kind, EntityIndex index, AttrId attr, std::vector<std::string> targetIds);
  void warn(Diagnostic d);

  // Resolves references, builds indexes and freezes the result.
  Result<std::shared_ptr<const FactBase>> finish();

private:
  struct Pending;
  std::unique_ptr<FactBase> fb_;
  std::unique_ptr<Pending> pending_;
};

}  // namespace ward
