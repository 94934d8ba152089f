// Typed network values: IP addresses, CIDR blocks, port ranges, protocols and
// "traffic specs" (`tcp 443`, `udp 1024..65535`, `icmp`, `all`), with canonical
// forms and set algebra. Plain structs: they fit inside a runtime Value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::net {

// An IPv4 or IPv6 address. IPv4 lives in the low 32 bits of `lo` with hi == 0.
struct IpAddr {
  uint64_t hi = 0;
  uint64_t lo = 0;
  uint8_t family = 4;  // 4 or 6

  friend bool operator==(const IpAddr&, const IpAddr&) = default;
  unsigned bits() const { return family == 4 ? 32 : 128; }
};

// A CIDR block. Canonical when no host bits are set below the prefix.
struct Cidr {
  IpAddr addr;
  uint8_t prefix = 0;

  friend bool operator==(const Cidr&, const Cidr&) = default;
};

// An inclusive port range; [0, 65535] means every port.
struct PortRange {
  uint16_t lo = 0;
  uint16_t hi = 65535;

  friend bool operator==(const PortRange&, const PortRange&) = default;
  bool all() const { return lo == 0 && hi == 65535; }
};

// IP protocol numbers; kAllProtocols stands for AWS's "-1".
inline constexpr int16_t kAllProtocols = -1;
inline constexpr int16_t kIcmp = 1;
inline constexpr int16_t kTcp = 6;
inline constexpr int16_t kUdp = 17;
inline constexpr int16_t kIcmpv6 = 58;

// A protocol with its port range (ports only mean something for TCP and UDP;
// for other protocols `ports` is the full range). `tcp 443`, `all`, `icmp`.
struct Traffic {
  int16_t proto = kAllProtocols;
  PortRange ports;

  friend bool operator==(const Traffic&, const Traffic&) = default;
};

// --- parsing (return nullopt on malformed input) -------------------------------
std::optional<IpAddr> parseIp(std::string_view text);
// Accepts non-canonical blocks (host bits set); use isCanonical to flag them.
std::optional<Cidr> parseCidr(std::string_view text);
// "-1", "all", "tcp", "udp", "icmp", "icmpv6", "6", "17", any 0..255 number.
std::optional<int16_t> parseProtocol(std::string_view text);
// "443", "1024..65535" (lo <= hi) or "all ports".
std::optional<PortRange> parsePortRange(std::string_view text);
// "tcp 443", "udp 1024..65535", "tcp" (all ports), "icmp", "all", "50". Ports
// are only accepted after tcp/udp.
std::optional<Traffic> parseTraffic(std::string_view text);

// --- canonical text --------------------------------------------------------------
std::string format(const IpAddr& ip);     // 10.0.0.1, 2001:db8::1 (RFC 5952)
std::string format(const Cidr& c);        // 10.0.0.0/16
std::string format(const PortRange& p);   // 443, 1024..65535, or "all ports"
std::string protocolName(int16_t proto);  // tcp, udp, icmp, all, or the number
std::string format(const Traffic& t);     // tcp 443, udp 1024..65535, icmp, all

// --- algebra ---------------------------------------------------------------------
bool isCanonical(const Cidr& c);
Cidr canonical(const Cidr& c);  // host bits cleared
IpAddr firstAddress(const Cidr& c);
IpAddr lastAddress(const Cidr& c);
bool contains(const Cidr& c, const IpAddr& ip);
bool contains(const Cidr& outer, const Cidr& inner);  // inner within outer
bool overlaps(const Cidr& a, const Cidr& b);
bool contains(const PortRange& outer, const PortRange& inner);
bool overlaps(const PortRange& a, const PortRange& b);
bool contains(const PortRange& r, uint16_t port);
// Does the protocol `outer` (possibly "all") cover protocol `inner`?
bool protocolCovers(int16_t outer, int16_t inner);
// Does `outer` admit all of `inner` (protocol covered, ports contained)?
bool contains(const Traffic& outer, const Traffic& inner);
bool overlaps(const Traffic& a, const Traffic& b);
// Total order for sorting and sets: family, address, prefix.
int compare(const IpAddr& a, const IpAddr& b);
int compare(const Cidr& a, const Cidr& b);
int compare(const PortRange& a, const PortRange& b);
int compare(const Traffic& a, const Traffic& b);

// --- additions -------------------------------------------------------------------
// Do port numbers mean anything for this protocol (TCP and UDP only)?
inline bool hasPorts(int16_t proto) { return proto == kTcp || proto == kUdp; }
inline IpAddr ipv4(uint32_t value) { return IpAddr{0, value, 4}; }
inline IpAddr ipv6(uint64_t hi, uint64_t lo) { return IpAddr{hi, lo, 6}; }
// The single-address block: /32 for IPv4, /128 for IPv6.
inline Cidr hostBlock(const IpAddr& ip) { return Cidr{ip, static_cast<uint8_t>(ip.bits())}; }
inline bool within(const IpAddr& ip, const Cidr& c) { return contains(c, ip); }
inline bool within(const Cidr& inner, const Cidr& outer) { return contains(outer, inner); }
inline bool within(const PortRange& inner, const PortRange& outer) { return contains(outer, inner); }
inline bool within(const Traffic& inner, const Traffic& outer) { return contains(outer, inner); }
// Two CIDR blocks either nest or are disjoint, so the intersection is the
// canonical form of the narrower one, or nothing.
std::optional<Cidr> intersect(const Cidr& a, const Cidr& b);
std::optional<PortRange> intersect(const PortRange& a, const PortRange& b);
// The ports of `a` that are not in `b`: zero, one or two ranges, ascending.
std::vector<PortRange> subtract(const PortRange& a, const PortRange& b);
// Every port not in `r` (zero, one or two ranges).
std::vector<PortRange> complement(const PortRange& r);

}  // namespace ward::net

// Hashing, so the values can key unordered containers.
template <>
struct std::hash<ward::net::IpAddr> {
  size_t operator()(const ward::net::IpAddr& a) const noexcept {
    // A mix rather than a plain xor, so that swapping hi and lo, or the common
    // all-zero hi of IPv4, does not make values collide.
    uint64_t h = a.hi * 0x9e3779b97f4a7c15ULL;
    h ^= a.lo + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
    h ^= a.family + (h << 6) + (h >> 2);
    return static_cast<size_t>(h);
  }
};
template <>
struct std::hash<ward::net::Cidr> {
  size_t operator()(const ward::net::Cidr& c) const noexcept {
    size_t h = std::hash<ward::net::IpAddr>{}(c.addr);
    return h ^ (c.prefix + 0x9e3779b9U + (h << 6) + (h >> 2));
  }
};
template <>
struct std::hash<ward::net::PortRange> {
  size_t operator()(const ward::net::PortRange& p) const noexcept {
    return std::hash<uint32_t>{}((uint32_t{p.lo} << 16) | p.hi);
  }
};
template <>
struct std::hash<ward::net::Traffic> {
  size_t operator()(const ward::net::Traffic& t) const noexcept {
    uint64_t key = (uint64_t{static_cast<uint16_t>(t.proto)} << 32) |
                   (uint64_t{t.ports.lo} << 16) | t.ports.hi;
    return std::hash<uint64_t>{}(key);
  }
};
