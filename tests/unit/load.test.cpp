// Tests of the loaders: the Batfish AWS snapshots (facts their own tests rely
// on), Ward JSON facts, SageMaker describe outputs, the accounts/<id>/<region>/
// layout, merging, warnings, and every error path, including truncated copies
// of every fixture file.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <sys/stat.h>

#include <fmt/format.h>

#include "runtime/load/load.hpp"
#include "runtime/load/loader.hpp"
#include "tests/unit/source_root.hpp"

using namespace ward;
namespace fs = std::filesystem;

namespace {

// Limits on file size and nesting depth, the rest as by default.
LoadLimits limitsOf(uint64_t maxFileBytes, uint32_t maxDepth) {
  LoadLimits l;
  l.maxFileBytes = maxFileBytes;
  l.maxDepth = maxDepth;
  return l;
}

// The test data, wherever the tests run from (see source_root.hpp).
fs::path dataDir() { return ward::testing::sourceRoot() / "tests" / "data" / "facts"; }
std::string dataPath(std::string_view rel) { return (dataDir() / rel).string(); }

std::string renderAll(const Diagnostics& ds) {
  SourceMap none;
  return render(none, ds);
}

std::shared_ptr<const FactBase> loadOk(const std::vector<std::string>& paths) {
  auto r = loadFacts(paths);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : renderAll(r.error())));
  return *r;
}

std::shared_ptr<const FactBase> jsonOk(std::string_view json) {
  auto r = loadFactsFromJson(json, "facts.json");
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : renderAll(r.error())));
  return *r;
}

// The rendered errors of a load that must fail.
std::string jsonError(std::string_view json, const LoadLimits& limits = {}) {
  auto r = loadFactsFromJson(json, "facts.json", limits);
  REQUIRE_MESSAGE(!r.has_value(), "expected an error for: " << json);
  return renderAll(r.error());
}

KindId kind(std::string_view name) { return *Schema::aws().findKind(name); }

std::string text(const FactBase& fb, std::string_view k, std::string_view id, std::string_view a) {
  auto i = fb.find(kind(k), id);
  REQUIRE_MESSAGE(i.has_value(), k << " " << id << " is missing");
  auto attr = Schema::aws().kind(kind(k)).find(a);
  REQUIRE_MESSAGE(attr.has_value(), k << " has no " << a);
  return fb.format(fb.get(kind(k), *i, *attr));
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ward-load-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string write(const std::string& name, std::string_view content) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
};

std::string warningsOf(const FactBase& fb) { return renderAll(fb.warnings()); }

const char* const kSnapshots[] = {"test-nat-gateway", "test-public-private-subnet", "test-subnet",
                                  "test-vpc-endpoint-gateway", "test-vpc-peering"};

}  // namespace

TEST_SUITE("load") {
  TEST_CASE("batfish test-nat-gateway: NAT paths, main-table fallback, NACL order, SG rules") {
    auto fb = loadOk({dataPath("batfish/test-nat-gateway")});
    const FactBase& f = *fb;
    CHECK(f.warnings().empty());
    // Subnet 1: private, egress through the NAT gateway.
    CHECK(text(f, "subnet", "subnet-06f469bcee42e408e", "has_nat") == "true");
    CHECK(text(f, "subnet", "subnet-06f469bcee42e408e", "private") == "true");
    CHECK(text(f, "subnet", "subnet-06f469bcee42e408e", "internet_egress") == "true");
    CHECK(text(f, "subnet", "subnet-06f469bcee42e408e", "route_table") == "rtb-02fe228b42de92a7c");
    // The NAT's own subnet is public.
    CHECK(text(f, "subnet", "subnet-0428892a357fa1f94", "public") == "true");
    CHECK(text(f, "subnet", "subnet-0428892a357fa1f94", "has_nat") == "false");
    CHECK(text(f, "subnet", "subnet-0428892a357fa1f94", "map_public_ip") == "true");
    // Subnet 20 has no association: the main table, local route only.
    CHECK(text(f, "subnet", "subnet-02ff259e663e9613e", "route_table") == "rtb-0e169c4a1e0b27b55");
    CHECK(text(f, "subnet", "subnet-02ff259e663e9613e", "internet_egress") == "false");
    CHECK(text(f, "subnet", "subnet-02ff259e663e9613e", "default_route") == "null");
    CHECK(text(f, "vpc", "vpc-0008a7b45e3ddf1dd", "main_route_table") == "rtb-0e169c4a1e0b27b55");
    // The NAT gateway.
    CHECK(text(f, "nat_gateway", "nat-07ab4846da51f4612", "private_ip") == "10.1.250.210");
    CHECK(text(f, "nat_gateway", "nat-07ab4846da51f4612", "public_ip") == "3.135.127.225");
    CHECK(text(f, "nat_gateway", "nat-07ab4846da51f4612", "network_interface") == "eni-017aaec115610308a");
    CHECK(text(f, "nat_gateway", "nat-07ab4846da51f4612", "az") == "us-east-2b");
    CHECK(text(f, "route", "rtb-02fe228b42de92a7c:0.0.0.0/0", "target_kind") == "nat_gateway");
    CHECK(text(f, "route", "rtb-02fe228b42de92a7c:0.0.0.0/0", "nat_gateway") == "nat-07ab4846da51f4612");
    CHECK(text(f, "network_interface", "eni-017aaec115610308a", "interface_type") == "nat_gateway");
    CHECK(text(f, "network_interface", "eni-017aaec115610308a", "source_dest_check") == "false");
    // NACLs: the custom ACL of the public subnet, in evaluation order.
    CHECK(text(f, "subnet", "subnet-0428892a357fa1f94", "network_acl") == "acl-0792adae678b88f85");
    CHECK(text(f, "subnet", "subnet-06f469bcee42e408e", "network_acl") == "acl-0380e24eb934b075e");
    CHECK(text(f, "network_acl", "acl-0792adae678b88f85", "inbound") ==
          "[acl-0792adae678b88f85:in:100, acl-0792adae678b88f85:in:200, acl-0792adae678b88f85:in:32767]");
    CHECK(text(f, "nacl_entry", "acl-0792adae678b88f85:in:100", "traffic") == "icmp");
    CHECK(text(f, "nacl_entry", "acl-0792adae678b88f85:in:100", "cidr") == "10.1.1.0/24");
    CHECK(text(f, "nacl_entry", "acl-0792adae678b88f85:in:100", "icmp_type") == "null");
    CHECK(text(f, "nacl_entry", "acl-0792adae678b88f85:in:200", "traffic") == "all");
    CHECK(text(f, "nacl_entry", "acl-0792adae678b88f85:in:32767", "action") == "deny");
    CHECK(text(f, "network_acl", "acl-0792adae678b88f85", "is_default") == "false");
    // Security groups: one rule per source, ICMP type and code kept apart.
    CHECK(text(f, "security_group", "sg-0253af84ae6485905", "ingress") ==
          "[sg-0253af84ae6485905:in:0, sg-0253af84ae6485905:in:1]");
    CHECK(text(f, "sg_rule", "sg-0253af84ae6485905:in:0", "traffic") == "tcp 22");
    CHECK(text(f, "sg_rule", "sg-0253af84ae6485905:in:0", "description") == "SSH Access");
    CHECK(text(f, "sg_rule", "sg-0253af84ae6485905:in:1", "traffic") == "icmp");
    CHECK(text(f, "sg_rule", "sg-0253af84ae6485905:in:1", "icmp_type") == "8");
    CHECK(text(f, "sg_rule", "sg-0253af84ae6485905:in:1", "icmp_code") == "0");
    CHECK(text(f, "sg_rule", "sg-0010bf850022667c2:in:0", "source_group") == "sg-0010bf850022667c2");
    CHECK(text(f, "sg_rule", "sg-0010bf850022667c2:in:0", "cidr") == "null");
    CHECK(text(f, "security_group", "sg-0010bf850022667c2", "is_default") == "true");
    CHECK(text(f, "security_group", "sg-0253af84ae6485905", "members") ==
          "[eni-068fb5a0a9a57f23c, eni-0e4ce6a7777b9bff8, eni-0cbd69297d26de519]");
    CHECK(text(f, "security_group", "sg-0b647281e3f8f7c18", "used") == "false");
    // Instances and their interfaces.
    CHECK(text(f, "instance", "i-0b31b509174d7f5de", "public_ip") == "18.216.129.140");
    CHECK(text(f, "instance", "i-0b31b509174d7f5de", "network_interfaces") == "[eni-068fb5a0a9a57f23c]");
    CHECK(text(f, "instance", "i-0b31b509174d7f5de", "is_nat_instance") == "false");
    CHECK(text(f, "network_interface", "eni-0e4ce6a7777b9bff8", "instance") == "i-0a128d26e59be60f3");
    CHECK(text(f, "network_interface", "eni-0e4ce6a7777b9bff8", "private_ips") == "[10.1.1.98]");
    // No region folder: the region comes from the AZ names and ARNs, the
    // account from OwnerId, and they spread to resources without either.
    CHECK(text(f, "vpc", "vpc-0008a7b45e3ddf1dd", "region") == "us-east-2");
    CHECK(text(f, "vpc", "vpc-0008a7b45e3ddf1dd", "account") == "554773406868");
    CHECK(text(f, "nat_gateway", "nat-07ab4846da51f4612", "region") == "us-east-2");
    CHECK(text(f, "region", "554773406868/us-east-2", "name") == "us-east-2");
    CHECK(f.count(kind("account")) == 1);
    CHECK(text(f, "vpc", "vpc-0008a7b45e3ddf1dd", "name") == "vpc_a");
  }

  TEST_CASE("batfish test-subnet: one subnet on the main table") {
    auto fb = loadOk({dataPath("batfish/test-subnet")});
    const FactBase& f = *fb;
    CHECK(text(f, "subnet", "subnet-06c8307e34ffadb04", "route_table") == "rtb-07243bb4843d61c35");
    CHECK(text(f, "subnet", "subnet-06c8307e34ffadb04", "private") == "true");
    CHECK(text(f, "subnet", "subnet-06c8307e34ffadb04", "network_acl") == "acl-07102431133dec52a");
    CHECK(text(f, "subnet", "subnet-06c8307e34ffadb04", "instances") == "[i-08ef86e76fceabd8d, i-07519d6ba3f9497e4]");
    CHECK(text(f, "instance", "i-07519d6ba3f9497e4", "security_groups") == "[sg-02566e413c0030c70]");
    CHECK(text(f, "vpc", "vpc-062867d29dbf9386f", "cidrs") == "[10.10.0.0/16]");
    CHECK(text(f, "vpc", "vpc-062867d29dbf9386f", "region") == "us-east-2");
  }

  TEST_CASE("batfish test-public-private-subnet: VGW default route, VPN tunnels down") {
    auto fb = loadOk({dataPath("batfish/test-public-private-subnet")});
    const FactBase& f = *fb;
    CHECK(text(f, "subnet", "subnet-0cf7a93fbd779f3a3", "public") == "true");
    CHECK(text(f, "subnet", "subnet-0f263105946ad1a1d", "route_table") == "rtb-002f0eabf583bf991");
    CHECK(text(f, "subnet", "subnet-0f263105946ad1a1d", "public") == "false");
    CHECK(text(f, "subnet", "subnet-0f263105946ad1a1d", "has_nat") == "false");
    CHECK(text(f, "route", "rtb-002f0eabf583bf991:0.0.0.0/0", "target_kind") == "vpn_gateway");
    CHECK(text(f, "route", "rtb-002f0eabf583bf991:0.0.0.0/0", "vpn_gateway") == "vgw-070087240d6fa2989");
    CHECK(text(f, "route_table", "rtb-002f0eabf583bf991", "propagating_vgws") == "[vgw-070087240d6fa2989]");
    CHECK(text(f, "vpn_gateway", "vgw-070087240d6fa2989", "asn") == "64512");
    CHECK(text(f, "vpn_gateway", "vgw-070087240d6fa2989", "vpcs") == "[vpc-0b966fdeb36d5e43f]");
    CHECK(text(f, "customer_gateway", "cgw-0e0d620a3ae284684", "asn") == "65000");
    CHECK(text(f, "customer_gateway", "cgw-0e0d620a3ae284684", "ip") == "1.1.1.1");
    CHECK(text(f, "vpn_connection", "vpn-05044757278685fd3", "static_routes_only") == "true");
    CHECK(text(f, "vpn_connection", "vpn-05044757278685fd3", "routes") == "[19.168.0.0/16]");
    CHECK(text(f, "vpn_connection", "vpn-05044757278685fd3", "tunnels_up") == "0");
    CHECK(text(f, "vpn_connection", "vpn-05044757278685fd3", "tunnels") ==
          "[vpn-05044757278685fd3:3.13.210.90, vpn-05044757278685fd3:18.221.157.90]");
    CHECK(text(f, "vpn_tunnel", "vpn-05044757278685fd3:3.13.210.90", "status") == "DOWN");
    CHECK(text(f, "instance", "i-094a9e5b545a4fde4", "public_ip") == "13.58.55.60");
  }

  TEST_CASE("batfish test-vpc-endpoint-gateway: region folder, S3 gateway endpoint, prefix lists") {
    auto fb = loadOk({dataPath("batfish/test-vpc-endpoint-gateway")});
    const FactBase& f = *fb;
    // Files no rule needs (load balancers, RDS, ...) are recognised quietly.
    CHECK(warningsOf(f).empty());
    CHECK(text(f, "vpc", "vpc-05d56c7295fca139b", "region") == "us-east-1");
    CHECK(text(f, "vpc_endpoint", "vpce-0b7357542bb7b83ec", "service") == "s3");
    CHECK(text(f, "vpc_endpoint", "vpce-0b7357542bb7b83ec", "endpoint_type") == "gateway");
    CHECK(text(f, "vpc_endpoint", "vpce-0b7357542bb7b83ec", "route_tables") ==
          "[rtb-04f71fc2caa8d94cf, rtb-0efde4139784b75b0]");
    CHECK(text(f, "vpc_endpoint", "vpce-0b7357542bb7b83ec", "available") == "true");
    CHECK(text(f, "vpc", "vpc-05d56c7295fca139b", "endpoints") == "[vpce-0b7357542bb7b83ec]");
    CHECK(text(f, "prefix_list", "pl-63a5400a", "service") == "s3");
    CHECK(text(f, "prefix_list", "pl-63a5400a", "cidrs") == "[54.231.0.0/17, 52.216.0.0/15, 3.5.16.0/21, 3.5.0.0/20]");
    CHECK(text(f, "route", "rtb-04f71fc2caa8d94cf:pl-63a5400a", "target_kind") == "vpc_endpoint");
    CHECK(text(f, "route", "rtb-04f71fc2caa8d94cf:pl-63a5400a", "prefix_list") == "pl-63a5400a");
    CHECK(text(f, "route", "rtb-04f71fc2caa8d94cf:pl-63a5400a", "destination") == "null");
    CHECK(text(f, "subnet", "subnet-01e5f0945f6d6f47c", "private") == "true");
    CHECK(text(f, "subnet", "subnet-01e5f0945f6d6f47c", "default_route") == "null");
    CHECK(text(f, "subnet", "subnet-04391f04b912d0a73", "public") == "true");
    CHECK(text(f, "network_acl", "acl-086ba598bbf8e5d89", "used") == "true");
    CHECK(text(f, "network_acl", "acl-02e578d1a3e0ce403", "used") == "false");
  }

  TEST_CASE("batfish test-vpc-peering: peering blocks, disassociated blocks, blackhole routes") {
    auto fb = loadOk({dataPath("batfish/test-vpc-peering")});
    const FactBase& f = *fb;
    CHECK(text(f, "vpc_peering_connection", "pcx-0b89b559e3319d6cf", "requester_vpc") == "vpc-0404e08ceddf7f650");
    CHECK(text(f, "vpc_peering_connection", "pcx-0b89b559e3319d6cf", "accepter_vpc") == "vpc-00a31ce9d0c06675c");
    CHECK(text(f, "vpc_peering_connection", "pcx-0b89b559e3319d6cf", "requester_cidrs") == "[10.10.0.0/16]");
    CHECK(text(f, "vpc_peering_connection", "pcx-0b89b559e3319d6cf", "accepter_cidrs") == "[192.168.0.0/16]");
    CHECK(text(f, "vpc_peering_connection", "pcx-0b89b559e3319d6cf", "active") == "true");
    CHECK(text(f, "vpc", "vpc-0404e08ceddf7f650", "peerings") == "[pcx-0d5b836985ac8ca8c, pcx-0b89b559e3319d6cf]");
    CHECK(text(f, "vpc", "vpc-00a31ce9d0c06675c", "peerings") == "[pcx-0b89b559e3319d6cf]");
    // 10.11.0.0/16 is disassociated.
    CHECK(text(f, "vpc", "vpc-0404e08ceddf7f650", "cidrs") == "[10.10.0.0/16]");
    // B's default route points at a missing IGW: blackhole, so B is not public.
    CHECK(text(f, "route", "rtb-017c36290c9baf017:0.0.0.0/0", "state") == "blackhole");
    CHECK(text(f, "route", "rtb-017c36290c9baf017:0.0.0.0/0", "active") == "false");
    CHECK(text(f, "route", "rtb-017c36290c9baf017:0.0.0.0/0", "internet_gateway") == "null");
    CHECK(text(f, "route", "rtb-017c36290c9baf017:0.0.0.0/0", "target") == "igw-0a2c9ae201b441bff");
    CHECK(text(f, "subnet", "subnet-0ebf6378a79a3e534", "public") == "false");
    CHECK(text(f, "subnet", "subnet-0ebf6378a79a3e534", "default_route") == "rtb-017c36290c9baf017:0.0.0.0/0");
    CHECK(text(f, "route", "rtb-0891861fffaea6d52:192.168.1.0/24", "vpc_peering_connection") == "pcx-0b89b559e3319d6cf");
  }

  TEST_CASE("every snapshot at once merges into one fact base") {
    std::vector<std::string> all;
    size_t vpcs = 0, subnets = 0;
    for (const char* s : kSnapshots) {
      all.push_back(dataPath(std::string("batfish/") + s));
      auto one = loadOk({all.back()});
      vpcs += one->count(kind("vpc"));
      subnets += one->count(kind("subnet"));
    }
    auto fb = loadOk(all);
    CHECK(fb->count(kind("vpc")) == vpcs);
    CHECK(fb->count(kind("subnet")) == subnets);
    CHECK(vpcs == 7);
    // A parent folder is the same as listing its snapshots.
    auto parent = loadOk({dataPath("batfish")});
    CHECK(parent->count(kind("subnet")) == subnets);
    // us-east-1 and us-east-2 of one account.
    CHECK(parent->count(kind("region")) == 2);
  }

  TEST_CASE("Ward JSON facts: typed values, route completion, intents, implicit NACL denies") {
    auto fb = loadOk({dataPath("ward/estate.json")});
    const FactBase& f = *fb;
    CHECK(f.warnings().empty());
    CHECK(text(f, "vpc", "vpc-1", "name") == "ml");
    CHECK(text(f, "vpc", "vpc-1", "cidrs") == "[10.0.0.0/16]");
    CHECK(text(f, "vpc", "vpc-1", "tags") == "[Name=ml, team=research]");
    CHECK(text(f, "subnet", "subnet-a", "has_nat") == "true");
    CHECK(text(f, "subnet", "subnet-b", "route_table") == "rtb-main");
    CHECK(text(f, "subnet", "subnet-b", "internet_egress") == "false");
    CHECK(text(f, "subnet", "subnet-pub", "public") == "true");
    // Routes get ids, target kinds and typed references from their target.
    CHECK(text(f, "route", "rtb-pub:0.0.0.0/0", "target_kind") == "internet_gateway");
    CHECK(text(f, "route", "rtb-pub:0.0.0.0/0", "internet_gateway") == "igw-1");
    CHECK(text(f, "route", "rtb-a:pl-s3", "vpc_endpoint") == "vpce-s3");
    CHECK(text(f, "route", "rtb-main:10.0.0.0/16", "target_kind") == "local");
    CHECK(text(f, "vpc_endpoint", "vpce-s3", "endpoint_type") == "gateway");
    CHECK(text(f, "vpc_endpoint", "vpce-api", "endpoint_type") == "interface");
    CHECK(text(f, "vpc_endpoint", "vpce-api", "service") == "sagemaker.api");
    CHECK(text(f, "vpc_endpoint", "vpce-api", "private_dns") == "false");
    CHECK(text(f, "vpc_endpoint", "vpce-api", "azs") == "[us-east-1a, us-east-1b]");
    CHECK(text(f, "network_acl", "acl-ml", "inbound") == "[acl-ml:in:90, acl-ml:in:200, acl-ml:in:32767]");
    CHECK(text(f, "nacl_entry", "acl-ml:in:200", "traffic") == "tcp 1024..65535");
    CHECK(text(f, "sg_rule", "sg-ml:out:0", "traffic") == "tcp 443");
    CHECK(text(f, "sg_rule", "sg-ml:in:0", "source_group") == "sg-ml");
    CHECK(text(f, "flow_log", "fl-1", "active") == "true");
    CHECK(text(f, "vpc", "vpc-1", "has_flow_logs") == "true");
    CHECK(text(f, "training_job", "train-1", "azs") == "[us-east-1a, us-east-1b]");
    CHECK(text(f, "training_job", "train-1", "encrypted") == "true");
    CHECK(text(f, "transfer", "nightly-sync", "size_gb") == "10240");
    CHECK(text(f, "transfer", "nightly-sync", "via") == "vpn");
    CHECK(text(f, "blocklist_entry", "203.0.113.7/32", "cidr") == "203.0.113.7/32");
    CHECK(text(f, "blocklist_entry", "198.51.100.0/24", "cidr") == "198.51.100.0/24");
    CHECK(text(f, "service_exposure", "feature-store", "consumer_vpcs") == "14");
  }

  TEST_CASE("Ward JSON accepts the short forms and leaves null attributes unset") {
    auto fb = jsonOk(R"({"format": "ward-facts", "version": 1, "facts": {
      "vpcs": [{"id": "v", "cidr": "10.0.0.0/16", "is_default": null,
                "tags": [{"key": "Name", "value": "main"}, {"Key": "env", "Value": "prod"}]}],
      "instance": [{"id": "i-1", "private_ip": "10.0.0.5", "public_ip": "2001:db8::1"}],
      "flow_log": [{"id": "fl", "resource_id": "v", "status": "inactive"}],
      "flow_logs": [{"id": "fl2", "resource_id": "vpc-9"}]}})");
    CHECK(text(*fb, "vpc", "v", "is_default") == "false");
    CHECK(text(*fb, "vpc", "v", "name") == "main");
    CHECK(text(*fb, "vpc", "v", "tags") == "[Name=main, env=prod]");
    CHECK(text(*fb, "instance", "i-1", "public_ip") == "2001:db8::1");
    CHECK(text(*fb, "instance", "i-1", "source_dest_check") == "true");
    CHECK(text(*fb, "instance", "i-1", "state") == "running");
    CHECK(text(*fb, "flow_log", "fl", "active") == "false");
    CHECK(text(*fb, "flow_log", "fl2", "resource_id") == "vpc-9");
  }

  TEST_CASE("Ward JSON written from a fact base loads back to the same facts") {
    for (std::string input : {dataPath("batfish/test-nat-gateway"), dataPath("batfish/test-vpc-peering"),
                              dataPath("batfish/test-public-private-subnet"), dataPath("ward/estate.json"),
                              dataPath("sagemaker")}) {
      CAPTURE(input);
      auto original = loadOk({input});
      std::string json = toWardJson(*original);
      auto copy = jsonOk(json);
      const Schema& s = Schema::aws();
      for (size_t k = 0; k < s.kindCount(); ++k) {
        auto kid = static_cast<KindId>(k);
        const KindDef& kd = s.kind(kid);
        CAPTURE(kd.name);
        REQUIRE(copy->count(kid) == original->count(kid));
        for (EntityIndex i = 0; i < original->count(kid); ++i) {
          auto j = copy->find(kid, original->idOf(kid, i));
          REQUIRE(j.has_value());
          for (AttrId a = 0; a < kd.attrs.size(); ++a) {
            CAPTURE(kd.attrs[a].name);
            CHECK(copy->format(copy->get(kid, *j, a)) == original->format(original->get(kid, i, a)));
          }
        }
      }
      // Writing the copy gives the same text: the format is stable.
      CHECK(toWardJson(*copy) == json);
    }
  }

  TEST_CASE("SageMaker describe outputs: objects, arrays and wrappers") {
    auto fb = loadOk({dataPath("sagemaker")});
    const FactBase& f = *fb;
    CHECK(warningsOf(f).empty());
    CHECK(text(f, "training_job", "train-42", "vpc_mode") == "true");
    CHECK(text(f, "training_job", "train-42", "vpc") == "vpc-0aa11bb22cc33dd44");
    CHECK(text(f, "training_job", "train-42", "subnets") == "[subnet-0aa11bb22cc33dd01, subnet-0aa11bb22cc33dd02]");
    CHECK(text(f, "training_job", "train-42", "security_groups") == "[sg-0aa11bb22cc33dd01]");
    CHECK(text(f, "training_job", "train-42", "kms_keys") ==
          "[arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab]");
    CHECK(text(f, "training_job", "train-42", "instance_count") == "2");
    CHECK(text(f, "training_job", "train-42", "intercontainer_encryption") == "true");
    CHECK(text(f, "training_job", "train-42", "status") == "InProgress");
    CHECK(text(f, "training_job", "train-42", "region") == "us-west-2");
    CHECK(text(f, "training_job", "train-42", "account") == "111122223333");
    CHECK(text(f, "training_job", "train-42", "name") == "train-42");
    CHECK(text(f, "training_job", "train-42", "tags") == "[data-classification=confidential]");
    CHECK(text(f, "training_job", "train-42", "azs") == "[us-west-2a, us-west-2b]");
    CHECK(text(f, "processing_job", "features-7", "network_isolation") == "true");
    CHECK(text(f, "processing_job", "features-7", "kms_keys") == "[alias/ml]");
    CHECK(text(f, "processing_job", "features-7", "subnets") == "[subnet-0aa11bb22cc33dd02]");
    CHECK(text(f, "model", "churn-v3", "vpc_mode") == "true");
    CHECK(text(f, "model", "public-demo", "vpc_mode") == "false");
    CHECK(text(f, "endpoint_config", "churn-config", "models") == "[churn-v3]");
    CHECK(text(f, "endpoint", "churn", "config") == "churn-config");
    CHECK(text(f, "endpoint", "churn", "models") == "[churn-v3]");
    CHECK(text(f, "endpoint", "churn", "subnets") == "[subnet-0aa11bb22cc33dd01]");
    CHECK(text(f, "endpoint", "churn", "vpc_mode") == "true");
    CHECK(text(f, "endpoint", "churn", "encrypted") == "true");
    CHECK(text(f, "endpoint", "churn", "status") == "InService");
    CHECK(text(f, "notebook_instance", "explore", "direct_internet") == "true");
    CHECK(text(f, "notebook_instance", "explore", "subnets") == "[subnet-0aa11bb22cc33dd02]");
    CHECK(text(f, "notebook_instance", "explore", "encrypted") == "false");
    CHECK(text(f, "domain", "d-abc123xyz789", "name") == "research");
    CHECK(text(f, "domain", "d-abc123xyz789", "network_access") == "VpcOnly");
    CHECK(text(f, "domain", "d-abc123xyz789", "vpc") == "vpc-0aa11bb22cc33dd44");
    CHECK(text(f, "domain", "d-abc123xyz789", "security_groups") == "[sg-0aa11bb22cc33dd01]");
    CHECK(text(f, "subnet", "subnet-0aa11bb22cc33dd01", "ml_workloads") == "[train-42, churn-v3, d-abc123xyz789]");
    CHECK(text(f, "subnet", "subnet-0aa11bb22cc33dd02", "ml_workloads") == "[train-42, features-7, explore]");
    CHECK(text(f, "vpc", "vpc-0aa11bb22cc33dd44", "ml_workloads") ==
          "[train-42, features-7, churn-v3, explore, d-abc123xyz789]");
    CHECK(text(f, "security_group", "sg-0aa11bb22cc33dd01", "used") == "true");
    CHECK(text(f, "sg_rule", "sg-0aa11bb22cc33dd01:out:1", "prefix_list") == "null");  // pl-68a54001 is not loaded
  }

  TEST_CASE("the accounts/<id>/<region>/ layout sets account and region") {
    auto fb = loadOk({dataPath("layout")});
    const FactBase& f = *fb;
    CHECK(text(f, "vpc", "vpc-0eu", "account") == "111122223333");
    CHECK(text(f, "vpc", "vpc-0eu", "region") == "eu-west-1");
    CHECK(text(f, "subnet", "subnet-0eu", "region") == "eu-west-1");
    CHECK(text(f, "vpc", "vpc-0us", "account") == "444455556666");
    CHECK(text(f, "vpc", "vpc-0us", "region") == "us-east-1");
    CHECK(f.count(kind("account")) == 2);
    CHECK(text(f, "region", "444455556666/us-east-1", "account") == "444455556666");
    CHECK(text(f, "region", "111122223333/eu-west-1", "name") == "eu-west-1");
  }

  TEST_CASE("merging: Ward facts add to and override an AWS snapshot") {
    TempDir tmp;
    std::string extra = tmp.write("extra.json", R"({"format": "ward-facts", "version": 1, "facts": {
      "training_job": [{"id": "job-1", "subnets": ["subnet-06f469bcee42e408e"]}],
      "vpc": [{"id": "vpc-0008a7b45e3ddf1dd", "state": "pending"}]}})");
    auto fb = loadOk({dataPath("batfish/test-nat-gateway"), extra});
    CHECK(text(*fb, "subnet", "subnet-06f469bcee42e408e", "ml_workloads") == "[job-1]");
    CHECK(text(*fb, "training_job", "job-1", "vpc") == "vpc-0008a7b45e3ddf1dd");
    CHECK(text(*fb, "vpc", "vpc-0008a7b45e3ddf1dd", "state") == "pending");
    // What the Ward file did not mention stays as the snapshot had it.
    CHECK(text(*fb, "vpc", "vpc-0008a7b45e3ddf1dd", "cidr") == "10.1.0.0/16");
    CHECK(fb->count(kind("vpc")) == 1);
  }

  TEST_CASE("warnings: unknown files, pagination, non-canonical blocks; empty files are fine") {
    auto fb = loadOk({dataPath("misc")});
    std::string w = warningsOf(*fb);
    CAPTURE(w);
    CHECK(fb->warnings().size() == 3);
    CHECK(w.find("unknown.json: warning: not Ward facts nor a recognised AWS CLI describe-* output") !=
          std::string::npos);
    CHECK(w.find("paged.json:9:5: warning: the snapshot is incomplete") != std::string::npos);
    CHECK(w.find("NextToken") != std::string::npos);
    CHECK(w.find("noncanonical.json:5:26: warning: CIDR block 10.50.1.7/24 at /Subnets/0/CidrBlock has host bits "
                 "set; it is read as 10.50.1.0/24") != std::string::npos);
    CHECK(text(*fb, "subnet", "subnet-0odd", "cidr") == "10.50.1.0/24");
    CHECK(text(*fb, "vpc", "vpc-0paged", "cidr") == "10.50.0.0/16");
    // Region evidence from one file's AZ reaches the other files of the folder.
    CHECK(text(*fb, "vpc", "vpc-0paged", "region") == "ap-southeast-2");
  }

  TEST_CASE("warnings: Ward references that match nothing, and the per-file cap") {
    auto fb = jsonOk(R"({"facts": {"vpc": [{"id": "vpc-1"}],
      "subnet": [{"id": "s1", "vpc": "vpc-l"}, {"id": "s2", "vpc": "vpc-1"}],
      "route_table": [{"id": "rtb-1", "subnets": ["s1", "s3"]}]}})");
    std::string w = warningsOf(*fb);
    CHECK(w.find("facts.json: warning: subnet 's1': vpc 'vpc-l' matches no vpc") != std::string::npos);
    CHECK(w.find("facts.json: warning: route_table 'rtb-1': subnets 's3' matches no subnet") != std::string::npos);
    CHECK(fb->warnings().size() == 2);
    // AWS snapshots routinely point outside themselves: no warnings there.
    CHECK(loadOk({dataPath("batfish/test-vpc-peering")})->warnings().empty());

    std::string many = R"({"Subnets": [)";
    for (int i = 0; i < 8; ++i)
      many += (i ? "," : "") + std::string(R"({"SubnetId": "s)") + std::to_string(i) + R"(", "CidrBlock": "10.0.)" +
              std::to_string(i) + R"(.1/24"})";
    many += "]}";
    fb = jsonOk(many);
    w = warningsOf(*fb);
    CHECK(fb->warnings().size() == 6);
    CHECK(w.find("3 more warnings of this file not shown (non-canonical CIDR)") != std::string::npos);
  }

  TEST_CASE("a single AWS CLI output or an empty document loads from memory") {
    auto fb = jsonOk(R"({"Subnets": [{"SubnetId": "subnet-1", "AvailabilityZone": "eu-central-1b",
                         "CidrBlock": "10.0.0.0/24", "VpcId": "vpc-1"}]})");
    CHECK(text(*fb, "subnet", "subnet-1", "region") == "eu-central-1");
    CHECK(text(*fb, "subnet", "subnet-1", "vpc") == "null");
    CHECK(jsonOk("  \n")->count(kind("vpc")) == 0);
    CHECK(jsonOk("[]")->count(kind("vpc")) == 0);
    CHECK(jsonOk(R"({"format": "ward-facts", "version": 1, "facts": {}})")->count(kind("vpc")) == 0);
  }

  TEST_CASE("errors in Ward facts name the place and what was expected") {
    std::string e = jsonError(R"({"format": "ward-facts", "version": 1, "facts": {"subnt": []}})");
    CHECK(e.find("facts.json:1:50: error: unknown fact kind 'subnt' at /facts/subnt") != std::string::npos);
    CHECK(e.find("note: did you mean 'subnet'?") != std::string::npos);

    e = jsonError(R"({"facts": {"subnet": [{"id": "s1", "privat": true}]}})");
    CHECK(e.find("facts.json:1:36: error: subnet has no attribute 'privat' (at /facts/subnet/0/privat)") !=
          std::string::npos);
    CHECK(e.find("did you mean 'private'?") != std::string::npos);

    e = jsonError(R"({"facts": {"subnet": [{"id": "s1", "public": true}]}})");
    CHECK(e.find("subnet.public is derived") != std::string::npos);
    CHECK(e.find("cannot be set") != std::string::npos);

    e = jsonError("{\"facts\": {\n  \"subnet\": [\n    {\"id\": \"s1\", \"cidr\": \"10.0.0/16\"}]}}");
    CHECK(e.find("facts.json:3:26: error: expected a CIDR block such as \"10.0.0.0/16\" at /facts/subnet/0/cidr, "
                 "got \"10.0.0/16\"") != std::string::npos);

    e = jsonError(R"({"facts": {"subnet": [{"id": "s1", "map_public_ip": "yes"}]}})");
    CHECK(e.find("expected true or false at /facts/subnet/0/map_public_ip, got the string \"yes\"") !=
          std::string::npos);
    e = jsonError(R"({"facts": {"nacl_entry": [{"id": "e", "traffic": "tcp 99999"}]}})");
    CHECK(e.find("expected traffic such as") != std::string::npos);
    e = jsonError(R"({"facts": {"subnet": [{"id": "s1", "vpc": 7}]}})");
    CHECK(e.find("expected a string at /facts/subnet/0/vpc, got the number 7") != std::string::npos);
    e = jsonError(R"({"facts": {"route_table": [{"id": "r", "subnets": "s1"}]}})");
    CHECK(e.find("expected an array at /facts/route_table/0/subnets") != std::string::npos);
    e = jsonError(R"({"facts": {"subnet": [{"cidr": "10.0.0.0/24"}]}})");
    CHECK(e.find("a subnet needs an \"id\" (at /facts/subnet/0)") != std::string::npos);
    e = jsonError(R"({"format": "ward-facts", "version": 2, "facts": {}})");
    CHECK(e.find("unsupported ward-facts version 2") != std::string::npos);
    e = jsonError(R"({"format": "other", "facts": {}})");
    CHECK(e.find("expected \"ward-facts\" at /format") != std::string::npos);
    e = jsonError(R"({"facts": {}, "intent": {}})");
    CHECK(e.find("unknown top-level key 'intent'") != std::string::npos);
    CHECK(e.find("did you mean 'intents'?") != std::string::npos);
    e = jsonError(R"({"intents": {"blocklist": ["203.0.113.300/32"]}})");
    CHECK(e.find("at /intents/blocklist/0") != std::string::npos);
  }

  TEST_CASE("an object's id is found wherever and however it is written") {
    // Aws::peek finds the id with simdjson's search of raw keys when the id is
    // a plain string, and falls back to reading every key otherwise: both
    // must give the same id, and the fallback the same errors.
    const std::string after = R"("Attachment": {"InstanceId": "i-1", "Status": "attached"},
                                 "Groups": [{"GroupId": "sg-1", "GroupName": "g"}], "Description": "d", )";
    auto ids = [&](const std::string& eni) {
      auto fb = jsonOk(R"({"NetworkInterfaces": [)" + eni + "]}");
      std::vector<std::string> out;
      const KindId k = kind("network_interface");
      for (EntityIndex i = 0; i < fb->count(k); ++i) out.emplace_back(fb->idOf(k, i));
      return out;
    };
    using V = std::vector<std::string>;
    // After nested objects and arrays (the search skips them), and first.
    CHECK(ids("{" + after + R"("NetworkInterfaceId": "eni-1", "VpcId": "vpc-1"})") == V{"eni-1"});
    CHECK(ids(R"({"NetworkInterfaceId": "eni-2", )" + after + R"("VpcId": "vpc-1"})") == V{"eni-2"});
    // An escape in the value, or only in the key: the fallback unescapes both.
    CHECK(ids("{" + after + R"("NetworkInterfaceId": "eni-\u0033"})") == V{"eni-3"});
    CHECK(ids("{" + after + R"("NetworkInterface\u0049d": "eni-4"})") == V{"eni-4"});
    // The other readers of an object's fields still see the ones before the id.
    auto fb = jsonOk(R"({"NetworkInterfaces": [{)" + after + R"("NetworkInterfaceId": "eni-5"}]})");
    CHECK(text(*fb, "network_interface", "eni-5", "description") == "d");
    // Errors: no id, a null id, an id of another type (named by its pointer).
    std::string e = jsonError(R"({"NetworkInterfaces": [{)" + after + R"("VpcId": "vpc-1"}]})");
    CHECK(e.find("a network_interface without NetworkInterfaceId at /NetworkInterfaces/0") != std::string::npos);
    e = jsonError(R"({"NetworkInterfaces": [{"NetworkInterfaceId": null}]})");
    CHECK(e.find("a network_interface without NetworkInterfaceId at /NetworkInterfaces/0") != std::string::npos);
    e = jsonError(R"({"NetworkInterfaces": [{)" + after + R"("NetworkInterfaceId": 7}]})");
    CHECK(e.find("expected a string at /NetworkInterfaces/0/NetworkInterfaceId, got the number 7") !=
          std::string::npos);
  }

  TEST_CASE("errors in AWS CLI outputs name the JSON pointer") {
    std::string e = jsonError(R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": 42}]})");
    CHECK(e.find("expected a string at /Vpcs/0/CidrBlock, got the number 42") != std::string::npos);
    e = jsonError(R"({"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]})");
    CHECK(e.find("facts.json:1:11: error: a vpc without VpcId at /Vpcs/0") != std::string::npos);
    e = jsonError(R"({"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"GatewayId": "local"}]}]})");
    CHECK(e.find("facts.json:1:55: error: a route without a destination at /RouteTables/0/Routes/0") !=
          std::string::npos);
    e = jsonError(R"({"Vpcs": {"VpcId": "vpc-1"}})");
    CHECK(e.find("expected an array at /Vpcs, got an object") != std::string::npos);
    e = jsonError(R"({"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 1, "Protocol": "bogus"}]}]})");
    CHECK(e.find("expected an IP protocol") != std::string::npos);
    CHECK(e.find("/NetworkAcls/0/Entries/0/Protocol") != std::string::npos);
    e = jsonError(R"({"Subnets": [{"SubnetId": "s", "CidrBlock": "10.0.0.0/33"}]})");
    CHECK(e.find("facts.json:1:45: error: expected a CIDR block") != std::string::npos);
    e = jsonError("42");
    CHECK(e.find("expected an object or an array at the top level, got 42") != std::string::npos);
  }

  TEST_CASE("malformed JSON is reported at its line and column") {
    std::string e = jsonError("{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\"");
    CHECK(e.find("facts.json:2:20: error: malformed JSON: unexpected end of the file: expected ',' or '}'") !=
          std::string::npos);
    e = jsonError("{\"Vpcs\": [\n  {\"VpcId\" \"vpc-1\"}]}");
    CHECK(e.find("facts.json:2:12: error: malformed JSON: expected ':' after the member name") != std::string::npos);
    e = jsonError("{\"Vpcs\": []} {}");
    CHECK(e.find("facts.json:1:14: error: malformed JSON: unexpected content after the JSON value") !=
          std::string::npos);
    e = jsonError("{\"Vpcs\": [], \"Junk\": [tru]}");
    CHECK(e.find("facts.json:1:23: error: malformed JSON: invalid literal") != std::string::npos);
    e = jsonError("{\"Vpcs\": [], \"Junk\": \"abc}");
    CHECK(e.find("facts.json:1:22: error: malformed JSON: unterminated string") != std::string::npos);
    e = jsonError("{\"Vpcs\": [], \"Junk\": [01]}");
    CHECK(e.find("malformed JSON") != std::string::npos);
  }

  TEST_CASE("load limits: nesting depth and file size") {
    std::string deep = "{\"Other\": " + std::string(40, '[') + std::string(40, ']') + "}";
    std::string e = jsonError(deep, limitsOf(1ull << 30, 16));
    CHECK(e.find("facts.json:1:26: error: malformed JSON: JSON nested deeper than 16 levels") != std::string::npos);
    CHECK(loadFactsFromJson(deep, "facts.json").has_value());
    // Very deep input fails cleanly instead of overflowing the stack.
    std::string abyss = std::string(100000, '[') + std::string(100000, ']');
    CHECK_FALSE(loadFactsFromJson(abyss, "abyss.json", limitsOf(1ull << 30, 1u << 30)).has_value());

    auto r = loadFacts({dataPath("batfish/test-subnet")}, limitsOf(100, 256));
    REQUIRE_FALSE(r.has_value());
    CHECK(renderAll(r.error()).find("bytes, over the limit of 100 bytes per file") != std::string::npos);
    r = loadFacts({dataPath("no/such/folder")});
    REQUIRE_FALSE(r.has_value());
    CHECK(renderAll(r.error()).find("no such file or folder") != std::string::npos);
  }

  TEST_CASE("load: a named input that is not a regular file is an error, and a FIFO does not block") {
    TempDir tmp;
    std::string fifo = (tmp.path / "pipe.json").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto r = loadFacts({fifo});
    REQUIRE_FALSE(r.has_value());
    CHECK(renderAll(r.error()).find("pipe.json: error: cannot read the file: it is not a regular file") !=
          std::string::npos);
    // Files still load next to it, and the error names only the FIFO.
    std::string ok = tmp.write("vpcs.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
    r = loadFacts({ok, fifo});
    REQUIRE_FALSE(r.has_value());
    CHECK(renderAll(r.error()).find("vpcs.json") == std::string::npos);
  }

  TEST_CASE("the fast address parsers agree with net::") {
    for (std::string_view s : {"10.0.0.0/16", "0.0.0.0/0", "255.255.255.255/32", "1.2.3.4/33", "1.2.3.4/", "1.2.3/8",
                               "01.2.3.4/8", "1.2.3.4/08", "256.1.1.1/8", "1.2.3.4/1x", "::/0", "2001:db8::/32",
                               "10.0.0.5/24", "1.2.3.4", "", "/", "1.2.3.4/123", " 1.2.3.4/8", "1.2.3.4/8 "}) {
      CAPTURE(s);
      auto fast = load::parseCidrFast(s), slow = net::parseCidr(s);
      REQUIRE(fast.has_value() == slow.has_value());
      if (fast) CHECK(*fast == *slow);
    }
    for (std::string_view s : {"10.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
                               "2001:db8::1", "", "1.2.3.4 ", "1234.1.1.1", "1.2.3.1234", "1..2.3", "1.2.3.", ".1.2.3",
                               "00.1.2.3", "1.2.3.00", "1.2.3.0", "249.250.251.252", "199.200.99.9", "1.2.3.4x"}) {
      CAPTURE(s);
      auto fast = load::parseIpFast(s), slow = net::parseIp(s);
      REQUIRE(fast.has_value() == slow.has_value());
      if (fast) CHECK(*fast == *slow);
    }
    // Every octet spelling of up to three characters (digits, leading zeros,
    // values past 255, a stray letter), in each of the four places, and
    // every prefix spelling up to three characters.
    std::vector<std::string> octets;
    const std::string chars = "0123456789a";
    for (char a : chars) {
      octets.push_back(std::string(1, a));
      for (char b : chars) {
        octets.push_back(std::string{a, b});
        for (char c : std::string("05689a")) octets.push_back(std::string{a, b, c});
      }
    }
    size_t accepted = 0;
    for (int place = 0; place < 4; ++place)
      for (const std::string& o : octets) {
        std::string parts[4] = {"10", "20", "30", "40"};
        parts[place] = o;
        const std::string ip = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
        CAPTURE(ip);
        auto fast = load::parseIpFast(ip), slow = net::parseIp(ip);
        REQUIRE(fast.has_value() == slow.has_value());
        if (fast) {
          CHECK(*fast == *slow);
          ++accepted;
        }
        for (std::string_view prefix : {"/0", "/8", "/32", "/33", "/08", "/"}) {
          const std::string cidr = ip + std::string(prefix);
          CAPTURE(cidr);
          auto fc = load::parseCidrFast(cidr), sc = net::parseCidr(cidr);
          REQUIRE(fc.has_value() == sc.has_value());
          if (fc) CHECK(*fc == *sc);
        }
      }
    // The valid ones: 0-255 spelled without a leading zero.
    auto valid = [](const std::string& o) {
      return o.find_first_not_of("0123456789") == std::string::npos && std::to_string(std::stoi(o)) == o &&
             std::stoi(o) <= 255;
    };
    CHECK(accepted == 4 * static_cast<size_t>(std::count_if(octets.begin(), octets.end(), valid)));
    CHECK(accepted > 4 * 150);
  }

  TEST_CASE("CIDR blocks: canonical ones load as written, others are fixed with a warning") {
    // IPv4 blocks take a shortcut for the host-bit check; its edges (prefix 0
    // and 32) against the general one, and IPv6 through the general one.
    auto groupWith = [](std::string_view cidr) {
      return fmt::format(R"({{"SecurityGroups": [{{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
        {{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{{"CidrIp": "{}"}}]}}]}}]}})",
                         cidr);
    };
    struct Case {
      std::string_view in, stored;
      bool warns;
    };
    for (const Case& c : {Case{"0.0.0.0/0", "0.0.0.0/0", false}, Case{"10.0.0.1/0", "0.0.0.0/0", true},
                          Case{"10.1.2.3/32", "10.1.2.3/32", false}, Case{"10.1.2.3/31", "10.1.2.2/31", true},
                          Case{"10.1.2.0/24", "10.1.2.0/24", false}, Case{"10.1.2.128/24", "10.1.2.0/24", true},
                          Case{"128.0.0.0/1", "128.0.0.0/1", false}, Case{"192.0.0.0/1", "128.0.0.0/1", true}}) {
      CAPTURE(c.in);
      auto r = loadFactsFromJson(groupWith(c.in), "sg.json");
      REQUIRE(r.has_value());
      const FactBase& fb = **r;
      const KindId rule = *fb.schema().findKind("sg_rule");
      REQUIRE(fb.count(rule) == 1);
      const Value v = fb.get(rule, 0, *fb.schema().kind(rule).find("cidr"));
      REQUIRE(v.tag == Tag::Cidr);
      CHECK(net::format(v.asCidr()) == c.stored);
      bool warned = false;
      for (const Diagnostic& d : fb.warnings()) warned = warned || d.message.find("host bits set") != std::string::npos;
      CHECK(warned == c.warns);
    }
  }

  TEST_CASE("progress is reported after every file, up to the bytes of every input") {
    const fs::path folder = dataDir() / "batfish";
    uint64_t expected = 0;
    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
      if (entry.is_regular_file() && entry.path().extension() == ".json" &&
          entry.path().filename().string().front() != '.') {
        expected += fs::file_size(entry.path());
        ++files;
      }
    REQUIRE(files > 10);
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    LoadLimits limits;
    limits.progress = [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); };
    auto r = loadFacts({folder.string()}, limits);
    REQUIRE(r);
    REQUIRE(calls.size() == files);
    for (size_t i = 0; i < calls.size(); ++i) {
      CHECK(calls[i].second == expected);
      if (i > 0) CHECK(calls[i].first > calls[i - 1].first);
    }
    CHECK(calls.back().first == expected);
    // Without a callback the load is the same.
    auto plain = loadFacts({folder.string()});
    REQUIRE(plain);
    CHECK(toWardJson(**plain) == toWardJson(**r));
  }

  TEST_CASE("loads on one thread reuse its parser and buffer without carrying anything over") {
    // The thread keeps its last load's parser and buffer (runtime/load/load.cpp,
    // threadScratch); a load that follows a larger or smaller one, or starts
    // from inside another's progress callback, must load as if it were alone.
    const std::string batfish = (dataDir() / "batfish").string(), sagemaker = (dataDir() / "sagemaker").string();
    LoadLimits oneThread;
    oneThread.threads = 1;
    auto first = loadFacts({batfish}, oneThread);
    REQUIRE(first);
    const std::string batfishJson = toWardJson(**first);
    auto other = loadFacts({sagemaker}, oneThread);
    REQUIRE(other);
    const std::string sagemakerJson = toWardJson(**other);
    // A file of over 1 MB (one the kept parser is given up after) in between.
    std::string big = "{\"Vpcs\": [";
    for (int i = 0; big.size() < (3u << 19); ++i)
      big += (i ? ", " : "") + std::string(R"({"VpcId": "vpc-)") + std::to_string(i) + R"(", "CidrBlock": "10.0.0.0/16"})";
    big += "]}";
    auto bigFacts = loadFactsFromJson(big, "big.json");
    REQUIRE(bigFacts);
    CHECK((*bigFacts)->count(*(*bigFacts)->schema().findKind("vpc")) > 10000);
    auto again = loadFacts({batfish}, oneThread);
    REQUIRE(again);
    CHECK(toWardJson(**again) == batfishJson);

    // From inside a load's progress callback, another load on the same thread.
    std::vector<std::string> inner;
    LoadLimits limits = oneThread;
    limits.progress = [&](uint64_t, uint64_t) {
      auto r = loadFacts({sagemaker}, oneThread);
      inner.push_back(r ? toWardJson(**r) : std::string("failed"));
    };
    auto outer = loadFacts({batfish}, limits);
    REQUIRE(outer);
    CHECK(toWardJson(**outer) == batfishJson);
    REQUIRE(inner.size() > 10);
    for (const std::string& j : inner) CHECK(j == sagemakerJson);
  }

  TEST_CASE("a cancelled load stops before the next file and fails, with no fact base") {
    const fs::path folder = dataDir() / "batfish";
    std::atomic<bool> cancel{false};
    LoadLimits limits;
    limits.cancel = &cancel;
    size_t filesSeen = 0;
    // Cancelled from the progress callback after the third file.
    limits.progress = [&](uint64_t, uint64_t) {
      if (++filesSeen == 3) cancel = true;
    };
    auto r = loadFacts({folder.string()}, limits);
    REQUIRE_FALSE(r);
    CHECK(filesSeen == 3);
    REQUIRE(r.error().size() == 1);
    CHECK(r.error()[0].message == "the load was cancelled");
    // Set before the load starts: no file is read.
    filesSeen = 0;
    auto early = loadFacts({folder.string(), dataPath("no/such/folder")}, limits);
    REQUIRE_FALSE(early);
    CHECK(filesSeen == 0);
    CHECK(early.error()[0].message == "the load was cancelled");
    // Left false, the load is the same as without the flag.
    cancel = false;
    LoadLimits unset;
    std::atomic<bool> never{false};
    unset.cancel = &never;
    auto a = loadFacts({folder.string()}, unset), b = loadFacts({folder.string()});
    REQUIRE(a);
    REQUIRE(b);
    CHECK(toWardJson(**a) == toWardJson(**b));
  }

  TEST_CASE("truncated copies of every fixture file fail cleanly, never partially") {
    TempDir tmp;
    std::regex located(R"(\.json:\d+:\d+: error: malformed JSON: )");
    size_t files = 0, cases = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dataDir() / "batfish")) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      std::string content = readFile(entry.path());
      size_t last = content.find_last_of("}]");
      size_t first = content.find_first_of("{[");
      REQUIRE(last != std::string::npos);
      ++files;
      for (int k = 1; k <= 7; ++k) {
        // Strictly inside the top-level value, so the prefix is never valid JSON.
        size_t cut = k == 7 ? last : first + 1 + (last - first - 1) * k / 7;
        std::string name = entry.path().filename().string();
        std::string path = tmp.write(name, content.substr(0, cut));
        auto r = loadFacts({path});
        ++cases;
        REQUIRE_MESSAGE(!r.has_value(), name << " cut at " << cut << " loaded");
        std::string e = renderAll(r.error());
        CHECK_MESSAGE(std::regex_search(e, located), e);
      }
    }
    CHECK(files >= 60);
    CHECK(cases == files * 7);

    // A whole snapshot with one bad file fails as a whole.
    for (const auto& entry : fs::directory_iterator(dataDir() / "batfish" / "test-nat-gateway" / "aws_configs"))
      tmp.write("snap/" + entry.path().filename().string(), readFile(entry.path()));
    std::string routes = readFile(dataDir() / "batfish" / "test-nat-gateway" / "aws_configs" / "RouteTables.json");
    tmp.write("snap/RouteTables.json", routes.substr(0, routes.size() / 2));
    auto r = loadFacts({(tmp.path / "snap").string()});
    REQUIRE_FALSE(r.has_value());
    CHECK(renderAll(r.error()).find("RouteTables.json:") != std::string::npos);
  }
}
