// Shared machinery of the AWS CLI readers (see aws_common.hpp).
#include "runtime/load/aws_common.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace ward::load {

KindId kindNamed(std::string_view kind) {
  auto k = Schema::aws().findKind(kind);
  if (!k) std::abort();
  return *k;
}

AttrId attrNamed(KindId kind, std::string_view attr) {
  auto a = Schema::aws().kind(kind).find(attr);
  if (!a) std::abort();
  return *a;
}

Aws::Aws(Loader& loader, JsonFile& file) : Aws(loader, file, loader.kindAttrs()) {}

Aws::Aws(Loader& loader, JsonFile& file, const KindAttrs& attrs)
    : l(loader),
      j(file),
      b(loader.b),
      tagKind(attrs.tagKind),
      tagKey(attrs.tagKey),
      tagValue(attrs.tagValue),
      accountAttr(attrs.account),
      regionAttr(attrs.region),
      tagsAttr(attrs.tags),
      nameAttr(attrs.name) {
  if (const Source* src = l.source) {
    if (src->account) sourceAccount = b.intern(*src->account);
    if (src->region) sourceRegion = b.intern(*src->region);
  }
}

void Aws::appendNumber(std::string& out, int64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// Parts take account and region from their parent (derived attributes).
Ent Aws::makePart(KindId kind, std::string_view id) { return Ent(*this, kind, b.upsert(kind, id)); }
Ent Aws::makePart(KindId kind, std::string_view id, uint32_t hash) { return Ent(*this, kind, b.upsert(kind, id, hash)); }

Ent Aws::make(KindId kind, std::string_view id) {
  EntityIndex index = b.upsert(kind, id);
  Ent e(*this, kind, index);
  if (sourceAccount) e.account(*sourceAccount);
  if (sourceRegion) e.region(*sourceRegion);
  // Otherwise the folder's other files may tell (Loader::finish).
  if (regionAttr[kind] != kNoAttr && (!sourceRegion || !sourceAccount)) l.pendingPlace(kind, index);
  return e;
}

std::optional<std::string_view> Aws::peek(od::object& o, std::string_view key) {
  // Optimization: simdjson's own search compares raw keys and skips the
  // values before the one wanted, which costs 40% less than the loop below
  // (an interface's id comes after half its fields). It serves the usual
  // case only, an id that is a string without escapes; anything else (no
  // such key, a key written with escapes, another type, an escape in the
  // value, malformed JSON) takes the loop, whose answers and messages stay
  // the reference. (Only an object holding the key twice, first written
  // with escapes, reads differently: here the plain spelling wins.)
  od::value v;
  const simdjson::error_code lookup = o.find_field(key).get(v);
  // A malformed object (cut short, say) reports its error here: the iterator
  // is unusable after it, and rewinding it is undefined (simdjson's
  // development checks, on in unoptimised builds, crash on it).
  if (lookup != simdjson::SUCCESS && lookup != simdjson::NO_SUCH_FIELD) j.check(lookup);
  if (lookup == simdjson::SUCCESS) {
    std::string_view tok = j.raw(v);
    if (!tok.empty() && tok[0] == '"') {
      const char* end = findQuoteOrBackslash(tok.data() + 1);
      if (*end == '"') {
        j.reset(o);
        return std::string_view(tok.data() + 1, static_cast<size_t>(end - tok.data() - 1));
      }
    }
  }
  j.reset(o);
  std::optional<std::string_view> found;
  j.fields(o, [&](std::string_view k, od::value& v) {
    if (k != key) return true;
    if (!j.isNull(v)) found = j.string(v);
    return false;
  });
  j.reset(o);
  return found;
}

Ent Aws::begin(KindId kind, od::object& o, std::string_view idKey) {
  auto id = peek(o, idKey);
  if (!id || id->empty())
    j.fail(objectAt, fmt::format("a {} without {} at {}", b.schema().kind(kind).name, idKey, j.pointer()));
  return make(kind, *id);
}

Value Aws::cidrValue(od::value& v) {
  std::string_view s = j.string(v);
  auto c = parseCidrFast(s);
  if (!c)
    j.fail(j.at(v), fmt::format("expected a CIDR block such as \"10.0.0.0/16\" at {}, got \"{}\"", j.pointer(), s));
  if (!net::isCanonical(*c)) {
    net::Cidr fixed = net::canonical(*c);
    l.warn(j, j.at(v), "non-canonical CIDR",
           fmt::format("CIDR block {} at {} has host bits set; it is read as {}", s, j.pointer(), net::format(fixed)));
    return Value::cidr(fixed);
  }
  return Value::cidr(*c);
}

Value Aws::ipValue(od::value& v) {
  std::string_view s = j.string(v);
  auto ip = parseIpFast(s);
  if (!ip) j.fail(j.at(v), fmt::format("expected an IP address at {}, got \"{}\"", j.pointer(), s));
  return Value::ip(*ip);
}

int16_t Aws::protocol(od::value& v) {
  // "-1", "6", "tcp" and a bare 6 all appear in AWS output.
  std::string_view tok = j.raw(v);
  char digits[24];
  std::string_view text;
  if (tok.starts_with('"')) {
    text = j.string(v);
  } else {
    auto r = std::to_chars(digits, digits + sizeof digits, j.integer(v));
    text = std::string_view(digits, static_cast<size_t>(r.ptr - digits));
  }
  auto p = net::parseProtocol(text);
  if (!p) j.fail(j.at(v), fmt::format("expected an IP protocol (\"-1\", \"tcp\", \"6\", ...) at {}, got \"{}\"",
                                      j.pointer(), text));
  return *p;
}

// --- Ent ---------------------------------------------------------------------------

void Ent::str(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  set(a, Value::string(c_.b.intern(c_.j.string(v))));
}

void Ent::lower(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  std::string s(c_.j.string(v));
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  set(a, Value::string(c_.b.intern(s)));
}

void Ent::boolean(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  set(a, Value::boolean(c_.j.boolean(v)));
}

void Ent::integer(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  set(a, Value::integer(c_.j.integer(v)));
}

void Ent::ip(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  set(a, c_.ipValue(v));
}

void Ent::cidr(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  set(a, c_.cidrValue(v));
}

void Ent::ref(AttrId a, od::value& v) {
  if (c_.j.isNull(v)) return;
  refTo(a, c_.j.string(v));
}

void Ent::refTo(AttrId a, std::string_view id) {
  if (!id.empty()) c_.b.setRef(kind, index, a, id);
}

// Optimization: the id lists below reuse one buffer per thread instead of
// allocating for every resource (they never nest).
namespace {
std::vector<StrId>& idScratch() {
  thread_local std::vector<StrId> ids;
  ids.clear();
  return ids;
}
}  // namespace

void Ent::refs(AttrId a, od::value& v) {
  std::vector<StrId>& ids = idScratch();
  c_.j.elements(v, [&](od::value& e) { ids.push_back(c_.b.intern(c_.j.string(e))); });
  c_.b.setRefList(kind, index, a, std::span<const StrId>(ids));
}

void Ent::refsIn(AttrId a, od::value& v, std::string_view key) {
  std::vector<StrId>& ids = idScratch();
  c_.j.elements(v, [&](od::value& e) {
    c_.j.fields(e, [&](std::string_view k, od::value& x) {
      if (k == key && !c_.j.isNull(x)) ids.push_back(c_.b.intern(c_.j.string(x)));
      else c_.j.skip(x);
    });
  });
  c_.b.setRefList(kind, index, a, std::span<const StrId>(ids));
}

void Ent::tags(od::value& v, bool nameFromTag) {
  thread_local std::vector<Value> tags;
  thread_local std::string id;
  tags.clear();
  c_.j.elements(v, [&](od::value& e) {
    std::string_view key, value;
    c_.j.fields(e, [&](std::string_view k, od::value& x) {
      if (k == "Key" || k == "key") key = c_.j.string(x);
      else if (k == "Value" || k == "value") value = c_.j.string(x);
      else c_.j.skip(x);
    });
    EntityIndex t;
    tagId(id, key, value);
    if (c_.b.upsertNew(c_.tagKind, id, t)) {
      c_.b.set(c_.tagKind, t, c_.tagKey, Value::string(c_.b.intern(key)));
      c_.b.set(c_.tagKind, t, c_.tagValue, Value::string(c_.b.intern(value)));
    }
    tags.push_back(Value::entity(c_.tagKind, t));
    if (key == "Name" && nameFromTag && c_.nameAttr[kind] != kNoAttr)
      set(c_.nameAttr[kind], Value::string(c_.b.intern(value)));
  });
  if (c_.tagsAttr[kind] != kNoAttr) set(c_.tagsAttr[kind], c_.b.makeList(tags));
}

void Ent::region(std::string_view region) {
  if (!region.empty()) this->region(c_.b.intern(region));
}

void Ent::account(std::string_view account) {
  if (!account.empty()) this->account(c_.b.intern(account));
}

void Ent::region(StrId region) {
  if (c_.regionAttr[kind] == kNoAttr) return;
  set(c_.regionAttr[kind], Value::string(region));
  c_.l.noteRegion(region);
}

void Ent::account(StrId account) {
  if (c_.accountAttr[kind] == kNoAttr) return;
  set(c_.accountAttr[kind], Value::string(account));
  c_.l.noteAccount(account);
}

void Ent::arn(std::string_view arn) {
  region(regionOfArn(arn));
  account(accountOfArn(arn));
}

bool Ent::common(std::string_view key, od::value& v) {
  if (key == "OwnerId") {
    if (!c_.j.isNull(v)) account(c_.j.string(v));
    return true;
  }
  if (key == "Tags" || key == "TagSet") {
    if (!c_.j.isNull(v)) tags(v);
    return true;
  }
  return false;
}

}  // namespace ward::load
