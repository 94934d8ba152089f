// Unit tests for route resolution and NACL / security-group evaluation on
// small hand-built fact bases: longest-prefix tie-breaks, NACL ordering and
// shadowing, statelessness, group references, peering, NAT and gateway rules.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/net/reach.hpp"
#include "runtime/net/reach_model.hpp"
#include "runtime/values.hpp"

using namespace ward;
using namespace ward::net;

namespace {

// A tiny topology builder over FactBaseBuilder, by resource id.
class Topo {
public:
  Topo() : s_(Schema::aws()) {}

  void vpc(const std::string& id, const std::string& cidr) {
    auto i = add("vpc", id);
    set("vpc", i, "cidr", Value::cidr(parseCidrOrDie(cidr)));
    Value blocks[] = {Value::cidr(parseCidrOrDie(cidr))};
    set("vpc", i, "cidrs", b_.makeList(blocks));
  }
  void subnet(const std::string& id, const std::string& vpc, const std::string& cidr, const std::string& az = "us-east-1a") {
    auto i = add("subnet", id);
    ref("subnet", i, "vpc", vpc);
    set("subnet", i, "cidr", Value::cidr(parseCidrOrDie(cidr)));
    set("subnet", i, "az", str(az));
  }
  void table(const std::string& id, const std::string& vpc, bool main, std::vector<std::string> subnets) {
    auto i = add("route_table", id);
    ref("route_table", i, "vpc", vpc);
    set("route_table", i, "main", Value::boolean(main));
    b_.setRefList(kind("route_table"), i, attr("route_table", "subnets"), std::move(subnets));
  }
  // `dest` is a CIDR or a prefix-list id.
  void route(const std::string& table, const std::string& dest, const std::string& target,
             const std::string& state = "active", const std::string& origin = "CreateRoute") {
    auto i = add("route", table + ":" + dest);
    ref("route", i, "table", table);
    if (dest.rfind("pl-", 0) == 0) {
      ref("route", i, "prefix_list", dest);
    } else {
      set("route", i, "destination", Value::cidr(parseCidrOrDie(dest)));
    }
    set("route", i, "target", str(target));
    set("route", i, "state", str(state));
    set("route", i, "origin", str(target == "local" ? "CreateRouteTable" : origin));
    struct Prefix {
      const char* prefix;
      const char* kind;
    };
    static const Prefix kinds[] = {{"igw-", "internet_gateway"}, {"nat-", "nat_gateway"}, {"i-", "instance"},
                                   {"eni-", "network_interface"}, {"vpce-", "vpc_endpoint"},
                                   {"pcx-", "vpc_peering_connection"}, {"tgw-", "transit_gateway"},
                                   {"vgw-", "vpn_gateway"}};
    std::string tk = "local";
    for (const Prefix& p : kinds) {
      if (target.rfind(p.prefix, 0) == 0) {
        tk = p.kind;
        ref("route", i, p.kind, target);
      }
    }
    set("route", i, "target_kind", str(tk));
  }
  void igw(const std::string& id, const std::string& vpc) {
    auto i = add("internet_gateway", id);
    ref("internet_gateway", i, "vpc", vpc);
  }
  void nat(const std::string& id, const std::string& vpc, const std::string& subnet, const std::string& priv,
           const std::string& pub, const std::string& state = "available") {
    auto i = add("nat_gateway", id);
    ref("nat_gateway", i, "vpc", vpc);
    ref("nat_gateway", i, "subnet", subnet);
    set("nat_gateway", i, "private_ip", Value::ip(*parseIp(priv)));
    set("nat_gateway", i, "public_ip", Value::ip(*parseIp(pub)));
    set("nat_gateway", i, "state", str(state));
  }
  void sg(const std::string& id, const std::string& vpc) {
    auto i = add("security_group", id);
    ref("security_group", i, "vpc", vpc);
    set("security_group", i, "group_name", str(id));
  }
  // `peer` is a CIDR, a group id or a prefix-list id.
  void sgRule(const std::string& group, bool egress, const std::string& traffic, const std::string& peer) {
    auto i = add("sg_rule", group + (egress ? ":out:" : ":in:") + std::to_string(++ruleCount_));
    ref("sg_rule", i, "group", group);
    set("sg_rule", i, "egress", Value::boolean(egress));
    set("sg_rule", i, "traffic", Value::traffic(*parseTraffic(traffic)));
    if (peer.rfind("sg-", 0) == 0) {
      ref("sg_rule", i, "source_group", peer);
    } else if (peer.rfind("pl-", 0) == 0) {
      ref("sg_rule", i, "prefix_list", peer);
    } else {
      set("sg_rule", i, "cidr", Value::cidr(parseCidrOrDie(peer)));
    }
  }
  // A group that allows all traffic out and `in` in from anywhere.
  void openSg(const std::string& id, const std::string& vpc, const std::string& in = "all") {
    sg(id, vpc);
    sgRule(id, true, "all", "0.0.0.0/0");
    sgRule(id, false, in, "0.0.0.0/0");
  }
  void acl(const std::string& id, const std::string& vpc, bool isDefault, std::vector<std::string> subnets) {
    auto i = add("network_acl", id);
    ref("network_acl", i, "vpc", vpc);
    set("network_acl", i, "is_default", Value::boolean(isDefault));
    b_.setRefList(kind("network_acl"), i, attr("network_acl", "subnets"), std::move(subnets));
  }
  void aclEntry(const std::string& acl, int rule, bool egress, bool allow, const std::string& traffic,
                const std::string& cidr = "0.0.0.0/0") {
    auto i = add("nacl_entry", acl + (egress ? ":out:" : ":in:") + std::to_string(rule));
    ref("nacl_entry", i, "acl", acl);
    set("nacl_entry", i, "rule_number", Value::integer(rule));
    set("nacl_entry", i, "egress", Value::boolean(egress));
    set("nacl_entry", i, "action", str(allow ? "allow" : "deny"));
    set("nacl_entry", i, "traffic", Value::traffic(*parseTraffic(traffic)));
    set("nacl_entry", i, "cidr", Value::cidr(parseCidrOrDie(cidr)));
  }
  // An instance with one interface "eni-<id>".
  void instance(const std::string& id, const std::string& vpc, const std::string& subnet, const std::string& ip,
                std::vector<std::string> sgs, const std::string& publicIp = "", bool srcDstCheck = true) {
    auto i = add("instance", id);
    ref("instance", i, "vpc", vpc);
    ref("instance", i, "subnet", subnet);
    set("instance", i, "private_ip", Value::ip(*parseIp(ip)));
    set("instance", i, "source_dest_check", Value::boolean(srcDstCheck));
    if (!publicIp.empty()) set("instance", i, "public_ip", Value::ip(*parseIp(publicIp)));
    b_.setRefList(kind("instance"), i, attr("instance", "security_groups"), sgs);
    auto e = add("network_interface", "eni-" + id);
    ref("network_interface", e, "vpc", vpc);
    ref("network_interface", e, "subnet", subnet);
    ref("network_interface", e, "instance", id);
    Value ips[] = {Value::ip(*parseIp(ip))};
    set("network_interface", e, "private_ips", b_.makeList(ips));
    if (!publicIp.empty()) set("network_interface", e, "public_ip", Value::ip(*parseIp(publicIp)));
    set("network_interface", e, "source_dest_check", Value::boolean(srcDstCheck));
    b_.setRefList(kind("network_interface"), e, attr("network_interface", "security_groups"), std::move(sgs));
  }
  void eni(const std::string& id, const std::string& vpc, const std::string& subnet, const std::string& ip,
           std::vector<std::string> sgs, const std::string& type) {
    auto e = add("network_interface", id);
    ref("network_interface", e, "vpc", vpc);
    ref("network_interface", e, "subnet", subnet);
    Value ips[] = {Value::ip(*parseIp(ip))};
    set("network_interface", e, "private_ips", b_.makeList(ips));
    set("network_interface", e, "interface_type", str(type));
    b_.setRefList(kind("network_interface"), e, attr("network_interface", "security_groups"), std::move(sgs));
  }
  void pcx(const std::string& id, const std::string& requester, const std::string& accepter) {
    auto i = add("vpc_peering_connection", id);
    ref("vpc_peering_connection", i, "requester_vpc", requester);
    ref("vpc_peering_connection", i, "accepter_vpc", accepter);
    set("vpc_peering_connection", i, "status", str("active"));
  }
  void prefixList(const std::string& id, const std::string& name, const std::vector<std::string>& cidrs) {
    auto i = add("prefix_list", id);
    set("prefix_list", i, "prefix_list_name", str(name));
    std::vector<Value> vs;
    for (const auto& c : cidrs) vs.push_back(Value::cidr(parseCidrOrDie(c)));
    set("prefix_list", i, "cidrs", b_.makeList(vs));
  }
  void interfaceEndpoint(const std::string& id, const std::string& vpc, const std::string& service, bool privateDns,
                         std::vector<std::string> enis) {
    auto i = add("vpc_endpoint", id);
    ref("vpc_endpoint", i, "vpc", vpc);
    set("vpc_endpoint", i, "service_name", str("com.amazonaws.us-east-1." + service));
    set("vpc_endpoint", i, "endpoint_type", str("interface"));
    set("vpc_endpoint", i, "private_dns", Value::boolean(privateDns));
    b_.setRefList(kind("vpc_endpoint"), i, attr("vpc_endpoint", "network_interfaces"), std::move(enis));
  }
  void trainingJob(const std::string& id, std::vector<std::string> subnets, std::vector<std::string> sgs) {
    auto i = add("training_job", id);
    set("training_job", i, "name", str(id));
    b_.setRefList(kind("training_job"), i, attr("training_job", "subnets"), std::move(subnets));
    b_.setRefList(kind("training_job"), i, attr("training_job", "security_groups"), std::move(sgs));
  }

  std::shared_ptr<const FactBase> build() {
    auto fb = b_.finish();
    REQUIRE_MESSAGE(fb.has_value(), "the test topology must build");
    return *fb;
  }

private:
  KindId kind(const std::string& k) const {
    auto id = s_.findKind(k);
    REQUIRE_MESSAGE(id.has_value(), "schema kind ", k);
    return *id;
  }
  AttrId attr(const std::string& k, const std::string& a) const {
    auto id = s_.kind(kind(k)).find(a);
    REQUIRE_MESSAGE(id.has_value(), "schema attribute ", k, ".", a);
    return *id;
  }
  EntityIndex add(const std::string& k, const std::string& id) { return b_.upsert(kind(k), id); }
  void set(const std::string& k, EntityIndex i, const std::string& a, Value v) { b_.set(kind(k), i, attr(k, a), v); }
  void ref(const std::string& k, EntityIndex i, const std::string& a, const std::string& target) {
    b_.setRef(kind(k), i, attr(k, a), target);
  }
  Value str(const std::string& s) { return Value::string(b_.intern(s)); }
  static Cidr parseCidrOrDie(const std::string& text) {
    auto c = parseCidr(text);
    REQUIRE_MESSAGE(c.has_value(), "cidr ", text);
    return *c;
  }

  const Schema& s_;
  FactBaseBuilder b_;
  int ruleCount_ = 0;
};

ReachResult trace(const FactBase& fb, const std::string& from, const std::string& to, const std::string& traffic) {
  ReachEngine engine(fb);
  FlowQuery q;
  q.from = from;
  q.to = to;
  auto t = parseTraffic(traffic);
  REQUIRE(t.has_value());
  q.proto = t->proto;
  if (hasPorts(t->proto) && !t->ports.all()) q.dstPort = t->ports.lo;
  auto r = engine.trace(q);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().front().message));
  REQUIRE(!r->traces.empty());
  return std::move(*r);
}

std::vector<std::string> nodes(const Trace& t) {
  std::vector<std::string> out;
  for (const Hop& h : t.hops) out.push_back(h.node);
  return out;
}

// Two subnets in one VPC, each with an instance, an open NACL and open groups.
void twoSubnets(Topo& t) {
  t.vpc("vpc-1", "10.0.0.0/16");
  t.subnet("subnet-a", "vpc-1", "10.0.1.0/24");
  t.subnet("subnet-b", "vpc-1", "10.0.2.0/24");
  t.table("rtb-main", "vpc-1", true, {});
  t.route("rtb-main", "10.0.0.0/16", "local");
  t.acl("acl-default", "vpc-1", true, {});
  t.aclEntry("acl-default", 100, false, true, "all");
  t.aclEntry("acl-default", 100, true, true, "all");
  t.openSg("sg-open", "vpc-1");
  t.instance("i-a", "vpc-1", "subnet-a", "10.0.1.10", {"sg-open"});
  t.instance("i-b", "vpc-1", "subnet-b", "10.0.2.20", {"sg-open"});
}

// A public subnet with a NAT gateway and a private subnet routed through it.
void natTopo(Topo& t, const std::string& natState = "available") {
  t.vpc("vpc-1", "10.0.0.0/16");
  t.subnet("subnet-pub", "vpc-1", "10.0.0.0/24");
  t.subnet("subnet-priv", "vpc-1", "10.0.1.0/24");
  t.igw("igw-1", "vpc-1");
  t.nat("nat-1", "vpc-1", "subnet-pub", "10.0.0.100", "3.3.3.3", natState);
  t.table("rtb-pub", "vpc-1", false, {"subnet-pub"});
  t.route("rtb-pub", "10.0.0.0/16", "local");
  t.route("rtb-pub", "0.0.0.0/0", "igw-1");
  t.table("rtb-priv", "vpc-1", true, {});
  t.route("rtb-priv", "10.0.0.0/16", "local");
  t.route("rtb-priv", "0.0.0.0/0", "nat-1");
  t.acl("acl-1", "vpc-1", true, {});
  t.aclEntry("acl-1", 100, false, true, "all");
  t.aclEntry("acl-1", 100, true, true, "all");
  t.openSg("sg-1", "vpc-1");
  t.instance("i-priv", "vpc-1", "subnet-priv", "10.0.1.5", {"sg-1"});
  t.instance("i-jump", "vpc-1", "subnet-pub", "10.0.0.5", {"sg-1"}, "18.1.1.1");
}

}  // namespace

TEST_SUITE("net.route") {
  TEST_CASE("longest prefix wins; the local route wins ties; static beats prefix-list beats propagated") {
    using namespace ward::net::detail;
    auto route = [](const char* dest, RouteRank rank, const char* target) {
      MRoute r;
      r.dest = *parseCidr(dest);
      r.rank = rank;
      r.targetId = target;
      r.destText = dest;
      return r;
    };
    MTable t;
    t.routes = {route("0.0.0.0/0", RouteRank::Static, "igw-1"),
                route("10.0.0.0/16", RouteRank::Static, "pcx-shadowed"),
                route("10.0.0.0/16", RouteRank::Local, "local"),
                route("172.16.0.0/16", RouteRank::Propagated, "vgw-1"),
                route("172.16.0.0/16", RouteRank::PrefixList, "vpce-1"),
                route("172.16.0.0/16", RouteRank::Static, "nat-1"),
                route("192.168.0.0/16", RouteRank::Propagated, "vgw-1"),
                route("192.168.0.0/16", RouteRank::PrefixList, "vpce-1"),
                route("10.0.5.0/24", RouteRank::Static, "eni-1")};
    sortRoutes(t.routes);
    auto hit = [&](const char* ip) {
      const MRoute* r = lookupRoute(t, *parseIp(ip));
      REQUIRE(r != nullptr);
      return r->targetId;
    };
    CHECK(hit("10.0.9.9") == "local");        // tie at /16: local beats the static route
    CHECK(hit("10.0.5.9") == "eni-1");        // a more specific route beats local
    CHECK(hit("172.16.3.4") == "nat-1");      // static > prefix list > propagated
    CHECK(hit("192.168.3.4") == "vpce-1");    // prefix list > propagated
    CHECK(hit("8.8.8.8") == "igw-1");
    t.routes.erase(t.routes.end() - 1);       // drop 0.0.0.0/0 (sorted last)
    CHECK(lookupRoute(t, *parseIp("8.8.8.8")) == nullptr);
  }

  TEST_CASE("subnet uses its explicit table, else the VPC's main table") {
    Topo t;
    twoSubnets(t);
    t.igw("igw-1", "vpc-1");
    t.table("rtb-public", "vpc-1", false, {"subnet-a"});
    t.route("rtb-public", "10.0.0.0/16", "local");
    t.route("rtb-public", "0.0.0.0/0", "igw-1");
    auto fb = t.build();
    // subnet-a has an explicit association with a default route to the IGW.
    auto a = trace(*fb, "i-a", "8.8.8.8", "tcp 443");
    CHECK(a.traces[0].hops[1].notes == std::vector<std::string>{"rtb-public: 0.0.0.0/0 -> igw-1"});
    // subnet-b falls back to the main table, which has only the local route.
    auto b = trace(*fb, "i-b", "8.8.8.8", "tcp 443");
    CHECK(b.traces[0].outcome == Outcome::NoRoute);
    CHECK(b.traces[0].blockedBy->component == "rtb-main");
    CHECK(b.traces[0].blockedBy->reason == "NO_ROUTE_TO_DESTINATION");
  }

  TEST_CASE("a blackhole route drops the packet at the subnet") {
    Topo t;
    twoSubnets(t);
    t.route("rtb-main", "0.0.0.0/0", "nat-gone", "blackhole");
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "8.8.8.8", "tcp 443");
    CHECK(r.traces[0].outcome == Outcome::NullRouted);
    CHECK(nodes(r.traces[0]) == std::vector<std::string>{"i-a", "subnet-a"});
    CHECK(r.traces[0].blockedBy->reason == "BLACKHOLE_ROUTE");
    CHECK(r.traces[0].blockedBy->detail.find("0.0.0.0/0 -> nat-gone") != std::string::npos);
  }

  TEST_CASE("an internet gateway needs a public address; the internet drops private destinations") {
    Topo t;
    twoSubnets(t);
    t.igw("igw-1", "vpc-1");
    t.route("rtb-main", "0.0.0.0/0", "igw-1");
    t.instance("i-pub", "vpc-1", "subnet-a", "10.0.1.11", {"sg-open"}, "54.1.2.3");
    auto fb = t.build();
    auto priv = trace(*fb, "i-a", "8.8.8.8", "tcp 443");
    CHECK(priv.traces[0].outcome == Outcome::DeniedOut);
    CHECK(priv.traces[0].blockedBy->component == "igw-1");
    CHECK(priv.traces[0].blockedBy->reason == "IGW_NO_PUBLIC_IP");
    auto pub = trace(*fb, "i-pub", "8.8.8.8", "tcp 443");
    CHECK(pub.traces[0].outcome == Outcome::ExitsNetwork);
    CHECK(nodes(pub.traces[0]) ==
          std::vector<std::string>{"i-pub", "subnet-a", "vpc-1", "igw-1", "aws-backbone", "internet"});
    REQUIRE(pub.returnTrace.has_value());
    CHECK(pub.returnTrace->outcome == Outcome::Accepted);
    auto rfc1918 = trace(*fb, "i-pub", "172.20.0.1", "tcp 443");
    CHECK(rfc1918.traces[0].outcome == Outcome::NullRouted);
    CHECK(rfc1918.traces[0].blockedBy->reason == "PRIVATE_ADDRESS_ON_INTERNET");
    CHECK(rfc1918.traces[0].hops.back().node == "internet");
  }

  TEST_CASE("peering is not transitive and carries only the peer's blocks") {
    Topo t;
    t.vpc("vpc-a", "10.1.0.0/16");
    t.vpc("vpc-b", "10.2.0.0/16");
    t.vpc("vpc-c", "10.3.0.0/16");
    t.subnet("subnet-a", "vpc-a", "10.1.1.0/24");
    t.subnet("subnet-b", "vpc-b", "10.2.1.0/24");
    t.subnet("subnet-c", "vpc-c", "10.3.1.0/24");
    t.pcx("pcx-ab", "vpc-a", "vpc-b");
    t.pcx("pcx-bc", "vpc-b", "vpc-c");
    t.table("rtb-a", "vpc-a", true, {});
    t.route("rtb-a", "10.1.0.0/16", "local");
    // A sends both B's and C's blocks into the A-B peering; C is behind B.
    t.route("rtb-a", "10.2.0.0/16", "pcx-ab");
    t.route("rtb-a", "10.3.0.0/16", "pcx-ab");
    t.table("rtb-b", "vpc-b", true, {});
    t.route("rtb-b", "10.2.0.0/16", "local");
    t.route("rtb-b", "10.1.0.0/16", "pcx-ab");
    t.openSg("sg-a", "vpc-a");
    t.openSg("sg-b", "vpc-b");
    t.openSg("sg-c", "vpc-c");
    t.instance("i-a", "vpc-a", "subnet-a", "10.1.1.5", {"sg-a"});
    t.instance("i-b", "vpc-b", "subnet-b", "10.2.1.5", {"sg-b"});
    t.instance("i-c", "vpc-c", "subnet-c", "10.3.1.5", {"sg-c"});
    auto fb = t.build();
    auto ab = trace(*fb, "i-a", "i-b", "tcp 22");
    CHECK(ab.traces[0].outcome == Outcome::Accepted);
    CHECK(nodes(ab.traces[0]) == std::vector<std::string>{"i-a", "subnet-a", "vpc-a", "vpc-b", "subnet-b", "i-b"});
    REQUIRE(ab.returnTrace.has_value());
    CHECK(ab.returnTrace->outcome == Outcome::Accepted);
    auto ac = trace(*fb, "i-a", "i-c", "tcp 22");
    CHECK(ac.traces[0].outcome == Outcome::NoRoute);
    CHECK(ac.traces[0].blockedBy->component == "pcx-ab");
    CHECK(ac.traces[0].blockedBy->reason == "PEERING_NON_TRANSITIVE");
    CHECK(nodes(ac.traces[0]) == std::vector<std::string>{"i-a", "subnet-a", "vpc-a"});
  }
}

TEST_SUITE("net.filter") {
  TEST_CASE("NACL entries apply in rule-number order and the first match decides") {
    Topo t;
    twoSubnets(t);
    t.acl("acl-b", "vpc-1", false, {"subnet-b"});
    // Inserted out of order on purpose: #100 must still come before #200.
    t.aclEntry("acl-b", 200, false, true, "all");
    t.aclEntry("acl-b", 100, false, false, "tcp 22");
    t.aclEntry("acl-b", 100, true, true, "all");
    auto fb = t.build();
    auto ssh = trace(*fb, "i-a", "i-b", "tcp 22");
    CHECK(ssh.traces[0].outcome == Outcome::DeniedIn);
    CHECK(ssh.traces[0].blockedBy->component == "acl-b");
    CHECK(ssh.traces[0].blockedBy->reason == "SUBNET_ACL_RESTRICTION");
    CHECK(ssh.traces[0].blockedBy->detail ==
          "network ACL acl-b inbound entry #100 denies tcp 22 from 0.0.0.0/0 (source 10.0.1.10)");
    auto https = trace(*fb, "i-a", "i-b", "tcp 443");
    CHECK(https.traces[0].outcome == Outcome::Accepted);
    CHECK(https.traces[0].hops[3].filters == std::vector<std::string>{"acl-b inbound: permit #200"});
  }

  TEST_CASE("an earlier allow shadows a later deny") {
    Topo t;
    twoSubnets(t);
    t.acl("acl-b", "vpc-1", false, {"subnet-b"});
    t.aclEntry("acl-b", 50, false, true, "all", "10.0.1.0/24");
    t.aclEntry("acl-b", 100, false, false, "tcp 22");
    t.aclEntry("acl-b", 100, true, true, "all");
    auto fb = t.build();
    CHECK(trace(*fb, "i-a", "i-b", "tcp 22").traces[0].outcome == Outcome::Accepted);
  }

  TEST_CASE("the implicit deny ends every NACL, and an unassociated subnet uses the default NACL") {
    Topo t;
    twoSubnets(t);
    t.acl("acl-b", "vpc-1", false, {"subnet-b"});
    t.aclEntry("acl-b", 100, false, true, "tcp 443");
    t.aclEntry("acl-b", 100, true, true, "all");
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "i-b", "udp 53");
    CHECK(r.traces[0].outcome == Outcome::DeniedIn);
    CHECK(r.traces[0].blockedBy->component == "acl-b");
    // subnet-a has no association: the default ACL's outbound entry was used.
    CHECK(r.traces[0].hops[1].filters == std::vector<std::string>{"acl-default outbound: permit #100"});
  }

  TEST_CASE("NACLs are stateless: the reply needs its own allow for ephemeral ports") {
    Topo t;
    twoSubnets(t);
    t.acl("acl-b", "vpc-1", false, {"subnet-b"});
    t.aclEntry("acl-b", 100, false, true, "all");
    t.aclEntry("acl-b", 100, true, true, "tcp 443");  // no ephemeral range outbound
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "i-b", "tcp 443");
    CHECK(r.traces[0].outcome == Outcome::Accepted);
    REQUIRE(r.returnTrace.has_value());
    CHECK(r.returnTrace->outcome == Outcome::DeniedOut);
    CHECK(r.returnTrace->blockedBy->component == "acl-b");
    CHECK(r.returnTrace->blockedBy->detail.find("tcp 49152") != std::string::npos);
    CHECK(nodes(*r.returnTrace) == std::vector<std::string>{"i-b", "subnet-b"});
  }

  TEST_CASE("NACLs do not apply inside one subnet") {
    Topo t;
    twoSubnets(t);
    t.acl("acl-a", "vpc-1", false, {"subnet-a"});  // only the implicit deny
    t.instance("i-a2", "vpc-1", "subnet-a", "10.0.1.20", {"sg-open"});
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "i-a2", "tcp 22");
    CHECK(r.traces[0].outcome == Outcome::Accepted);
    CHECK(nodes(r.traces[0]) == std::vector<std::string>{"i-a", "i-a2"});
    CHECK(trace(*fb, "i-a", "i-b", "tcp 22").traces[0].outcome == Outcome::DeniedOut);
  }

  TEST_CASE("security groups: the union of groups, references to groups, prefix lists") {
    Topo t;
    twoSubnets(t);
    t.sg("sg-ssh", "vpc-1");
    t.sgRule("sg-ssh", false, "tcp 22", "0.0.0.0/0");
    t.sg("sg-web", "vpc-1");
    t.sgRule("sg-web", false, "tcp 443", "sg-client");
    t.sgRule("sg-web", false, "tcp 8080", "pl-corp");
    t.sg("sg-client", "vpc-1");
    t.sgRule("sg-client", true, "all", "0.0.0.0/0");
    t.prefixList("pl-corp", "corp", {"10.0.1.0/28"});
    t.instance("i-server", "vpc-1", "subnet-b", "10.0.2.30", {"sg-ssh", "sg-web"});
    t.instance("i-client", "vpc-1", "subnet-a", "10.0.1.40", {"sg-client"});
    auto fb = t.build();
    // sg-web admits tcp 443 from members of sg-client only.
    auto ok = trace(*fb, "i-client", "i-server", "tcp 443");
    CHECK(ok.traces[0].outcome == Outcome::Accepted);
    CHECK(ok.traces[0].hops.back().filters.front().find("sg-web tcp 443 from sg-client") != std::string::npos);
    auto denied = trace(*fb, "i-a", "i-server", "tcp 443");
    CHECK(denied.traces[0].outcome == Outcome::DeniedIn);
    CHECK(denied.traces[0].blockedBy->component == "eni-i-server");
    CHECK(denied.traces[0].blockedBy->reason == "ENI_SG_RULES_MISMATCH");
    CHECK(denied.traces[0].blockedBy->detail == "no inbound rule of sg-ssh, sg-web allows tcp 443 from 10.0.1.10");
    // The union: sg-ssh admits ssh from anywhere.
    CHECK(trace(*fb, "i-a", "i-server", "tcp 22").traces[0].outcome == Outcome::Accepted);
    // The prefix list covers 10.0.1.0/28: 10.0.1.10 is in, 10.0.1.40 is not.
    CHECK(trace(*fb, "i-a", "i-server", "tcp 8080").traces[0].outcome == Outcome::Accepted);
    CHECK(trace(*fb, "i-client", "i-server", "tcp 8080").traces[0].outcome == Outcome::DeniedIn);
  }

  TEST_CASE("security groups are stateful: the reply passes without an egress rule") {
    Topo t;
    twoSubnets(t);
    t.sg("sg-in-only", "vpc-1");
    t.sgRule("sg-in-only", false, "tcp 443", "0.0.0.0/0");
    t.instance("i-server", "vpc-1", "subnet-b", "10.0.2.30", {"sg-in-only"});
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "i-server", "tcp 443");
    CHECK(r.traces[0].outcome == Outcome::Accepted);
    REQUIRE(r.returnTrace.has_value());
    CHECK(r.returnTrace->outcome == Outcome::Accepted);
    CHECK(r.returnTrace->hops.front().filters.front().find("session") != std::string::npos);
    // Traffic the server starts itself finds no egress rule.
    auto out = trace(*fb, "i-server", "i-a", "tcp 443");
    CHECK(out.traces[0].outcome == Outcome::DeniedOut);
    CHECK(out.traces[0].blockedBy->reason == "ENI_SG_RULES_MISMATCH");
  }
}

TEST_SUITE("net.nat") {
  TEST_CASE("a NAT gateway translates tcp out and lets the reply back in") {
    Topo t;
    natTopo(t);
    auto fb = t.build();
    auto r = trace(*fb, "i-priv", "8.8.8.8", "tcp 80");
    CHECK(r.traces[0].outcome == Outcome::ExitsNetwork);
    CHECK(nodes(r.traces[0]) == std::vector<std::string>{"i-priv", "subnet-priv", "vpc-1", "nat-1", "subnet-pub",
                                                         "vpc-1", "igw-1", "aws-backbone", "internet"});
    CHECK(r.traces[0].hops[3].notes == std::vector<std::string>{"source nat 10.0.1.5:49152 -> 10.0.0.100:1024"});
    CHECK(r.traces[0].hops[6].notes == std::vector<std::string>{"source nat 10.0.0.100 -> 3.3.3.3"});
    REQUIRE(r.returnTrace.has_value());
    CHECK(r.returnTrace->outcome == Outcome::Accepted);
    CHECK(nodes(*r.returnTrace) == std::vector<std::string>{"internet", "aws-backbone", "igw-1", "vpc-1",
                                                            "subnet-pub", "nat-1", "vpc-1", "subnet-priv", "i-priv"});
  }

  TEST_CASE("a NAT gateway drops other protocols, its own subnet, and unsolicited inbound") {
    Topo t;
    natTopo(t);
    auto fb = t.build();
    auto esp = trace(*fb, "i-priv", "8.8.8.8", "50");
    CHECK(esp.traces[0].outcome == Outcome::DeniedIn);
    CHECK(esp.traces[0].blockedBy->reason == "NAT_UNSUPPORTED_PROTOCOL");
    CHECK(nodes(esp.traces[0]) == std::vector<std::string>{"i-priv", "subnet-priv", "vpc-1", "nat-1"});
    auto same = trace(*fb, "i-jump", "10.0.0.100", "tcp 80");
    CHECK(same.traces[0].outcome == Outcome::DeniedIn);
    CHECK(same.traces[0].blockedBy->reason == "NAT_SAME_SUBNET");
    auto inbound = trace(*fb, "internet", "3.3.3.3", "tcp 80");
    CHECK(inbound.traces[0].outcome == Outcome::DeniedIn);
    CHECK(inbound.traces[0].blockedBy->reason == "NAT_NO_SESSION");
  }

  TEST_CASE("a deleted NAT gateway takes no part") {
    Topo t;
    natTopo(t, "deleted");
    auto fb = t.build();
    auto r = trace(*fb, "i-priv", "8.8.8.8", "tcp 80");
    CHECK(r.traces[0].outcome == Outcome::NullRouted);
    CHECK(r.traces[0].blockedBy->reason == "RESOURCE_NOT_AVAILABLE");
    CHECK(r.traces[0].blockedBy->component == "nat-1");
  }
}

TEST_SUITE("net.reach.api") {
  TEST_CASE("service names resolve to the interface endpoint only with private DNS") {
    Topo t;
    twoSubnets(t);
    t.sg("sg-vpce", "vpc-1");
    t.sgRule("sg-vpce", false, "tcp 443", "10.0.0.0/16");
    t.eni("eni-vpce", "vpc-1", "subnet-b", "10.0.2.99", {"sg-vpce"}, "vpc_endpoint");
    t.interfaceEndpoint("vpce-api", "vpc-1", "sagemaker.api", true, {"eni-vpce"});
    t.eni("eni-vpce2", "vpc-1", "subnet-b", "10.0.2.98", {"sg-vpce"}, "vpc_endpoint");
    t.interfaceEndpoint("vpce-ecr", "vpc-1", "ecr.dkr", false, {"eni-vpce2"});
    t.trainingJob("train-1", {"subnet-a"}, {"sg-open"});
    auto fb = t.build();
    auto api = trace(*fb, "train-1", "service:sagemaker.api", "tcp 443");
    CHECK(api.traces[0].outcome == Outcome::Accepted);
    CHECK(nodes(api.traces[0]) == std::vector<std::string>{"train-1", "subnet-a", "vpc-1", "subnet-b", "vpce-api"});

    const Schema& s = fb->schema();
    KindId job = *s.findKind("training_job");
    Value src = Value::entity(job, *fb->find(job, "train-1"));
    ReachEngine engine(*fb);
    FlowQuery q{.from = "train-1", .to = "service:ecr.dkr", .proto = kTcp, .dstPort = 443};
    auto r = engine.trace(q);
    REQUIRE(r.has_value());
    CHECK(r->traces[0].outcome == Outcome::NoRoute);
    CHECK(r->traces[0].hops[0].notes.front().find("private DNS off") != std::string::npos);
    ReachAnswer a = reachValues(*fb, src, Value::ip(*parseIp("10.0.2.20")), Traffic{kTcp, PortRange{22, 22}});
    CHECK(a.delivered);
    // The VM's `service "NAME"` value: a string flagged as a service.
    auto name = fb->strings().find("sagemaker.api");
    REQUIRE(name.has_value());
    ReachAnswer svc = reachValues(*fb, src, serviceValue(*name), Traffic{kTcp, PortRange{443, 443}});
    CHECK(svc.delivered);
    auto ecrName = fb->strings().find("ecr.dkr");
    REQUIRE(ecrName.has_value());
    ReachAnswer ecrAnswer = reachValues(*fb, src, serviceValue(*ecrName), Traffic{kTcp, PortRange{443, 443}});
    CHECK_FALSE(ecrAnswer.delivered);
    CHECK(ecrAnswer.why.find("NO_ROUTE_TO_DESTINATION at rtb-main") == 0);
    CHECK(ecrAnswer.why.find("interface endpoint vpce-ecr in vpc-1 has private DNS off") != std::string::npos);
  }

  TEST_CASE("unknown names get a did-you-mean; a shared address is ambiguous") {
    Topo t;
    twoSubnets(t);
    t.vpc("vpc-2", "10.0.0.0/16");
    t.subnet("subnet-x", "vpc-2", "10.0.1.0/24");
    t.instance("i-x", "vpc-2", "subnet-x", "10.0.1.10", {});
    auto fb = t.build();
    ReachEngine engine(*fb);
    auto unknown = engine.trace(FlowQuery{.from = "i-aa", .to = "i-b"});
    REQUIRE(!unknown.has_value());
    CHECK(unknown.error().front().message.find("unknown source 'i-aa'") != std::string::npos);
    REQUIRE(!unknown.error().front().notes.empty());
    CHECK(unknown.error().front().notes.front().message == "did you mean 'i-a'?");
    auto ambiguous = engine.trace(FlowQuery{.from = "10.0.1.10", .to = "i-b"});
    REQUIRE(!ambiguous.has_value());
    CHECK(ambiguous.error().front().message.find("ambiguous source address 10.0.1.10") != std::string::npos);
  }

  TEST_CASE("reach() answers per fact base, even when a new one reuses an address") {
    // Two estates that differ only in a port number: a cache keyed only by the
    // fact base's address would answer the second from the first.
    auto answer = [](const std::string& port) {
      Topo t;
      twoSubnets(t);
      t.sg("sg-port", "vpc-1");
      t.sgRule("sg-port", false, "tcp " + port, "0.0.0.0/0");
      t.instance("i-server", "vpc-1", "subnet-b", "10.0.2.30", {"sg-port"});
      auto fb = t.build();
      // The engine is memoised per fact base.
      CHECK(engineFor(*fb) == engineFor(*fb));
      KindId inst = *fb->schema().findKind("instance");
      Value a = Value::entity(inst, *fb->find(inst, "i-a"));
      Value s = Value::entity(inst, *fb->find(inst, "i-server"));
      ReachAnswer viaCache = reachValues(*fb, a, s, Traffic{kTcp, PortRange{443, 443}});
      // The per-evaluation hook gives the same answer without the cache.
      ReachHook hook = reachHookFor(*fb);
      ReachAnswer viaHook = hook(*fb, a, s, Traffic{kTcp, PortRange{443, 443}});
      CHECK(viaHook.delivered == viaCache.delivered);
      CHECK(viaHook.why == viaCache.why);
      CHECK(hook(*fb, a, s, Traffic{kTcp, PortRange{443, 443}}).why == viaCache.why);
      return viaCache;
    };
    ReachAnswer open = answer("443");
    ReachAnswer repeat = answer("443");
    CHECK(repeat.delivered == open.delivered);
    ReachAnswer closed = answer("22");
    CHECK(open.delivered);
    CHECK_FALSE(closed.delivered);
    CHECK(closed.why.find("ENI_SG_RULES_MISMATCH at eni-i-server") != std::string::npos);
  }

  TEST_CASE("JSON rendering is deterministic and names the blocking rule") {
    Topo t;
    twoSubnets(t);
    t.route("rtb-main", "0.0.0.0/0", "nat-gone", "blackhole");
    auto fb = t.build();
    auto r = trace(*fb, "i-a", "8.8.8.8", "tcp 443");
    std::string json = renderJson(r);
    CHECK(json == renderJson(trace(*fb, "i-a", "8.8.8.8", "tcp 443")));
    CHECK(json.find("\"outcome\": \"NULL_ROUTED\"") != std::string::npos);
    CHECK(json.find("\"reason\": \"BLACKHOLE_ROUTE\"") != std::string::npos);
    CHECK(json.find("\"return\": null") != std::string::npos);
    std::string text = renderText(r);
    CHECK(text.find("NULL_ROUTED") == 0);
    CHECK(text.find("blocked by rtb-main") != std::string::npos);
  }

  TEST_CASE("a workload in several subnets gives one trace per subnet; reach() needs all of them") {
    Topo t;
    natTopo(t);
    t.subnet("subnet-iso", "vpc-1", "10.0.9.0/24");
    t.table("rtb-iso", "vpc-1", false, {"subnet-iso"});
    t.route("rtb-iso", "10.0.0.0/16", "local");
    t.trainingJob("train-2", {"subnet-priv", "subnet-iso"}, {"sg-1"});
    auto fb = t.build();
    auto r = trace(*fb, "train-2", "8.8.8.8", "tcp 443");
    REQUIRE(r.traces.size() == 2);
    CHECK(r.traces[0].outcome == Outcome::ExitsNetwork);
    CHECK(r.traces[1].outcome == Outcome::NoRoute);
    CHECK(nodes(r.traces[1]) == std::vector<std::string>{"train-2", "subnet-iso"});
    KindId job = *fb->schema().findKind("training_job");
    Value src = Value::entity(job, *fb->find(job, "train-2"));
    ReachAnswer a = reachValues(*fb, src, Value::ip(*parseIp("8.8.8.8")), Traffic{kTcp, {443, 443}});
    CHECK_FALSE(a.delivered);
    CHECK(a.why.find("via subnet-iso: NO_ROUTE_TO_DESTINATION at rtb-iso") == 0);
  }

  TEST_CASE("trace is safe to call from several threads at once") {
    Topo t;
    natTopo(t);
    auto fb = t.build();
    ReachEngine engine(*fb);
    FlowQuery q{.from = "i-priv", .to = "8.8.8.8", .proto = kTcp, .dstPort = 80};
    std::string expected = renderJson(*engine.trace(q));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
      threads.emplace_back([&, k] {
        for (int i = 0; i < 200; ++i) {
          auto r = engine.trace(q);
          if (!r || renderJson(*r) != expected) ++mismatches[k];
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(mismatches == std::vector<int>(4, 0));
  }
}
