// Documentation generated from the schema, so that it cannot drift from the
// code: the kind and attribute tables of docs/facts.md (schemaMarkdown) and
// the JSON Schema of Ward facts (wardFactsJsonSchema).
#include <string>

#include "common/json_writer.hpp"
#include "runtime/schema.hpp"

namespace ward {

namespace {

// Table cells may not contain a bare pipe or a newline, and outside code
// spans "<id>" would be taken for an HTML tag.
std::string cell(std::string_view text) {
  std::string out;
  bool code = false;
  for (char c : text) {
    if (c == '`') code = !code;
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else if (!code && c == '<') out += "&lt;";
    else if (!code && c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string schemaMarkdown(const Schema& schema) {
  std::string out;
  out += "| kind | collection | what it is |\n| --- | --- | --- |\n";
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    out += "| [`" + kd.name + "`](#" + kd.name + ") | `" + kd.collection + "` | " + cell(kd.doc) + " |\n";
  }
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    out += "\n### " + kd.name + "\n\n";
    out += cell(kd.doc) + " Collection: `" + kd.collection + "`.\n\n";
    out += "| attribute | type | description | source |\n| --- | --- | --- | --- |\n";
    for (const AttrDef& a : kd.attrs) {
      std::string type = schema.typeName(a.type);
      if (a.type.nullable) type += "?";
      std::string doc = a.doc;
      if (!a.derived() && !a.defaultValue.empty()) doc += " Default `" + a.defaultValue + "`.";
      std::string source = a.awsField.empty() ? "—" : a.awsField;
      out += "| `" + a.name + "` | `" + type + "` | " + cell(doc) + " | " + cell(source) + " |\n";
    }
  }
  return out;
}

namespace {

// The JSON Schema of one attribute value; null is always allowed (it leaves
// the attribute unset).
void valueSchema(JsonWriter& w, const Schema& schema, const Type& t, bool nullable) {
  auto simple = [&](const char* type) {
    w.key("type");
    if (nullable) w.beginArray().value(type).value("null").endArray();
    else w.value(type);
  };
  auto ref = [&](const char* def) {
    if (nullable) {
      w.key("anyOf").beginArray();
      w.beginObject().field("$ref", std::string("#/$defs/") + def).endObject();
      w.beginObject().field("type", "null").endObject();
      w.endArray();
    } else {
      w.field("$ref", std::string("#/$defs/") + def);
    }
  };
  switch (t.base) {
    case BaseType::Bool: simple("boolean"); break;
    case BaseType::Int: simple("integer"); break;
    case BaseType::String: simple("string"); break;
    case BaseType::Ip: ref("ip"); break;
    case BaseType::Cidr: ref("cidr"); break;
    case BaseType::Traffic: ref("traffic"); break;
    case BaseType::Date: ref("date"); break;
    case BaseType::Entity:
      simple("string");
      if (t.kind != kNoKind) w.field("description", "the id of a " + schema.kind(t.kind).name);
      break;
    case BaseType::List: {
      auto tag = schema.findKind("tag");
      if (t.elem == BaseType::Entity && tag && t.kind == *tag) {
        ref("tags");
        break;
      }
      simple("array");
      w.key("items").beginObject();
      valueSchema(w, schema, t.element(), false);
      w.endObject();
      break;
    }
    default: break;  // any: no constraint
  }
}

void kindSchema(JsonWriter& w, const Schema& schema, const KindDef& kd) {
  w.beginObject();
  w.field("type", "object").field("description", kd.doc);
  w.key("properties").beginObject();
  for (const AttrDef& a : kd.attrs) {
    if (a.derived()) continue;
    w.key(a.name).beginObject();
    valueSchema(w, schema, a.type, true);
    if (a.type.base != BaseType::Entity) w.field("description", a.doc);
    w.endObject();
  }
  w.endObject();
  w.field("additionalProperties", false);
  w.endObject();
}

}  // namespace

std::string wardFactsJsonSchema(const Schema& schema) {
  JsonWriter w(true);
  w.beginObject();
  w.field("$schema", "https://json-schema.org/draft/2020-12/schema");
  w.field("title", "Ward facts");
  w.field("description", "Ward's JSON fact format (docs/facts.md). Generated from the fact schema.");
  w.field("type", "object");
  w.key("properties").beginObject();
  w.key("$schema").beginObject().field("type", "string").endObject();
  w.key("format").beginObject().field("const", "ward-facts").endObject();
  w.key("version").beginObject().field("const", 1).endObject();
  w.key("description").beginObject().field("type", "string").endObject();
  w.key("comment").beginObject().field("type", "string").endObject();
  w.key("facts").beginObject().field("type", "object");
  w.key("properties").beginObject();
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    for (const std::string& name : {kd.name, kd.collection}) {
      w.key(name).beginObject().field("type", "array");
      w.key("items").beginObject().field("$ref", "#/$defs/" + kd.name).endObject();
      w.endObject();
    }
  }
  w.endObject();
  w.field("additionalProperties", false);
  w.endObject();
  w.key("intents").beginObject().field("type", "object");
  w.key("properties").beginObject();
  for (auto [key, kind] : {std::pair<const char*, const char*>{"transfers", "transfer"},
                           {"service_exposures", "service_exposure"}}) {
    w.key(key).beginObject().field("type", "array");
    w.key("items").beginObject().field("$ref", std::string("#/$defs/") + kind).endObject();
    w.endObject();
  }
  w.key("blocklist").beginObject().field("type", "array");
  w.key("items").beginObject().key("anyOf").beginArray();
  w.beginObject().field("$ref", "#/$defs/cidr").endObject();
  w.beginObject().field("$ref", "#/$defs/blocklist_entry").endObject();
  w.endArray().endObject();
  w.endObject();
  w.endObject();
  w.field("additionalProperties", false);
  w.endObject();
  w.endObject();  // properties
  w.field("additionalProperties", false);

  w.key("$defs").beginObject();
  w.key("ip").beginObject().field("type", "string").field("description", "an IPv4 or IPv6 address: 10.0.0.1, 2001:db8::1").endObject();
  w.key("cidr").beginObject().field("type", "string").field("description", "a CIDR block: 10.0.0.0/16, ::/0").endObject();
  w.key("traffic").beginObject().field("type", "string")
      .field("description", "a protocol and ports: tcp 443, udp 1024..65535, tcp, icmp, all, 50").endObject();
  w.key("date").beginObject().field("type", "string").field("format", "date").endObject();
  w.key("tags").beginObject().key("anyOf").beginArray();
  w.beginObject().field("type", "object");
  w.key("additionalProperties").beginObject().field("type", "string").endObject();
  w.endObject();
  w.beginObject().field("type", "array").key("items").beginObject().field("type", "object");
  w.key("properties").beginObject();
  for (const char* k : {"key", "value", "Key", "Value"}) w.key(k).beginObject().field("type", "string").endObject();
  w.endObject().field("additionalProperties", false).endObject().endObject();
  w.endArray().endObject();
  for (size_t k = 0; k < schema.kindCount(); ++k) {
    const KindDef& kd = schema.kind(static_cast<KindId>(k));
    w.key(kd.name);
    kindSchema(w, schema, kd);
  }
  w.endObject();
  w.endObject();
  return w.take();
}

}  // namespace ward
