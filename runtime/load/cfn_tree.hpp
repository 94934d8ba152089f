// Internal: a CloudFormation template as a plain tree (from JSON or YAML),
// and its conversion to Ward JSON facts (cloudformation.cpp); the same tree
// holds a Terraform plan's JSON (terraform.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/diagnostic.hpp"

namespace ward::load {

struct CfnField;

// One value of a template. Scalars keep their text (YAML does not say
// whether `80` is a number or a string, and CloudFormation does not care).
struct CfnNode {
  enum class Type { Null, Scalar, List, Map };
  Type type = Type::Null;
  std::string text;     // Scalar
  bool quoted = false;  // Scalar: written as a string in the source
  std::vector<CfnNode> items;                            // List
  std::vector<CfnField> fields;                          // Map, in source order
  // The source position, "line:col" (YAML) or "" (JSON, where the pointer
  // says where).
  std::string at;
  // Null because an intrinsic function could not be resolved: why, and where.
  std::string unresolved;

  static CfnNode scalar(std::string s, bool quoted = true);
  bool isNull() const { return type == Type::Null; }
  bool isScalar() const { return type == Type::Scalar; }
  bool isList() const { return type == Type::List; }
  bool isMap() const { return type == Type::Map; }
  // A map's value for `key`, or null.
  const CfnNode* get(std::string_view key) const;
};

// A map's entry. A struct rather than a std::pair: clang's standard library
// checks a pair's members for completeness too early for a recursive type.
struct CfnField {
  std::string key;
  CfnNode value;
};

inline CfnNode CfnNode::scalar(std::string s, bool quoted) {
  CfnNode n;
  n.type = Type::Scalar;
  n.text = std::move(s);
  n.quoted = quoted;
  return n;
}

inline const CfnNode* CfnNode::get(std::string_view key) const {
  if (type != Type::Map) return nullptr;
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

// Parses YAML text (CloudFormation's short forms `!Ref X`, `!GetAtt A.B`,
// `!Sub ...` become their long forms). Errors carry "name:line:col".
Result<CfnNode> parseYaml(std::string_view text, const std::string& name);

// Parses JSON text into the same tree (simdjson's DOM).
Result<CfnNode> parseJsonTree(std::string_view text, const std::string& name);

// A file read as YAML: .yaml, .yml or .template.
bool hasYamlExtension(std::string_view name);

// Whether a parsed document is a CloudFormation template: a map with a
// `Resources` map whose entries have a `Type`.
bool isCloudFormation(const CfnNode& root);

// The template's network resources as a Ward JSON facts text (the logical
// ids are the entities' ids). Intrinsic functions are resolved where the
// template alone decides them; `warnings` gets what could not be.
Result<std::string> cloudFormationToWardJson(const CfnNode& root, const std::string& name, Diagnostics& warnings);

// Whether a parsed document is a Terraform plan (`terraform show -json`): a
// map with a `planned_values` map.
bool isTerraformPlan(const CfnNode& root);

// The plan's network resources as a Ward JSON facts text (terraform.cpp): a
// resource's id is its known `id`, else its address; references to resources
// whose ids are known only after apply are resolved through the plan's
// configuration. `warnings` gets the values a fact needs that stay unknown.
Result<std::string> terraformPlanToWardJson(const CfnNode& root, const std::string& name, Diagnostics& warnings);

}  // namespace ward::load
