// Value equality, ordering and rendering (text and JSON) for the VM, findings
// and `ward eval`.
#include "runtime/values.hpp"

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace ward {

StrId ScratchStrings::intern(std::string_view s) {
  if (auto it = index_.find(s); it != index_.end()) return it->second;
  StrId id = static_cast<StrId>(strings_.size()) | kBit;
  strings_.emplace_back(s);
  index_.emplace(std::string_view(strings_.back()), id);
  bytes_ += s.size() + sizeof(std::string) + 16;
  return id;
}

void ScratchStrings::clear() {
  // Note: clearing an unordered_map costs its bucket count, so skip the
  // common case of an evaluation that made no strings.
  if (strings_.empty()) return;
  index_.clear();
  strings_.clear();
  bytes_ = 0;
}

void ScratchStrings::truncate(size_t count) {
  while (strings_.size() > count) {
    const std::string& s = strings_.back();
    index_.erase(std::string_view(s));
    bytes_ -= s.size() + sizeof(std::string) + 16;
    strings_.pop_back();
  }
}

std::string_view ValueHeap::kindName(KindId k) const {
  if (!facts || k >= facts->schema().kindCount()) return "entity";
  return facts->schema().kind(k).name;
}

std::string_view ValueHeap::entityId(const Value& v) const {
  if (!facts) return {};
  return facts->idOf(v.entityKind(), v.entityIndex());
}

namespace {

int cmp3(uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }
int cmp3s(int64_t a, int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

}  // namespace

bool valueEqual(const Value& a, const Value& b, const ValueHeap& heap) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
    case Tag::Null: return true;
    case Tag::Bool: return (a.x != 0) == (b.x != 0);
    case Tag::Int:
    case Tag::Date: return a.x == b.x;
    case Tag::String:
      // Equal text has equal ids: a string enters the scratch overlay only
      // when the fact base's interner lacks it (see ScratchStrings).
      return a.b0 == b.b0 && a.x == b.x;
    case Tag::Ip: return a.asIp() == b.asIp();
    case Tag::Cidr: return a.asCidr() == b.asCidr();
    case Tag::Traffic: return a.asTraffic() == b.asTraffic();
    case Tag::Entity: return a.entityKind() == b.entityKind() && a.entityIndex() == b.entityIndex();
    case Tag::List: {
      if (a.listLength() != b.listLength()) return false;
      auto xs = heap.list(a), ys = heap.list(b);
      for (size_t i = 0; i < xs.size() && i < ys.size(); ++i)
        if (!valueEqual(xs[i], ys[i], heap)) return false;
      return true;
    }
    case Tag::Error: return a.x == b.x;
  }
  return false;
}

int valueCompare(const Value& a, const Value& b, const ValueHeap& heap) {
  if (a.tag != b.tag) return a.tag < b.tag ? -1 : 1;
  switch (a.tag) {
    case Tag::Null: return 0;
    case Tag::Bool: return cmp3(a.x != 0, b.x != 0);
    case Tag::Int:
    case Tag::Date: return cmp3s(static_cast<int64_t>(a.x), static_cast<int64_t>(b.x));
    case Tag::String: {
      if (a.b0 != b.b0) return a.b0 < b.b0 ? -1 : 1;
      if (a.x == b.x) return 0;
      int c = heap.str(a.asString()).compare(heap.str(b.asString()));
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case Tag::Ip: return net::compare(a.asIp(), b.asIp());
    case Tag::Cidr: return net::compare(a.asCidr(), b.asCidr());
    case Tag::Traffic: return net::compare(a.asTraffic(), b.asTraffic());
    case Tag::Entity:
      if (a.entityKind() != b.entityKind()) return a.entityKind() < b.entityKind() ? -1 : 1;
      return cmp3(a.entityIndex(), b.entityIndex());
    case Tag::List: {
      auto xs = heap.list(a), ys = heap.list(b);
      for (size_t i = 0; i < xs.size() && i < ys.size(); ++i)
        if (int c = valueCompare(xs[i], ys[i], heap)) return c;
      return cmp3(xs.size(), ys.size());
    }
    case Tag::Error: return cmp3(a.x, b.x);
  }
  return 0;
}

void appendText(std::string& out, const Value& v, const ValueHeap& heap) {
  switch (v.tag) {
    case Tag::Null: out += "null"; return;
    case Tag::Bool: out += v.x ? "true" : "false"; return;
    case Tag::Int: out += fmt::format("{}", v.asInt()); return;
    case Tag::String:
      if (isService(v)) {
        out += "service \"";
        out += heap.str(v.asString());
        out += '"';
      } else {
        out += heap.str(v.asString());
      }
      return;
    case Tag::Ip: out += net::format(v.asIp()); return;
    case Tag::Cidr: out += net::format(v.asCidr()); return;
    case Tag::Traffic: out += net::format(v.asTraffic()); return;
    case Tag::Date: out += formatDate(v.asDate()); return;
    case Tag::Entity: {
      std::string_view id = heap.entityId(v);
      if (id.empty() && !heap.facts)
        out += fmt::format("entity#{}", v.entityIndex());
      else
        out += id;
      return;
    }
    case Tag::List: {
      out += '[';
      bool first = true;
      for (const Value& e : heap.list(v)) {
        if (!first) out += ", ";
        first = false;
        appendText(out, e, heap);
      }
      out += ']';
      return;
    }
    case Tag::Error:
      out += "error: ";
      out += heap.str(v.asString());
      return;
  }
}

std::string renderText(const Value& v, const ValueHeap& heap) {
  std::string out;
  appendText(out, v, heap);
  return out;
}

namespace {

void writeJson(JsonWriter& w, const Value& v, const ValueHeap& heap) {
  switch (v.tag) {
    case Tag::Null: w.null(); return;
    case Tag::Bool: w.value(v.x != 0); return;
    case Tag::Int: w.value(v.asInt()); return;
    case Tag::Entity:
      w.beginObject();
      w.field("kind", std::string(heap.kindName(v.entityKind())));
      w.field("id", std::string(heap.entityId(v)));
      w.endObject();
      return;
    case Tag::List:
      w.beginArray();
      for (const Value& e : heap.list(v)) writeJson(w, e, heap);
      w.endArray();
      return;
    case Tag::Error:
      w.beginObject();
      w.field("error", std::string(heap.str(v.asString())));
      w.endObject();
      return;
    case Tag::String:
      if (!isService(v)) {
        w.value(heap.str(v.asString()));
        return;
      }
      w.beginObject();
      w.field("service", std::string(heap.str(v.asString())));
      w.endObject();
      return;
    case Tag::Ip:
    case Tag::Cidr:
    case Tag::Traffic:
    case Tag::Date: w.value(renderText(v, heap)); return;
  }
}

}  // namespace

std::string renderJson(const Value& v, const ValueHeap& heap) {
  JsonWriter w(false);
  writeJson(w, v, heap);
  return w.take();
}

std::string valueTypeName(const Value& v, const ValueHeap& heap) {
  switch (v.tag) {
    case Tag::Null: return "null";
    case Tag::Bool: return "bool";
    case Tag::Int: return "int";
    case Tag::String: return isService(v) ? "service" : "string";
    case Tag::Ip: return "ip";
    case Tag::Cidr: return "cidr";
    case Tag::Traffic: return "traffic";
    case Tag::Date: return "date";
    case Tag::Entity: return std::string(heap.kindName(v.entityKind()));
    case Tag::List: return "list";
    case Tag::Error: return "error";
  }
  return "?";
}

}  // namespace ward
