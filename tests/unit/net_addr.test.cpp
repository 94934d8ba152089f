// Unit tests for the typed network values: IPs, CIDRs, ports, protocols, traffic.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/net/addr.hpp"

using namespace ward::net;

namespace {

// Parsing helpers that fail the test loudly instead of dereferencing nullopt.
IpAddr ip(std::string_view text) {
  auto parsed = parseIp(text);
  INFO("ip: ", std::string(text));
  REQUIRE(parsed.has_value());
  return *parsed;
}

Cidr cidr(std::string_view text) {
  auto parsed = parseCidr(text);
  INFO("cidr: ", std::string(text));
  REQUIRE(parsed.has_value());
  return *parsed;
}

Traffic traffic(std::string_view text) {
  auto parsed = parseTraffic(text);
  INFO("traffic: ", std::string(text));
  REQUIRE(parsed.has_value());
  return *parsed;
}

PortRange ports(uint16_t lo, uint16_t hi) { return PortRange{lo, hi}; }

}  // namespace

TEST_SUITE("net.addr") {
  TEST_CASE("ipv4 parses to the expected value and formats back") {
    struct Row {
      std::string_view text;
      uint32_t value;
    };
    const Row rows[] = {
        {"0.0.0.0", 0},
        {"10.0.0.1", 0x0a000001},
        {"192.168.1.254", 0xc0a801fe},
        {"255.255.255.255", 0xffffffff},
        {"1.2.3.4", 0x01020304},
        {"100.64.0.0", 0x64400000},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      IpAddr a = ip(r.text);
      CHECK(a.family == 4);
      CHECK(a.hi == 0);
      CHECK(a.lo == r.value);
      CHECK(a == ipv4(r.value));
      CHECK(format(a) == r.text);
    }
  }

  TEST_CASE("ipv6 parses and formats per RFC 5952") {
    struct Row {
      std::string_view text;
      std::string_view canonical;
      uint64_t hi;
      uint64_t lo;
    };
    const Row rows[] = {
        {"::", "::", 0, 0},
        {"::1", "::1", 0, 1},
        {"0:0:0:0:0:0:0:1", "::1", 0, 1},
        {"1::", "1::", 0x0001000000000000ULL, 0},
        {"1:0:0:0:0:0:0:0", "1::", 0x0001000000000000ULL, 0},
        {"2001:db8::1", "2001:db8::1", 0x20010db800000000ULL, 1},
        {"2001:DB8::1", "2001:db8::1", 0x20010db800000000ULL, 1},
        {"2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329", 0x20010db800000000ULL,
         0x0000ff0000428329ULL},
        // A single zero group is never compressed.
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 0x20010db800000001ULL, 0x0001000100010001ULL},
        {"1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7", 0x0001000000020003ULL, 0x0004000500060007ULL},
        // The longest run wins.
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1", 0x2001000000000001ULL, 1},
        // On a tie the leftmost run wins.
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 0x20010db800000000ULL, 0x0001000000000001ULL},
        {"fe80::", "fe80::", 0xfe80000000000000ULL, 0},
        {"FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ~0ULL, ~0ULL},
        // Embedded IPv4: mapped addresses keep the dotted tail, others do not.
        {"::ffff:1.2.3.4", "::ffff:1.2.3.4", 0, 0x0000ffff01020304ULL},
        {"::FFFF:10.0.0.1", "::ffff:10.0.0.1", 0, 0x0000ffff0a000001ULL},
        {"0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4", 0, 0x0000ffff01020304ULL},
        {"::1.2.3.4", "::102:304", 0, 0x01020304ULL},
        {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", 0x0001000200030004ULL, 0x0005000601020304ULL},
        {"64:ff9b::192.0.2.33", "64:ff9b::c000:221", 0x0064ff9b00000000ULL, 0xc0000221ULL},
        {"::0:1", "::1", 0, 1},
        {"0::0", "::", 0, 0},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      IpAddr a = ip(r.text);
      CHECK(a.family == 6);
      CHECK(a.hi == r.hi);
      CHECK(a.lo == r.lo);
      CHECK(format(a) == r.canonical);
      // The canonical text parses back to the same value.
      CHECK(ip(r.canonical) == a);
    }
  }

  TEST_CASE("malformed addresses are rejected") {
    const std::string_view bad[] = {
        "", " ", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.3.-1", "010.0.0.1", "1.02.3.4",
        "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x", "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4/32",
        "1.2.3.99999999999", "::1::2", ":::", "1:::2", "gggg::", "12345::", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9", "1::2:3:4:5:6:7:8", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", ":1::", "1:",
        ":", "::1 ", "::g", "1.2.3.4::", "::1.2.3.4:5", "::1.2.3", "::256.1.1.1", "::ffff:01.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8::", "fe80::1%eth0", "[::1]", "::-1", "::+1",
    };
    for (std::string_view text : bad) {
      CAPTURE(text);
      CHECK_FALSE(parseIp(text).has_value());
    }
  }

  TEST_CASE("cidr parsing and formatting") {
    struct Row {
      std::string_view text;
      uint8_t family;
      uint8_t prefix;
      bool canonical;
      std::string_view canonicalText;
    };
    const Row rows[] = {
        {"10.0.0.0/16", 4, 16, true, "10.0.0.0/16"},
        {"10.0.0.1/8", 4, 8, false, "10.0.0.0/8"},
        {"0.0.0.0/0", 4, 0, true, "0.0.0.0/0"},
        {"1.0.0.0/0", 4, 0, false, "0.0.0.0/0"},
        {"192.168.1.7/32", 4, 32, true, "192.168.1.7/32"},
        {"192.168.1.7/31", 4, 31, false, "192.168.1.6/31"},
        {"172.16.0.0/12", 4, 12, true, "172.16.0.0/12"},
        {"172.31.255.255/12", 4, 12, false, "172.16.0.0/12"},
        {"::/0", 6, 0, true, "::/0"},
        {"::1/128", 6, 128, true, "::1/128"},
        {"2001:db8::/32", 6, 32, true, "2001:db8::/32"},
        {"2001:db8::1/64", 6, 64, false, "2001:db8::/64"},
        {"2001:db8:0:0:8000::/65", 6, 65, true, "2001:db8:0:0:8000::/65"},
        {"2001:db8::ffff/127", 6, 127, false, "2001:db8::fffe/127"},
        {"ffff::/1", 6, 1, false, "8000::/1"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      Cidr c = cidr(r.text);
      CHECK(c.addr.family == r.family);
      CHECK(c.prefix == r.prefix);
      CHECK(isCanonical(c) == r.canonical);
      CHECK(format(canonical(c)) == r.canonicalText);
      CHECK(isCanonical(canonical(c)));
      // Parsing keeps the host bits as written.
      CHECK(cidr(format(c)) == c);
    }
    CHECK(format(cidr("10.0.0.1/8")) == "10.0.0.1/8");
  }

  TEST_CASE("malformed cidrs are rejected") {
    const std::string_view bad[] = {
        "", "10.0.0.1", "::1", "1.2.3.4/33", "1.2.3.4/", "/8", "1.2.3.4/-1", "1.2.3.4/08",
        "1.2.3.4/8/8", "1.2.3.4/8 ", "1.2.3.4 /8", "1.2.3/8", "::/129", "::/1000", "gggg::/16",
        "1.2.3.4/x", "1.2.3.4/99999999999",
    };
    for (std::string_view text : bad) {
      CAPTURE(text);
      CHECK_FALSE(parseCidr(text).has_value());
    }
  }

  TEST_CASE("different /0 blocks are different values with one canonical form") {
    Cidr any = cidr("0.0.0.0/0");
    Cidr odd = cidr("1.0.0.0/0");
    CHECK(any != odd);
    CHECK(compare(any, odd) != 0);
    CHECK(canonical(odd) == any);
    CHECK_FALSE(isCanonical(odd));
    CHECK(cidr("0.0.0.0/0") != cidr("::/0"));
  }

  TEST_CASE("first and last addresses") {
    struct Row {
      std::string_view block;
      std::string_view first;
      std::string_view last;
    };
    const Row rows[] = {
        {"10.0.0.0/16", "10.0.0.0", "10.0.255.255"},
        {"10.1.2.3/8", "10.0.0.0", "10.255.255.255"},
        {"0.0.0.0/0", "0.0.0.0", "255.255.255.255"},
        {"1.2.3.4/32", "1.2.3.4", "1.2.3.4"},
        {"::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
        {"2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"},
        {"2001:db8::/63", "2001:db8::", "2001:db8:0:1:ffff:ffff:ffff:ffff"},
        {"2001:db8::/96", "2001:db8::", "2001:db8::ffff:ffff"},
        {"::1/128", "::1", "::1"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.block);
      Cidr c = cidr(r.block);
      CHECK(format(firstAddress(c)) == r.first);
      CHECK(format(lastAddress(c)) == r.last);
      CHECK(contains(c, firstAddress(c)));
      CHECK(contains(c, lastAddress(c)));
    }
  }

  TEST_CASE("cidr contains an address") {
    struct Row {
      std::string_view block;
      std::string_view addr;
      bool inside;
    };
    const Row rows[] = {
        {"10.0.0.0/8", "10.255.1.2", true},
        {"10.0.0.0/8", "11.0.0.0", false},
        {"10.0.0.0/8", "9.255.255.255", false},
        {"0.0.0.0/0", "255.255.255.255", true},
        {"1.0.0.0/0", "8.8.8.8", true},
        {"1.2.3.4/32", "1.2.3.4", true},
        {"1.2.3.4/32", "1.2.3.5", false},
        {"10.0.0.1/24", "10.0.0.200", true},
        {"::/0", "2001:db8::1", true},
        {"::1/128", "::1", true},
        {"::1/128", "::2", false},
        {"2001:db8::/32", "2001:db8:ffff::1", true},
        {"2001:db8::/32", "2001:db9::", false},
        {"2001:db8::/127", "2001:db8::1", true},
        {"2001:db8::/127", "2001:db8::2", false},
        // Families never mix, not even for /0 or IPv4-mapped addresses.
        {"0.0.0.0/0", "::1", false},
        {"0.0.0.0/0", "::ffff:1.2.3.4", false},
        {"::/0", "1.2.3.4", false},
        {"::/96", "0.0.0.1", false},
    };
    for (const Row& r : rows) {
      CAPTURE(r.block);
      CAPTURE(r.addr);
      CHECK(contains(cidr(r.block), ip(r.addr)) == r.inside);
      CHECK(within(ip(r.addr), cidr(r.block)) == r.inside);
    }
  }

  TEST_CASE("cidr containment, overlap and intersection") {
    struct Row {
      std::string_view a;
      std::string_view b;
      bool aContainsB;
      bool bContainsA;
      bool overlap;
    };
    const Row rows[] = {
        {"10.0.0.0/8", "10.1.0.0/16", true, false, true},
        {"10.0.0.0/16", "10.0.0.0/16", true, true, true},
        {"10.0.0.0/16", "10.1.0.0/16", false, false, false},
        {"10.0.0.0/15", "10.1.0.0/16", true, false, true},
        {"0.0.0.0/0", "10.0.0.0/8", true, false, true},
        {"0.0.0.0/0", "1.0.0.0/0", true, true, true},
        {"0.0.0.0/0", "255.255.255.255/32", true, false, true},
        {"1.2.3.4/32", "1.2.3.4/32", true, true, true},
        {"1.2.3.4/32", "1.2.3.5/32", false, false, false},
        {"1.2.3.4/31", "1.2.3.5/32", true, false, true},
        {"10.0.0.1/8", "10.200.0.0/16", true, false, true},
        {"::/0", "2001:db8::/32", true, false, true},
        {"::/0", "::/0", true, true, true},
        {"2001:db8::/32", "2001:db8:1::/48", true, false, true},
        {"2001:db8::/32", "2001:db9::/32", false, false, false},
        {"2001:db8::/64", "2001:db8::1/128", true, false, true},
        {"2001:db8::/64", "2001:db8:0:1::/64", false, false, false},
        {"2001:db8::/65", "2001:db8:0:0:8000::/65", false, false, false},
        {"::1/128", "::1/128", true, true, true},
        {"::1/128", "::/128", false, false, false},
        // Cross-family pairs are always unrelated.
        {"0.0.0.0/0", "::/0", false, false, false},
        {"0.0.0.0/0", "::ffff:0:0/96", false, false, false},
        {"::/0", "10.0.0.0/8", false, false, false},
        {"0.0.0.0/32", "::/128", false, false, false},
    };
    for (const Row& r : rows) {
      CAPTURE(r.a);
      CAPTURE(r.b);
      Cidr a = cidr(r.a);
      Cidr b = cidr(r.b);
      CHECK(contains(a, b) == r.aContainsB);
      CHECK(contains(b, a) == r.bContainsA);
      CHECK(within(b, a) == r.aContainsB);
      CHECK(overlaps(a, b) == r.overlap);
      CHECK(overlaps(b, a) == r.overlap);
      auto both = intersect(a, b);
      CHECK(both.has_value() == r.overlap);
      if (both && r.aContainsB) CHECK(*both == canonical(b));
      if (both && r.bContainsA && !r.aContainsB) CHECK(*both == canonical(a));
    }
  }

  TEST_CASE("compare orders by family, address, then prefix") {
    CHECK(compare(ip("1.2.3.4"), ip("1.2.3.4")) == 0);
    CHECK(compare(ip("1.2.3.4"), ip("1.2.3.5")) < 0);
    CHECK(compare(ip("10.0.0.0"), ip("9.0.0.0")) > 0);
    CHECK(compare(ip("255.255.255.255"), ip("::")) < 0);
    CHECK(compare(ip("::1"), ip("::")) > 0);
    CHECK(compare(ip("1::"), ip("::ffff:ffff")) > 0);
    CHECK(compare(cidr("10.0.0.0/8"), cidr("10.0.0.0/16")) < 0);
    CHECK(compare(cidr("10.0.0.0/16"), cidr("10.0.0.0/8")) > 0);
    CHECK(compare(cidr("10.0.0.0/8"), cidr("10.0.0.0/8")) == 0);
    CHECK(compare(ports(1, 5), ports(1, 6)) < 0);
    CHECK(compare(ports(2, 2), ports(1, 6)) > 0);
    CHECK(compare(traffic("tcp 443"), traffic("tcp 443")) == 0);
    CHECK(compare(traffic("all"), traffic("icmp")) < 0);
    CHECK(compare(traffic("udp"), traffic("tcp 80")) > 0);
  }

  TEST_CASE("hashing distinguishes values that differ") {
    std::unordered_set<Cidr> blocks{cidr("0.0.0.0/0"), cidr("1.0.0.0/0"), cidr("::/0"), cidr("0.0.0.0/0")};
    CHECK(blocks.size() == 3);
    std::unordered_set<IpAddr> addrs{ip("0.0.0.1"), ip("::1"), ip("0.0.0.1")};
    CHECK(addrs.size() == 2);
    std::unordered_set<Traffic> flows{traffic("tcp 443"), traffic("udp 443"), traffic("6 443")};
    CHECK(flows.size() == 2);
    CHECK(std::hash<PortRange>{}(ports(1, 2)) != std::hash<PortRange>{}(ports(2, 1)));
  }

  TEST_CASE("protocols") {
    struct Row {
      std::string_view text;
      int16_t proto;
    };
    const Row rows[] = {
        {"-1", kAllProtocols}, {"all", kAllProtocols}, {"ALL", kAllProtocols}, {"tcp", kTcp},
        {"TCP", kTcp},         {"6", kTcp},            {"udp", kUdp},           {"Udp", kUdp},
        {"17", kUdp},          {"icmp", kIcmp},        {"1", kIcmp},            {"icmpv6", kIcmpv6},
        {"ICMPv6", kIcmpv6},   {"58", kIcmpv6},        {"0", 0},                {"50", 50},
        {"255", 255},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      auto parsed = parseProtocol(r.text);
      REQUIRE(parsed.has_value());
      CHECK(*parsed == r.proto);
    }
    const std::string_view bad[] = {"", "256", "-2", "tcpp", "06", "+6", " tcp", "tcp ", "1.5", "icmp6", "any"};
    for (std::string_view text : bad) {
      CAPTURE(text);
      CHECK_FALSE(parseProtocol(text).has_value());
    }
    CHECK(protocolName(kAllProtocols) == "all");
    CHECK(protocolName(kTcp) == "tcp");
    CHECK(protocolName(kUdp) == "udp");
    CHECK(protocolName(kIcmp) == "icmp");
    CHECK(protocolName(kIcmpv6) == "icmpv6");
    CHECK(protocolName(50) == "50");
  }

  TEST_CASE("protocol coverage") {
    CHECK(protocolCovers(kAllProtocols, kTcp));
    CHECK(protocolCovers(kAllProtocols, kIcmpv6));
    CHECK(protocolCovers(kAllProtocols, kAllProtocols));
    CHECK(protocolCovers(kTcp, kTcp));
    CHECK_FALSE(protocolCovers(kTcp, kUdp));
    CHECK_FALSE(protocolCovers(kTcp, kAllProtocols));
    CHECK_FALSE(protocolCovers(kIcmp, kIcmpv6));
    CHECK(protocolCovers(50, 50));
  }

  TEST_CASE("port ranges parse and format") {
    struct Row {
      std::string_view text;
      PortRange range;
      std::string_view formatted;
    };
    const Row rows[] = {
        {"443", ports(443, 443), "443"},
        {"0", ports(0, 0), "0"},
        {"65535", ports(65535, 65535), "65535"},
        {"1024..65535", ports(1024, 65535), "1024..65535"},
        {"80..80", ports(80, 80), "80"},
        {"0..65535", ports(0, 65535), "all ports"},
        {"all ports", ports(0, 65535), "all ports"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      auto parsed = parsePortRange(r.text);
      REQUIRE(parsed.has_value());
      CHECK(*parsed == r.range);
      CHECK(format(*parsed) == r.formatted);
    }
    const std::string_view bad[] = {"", "65536", "-1", "443..80", "1..", "..5", "1...5", "1..2..3", "08", "x", "1 .. 2"};
    for (std::string_view text : bad) {
      CAPTURE(text);
      CHECK_FALSE(parsePortRange(text).has_value());
    }
  }

  TEST_CASE("port range algebra") {
    CHECK(contains(ports(0, 65535), ports(22, 22)));
    CHECK(contains(ports(1024, 65535), ports(1024, 65535)));
    CHECK(contains(ports(1024, 65535), ports(2000, 3000)));
    CHECK_FALSE(contains(ports(1024, 65535), ports(1023, 2000)));
    CHECK_FALSE(contains(ports(22, 22), ports(0, 65535)));
    CHECK(within(ports(22, 22), ports(0, 100)));
    CHECK(contains(ports(80, 90), uint16_t{80}));
    CHECK(contains(ports(80, 90), uint16_t{90}));
    CHECK_FALSE(contains(ports(80, 90), uint16_t{91}));
    CHECK_FALSE(contains(ports(80, 90), uint16_t{79}));

    CHECK(overlaps(ports(80, 90), ports(90, 100)));
    CHECK(overlaps(ports(90, 100), ports(80, 90)));
    CHECK_FALSE(overlaps(ports(80, 89), ports(90, 100)));
    CHECK(overlaps(ports(0, 65535), ports(65535, 65535)));

    CHECK(intersect(ports(80, 90), ports(85, 100)) == ports(85, 90));
    CHECK(intersect(ports(0, 65535), ports(22, 22)) == ports(22, 22));
    CHECK_FALSE(intersect(ports(1, 2), ports(3, 4)).has_value());

    using Ranges = std::vector<PortRange>;
    CHECK(subtract(ports(0, 65535), ports(22, 22)) == Ranges{ports(0, 21), ports(23, 65535)});
    CHECK(subtract(ports(0, 65535), ports(0, 1023)) == Ranges{ports(1024, 65535)});
    CHECK(subtract(ports(0, 65535), ports(1024, 65535)) == Ranges{ports(0, 1023)});
    CHECK(subtract(ports(80, 90), ports(0, 65535)).empty());
    CHECK(subtract(ports(80, 90), ports(80, 90)).empty());
    CHECK(subtract(ports(80, 90), ports(100, 200)) == Ranges{ports(80, 90)});
    CHECK(subtract(ports(80, 90), ports(85, 200)) == Ranges{ports(80, 84)});
    CHECK(subtract(ports(0, 0), ports(0, 0)).empty());
    CHECK(subtract(ports(65535, 65535), ports(0, 65534)) == Ranges{ports(65535, 65535)});
    CHECK(complement(ports(0, 65535)).empty());
    CHECK(complement(ports(22, 22)) == Ranges{ports(0, 21), ports(23, 65535)});
    CHECK(complement(ports(0, 1023)) == Ranges{ports(1024, 65535)});
  }

  TEST_CASE("traffic parses and formats") {
    struct Row {
      std::string_view text;
      Traffic value;
      std::string_view formatted;
    };
    const Row rows[] = {
        {"tcp 443", Traffic{kTcp, ports(443, 443)}, "tcp 443"},
        {"tcp 1024..65535", Traffic{kTcp, ports(1024, 65535)}, "tcp 1024..65535"},
        {"udp 53", Traffic{kUdp, ports(53, 53)}, "udp 53"},
        {"tcp", Traffic{kTcp, ports(0, 65535)}, "tcp"},
        {"tcp 0..65535", Traffic{kTcp, ports(0, 65535)}, "tcp"},
        {"udp", Traffic{kUdp, ports(0, 65535)}, "udp"},
        {"icmp", Traffic{kIcmp, ports(0, 65535)}, "icmp"},
        {"icmpv6", Traffic{kIcmpv6, ports(0, 65535)}, "icmpv6"},
        {"all", Traffic{kAllProtocols, ports(0, 65535)}, "all"},
        {"-1", Traffic{kAllProtocols, ports(0, 65535)}, "all"},
        {"TCP 22", Traffic{kTcp, ports(22, 22)}, "tcp 22"},
        {"6 22", Traffic{kTcp, ports(22, 22)}, "tcp 22"},
        {"tcp  22", Traffic{kTcp, ports(22, 22)}, "tcp 22"},
        {"50", Traffic{50, ports(0, 65535)}, "50"},
    };
    for (const Row& r : rows) {
      CAPTURE(r.text);
      Traffic t = traffic(r.text);
      CHECK(t == r.value);
      CHECK(format(t) == r.formatted);
      CHECK(traffic(format(t)) == t);
    }
    const std::string_view bad[] = {"", "tcp ", " tcp", "tcp 443 ", "tcp 65536", "tcp 443..80", "icmp 3",
                                    "all 443", "tcp443", "sctp", "tcp 22 23", "tcp x"};
    for (std::string_view text : bad) {
      CAPTURE(text);
      CHECK_FALSE(parseTraffic(text).has_value());
    }
  }

  TEST_CASE("traffic containment and overlap") {
    struct Row {
      std::string_view outer;
      std::string_view inner;
      bool contained;
      bool overlap;
    };
    const Row rows[] = {
        {"all", "tcp 443", true, true},
        {"all", "icmp", true, true},
        {"all", "all", true, true},
        {"tcp", "tcp 443", true, true},
        {"tcp", "tcp", true, true},
        {"tcp 443", "tcp 443", true, true},
        {"tcp 1024..65535", "tcp 2000..3000", true, true},
        {"tcp 1024..65535", "tcp 443", false, false},
        {"tcp 1024..65535", "tcp 1000..2000", false, true},
        {"tcp 443", "tcp", false, true},
        {"tcp 443", "udp 443", false, false},
        {"tcp", "udp", false, false},
        {"tcp", "all", false, true},
        {"tcp 443", "all", false, true},
        {"icmp", "icmp", true, true},
        {"icmp", "icmpv6", false, false},
        {"icmp", "tcp 22", false, false},
        {"icmp", "all", false, true},
        {"udp 53", "udp 53", true, true},
        {"50", "50", true, true},
        {"50", "51", false, false},
    };
    for (const Row& r : rows) {
      CAPTURE(r.outer);
      CAPTURE(r.inner);
      Traffic outer = traffic(r.outer);
      Traffic inner = traffic(r.inner);
      CHECK(contains(outer, inner) == r.contained);
      CHECK(within(inner, outer) == r.contained);
      CHECK(overlaps(outer, inner) == r.overlap);
      CHECK(overlaps(inner, outer) == r.overlap);
    }
  }

  TEST_CASE("out-of-range prefixes in hand-built blocks do not misbehave") {
    // Values can arrive from hosts as raw structs; a too-long prefix is read
    // as a host block rather than shifting past the word size.
    Cidr v4{ipv4(0x0a000001), 40};
    CHECK(contains(v4, ipv4(0x0a000001)));
    CHECK_FALSE(contains(v4, ipv4(0x0a000002)));
    CHECK(lastAddress(v4) == ipv4(0x0a000001));
    Cidr v6{ipv6(0, 1), 200};
    CHECK(contains(v6, ipv6(0, 1)));
    CHECK_FALSE(contains(v6, ipv6(0, 2)));
    CHECK(hostBlock(ipv6(0, 1)).prefix == 128);
    CHECK(hostBlock(ipv4(1)).prefix == 32);
  }
}
