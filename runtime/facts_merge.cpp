// Merging builders for parallel loading: FactBaseBuilder::absorb() appends a
// builder that loaded a later part of the inputs to the one that loaded the
// earlier part, giving exactly what one builder loading everything in order
// would have built.
//
// Why it is exact. Loading in order would have interned the later part's
// strings after the earlier part's, in the order the later loader met them,
// and created its entities in that order, skipping those that already
// existed. absorb() replays exactly that: it interns other's strings in id
// order and upserts other's entities in index order. A value other wrote
// replaces the earlier one, as a second set() would have; a value other never
// wrote leaves the earlier one alone. Lists, references still pending, their
// origins and the warnings are appended after this builder's own, where
// loading in order would have put them. The one thing a replay cannot
// reproduce is a loader decision that depended on what the earlier inputs
// had stored, so the tracked builder records every such read, and absorb()
// refuses (changing nothing) when one of them concerns an entity the earlier
// part also has.
#include <algorithm>
#include <cassert>
#include <cstring>

#include "runtime/facts.hpp"
#include "runtime/facts_table.hpp"

namespace ward {

void FactBaseBuilder::trackForMerge() {
  track_ = std::make_unique<Tracking>();
  track_->written.resize(columns_.size());
  track_->marks.resize(fb_->tables_.size());
}

void FactBaseBuilder::noteWrite(uint32_t slot, EntityIndex index) {
  auto& w = track_->written[slot];
  if (w.size() <= index / 64) w.resize(std::max<size_t>(index / 64 + 1, w.size() + w.size() / 4), 0);
  w[index / 64] |= uint64_t{1} << (index % 64);
}

void FactBaseBuilder::noteRead(KindId kind, EntityIndex index, AttrId attr) const {
  // The id never changes; a value this builder wrote is what loading in
  // order would have read too.
  if (attr == 0 || track_->wasWritten(slotBase_[kind] + attr, index)) return;
  track_->mark(kind, index, Tracking::kReadUnwritten);
}

namespace {

using detail::kPrefetchAhead;

// Makes room for `more` elements at the end of v, growing geometrically: a
// load merges dozens of parts, and an exact reserve() each time would copy
// everything merged so far at every merge (at 250 MB, 49 parts, that was
// about 60 ms of the calling thread's time per load).
template <class V>
void reserveMore(V& v, size_t more) {
  const size_t need = v.size() + more;
  if (need > v.capacity()) v.reserve(std::max(need, v.capacity() * 2));
}

// Whether a value of `a` (in fact base `fa`) is the one `b` (in `fb`) would
// be once merged; only for the plain values that upsertNew() callers write.
bool sameAcross(const FactBase& fa, const Value& a, const FactBase& fb, const Value& b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
    case Tag::Null: return true;
    case Tag::String: return fa.str(a.asString()) == fb.str(b.asString());
    case Tag::Bool:
    case Tag::Int:
    case Tag::Date:
    case Tag::Ip:
    case Tag::Cidr:
    case Tag::Traffic: return a.sameBits(b);
    default: return false;  // entities, lists: not worth proving; refuse
  }
}

}  // namespace

bool FactBaseBuilder::absorbable(const FactBaseBuilder& other) const {
  const Tracking& t = *other.track_;
  const FactBase& ours = *fb_;
  const FactBase& theirs = *other.fb_;
  for (const auto& [kind, id] : t.misses)
    if (ours.find(kind, id)) return false;
  for (size_t k = 0; k < t.marks.size(); ++k) {
    const auto& marks = t.marks[k];
    const FactBase::Table& table = *theirs.tables_[k];
    for (EntityIndex i = 0; i < marks.size(); ++i) {
      if (marks[i] == 0) continue;
      auto here = ours.find(static_cast<KindId>(k), theirs.str(table.cols[0].get(i).asString()));
      if (!here) continue;  // new here as well: other saw what loading in order would have
      if (marks[i] & Tracking::kReadUnwritten) return false;
      if (!(marks[i] & Tracking::kCreatedNew)) continue;
      // Created as new over there, existing here: the writes that followed
      // must change nothing.
      for (size_t a = 1; a < table.cols.size(); ++a) {
        if (!t.wasWritten(other.slotBase_[k] + static_cast<uint32_t>(a), i)) continue;
        const FactColumn& col = table.cols[a];
        if (col.encoding() == FactColumn::Encoding::Ref || col.encoding() == FactColumn::Encoding::List)
          return false;
        Value mine = ours.tables_[k]->cols[a].size() > *here ? ours.tables_[k]->cols[a].get(*here) : Value{};
        if (!sameAcross(ours, mine, theirs, col.get(i))) return false;
      }
    }
  }
  return true;
}

std::optional<FactBaseBuilder::Absorbed> FactBaseBuilder::absorb(FactBaseBuilder& other) {
  assert(other.track_ && !track_);
  if (!absorbable(other)) return std::nullopt;
  FactBase& ours = *fb_;
  FactBase& theirs = *other.fb_;
  const Schema& schema = ours.schema();
  Absorbed m;

  // Strings, in the order the other loader met them (with the hashes the
  // other interner computed: the same function).
  const size_t nStrings = theirs.strings_.size();
  m.strings.resize(nStrings);
  std::vector<bool> fresh(nStrings);
  {
    const std::vector<uint32_t>& hashes = theirs.strings_.hashes();
    for (StrId s = 0; s < nStrings; ++s) {
      // The probes of a large merge miss the cache; the hashes to come are
      // known, so their slots are on their way a few strings ahead.
      if (s + kPrefetchAhead < nStrings) ours.strings_.prefetch(hashes[s + kPrefetchAhead]);
      bool inserted;
      m.strings[s] = ours.strings_.intern(theirs.strings_.get(s), hashes[s], inserted);
      fresh[s] = inserted;
    }
  }
  // Room for an owner per string at once (see FactBase::owners_).
  if (ours.owners_.size() < ours.strings_.size()) ours.owners_.resize(ours.strings_.size());

  // Entities, in the order the other loader created them. Those below
  // `existing[k]` were here already.
  std::vector<EntityIndex> existing(ours.tables_.size());
  m.entities.resize(ours.tables_.size());
  for (size_t k = 0; k < ours.tables_.size(); ++k) {
    FactBase::Table& to = *ours.tables_[k];
    existing[k] = to.count;
    const FactBase::Table& t = *theirs.tables_[k];
    auto& map = m.entities[k];
    map.resize(t.count);
    if (t.count != 0 && to.cols[0].size() < to.count + t.count) to.cols[0].grow(to.count + t.count);
    const uint32_t* ids = t.cols[0].u32_.data();
    for (EntityIndex i = 0; i < t.count; ++i) {
      // Ids new here are at the end of owners_, in order; the others are
      // anywhere in it.
      if (i + kPrefetchAhead < t.count) ours.prefetchOwner(m.strings[ids[i + kPrefetchAhead]]);
      const StrId id = ids[i];
      if (fresh[id]) {
        // Optimization: an id string new here cannot name an entity here yet.
        map[i] = to.count++;
        ours.claimId(static_cast<KindId>(k), m.strings[id], map[i]);
        to.cols[0].u32_[map[i]] = m.strings[id];
      } else {
        map[i] = upsert(static_cast<KindId>(k), m.strings[id]);
      }
    }
  }

  const uint64_t arenaBase = ours.arena_.size();
  const uint32_t refBase = static_cast<uint32_t>(pending_->refs.size());
  const uint64_t listBase = pending_->lists.size();
  const uint32_t idsBase = static_cast<uint32_t>(pending_->ids.size());
  const size_t originBase = pending_->origins.size() - 1;  // other's origin 0 is "" as well
  auto origin = [&](uint16_t o) {
    return o == 0 ? uint16_t{0} : static_cast<uint16_t>(std::min<size_t>(o + originBase, 0xffff));
  };
  auto value = [&](Value v) {
    switch (v.tag) {
      case Tag::String:
      case Tag::Error: v.x = m.strings[v.asString()]; break;
      case Tag::Entity: v.x = m.entities[v.entityKind()][v.entityIndex()]; break;
      case Tag::List:
        if (v.listArena() == Arena::Facts) v.x += arenaBase;
        break;
      default: break;
    }
    return v;
  };

  // Lists and pending references go after ours, as they would have.
  reserveMore(ours.arena_, theirs.arena_.size());
  for (const Value& v : theirs.arena_) ours.arena_.push_back(value(v));
  std::vector<Value>().swap(theirs.arena_);
  Pending& p = *pending_;
  Pending& q = *other.pending_;
  p.origins.insert(p.origins.end(), std::make_move_iterator(q.origins.begin() + 1),
                   std::make_move_iterator(q.origins.end()));
  reserveMore(p.refs, q.refs.size());
  for (const Pending::Ref& r : q.refs)
    p.refs.push_back({r.kind, r.attr, m.entities[r.kind][r.index], m.strings[r.target], origin(r.origin)});
  reserveMore(p.lists, q.lists.size());
  for (const Pending::RefList& r : q.lists)
    p.lists.push_back({r.kind, r.attr, m.entities[r.kind][r.index], r.start + idsBase, r.length, origin(r.origin)});
  reserveMore(p.ids, q.ids.size());
  for (StrId s : q.ids) p.ids.push_back(m.strings[s]);

  // Attribute values, column by column (each freed once copied).
  for (size_t k = 0; k < ours.tables_.size(); ++k) {
    FactBase::Table& to = *ours.tables_[k];
    FactBase::Table& from = *theirs.tables_[k];
    const EntityIndex* map = m.entities[k].data();
    const EntityIndex before = existing[k];
    for (size_t a = 1; a < from.cols.size(); ++a) {
      FactColumn& src = from.cols[a];
      const size_t n = std::min<size_t>(src.size(), from.count);
      if (n == 0) continue;
      FactColumn& dst = to.cols[a];
      if (dst.size() < to.count) dst.grow(to.count);
      const uint32_t slot = other.slotBase_[k] + static_cast<uint32_t>(a);
      const KindId target = schema.attr(static_cast<KindId>(k), static_cast<AttrId>(a)).type.kind;
      // An entity we had keeps what the other part never wrote.
      auto skip = [&](EntityIndex i) { return map[i] < before && !other.track_->wasWritten(slot, i); };
      using E = FactColumn::Encoding;
      switch (src.encoding()) {
        case E::Bool:
          for (EntityIndex i = 0; i < n; ++i)
            if (!skip(i)) dst.u8_[map[i]] = src.u8_[i];
          break;
        case E::Int:
        case E::Traffic:
          for (EntityIndex i = 0; i < n; ++i)
            if (!skip(i)) dst.u64_[map[i]] = src.u64_[i];
          break;
        case E::Str:
          for (EntityIndex i = 0; i < n; ++i) {
            if (skip(i)) continue;
            const uint32_t v = src.u32_[i];
            dst.u32_[map[i]] = v == FactColumn::kNull32 ? v : m.strings[v];
          }
          break;
        case E::Ref:
          for (EntityIndex i = 0; i < n; ++i) {
            if (skip(i)) continue;
            const uint32_t r = src.u32_[i];
            dst.u32_[map[i]] = r == FactColumn::kNull32       ? r
                               : (r & FactColumn::kPending) ? FactColumn::kPending | ((r & ~FactColumn::kPending) + refBase)
                                                            : m.entities[target][r];
          }
          break;
        case E::List:
          for (EntityIndex i = 0; i < n; ++i) {
            if (skip(i)) continue;
            FactColumn::ListSlot l = src.lists_[i];
            if (l.state == 1) l.offset += arenaBase;
            else if (l.state == 2) l.offset += listBase;
            dst.lists_[map[i]] = l;
          }
          break;
        case E::Addr:
          for (EntityIndex i = 0; i < n; ++i) {
            if (skip(i)) continue;
            const uint64_t v = src.u64_[i];
            if (v & FactColumn::kAddrWide) dst.set(map[i], src.get(i));
            else dst.u64_[map[i]] = v;
          }
          break;
        case E::Value:
          for (EntityIndex i = 0; i < n; ++i)
            if (!skip(i)) dst.set(map[i], value(src.get(i)));
          break;
      }
      src = FactColumn();
    }
  }

  ours.warnings_.insert(ours.warnings_.end(), std::make_move_iterator(theirs.warnings_.begin()),
                        std::make_move_iterator(theirs.warnings_.end()));
  theirs.warnings_.clear();
  return m;
}

}  // namespace ward
