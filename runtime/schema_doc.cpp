// schemaMarkdown: the kind and attribute tables of docs/facts.md, generated
// from the schema so that the documentation cannot drift from the code.
#include <string>

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

}  // namespace ward
