// Schema construction and lookup: kinds, attributes, inverse relations.
#include "runtime/schema.hpp"

#include <algorithm>
#include <cassert>

namespace ward {

std::vector<std::string> KindDef::attrNames() const {
  std::vector<std::string> names;
  names.reserve(attrs.size());
  for (const AttrDef& a : attrs) names.push_back(a.name);
  return names;
}

KindId Schema::addKind(std::string name, std::string collection, std::string doc) {
  assert(!findKind(name) && "duplicate kind");
  KindDef k;
  k.name = std::move(name);
  k.collection = std::move(collection);
  k.doc = std::move(doc);
  kinds_.push_back(std::move(k));
  auto id = static_cast<KindId>(kinds_.size() - 1);
  AttrDef idAttr;
  idAttr.name = "id";
  idAttr.type = Type::of(BaseType::String);
  idAttr.doc = "The identifier, unique within the kind.";
  addAttr(id, std::move(idAttr));
  return id;
}

AttrId Schema::addAttr(KindId kind, AttrDef def) {
  KindDef& k = kinds_[kind];
  assert(!k.attrIndex.count(def.name) && "duplicate attribute");
  auto id = static_cast<AttrId>(k.attrs.size());
  k.attrIndex.emplace(def.name, id);
  // Kept in kind order: attributes are not always added kind by kind.
  std::vector<KindAttr>& same = byAttrName_[def.name];
  same.insert(std::upper_bound(same.begin(), same.end(), kind, [](KindId k, const KindAttr& ka) { return k < ka.kind; }),
              KindAttr{kind, id});
  k.attrs.push_back(std::move(def));
  return id;
}

std::span<const Schema::KindAttr> Schema::kindsWithAttr(std::string_view name) const {
  auto it = byAttrName_.find(name);
  if (it == byAttrName_.end()) return {};
  return it->second;
}

AttrId Schema::addInverse(KindId kind, std::string name, KindId from, AttrId viaAttr, std::string doc) {
  AttrDef def;
  def.name = std::move(name);
  def.type = Type::listOf(BaseType::Entity, from);
  def.doc = std::move(doc);
  def.awsField = "derived: every " + kinds_[from].name + " whose `" + kinds_[from].attrs[viaAttr].name +
                 "` is this " + kinds_[kind].name;
  def.inverseKind = from;
  def.inverseAttr = viaAttr;
  return addAttr(kind, std::move(def));
}

std::optional<KindId> Schema::findKind(std::string_view name) const {
  for (size_t i = 0; i < kinds_.size(); ++i)
    if (kinds_[i].name == name) return static_cast<KindId>(i);
  return std::nullopt;
}

std::optional<KindId> Schema::findCollection(std::string_view name) const {
  for (size_t i = 0; i < kinds_.size(); ++i)
    if (kinds_[i].collection == name) return static_cast<KindId>(i);
  return std::nullopt;
}

std::vector<std::string> Schema::kindNames() const {
  std::vector<std::string> names;
  for (const KindDef& k : kinds_) names.push_back(k.name);
  return names;
}

std::vector<std::string> Schema::collectionNames() const {
  std::vector<std::string> names;
  for (const KindDef& k : kinds_) names.push_back(k.collection);
  return names;
}

}  // namespace ward
