// CloudFormation templates as facts (runtime/load/cloudformation.cpp): the
// shared Studio-in-a-VPC template and its failing twin, intrinsic functions,
// what AWS adds to a VPC on its own, and errors and warnings.
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

std::string sharedDir() {
  if (const char* env = std::getenv("WARD_SHARED"); env != nullptr && *env != '\0') return env;
  return std::string(WARD_SOURCE_ROOT) + "/../shared";
}

std::string studioTemplate() {
  INFO("set WARD_SHARED to the shared/ folder if it is not beside the repository");
  return readFile(sharedDir() + "/fixtures/cloudformation/sagemaker-studio-domain-in-vpc.yaml");
}

// The template without one top-level resource (its block runs to the next
// resource's name at two spaces' indent).
std::string withoutResource(const std::string& yaml, const std::string& name) {
  const size_t start = yaml.find("\n  " + name + ":\n");
  REQUIRE(start != std::string::npos);
  size_t end = start + 1;
  for (;;) {
    end = yaml.find('\n', end);
    if (end == std::string::npos || end + 3 >= yaml.size()) break;
    const char c = yaml[end + 3];
    if (yaml.compare(end + 1, 2, "  ") == 0 && c != ' ' && c != '\n' && c != '\r') break;
    if (yaml[end + 1] != ' ' && yaml[end + 1] != '\n' && yaml[end + 1] != '\r') break;
    ++end;
  }
  return yaml.substr(0, start) + (end == std::string::npos ? std::string("\n") : yaml.substr(end));
}

}  // namespace

TEST_CASE("cloudformation: the Studio template becomes the estate AWS would build") {
  auto fb = load(studioTemplate(), "studio.yaml");
  CHECK(count(*fb, "vpc") == 1);
  CHECK(count(*fb, "subnet") == 2);
  CHECK(count(*fb, "internet_gateway") == 1);
  CHECK(count(*fb, "nat_gateway") == 1);
  CHECK(count(*fb, "vpc_endpoint") == 8);
  CHECK(count(*fb, "domain") == 1);
  // Logical ids are the ids; references resolve to them.
  CHECK(text(*fb, "subnet", "PrivateSubnet1", "vpc") == "VPC");
  CHECK(text(*fb, "subnet", "PrivateSubnet1", "cidr") == "10.0.20.0/24");
  CHECK(text(*fb, "internet_gateway", "InternetGateway", "vpc") == "VPC");
  CHECK(text(*fb, "domain", "StudioDomain", "network_access") == "VpcOnly");
  CHECK(text(*fb, "domain", "StudioDomain", "subnets") == "[PrivateSubnet1]");
  CHECK(text(*fb, "route_table", "PrivateRouteTable1", "subnets") == "[PrivateSubnet1]");
  // !Select [0, !GetAZs ''] names the region's first zone.
  CHECK(text(*fb, "subnet", "PrivateSubnet1", "az") == "${AWS::Region}a");
  // !Sub 'com.amazonaws.${AWS::Region}.sagemaker.api' keeps the placeholder; the service is read through it.
  CHECK(text(*fb, "vpc_endpoint", "VPCEndpointSagemakerAPI", "service_name") ==
        "com.amazonaws.${AWS::Region}.sagemaker.api");
  CHECK(text(*fb, "vpc_endpoint", "VPCEndpointSagemakerAPI", "service") == "sagemaker.api");
  CHECK(text(*fb, "vpc_endpoint", "S3Endpoint", "endpoint_type") == "gateway");
  CHECK(text(*fb, "vpc_endpoint", "VPCEndpointSagemakerAPI", "private_dns") == "true");
  // What AWS adds: the main route table, the default ACL and security group,
  // an interface per endpoint subnet, the NAT gateway's interface and address.
  CHECK(text(*fb, "route_table", "VPC.main_route_table", "main") == "true");
  CHECK(text(*fb, "network_acl", "VPC.default_network_acl", "subnets") == "[PublicSubnet1, PrivateSubnet1]");
  CHECK(text(*fb, "security_group", "VPC.default_security_group", "group_name") == "default");
  // A standalone SecurityGroupIngress joins its group.
  CHECK(rulesOf(*fb, "VPCEndpointSecurityGroup") ==
        std::vector<std::string>{"in all SageMakerInstanceSecurityGroup", "out all 0.0.0.0/0"});
  CHECK(text(*fb, "vpc_endpoint", "VPCEndpointSTS", "network_interfaces") == "[VPCEndpointSTS.network_interface.PrivateSubnet1]");
  CHECK(text(*fb, "nat_gateway", "NatGateway1", "private_ip") == "10.0.10.4");
  CHECK(text(*fb, "nat_gateway", "NatGateway1", "public_ip") == "198.19.0.1");
  // Unresolvable values nothing reads (a role's ARN) do not warn; the
  // resource types that are not modelled are named once.
  const std::string w = warnings(*fb);
  CHECK(w.find("Arn") == std::string::npos);
  CHECK(w.find("not modelled and were left out: AWS::SageMaker::UserProfile") != std::string::npos);

  net::ReachEngine engine(*fb);
  auto why = net::diagnose(*fb, engine, "domain", "StudioDomain");
  REQUIRE(why);
  CHECK(why->allReachable());
}

TEST_CASE("cloudformation: without its NAT route and STS endpoint the template's domain cannot reach STS") {
  std::string twin = withoutResource(withoutResource(studioTemplate(), "PrivateSubnet1InternetRoute"), "VPCEndpointSTS");
  auto fb = load(twin, "twin.yaml");
  CHECK(count(*fb, "vpc_endpoint") == 7);
  net::ReachEngine engine(*fb);
  auto why = net::diagnose(*fb, engine, "domain", "StudioDomain");
  REQUIRE(why);
  CHECK_FALSE(why->allReachable());
  const std::string out = net::renderWhyText(*why);
  CHECK(out.find("sts: BLOCKED") != std::string::npos);
  CHECK(out.find("sagemaker.api: reachable") != std::string::npos);
}

TEST_CASE("cloudformation: intrinsic functions, parameters, mappings and conditions (JSON)") {
  const char* tmpl = R"({
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"Env": {"Type": "String", "Default": "prod"}, "Cidr": {"Type": "String", "Default": "10.9.0.0/16"}},
    "Mappings": {"Blocks": {"prod": {"Private": "10.9.1.0/24"}}},
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                   "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]}},
    "Resources": {
      "Net": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Ref": "Cidr"},
              "Tags": [{"Key": "Name", "Value": {"Fn::Join": ["-", [{"Ref": "Env"}, "net"]]}}]}},
      "Private": {"Type": "AWS::EC2::Subnet", "Properties": {
        "VpcId": {"Ref": "Net"}, "CidrBlock": {"Fn::FindInMap": ["Blocks", {"Ref": "Env"}, "Private"]},
        "AvailabilityZone": {"Fn::Select": [1, {"Fn::GetAZs": ""}]},
        "MapPublicIpOnLaunch": {"Fn::If": ["IsProd", false, true]}}},
      "DevOnly": {"Type": "AWS::EC2::Subnet", "Condition": "IsDev",
                  "Properties": {"VpcId": {"Ref": "Net"}, "CidrBlock": "10.9.9.0/24"}},
      "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": {"Fn::Sub": ["${Env} web ${Extra}", {"Extra": "tier"}]},
        "VpcId": {"Ref": "Net"},
        "GroupName": {"Ref": "AWS::NoValue"},
        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                                 {"IpProtocol": "-1", "SourceSecurityGroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}}],
        "SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 1024, "ToPort": 65535, "CidrIp": "10.0.0.0/8"}]}},
      "Bare": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "none", "VpcId": {"Ref": "Net"}}},
      "Acl": {"Type": "AWS::EC2::NetworkAcl", "Properties": {"VpcId": {"Ref": "Net"}}},
      "AclIn": {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"NetworkAclId": {"Ref": "Acl"}, "RuleNumber": 90,
                "Protocol": 6, "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 22, "To": 22}}},
      "AclAssoc": {"Type": "AWS::EC2::SubnetNetworkAclAssociation",
                   "Properties": {"SubnetId": {"Ref": "Private"}, "NetworkAclId": {"Ref": "Acl"}}}
    }
  })";
  auto fb = load(tmpl, "stack.json");
  CHECK(text(*fb, "vpc", "Net", "cidr") == "10.9.0.0/16");
  CHECK(text(*fb, "vpc", "Net", "name") == "prod-net");
  CHECK(text(*fb, "subnet", "Private", "cidr") == "10.9.1.0/24");
  CHECK(text(*fb, "subnet", "Private", "az") == "${AWS::Region}b");
  CHECK(text(*fb, "subnet", "Private", "map_public_ip") == "false");
  CHECK_FALSE(fb->find(*fb->schema().findKind("subnet"), "DevOnly"));  // its condition is false
  CHECK(text(*fb, "security_group", "Sg", "description") == "prod web tier");
  CHECK(text(*fb, "security_group", "Sg", "group_name") == "Sg");  // NoValue: the property is absent
  // Inline rules, and no default egress rule once SecurityGroupEgress is given.
  using V = std::vector<std::string>;
  CHECK(rulesOf(*fb, "Sg") == V{"in all Sg", "in tcp 443 0.0.0.0/0", "out tcp 1024..65535 10.0.0.0/8"});
  // A group without SecurityGroupEgress keeps AWS's rule: all traffic out.
  CHECK(rulesOf(*fb, "Bare") == V{"out all 0.0.0.0/0"});
  CHECK(rulesOf(*fb, "Net.default_security_group") ==
        V{"in all Net.default_security_group", "out all 0.0.0.0/0"});
  CHECK(text(*fb, "nacl_entry", "AclIn", "traffic") == "tcp 22");
  CHECK(text(*fb, "nacl_entry", "AclIn", "action") == "deny");
  CHECK(text(*fb, "network_acl", "Acl", "subnets") == "[Private]");
  CHECK(text(*fb, "network_acl", "Net.default_network_acl", "subnets") == "[]");
  CHECK(warnings(*fb).empty());
}

TEST_CASE("cloudformation: what the template cannot say is a warning where a fact needs it") {
  const char* tmpl =
      "Parameters:\n"
      "  VpcCidr:\n"
      "    Type: String\n"
      "Resources:\n"
      "  Net:\n"
      "    Type: AWS::EC2::VPC\n"
      "    Properties:\n"
      "      CidrBlock: !Ref VpcCidr\n"
      "  Imported:\n"
      "    Type: AWS::EC2::Subnet\n"
      "    Properties:\n"
      "      VpcId: !ImportValue shared-vpc\n"
      "      CidrBlock: 10.0.1.0/24\n";
  auto fb = load(tmpl, "stack.yml");
  const std::string w = warnings(*fb);
  CHECK(w.find("parameter 'VpcCidr' has no Default") != std::string::npos);
  CHECK(w.find("/Resources/Net/Properties/CidrBlock/Ref") != std::string::npos);
  CHECK(w.find("Fn::ImportValue cannot be resolved from the template alone") != std::string::npos);
  CHECK(attr(*fb, "vpc", "Net", "cidr").isNull());
  CHECK(attr(*fb, "subnet", "Imported", "vpc").isNull());
}

TEST_CASE("cloudformation: errors and files that are not templates") {
  auto bad = loadFactsFromJson("Resources:\n  Net:\n    Type: [unclosed\n", "broken.yaml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().front().where == "broken.yaml:4:1");
  CHECK(bad.error().front().message.starts_with("malformed YAML: "));

  auto other = loadFactsFromJson("name: build\nsteps: [compile, test]\n", "ci.yaml");
  REQUIRE(other);
  CHECK(warnings(**other).find("not a CloudFormation template") != std::string::npos);

  // A wrong value in a template is an error that names the template.
  auto wrong = loadFactsFromJson(
      R"({"Resources": {"Net": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/99"}}}})", "bad.json");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().front().where.starts_with("bad.json (as Ward facts)"));

  // JSON with a Resources key that is not a template is an unrecognised file, as before.
  auto notTemplate = loadFactsFromJson(R"({"Resources": [1, 2]})", "x.json");
  REQUIRE(notTemplate);
  CHECK(warnings(**notTemplate).find("the file is ignored") != std::string::npos);
}
