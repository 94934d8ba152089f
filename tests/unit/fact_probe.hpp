// Test helpers for reading a loaded fact base by kind, id and attribute name,
// shared by the CloudFormation and Terraform loader tests.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/load/load.hpp"

namespace ward::probe {

inline std::string readFile(const std::string& path) {
  INFO("file: ", path);
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Loads one input text; fails the test with the first error otherwise.
inline std::shared_ptr<const FactBase> load(const std::string& text, const std::string& name) {
  auto facts = loadFactsFromJson(text, name);
  REQUIRE_MESSAGE(facts.has_value(), (facts ? std::string() : facts.error().front().message));
  return *facts;
}

inline Value attr(const FactBase& fb, const std::string& kind, const std::string& id, const std::string& name) {
  const Schema& s = fb.schema();
  auto k = s.findKind(kind);
  REQUIRE(k);
  auto i = fb.find(*k, id);
  INFO(kind, " ", id);
  REQUIRE(i);
  auto a = s.kind(*k).find(name);
  REQUIRE(a);
  return fb.get(*k, *i, *a);
}

// The attribute as text ("10.0.1.0/24", "[a, b]", "true").
inline std::string text(const FactBase& fb, const std::string& kind, const std::string& id, const std::string& name) {
  return fb.format(attr(fb, kind, id, name));
}

inline bool has(const FactBase& fb, const std::string& kind, const std::string& id) {
  return fb.find(*fb.schema().findKind(kind), id).has_value();
}

inline size_t count(const FactBase& fb, const std::string& kind) { return fb.count(*fb.schema().findKind(kind)); }

// A security group's rules, one line each: "in tcp 443 0.0.0.0/0", sorted.
inline std::vector<std::string> rulesOf(const FactBase& fb, const std::string& group) {
  const Schema& s = fb.schema();
  const KindId k = *s.findKind("sg_rule");
  const KindDef& def = s.kind(k);
  std::vector<std::string> out;
  for (EntityIndex i = 0; i < fb.count(k); ++i) {
    if (fb.format(fb.get(k, i, *def.find("group"))) != group) continue;
    const Value cidr = fb.get(k, i, *def.find("cidr"));
    const Value peer = cidr.isNull() ? fb.get(k, i, *def.find("source_group")) : cidr;
    out.push_back(fmt::format("{} {} {}", fb.format(fb.get(k, i, *def.find("egress"))) == "true" ? "out" : "in",
                              fb.format(fb.get(k, i, *def.find("traffic"))), fb.format(peer)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The routes of a table, one line each: "0.0.0.0/0 -> target", sorted.
inline std::vector<std::string> routesOf(const FactBase& fb, const std::string& table) {
  const Schema& s = fb.schema();
  const KindId k = *s.findKind("route");
  const KindDef& def = s.kind(k);
  std::vector<std::string> out;
  for (EntityIndex i = 0; i < fb.count(k); ++i) {
    if (fb.format(fb.get(k, i, *def.find("table"))) != table) continue;
    const Value dest = fb.get(k, i, *def.find("destination"));
    out.push_back(fmt::format("{} -> {}", fb.format(dest.isNull() ? fb.get(k, i, *def.find("prefix_list")) : dest),
                              fb.format(fb.get(k, i, *def.find("target")))));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every warning of the load, "where: message" a line.
inline std::string warnings(const FactBase& fb) {
  std::string out;
  for (const Diagnostic& d : fb.warnings()) out += d.where + ": " + d.message + "\n";
  return out;
}

}  // namespace ward::probe
