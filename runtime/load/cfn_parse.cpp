// Reading CloudFormation templates, in YAML (yaml-cpp, short-form intrinsic
// tags included) or JSON (simdjson's DOM), into the tree cloudformation.cpp
// converts.
#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "runtime/load/cfn_tree.hpp"

namespace ward::load {

namespace {

constexpr int kMaxDepth = 256;

struct YamlError {
  std::string at;
  std::string message;
};

std::string position(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return fmt::format("{}:{}", m.line + 1, m.column + 1);
}

// `!Ref X` is {"Ref": X}, `!GetAtt A.B` is {"Fn::GetAtt": ["A", "B"]}, and
// every other `!Name` is {"Fn::Name": ...}.
CfnNode longForm(const std::string& tag, CfnNode value) {
  CfnNode map;
  map.type = CfnNode::Type::Map;
  map.at = value.at;
  const std::string name = tag.substr(1);
  if (name == "Ref" || name == "Condition") {
    map.fields.push_back({name, std::move(value)});
  } else if (name == "GetAtt" && value.isScalar()) {
    CfnNode list;
    list.type = CfnNode::Type::List;
    list.at = value.at;
    const size_t dot = value.text.find('.');
    list.items.push_back(CfnNode::scalar(value.text.substr(0, dot)));
    list.items.push_back(CfnNode::scalar(dot == std::string::npos ? std::string() : value.text.substr(dot + 1)));
    map.fields.push_back({"Fn::GetAtt", std::move(list)});
  } else {
    map.fields.push_back({"Fn::" + name, std::move(value)});
  }
  return map;
}

CfnNode convert(const YAML::Node& n, int depth) {
  if (depth > kMaxDepth) throw YamlError{position(n.Mark()), "the document nests deeper than 256 levels"};
  CfnNode out;
  out.at = position(n.Mark());
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.type = CfnNode::Type::Null;
      break;
    case YAML::NodeType::Scalar:
      out.type = CfnNode::Type::Scalar;
      out.text = n.Scalar();
      // A plain scalar `true` or `42` is not a quoted string; "!" marks a
      // quoted one in yaml-cpp's tags.
      out.quoted = n.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      out.type = CfnNode::Type::List;
      for (const YAML::Node& item : n) out.items.push_back(convert(item, depth + 1));
      break;
    case YAML::NodeType::Map:
      out.type = CfnNode::Type::Map;
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) throw YamlError{position(kv.first.Mark()), "a map key must be a plain value"};
        out.fields.push_back({kv.first.Scalar(), convert(kv.second, depth + 1)});
      }
      break;
  }
  const std::string& tag = n.Tag();
  if (tag.size() > 1 && tag[0] == '!' && tag[1] != '!') return longForm(tag, std::move(out));
  return out;
}

}  // namespace

Result<CfnNode> parseYaml(std::string_view text, const std::string& name) {
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    return convert(doc, 0);
  } catch (const YamlError& e) {
    return fail(inputError(e.at.empty() ? name : name + ":" + e.at, e.message));
  } catch (const YAML::Exception& e) {
    return fail(inputError(e.mark.is_null() ? name : fmt::format("{}:{}", name, position(e.mark)),
                           "malformed YAML: " + e.msg));
  }
}

namespace {

CfnNode fromDom(simdjson::dom::element e, int depth) {
  CfnNode out;
  if (depth > kMaxDepth) return out;
  simdjson::dom::array array;
  simdjson::dom::object object;
  std::string_view string;
  bool boolean = false;
  if (!e.get(array)) {
    out.type = CfnNode::Type::List;
    for (simdjson::dom::element item : array) out.items.push_back(fromDom(item, depth + 1));
  } else if (!e.get(object)) {
    out.type = CfnNode::Type::Map;
    for (simdjson::dom::key_value_pair field : object)
      out.fields.push_back({std::string(field.key), fromDom(field.value, depth + 1)});
  } else if (!e.get(string)) {
    out = CfnNode::scalar(std::string(string));
  } else if (!e.get(boolean)) {
    out = CfnNode::scalar(boolean ? "true" : "false", false);
  } else if (!e.is_null()) {
    out = CfnNode::scalar(simdjson::minify(e), false);  // a number keeps its text
  }
  return out;
}

}  // namespace

Result<CfnNode> parseJsonTree(std::string_view text, const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(text.data(), text.size()).get(root))
    return fail(inputError(name, std::string("malformed JSON: ") + simdjson::error_message(err)));
  return fromDom(root, 0);
}

bool hasYamlExtension(std::string_view name) {
  auto endsWith = [&](std::string_view ext) {
    if (name.size() < ext.size()) return false;
    for (size_t i = 0; i < ext.size(); ++i) {
      char c = name[name.size() - ext.size() + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != ext[i]) return false;
    }
    return true;
  };
  return endsWith(".yaml") || endsWith(".yml") || endsWith(".template");
}

}  // namespace ward::load
