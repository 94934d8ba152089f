// Acceptance tests for reachability: the 28 flows Batfish's AWS tests check on
// five real snapshots (fixtures/batfish/EXPECTED.md), one case per flow, with
// the outcome, the hop sequence, the deciding component and the reply.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/load/load.hpp"
#include "runtime/net/reach.hpp"

using namespace ward;
using namespace ward::net;

#ifndef WARD_SOURCE_ROOT
// The test build passes the source tree; without it, run from the repo root.
#define WARD_SOURCE_ROOT "."
#endif

namespace {

// Where shared/ is: $WARD_SHARED, else beside the repository (CI clones both
// side by side).
std::string sharedDir() {
  if (const char* env = std::getenv("WARD_SHARED"); env != nullptr && *env != '\0') return env;
  return std::string(WARD_SOURCE_ROOT) + "/../shared";
}

// Each snapshot is loaded once and shared by its flows.
const ReachEngine& engine(const std::string& snapshot) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<ReachEngine>> engines;
  std::lock_guard<std::mutex> lock(mu);
  auto it = engines.find(snapshot);
  if (it != engines.end()) return *it->second;
  std::string dir = sharedDir() + "/fixtures/batfish/" + snapshot + "/aws_configs";
  INFO("snapshot folder: ", dir, " (set WARD_SHARED to the shared/ folder)");
  REQUIRE(std::filesystem::is_directory(dir));
  auto facts = loadFacts({dir});
  REQUIRE_MESSAGE(facts.has_value(), (facts ? std::string() : facts.error().front().message));
  auto e = std::make_unique<ReachEngine>(**facts);
  return *engines.emplace(snapshot, std::move(e)).first->second;
}

// Batfish's "proto 0": no protocol set, no ports.
constexpr int16_t kProto0 = 0;

struct Flow {
  std::string from;
  std::string to;
  int16_t proto = kProto0;
  std::optional<uint16_t> dstPort{};
  std::optional<IpAddr> srcIp{};
};

ReachResult run(const std::string& snapshot, const Flow& f) {
  FlowQuery q;
  q.from = f.from;
  q.to = f.to;
  q.proto = f.proto;
  q.dstPort = f.dstPort;
  q.srcIp = f.srcIp;
  auto r = engine(snapshot).trace(q);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().front().message));
  REQUIRE(!r->traces.empty());
  return std::move(*r);
}

std::vector<std::string> nodes(const Trace& t) {
  std::vector<std::string> out;
  for (const Hop& h : t.hops) out.push_back(h.node);
  return out;
}

IpAddr ip(const char* text) { return *parseIp(text); }

// Checks one trace's outcome and hop sequence, printing the whole trace on failure.
void expectTrace(const Trace& t, Outcome outcome, const std::vector<std::string>& hops) {
  ReachResult shown;
  shown.traces.push_back(t);
  INFO(renderText(shown));
  CHECK(outcomeName(t.outcome) == std::string(outcomeName(outcome)));
  CHECK(nodes(t) == hops);
}

// The bidirectional check: exactly one forward trace, delivered, and an
// accepted reply along `replyHops`.
void expectBidirectional(const ReachResult& r, Outcome forward, const std::vector<std::string>& hops,
                         const std::vector<std::string>& replyHops) {
  INFO(renderText(r));
  REQUIRE(r.traces.size() == 1);
  expectTrace(r.traces[0], forward, hops);
  REQUIRE(r.returnTrace.has_value());
  expectTrace(*r.returnTrace, Outcome::Accepted, replyHops);
}

}  // namespace

TEST_SUITE("net.reach.batfish.subnet") {
  const std::string kSnap = "test-subnet";
  const std::string kI1 = "i-08ef86e76fceabd8d", kI2 = "i-07519d6ba3f9497e4";
  const std::string kSubnet = "subnet-06c8307e34ffadb04", kVpc = "vpc-062867d29dbf9386f";
  const std::string kAcl = "acl-07102431133dec52a";

  TEST_CASE("subnet #1: instance to instance in one subnet skips the NACL and is denied by the SG") {
    auto r = run(kSnap, {kI1, "10.10.1.44"});
    const Trace& t = r.traces[0];
    expectTrace(t, Outcome::DeniedIn, {kI1, kI2});
    REQUIRE(t.hops.size() == 2);
    REQUIRE(t.hops[0].filters.size() == 1);
    CHECK(t.hops[0].filters[0].find("eni-010f649a7fc5c1e34 egress") == 0);
    CHECK(t.hops[0].filters[0].find(": permit") != std::string::npos);
    REQUIRE(t.hops[1].filters.size() == 1);
    CHECK(t.hops[1].filters[0].find("eni-029bf1092de61fb40 ingress") == 0);
    REQUIRE(t.blockedBy.has_value());
    CHECK(t.blockedBy->component == "eni-029bf1092de61fb40");
    CHECK(t.blockedBy->reason == "ENI_SG_RULES_MISMATCH");
  }

  TEST_CASE("subnet #2: an address in the VPC but in no subnet is null-routed at the VPC") {
    auto r = run(kSnap, {kI1, "10.10.0.1"});
    const Trace& t = r.traces[0];
    expectTrace(t, Outcome::NullRouted, {kI1, kSubnet, kVpc});
    REQUIRE(t.hops.size() == 3);
    CHECK(t.hops[1].filters == std::vector<std::string>{kAcl + " outbound: permit #100"});
    CHECK(t.blockedBy->component == kVpc);
  }

  TEST_CASE("subnet #3: traffic injected at the VPC router is denied by the SG") {
    auto r = run(kSnap, {kVpc, "10.10.1.44"});
    const Trace& t = r.traces[0];
    expectTrace(t, Outcome::DeniedIn, {kVpc, kSubnet, kI2});
    REQUIRE(t.hops.size() == 3);
    CHECK(t.hops[1].filters == std::vector<std::string>{kAcl + " inbound: permit #100"});
    CHECK(t.blockedBy->component == "eni-029bf1092de61fb40");
    CHECK(t.blockedBy->reason == "ENI_SG_RULES_MISMATCH");
  }

  TEST_CASE("subnet (non-flow): instances are stateful, so the reply to an admitted flow passes") {
    auto r = run(kSnap, {kI1, "10.10.1.44", kTcp, 22});
    expectBidirectional(r, Outcome::Accepted, {kI1, kI2}, {kI2, kI1});
    CHECK(r.returnTrace->hops[0].filters[0].find("session") != std::string::npos);
  }
}

TEST_SUITE("net.reach.batfish.public_private") {
  const std::string kSnap = "test-public-private-subnet";
  const std::string kPubI = "i-094a9e5b545a4fde4", kPrivI = "i-099cf38911942421c";
  const std::string kPubS = "subnet-0cf7a93fbd779f3a3", kPrivS = "subnet-0f263105946ad1a1d";
  const std::string kVpc = "vpc-0b966fdeb36d5e43f", kIgw = "igw-0eac198308206c358";
  const std::string kVgw = "vgw-070087240d6fa2989";
  const std::string kPubEni = "eni-09da8cad43844dc1f", kPrivEni = "eni-07c1506e49d784fe0";

  TEST_CASE("public-private #1: the private subnet sends a public IP to the VGW, which has no route") {
    auto r = run(kSnap, {kPrivI, "13.58.55.60"});
    expectTrace(r.traces[0], Outcome::NoRoute, {kPrivI, kPrivS, kVpc, kVgw});
    CHECK(r.traces[0].blockedBy->component == kVgw);
  }

  TEST_CASE("public-private #2: private to public instance is denied by the SG") {
    auto r = run(kSnap, {kPrivI, "10.0.0.47"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kPrivI, kPrivS, kVpc, kPubS, kPubI});
    CHECK(r.traces[0].blockedBy->component == kPubEni);
  }

  TEST_CASE("public-private #3: public to private instance is denied by the SG") {
    auto r = run(kSnap, {kPubI, "10.0.1.204"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kPubI, kPubS, kVpc, kPrivS, kPrivI});
    CHECK(r.traces[0].blockedBy->component == kPrivEni);
  }

  TEST_CASE("public-private #4: the internet reaches the public IP through the IGW and hits the SG") {
    auto r = run(kSnap, {"internet", "13.58.55.60", kProto0, std::nullopt, ip("8.8.8.8")});
    expectTrace(r.traces[0], Outcome::DeniedIn, {"internet", "aws-backbone", kIgw, kVpc, kPubS, kPubI});
    CHECK(r.traces[0].blockedBy->component == kPubEni);
    CHECK(r.traces[0].hops[2].notes == std::vector<std::string>{"destination nat 13.58.55.60 -> 10.0.0.47"});
  }

  TEST_CASE("public-private #5: the internet drops a private destination") {
    auto r = run(kSnap, {"internet", "10.0.0.47"});
    expectTrace(r.traces[0], Outcome::NullRouted, {"internet"});
    CHECK(r.traces[0].blockedBy->reason == "PRIVATE_ADDRESS_ON_INTERNET");
  }

  TEST_CASE("public-private #6: the public instance reaches the internet") {
    auto r = run(kSnap, {kPubI, "8.8.8.8"});
    expectTrace(r.traces[0], Outcome::ExitsNetwork, {kPubI, kPubS, kVpc, kIgw, "aws-backbone", "internet"});
  }

  TEST_CASE("public-private #7: the private instance's default route ends at the VGW") {
    auto r = run(kSnap, {kPrivI, "8.8.8.8"});
    expectTrace(r.traces[0], Outcome::NoRoute, {kPrivI, kPrivS, kVpc, kVgw});
  }

  TEST_CASE("public-private #8: the public subnet sends site traffic to the internet") {
    auto r = run(kSnap, {kPubI, "19.168.0.0"});
    expectTrace(r.traces[0], Outcome::ExitsNetwork, {kPubI, kPubS, kVpc, kIgw, "aws-backbone", "internet"});
  }

  TEST_CASE("public-private #9: the private subnet reaches the site over both VPN tunnels") {
    auto r = run(kSnap, {kPrivI, "19.168.0.0"});
    REQUIRE(r.traces.size() == 2);
    for (const Trace& t : r.traces) expectTrace(t, Outcome::ExitsNetwork, {kPrivI, kPrivS, kVpc, kVgw});
    CHECK(r.traces[0].hops.back().notes != r.traces[1].hops.back().notes);
  }

  TEST_CASE("public-private #10: the VGW has no route to the VPC's public addresses") {
    auto r = run(kSnap, {kVgw, "13.58.55.60"});
    expectTrace(r.traces[0], Outcome::NoRoute, {kVgw});
  }

  TEST_CASE("public-private #11: the VGW reaches the public subnet and is denied by the SG") {
    auto r = run(kSnap, {kVgw, "10.0.0.47"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kVgw, kVpc, kPubS, kPubI});
    CHECK(r.traces[0].blockedBy->component == kPubEni);
  }

  TEST_CASE("public-private #12: the VGW reaches the private subnet and is denied by the SG") {
    auto r = run(kSnap, {kVgw, "10.0.1.204"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kVgw, kVpc, kPrivS, kPrivI});
    CHECK(r.traces[0].blockedBy->component == kPrivEni);
  }
}

TEST_SUITE("net.reach.batfish.nat_gateway") {
  const std::string kSnap = "test-nat-gateway";
  const std::string kT1 = "i-0a128d26e59be60f3", kJump = "i-0b31b509174d7f5de";
  const std::string kS1 = "subnet-06f469bcee42e408e", kSn = "subnet-0428892a357fa1f94";
  const std::string kVpc = "vpc-0008a7b45e3ddf1dd", kNat = "nat-07ab4846da51f4612";
  const std::string kIgw = "igw-071753b9c23d8a9b2";

  TEST_CASE("nat #1: tcp through the NAT gateway to the internet, and the reply back") {
    auto r = run(kSnap, {kT1, "8.8.8.8", kTcp, 80});
    expectBidirectional(r, Outcome::ExitsNetwork,
                        {kT1, kS1, kVpc, kNat, kSn, kVpc, kIgw, "aws-backbone", "internet"},
                        {"internet", "aws-backbone", kIgw, kVpc, kSn, kNat, kVpc, kS1, kT1});
    // The NAT rewrites the source to its private address, the IGW to its EIP.
    CHECK(r.traces[0].hops[3].notes.back() == "source nat 10.1.1.98:49152 -> 10.1.250.210:1024");
    CHECK(r.traces[0].hops[6].notes.back() == "source nat 10.1.250.210 -> 3.135.127.225");
  }

  TEST_CASE("nat #2: the NAT gateway drops protocols other than tcp, udp and icmp") {
    auto r = run(kSnap, {kT1, "8.8.8.8", 107});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kT1, kS1, kVpc, kNat});
    CHECK(r.traces[0].blockedBy->component == kNat);
    CHECK(r.traces[0].blockedBy->reason == "NAT_UNSUPPORTED_PROTOCOL");
  }

  TEST_CASE("nat #3: unsolicited inbound traffic to the NAT's EIP is dropped at the NAT") {
    auto r = run(kSnap, {"internet", "3.135.127.225", kTcp, 80, ip("8.8.8.8")});
    expectTrace(r.traces[0], Outcome::DeniedIn, {"internet", "aws-backbone", kIgw, kVpc, kSn, kNat});
    CHECK(r.traces[0].blockedBy->component == kNat);
    CHECK(r.traces[0].blockedBy->reason == "NAT_NO_SESSION");
  }

  TEST_CASE("nat #4: the NAT gateway does not serve its own subnet") {
    auto r = run(kSnap, {kJump, "10.1.250.210", kTcp, 80});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kJump, kNat});
    CHECK(r.traces[0].blockedBy->component == kNat);
    CHECK(r.traces[0].blockedBy->reason == "NAT_SAME_SUBNET");
  }
}

TEST_SUITE("net.reach.batfish.endpoint_gateway") {
  const std::string kSnap = "test-vpc-endpoint-gateway";
  const std::string kPubI = "i-0464d440ca0ee9e34", kPrivI = "i-01c6c0647fdccc89e";
  const std::string kPubS = "subnet-04391f04b912d0a73", kPrivS = "subnet-01e5f0945f6d6f47c";
  const std::string kVpc = "vpc-05d56c7295fca139b", kVpce = "vpce-0b7357542bb7b83ec";
  const std::string kIgw = "igw-0c8afe4471084ccba";

  TEST_CASE("endpoint #1: the private subnet reaches S3 through the gateway endpoint") {
    auto r = run(kSnap, {kPrivI, "52.216.237.77", kTcp, 443});
    expectBidirectional(r, Outcome::ExitsNetwork, {kPrivI, kPrivS, kVpc, kVpce}, {kVpce, kVpc, kPrivS, kPrivI});
  }

  TEST_CASE("endpoint #2: the prefix-list route beats the public subnet's default route") {
    auto r = run(kSnap, {kPubI, "52.216.237.77", kTcp, 443});
    expectBidirectional(r, Outcome::ExitsNetwork, {kPubI, kPubS, kVpc, kVpce}, {kVpce, kVpc, kPubS, kPubI});
  }

  TEST_CASE("endpoint #3: the private subnet has no route to a service outside the S3 list") {
    auto r = run(kSnap, {kPrivI, "54.222.57.1", kTcp, 443});
    expectTrace(r.traces[0], Outcome::NoRoute, {kPrivI, kPrivS});
    CHECK(r.traces[0].blockedBy->component == "rtb-04f71fc2caa8d94cf");
  }

  TEST_CASE("endpoint #4: the public subnet reaches other AWS services over the internet gateway") {
    auto r = run(kSnap, {kPubI, "54.222.57.1", kTcp, 443});
    expectBidirectional(r, Outcome::ExitsNetwork, {kPubI, kPubS, kVpc, kIgw, "aws-backbone", "aws-services-gateway"},
                        {"aws-services-gateway", "aws-backbone", kIgw, kVpc, kPubS, kPubI});
    CHECK(r.traces[0].hops[3].notes.back() == "source nat 10.1.1.169 -> 18.206.223.222");
  }
}

TEST_SUITE("net.reach.batfish.peering") {
  const std::string kSnap = "test-vpc-peering";
  const std::string kIa = "i-06ba034d88c84ef07", kIb = "i-0b14080af811fda3d";
  const std::string kSa = "subnet-006a19c846f047bd7", kSb = "subnet-0ebf6378a79a3e534";
  const std::string kVa = "vpc-0404e08ceddf7f650", kVb = "vpc-00a31ce9d0c06675c";

  TEST_CASE("peering #1: A reaches B over the A-B peering (not A-C) and is denied by B's SG") {
    auto r = run(kSnap, {kIa, "192.168.1.106"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kIa, kSa, kVa, kVb, kSb, kIb});
    CHECK(r.traces[0].blockedBy->component == "eni-0024c0af5aa1387e5");
    CHECK(r.traces[0].hops[2].notes.back() == "peering pcx-0b89b559e3319d6cf -> " + kVb);
  }

  TEST_CASE("peering #2: B reaches A and is denied by A's SG") {
    auto r = run(kSnap, {kIb, "10.10.10.157"});
    expectTrace(r.traces[0], Outcome::DeniedIn, {kIb, kSb, kVb, kVa, kSa, kIa});
    CHECK(r.traces[0].blockedBy->component == "eni-0f0708220e812876c");
  }

  TEST_CASE("peering #3: A's table covers only B's and C's subnets, not the whole shared block") {
    auto r = run(kSnap, {kIa, "192.168.100.1"});
    expectTrace(r.traces[0], Outcome::NoRoute, {kIa, kSa});
    CHECK(r.traces[0].blockedBy->component == "rtb-0891861fffaea6d52");
  }

  TEST_CASE("peering #4: an address in A's block but in no subnet is null-routed at A's VPC") {
    auto r = run(kSnap, {kIb, "10.10.100.1"});
    expectTrace(r.traces[0], Outcome::NullRouted, {kIb, kSb, kVb, kVa});
    CHECK(r.traces[0].blockedBy->component == kVa);
  }

  TEST_CASE("peering #5: an address in A's subnet that no interface owns is unreachable") {
    auto r = run(kSnap, {kIb, "10.10.10.11"});
    expectTrace(r.traces[0], Outcome::NeighborUnreachable, {kIb, kSb, kVb, kVa, kSa});
    CHECK(r.traces[0].blockedBy->component == kSa);
    CHECK(r.traces[0].blockedBy->reason == "NO_ENI_FOR_ADDRESS");
  }
}
