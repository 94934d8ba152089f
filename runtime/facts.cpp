// The fact base: interned strings, column storage, id owners, lazily derived
// columns, and the builder that loaders fill.
#include "runtime/facts.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "runtime/facts_table.hpp"

namespace ward {

namespace {

// A fast 64-bit hash for interning. Not cryptographic: the inputs are resource
// ids and field values, and the tables below tolerate the odd collision.
uint64_t hashBytes(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (s.size() * 0xff51afd7ed558ccdULL);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  // The last 1-7 bytes without a variable-length memcpy (a library call):
  // two overlapping 4-byte loads, or three single bytes. An empty view may
  // have no data pointer at all, so it reads nothing.
  uint64_t w = 0;
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    w = lo | (uint64_t{hi} << 32);
  } else if (n != 0) {
    w = uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
        uint64_t{static_cast<uint8_t>(p[n - 1])} << 16;
  }
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 29;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 32);
}

// See FactBase::list().
constexpr unsigned kSegmentShift = FactBase::kListSegmentShift;

// The list a derivation on this thread stores into (see FactBase::derivedList).
thread_local DerivedColumn* tCurrentColumn = nullptr;

}  // namespace

// --- Interner ------------------------------------------------------------------

void Interner::BlockFree::operator()(char* p) const {
  if (bytes >= big_alloc::kHugePage) big_alloc::unmapHuge(p, bytes);
  else delete[] p;
}

Interner::Interner() = default;
Interner::~Interner() = default;

void Interner::reserve(size_t n) {
  size_t cap = 1024;
  while (cap < n * 2) cap *= 2;
  if (cap > slots_.size()) rehash(cap);
  strings_.reserve(n);
  hashes_.reserve(n);
}

void Interner::rehash(size_t cap) {
  BigVector<uint64_t> slots(cap, 0);
  size_t mask = cap - 1;
  for (uint64_t slot : slots_) {
    if (slot == 0) continue;
    size_t i = (slot >> 32) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = slot;
  }
  slots_.swap(slots);
}

StrId Interner::intern(std::string_view s) {
  bool inserted;
  return intern(s, inserted);
}

StrId Interner::intern(std::string_view s, bool& inserted) { return intern(s, hash(s), inserted); }

uint32_t Interner::hash(std::string_view s) { return static_cast<uint32_t>(hashBytes(s)); }

void Interner::freeze() {
  frozen_ = true;
  // Only merges read them, and a frozen interner is merged into nothing.
  std::vector<uint32_t>().swap(hashes_);
}

StrId Interner::intern(std::string_view s, uint32_t h, bool& inserted) {
  inserted = false;
  if ((strings_.size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (uint64_t slot = slots_[i]) {
    if (static_cast<uint32_t>(slot >> 32) == h) {
      auto id = static_cast<uint32_t>(slot) - 1;
      if (strings_[id] == s) return id;
    }
    i = (i + 1) & mask;
  }
  assert(!frozen_ && "interning into a frozen fact base");
  if (blockUsed_ + s.size() > blockSize_) {
    // Blocks grow with the interner so that huge inputs do not need millions
    // of them; a string longer than a block gets a block of its own.
    size_t size = std::max<size_t>(std::min<size_t>(blockSize_ * 2, size_t{1} << 22), 1 << 16);
    size = std::max(size, s.size());
    char* block = size >= big_alloc::kHugePage ? static_cast<char*>(big_alloc::mapHuge(size)) : new char[size];
    if (!block) throw std::bad_alloc();
    blocks_.emplace_back(block, BlockFree{size});
    blockSize_ = size;
    blockUsed_ = 0;
  }
  char* dst = blocks_.empty() ? nullptr : blocks_.back().get() + blockUsed_;
  if (!s.empty()) std::memcpy(dst, s.data(), s.size());
  blockUsed_ += s.size();
  auto id = static_cast<StrId>(strings_.size());
  strings_.emplace_back(dst ? dst : "", s.size());
  hashes_.push_back(h);
  slots_[i] = (uint64_t{h} << 32) | (uint64_t{id} + 1);
  inserted = true;
  return id;
}

std::optional<StrId> Interner::find(std::string_view s) const {
  if (slots_.empty()) return std::nullopt;
  auto h = static_cast<uint32_t>(hashBytes(s));
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (uint64_t slot = slots_[i]) {
    if (static_cast<uint32_t>(slot >> 32) == h) {
      auto id = static_cast<uint32_t>(slot) - 1;
      if (strings_[id] == s) return id;
    }
    i = (i + 1) & mask;
  }
  return std::nullopt;
}

// --- FactColumn -------------------------------------------------------------------

namespace {
FactColumn::Encoding encodingOf(const Type& t) {
  using E = FactColumn::Encoding;
  switch (t.base) {
    case BaseType::Bool: return E::Bool;
    case BaseType::String: return E::Str;
    case BaseType::Entity: return t.kind == kNoKind ? E::Value : E::Ref;
    case BaseType::Int: return E::Int;
    case BaseType::Traffic: return E::Traffic;
    case BaseType::List: return E::List;
    case BaseType::Ip:
    case BaseType::Cidr: return E::Addr;
    default: return E::Value;
  }
}
}  // namespace

FactColumn::FactColumn(const Type& type)
    : enc_(encodingOf(type)),
      addrTag_(type.base == BaseType::Ip ? Tag::Ip : type.base == BaseType::Cidr ? Tag::Cidr : Tag::Null),
      refKind_(type.kind) {}

void FactColumn::grow(size_t n) {
  if (n <= size_) return;
  // Optimization: grow in steps, so that adding entities one at a time does
  // not resize every column every time.
  n = std::max(n, size_ + size_ / 8 + 64);
  switch (enc_) {
    case Encoding::Value: values_.resize(n); break;
    case Encoding::Bool: u8_.resize(n, 2); break;
    case Encoding::Str:
    case Encoding::Ref: u32_.resize(n, kNull32); break;
    case Encoding::Int: u64_.resize(n, kNullInt); break;
    case Encoding::Traffic:
    case Encoding::Addr: u64_.resize(n, 0); break;
    case Encoding::List: lists_.resize(n); break;
  }
  size_ = n;
}

void FactColumn::shrinkTo(size_t n) {
  if (n >= size_) return;
  values_.resize(std::min(values_.size(), n));
  u8_.resize(std::min(u8_.size(), n));
  u32_.resize(std::min(u32_.size(), n));
  u64_.resize(std::min(u64_.size(), n));
  lists_.resize(std::min(lists_.size(), n));
  size_ = n;
}


Value DerivedColumn::list(std::span<const Value> elems) {
  uint64_t offset = arena_.size();
  arena_.insert(arena_.end(), elems.begin(), elems.end());
  return Value::list(Arena::Facts, (uint64_t{storage_} << kSegmentShift) | offset,
                     static_cast<uint32_t>(elems.size()));
}

// --- FactBase --------------------------------------------------------------------

FactBase::FactBase(const Schema& schema) : schema_(&schema) {
  // Every load makes one of these per part (a parallel load, one per chunk),
  // so it sizes each array once: growing the column vectors one FactColumn
  // at a time and allocating a once_flag per derived attribute took a builder
  // from 31 to 55 us to make and free.
  const size_t kinds = schema.kindCount();
  uint32_t slots = 0;
  tables_.reserve(kinds);
  slotBase_.reserve(kinds);
  for (size_t k = 0; k < kinds; ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    auto t = std::make_unique<Table>();
    t->cols.reserve(kd.attrs.size());
    for (const AttrDef& a : kd.attrs) t->cols.emplace_back(a.type);
    t->fallback.resize(kd.attrs.size());
    t->derived.resize(kd.attrs.size());
    for (size_t a = 0; a < kd.attrs.size(); ++a) t->derived[a] = kd.attrs[a].derived();
    tables_.push_back(std::move(t));
    slotBase_.push_back(slots);
    slots += static_cast<uint32_t>(kd.attrs.size());
  }
  // After the attribute slots, one per kind for its `all` list (see all()).
  allSlot_ = slots;
  derivedOnce_ = std::make_unique<std::once_flag[]>(slots + kinds);
  derived_.resize(slots + kinds);
  attrSlots_ = std::make_unique<AttrSlot[]>(slots);
  for (size_t k = 0; k < kinds; ++k)
    for (size_t a = 0; a < tables_[k]->cols.size(); ++a)
      if (!tables_[k]->derived[a]) attrSlots_[slotBase_[k] + a].stored = &tables_[k]->cols[a];
}

FactBase::~FactBase() = default;

size_t FactBase::count(KindId kind) const { return tables_[kind]->count; }

const DerivedColumn& FactBase::derivedColumn(KindId kind, AttrId attr) const {
  uint32_t slot = slotBase_[kind] + attr;
  std::call_once(derivedOnce_[slot], [&] {
    computeDerived(kind, attr);
    attrSlots_[slot].derived.store(derived_[slot].get(), std::memory_order_release);
  });
  return *derived_[slot];
}

ColumnView FactBase::column(KindId kind, AttrId attr) const {
  const Table& t = *tables_[kind];
  if (t.derived[attr]) {
    const DerivedColumn& dc = derivedColumn(kind, attr);
    return ColumnView{nullptr, dc.values.data(), dc.values.size(), Value{}};
  }
  const FactColumn& col = t.cols[attr];
  return ColumnView{&col, nullptr, col.size(), t.fallback[attr]};
}

std::string_view FactBase::idOf(KindId kind, EntityIndex index) const {
  return str(tables_[kind]->cols[0].get(index).asString());
}

std::optional<EntityIndex> FactBase::find(KindId kind, std::string_view id) const {
  auto s = strings_.find(id);
  if (!s) return std::nullopt;
  return findId(kind, *s);
}

// Optimization: made on first use, like a derived column. Rules iterate a
// kind with IterKind, which needs no list; only a collection used as a value
// (`count(subnets)`, an argument) does, and a list of every entity is 24
// bytes per fact, a tenth of the input's size in memory.
Value FactBase::all(KindId kind) const {
  const uint32_t slot = allSlot_ + kind;
  std::call_once(derivedOnce_[slot], [&] {
    auto dc = std::make_unique<DerivedColumn>();
    dc->storage_ = slot + 1;
    const size_t n = count(kind);
    dc->arena_.reserve(n);
    for (EntityIndex i = 0; i < n; ++i) dc->arena_.push_back(Value::entity(kind, i));
    dc->values.push_back(Value::list(Arena::Facts, uint64_t{dc->storage_} << kSegmentShift, static_cast<uint32_t>(n)));
    derived_[slot] = std::move(dc);
  });
  return derived_[slot]->values.front();
}

Value FactBase::derivedList(std::span<const Value> elems) const {
  assert(tCurrentColumn && "derivedList outside a derivation");
  return tCurrentColumn->list(elems);
}

void FactBase::computeDerived(KindId kind, AttrId attr) const {
  const AttrDef& def = schema_->attr(kind, attr);
  uint32_t slot = slotBase_[kind] + attr;
  auto dc = std::make_unique<DerivedColumn>();
  dc->storage_ = slot + 1;
  size_t n = count(kind);
  dc->values.assign(n, Value{});
  DerivedColumn* saved = tCurrentColumn;
  tCurrentColumn = dc.get();
  if (def.inverseKind != kNoKind) {
    // Counting sort by target: one pass counts, one fills a flat array that
    // becomes the column's arena, each entity's list a slice of it.
    KindId from = def.inverseKind;
    size_t m = count(from);
    std::vector<uint32_t> start(n + 1, 0);
    auto each = [&](auto&& fn) {
      for (EntityIndex j = 0; j < m; ++j) {
        Value v = get(from, j, def.inverseAttr);
        if (v.tag == Tag::Entity) {
          if (v.entityKind() == kind) fn(v.entityIndex(), j);
        } else if (v.tag == Tag::List) {
          for (const Value& e : list(v))
            if (e.tag == Tag::Entity && e.entityKind() == kind) fn(e.entityIndex(), j);
        }
      }
    };
    each([&](EntityIndex target, EntityIndex) { ++start[target + 1]; });
    for (size_t i = 0; i < n; ++i) start[i + 1] += start[i];
    dc->arena_.resize(start[n]);
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    each([&](EntityIndex target, EntityIndex j) { dc->arena_[fill[target]++] = Value::entity(from, j); });
    for (size_t i = 0; i < n; ++i)
      dc->values[i] = Value::list(Arena::Facts, (uint64_t{dc->storage_} << kSegmentShift) | start[i],
                                  start[i + 1] - start[i]);
  } else if (def.deriveColumn) {
    def.deriveColumn(*this, kind, *dc);
  } else {
    for (EntityIndex i = 0; i < n; ++i) dc->values[i] = def.derive(*this, i);
  }
  tCurrentColumn = saved;
  derived_[slot] = std::move(dc);
}

std::string FactBase::format(const Value& v) const {
  switch (v.tag) {
    case Tag::Null: return "null";
    case Tag::Bool: return v.asBool() ? "true" : "false";
    case Tag::Int: return std::to_string(v.asInt());
    case Tag::String: return std::string(str(v.asString()));
    case Tag::Ip: return net::format(v.asIp());
    case Tag::Cidr: return net::format(v.asCidr());
    case Tag::Traffic: return net::format(v.asTraffic());
    case Tag::Date: return formatDate(v.asDate());
    case Tag::Entity:
      if (v.entityKind() < tables_.size() && v.entityIndex() < count(v.entityKind()))
        return std::string(idOf(v.entityKind(), v.entityIndex()));
      return "<bad entity>";
    case Tag::List: {
      std::string out = "[";
      bool first = true;
      for (const Value& e : list(v)) {
        if (!first) out += ", ";
        first = false;
        out += format(e);
      }
      return out + "]";
    }
    case Tag::Error: return "error: " + std::string(str(v.asString()));
  }
  return "?";
}

// --- dates ----------------------------------------------------------------------

namespace {

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), and back.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> parseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  auto num = [&](size_t at, size_t len, int& out) {
    auto r = std::from_chars(text.data() + at, text.data() + at + len, out);
    return r.ec == std::errc() && r.ptr == text.data() + at + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int maxDay = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > maxDay) return std::nullopt;
  return daysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string formatDate(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

// --- FactBaseBuilder -------------------------------------------------------------

// References waiting for finish(). The column holds a placeholder naming its
// pending entry, so a later set() of the same attribute simply overwrites the
// placeholder and the stale entry is skipped.

FactBaseBuilder::FactBaseBuilder(const Schema& schema)
    : fb_(std::make_unique<FactBase>(schema)), pending_(std::make_unique<Pending>()) {
  // Flat views of the tables for the inline set(): one column pointer per
  // (kind, attribute), one count per kind.
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    FactBase::Table& t = *fb_->tables_[k];
    slotBase_.push_back(static_cast<uint32_t>(columns_.size()));
    counts_.push_back(&t.count);
    for (size_t a = 0; a < t.cols.size(); ++a) {
      columns_.push_back(&t.cols[a]);
      derivedSlot_.push_back(t.derived[a]);
    }
  }
}

FactBaseBuilder::~FactBaseBuilder() = default;

const Schema& FactBaseBuilder::schema() const { return fb_->schema(); }
Interner& FactBaseBuilder::strings() { return fb_->strings_; }
StrId FactBaseBuilder::intern(std::string_view s) { return fb_->strings_.intern(s); }
std::string_view FactBaseBuilder::str(StrId id) const { return fb_->strings_.get(id); }
size_t FactBaseBuilder::count(KindId kind) const { return fb_->tables_[kind]->count; }

EntityIndex FactBaseBuilder::upsert(KindId kind, std::string_view id) {
  return upsert(kind, id, Interner::hash(id));
}

uint32_t FactBaseBuilder::prefetchId(std::string_view id) const {
  const uint32_t h = Interner::hash(id);
  fb_->strings_.prefetch(h);
  return h;
}

EntityIndex FactBaseBuilder::upsert(KindId kind, std::string_view id, uint32_t hash) {
  bool inserted;
  StrId s = fb_->strings_.intern(id, hash, inserted);
  if (!inserted) return upsert(kind, s);
  // Optimization: a string never seen before cannot be the id of an entity yet.
  FactBase::Table& t = *fb_->tables_[kind];
  EntityIndex index = t.count++;
  fb_->claimId(kind, s, index);
  set(kind, index, 0, Value::string(s));
  return index;
}

EntityIndex FactBaseBuilder::upsert(KindId kind, StrId id) {
  FactBase::Table& t = *fb_->tables_[kind];
  auto [index, created] = fb_->claimId(kind, id, t.count);
  if (!created) return index;
  ++t.count;
  set(kind, index, 0, Value::string(id));
  return index;
}

bool FactBaseBuilder::upsertNew(KindId kind, std::string_view id, EntityIndex& index) {
  size_t before = count(kind);
  index = upsert(kind, id);
  bool created = count(kind) > before;
  // Merged into a builder that has the entity, it would not have been new.
  if (created && track_) [[unlikely]] track_->mark(kind, index, Tracking::kCreatedNew);
  return created;
}

void FactBaseBuilder::reserveStrings(size_t n) {
  fb_->strings_.reserve(n);
  fb_->owners_.reserve(n);
}

std::optional<EntityIndex> FactBaseBuilder::find(KindId kind, std::string_view id) const {
  auto found = fb_->find(kind, id);
  if (!found && track_) [[unlikely]] track_->misses.emplace_back(kind, std::string(id));
  return found;
}

void FactBaseBuilder::setRef(KindId kind, EntityIndex index, AttrId attr, std::string_view targetId) {
  setRef(kind, index, attr, intern(targetId));
}

uint16_t FactBaseBuilder::addOrigin(std::string name) {
  pending_->origins.push_back(std::move(name));
  return static_cast<uint16_t>(std::min<size_t>(pending_->origins.size() - 1, 0xffff));
}

void FactBaseBuilder::setRef(KindId kind, EntityIndex index, AttrId attr, StrId targetId, uint16_t origin) {
  FactBase::Table& t = *fb_->tables_[kind];
  FactColumn& col = t.cols[attr];
  assert(col.encoding() == FactColumn::Encoding::Ref);
  if (col.size() <= index) col.grow(t.count);
  col.ref(index) = FactColumn::kPending | static_cast<uint32_t>(pending_->refs.size());
  pending_->refs.push_back({kind, attr, index, targetId, origin});
  if (track_) [[unlikely]] noteWrite(slotBase_[kind] + attr, index);
}

Value FactBaseBuilder::makeList(std::span<const Value> elems) {
  uint64_t offset = fb_->arena_.size();
  fb_->arena_.insert(fb_->arena_.end(), elems.begin(), elems.end());
  return Value::list(Arena::Facts, offset, static_cast<uint32_t>(elems.size()));
}

std::span<const Value> FactBaseBuilder::list(const Value& v) const { return fb_->list(v); }

void FactBaseBuilder::setRefList(KindId kind, EntityIndex index, AttrId attr, std::vector<std::string> targetIds) {
  std::vector<StrId> ids;
  ids.reserve(targetIds.size());
  for (const std::string& s : targetIds) ids.push_back(intern(s));
  setRefList(kind, index, attr, std::span<const StrId>(ids));
}

void FactBaseBuilder::setRefList(KindId kind, EntityIndex index, AttrId attr, std::span<const StrId> targetIds,
                                  uint16_t origin) {
  FactBase::Table& t = *fb_->tables_[kind];
  FactColumn& col = t.cols[attr];
  assert(col.encoding() == FactColumn::Encoding::List);
  if (col.size() <= index) col.grow(t.count);
  col.listSlot(index) = FactColumn::ListSlot{pending_->lists.size(), 0, 2};
  pending_->lists.push_back({kind, attr, index, static_cast<uint32_t>(pending_->ids.size()),
                             static_cast<uint32_t>(targetIds.size()), origin});
  pending_->ids.insert(pending_->ids.end(), targetIds.begin(), targetIds.end());
  if (track_) [[unlikely]] noteWrite(slotBase_[kind] + attr, index);
}

void FactBaseBuilder::warn(Diagnostic d) { fb_->warnings_.push_back(std::move(d)); }

namespace {

// The fallback of an unset attribute, from its schema default.
Value fallbackFor(const AttrDef& def, Interner& strings) {
  if (def.defaultValue.empty()) {
    if (def.type.base == BaseType::List) return Value::list(Arena::Facts, 0, 0);
    return Value{};
  }
  const std::string& d = def.defaultValue;
  switch (def.type.base) {
    case BaseType::Bool: return Value::boolean(d == "true");
    case BaseType::Int: return Value::integer(std::stoll(d));
    case BaseType::String: return Value::string(strings.intern(d));
    case BaseType::Traffic:
      if (auto t = net::parseTraffic(d)) return Value::traffic(*t);
      break;
    case BaseType::Cidr:
      if (auto c = net::parseCidr(d)) return Value::cidr(*c);
      break;
    case BaseType::Ip:
      if (auto ip = net::parseIp(d)) return Value::ip(*ip);
      break;
    case BaseType::List: return Value::list(Arena::Facts, 0, 0);
    default: break;
  }
  assert(false && "unparseable schema default");
  return Value{};
}

}  // namespace

Result<std::shared_ptr<const FactBase>> FactBaseBuilder::finish() {
  FactBase& fb = *fb_;
  const Schema& schema = fb.schema();
  auto targetOf = [&](KindId kind, AttrId attr) { return schema.attr(kind, attr).type.kind; };
  // A warning for a reference from hand-written facts that matches nothing
  // (a typo, usually); the first few, then a count.
  auto unresolved = [&](uint16_t origin, KindId kind, EntityIndex index, AttrId attr, KindId target, StrId id) {
    if (origin == 0) return;
    if (++pending_->unresolved > 10) return;
    fb.warnings_.push_back(inputWarning(
        pending_->origins[origin],
        fmt::format("{} '{}': {} '{}' matches no {}", schema.kind(kind).name, fb.str(fb.tables_[kind]->cols[0].get(index).asString()),
                    schema.attr(kind, attr).name, fb.str(id), schema.kind(target).name)));
  };
  // Resolves every pending reference that is still current; finish hooks may
  // add more, so this runs until none are left.
  auto resolve = [&] {
    Pending& p = *pending_;
    // The id lookups of a large load miss the cache; the ones to come are
    // known, so their slots are on their way a few references ahead.
    for (size_t n = 0; n < p.refs.size(); ++n) {
      if (n + detail::kPrefetchAhead < p.refs.size()) {
        const Pending::Ref& next = p.refs[n + detail::kPrefetchAhead];
        fb.prefetchOwner(next.target);
      }
      const Pending::Ref& r = p.refs[n];
      uint32_t& slot = fb.tables_[r.kind]->cols[r.attr].ref(r.index);
      if (slot != (FactColumn::kPending | n)) continue;  // replaced since
      KindId target = targetOf(r.kind, r.attr);
      auto found = fb.findId(target, r.target);
      slot = found ? *found : FactColumn::kNull32;
      if (!found) unresolved(r.origin, r.kind, r.index, r.attr, target, r.target);
    }
    std::vector<Value> elems;
    // Optimization: room for every pending element at once, rather than
    // doubling the arena (and copying it) as the lists come.
    fb.arena_.reserve(fb.arena_.size() + p.ids.size());
    for (size_t n = 0; n < p.lists.size(); ++n) {
      const Pending::RefList& r = p.lists[n];
      FactColumn::ListSlot current = fb.tables_[r.kind]->cols[r.attr].listSlot(r.index);
      if (current.state != 2 || current.offset != n) continue;  // replaced since
      KindId target = targetOf(r.kind, r.attr);
      elems.clear();
      if (target != kNoKind)
        for (uint32_t i = 0; i < r.length; ++i) fb.prefetchOwner(p.ids[r.start + i]);
      for (uint32_t i = 0; i < r.length; ++i) {
        auto found = target == kNoKind ? std::nullopt : fb.findId(target, p.ids[r.start + i]);
        if (found) elems.push_back(Value::entity(target, *found));
        else if (target != kNoKind) unresolved(r.origin, r.kind, r.index, r.attr, target, p.ids[r.start + i]);
      }
      Value list = makeList(elems);
      fb.tables_[r.kind]->cols[r.attr].listSlot(r.index) = FactColumn::ListSlot{list.listOffset(), list.listLength(), 1};
    }
    p.refs.clear();
    p.lists.clear();
    p.ids.clear();
  };
  resolve();
  if (pending_->unresolved > 10)
    fb.warnings_.push_back(inputWarning("", fmt::format("{} more references that match nothing", pending_->unresolved - 10)));
  for (const FinishHook& hook : schema.finishHooks()) {
    hook(*this);
    resolve();
  }
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    FactBase::Table& t = *fb.tables_[k];
    for (size_t a = 0; a < kd.attrs.size(); ++a) {
      if (t.derived[a]) continue;
      t.fallback[a] = fallbackFor(kd.attrs[a], fb.strings_);
      fb.attrSlots_[fb.slotBase_[k] + a].fallback = t.fallback[a];
      t.cols[a].shrinkTo(t.count);
    }
  }
  fb.strings_.freeze();
  std::shared_ptr<const FactBase> result(fb_.release());
  return result;
}

}  // namespace ward
