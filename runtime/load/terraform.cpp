// Terraform plans (`terraform show -json plan.out`) as facts: each network
// resource the plan would leave in place becomes its entity, with what AWS
// adds on its own, as Ward JSON text (docs/facts.md, "Terraform plans").
#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

#include "runtime/load/terraform_plan.hpp"

namespace ward::load {

bool isTerraformPlan(const CfnNode& root) {
  const CfnNode* planned = root.get("planned_values");
  return planned && planned->isMap();
}

namespace tf {

void Converter::collectPlanned(const CfnNode& module, const std::string& where, int depth) {
  if (depth > 64) return warn(where + ": modules nest too deeply; the deeper ones are left out");
  const CfnNode* addr = module.get("address");
  const std::string moduleAddr = addr && addr->isScalar() ? addr->text : "";
  if (const CfnNode* resources = module.get("resources")) {
    if (!resources->isList()) warn(where + "/resources is not a list; its resources are left out");
    for (size_t i = 0; resources->isList() && i < resources->items.size(); ++i) {
      const CfnNode& r = resources->items[i];
      const CfnNode* a = r.get("address");
      const CfnNode* type = r.get("type");
      const CfnNode* name = r.get("name");
      const CfnNode* mode = r.get("mode");
      if (!a || !a->isScalar() || !type || !type->isScalar() || !name || !name->isScalar()) {
        warn(fmt::format("{}/resources/{}: a resource without address, type and name; it is left out", where, i));
        continue;
      }
      if (mode && mode->isScalar() && mode->text != "managed") continue;  // data sources are read, not made
      Inst inst;
      inst.address = a->text;
      inst.type = type->text;
      inst.module = moduleAddr;
      inst.configKey = join(stripKeys(moduleAddr), inst.type + "." + name->text);
      if (const CfnNode* index = r.get("index"); index && index->isScalar())
        inst.key = index->quoted ? "\"" + index->text + "\"" : index->text;
      const CfnNode* values = r.get("values");
      inst.values = values && values->isMap() ? values : nullptr;
      if (!inst.values && values && !values->isNull())
        warn(fmt::format("{}: its values are not an object; only its configuration is read", inst.address));
      insts_.push_back(std::move(inst));
    }
  }
  if (const CfnNode* children = module.get("child_modules"); children && children->isList())
    for (size_t i = 0; i < children->items.size(); ++i)
      collectPlanned(children->items[i], fmt::format("{}/child_modules/{}", where, i), depth + 1);
}

void Converter::collectConfig(const CfnNode& module, const std::string& path, int depth) {
  if (depth > 64) return;
  if (const CfnNode* resources = module.get("resources"); resources && resources->isList())
    for (const CfnNode& r : resources->items)
      if (const CfnNode* a = r.get("address"); a && a->isScalar())
        if (const CfnNode* e = r.get("expressions"); e && e->isMap()) configResources_[join(path, a->text)] = e;
  if (const CfnNode* calls = module.get("module_calls"); calls && calls->isMap())
    for (const auto& [callName, call] : calls->fields) {
      const std::string child = join(path, "module." + callName);
      moduleCalls_[child] = &call;
      if (const CfnNode* m = call.get("module")) collectConfig(*m, child, depth + 1);
    }
}

const std::string& Converter::idOf(Inst& inst) {
  if (inst.id) return *inst.id;
  if (inst.computing) return inst.address;  // a default resource whose VPC refers back to it
  inst.computing = true;
  std::optional<std::string> id;
  const View v = viewOf(inst);
  // The default security group, network ACL and main route table of a VPC
  // are the ones synthesized for it: the resources that manage them take
  // those ids, which the VPC's attributes (default_network_acl_id, ...) name too.
  static const std::map<std::string, std::pair<const char*, const char*>> defaults{
      {"aws_default_security_group", {"", ".default_security_group"}},
      {"aws_default_network_acl", {"default_network_acl_id", ".default_network_acl"}},
      {"aws_default_route_table", {"default_route_table_id", ".main_route_table"}}};
  if (auto d = defaults.find(inst.type); d != defaults.end()) {
    const auto& [attr, suffix] = d->second;
    if (*attr) {
      const CfnNode* expr = inst.config ? inst.config->get(attr) : nullptr;
      auto r = expr ? resolve(*expr, inst.module, inst.key, false, 0) : std::vector<std::string>{};
      if (!r.empty() && r.front().ends_with(suffix)) id = r.front();
    }
    if (!id)
      if (auto vpc = str(v, "vpc_id", false)) id = *vpc + suffix;
  }
  const CfnNode* known = inst.values ? inst.values->get("id") : nullptr;
  if (!id && known && known->isScalar() && !known->text.empty()) id = known->text;
  inst.id = id.value_or(inst.address);
  inst.computing = false;
  return *inst.id;
}

std::vector<std::string> Converter::resolve(const CfnNode& expr, const std::string& scope, const std::string& key,
                                            bool many, int depth) {
  std::vector<std::string> out;
  if (depth > kMaxRefDepth || !expr.isMap()) return out;
  auto push = [&](const std::string& s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  if (const CfnNode* c = expr.get("constant_value")) {
    if (c->isScalar()) push(c->text);
    for (const CfnNode& item : c->items)
      if (item.isScalar()) push(item.text);
    return out;
  }
  const CfnNode* refs = expr.get("references");
  if (!refs || !refs->isList()) return out;
  // Terraform lists each reference with its prefixes ("aws_vpc.main.id",
  // "aws_vpc.main"): they are grouped by what they name, most specific first.
  std::vector<std::vector<Ref>> groups;
  for (const CfnNode& item : refs->items) {
    if (!item.isScalar()) continue;
    Ref r = parseRef(item.text);
    if (r.kind == Ref::Kind::Other) continue;
    auto g = std::find_if(groups.begin(), groups.end(),
                          [&](const std::vector<Ref>& gr) { return gr[0].kind == r.kind && gr[0].base == r.base; });
    if (g == groups.end()) groups.push_back({r});
    else g->push_back(r);
  }
  for (const std::vector<Ref>& group : groups) {
    const Ref& r = group[0];
    if (r.kind == Ref::Kind::Resource) {
      for (const std::string& s : resolveResource(r, group, scope, key, many, depth)) push(s);
    } else if (r.kind == Ref::Kind::Var) {
      if (scope.empty()) {
        // A root variable's value is in the plan.
        const CfnNode* vars = root_.get("variables");
        const CfnNode* var = vars ? vars->get(r.base) : nullptr;
        if (const CfnNode* value = var ? var->get("value") : nullptr) {
          CfnNode constant;
          constant.type = CfnNode::Type::Map;
          constant.fields.push_back({"constant_value", *value});
          for (const std::string& s : resolve(constant, scope, key, many, depth + 1)) push(s);
        }
        continue;
      }
      // A module's variable is what its call passes, read in the caller's scope.
      auto call = moduleCalls_.find(stripKeys(scope));
      const CfnNode* exprs = call == moduleCalls_.end() ? nullptr : call->second->get("expressions");
      const CfnNode* arg = exprs ? exprs->get(r.base) : nullptr;
      const size_t dot = scope.rfind(".module.");
      const std::string parent = dot == std::string::npos ? "" : scope.substr(0, dot);
      if (arg)
        for (const std::string& s : resolve(*arg, parent, key, many, depth + 1)) push(s);
    } else if (r.kind == Ref::Kind::Module) {
      // A module's output, read in the module's scope.
      std::string attr;
      for (const Ref& x : group)
        if (!x.attr.empty()) attr = x.attr;
      const std::string child = join(scope, "module." + r.base) + (r.keyed ? "[" + r.key + "]" : "");
      auto call = moduleCalls_.find(stripKeys(child));
      const CfnNode* m = call == moduleCalls_.end() ? nullptr : call->second->get("module");
      const CfnNode* outputs = m ? m->get("outputs") : nullptr;
      const CfnNode* output = outputs && !attr.empty() ? outputs->get(attr) : nullptr;
      if (const CfnNode* e = output ? output->get("expression") : nullptr)
        for (const std::string& s : resolve(*e, child, key, many, depth + 1)) push(s);
    }
  }
  return out;
}

std::vector<std::string> Converter::resolveResource(const Ref& ref, const std::vector<Ref>& group,
                                                    const std::string& scope, const std::string& key, bool many,
                                                    int depth) {
  std::vector<std::string> out;
  auto it = byConfigKey_.find(join(stripKeys(scope), ref.base));
  if (it == byConfigKey_.end()) return out;  // a resource the plan does not make (deleted, or count = 0)
  // The instances of this module instance, else of every instance of the module.
  std::vector<Inst*> candidates;
  for (Inst* i : it->second)
    if (i->module == scope) candidates.push_back(i);
  if (candidates.empty()) candidates = it->second;
  std::set<std::string> keys;
  std::string attr;
  for (const Ref& r : group) {
    if (r.keyed) keys.insert(r.key);
    if (attr.empty() && !r.attr.empty()) attr = r.attr;
  }
  std::vector<Inst*> chosen;
  if (!keys.empty()) {
    for (Inst* i : candidates)
      if (keys.count(i->key)) chosen.push_back(i);
  } else if (many) {
    chosen = candidates;
  } else {
    for (Inst* i : candidates)
      if (!key.empty() && i->key == key) chosen.push_back(i);
    if (chosen.empty() && candidates.size() == 1) chosen = candidates;
    if (chosen.empty())
      warn(fmt::format("{} has {} instances and the reference names none of them; the value is left unset",
                       ref.base, candidates.size()));
  }
  static const std::map<std::string, std::string> vpcDefaults{{"default_security_group_id", ".default_security_group"},
                                                              {"default_network_acl_id", ".default_network_acl"},
                                                              {"default_route_table_id", ".main_route_table"},
                                                              {"main_route_table_id", ".main_route_table"}};
  // Only ids are read through a reference: an expression that uses another
  // attribute (`"${aws_eip.nat.public_ip}/32"`, `cidrsubnet(...)`) may
  // compute something else from it, so it stays unknown.
  const bool isId = attr.empty() || attr == "id" || attr.ends_with("_id") || attr.ends_with("_ids");
  for (Inst* i : isId ? chosen : std::vector<Inst*>{}) {
    if (attr.empty() || attr == "id") {
      out.push_back(idOf(*i));
    } else if (auto d = vpcDefaults.find(attr); i->type == "aws_vpc" && d != vpcDefaults.end()) {
      out.push_back(idOf(*i) + d->second);
    } else if (auto s = str(viewOf(*i), attr, false, depth + 1)) {
      out.push_back(*s);
    }
  }
  return out;
}

std::optional<std::string> Converter::str(const View& v, std::string_view key, bool warnIfUnknown, int depth) {
  const CfnNode* value = v.values ? v.values->get(key) : nullptr;
  if (value && value->isScalar() && !value->text.empty()) return value->text;
  if (value && (value->isList() || value->isMap())) {
    warnShape(v, key, "a single value");
    return std::nullopt;
  }
  const CfnNode* expr = v.config ? v.config->get(key) : nullptr;
  if (expr && expr->isMap() && v.inst) {
    // A planned value that is known, even empty, is the value; only an
    // unknown (or, for a block known only by its configuration, absent) one
    // is looked for through the references.
    if (!value || value->isNull() || isUnknown(v, key)) {
      auto r = resolve(*expr, v.inst->module, v.inst->key, false, depth);
      if (!r.empty()) return r.front();
      if (!v.values && warnIfUnknown && expr->get("references")) warnUnknown(v, key);
    }
  }
  if (warnIfUnknown && isUnknown(v, key)) warnUnknown(v, key);
  return std::nullopt;
}

std::vector<std::string> Converter::list(const View& v, std::string_view key) {
  std::vector<std::string> out;
  const CfnNode* value = v.values ? v.values->get(key) : nullptr;
  const CfnNode* unknown = v.unknown && v.unknown->isMap() ? v.unknown->get(key) : nullptr;
  bool missing = isUnknown(v, key) || (!v.values && v.config && v.config->get(key));
  if (value && value->isScalar() && !value->text.empty()) out.push_back(value->text);
  if (value && value->isMap()) warnShape(v, key, "a list");
  if (value && value->isList())
    for (size_t i = 0; i < value->items.size(); ++i) {
      const CfnNode& item = value->items[i];
      if (item.isScalar() && !item.text.empty()) out.push_back(item.text);
      else if (unknown && unknown->isList() && i < unknown->items.size() && unknown->items[i].text == "true")
        missing = true;
    }
  if (unknown && unknown->isList())
    for (const CfnNode& u : unknown->items) missing = missing || u.text == "true";
  const CfnNode* expr = v.config ? v.config->get(key) : nullptr;
  if (missing && expr && v.inst) {
    auto r = resolve(*expr, v.inst->module, v.inst->key, true, 0);
    if (r.empty()) warnUnknown(v, key);
    for (std::string& s : r)
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  } else if (missing) {
    warnUnknown(v, key);
  }
  return out;
}

std::vector<View> Converter::blocks(const View& v, std::string_view key) {
  std::vector<View> out;
  const CfnNode* value = v.values ? v.values->get(key) : nullptr;
  const CfnNode* unknown = v.unknown && v.unknown->isMap() ? v.unknown->get(key) : nullptr;
  const CfnNode* config = v.config ? v.config->get(key) : nullptr;
  const bool configBlocks = config && config->isList();
  std::vector<bool> used(configBlocks ? config->items.size() : 0, false);
  // A set's planned order is not the configuration's: a block's
  // configuration is the unused one whose constants agree with its values.
  auto match = [&](const CfnNode& item, size_t i) -> const CfnNode* {
    if (!configBlocks) return nullptr;
    size_t best = used.size();
    int bestScore = -1;
    for (size_t c = 0; c < used.size(); ++c) {
      if (used[c] || !config->items[c].isMap()) continue;
      int score = 0;
      bool agree = true;
      for (const auto& [k, e] : config->items[c].fields) {
        const CfnNode* constant = e.get("constant_value");
        const CfnNode* planned = item.get(k);
        if (!constant || !constant->isScalar() || !planned || !planned->isScalar()) continue;
        if (constant->text == planned->text) ++score;
        else agree = false;
      }
      if (agree && (score > bestScore || (score == bestScore && c == i))) best = c, bestScore = score;
    }
    if (best == used.size()) return nullptr;
    used[best] = true;
    return &config->items[best];
  };
  if (value && value->isList()) {
    for (size_t i = 0; i < value->items.size(); ++i) {
      const CfnNode& item = value->items[i];
      if (!item.isMap()) {
        warnShape(v, fmt::format("{}[{}]", key, i), "a block (an object)");
        continue;
      }
      const CfnNode* u = unknown && unknown->isList() && i < unknown->items.size() ? &unknown->items[i] : nullptr;
      out.push_back(View{&item, u, match(item, i), v.inst, fmt::format("{} {}[{}]", v.path, key, i)});
    }
  } else if (configBlocks && (isUnknown(v, key) || !v.values)) {
    // The whole set is unknown until apply: its blocks as configured.
    for (size_t i = 0; i < config->items.size(); ++i)
      if (config->items[i].isMap())
        out.push_back(View{nullptr, nullptr, &config->items[i], v.inst, fmt::format("{} {}[{}]", v.path, key, i)});
  } else if (isUnknown(v, key)) {
    warnUnknown(v, key);
  } else if (value && !value->isNull() && !value->isList()) {
    warnShape(v, key, "a list of blocks");
  }
  return out;
}

std::map<std::string, std::string> Converter::tags(const View& v) {
  std::map<std::string, std::string> out;
  const CfnNode* t = v.values ? v.values->get("tags") : nullptr;
  if (t && t->isMap())
    for (const auto& [k, value] : t->fields)
      if (value.isScalar()) out[k] = value.text;
  return out;
}

Result<std::string> Converter::run() {
  if (const CfnNode* version = root_.get("format_version"); version && version->isScalar()) {
    const std::string major = version->text.substr(0, version->text.find('.'));
    if (major != "0" && major != "1")
      return fail(inputError(name_ + " at /format_version",
                             fmt::format("plan format version {} is not supported (Ward reads 0.x and 1.x)", version->text)));
  }
  if (const CfnNode* errored = root_.get("errored"); errored && errored->text == "true")
    warn("the plan is marked errored: Terraform could not finish it, so it may lack resources");
  const CfnNode* module = root_.get("planned_values")->get("root_module");
  if (!module || !module->isMap()) {
    if (module && !module->isNull())
      return fail(inputError(name_ + " at /planned_values/root_module", "expected an object"));
    warn("the plan has no planned_values.root_module: it plans no resources");
    return facts_.text();
  }
  collectPlanned(*module, "/planned_values/root_module", 0);
  const CfnNode* config = root_.get("configuration");
  if (const CfnNode* m = config ? config->get("root_module") : nullptr) collectConfig(*m, "", 0);
  // The region, when the provider configuration says it.
  const CfnNode* providers = config ? config->get("provider_config") : nullptr;
  const CfnNode* aws = providers ? providers->get("aws") : nullptr;
  const CfnNode* exprs = aws ? aws->get("expressions") : nullptr;
  if (const CfnNode* r = exprs ? exprs->get("region") : nullptr) {
    auto values = resolve(*r, "", "", false, 0);
    if (!values.empty()) region_ = values.front();
  }
  std::map<std::string, const CfnNode*> unknownByAddress;
  if (const CfnNode* changes = root_.get("resource_changes"); changes && changes->isList())
    for (const CfnNode& c : changes->items) {
      const CfnNode* a = c.get("address");
      const CfnNode* change = c.get("change");
      if (a && a->isScalar() && change) unknownByAddress[a->text] = change->get("after_unknown");
    }
  for (Inst& i : insts_) {
    if (auto u = unknownByAddress.find(i.address); u != unknownByAddress.end()) i.unknown = u->second;
    if (auto c = configResources_.find(i.configKey); c != configResources_.end()) i.config = c->second;
    byConfigKey_[i.configKey].push_back(&i);
  }
  for (Inst& i : insts_) byId_.emplace(idOf(i), &i);

  // What associations add up to, and which defaults the plan manages.
  for (Inst& i : insts_) {
    const View v = viewOf(i);
    const std::string& t = i.type;
    if (t == "aws_vpc") {
      if (auto c = str(v, "cidr_block")) vpcCidr_[idOf(i)] = *c;
    } else if (t == "aws_subnet") {
      if (auto vpc = str(v, "vpc_id")) vpcSubnets_[*vpc].push_back(idOf(i));
    } else if (t == "aws_route_table_association") {
      auto rt = str(v, "route_table_id"), subnet = str(v, "subnet_id");
      if (rt && subnet) rtSubnets_[*rt].push_back(*subnet);
    } else if (t == "aws_main_route_table_association") {
      auto rt = str(v, "route_table_id"), vpc = str(v, "vpc_id");
      if (rt && vpc) mainTables_.insert(*rt), replacedMain_.insert(*vpc + ".main_route_table");
    } else if (t == "aws_network_acl" || t == "aws_network_acl_association") {
      const std::string acl = t == "aws_network_acl" ? idOf(i) : str(v, "network_acl_id").value_or("");
      const std::vector<std::string> subnets = t == "aws_network_acl" ? list(v, "subnet_ids") : std::vector<std::string>{};
      auto one = t == "aws_network_acl" ? std::nullopt : str(v, "subnet_id");
      for (const std::string& s : one ? std::vector<std::string>{*one} : subnets)
        if (!acl.empty()) aclSubnets_[acl].push_back(s), subnetsWithAcl_.insert(s);
    } else if (t == "aws_internet_gateway_attachment") {
      auto igw = str(v, "internet_gateway_id"), vpc = str(v, "vpc_id");
      if (igw && vpc) igwVpc_[*igw] = *vpc;
    } else if (t == "aws_vpc_endpoint_route_table_association" || t == "aws_vpc_endpoint_subnet_association") {
      const bool table = t == "aws_vpc_endpoint_route_table_association";
      auto ep = str(v, "vpc_endpoint_id"), other = str(v, table ? "route_table_id" : "subnet_id");
      if (ep && other) (table ? epTables_ : epSubnets_)[*ep].push_back(*other);
    } else if (t.starts_with("aws_default_")) {
      managedDefaults_.insert(idOf(i));
    }
  }
  for (Inst& i : insts_) emit(i);
  if (!unmodelled_.empty()) {
    std::string types;
    for (const std::string& t : unmodelled_) types += (types.empty() ? "" : ", ") + t;
    warn("resources of these types are not modelled and were left out: " + types);
  }
  return facts_.text();
}

}  // namespace tf


Result<std::string> terraformPlanToWardJson(const CfnNode& root, const std::string& name, Diagnostics& warnings) {
  if (!isTerraformPlan(root)) return fail(inputError(name, "not a Terraform plan: it has no planned_values object"));
  tf::Converter converter(root, name, warnings);
  return converter.run();
}

}  // namespace ward::load
