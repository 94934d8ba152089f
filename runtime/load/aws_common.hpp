// Internal: the machinery shared by the AWS CLI readers: kind and attribute
// lookups, typed setters that read a JSON value into an attribute, tags,
// account and region bookkeeping.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/load/loader.hpp"

namespace ward::load {

// Lookups of names that the AWS schema is known to have (a typo aborts at
// the first load, which every test performs).
KindId kindNamed(std::string_view kind);
AttrId attrNamed(KindId kind, std::string_view attr);

class Aws;

// One entity being filled from a JSON object.
class Ent {
public:
  Ent(Aws& c, KindId kind, EntityIndex index) : kind(kind), index(index), c_(c) {}

  Value entity() const { return Value::entity(kind, index); }
  void set(AttrId a, Value v);  // inline, below
  void str(AttrId a, od::value& v);
  void lower(AttrId a, od::value& v);  // lower-cased: "Gateway" -> "gateway"
  void boolean(AttrId a, od::value& v);
  void integer(AttrId a, od::value& v);
  void ip(AttrId a, od::value& v);
  void cidr(AttrId a, od::value& v);
  void ref(AttrId a, od::value& v);
  void refTo(AttrId a, std::string_view id);
  void refs(AttrId a, od::value& v);                          // ["id", ...]
  void refsIn(AttrId a, od::value& v, std::string_view key);  // [{key: "id"}, ...]
  // Tags [{Key, Value}] (or lower-case key/value); the Name tag also sets
  // `name` unless the kind names itself (SageMaker, Direct Connect).
  void tags(od::value& v, bool nameFromTag = true);
  void region(std::string_view region);
  void account(std::string_view account);
  void region(StrId region);
  void account(StrId account);
  void arn(std::string_view arn);  // region and account from an ARN
  // OwnerId, Tags and TagSet, which most resources share. Returns whether it
  // handled the key.
  bool common(std::string_view key, od::value& v);

  KindId kind;
  EntityIndex index;

private:
  Aws& c_;
};

class Aws {
public:
  Aws(Loader& l, JsonFile& j);

  // The object of a resource, remembering where it starts for diagnostics.
  od::object object(od::value& v) {
    objectAt = j.at(v);
    return j.object(v);
  }
  // Reads the entity's id from `idKey` in a first pass over the object (AWS
  // CLI output often lists the id last), then finds or creates the entity.
  Ent begin(KindId kind, od::object& o, std::string_view idKey);
  Ent make(KindId kind, std::string_view id);
  // A part of another resource (route, NACL entry, rule, tunnel): its account
  // and region are its parent's, derived, so nothing is recorded here.
  Ent makePart(KindId kind, std::string_view id);
  // makePart() of an id whose hash b.prefetchId() returned.
  Ent makePart(KindId kind, std::string_view id, uint32_t hash);
  // The string of one key of an object, in a first pass (the object is reset
  // afterwards); nullopt when absent or null.
  std::optional<std::string_view> peek(od::object& o, std::string_view key);
  Value cidrValue(od::value& v);
  Value ipValue(od::value& v);
  // An IP protocol as AWS writes it ("-1", "6", "tcp", or a bare number).
  int16_t protocol(od::value& v);

  // Appends a decimal number (for synthetic ids, without a temporary string).
  static void appendNumber(std::string& out, int64_t n);

  Loader& l;
  JsonFile& j;
  FactBaseBuilder& b;
  // The input's account and region from its folder, interned once per file.
  std::optional<StrId> sourceAccount, sourceRegion;
  // Scratch space for synthetic ids.
  std::string idBuf;
  const char* objectAt = nullptr;  // start of the resource being read
  // Found once per load (Loader::kindAttrs), not once per file.
  const KindId tagKind;
  const AttrId tagKey, tagValue;
  // Per kind: its account, region, tags and name attributes (kNoAttr if none).
  const std::vector<AttrId>& accountAttr;
  const std::vector<AttrId>& regionAttr;
  const std::vector<AttrId>& tagsAttr;
  const std::vector<AttrId>& nameAttr;

private:
  Aws(Loader& l, JsonFile& j, const KindAttrs& attrs);
};

inline void Ent::set(AttrId a, Value v) { c_.b.set(kind, index, a, v); }

// A reader of one element of a top-level collection ("Vpcs": [...]).
struct Collection {
  std::string_view key;
  void (*read)(Aws& c, od::value& item);
};
std::span<const Collection> ec2Collections();
std::span<const Collection> ec2MoreCollections();
std::span<const Collection> hybridCollections();
// SageMaker describe-* outputs; false when the object is not one.
bool readSageMakerObject(Aws& c, od::value& v);
bool readSageMakerObject(Aws& c, od::object& o);  // o is rewound first
// `{"TrainingJobs": [...]}`-style wrappers of describe outputs.
bool isSageMakerWrapper(std::string_view key);

// Reads one string member of a small nested object ({"State": "associated"}
// and the like), skipping the others.
inline std::optional<std::string_view> member(Aws& c, od::value& v, std::string_view key) {
  std::optional<std::string_view> out;
  c.j.fields(v, [&](std::string_view k, od::value& x) {
    if (k == key && !c.j.isNull(x)) out = c.j.string(x);
    else c.j.skip(x);
  });
  return out;
}

}  // namespace ward::load
