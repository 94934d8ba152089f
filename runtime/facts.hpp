// The fact base: every entity of every kind, stored column-wise with an id
// index per kind. Immutable once built and safe to share between threads;
// derived columns are computed on first use under a once-flag.
#pragma once

#include <atomic>
#include <cassert>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/big_alloc.hpp"
#include "runtime/pod_buffer.hpp"
#include "runtime/schema.hpp"

namespace ward {

// Interned strings. Ids are dense; the fact base's interner is frozen when the
// fact base is built, so lookups from many threads need no lock.
class Interner {
public:
  Interner();
  ~Interner();
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;

  StrId intern(std::string_view s);
  // As above; `inserted` says whether the string is new.
  StrId intern(std::string_view s, bool& inserted);
  std::optional<StrId> find(std::string_view s) const;
  // For merging interners: every string's hash, by id, and interning with a
  // hash from there (it is the same function). The hashes are kept as strings
  // are interned (a sequential write), so that a merge need not recover them
  // from the slots; freeze() releases them.
  const std::vector<uint32_t>& hashes() const { return hashes_; }
  StrId intern(std::string_view s, uint32_t hash, bool& inserted);
  // The hash that intern() computes for s.
  static uint32_t hash(std::string_view s);
  // Starts loading the slot where interning a string of this hash begins:
  // a caller that knows the hashes to come (a merge) hides the cache misses.
  void prefetch(uint32_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // Makes room for about n strings, sparing the rehashing as they come.
  void reserve(size_t n);
  std::string_view get(StrId id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }
  // After this, intern() of a new string is a programming error (asserted).
  void freeze();

private:
  void rehash(size_t slots);
  // Note: text lives in large blocks that never move, so string_views into
  // earlier strings stay valid as the interner grows, and there is no heap
  // allocation per string.
  // Blocks of 2 MiB or more are huge-page mappings (big_alloc): an L
  // estate's text is tens of MB, faulted in anew at every load. Blocks are
  // filled in order, so only the last one's last page is part-used.
  struct BlockFree {
    size_t bytes = 0;
    void operator()(char* p) const;
  };
  std::vector<std::unique_ptr<char[], BlockFree>> blocks_;
  size_t blockUsed_ = 0;
  size_t blockSize_ = 0;
  std::vector<std::string_view> strings_;
  std::vector<uint32_t> hashes_;  // by StrId
  // Open addressing: (hash << 32) | (StrId + 1), 0 = empty. Keeping the hash
  // in the slot skips most string compares without another memory access.
  BigVector<uint64_t> slots_;
  bool frozen_ = false;
};

// One stored attribute of one kind, encoded by its type so that a fact costs
// what its values need (a bool one byte, a string or a reference four) rather
// than a 24-byte Value each. Readers get Values back.
class FactColumn {
public:
  enum class Encoding : uint8_t { Value, Bool, Str, Ref, Int, Traffic, List, Addr };
  static constexpr uint32_t kNull32 = 0xffffffffu;
  static constexpr uint32_t kPending = 0x80000000u;  // Ref: a reference not resolved yet
  // A list: where its elements are, or null, or (while building) pending.
  struct ListSlot {
    uint64_t offset = 0;
    uint32_t length = 0;
    uint8_t state = 0;  // 0 null, 1 list, 2 pending (offset = pending index)
  };

  FactColumn() = default;
  explicit FactColumn(const Type& type);

  Encoding encoding() const { return enc_; }
  size_t size() const { return size_; }
  // Grows to at least n entries; new entries are null.
  void grow(size_t n);
  void shrinkTo(size_t n);
  Value get(size_t i) const {
    switch (enc_) {
      case Encoding::Value: return values_[i];
      case Encoding::Bool: return u8_[i] == 2 ? Value{} : Value::boolean(u8_[i] != 0);
      case Encoding::Str: return u32_[i] == kNull32 ? Value{} : Value::string(u32_[i]);
      case Encoding::Ref:
        return u32_[i] >= kPending ? Value{} : Value::entity(refKind_, u32_[i]);
      case Encoding::Int: return u64_[i] == kNullInt ? Value{} : Value::integer(static_cast<int64_t>(u64_[i]));
      case Encoding::Traffic: {
        uint64_t t = u64_[i];
        if (t == 0) return Value{};
        return Value::traffic(net::Traffic{static_cast<int16_t>(static_cast<uint16_t>(t >> 32)),
                                           net::PortRange{static_cast<uint16_t>(t >> 16), static_cast<uint16_t>(t)}});
      }
      case Encoding::List: {
        const ListSlot& l = lists_[i];
        return l.state == 1 ? Value::list(Arena::Facts, l.offset, l.length) : Value{};
      }
      case Encoding::Addr: {
        const uint64_t a = u64_[i];
        if (a == 0) return Value{};
        if (a & kAddrWide) return wide_[static_cast<uint32_t>(a)];
        Value v;
        v.tag = addrTag_;
        v.b0 = 4;
        v.b1 = static_cast<uint8_t>(a >> 32);
        v.y = static_cast<uint32_t>(a);
        return v;
      }
    }
    return Value{};
  }
  void set(size_t i, const Value& v) {
    switch (enc_) {
      case Encoding::Value: values_[i] = v; break;
      case Encoding::Bool: u8_[i] = v.tag == Tag::Bool ? (v.asBool() ? 1 : 0) : 2; break;
      case Encoding::Str: u32_[i] = v.tag == Tag::String ? v.asString() : kNull32; break;
      case Encoding::Ref:
        u32_[i] = v.tag == Tag::Entity && v.entityKind() == refKind_ && v.entityIndex() < kPending ? v.entityIndex()
                                                                                                   : kNull32;
        break;
      case Encoding::Int: u64_[i] = v.tag == Tag::Int ? v.x : kNullInt; break;
      case Encoding::Traffic:
        if (v.tag == Tag::Traffic) {
          net::Traffic t = v.asTraffic();
          u64_[i] = (uint64_t{1} << 63) | (uint64_t{static_cast<uint16_t>(t.proto)} << 32) |
                    (uint64_t{t.ports.lo} << 16) | t.ports.hi;
        } else {
          u64_[i] = 0;
        }
        break;
      case Encoding::List:
        lists_[i] = v.tag == Tag::List && v.listArena() == Arena::Facts ? ListSlot{v.listOffset(), v.listLength(), 1}
                                                                        : ListSlot{};
        break;
      case Encoding::Addr:
        if (v.tag != addrTag_) {
          u64_[i] = 0;
        } else if (uint64_t bits = inlineAddr(v)) {
          u64_[i] = bits;
        } else {
          u64_[i] = kAddrSet | kAddrWide | wide_.size();
          wide_.push_back(v);
        }
        break;
    }
  }
  // Raw access for reference resolution in the builder.
  uint32_t& ref(size_t i) { return u32_[i]; }

  // An Addr column's raw entries, for tests that compare them without making
  // Values (NextElemFilter): 0 is null, kAddrWide marks a value kept whole,
  // anything else is inlineAddr() of the value, whose tag is addrTag().
  static constexpr uint64_t kAddrSet = 1ull << 63, kAddrWide = 1ull << 62;
  uint64_t addrBits(size_t i) const { return u64_[i]; }
  Tag addrTag() const { return addrTag_; }
  // A Bool column's raw entry (NextElemFilter): 0 false, 1 true, 2 null.
  uint8_t boolByte(size_t i) const { return u8_[i]; }
  // The eight-byte form of an IPv4 address or block in an Addr column (the
  // tag aside), or 0 when it is kept whole. Two values of one tag whose forms
  // are not 0 are equal exactly when their forms are.
  static uint64_t inlineAddr(const Value& v) {
    if (v.b0 == 4 && v.x == 0 && v.y <= 0xffffffffu && v.b2 == 0 && v.w == 0 && v.b1 <= 32)
      return kAddrSet | (uint64_t{v.b1} << 32) | v.y;
    return 0;
  }
  ListSlot& listSlot(size_t i) { return lists_[i]; }

private:
  friend class FactBaseBuilder;  // merges copy columns entry by entry (facts_merge.cpp)
  // Note: the smallest int64 stands for null in an Int column.
  static constexpr uint64_t kNullInt = 0x8000000000000000ull;
  // An Addr column (IP addresses or CIDR blocks) keeps an IPv4 value in eight
  // bytes, kAddrSet | prefix << 32 | address, instead of a 24-byte Value (a
  // million security-group rules read 8 MB rather than 24); anything else
  // (IPv6) is kAddrSet | kAddrWide | its index in wide_. Zero is null.
  Encoding enc_ = Encoding::Value;
  Tag addrTag_ = Tag::Null;  // Addr: Tag::Ip or Tag::Cidr
  KindId refKind_ = kNoKind;
  size_t size_ = 0;
  std::vector<Value> values_;
  PodBuffer<uint8_t> u8_;
  PodBuffer<uint32_t> u32_;
  PodBuffer<uint64_t> u64_;
  PodBuffer<ListSlot> lists_;
  std::vector<Value> wide_;
};

// A column as the VM reads it: stored or derived, with the value that stands
// for a missing one (the attribute's default, or null), so readers need no
// branch on whether the column was ever written.
struct ColumnView {
  const FactColumn* stored = nullptr;  // or
  const Value* derived = nullptr;
  size_t size = 0;
  Value fallback;

  Value operator[](EntityIndex i) const {
    if (i >= size) return fallback;
    Value v = derived ? derived[i] : stored->get(i);
    return v.isNull() ? fallback : v;
  }
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
  // (once per column) on first access. Unset attributes read as their default
  // (see AttrDef::defaultValue) or null.
  Value get(KindId kind, EntityIndex index, AttrId attr) const {
    const AttrSlot& s = attrSlots_[slotBase_[kind] + attr];
    if (s.stored) [[likely]] {
      if (index < s.stored->size()) {
        Value v = s.stored->get(index);
        if (!v.isNull()) return v;
      }
      return s.fallback;
    }
    const DerivedColumn* d = s.derived.load(std::memory_order_acquire);
    if (!d) [[unlikely]] d = &derivedColumn(kind, attr);
    return index < d->values.size() ? d->values[index] : Value{};
  }
  // The whole column, computing it first if it is derived. Fast path for the VM.
  ColumnView column(KindId kind, AttrId attr) const;
  // The stored column of an attribute, or null for a derived one. Unset
  // entries read as null there, where get() gives the attribute's default.
  const FactColumn* storedColumn(KindId kind, AttrId attr) const { return attrSlots_[slotBase_[kind] + attr].stored; }
  // What an unset stored attribute reads as (its schema default, or null).
  const Value& defaultOf(KindId kind, AttrId attr) const { return attrSlots_[slotBase_[kind] + attr].fallback; }
  // The entity's `id` attribute as text.
  std::string_view idOf(KindId kind, EntityIndex index) const;
  std::optional<EntityIndex> find(KindId kind, std::string_view id) const;
  // Elements of a list value that lives in this fact base (Arena::Facts). The
  // offset of such a list is opaque: it also names the arena segment it is in.
  // Inline: the VM asks for it at every loop over a list attribute.
  std::span<const Value> list(const Value& v) const {
    if (v.tag != Tag::List || v.listArena() != Arena::Facts) return {};
    const uint64_t segment = v.listOffset() >> kListSegmentShift;
    const uint64_t offset = v.listOffset() & ((uint64_t{1} << kListSegmentShift) - 1);
    const std::vector<Value>* arena = &arena_;
    if (segment != 0) {
      const DerivedColumn* dc = segment - 1 < derived_.size() ? derived_[segment - 1].get() : nullptr;
      if (!dc) return {};
      arena = &dc->arena_;
    }
    if (offset + v.listLength() > arena->size()) return {};
    return std::span<const Value>(arena->data() + offset, v.listLength());
  }
  // Lists in the fact base name their arena segment in the top bits of the
  // offset: 0 is the builder's arena, n > 0 the arena of derived column n - 1.
  static constexpr unsigned kListSegmentShift = 40;
  // The list of every entity of a kind (a collection used as a value:
  // `count(subnets)`), made on first use. Thread-safe.
  Value all(KindId kind) const;
  // Stores a list computed by a DeriveFn in the column being derived; only
  // valid while a derivation runs on this thread.
  Value derivedList(std::span<const Value> elems) const;
  // Readable text of a value: "10.0.0.0/16", "tcp 443", "subnet-1", "[a, b]".
  std::string format(const Value& v) const;

  // Warnings gathered while loading (unknown files, incomplete snapshots).
  const Diagnostics& warnings() const { return warnings_; }

private:
  friend class FactBaseBuilder;
  struct Table;
  const Schema* schema_;
  Interner strings_;
  std::vector<std::unique_ptr<Table>> tables_;
  // Which entity each string is the id of, by StrId: a new entity with a new
  // id string (most of a load) writes at the end, next to what the interner
  // just wrote, where a hash table per kind probed a random slot (a cache
  // miss per entity at M and L). A string that is the id of entities of more
  // than one kind (hand-written facts may do that) names its first one here
  // and the others in their kind's Table::moreIds.
  struct IdOwner {
    EntityIndex index = 0;
    KindId kind = kNoKind;
    uint16_t shared = 0;  // also the id of entities of other kinds
  };
  BigVector<IdOwner> owners_;
  // The entity of `kind` whose id is `id`, if any.
  std::optional<EntityIndex> findId(KindId kind, StrId id) const;
  // As above, or `next` after recording it as that entity (second: created).
  std::pair<EntityIndex, bool> claimId(KindId kind, StrId id, EntityIndex next);
  // Starts loading what findId(_, id) reads first (see absorb()).
  void prefetchOwner(StrId id) const {
    if (id < owners_.size()) __builtin_prefetch(&owners_[id]);
  }
  std::vector<Value> arena_;
  Diagnostics warnings_;
  // One slot per (kind, attribute): slotBase_[kind] + attr.
  std::vector<uint32_t> slotBase_;
  // What get() reads, flat by slot: the stored column and the value an unset
  // entry reads as, or (derived attributes) the column once it is computed.
  struct AttrSlot {
    const FactColumn* stored = nullptr;
    Value fallback;
    mutable std::atomic<const DerivedColumn*> derived{nullptr};
  };
  std::unique_ptr<AttrSlot[]> attrSlots_;
  // Per slot (used by the derived ones), and then per kind for its `all`
  // list (from allSlot_).
  mutable std::unique_ptr<std::once_flag[]> derivedOnce_;
  uint32_t allSlot_ = 0;
  mutable std::vector<std::unique_ptr<DerivedColumn>> derived_;
  void computeDerived(KindId kind, AttrId attr) const;
  const DerivedColumn& derivedColumn(KindId kind, AttrId attr) const;
};

// Builds a FactBase. Loaders add entities by id and set attributes; references
// are given as id strings and resolved in finish(), so files can come in any
// order and several inputs merge into one fact base.
class FactBaseBuilder {
public:
  explicit FactBaseBuilder(const Schema& schema = Schema::aws());
  ~FactBaseBuilder();

  const Schema& schema() const;
  Interner& strings();
  StrId intern(std::string_view s);
  std::string_view str(StrId id) const;
  // Returns the entity with this id, creating it if it does not exist yet (so
  // two inputs describing one resource merge into one entity).
  EntityIndex upsert(KindId kind, std::string_view id);
  EntityIndex upsert(KindId kind, StrId id);
  // upsert() of an id whose hash prefetchId() returned.
  EntityIndex upsert(KindId kind, std::string_view id, uint32_t hash);
  // Starts loading the interner's slot for `id` and returns the id's hash,
  // for a loader that knows an id before it upserts it: the probe of a large
  // interner misses the cache (a new id, most of all), and the work in
  // between hides the wait.
  uint32_t prefetchId(std::string_view id) const;
  // upsert(), saying whether the entity is new.
  bool upsertNew(KindId kind, std::string_view id, EntityIndex& index);
  // Makes room for about n distinct strings (a loader's estimate).
  void reserveStrings(size_t n);
  std::optional<EntityIndex> find(KindId kind, std::string_view id) const;
  size_t count(KindId kind) const;
  // Setting an attribute again replaces the earlier value (references too).
  void set(KindId kind, EntityIndex index, AttrId attr, Value v) {
    // Optimization: inline, through flat pointers: loaders call this for
    // every attribute of every fact.
    uint32_t slot = slotBase_[kind] + attr;
    assert(index < *counts_[kind] && !derivedSlot_[slot]);
    FactColumn& col = *columns_[slot];
    if (col.size() <= index) col.grow(*counts_[kind]);
    col.set(index, v);
    if (track_) [[unlikely]] noteWrite(slot, index);
  }
  // The stored value (null if unset); for finish hooks and merging loaders.
  Value get(KindId kind, EntityIndex index, AttrId attr) const {
    if (track_) [[unlikely]] noteRead(kind, index, attr);
    const FactColumn& col = *columns_[slotBase_[kind] + attr];
    return index < col.size() ? col.get(index) : Value{};
  }
  // A reference to an entity of the attribute's kind, by id; resolved in finish().
  // Unresolved references (a route to an IGW missing from the snapshot) become null.
  void setRef(KindId kind, EntityIndex index, AttrId attr, std::string_view targetId);
  // `origin` (from addOrigin) asks for a warning, naming that input, when the
  // reference resolves to nothing: hand-written facts rarely mean that.
  void setRef(KindId kind, EntityIndex index, AttrId attr, StrId targetId, uint16_t origin = 0);
  // Lists: push elements, then take the list value.
  Value makeList(std::span<const Value> elems);
  std::span<const Value> list(const Value& v) const;
  // A list of references by id, resolved in finish() (unresolved ids are dropped).
  void setRefList(KindId kind, EntityIndex index, AttrId attr, std::vector<std::string> targetIds);
  void setRefList(KindId kind, EntityIndex index, AttrId attr, std::span<const StrId> targetIds, uint16_t origin = 0);
  // Names an input for the warnings about its unresolved references.
  uint16_t addOrigin(std::string name);
  void warn(Diagnostic d);

  // Resolves references, runs the schema's finish hooks, fills defaults,
  // builds indexes and freezes the result. The builder is spent afterwards.
  Result<std::shared_ptr<const FactBase>> finish();

  // Parallel loading: a loader thread fills a builder of its own with a later
  // part of the inputs, and absorb() appends it to the builder of the earlier
  // part. The merge is exact (the same strings, entities, indexes, values and
  // warnings as loading every input into one builder) because the later
  // builder records what a merge must know: which attributes it wrote, and
  // where its loader read state that the earlier inputs could have changed
  // (get() of an attribute it had not written, upsertNew() creating an
  // entity, find() missing). Call trackForMerge() on a fresh builder.
  void trackForMerge();
  // How other's strings and entities map into this builder.
  struct Absorbed {
    std::vector<StrId> strings;                    // by other's StrId
    std::vector<std::vector<EntityIndex>> entities;  // by kind, then other's index
  };
  // Appends `other` (tracked, never finished) as if its inputs had been loaded
  // here after this builder's own, and empties it. Returns nullopt, changing
  // nothing here, when that cannot be guaranteed: other's loader read state
  // of an entity this builder also has. The caller then loads other's inputs
  // into this builder instead.
  std::optional<Absorbed> absorb(FactBaseBuilder& other);

private:
  struct Pending;
  struct Tracking;
  void noteWrite(uint32_t slot, EntityIndex index);
  void noteRead(KindId kind, EntityIndex index, AttrId attr) const;
  bool absorbable(const FactBaseBuilder& other) const;
  std::unique_ptr<FactBase> fb_;
  std::unique_ptr<Pending> pending_;
  std::unique_ptr<Tracking> track_;
  std::vector<uint32_t> slotBase_;
  std::vector<FactColumn*> columns_;
  std::vector<const uint32_t*> counts_;
  std::vector<uint8_t> derivedSlot_;
};

// Calendar dates as days since 1970-01-01 ("2024-02-29").
std::optional<int64_t> parseDate(std::string_view text);
std::string formatDate(int64_t days);

}  // namespace ward
