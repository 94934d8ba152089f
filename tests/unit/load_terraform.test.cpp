// Terraform plans as facts (runtime/load/terraform.cpp): a Studio-in-a-VPC
// plan and its failing twin, modules and counted resources, references
// through the configuration, what AWS adds, and errors and warnings.
#include <doctest/doctest.h>

#include <algorithm>

#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/net/why.hpp"
#include "tests/unit/fact_probe.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

using namespace ward;
using namespace ward::probe;

namespace {

std::string readPlan(const std::string& file) {
  return readFile(std::string(WARD_SOURCE_ROOT) + "/tests/data/terraform/" + file);
}

using V = std::vector<std::string>;
const std::string kVpc = "vpc-0a1b2c3d4e5f60718";

}  // namespace

TEST_CASE("terraform: the Studio plan becomes the estate it would leave") {
  auto fb = load(readPlan("studio-plan.json"), "plan.json");
  CHECK(count(*fb, "vpc") == 1);
  CHECK(count(*fb, "subnet") == 2);
  CHECK(count(*fb, "nat_gateway") == 1);
  CHECK(count(*fb, "vpc_endpoint") == 4);
  CHECK(count(*fb, "domain") == 1);
  // Resources that exist keep their ids; new ones are named by their address.
  CHECK(text(*fb, "vpc", kVpc, "cidr") == "10.20.0.0/16");
  CHECK(text(*fb, "vpc", kVpc, "name") == "ml-vpc");
  CHECK(has(*fb, "subnet", "subnet-0f1e2d3c4b5a69788"));
  CHECK(text(*fb, "subnet", "aws_subnet.private", "vpc") == kVpc);
  CHECK(text(*fb, "subnet", "aws_subnet.private", "az") == "us-east-1b");
  CHECK(text(*fb, "internet_gateway", "igw-04a5b6c7d8e9f0a1b", "vpc") == kVpc);
  // The provider's region (a root variable) is every resource's region.
  CHECK(text(*fb, "subnet", "aws_subnet.private", "region") == "us-east-1");
  // Ids unknown until apply are read through the configuration's references.
  CHECK(text(*fb, "route_table", "aws_route_table.private", "subnets") == "[aws_subnet.private]");
  CHECK(routesOf(*fb, "aws_route_table.private") ==
        V{"0.0.0.0/0 -> aws_nat_gateway.main", "10.20.0.0/16 -> local", "pl.s3 -> aws_vpc_endpoint.s3"});
  CHECK(text(*fb, "route", "aws_route.private_nat", "target_kind") == "nat_gateway");
  CHECK(routesOf(*fb, "rtb-0c1d2e3f4a5b6c7d8") == V{"0.0.0.0/0 -> igw-04a5b6c7d8e9f0a1b", "10.20.0.0/16 -> local"});
  CHECK(text(*fb, "domain", "aws_sagemaker_domain.studio", "subnets") == "[aws_subnet.private]");
  CHECK(text(*fb, "domain", "aws_sagemaker_domain.studio", "security_groups") == "[aws_security_group.studio]");
  CHECK(text(*fb, "domain", "aws_sagemaker_domain.studio", "network_access") == "VpcOnly");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.sagemaker_api", "service") == "sagemaker.api");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.sagemaker_api", "service_name") == "com.amazonaws.us-east-1.sagemaker.api");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.ecr_api", "security_groups") == "[aws_security_group.endpoints]");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.ecr_api", "private_dns") == "true");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.s3", "route_tables") == "[aws_route_table.private]");
  // What AWS adds: the VPC's defaults, the endpoints' and NAT's interfaces.
  CHECK(text(*fb, "route_table", kVpc + ".main_route_table", "main") == "true");
  CHECK(text(*fb, "network_acl", kVpc + ".default_network_acl", "subnets") ==
        "[subnet-0f1e2d3c4b5a69788, aws_subnet.private]");
  CHECK(rulesOf(*fb, kVpc + ".default_security_group") ==
        V{"in all " + kVpc + ".default_security_group", "out all 0.0.0.0/0"});
  CHECK(text(*fb, "nat_gateway", "aws_nat_gateway.main", "private_ip") == "10.20.0.4");
  CHECK(text(*fb, "nat_gateway", "aws_nat_gateway.main", "public_ip") == "198.19.0.1");
  CHECK(text(*fb, "vpc_endpoint", "aws_vpc_endpoint.sagemaker_api", "network_interfaces") ==
        "[aws_vpc_endpoint.sagemaker_api.network_interface.aws_subnet.private]");
  CHECK(text(*fb, "network_interface", "aws_vpc_endpoint.ecr_dkr.network_interface.aws_subnet.private", "private_ips") ==
        "[10.20.10.6]");
  // Inline and standalone rules; a group without egress blocks has no egress
  // rule of its own (Terraform removes AWS's), only the standalone one.
  CHECK(rulesOf(*fb, "aws_security_group.studio") ==
        V{"in all aws_security_group.studio", "out all 0.0.0.0/0"});
  CHECK(text(*fb, "sg_rule", "aws_vpc_security_group_egress_rule.studio_all", "description") == "all out");
  CHECK(rulesOf(*fb, "aws_security_group.endpoints") ==
        V{"in tcp 443 10.20.0.0/16", "in tcp 443 aws_security_group.studio"});
  // A value unknown until apply that is not an id is a warning, named by address and attribute.
  const std::string w = warnings(*fb);
  CHECK(w.find("aws_vpc_security_group_ingress_rule.from_nat: cidr_ipv4 is known only after apply") != std::string::npos);
  CHECK(w.find("not modelled and were left out: aws_sagemaker_user_profile\n") != std::string::npos);
  CHECK(w.find("aws_iam_role") == std::string::npos);
  CHECK(w.find("subnet_ids") == std::string::npos);  // computed by AWS, not configured: no warning

  net::ReachEngine engine(*fb);
  auto why = net::diagnose(*fb, engine, "domain", "aws_sagemaker_domain.studio");
  REQUIRE(why);
  CHECK(why->allReachable());
}

TEST_CASE("terraform: without its NAT route and ECR API endpoint the plan's domain cannot reach ECR") {
  auto fb = load(readPlan("studio-plan-twin.json"), "twin.json");
  // Deleted resources are not in planned_values: they are gone.
  CHECK(count(*fb, "vpc_endpoint") == 3);
  CHECK_FALSE(has(*fb, "vpc_endpoint", "vpce-0123abcd4567ef890"));
  CHECK_FALSE(has(*fb, "route", "aws_route.private_nat"));
  CHECK(routesOf(*fb, "aws_route_table.private") == V{"10.20.0.0/16 -> local", "pl.s3 -> aws_vpc_endpoint.s3"});
  net::ReachEngine engine(*fb);
  auto why = net::diagnose(*fb, engine, "domain", "aws_sagemaker_domain.studio");
  REQUIRE(why);
  CHECK_FALSE(why->allReachable());
  const std::string out = net::renderWhyText(*why);
  CHECK(out.find("ecr.api: BLOCKED") != std::string::npos);
  CHECK(out.find("sagemaker.api: reachable") != std::string::npos);
  CHECK(out.find("s3: reachable") != std::string::npos);
}

TEST_CASE("terraform: modules, counted resources and managed defaults") {
  auto fb = load(readPlan("module-plan.json"), "modules.json");
  const std::string vpc = "module.net.aws_vpc.this";
  CHECK(text(*fb, "vpc", vpc, "cidr") == "10.40.0.0/16");
  CHECK(text(*fb, "vpc", vpc, "region") == "eu-west-1");
  // Instances are named with their index; an unkeyed reference from a
  // counted resource means the instance with the same index.
  CHECK(text(*fb, "subnet", "module.net.aws_subnet.private[1]", "vpc") == vpc);
  CHECK(text(*fb, "subnet", "module.net.aws_subnet.private[1]", "az") == "eu-west-1b");
  CHECK(text(*fb, "route_table", "module.net.aws_route_table.private[0]", "subnets") == "[module.net.aws_subnet.private[0]]");
  CHECK(text(*fb, "route_table", "module.net.aws_route_table.private[1]", "subnets") == "[module.net.aws_subnet.private[1]]");
  // A splat (`aws_subnet.private[*].id`) means every instance.
  CHECK(text(*fb, "network_acl", "module.net.aws_network_acl.private", "subnets") ==
        "[module.net.aws_subnet.private[0], module.net.aws_subnet.private[1]]");
  CHECK(text(*fb, "network_acl", vpc + ".default_network_acl", "subnets") == "[]");
  CHECK(text(*fb, "nacl_entry", "module.net.aws_network_acl.private:in:90", "traffic") == "tcp 22");
  CHECK(text(*fb, "nacl_entry", "module.net.aws_network_acl.private:in:90", "action") == "deny");
  CHECK(text(*fb, "nacl_entry", "module.net.aws_network_acl.private:in:100", "cidr") == "10.40.0.0/16");
  // aws_default_security_group manages the VPC's default group: its rules are
  // those written (none), under the default group's id.
  CHECK(text(*fb, "security_group", vpc + ".default_security_group", "group_name") == "default");
  CHECK(rulesOf(*fb, vpc + ".default_security_group").empty());
  CHECK(count(*fb, "security_group") == 2);
  // The root module reads the module's output; the group's only rule is its egress block.
  CHECK(text(*fb, "security_group", "aws_security_group.app", "vpc") == vpc);
  CHECK(rulesOf(*fb, "aws_security_group.app") == V{"out tcp 443 0.0.0.0/0"});
  CHECK(text(*fb, "vpc_peering_connection", "aws_vpc_peering_connection.shared", "requester_vpc") == vpc);
  CHECK(text(*fb, "vpc_peering_connection", "aws_vpc_peering_connection.shared", "requester_cidrs") == "[10.40.0.0/16]");
  CHECK(warnings(*fb).find("not modelled and were left out: aws_ec2_transit_gateway") != std::string::npos);
}

TEST_CASE("terraform: an ambiguous reference and a group without egress") {
  const char* plan = R"({
    "format_version": "1.2", "terraform_version": "1.8.0",
    "planned_values": {"root_module": {"resources": [
      {"address": "aws_vpc.a", "mode": "managed", "type": "aws_vpc", "name": "a", "values": {"cidr_block": "10.1.0.0/16"}},
      {"address": "aws_subnet.s[0]", "mode": "managed", "type": "aws_subnet", "name": "s", "index": 0,
       "values": {"cidr_block": "10.1.0.0/24"}},
      {"address": "aws_subnet.s[1]", "mode": "managed", "type": "aws_subnet", "name": "s", "index": 1,
       "values": {"cidr_block": "10.1.1.0/24"}},
      {"address": "aws_nat_gateway.n", "mode": "managed", "type": "aws_nat_gateway", "name": "n",
       "values": {"connectivity_type": "private"}},
      {"address": "aws_security_group.bare", "mode": "managed", "type": "aws_security_group", "name": "bare",
       "values": {"name": "bare", "ingress": [], "egress": []}},
      {"address": "data.aws_vpc.x", "mode": "data", "type": "aws_vpc", "name": "x", "values": {"id": "vpc-9"}}
    ]}},
    "resource_changes": [
      {"address": "aws_vpc.a", "change": {"actions": ["create"], "after_unknown": {"id": true}}},
      {"address": "aws_subnet.s[0]", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true}}},
      {"address": "aws_subnet.s[1]", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true}}},
      {"address": "aws_nat_gateway.n", "change": {"actions": ["create"], "after_unknown": {"id": true, "subnet_id": true}}},
      {"address": "aws_security_group.bare", "change": {"actions": ["create"], "after_unknown": {"id": true, "vpc_id": true}}}
    ],
    "configuration": {"root_module": {"resources": [
      {"address": "aws_subnet.s", "type": "aws_subnet", "name": "s",
       "expressions": {"vpc_id": {"references": ["aws_vpc.a.id", "aws_vpc.a"]}}},
      {"address": "aws_nat_gateway.n", "type": "aws_nat_gateway", "name": "n",
       "expressions": {"subnet_id": {"references": ["aws_subnet.s"]}}},
      {"address": "aws_security_group.bare", "type": "aws_security_group", "name": "bare",
       "expressions": {"vpc_id": {"references": ["data.aws_vpc.x.id", "data.aws_vpc.x"]}}}
    ]}}
  })";
  auto fb = load(plan, "small.json");
  CHECK(text(*fb, "subnet", "aws_subnet.s[0]", "vpc") == "aws_vpc.a");
  CHECK(text(*fb, "nat_gateway", "aws_nat_gateway.n", "connectivity") == "private");
  CHECK(attr(*fb, "nat_gateway", "aws_nat_gateway.n", "subnet").isNull());
  CHECK(attr(*fb, "nat_gateway", "aws_nat_gateway.n", "public_ip").isNull());
  CHECK(rulesOf(*fb, "aws_security_group.bare").empty());
  CHECK(attr(*fb, "vpc", "aws_vpc.a", "region").isNull());  // no provider region: unknown
  const std::string w = warnings(*fb);
  CHECK(w.find("aws_subnet.s has 2 instances and the reference names none of them") != std::string::npos);
  CHECK(w.find("aws_nat_gateway.n: subnet_id is known only after apply") != std::string::npos);
  // A data source's id unknown at plan time cannot be followed: a warning, not a guess.
  CHECK(w.find("aws_security_group.bare: vpc_id is known only after apply") != std::string::npos);
  CHECK_FALSE(has(*fb, "vpc", "vpc-9"));
}

TEST_CASE("terraform: errors and odd plans") {
  // A malformed plan is an error at its line and column.
  auto bad = loadFactsFromJson("{\"format_version\": \"1.2\", \"terraform_version\": \"1.7.5\",\n"
                               " \"planned_values\": {\"root_module\": {\"resources\": [}}}\n",
                               "broken.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().front().where.starts_with("broken.json:2:"));
  CHECK(bad.error().front().message.starts_with("malformed JSON"));

  // planned_values with garbage inside: each gives its own error or warning,
  // never a crash and never a silent partial load.
  struct Odd {
    const char* text;
    bool error;
    std::vector<const char*> said;  // in the error, or among the warnings
  };
  const Odd odd[] = {
      {R"({"planned_values": 5})", true, {"odd.json at /planned_values: expected an object"}},
      {R"({"planned_values": {"root_module": [1, 2]}})", true,
       {"odd.json at /planned_values/root_module: expected an object"}},
      {R"({"planned_values": {"root_module": {"resources": {"x": 1}, "child_modules": "no"}}})", false,
       {"/planned_values/root_module/resources is not a list; its resources are left out"}},
      {R"({"planned_values": {"root_module": {"resources": [1, {"address": 2}, {"address": "aws_vpc.v", "type": "aws_vpc",
            "name": "v", "values": [true]}]}}, "configuration": [], "resource_changes": {"a": 1}})",
       false,
       {"/planned_values/root_module/resources/0: a resource without address, type and name; it is left out",
        "/planned_values/root_module/resources/1: a resource without address, type and name; it is left out",
        "aws_vpc.v: its values are not an object; only its configuration is read"}},
      {R"({"format_version": "1.0", "terraform_version": "1.5.0", "values": {"root_module": {}}})", false,
       {"a Terraform JSON document without planned_values (a state file, or the plan of an empty configuration)"}},
      {R"({"format_version": "1.0", "terraform_version": "1.5.0", "planned_values": {"root_module": {"resources": [
            {"address": "aws_route.r", "type": "aws_route", "name": "r", "values": {"route_table_id": {"x": [1]},
             "destination_cidr_block": ["a"]}},
            {"address": "aws_security_group.g", "type": "aws_security_group", "name": "g", "values": {"ingress": [1, [2],
             {"cidr_blocks": "10.0.0.0/8", "protocol": {"p": 1}}]}}]}},
            "configuration": {"root_module": {"resources": [{"address": "aws_route.r", "expressions":
             {"gateway_id": {"references": ["aws_route.r.gateway_id", "var.", "module..x", "aws_x[", "aws_x.y[\"a"]}}}]}}})",
       false,
       {"aws_route.r: route_table_id is not a single value; the value is left unset",
        "aws_security_group.g: ingress[0] is not a block (an object); the value is left unset",
        "aws_security_group.g: ingress[1] is not a block (an object); the value is left unset",
        "aws_security_group.g ingress[2]: protocol is not a single value; the value is left unset"}},
  };
  for (const Odd& o : odd) {
    INFO(std::string(o.text));
    auto facts = loadFactsFromJson(o.text, "odd.json");
    REQUIRE(bool(facts) != o.error);
    std::string said;
    if (facts) said = warnings(**facts);
    else
      for (const Diagnostic& d : facts.error()) said += d.where + ": " + d.message + "\n";
    for (const char* s : o.said) CHECK_MESSAGE(said.find(s) != std::string::npos, s << "\nnot in:\n" << said);
  }

  // A major format version Ward does not know is refused.
  auto future = loadFactsFromJson(R"({"format_version": "2.0", "terraform_version": "2.1.0", "planned_values": {}})", "f.json");
  REQUIRE_FALSE(future);
  CHECK(future.error().front().message.find("plan format version 2.0 is not supported") != std::string::npos);

  // A wrong value in a plan is an error that names the plan.
  auto wrong = loadFactsFromJson(R"({"format_version": "1.2", "terraform_version": "1.7.5", "planned_values": {"root_module":
      {"resources": [{"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
                      "values": {"cidr_block": "10.0.0.0/99"}}]}}})", "bad.json");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().front().where.starts_with("bad.json (as Ward facts)"));
}
