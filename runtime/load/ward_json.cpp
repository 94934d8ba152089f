// Ward's own JSON fact format: {"format": "ward-facts", "version": 1,
// "facts": {<kind>: [{attribute: value}]}, "intents": {...}}. Every value is
// typed by the schema; anything the schema does not expect is an error that
// names the JSON pointer and what was expected.
#include <map>

#include <fmt/format.h>

#include "runtime/load/loader.hpp"

namespace ward::load {

namespace {

// One fact's attributes, read before its id is known (the id may be
// synthesised from them, and may come last in the object).
struct Staged {
  enum class How : uint8_t { Plain, Ref, RefList };
  struct Item {
    AttrId attr;
    How how;
    Value value;
    StrId ref = 0;
    uint32_t start = 0;
    uint32_t length = 0;
  };
  std::vector<Item> items;
  std::vector<StrId> refIds;
  std::optional<StrId> id;

  void clear() {
    items.clear();
    refIds.clear();
    id.reset();
  }
  const Item* find(AttrId a) const {
    for (auto it = items.rbegin(); it != items.rend(); ++it)
      if (it->attr == a) return &*it;
    return nullptr;
  }
};

std::string squote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

// "derived: not public" -> "not public".
std::string_view derivation(std::string_view how) {
  if (how.starts_with("derived: ")) how.remove_prefix(9);
  return how;
}

class WardReader {
public:
  WardReader(Loader& l, JsonFile& j) : l_(l), j_(j), b_(l.b), s_(l.b.schema()), origin_(l.b.addOrigin(j.name())) {
    tagKind_ = *s_.findKind("tag");
    tagKey_ = *s_.kind(tagKind_).find("key");
    tagValue_ = *s_.kind(tagKind_).find("value");
  }

  void read(od::value& root) {
    j_.fields(root, [&](std::string_view key, od::value& v) {
      if (key == "format") {
        std::string_view f = j_.string(v);
        if (f != "ward-facts")
          j_.fail(j_.at(v), fmt::format("expected \"ward-facts\" at {}, got \"{}\"", j_.pointer(), f));
      } else if (key == "version") {
        int64_t version = j_.integer(v);
        if (version != 1)
          j_.fail(j_.at(v), fmt::format("unsupported ward-facts version {} (this Ward reads version 1)", version));
      } else if (key == "facts") {
        j_.fields(v, [&](std::string_view kindKey, od::value& list) { readKind(kindKey, list); });
      } else if (key == "intents") {
        readIntents(v);
      } else if (key == "$schema" || key == "description" || key == "comment") {
        j_.skip(v);
      } else {
        failUnknown(key, "top-level key", {"format", "version", "facts", "intents", "$schema", "description"});
      }
    });
  }

private:
  [[noreturn]] void failUnknown(std::string_view key, std::string_view what, const std::vector<std::string>& names) {
    std::vector<std::string> notes;
    std::string best = closestMatch(std::string(key), names);
    if (!best.empty()) notes.push_back("did you mean " + squote(best) + "?");
    j_.fail(j_.keyAt(key), fmt::format("unknown {} {} at {}", what, squote(key), j_.pointer()), std::move(notes));
  }

  void readKind(std::string_view kindKey, od::value& list) {
    auto kind = s_.findKind(kindKey);
    if (!kind) kind = s_.findCollection(kindKey);
    if (!kind) failUnknown(kindKey, "fact kind", s_.kindNames());
    j_.elements(list, [&](od::value& fact) { readFact(*kind, fact); });
  }

  void readIntents(od::value& v) {
    j_.fields(v, [&](std::string_view key, od::value& list) {
      if (key == "transfers" || key == "transfer") {
        KindId k = *s_.findKind("transfer");
        j_.elements(list, [&](od::value& fact) { readFact(k, fact); });
      } else if (key == "blocklist" || key == "blocklist_entry") {
        KindId k = *s_.findKind("blocklist_entry");
        j_.elements(list, [&](od::value& entry) {
          if (j_.raw(entry).starts_with('"')) {
            // The short form: just the block.
            staged_.clear();
            AttrId cidr = *s_.kind(k).find("cidr");
            Value c = readScalar(s_.attr(k, cidr), entry);
            staged_.items.push_back({cidr, Staged::How::Plain, c});
            commit(k, j_.at(entry));
          } else {
            readFact(k, entry);
          }
        });
      } else if (key == "service_exposures" || key == "service_exposure") {
        KindId k = *s_.findKind("service_exposure");
        j_.elements(list, [&](od::value& fact) { readFact(k, fact); });
      } else {
        failUnknown(key, "intent", {"transfers", "blocklist", "service_exposures"});
      }
    });
  }

  void readFact(KindId kind, od::value& fact) {
    const char* at = j_.at(fact);
    const KindDef& kd = s_.kind(kind);
    staged_.clear();
    nameTag_.reset();
    j_.fields(fact, [&](std::string_view key, od::value& v) {
      if (key == "id") {
        staged_.id = b_.intern(j_.string(v));
        return;
      }
      auto attr = kd.find(key);
      if (!attr) {
        std::vector<std::string> notes;
        std::string best = closestMatch(std::string(key), kd.attrNames());
        if (!best.empty()) notes.push_back("did you mean " + squote(best) + "?");
        j_.fail(j_.keyAt(key), fmt::format("{} has no attribute {} (at {})", kd.name, squote(key), j_.pointer()),
                std::move(notes));
      }
      const AttrDef& def = kd.attrs[*attr];
      if (def.derived())
        j_.fail(j_.keyAt(key), fmt::format("{}.{} is derived from other facts ({}) and cannot be set (at {})", kd.name,
                                           def.name, derivation(def.awsField), j_.pointer()));
      if (j_.isNull(v)) return;  // null: leave it unset
      readAttr(def, *attr, v);
    });
    commit(kind, at);
  }

  void readAttr(const AttrDef& def, AttrId attr, od::value& v) {
    const Type& t = def.type;
    if (t.base == BaseType::Entity) {
      staged_.items.push_back({attr, Staged::How::Ref, {}, b_.intern(j_.string(v))});
      return;
    }
    if (t.base != BaseType::List) {
      staged_.items.push_back({attr, Staged::How::Plain, readScalar(def, v)});
      return;
    }
    if (t.elem == BaseType::Entity && t.kind == tagKind_) {
      staged_.items.push_back({attr, Staged::How::Plain, readTags(v)});
      return;
    }
    if (t.elem == BaseType::Entity) {
      auto start = static_cast<uint32_t>(staged_.refIds.size());
      j_.elements(v, [&](od::value& e) { staged_.refIds.push_back(b_.intern(j_.string(e))); });
      staged_.items.push_back({attr, Staged::How::RefList, {}, 0, start,
                               static_cast<uint32_t>(staged_.refIds.size()) - start});
      return;
    }
    std::vector<Value> elems;
    AttrDef elemDef;
    elemDef.type = t.element();
    j_.elements(v, [&](od::value& e) { elems.push_back(readScalar(elemDef, e)); });
    staged_.items.push_back({attr, Staged::How::Plain, b_.makeList(elems)});
  }

  // Tags as {"key": "value"}, or as [{"key": k, "value": v}] (Key/Value too).
  Value readTags(od::value& v) {
    std::vector<Value> tags;
    if (j_.raw(v).starts_with('{')) {
      j_.fields(v, [&](std::string_view key, od::value& val) { tags.push_back(tag(key, j_.string(val))); });
    } else {
      j_.elements(v, [&](od::value& e) {
        std::string_view key, value;
        bool hasKey = false;
        j_.fields(e, [&](std::string_view k, od::value& val) {
          if (k == "key" || k == "Key") {
            key = j_.string(val);
            hasKey = true;
          } else if (k == "value" || k == "Value") {
            value = j_.string(val);
          } else {
            j_.fail(j_.keyAt(k), fmt::format("a tag has only \"key\" and \"value\", not {} (at {})", squote(k),
                                             j_.pointer()));
          }
        });
        if (!hasKey) j_.fail(j_.at(e), fmt::format("a tag needs a \"key\" (at {})", j_.pointer()));
        tags.push_back(tag(key, value));
      });
    }
    return b_.makeList(tags);
  }

  Value tag(std::string_view key, std::string_view value) {
    EntityIndex e = b_.upsert(tagKind_, tagId(key, value));
    if (key == "Name") nameTag_ = b_.intern(value);
    b_.set(tagKind_, e, tagKey_, Value::string(b_.intern(key)));
    b_.set(tagKind_, e, tagValue_, Value::string(b_.intern(value)));
    return Value::entity(tagKind_, e);
  }

  Value readScalar(const AttrDef& def, od::value& v) {
    auto expected = [&](std::string_view what, std::string_view got) -> Value {
      j_.fail(j_.at(v), fmt::format("expected {} at {}, got \"{}\"", what, j_.pointer(), got));
    };
    switch (def.type.base) {
      case BaseType::Bool: return Value::boolean(j_.boolean(v));
      case BaseType::Int: return Value::integer(j_.integer(v));
      case BaseType::String: return Value::string(b_.intern(j_.string(v)));
      case BaseType::Ip: {
        std::string_view s = j_.string(v);
        auto ip = parseIpFast(s);
        if (!ip) return expected("an IP address such as \"10.0.0.1\"", s);
        return Value::ip(*ip);
      }
      case BaseType::Cidr: {
        std::string_view s = j_.string(v);
        auto c = parseCidrFast(s);
        if (!c) return expected("a CIDR block such as \"10.0.0.0/16\"", s);
        if (!net::isCanonical(*c)) {
          net::Cidr fixed = net::canonical(*c);
          l_.warn(j_, j_.at(v), "non-canonical CIDR",
                  fmt::format("CIDR block {} at {} has host bits set; it is read as {}", s, j_.pointer(),
                              net::format(fixed)));
          c = fixed;
        }
        return Value::cidr(*c);
      }
      case BaseType::Traffic: {
        std::string_view s = j_.string(v);
        auto t = net::parseTraffic(s);
        if (!t) return expected("traffic such as \"tcp 443\", \"udp 1024..65535\", \"icmp\" or \"all\"", s);
        return Value::traffic(*t);
      }
      case BaseType::Date: {
        std::string_view s = j_.string(v);
        auto d = parseDate(s);
        if (!d) return expected("a date such as \"2024-05-01\"", s);
        return Value::date(*d);
      }
      default: break;
    }
    j_.fail(j_.at(v), fmt::format("values of type {} cannot be given in Ward facts (at {})",
                                  s_.typeName(def.type), j_.pointer()));
  }

  // Completes a route the way the AWS loader would: the kind of its target,
  // and the typed reference to it, from the target id.
  void completeRoute(KindId kind) {
    const KindDef& kd = s_.kind(kind);
    AttrId target = *kd.find("target"), targetKind = *kd.find("target_kind");
    const Staged::Item* t = staged_.find(target);
    if (!t || t->value.tag != Tag::String) return;
    RouteTarget rt = routeTargetOf(b_.str(t->value.asString()));
    StrId targetId = t->value.asString();
    if (!staged_.find(targetKind))
      staged_.items.push_back({targetKind, Staged::How::Plain, Value::string(b_.intern(rt.kind))});
    if (!rt.refAttr.empty()) {
      AttrId ref = *kd.find(rt.refAttr);
      if (!staged_.find(ref)) staged_.items.push_back({ref, Staged::How::Ref, {}, targetId});
    }
  }

  // The text of a staged attribute, for synthetic ids.
  std::string text(KindId kind, std::string_view attr) {
    const Staged::Item* it = staged_.find(*s_.kind(kind).find(attr));
    if (!it) return {};
    if (it->how == Staged::How::Ref) return std::string(b_.str(it->ref));
    const Value& v = it->value;
    switch (v.tag) {
      case Tag::String: return std::string(b_.str(v.asString()));
      case Tag::Cidr: return net::format(v.asCidr());
      case Tag::Ip: return net::format(v.asIp());
      case Tag::Int: return std::to_string(v.asInt());
      case Tag::Bool: return v.asBool() ? "true" : "false";
      default: return {};
    }
  }

  // Kinds whose AWS ids are synthetic get the same ids here when none is given.
  std::string syntheticId(KindId kind) {
    const std::string& name = s_.kind(kind).name;
    auto join = [](std::initializer_list<std::string> parts) {
      std::string out;
      for (const std::string& p : parts) {
        if (p.empty()) return std::string();
        if (!out.empty()) out += ':';
        out += p;
      }
      return out;
    };
    auto direction = [&] { return text(kind, "egress") == "true" ? std::string("out") : std::string("in"); };
    if (name == "route") {
      std::string dest = text(kind, "destination");
      return join({text(kind, "table"), dest.empty() ? text(kind, "prefix_list") : dest});
    }
    if (name == "nacl_entry") return join({text(kind, "acl"), direction(), text(kind, "rule_number")});
    if (name == "sg_rule") {
      std::string group = text(kind, "group");
      if (group.empty()) return {};
      int n = ruleCounts_[group + ":" + direction()]++;
      return join({group, direction(), std::to_string(n)});
    }
    if (name == "vpn_tunnel") return join({text(kind, "connection"), text(kind, "outside_ip")});
    if (name == "transit_gateway_route") return join({text(kind, "route_table_id"), text(kind, "destination")});
    if (name == "tag") return tagId(text(kind, "key"), text(kind, "value"));
    if (name == "transfer") return text(kind, "name");
    if (name == "service_exposure") return text(kind, "service");
    if (name == "blocklist_entry") return text(kind, "cidr");
    return {};
  }

  // A flow log's typed reference follows from the id of what it watches.
  void completeFlowLog(KindId kind) {
    const KindDef& kd = s_.kind(kind);
    const Staged::Item* r = staged_.find(*kd.find("resource_id"));
    if (!r || r->value.tag != Tag::String) return;
    for (std::string_view ref : {"vpc", "subnet", "network_interface"})
      if (staged_.find(*kd.find(ref))) return;
    std::string_view id = b_.str(r->value.asString());
    std::string_view ref = id.starts_with("vpc-")      ? "vpc"
                           : id.starts_with("subnet-") ? "subnet"
                           : id.starts_with("eni-")    ? "network_interface"
                                                       : "";
    if (!ref.empty()) staged_.items.push_back({*kd.find(ref), Staged::How::Ref, {}, r->value.asString()});
  }

  void commit(KindId kind, const char* at) {
    const KindDef& kd = s_.kind(kind);
    if (kd.name == "route") completeRoute(kind);
    if (kd.name == "flow_log") completeFlowLog(kind);
    // The Name tag names a resource, as in the AWS loader.
    if (nameTag_) {
      auto name = kd.find("name");
      if (name && !staged_.find(*name) && kd.attrs[*name].type.base == BaseType::String)
        staged_.items.push_back({*name, Staged::How::Plain, Value::string(*nameTag_)});
      nameTag_.reset();
    }
    StrId id;
    if (staged_.id) {
      id = *staged_.id;
    } else {
      std::string synthetic = syntheticId(kind);
      if (synthetic.empty())
        j_.fail(at, fmt::format("a {} needs an \"id\" (at {})", s_.kind(kind).name, j_.pointer()));
      id = b_.intern(synthetic);
    }
    EntityIndex e = b_.upsert(kind, id);
    for (const Staged::Item& it : staged_.items) {
      switch (it.how) {
        case Staged::How::Plain: b_.set(kind, e, it.attr, it.value); break;
        case Staged::How::Ref: b_.setRef(kind, e, it.attr, it.ref, origin_); break;
        case Staged::How::RefList:
          b_.setRefList(kind, e, it.attr, std::span<const StrId>(staged_.refIds.data() + it.start, it.length),
                        origin_);
          break;
      }
    }
  }

  Loader& l_;
  JsonFile& j_;
  FactBaseBuilder& b_;
  const Schema& s_;
  uint16_t origin_;
  KindId tagKind_;
  AttrId tagKey_, tagValue_;
  Staged staged_;
  std::optional<StrId> nameTag_;  // the Name tag of the fact being read
  std::map<std::string, int> ruleCounts_;
};

}  // namespace

void readWardFacts(Loader& l, JsonFile& j, od::value& root) { WardReader(l, j).read(root); }

}  // namespace ward::load
