// The facts each Terraform resource becomes (docs/facts.md, "Terraform
// plans"): the second half of the plan reader, after terraform.cpp has found
// the resources and resolved their references.
#include <algorithm>

#include <fmt/format.h>

#include "runtime/load/terraform_plan.hpp"

namespace ward::load::tf {

void Converter::emitRoute(const std::string& table, const View& v, const std::string& id, bool standalone) {
  JsonWriter& w = facts_.add("route");
  if (!id.empty()) w.field("id", id);
  w.field("table", table);
  if (auto d = str(v, standalone ? "destination_cidr_block" : "cidr_block")) w.field("destination", *d);
  else if (auto d6 = str(v, standalone ? "destination_ipv6_cidr_block" : "ipv6_cidr_block")) w.field("destination", *d6);
  optField(w, "prefix_list", str(v, "destination_prefix_list_id"));
  static const std::pair<const char*, const char*> targets[] = {
      {"gateway_id", ""}, {"nat_gateway_id", "nat_gateway"}, {"instance_id", "instance"},
      {"network_interface_id", "network_interface"}, {"vpc_peering_connection_id", "vpc_peering_connection"},
      {"transit_gateway_id", "transit_gateway"}, {"egress_only_gateway_id", "egress_only_internet_gateway"},
      {"vpc_endpoint_id", "vpc_endpoint"}};
  for (const auto& [attr, kind] : targets) {
    auto target = str(v, attr);
    if (!target) continue;
    w.field("target", *target);
    // A target made by this plan may have its address for an id, without
    // the prefix (igw-, nat-) the loader would read its kind from.
    std::string k = kind;
    Inst* ti = byId(*target);
    if (k.empty() && ti)
      k = ti->type == "aws_internet_gateway" ? "internet_gateway" : ti->type == "aws_vpn_gateway" ? "vpn_gateway" : "";
    if (!k.empty() && ti) w.field("target_kind", k).field(k, *target);
    return;
  }
}

void Converter::emitNaclEntry(const std::string& acl, const View& v, bool egress, const std::string& id, bool standalone) {
  JsonWriter& w = facts_.add("nacl_entry");
  if (!id.empty()) w.field("id", id);
  w.field("acl", acl);
  if (auto n = str(v, standalone ? "rule_number" : "rule_no")) {
    if (auto number = toInt(*n)) w.field("rule_number", *number);
  }
  w.field("egress", egress);
  if (auto a = str(v, standalone ? "rule_action" : "action")) w.field("action", lower(*a));
  const std::string traffic = trafficOf(str(v, "protocol").value_or("-1"), str(v, "from_port"), str(v, "to_port"));
  w.field("traffic", traffic);
  if (traffic == "icmp" || traffic == "icmpv6") {
    if (auto type = toInt(str(v, "icmp_type").value_or("")); type && *type >= 0) w.field("icmp_type", *type);
    if (auto code = toInt(str(v, "icmp_code").value_or("")); code && *code >= 0) w.field("icmp_code", *code);
  }
  if (auto c = str(v, "cidr_block")) w.field("cidr", *c);
  else if (auto c6 = str(v, "ipv6_cidr_block")) w.field("cidr", *c6);
}

void Converter::sgRule(const std::string& group, bool egress, const std::string& traffic,
                       const std::optional<std::string>& from, const std::optional<std::string>& to,
                       const char* peerField, const std::string& peer, const std::string& id,
                       const std::optional<std::string>& description) {
  JsonWriter& w = facts_.add("sg_rule");
  if (!id.empty()) w.field("id", id);
  w.field("group", group).field("egress", egress).field("traffic", traffic);
  if (traffic == "icmp" || traffic == "icmpv6") {
    if (auto type = from ? toInt(*from) : std::nullopt; type && *type >= 0) w.field("icmp_type", *type);
    if (auto code = to ? toInt(*to) : std::nullopt; code && *code >= 0) w.field("icmp_code", *code);
  }
  if (*peerField) w.field(peerField, peer);
  optField(w, "description", description);
}

// The rules of one inline block or rule resource: one sg_rule per peer (a
// block lists several CIDR blocks, groups and prefix lists).
void Converter::emitSgRules(const std::string& group, const View& v, bool egress, const std::string& id, bool standalone) {
  const bool vpcRule = v.inst && v.inst->type.starts_with("aws_vpc_security_group_");
  auto from = str(v, "from_port"), to = str(v, "to_port");
  const std::string traffic = trafficOf(str(v, vpcRule ? "ip_protocol" : "protocol").value_or("-1"), from, to);
  std::vector<std::pair<const char*, std::string>> peers;
  if (vpcRule) {
    if (auto c = str(v, "cidr_ipv4")) peers.emplace_back("cidr", *c);
    if (auto c = str(v, "cidr_ipv6")) peers.emplace_back("cidr", *c);
    if (auto g = str(v, "referenced_security_group_id")) peers.emplace_back("source_group", *g);
    if (auto p = str(v, "prefix_list_id")) peers.emplace_back("prefix_list", *p);
  } else {
    for (const std::string& c : list(v, "cidr_blocks")) peers.emplace_back("cidr", c);
    for (const std::string& c : list(v, "ipv6_cidr_blocks")) peers.emplace_back("cidr", c);
    for (const std::string& p : list(v, "prefix_list_ids")) peers.emplace_back("prefix_list", p);
    for (const std::string& g : list(v, standalone ? "source_security_group_id" : "security_groups"))
      peers.emplace_back("source_group", g);
    if (boolean(v, "self").value_or(false)) peers.emplace_back("source_group", group);
  }
  if (peers.empty()) warn(fmt::format("{}: a rule without a known peer (CIDR block, group or prefix list); it is left out", v.path));
  for (size_t n = 0; n < peers.size(); ++n)
    sgRule(group, egress, traffic, from, to, peers[n].first, peers[n].second,
           id.empty() || peers.size() == 1 ? id : fmt::format("{}/{}", id, n + 1), str(v, "description", false));
}

void Converter::emit(Inst& i) {
  const View v = viewOf(i);
  const std::string& t = i.type;
  const std::string& id = idOf(i);
  auto defaultSg = [](const std::string& vpc) { return vpc + ".default_security_group"; };
  if (t == "aws_vpc") {
    JsonWriter& w = add("vpc", id);
    optField(w, "cidr", str(v, "cidr_block"));
    tagsField(w, v);
    // What AWS makes with the VPC, unless an aws_default_* resource of the
    // plan manages it (then that resource says what it holds): the main
    // route table, the default network ACL and the default security group.
    const std::string main = id + ".main_route_table";
    if (!managedDefaults_.count(main)) {
      add("route_table", main).field("vpc", id).field("main", !replacedMain_.count(main));
      localRoute(main, id);
    }
    const std::string acl = id + ".default_network_acl";
    if (!managedDefaults_.count(acl)) {
      listField(add("network_acl", acl).field("vpc", id).field("is_default", true), "subnets", plainSubnets(id));
      for (bool egress : {false, true})
        facts_.add("nacl_entry").field("acl", acl).field("rule_number", 100).field("egress", egress)
            .field("action", "allow").field("traffic", "all").field("cidr", "0.0.0.0/0");
    }
    if (!managedDefaults_.count(defaultSg(id))) {
      add("security_group", defaultSg(id)).field("vpc", id).field("group_name", "default")
          .field("description", "default VPC security group");
      facts_.add("sg_rule").field("group", defaultSg(id)).field("egress", false).field("traffic", "all")
          .field("source_group", defaultSg(id));
      facts_.add("sg_rule").field("group", defaultSg(id)).field("egress", true).field("traffic", "all")
          .field("cidr", "0.0.0.0/0");
    }
  } else if (t == "aws_subnet") {
    JsonWriter& w = add("subnet", id);
    optField(w, "vpc", str(v, "vpc_id"));
    optField(w, "cidr", str(v, "cidr_block"));
    // AWS picks the zone when the configuration does not: no warning.
    optField(w, "az", str(v, "availability_zone", false));
    optField(w, "az_id", str(v, "availability_zone_id", false));
    optField(w, "map_public_ip", boolean(v, "map_public_ip_on_launch"));
    tagsField(w, v);
  } else if (t == "aws_internet_gateway") {
    JsonWriter& w = add("internet_gateway", id);
    auto vpc = str(v, "vpc_id", false);
    if (!vpc && igwVpc_.count(id)) vpc = igwVpc_[id];
    optField(w, "vpc", vpc);
    tagsField(w, v);
  } else if (t == "aws_internet_gateway_attachment") {
    // Read above, into the gateway's vpc; a gateway outside the plan gets it here.
    auto igw = str(v, "internet_gateway_id");
    if (igw && !byId(*igw)) optField(facts_.add("internet_gateway").field("id", *igw), "vpc", str(v, "vpc_id"));
  } else if (t == "aws_nat_gateway") {
    JsonWriter& w = add("nat_gateway", id);
    auto subnet = str(v, "subnet_id");
    optField(w, "subnet", subnet);
    if (subnet) optField(w, "vpc", subnetAttr(*subnet, "vpc_id"));
    const std::string connectivity = lower(str(v, "connectivity_type", false).value_or("public"));
    w.field("connectivity", connectivity);
    if (connectivity == "public") {
      // Its elastic IP's address when the plan knows it, else a stand-in
      // from 198.19.0.0/16 (RFC 2544's, never on the internet), so that the
      // internet gateway carries its traffic.
      std::optional<std::string> ip = str(v, "public_ip", false);
      Inst* eip = ip ? nullptr : byId(str(v, "allocation_id", false).value_or(""));
      if (eip) ip = str(viewOf(*eip), "public_ip", false);
      w.field("public_ip", ip.value_or(fmt::format("198.19.{}.{}", natCount_ / 250, natCount_ % 250 + 1)));
      ++natCount_;
    }
    tagsField(w, v);
    auto ip = str(v, "private_ip", false);
    if (!ip && subnet) ip = addresses_.next(*subnet, subnetAttr(*subnet, "cidr_block"));
    if (ip) {
      const std::string eni = id + ".network_interface";
      w.field("private_ip", *ip).field("network_interface", eni);
      JsonWriter& e = add("network_interface", eni).field("subnet", *subnet);
      optField(e, "vpc", subnetAttr(*subnet, "vpc_id"));
      listField(e, "private_ips", {*ip});
      e.field("interface_type", "nat_gateway").field("requester_managed", true).field("source_dest_check", false);
    }
  } else if (t == "aws_route_table" || t == "aws_default_route_table") {
    const bool isDefault = t == "aws_default_route_table";
    JsonWriter& w = add("route_table", id);
    auto vpc = isDefault && id.ends_with(".main_route_table") ? std::optional<std::string>(id.substr(0, id.size() - 17))
                                                              : str(v, "vpc_id", !isDefault);
    optField(w, "vpc", vpc);
    listField(w, "subnets", rtSubnets_[id]);
    if (isDefault || mainTables_.count(id)) w.field("main", !replacedMain_.count(id));
    tagsField(w, v);
    localRoute(id, vpc);
    for (const View& r : blocks(v, "route")) emitRoute(id, r, "", false);
  } else if (t == "aws_route") {
    if (auto table = str(v, "route_table_id")) emitRoute(*table, v, id, true);
  } else if (t == "aws_network_acl" || t == "aws_default_network_acl") {
    const bool isDefault = t == "aws_default_network_acl";
    JsonWriter& w = add("network_acl", id);
    auto vpc = isDefault && id.ends_with(".default_network_acl") ? std::optional<std::string>(id.substr(0, id.size() - 20))
                                                                 : str(v, "vpc_id", !isDefault);
    optField(w, "vpc", vpc);
    // The default ACL has every subnet of its VPC that no other ACL has.
    std::vector<std::string> subnets = aclSubnets_[id];
    if (isDefault && vpc)
      for (const std::string& s : plainSubnets(*vpc))
        if (std::find(subnets.begin(), subnets.end(), s) == subnets.end()) subnets.push_back(s);
    if (isDefault) w.field("is_default", true);
    listField(w, "subnets", subnets);
    tagsField(w, v);
    for (bool egress : {false, true})
      for (const View& e : blocks(v, egress ? "egress" : "ingress")) emitNaclEntry(id, e, egress, "", false);
  } else if (t == "aws_network_acl_rule") {
    if (auto acl = str(v, "network_acl_id")) emitNaclEntry(*acl, v, boolean(v, "egress").value_or(false), id, true);
  } else if (t == "aws_security_group" || t == "aws_default_security_group") {
    const bool isDefault = t == "aws_default_security_group";
    JsonWriter& w = add("security_group", id);
    optField(w, "vpc", isDefault && id.ends_with(".default_security_group") ? std::optional<std::string>(id.substr(0, id.size() - 23))
                                                                            : str(v, "vpc_id"));
    w.field("group_name", isDefault ? std::string("default") : str(v, "name", false).value_or(id));
    optField(w, "description", str(v, "description", false));
    tagsField(w, v);
    // Terraform removes the rule AWS gives every new group (all traffic
    // out): a group without egress blocks has no egress rule, unlike
    // CloudFormation's. Its default group keeps only the rules written.
    for (bool egress : {false, true})
      for (const View& r : blocks(v, egress ? "egress" : "ingress")) emitSgRules(id, r, egress, "", false);
  } else if (t == "aws_security_group_rule") {
    auto group = str(v, "security_group_id");
    const std::string type = str(v, "type").value_or("");
    if (group && (type == "ingress" || type == "egress")) emitSgRules(*group, v, type == "egress", id, true);
  } else if (t == "aws_vpc_security_group_ingress_rule" || t == "aws_vpc_security_group_egress_rule") {
    if (auto group = str(v, "security_group_id")) emitSgRules(*group, v, t.ends_with("egress_rule"), id, true);
  } else if (t == "aws_vpc_endpoint") {
    JsonWriter& w = add("vpc_endpoint", id);
    auto vpc = str(v, "vpc_id");
    optField(w, "vpc", vpc);
    auto serviceName = str(v, "service_name");
    const std::string service = serviceName ? shortService(*serviceName) : std::string();
    if (serviceName) w.field("service_name", *serviceName).field("service", service);
    const std::string type = lower(str(v, "vpc_endpoint_type", false).value_or("Gateway"));
    w.field("endpoint_type", type);
    std::vector<std::string> tables = list(v, "route_table_ids"), subnets = list(v, "subnet_ids");
    tables.insert(tables.end(), epTables_[id].begin(), epTables_[id].end());
    subnets.insert(subnets.end(), epSubnets_[id].begin(), epSubnets_[id].end());
    listField(w, "route_tables", tables);
    listField(w, "subnets", subnets);
    std::vector<std::string> groups = list(v, "security_group_ids");
    if (groups.empty() && type == "interface" && vpc) groups.push_back(defaultSg(*vpc));
    listField(w, "security_groups", groups);
    // An interface endpoint has one interface in each of its subnets.
    std::vector<std::string> interfaces;
    for (const std::string& subnet : subnets) {
      auto ip = type == "interface" ? addresses_.next(subnet, subnetAttr(subnet, "cidr_block")) : std::nullopt;
      if (!ip) continue;
      interfaces.push_back(id + ".network_interface." + subnet);
      JsonWriter& e = add("network_interface", interfaces.back()).field("subnet", subnet);
      optField(e, "vpc", vpc);
      listField(e, "private_ips", {*ip});
      listField(e, "security_groups", groups);
      e.field("interface_type", "vpc_endpoint").field("requester_managed", true);
    }
    listField(w, "network_interfaces", interfaces);
    w.field("private_dns", boolean(v, "private_dns_enabled").value_or(false));
    tagsField(w, v);
    if (type == "gateway" && serviceName) {
      // The service's prefix list (known for an endpoint that exists, else a
      // stand-in from 198.18.0.0/16, one block per service) and the route
      // AWS adds to each table.
      const std::string pl = str(v, "prefix_list_id", false).value_or("pl." + service);
      std::vector<std::string> cidrs = str(v, "prefix_list_id", false) ? list(v, "cidr_blocks") : std::vector<std::string>{};
      if (cidrs.empty()) cidrs.push_back(fmt::format("198.18.{}.0/24", serviceCount_++ % 256));
      listField(add("prefix_list", pl).field("prefix_list_name", *serviceName).field("service", service), "cidrs", cidrs);
      for (const std::string& table : tables)
        facts_.add("route").field("table", table).field("prefix_list", pl).field("target", id)
            .field("target_kind", "vpc_endpoint").field("vpc_endpoint", id);
    }
  } else if (t == "aws_vpc_peering_connection") {
    JsonWriter& w = add("vpc_peering_connection", id);
    auto requester = str(v, "vpc_id"), accepter = str(v, "peer_vpc_id");
    optField(w, "requester_vpc", requester);
    optField(w, "accepter_vpc", accepter);
    if (requester && vpcCidr_.count(*requester)) listField(w, "requester_cidrs", {vpcCidr_[*requester]});
    if (accepter && vpcCidr_.count(*accepter)) listField(w, "accepter_cidrs", {vpcCidr_[*accepter]});
    tagsField(w, v);
  } else if (t == "aws_flow_log") {
    JsonWriter& w = add("flow_log", id);
    auto vpc = str(v, "vpc_id", false), subnet = str(v, "subnet_id", false), eni = str(v, "eni_id", false);
    optField(w, "resource_id", vpc ? vpc : subnet ? subnet : eni);
    optField(w, "vpc", vpc);
    optField(w, "subnet", subnet);
    optField(w, "network_interface", eni);
    optField(w, "traffic_type", str(v, "traffic_type"));
    w.field("destination_type", str(v, "log_destination_type", false).value_or("cloud-watch-logs"));
    optField(w, "destination", str(v, "log_destination", false));
  } else if (t == "aws_sagemaker_domain") {
    JsonWriter& w = add("domain", id).field("status", "InService");
    optField(w, "domain_name", str(v, "domain_name"));
    optField(w, "vpc", str(v, "vpc_id"));
    listField(w, "subnets", list(v, "subnet_ids"));
    w.field("network_access", str(v, "app_network_access_type", false).value_or("PublicInternetOnly"));
    const std::vector<View> settings = blocks(v, "default_user_settings");
    listField(w, "security_groups", settings.empty() ? std::vector<std::string>{} : list(settings[0], "security_groups"));
    if (auto k = str(v, "kms_key_id", false)) listField(w, "kms_keys", {*k});
  } else if (t == "aws_sagemaker_notebook_instance") {
    JsonWriter& w = add("notebook_instance", id).field("status", "InService");
    optField(w, "subnet", str(v, "subnet_id"));
    listField(w, "security_groups", list(v, "security_groups"));
    w.field("direct_internet", lower(str(v, "direct_internet_access", false).value_or("Enabled")) == "enabled");
    optField(w, "instance_type", str(v, "instance_type"));
    if (auto k = str(v, "kms_key_id", false)) listField(w, "kms_keys", {*k});
  } else if (t == "aws_route_table_association" || t == "aws_main_route_table_association" ||
             t == "aws_network_acl_association" || t == "aws_vpc_endpoint_route_table_association" ||
             t == "aws_vpc_endpoint_subnet_association" || t == "aws_eip") {
    // Read above, into the tables', ACLs' and endpoints' lists; an elastic
    // IP is read through its NAT gateway.
  } else {
    static const char* const network[] = {"aws_vpc", "aws_subnet", "aws_route", "aws_network_", "aws_security_group",
                                          "aws_default_", "aws_nat", "aws_internet_gateway", "aws_egress_only",
                                          "aws_ec2_", "aws_instance", "aws_vpn_", "aws_customer_gateway", "aws_dx_",
                                          "aws_flow_log", "aws_eip_association", "aws_sagemaker_"};
    for (const char* prefix : network)
      if (t.starts_with(prefix)) {
        unmodelled_.insert(t);
        break;
      }
  }
}

}  // namespace ward::load::tf
