// CloudFormation templates (JSON or YAML) as facts: each network resource of
// the template becomes the entity AWS would create, under its logical id,
// with what AWS adds on its own (a VPC's main route table, default network ACL
// and default security group, local routes, a security group's default egress
// rule, the routes of gateway endpoints). The result is Ward JSON text, which
// the loader reads like any other (docs/facts.md, "CloudFormation templates").
#include <algorithm>
#include <cstdio>
#include <charconv>
#include <deque>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "runtime/load/cfn_tree.hpp"
#include "runtime/load/iac_common.hpp"

namespace ward::load {

bool isCloudFormation(const CfnNode& root) {
  const CfnNode* resources = root.get("Resources");
  if (!resources || !resources->isMap()) return false;
  return std::all_of(resources->fields.begin(), resources->fields.end(),
                     [](const CfnField& r) { return r.value.get("Type") != nullptr; });
}

namespace {

using iac::Addresses;
using iac::Facts;
using iac::listField;
using iac::lower;
using iac::optField;
using iac::shortService;
using iac::toInt;
using iac::trafficOf;

const CfnNode kNull;

// Resolves intrinsic functions against the template: parameters (their
// defaults), mappings, conditions, and the other resources (a resource's
// logical id stands for its physical id).
class Resolver {
public:
  Resolver(const CfnNode& root, const std::string& name, Diagnostics& warnings)
      : root_(root), name_(name), warnings_(warnings) {
    if (const CfnNode* r = root.get("Resources"))
      for (const auto& [id, res] : r->fields) resources_[id] = &res;
  }

  const CfnNode* resource(const std::string& id) const {
    auto it = resources_.find(id);
    return it == resources_.end() ? nullptr : it->second;
  }
  std::string typeOf(const std::string& id) const {
    const CfnNode* r = resource(id);
    const CfnNode* t = r ? r->get("Type") : nullptr;
    return t && t->isScalar() ? t->text : std::string();
  }

  // The value with every intrinsic function replaced by its result; what
  // cannot be known from the template is Null (with a warning at `where`).
  CfnNode resolve(const CfnNode& v, const std::string& where, int depth = 0) {
    if (depth > 64) return unknown(where, "intrinsic functions nest too deeply");
    if (v.isList()) {
      CfnNode out = v;
      out.items.clear();
      for (size_t i = 0; i < v.items.size(); ++i) {
        CfnNode item = resolve(v.items[i], fmt::format("{}/{}", where, i), depth + 1);
        if (!noValue_) out.items.push_back(std::move(item));
        noValue_ = false;
      }
      return out;
    }
    if (!v.isMap()) return v;
    if (v.fields.size() == 1) {
      const auto& [fn, arg] = v.fields[0];
      if (fn == "Ref" || fn == "Condition" || fn.rfind("Fn::", 0) == 0) return intrinsic(fn, arg, where, depth);
    }
    CfnNode out = v;
    out.fields.clear();
    for (const auto& [k, item] : v.fields) {
      CfnNode r = resolve(item, where + "/" + k, depth + 1);
      if (!noValue_) out.fields.push_back({k, std::move(r)});
      noValue_ = false;
    }
    return out;
  }

  // Whether the resource's `Condition` (if any) holds; unknown counts as true.
  bool included(const CfnNode& res, const std::string& where) {
    const CfnNode* c = res.get("Condition");
    if (!c || !c->isScalar()) return true;
    auto holds = condition(c->text, where + "/Condition", 0);
    return !holds || *holds;
  }

private:
  // Not known from the template: a Null that says why. The warning comes
  // only if a fact needs the value (Props), so an unresolved role ARN does
  // not speak up.
  CfnNode unknown(const std::string& where, const std::string& why) {
    CfnNode n;
    n.unresolved = fmt::format("{} (at {})", why, where);
    return n;
  }

  CfnNode intrinsic(const std::string& fn, const CfnNode& arg, const std::string& where, int depth) {
    const std::string at = where + "/" + fn;
    if (fn == "Ref") {
      if (!arg.isScalar()) return unknown(at, "Ref takes a name");
      return ref(arg.text, at, depth);
    }
    if (fn == "Fn::GetAtt") {
      std::string res, attr;
      if (arg.isList() && arg.items.size() == 2 && arg.items[0].isScalar()) {
        res = arg.items[0].text;
        CfnNode a = resolve(arg.items[1], at, depth + 1);
        attr = a.isScalar() ? a.text : "";
      } else if (arg.isScalar()) {
        const size_t dot = arg.text.find('.');
        res = arg.text.substr(0, dot);
        attr = dot == std::string::npos ? "" : arg.text.substr(dot + 1);
      }
      return getAtt(res, attr, at, depth);
    }
    if (fn == "Fn::Sub") return sub(arg, at, depth);
    if (fn == "Fn::Join") {
      if (!arg.isList() || arg.items.size() != 2 || !arg.items[0].isScalar())
        return unknown(at, "Fn::Join takes [delimiter, list]");
      CfnNode list = resolve(arg.items[1], at, depth + 1);
      if (!list.isList()) return unknown(at, "Fn::Join's list is not known");
      std::string out;
      for (size_t i = 0; i < list.items.size(); ++i) {
        if (!list.items[i].isScalar()) return unknown(at, "an element of Fn::Join's list is not known");
        out += (i ? arg.items[0].text : "") + list.items[i].text;
      }
      return CfnNode::scalar(out);
    }
    if (fn == "Fn::Select") {
      if (!arg.isList() || arg.items.size() != 2) return unknown(at, "Fn::Select takes [index, list]");
      CfnNode index = resolve(arg.items[0], at, depth + 1);
      CfnNode list = resolve(arg.items[1], at, depth + 1);
      size_t i = 0;
      if (!index.isScalar() || !list.isList()) return unknown(at, "Fn::Select's index or list is not known");
      auto parsed = toInt(index.text);
      if (!parsed || *parsed < 0) return unknown(at, "Fn::Select's index is not a number");
      i = static_cast<size_t>(*parsed);
      if (i >= list.items.size()) return unknown(at, "Fn::Select's index is past the end of its list");
      return list.items[i];
    }
    if (fn == "Fn::GetAZs") {
      // The template does not say its region: the zones are named after the
      // region's placeholder, in order ("${AWS::Region}a", ...), which keeps
      // subnets in different zones apart and those in the same zone together.
      CfnNode list;
      list.type = CfnNode::Type::List;
      for (char z = 'a'; z <= 'f'; ++z) list.items.push_back(CfnNode::scalar(std::string("${AWS::Region}") + z));
      return list;
    }
    if (fn == "Fn::Split") {
      if (!arg.isList() || arg.items.size() != 2 || !arg.items[0].isScalar())
        return unknown(at, "Fn::Split takes [delimiter, string]");
      CfnNode s = resolve(arg.items[1], at, depth + 1);
      if (!s.isScalar()) return unknown(at, "Fn::Split's string is not known");
      CfnNode list;
      list.type = CfnNode::Type::List;
      const std::string& d = arg.items[0].text;
      size_t start = 0;
      while (!d.empty()) {
        const size_t next = s.text.find(d, start);
        if (next == std::string::npos) break;
        list.items.push_back(CfnNode::scalar(s.text.substr(start, next - start)));
        start = next + d.size();
      }
      list.items.push_back(CfnNode::scalar(s.text.substr(start)));
      return list;
    }
    if (fn == "Fn::FindInMap") {
      if (!arg.isList() || arg.items.size() < 3) return unknown(at, "Fn::FindInMap takes [map, key, key]");
      const CfnNode* node = root_.get("Mappings");
      for (size_t i = 0; i < 3 && node; ++i) {
        CfnNode key = resolve(arg.items[i], at, depth + 1);
        node = key.isScalar() ? node->get(key.text) : nullptr;
      }
      if (!node) return unknown(at, "Fn::FindInMap names no entry of the template's Mappings");
      return resolve(*node, at, depth + 1);
    }
    if (fn == "Fn::If") {
      if (!arg.isList() || arg.items.size() != 3 || !arg.items[0].isScalar())
        return unknown(at, "Fn::If takes [condition, then, else]");
      auto holds = condition(arg.items[0].text, at, depth + 1);
      if (!holds) return unknown(at, fmt::format("condition '{}' depends on what the template does not decide", arg.items[0].text));
      return resolve(arg.items[*holds ? 1 : 2], at, depth + 1);
    }
    if (fn == "Condition") {
      if (!arg.isScalar()) return unknown(at, "Condition takes a name");
      auto holds = condition(arg.text, at, depth + 1);
      if (!holds) return kNull;
      return CfnNode::scalar(*holds ? "true" : "false", false);
    }
    if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not") {
      auto holds = evaluate(fn, arg, at, depth + 1);
      if (!holds) return kNull;
      return CfnNode::scalar(*holds ? "true" : "false", false);
    }
    return unknown(at, fmt::format("{} cannot be resolved from the template alone", fn));
  }

  CfnNode ref(const std::string& name, const std::string& at, int depth) {
    if (name == "AWS::NoValue") {
      noValue_ = true;
      return kNull;
    }
    if (name == "AWS::Region" || name == "AWS::StackName" || name == "AWS::AccountId" || name == "AWS::StackId")
      return CfnNode::scalar("${" + name + "}");
    if (name == "AWS::Partition") return CfnNode::scalar("aws");
    if (name == "AWS::URLSuffix") return CfnNode::scalar("amazonaws.com");
    if (resources_.count(name)) return CfnNode::scalar(name);
    const CfnNode* params = root_.get("Parameters");
    if (const CfnNode* p = params ? params->get(name) : nullptr) {
      if (const CfnNode* d = p->get("Default")) {
        if (inProgress_.count(name)) return unknown(at, fmt::format("parameter '{}' depends on itself", name));
        inProgress_.insert(name);
        CfnNode value = resolve(*d, at, depth + 1);
        inProgress_.erase(name);
        return value;
      }
      return unknown(at, fmt::format("parameter '{}' has no Default", name));
    }
    return unknown(at, fmt::format("Ref '{}' names no parameter or resource of the template", name));
  }

  CfnNode getAtt(const std::string& res, const std::string& attr, const std::string& at, int depth) {
    const CfnNode* r = resource(res);
    if (!r) return unknown(at, fmt::format("Fn::GetAtt names '{}', which is no resource of the template", res));
    const std::string key = res + "." + attr;
    if (inProgress_.count(key)) return unknown(at, fmt::format("Fn::GetAtt {} depends on itself", key));
    struct Guard {
      std::set<std::string>& set;
      std::string key;
      ~Guard() { set.erase(key); }
    } guard{inProgress_, key};
    inProgress_.insert(key);
    // Attributes that are properties of the resource, and those that are its id.
    static const std::map<std::string, std::string> properties{{"CidrBlock", "CidrBlock"}};
    if (auto it = properties.find(attr); it != properties.end()) {
      const CfnNode* props = r->get("Properties");
      const CfnNode* p = props ? props->get(it->second) : nullptr;
      if (p) return resolve(*p, at, depth + 1);
    }
    if (attr == "GroupId" || attr == "Id" || attr == "SubnetId" || attr == "VpcId" || attr == "RouteTableId" ||
        attr == "NetworkAclId" || attr == "InternetGatewayId" || attr == "NatGatewayId")
      return CfnNode::scalar(res);
    return unknown(at, fmt::format("Fn::GetAtt {}.{} is known only once the stack exists", res, attr));
  }

  CfnNode sub(const CfnNode& arg, const std::string& at, int depth) {
    const CfnNode* text = &arg;
    std::map<std::string, CfnNode> vars;
    if (arg.isList()) {
      if (arg.items.empty() || !arg.items[0].isScalar()) return unknown(at, "Fn::Sub takes a string or [string, map]");
      text = &arg.items[0];
      if (arg.items.size() > 1 && arg.items[1].isMap())
        for (const auto& [k, v] : arg.items[1].fields) vars[k] = resolve(v, at + "/" + k, depth + 1);
    }
    if (!text->isScalar()) return unknown(at, "Fn::Sub takes a string");
    std::string out;
    const std::string& s = text->text;
    for (size_t i = 0; i < s.size();) {
      if (s.compare(i, 2, "${") != 0) {
        out += s[i++];
        continue;
      }
      const size_t close = s.find('}', i);
      if (close == std::string::npos) {
        out += s.substr(i);
        break;
      }
      const std::string var = s.substr(i + 2, close - i - 2);
      i = close + 1;
      if (!var.empty() && var[0] == '!') {  // ${!Literal} is the text ${Literal}
        out += "${" + var.substr(1) + "}";
        continue;
      }
      CfnNode value;
      if (auto it = vars.find(var); it != vars.end()) value = it->second;
      else if (var.find('.') != std::string::npos) value = getAtt(var.substr(0, var.find('.')), var.substr(var.find('.') + 1), at, depth);
      else value = ref(var, at, depth + 1);
      if (!value.isScalar()) return value.unresolved.empty() ? unknown(at, fmt::format("${{{}}} is not known", var)) : value;
      out += value.text;
    }
    return CfnNode::scalar(out);
  }

  std::optional<bool> condition(const std::string& name, const std::string& at, int depth) {
    if (auto it = conditions_.find(name); it != conditions_.end()) return it->second;
    const CfnNode* conds = root_.get("Conditions");
    const CfnNode* c = conds ? conds->get(name) : nullptr;
    if (!c || !c->isMap() || c->fields.size() != 1 || depth > 64) {
      warnings_.push_back(inputWarning(fmt::format("{} at {}", name_, at),
                                       fmt::format("condition '{}' is not defined in the template's Conditions", name)));
      return std::nullopt;
    }
    conditions_[name] = std::nullopt;  // a condition that refers to itself stays unknown
    auto holds = evaluate(c->fields[0].key, c->fields[0].value, "/Conditions/" + name, depth + 1);
    conditions_[name] = holds;
    return holds;
  }

  std::optional<bool> evaluate(const std::string& fn, const CfnNode& arg, const std::string& at, int depth) {
    if (fn == "Condition" && arg.isScalar()) return condition(arg.text, at, depth + 1);
    if (!arg.isList()) return std::nullopt;
    if (fn == "Fn::Equals" && arg.items.size() == 2) {
      CfnNode a = resolve(arg.items[0], at, depth + 1), b = resolve(arg.items[1], at, depth + 1);
      if (!a.isScalar() || !b.isScalar() || a.text.find("${AWS::") != std::string::npos ||
          b.text.find("${AWS::") != std::string::npos)
        return std::nullopt;
      return a.text == b.text;
    }
    std::vector<std::optional<bool>> parts;
    for (const CfnNode& item : arg.items) {
      if (item.isMap() && item.fields.size() == 1) parts.push_back(evaluate(item.fields[0].key, item.fields[0].value, at, depth + 1));
      else parts.push_back(std::nullopt);
    }
    if (fn == "Fn::Not" && parts.size() == 1) return parts[0] ? std::optional<bool>(!*parts[0]) : std::nullopt;
    const bool isAnd = fn == "Fn::And";
    if (!isAnd && fn != "Fn::Or") return std::nullopt;
    bool unknownPart = false;
    for (const auto& p : parts) {
      if (!p) unknownPart = true;
      else if (*p != isAnd) return !isAnd;  // a false in an And, a true in an Or decides
    }
    if (unknownPart) return std::nullopt;
    return isAnd;
  }

  const CfnNode& root_;
  const std::string& name_;
  Diagnostics& warnings_;
  std::map<std::string, const CfnNode*> resources_;
  std::map<std::string, std::optional<bool>> conditions_;
  std::set<std::string> inProgress_;  // GetAtts and parameters being resolved: a cycle is unknown
  bool noValue_ = false;
};

// Reading resolved properties, with a warning when one has the wrong shape.
class Props {
public:
  Props(const CfnNode& node, std::string where, const std::string& name, Diagnostics& warnings)
      : node_(node), where_(std::move(where)), name_(name), warnings_(warnings) {}

  std::optional<std::string> str(std::string_view key) const {
    const CfnNode* v = node_.get(key);
    if (v && !v->unresolved.empty()) warnUnresolved(*v);
    if (!v || v->isNull()) return std::nullopt;
    if (!v->isScalar()) {
      warn(key, "expected a single value");
      return std::nullopt;
    }
    return v->text;
  }
  std::optional<bool> boolean(std::string_view key) const {
    auto s = str(key);
    if (!s) return std::nullopt;
    const std::string l = lower(*s);
    if (l == "true") return true;
    if (l == "false") return false;
    warn(key, "expected true or false");
    return std::nullopt;
  }
  std::vector<std::string> list(std::string_view key) const {
    std::vector<std::string> out;
    const CfnNode* v = node_.get(key);
    if (v && !v->unresolved.empty()) warnUnresolved(*v);
    if (!v || v->isNull()) return out;
    if (v->isScalar()) return {v->text};
    if (!v->isList()) {
      warn(key, "expected a list");
      return out;
    }
    for (const CfnNode& item : v->items) {
      if (item.isScalar()) out.push_back(item.text);
      else if (!item.unresolved.empty()) warnUnresolved(item);
    }
    return out;
  }
  const CfnNode* node(std::string_view key) const { return node_.get(key); }
  Props sub(std::string_view key) const {
    const CfnNode* v = node_.get(key);
    return Props(v ? *v : kNull, where_ + "/" + std::string(key), name_, warnings_);
  }
  void warnUnresolved(const CfnNode& v) const {
    // A value read twice (a VPC's block for the VPC and for its local routes) warns once.
    for (const Diagnostic& d : warnings_)
      if (d.message.starts_with(v.unresolved)) return;
    warnings_.push_back(inputWarning(name_, v.unresolved + "; the value is left unset"));
  }
  void warn(std::string_view key, const std::string& message) const {
    warnings_.push_back(inputWarning(fmt::format("{} at {}/{}", name_, where_, key), message + "; the value is left unset"));
  }

private:
  const CfnNode& node_;
  std::string where_;
  const std::string& name_;
  Diagnostics& warnings_;
};

void tagsField(JsonWriter& w, const Props& p) {
  const CfnNode* tags = p.node("Tags");
  if (!tags || !tags->isList()) return;
  w.key("tags").beginObject();
  for (const CfnNode& t : tags->items) {
    const CfnNode* k = t.get("Key");
    const CfnNode* v = t.get("Value");
    if (k && k->isScalar()) w.field(k->text, v && v->isScalar() ? v->text : std::string());
  }
  w.endObject();
}

}  // namespace

Result<std::string> cloudFormationToWardJson(const CfnNode& root, const std::string& name, Diagnostics& warnings) {
  Resolver resolver(root, name, warnings);
  const CfnNode* resources = root.get("Resources");
  // Each included resource's properties with the intrinsic functions resolved.
  struct Res {
    std::string id, type;
    CfnNode props;
    std::string where;
  };
  std::vector<Res> all;
  std::map<std::string, const Res*> byId;
  std::set<std::string> unmodelled;
  for (const auto& [id, res] : resources->fields) {
    const std::string where = "/Resources/" + id;
    const CfnNode* type = res.get("Type");
    if (!type || !type->isScalar()) return fail(inputError(fmt::format("{} at {}/Type", name, where), "a resource's Type must be a string"));
    if (!resolver.included(res, where)) continue;
    const CfnNode* props = res.get("Properties");
    all.push_back({id, type->text, props ? resolver.resolve(*props, where + "/Properties") : CfnNode{}, where + "/Properties"});
  }
  for (const Res& r : all) byId[r.id] = &r;
  auto propsOf = [&](const Res& r) { return Props(r.props, r.where, name, warnings); };
  auto typeOf = [&](const std::string& id) { return byId.count(id) ? byId.at(id)->type : std::string(); };
  auto cidrOfSubnet = [&](const std::string& subnet) -> std::optional<std::string> {
    if (typeOf(subnet) != "AWS::EC2::Subnet") return std::nullopt;
    return propsOf(*byId.at(subnet)).str("CidrBlock");
  };
  Addresses addresses;
  unsigned natCount = 0, serviceCount = 0;
  auto vpcOfSubnet = [&](const std::string& subnet) -> std::optional<std::string> {
    if (typeOf(subnet) != "AWS::EC2::Subnet") return std::nullopt;
    return propsOf(*byId.at(subnet)).str("VpcId");
  };

  Facts facts;
  // What AWS creates with every VPC, and what associations add up to.
  std::map<std::string, std::vector<std::string>> rtSubnets, aclSubnets, vpcSubnets;
  std::map<std::string, std::optional<std::string>> vpcCidr, rtVpc;
  std::set<std::string> subnetsWithAcl;
  for (const Res& r : all) {
    const Props p = propsOf(r);
    if (r.type == "AWS::EC2::VPC") vpcCidr[r.id] = p.str("CidrBlock");
    if (r.type == "AWS::EC2::Subnet")
      if (auto v = p.str("VpcId")) vpcSubnets[*v].push_back(r.id);
    if (r.type == "AWS::EC2::RouteTable") rtVpc[r.id] = p.str("VpcId");
    if (r.type == "AWS::EC2::SubnetRouteTableAssociation") {
      auto rt = p.str("RouteTableId"), subnet = p.str("SubnetId");
      if (rt && subnet) rtSubnets[*rt].push_back(*subnet);
    }
    if (r.type == "AWS::EC2::SubnetNetworkAclAssociation") {
      auto acl = p.str("NetworkAclId"), subnet = p.str("SubnetId");
      if (acl && subnet) {
        aclSubnets[*acl].push_back(*subnet);
        subnetsWithAcl.insert(*subnet);
      }
    }
  }
  auto localRoute = [&](const std::string& table, const std::optional<std::string>& vpc) {
    if (!vpc || !vpcCidr.count(*vpc) || !vpcCidr[*vpc]) return;
    facts.add("route").field("table", table).field("destination", *vpcCidr[*vpc]).field("target", "local").field("target_kind", "local");
  };
  auto defaultSg = [](const std::string& vpc) { return vpc + ".default_security_group"; };
  auto sgRule = [&](const std::string& group, bool egress, const Props& rule, const std::string& id) {
    JsonWriter& w = facts.add("sg_rule");
    if (!id.empty()) w.field("id", id);
    w.field("group", group).field("egress", egress);
    auto from = rule.str("FromPort"), to = rule.str("ToPort");
    const std::string traffic = trafficOf(rule.str("IpProtocol").value_or("-1"), from, to);
    w.field("traffic", traffic);
    if (traffic == "icmp" || traffic == "icmpv6") {
      if (auto type = from ? toInt(*from) : std::nullopt; type && *type >= 0) w.field("icmp_type", *type);
      if (auto code = to ? toInt(*to) : std::nullopt; code && *code >= 0) w.field("icmp_code", *code);
    }
    if (auto c = rule.str("CidrIp")) w.field("cidr", *c);
    else if (auto c6 = rule.str("CidrIpv6")) w.field("cidr", *c6);
    if (auto g = rule.str(egress ? "DestinationSecurityGroupId" : "SourceSecurityGroupId")) w.field("source_group", *g);
    if (auto pl = rule.str(egress ? "DestinationPrefixListId" : "SourcePrefixListId")) w.field("prefix_list", *pl);
    optField(w, "description", rule.str("Description"));
  };

  for (const Res& r : all) {
    const Props p = propsOf(r);
    const std::string& t = r.type;
    if (t == "AWS::EC2::VPC") {
      JsonWriter& w = facts.add("vpc").field("id", r.id);
      optField(w, "cidr", p.str("CidrBlock"));
      tagsField(w, p);
      // What AWS makes with the VPC: the main route table (the local route
      // only), the default network ACL (every subnet without another one;
      // all traffic allowed both ways) and the default security group.
      facts.add("route_table").field("id", r.id + ".main_route_table").field("vpc", r.id).field("main", true);
      localRoute(r.id + ".main_route_table", r.id);
      std::vector<std::string> plain;
      for (const std::string& s : vpcSubnets[r.id])
        if (!subnetsWithAcl.count(s)) plain.push_back(s);
      const std::string acl = r.id + ".default_network_acl";
      JsonWriter& a = facts.add("network_acl").field("id", acl).field("vpc", r.id).field("is_default", true);
      listField(a, "subnets", plain);
      for (bool egress : {false, true})
        facts.add("nacl_entry").field("acl", acl).field("rule_number", 100).field("egress", egress)
            .field("action", "allow").field("traffic", "all").field("cidr", "0.0.0.0/0");
      facts.add("security_group").field("id", defaultSg(r.id)).field("vpc", r.id).field("group_name", "default")
          .field("description", "default VPC security group");
      facts.add("sg_rule").field("group", defaultSg(r.id)).field("egress", false).field("traffic", "all")
          .field("source_group", defaultSg(r.id));
      facts.add("sg_rule").field("group", defaultSg(r.id)).field("egress", true).field("traffic", "all")
          .field("cidr", "0.0.0.0/0");
    } else if (t == "AWS::EC2::Subnet") {
      JsonWriter& w = facts.add("subnet").field("id", r.id);
      optField(w, "vpc", p.str("VpcId"));
      optField(w, "cidr", p.str("CidrBlock"));
      optField(w, "az", p.str("AvailabilityZone"));
      optField(w, "az_id", p.str("AvailabilityZoneId"));
      optField(w, "map_public_ip", p.boolean("MapPublicIpOnLaunch"));
      tagsField(w, p);
    } else if (t == "AWS::EC2::InternetGateway") {
      tagsField(facts.add("internet_gateway").field("id", r.id), p);
    } else if (t == "AWS::EC2::VPCGatewayAttachment") {
      if (auto igw = p.str("InternetGatewayId")) {
        JsonWriter& w = facts.add("internet_gateway").field("id", *igw);
        optField(w, "vpc", p.str("VpcId"));
      }
    } else if (t == "AWS::EC2::NatGateway") {
      JsonWriter& w = facts.add("nat_gateway").field("id", r.id);
      auto subnet = p.str("SubnetId");
      optField(w, "subnet", subnet);
      if (subnet) optField(w, "vpc", vpcOfSubnet(*subnet));
      const std::string connectivity = lower(p.str("ConnectivityType").value_or("public"));
      w.field("connectivity", connectivity);
      // A public NAT gateway always has an elastic IP, which the template
      // cannot know: a stand-in from 198.19.0.0/16 (RFC 2544's block, never
      // on the internet) lets the internet gateway carry its traffic.
      if (connectivity == "public") w.field("public_ip", fmt::format("198.19.{}.{}", natCount / 250, natCount % 250 + 1));
      ++natCount;
      tagsField(w, p);
      // Its interface, with the subnet's next free address (the template
      // cannot say which one AWS will pick; any one of the block behaves alike).
      if (auto ip = subnet ? addresses.next(*subnet, cidrOfSubnet(*subnet)) : std::nullopt) {
        const std::string eni = r.id + ".network_interface";
        w.field("private_ip", *ip).field("network_interface", eni);
        JsonWriter& e = facts.add("network_interface").field("id", eni).field("subnet", *subnet);
        optField(e, "vpc", vpcOfSubnet(*subnet));
        listField(e, "private_ips", {*ip});
        e.field("interface_type", "nat_gateway").field("requester_managed", true).field("source_dest_check", false);
      }
    } else if (t == "AWS::EC2::RouteTable") {
      JsonWriter& w = facts.add("route_table").field("id", r.id);
      optField(w, "vpc", p.str("VpcId"));
      listField(w, "subnets", rtSubnets[r.id]);
      tagsField(w, p);
      localRoute(r.id, rtVpc[r.id]);
    } else if (t == "AWS::EC2::Route") {
      JsonWriter& w = facts.add("route").field("id", r.id);
      optField(w, "table", p.str("RouteTableId"));
      if (auto d = p.str("DestinationCidrBlock")) w.field("destination", *d);
      else if (auto d6 = p.str("DestinationIpv6CidrBlock")) w.field("destination", *d6);
      optField(w, "prefix_list", p.str("DestinationPrefixListId"));
      static const std::pair<const char*, const char*> targets[] = {
          {"GatewayId", ""}, {"NatGatewayId", "nat_gateway"}, {"InstanceId", "instance"},
          {"NetworkInterfaceId", "network_interface"}, {"VpcPeeringConnectionId", "vpc_peering_connection"},
          {"TransitGatewayId", "transit_gateway"}, {"EgressOnlyInternetGatewayId", "egress_only_internet_gateway"},
          {"VpcEndpointId", "vpc_endpoint"}};
      for (const auto& [prop, kind] : targets) {
        auto target = p.str(prop);
        if (!target) continue;
        w.field("target", *target);
        // A target in the template has a logical id without the prefix
        // (igw-, nat-) that the loader would read its kind from.
        std::string k = kind;
        if (k.empty()) {
          const std::string tt = typeOf(*target);
          k = tt == "AWS::EC2::InternetGateway" ? "internet_gateway" : tt == "AWS::EC2::VPNGateway" ? "vpn_gateway" : "";
        }
        if (!k.empty() && byId.count(*target)) w.field("target_kind", k).field(k, *target);
        break;
      }
    } else if (t == "AWS::EC2::NetworkAcl") {
      JsonWriter& w = facts.add("network_acl").field("id", r.id);
      optField(w, "vpc", p.str("VpcId"));
      listField(w, "subnets", aclSubnets[r.id]);
      tagsField(w, p);
    } else if (t == "AWS::EC2::NetworkAclEntry") {
      JsonWriter& w = facts.add("nacl_entry").field("id", r.id);
      optField(w, "acl", p.str("NetworkAclId"));
      if (auto n = p.str("RuleNumber")) {
        if (auto number = toInt(*n)) w.field("rule_number", *number);
        else p.warn("RuleNumber", "expected a number");
      }
      w.field("egress", p.boolean("Egress").value_or(false));
      if (auto a = p.str("RuleAction")) w.field("action", lower(*a));
      const Props ports = p.sub("PortRange");
      const std::string traffic = trafficOf(p.str("Protocol").value_or("-1"), ports.str("From"), ports.str("To"));
      w.field("traffic", traffic);
      if (auto c = p.str("CidrBlock")) w.field("cidr", *c);
      else if (auto c6 = p.str("Ipv6CidrBlock")) w.field("cidr", *c6);
    } else if (t == "AWS::EC2::SecurityGroup") {
      JsonWriter& w = facts.add("security_group").field("id", r.id);
      optField(w, "vpc", p.str("VpcId"));
      w.field("group_name", p.str("GroupName").value_or(r.id));
      optField(w, "description", p.str("GroupDescription"));
      tagsField(w, p);
      for (bool egress : {false, true}) {
        const char* key = egress ? "SecurityGroupEgress" : "SecurityGroupIngress";
        const CfnNode* rules = p.node(key);
        if (rules && rules->isList())
          for (size_t i = 0; i < rules->items.size(); ++i)
            sgRule(r.id, egress, Props(rules->items[i], fmt::format("{}/{}/{}", r.where, key, i), name, warnings), "");
      }
      // Without SecurityGroupEgress the group keeps the rule AWS gives every
      // new group: all traffic out to anywhere.
      if (!p.node("SecurityGroupEgress"))
        facts.add("sg_rule").field("group", r.id).field("egress", true).field("traffic", "all").field("cidr", "0.0.0.0/0");
    } else if (t == "AWS::EC2::SecurityGroupIngress" || t == "AWS::EC2::SecurityGroupEgress") {
      if (auto g = p.str("GroupId")) sgRule(*g, t == "AWS::EC2::SecurityGroupEgress", p, r.id);
      else p.warn("GroupId", "a security group rule without its group");
    } else if (t == "AWS::EC2::VPCEndpoint") {
      JsonWriter& w = facts.add("vpc_endpoint").field("id", r.id);
      auto vpc = p.str("VpcId");
      optField(w, "vpc", vpc);
      auto serviceName = p.str("ServiceName");
      const std::string service = serviceName ? shortService(*serviceName) : std::string();
      if (serviceName) w.field("service_name", *serviceName).field("service", service);
      const std::string type = lower(p.str("VpcEndpointType").value_or("Gateway"));
      w.field("endpoint_type", type);
      const std::vector<std::string> tables = p.list("RouteTableIds");
      listField(w, "route_tables", tables);
      const std::vector<std::string> subnets = p.list("SubnetIds");
      listField(w, "subnets", subnets);
      std::vector<std::string> groups = p.list("SecurityGroupIds");
      if (groups.empty() && type == "interface" && vpc) groups.push_back(defaultSg(*vpc));
      listField(w, "security_groups", groups);
      // An interface endpoint has one interface in each of its subnets.
      std::vector<std::string> interfaces;
      for (const std::string& subnet : subnets) {
        auto ip = type == "interface" ? addresses.next(subnet, cidrOfSubnet(subnet)) : std::nullopt;
        if (!ip) continue;
        interfaces.push_back(r.id + ".network_interface." + subnet);
        JsonWriter& e = facts.add("network_interface").field("id", interfaces.back()).field("subnet", subnet);
        optField(e, "vpc", vpc);
        listField(e, "private_ips", {*ip});
        listField(e, "security_groups", groups);
        e.field("interface_type", "vpc_endpoint").field("requester_managed", true);
      }
      listField(w, "network_interfaces", interfaces);
      // CloudFormation's default for PrivateDnsEnabled is false.
      w.field("private_dns", p.boolean("PrivateDnsEnabled").value_or(false));
      if (type == "gateway" && serviceName) {
        // The service's prefix list, and the route AWS adds to each table.
        // Its addresses depend on the region, which the template does not
        // say: a stand-in block from 198.18.0.0/16 (RFC 2544's, never on the
        // internet), one per service, so that routes to the endpoint match.
        const std::string pl = "pl." + service;
        JsonWriter& list = facts.add("prefix_list").field("id", pl).field("prefix_list_name", *serviceName).field("service", service);
        listField(list, "cidrs", {fmt::format("198.18.{}.0/24", serviceCount++ % 256)});
        for (const std::string& table : tables)
          facts.add("route").field("table", table).field("prefix_list", pl).field("target", r.id)
              .field("target_kind", "vpc_endpoint").field("vpc_endpoint", r.id);
      }
    } else if (t == "AWS::EC2::VPCPeeringConnection") {
      JsonWriter& w = facts.add("vpc_peering_connection").field("id", r.id);
      auto requester = p.str("VpcId"), accepter = p.str("PeerVpcId");
      optField(w, "requester_vpc", requester);
      optField(w, "accepter_vpc", accepter);
      if (requester && vpcCidr.count(*requester) && vpcCidr[*requester]) listField(w, "requester_cidrs", {*vpcCidr[*requester]});
      if (accepter && vpcCidr.count(*accepter) && vpcCidr[*accepter]) listField(w, "accepter_cidrs", {*vpcCidr[*accepter]});
    } else if (t == "AWS::EC2::FlowLog") {
      JsonWriter& w = facts.add("flow_log").field("id", r.id);
      auto resource = p.str("ResourceId");
      optField(w, "resource_id", resource);
      const std::string rtype = lower(p.str("ResourceType").value_or(""));
      if (resource && rtype == "vpc") w.field("vpc", *resource);
      if (resource && rtype == "subnet") w.field("subnet", *resource);
      if (resource && rtype == "networkinterface") w.field("network_interface", *resource);
      optField(w, "traffic_type", p.str("TrafficType"));
      w.field("destination_type", p.str("LogDestinationType").value_or("cloud-watch-logs"));
      optField(w, "destination", p.str("LogDestination"));
    } else if (t == "AWS::SageMaker::Domain") {
      JsonWriter& w = facts.add("domain").field("id", r.id).field("status", "InService");
      optField(w, "domain_name", p.str("DomainName"));
      optField(w, "vpc", p.str("VpcId"));
      listField(w, "subnets", p.list("SubnetIds"));
      w.field("network_access", p.str("AppNetworkAccessType").value_or("PublicInternetOnly"));
      listField(w, "security_groups", p.sub("DefaultUserSettings").list("SecurityGroups"));
      if (auto k = p.str("KmsKeyId")) listField(w, "kms_keys", {*k});
    } else if (t == "AWS::SageMaker::NotebookInstance") {
      JsonWriter& w = facts.add("notebook_instance").field("id", r.id).field("status", "InService");
      optField(w, "subnet", p.str("SubnetId"));
      listField(w, "security_groups", p.list("SecurityGroupIds"));
      // DirectInternetAccess defaults to Enabled.
      w.field("direct_internet", lower(p.str("DirectInternetAccess").value_or("Enabled")) == "enabled");
      optField(w, "instance_type", p.str("InstanceType"));
      if (auto k = p.str("KmsKeyId")) listField(w, "kms_keys", {*k});
    } else if (t == "AWS::EC2::SubnetRouteTableAssociation" || t == "AWS::EC2::SubnetNetworkAclAssociation") {
      // Read above, into the tables' and ACLs' subnets.
    } else if ((t.rfind("AWS::EC2::", 0) == 0 || t.rfind("AWS::SageMaker::", 0) == 0) && t != "AWS::EC2::EIP") {
      unmodelled.insert(t);
    }
  }
  if (!unmodelled.empty()) {
    std::string types;
    for (const std::string& t : unmodelled) types += (types.empty() ? "" : ", ") + t;
    warnings.push_back(inputWarning(name, "resources of these types are not modelled and were left out: " + types));
  }
  return facts.text();
}

}  // namespace ward::load
