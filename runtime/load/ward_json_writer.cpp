// Writes a fact base as Ward JSON facts, one fact per line: the stored
// attributes only (derived ones follow from them), so that loading the output
// gives the same fact base. Turns an AWS snapshot into a readable, editable
// test topology.
#include "common/json_writer.hpp"
#include "runtime/load/load.hpp"

namespace ward {

namespace {

void writeScalar(std::string& out, const FactBase& fb, const Value& v) {
  switch (v.tag) {
    case Tag::Bool: out += v.asBool() ? "true" : "false"; break;
    case Tag::Int: out += std::to_string(v.asInt()); break;
    case Tag::Null: out += "null"; break;
    case Tag::List: {
      out += '[';
      bool first = true;
      for (const Value& e : fb.list(v)) {
        if (!first) out += ", ";
        first = false;
        writeScalar(out, fb, e);
      }
      out += ']';
      break;
    }
    default:
      // Strings, addresses, blocks, traffic, dates and references are all
      // written as their text.
      JsonWriter::escape(out, fb.format(v));
  }
}

}  // namespace

std::string toWardJson(const FactBase& fb) {
  const Schema& s = fb.schema();
  // Tags, accounts and regions are rebuilt from the resources that name them.
  auto implied = [&](const KindDef& kd) { return kd.name == "tag" || kd.name == "account" || kd.name == "region"; };
  std::optional<KindId> tagKind = s.findKind("tag");
  std::string out = "{\n  \"format\": \"ward-facts\",\n  \"version\": 1,\n  \"facts\": {";
  bool firstKind = true;
  for (size_t k = 0; k < s.kindCount(); ++k) {
    auto kind = static_cast<KindId>(k);
    const KindDef& kd = s.kind(kind);
    if (implied(kd) || fb.count(kind) == 0) continue;
    out += firstKind ? "\n    " : ",\n    ";
    firstKind = false;
    JsonWriter::escape(out, kd.name);
    out += ": [";
    std::vector<ColumnView> cols;
    for (AttrId a = 0; a < kd.attrs.size(); ++a)
      cols.push_back(kd.attrs[a].derived() ? ColumnView{} : fb.column(kind, a));
    for (EntityIndex i = 0; i < fb.count(kind); ++i) {
      out += i == 0 ? "\n      {" : ",\n      {";
      out += "\"id\": ";
      JsonWriter::escape(out, fb.idOf(kind, i));
      for (AttrId a = 1; a < kd.attrs.size(); ++a) {
        const AttrDef& def = kd.attrs[a];
        // Only what was stored: unset attributes keep reading as their defaults.
        if (def.derived() || i >= cols[a].size) continue;
        Value v = cols[a].stored->get(i);
        if (v.isNull()) continue;
        out += ", ";
        JsonWriter::escape(out, def.name);
        out += ": ";
        if (tagKind && def.type.base == BaseType::List && def.type.kind == *tagKind) {
          // Tags as {"key": "value"}.
          out += '{';
          bool first = true;
          AttrId key = *s.kind(*tagKind).find("key"), value = *s.kind(*tagKind).find("value");
          for (const Value& t : fb.list(v)) {
            if (!first) out += ", ";
            first = false;
            JsonWriter::escape(out, fb.format(fb.get(*tagKind, t.entityIndex(), key)));
            out += ": ";
            JsonWriter::escape(out, fb.format(fb.get(*tagKind, t.entityIndex(), value)));
          }
          out += '}';
        } else {
          writeScalar(out, fb, v);
        }
      }
      out += '}';
    }
    out += "\n    ]";
  }
  out += "\n  }\n}\n";
  return out;
}

}  // namespace ward
