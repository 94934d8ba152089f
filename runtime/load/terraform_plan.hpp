// Internal: the Terraform plan reader's types, shared by terraform.cpp (the
// plan, its configuration and references) and terraform_facts.cpp (the facts
// each resource becomes).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/load/cfn_tree.hpp"
#include "runtime/load/iac_common.hpp"

namespace ward::load::tf {


using iac::Addresses;
using iac::Facts;
using iac::listField;
using iac::lower;
using iac::optField;
using iac::shortService;
using iac::toInt;
using iac::trafficOf;

// How deep references may chain (a variable passed down three modules, an
// attribute read from a resource that reads another): far more than real
// configurations need, and a bound on cycles.
inline constexpr int kMaxRefDepth = 24;

// "module.net[0].module.sub[\"a\"]" -> "module.net.module.sub": the
// configuration knows modules and resources without their instance keys.
inline std::string stripKeys(const std::string& address) {
  std::string out;
  bool inKey = false, inString = false;
  for (size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
    } else if (inKey) {
      if (c == '"') inString = true;
      else if (c == ']') inKey = false;
    } else if (c == '[') {
      inKey = true;
    } else {
      out += c;
    }
  }
  return out;
}

inline std::string join(const std::string& scope, const std::string& rest) { return scope.empty() ? rest : scope + "." + rest; }

// One resource instance of the plan.
struct Inst {
  std::string address, type, module, configKey, key;  // key: "0" or "\"a\"", "" without count/for_each
  const CfnNode* values = nullptr;
  const CfnNode* unknown = nullptr;  // its change's after_unknown
  const CfnNode* config = nullptr;   // its configuration's expressions
  std::optional<std::string> id;     // computed on first use
  bool computing = false;
};

// A value seen three ways: as planned (known values), as unknown until
// apply, and as configured (expressions with their references). A nested
// block is a View too; a block whose whole set is unknown has only `config`.
struct View {
  const CfnNode* values = nullptr;
  const CfnNode* unknown = nullptr;
  const CfnNode* config = nullptr;
  Inst* inst = nullptr;
  std::string path;  // for warnings: "aws_route_table.private route[0]"
};

// A reference of an expression, parsed: `aws_subnet.private[0].id` is a
// resource reference with key "0" and attribute "id".
struct Ref {
  enum class Kind { Resource, Var, Module, Other } kind = Kind::Other;
  std::string base, key, attr;  // base: "aws_subnet.private", "vpc_id" (var), "net" (module)
  bool keyed = false;
};

// Reads one traversal step: a name up to '.' or '[', then an optional key.
inline size_t readStep(const std::string& s, size_t i, std::string& name, std::string& key, bool& keyed) {
  const size_t end = s.find_first_of(".[", i);
  name = s.substr(i, end == std::string::npos ? std::string::npos : end - i);
  i = end == std::string::npos ? s.size() : end;
  if (i < s.size() && s[i] == '[') {
    bool inString = false;
    size_t j = i + 1;
    for (; j < s.size(); ++j) {
      if (inString && s[j] == '\\') ++j;
      else if (s[j] == '"') inString = !inString;
      else if (!inString && s[j] == ']') break;
    }
    key = s.substr(i + 1, j - i - 1);
    keyed = true;
    i = std::min(j + 1, s.size());
  }
  if (i < s.size() && s[i] == '.') ++i;
  return i;
}

inline Ref parseRef(const std::string& s) {
  Ref r;
  std::string head, ignoredKey;
  bool ignored = false;
  size_t i = readStep(s, 0, head, ignoredKey, ignored);
  if (ignored) return r;
  std::string name;
  if (head == "var") {
    r.kind = Ref::Kind::Var;
    readStep(s, i, r.base, r.key, r.keyed);
  } else if (head == "module") {
    r.kind = Ref::Kind::Module;
    i = readStep(s, i, r.base, r.key, r.keyed);
    std::string k;
    bool kk = false;
    if (i < s.size()) readStep(s, i, r.attr, k, kk);
  } else if (head.find('_') != std::string::npos && head != "each" && head != "count" && head != "self") {
    // data.*, local.*, path.* have no '_' in their first step; resource types do.
    r.kind = Ref::Kind::Resource;
    i = readStep(s, i, name, r.key, r.keyed);
    if (name.empty()) return Ref{};
    r.base = head + "." + name;
    std::string k;
    bool kk = false;
    if (i < s.size()) readStep(s, i, r.attr, k, kk);
  }
  return r;
}

class Converter {
public:
  Converter(const CfnNode& root, const std::string& name, Diagnostics& warnings)
      : root_(root), name_(name), warnings_(warnings) {}

  Result<std::string> run();

private:
  // --- reading the plan ---
  void collectPlanned(const CfnNode& module, const std::string& where, int depth);
  void collectConfig(const CfnNode& module, const std::string& path, int depth);
  void warn(const std::string& message) {
    for (const Diagnostic& d : warnings_)
      if (d.message == message) return;
    warnings_.push_back(inputWarning(name_, message));
  }
  // A value unknown until apply that the configuration sets (a reference
  // that could not be followed) is worth a warning; one it leaves to AWS (a
  // gateway endpoint's subnets, a rule's computed fields) is not.
  void warnUnknown(const View& v, std::string_view key) {
    const bool configured = v.config ? v.config->get(key) != nullptr : !v.inst || !v.inst->config;
    if (!configured) return;
    warn(fmt::format("{}: {} is known only after apply; the value is left unset", v.path, key));
  }

  void warnShape(const View& v, std::string_view key, const char* expected) {
    warn(fmt::format("{}: {} is not {}; the value is left unset", v.path, key, expected));
  }

  const std::string& idOf(Inst& inst);
  View viewOf(Inst& inst) { return View{inst.values, inst.unknown, inst.config, &inst, inst.address}; }

  // The ids (or values) an expression names, in the module instance `scope`,
  // for an instance with key `key`. `many`: a list, so an unkeyed reference
  // to a counted resource means all its instances.
  std::vector<std::string> resolve(const CfnNode& expr, const std::string& scope, const std::string& key, bool many,
                                   int depth);
  std::vector<std::string> resolveResource(const Ref& ref, const std::vector<Ref>& group, const std::string& scope,
                                           const std::string& key, bool many, int depth);
  bool isUnknown(const View& v, std::string_view key) const {
    if (v.unknown && v.unknown->isScalar()) return v.unknown->text == "true";
    const CfnNode* u = v.unknown ? v.unknown->get(key) : nullptr;
    return u && u->isScalar() && u->text == "true";
  }

  // A single value: the planned one, else what its configuration refers to.
  std::optional<std::string> str(const View& v, std::string_view key, bool warnIfUnknown = true, int depth = 0);
  std::optional<bool> boolean(const View& v, std::string_view key) {
    auto s = str(v, key);
    if (s && (*s == "true" || *s == "false")) return *s == "true";
    return std::nullopt;
  }
  std::vector<std::string> list(const View& v, std::string_view key);
  std::vector<View> blocks(const View& v, std::string_view key);
  std::map<std::string, std::string> tags(const View& v);

  // --- writing the facts (terraform.cpp's second half) ---
  void emit(Inst& inst);
  void emitRoute(const std::string& table, const View& v, const std::string& id, bool standalone);
  void emitNaclEntry(const std::string& acl, const View& v, bool egress, const std::string& id, bool standalone);
  void emitSgRules(const std::string& group, const View& v, bool egress, const std::string& id, bool standalone);
  void sgRule(const std::string& group, bool egress, const std::string& traffic, const std::optional<std::string>& from,
              const std::optional<std::string>& to, const char* peerField, const std::string& peer,
              const std::string& id, const std::optional<std::string>& description);
  JsonWriter& add(const std::string& kind, const std::string& id) {
    JsonWriter& w = facts_.add(kind).field("id", id);
    if (region_) w.field("region", *region_);
    return w;
  }
  void tagsField(JsonWriter& w, const View& v) {
    auto t = tags(v);
    if (t.empty()) return;
    w.key("tags").beginObject();
    for (const auto& [k, value] : t) w.field(k, value);
    w.endObject();
  }
  void localRoute(const std::string& table, const std::optional<std::string>& vpc) {
    if (!vpc || !vpcCidr_.count(*vpc)) return;
    facts_.add("route").field("table", table).field("destination", vpcCidr_[*vpc]).field("target", "local")
        .field("target_kind", "local");
  }
  std::vector<std::string> plainSubnets(const std::string& vpc) {
    std::vector<std::string> out;
    for (const std::string& s : vpcSubnets_[vpc])
      if (!subnetsWithAcl_.count(s)) out.push_back(s);
    return out;
  }
  Inst* byId(const std::string& id) {
    auto it = byId_.find(id);
    return it == byId_.end() ? nullptr : it->second;
  }
  std::optional<std::string> subnetAttr(const std::string& subnet, const char* attr) {
    Inst* s = byId(subnet);
    if (!s || s->type != "aws_subnet") return std::nullopt;
    return str(viewOf(*s), attr, false);
  }

  const CfnNode& root_;
  const std::string& name_;
  Diagnostics& warnings_;
  std::deque<Inst> insts_;
  std::map<std::string, std::vector<Inst*>> byConfigKey_;
  std::map<std::string, Inst*> byId_;
  std::map<std::string, const CfnNode*> configResources_, moduleCalls_;
  std::optional<std::string> region_;
  Facts facts_;
  Addresses addresses_;
  unsigned natCount_ = 0, serviceCount_ = 0;
  // What associations and the VPCs' defaults add up to (read before writing).
  std::map<std::string, std::vector<std::string>> rtSubnets_, aclSubnets_, vpcSubnets_, epTables_, epSubnets_;
  std::map<std::string, std::string> vpcCidr_, igwVpc_;
  std::set<std::string> subnetsWithAcl_, managedDefaults_, replacedMain_, mainTables_;
  std::set<std::string> unmodelled_;
};

}  // namespace ward::load::tf
