// Internal to runtime/: the tables behind FactBase (per-kind columns and the
// id owners' lookups), shared by facts.cpp and the builder merge in facts_merge.cpp.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/big_alloc.hpp"
#include "runtime/facts.hpp"

namespace ward {

namespace detail {

inline uint32_t hashId(uint32_t v) {
  uint64_t h = uint64_t{v} * 0x9e3779b97f4a7c15ULL;
  return static_cast<uint32_t>(h >> 32);
}

// How far ahead a loop whose hash-table probes are known in advance (a merge,
// the resolution of references) prefetches the slots it will probe.
inline constexpr size_t kPrefetchAhead = 16;

// Entity index by interned id: open addressing over (StrId + 1, index) pairs,
// so an entity costs no heap allocation of its own. (Only for ids that name
// entities of several kinds: see FactBase::owners_.)
class IdIndex {
public:
  std::optional<EntityIndex> find(StrId id) const {
    if (slots_.empty()) return std::nullopt;
    size_t mask = slots_.size() - 1;
    for (size_t i = hashId(id) & mask;; i = (i + 1) & mask) {
      const auto& s = slots_[i];
      if (s.first == 0) return std::nullopt;
      if (s.first == id + 1) return s.second;
    }
  }
  // The entity with this id, or `next` after recording it as that entity.
  std::pair<EntityIndex, bool> findOrInsert(StrId id, EntityIndex next) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    size_t i = hashId(id) & mask;
    for (; slots_[i].first != 0; i = (i + 1) & mask)
      if (slots_[i].first == id + 1) return {slots_[i].second, false};
    slots_[i] = {id + 1, next};
    ++size_;
    return {next, true};
  }
  void insert(StrId id, EntityIndex index) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    size_t i = hashId(id) & mask;
    while (slots_[i].first != 0) i = (i + 1) & mask;
    slots_[i] = {id + 1, index};
    ++size_;
  }

private:
  void grow() { rehash(slots_.empty() ? 64 : slots_.size() * 2); }
  void rehash(size_t cap) {
    BigVector<std::pair<uint32_t, uint32_t>> old;
    old.swap(slots_);
    slots_.assign(cap, {0, 0});
    size_ = 0;
    for (const auto& s : old)
      if (s.first != 0) insert(s.first - 1, s.second);
  }
  BigVector<std::pair<uint32_t, uint32_t>> slots_;
  size_t size_ = 0;
};

}  // namespace detail

struct FactBase::Table {
  uint32_t count = 0;
  // Stored attributes: empty (never written) or one entry per entity. Derived
  // attributes live in FactBase::derived_.
  std::vector<FactColumn> cols;
  std::vector<Value> fallback;  // per attribute: what an unset value reads as
  std::vector<bool> derived;    // per attribute
  // The ids of this kind's entities whose string FactBase::owners_ gives to
  // an entity of another kind; empty (no memory) for most kinds and loads.
  detail::IdIndex moreIds;
};

inline std::optional<EntityIndex> FactBase::findId(KindId kind, StrId id) const {
  if (id >= owners_.size()) return std::nullopt;
  const IdOwner& o = owners_[id];
  if (o.kind == kind) return o.index;
  if (o.shared) return tables_[kind]->moreIds.find(id);
  return std::nullopt;
}

inline std::pair<EntityIndex, bool> FactBase::claimId(KindId kind, StrId id, EntityIndex next) {
  if (id >= owners_.size()) [[unlikely]]
    owners_.resize(std::max<size_t>(id + 1, strings_.size()));
  IdOwner& o = owners_[id];
  if (o.kind == kind) return {o.index, false};
  if (o.kind == kNoKind) {
    o = {next, kind, 0};
    return {next, true};
  }
  o.shared = 1;
  return tables_[kind]->moreIds.findOrInsert(id, next);
}

// References and lists of references by id, resolved in finish().
struct FactBaseBuilder::Pending {
  struct Ref {
    KindId kind;
    AttrId attr;
    EntityIndex index;
    StrId target;
    uint16_t origin;  // 0: resolving to nothing is normal
  };
  struct RefList {
    KindId kind;
    AttrId attr;
    EntityIndex index;
    uint32_t start;
    uint32_t length;
    uint16_t origin;
  };
  std::vector<Ref> refs;
  std::vector<RefList> lists;
  std::vector<StrId> ids;
  std::vector<std::string> origins{""};
  size_t unresolved = 0;  // references with an origin that matched nothing
};

// What a tracked builder records for absorb() (see facts_merge.cpp).
struct FactBaseBuilder::Tracking {
  static constexpr uint8_t kReadUnwritten = 1;  // get() of an attribute not written here
  static constexpr uint8_t kCreatedNew = 2;     // upsertNew() created it
  std::vector<std::vector<uint64_t>> written;   // per slot: one bit per entity
  std::vector<std::vector<uint8_t>> marks;      // per kind: the flags above per entity
  std::vector<std::pair<KindId, std::string>> misses;  // find() of ids not here

  bool wasWritten(uint32_t slot, EntityIndex index) const {
    const auto& w = written[slot];
    return index / 64 < w.size() && (w[index / 64] >> (index % 64) & 1);
  }
  void mark(KindId kind, EntityIndex index, uint8_t flag) {
    auto& m = marks[kind];
    if (m.size() <= index) m.resize(index + 1, 0);
    m[index] |= flag;
  }
};

}  // namespace ward
