// Parsing, canonical formatting and set algebra for the typed network values.
#include "runtime/net/addr.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include <fmt/format.h>

namespace ward::net {
namespace {

constexpr uint64_t kAllOnes = ~uint64_t{0};
constexpr uint64_t kV4Ones = 0xffffffffULL;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A plain decimal number no greater than `max`. Leading zeros are refused
// ("010" could be read as octal by other tools, so it is ambiguous), except
// for the single digit "0".
std::optional<uint32_t> parseDecimal(std::string_view text, uint32_t max) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint32_t value = 0;
  for (char c : text) {
    if (!isDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint32_t>(c - '0');
    // Checking on every digit keeps the accumulator far from overflow.
    if (value > max) return std::nullopt;
  }
  return value;
}

// Exactly four dotted decimal octets, each 0..255.
std::optional<uint32_t> parseV4(std::string_view text) {
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    size_t dot = text.find('.');
    bool last = part == 3;
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    auto octet = parseDecimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    value = (value << 8) | *octet;
    text = last ? std::string_view{} : text.substr(dot + 1);
  }
  return value;
}

using Groups = std::array<uint16_t, 8>;

// Colon-separated hex groups of one side of a "::" (or the whole address when
// there is none). An embedded dotted quad counts as two groups and is only
// allowed as the final piece of the whole text.
bool parseGroups(std::string_view text, bool allowV4, Groups& out, size_t& count) {
  count = 0;
  if (text.empty()) return true;
  while (true) {
    size_t colon = text.find(':');
    std::string_view piece = text.substr(0, colon);
    bool last = colon == std::string_view::npos;
    if (piece.find('.') != std::string_view::npos) {
      if (!last || !allowV4 || count + 2 > 8) return false;
      auto v4 = parseV4(piece);
      if (!v4) return false;
      out[count++] = static_cast<uint16_t>(*v4 >> 16);
      out[count++] = static_cast<uint16_t>(*v4 & 0xffff);
      return true;
    }
    if (piece.empty() || piece.size() > 4 || count == 8) return false;
    unsigned group = 0;
    for (char c : piece) {
      int h = hexValue(c);
      if (h < 0) return false;
      group = (group << 4) | static_cast<unsigned>(h);
    }
    out[count++] = static_cast<uint16_t>(group);
    if (last) return true;
    text = text.substr(colon + 1);
  }
}

IpAddr fromGroups(const Groups& g) {
  IpAddr ip{0, 0, 6};
  for (size_t i = 0; i < 4; ++i) ip.hi = (ip.hi << 16) | g[i];
  for (size_t i = 4; i < 8; ++i) ip.lo = (ip.lo << 16) | g[i];
  return ip;
}

Groups toGroups(const IpAddr& ip) {
  Groups g{};
  for (size_t i = 0; i < 4; ++i) {
    g[i] = static_cast<uint16_t>(ip.hi >> (48 - 16 * i));
    g[i + 4] = static_cast<uint16_t>(ip.lo >> (48 - 16 * i));
  }
  return g;
}

// RFC 4291 section 2.2 text forms: eight groups, at most one "::" standing for
// one or more zero groups, optionally ending in a dotted quad. Zone indexes
// ("%eth0") and brackets are not addresses and are refused.
std::optional<IpAddr> parseV6(std::string_view text) {
  Groups head{}, tail{};
  size_t headCount = 0, tailCount = 0;
  size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parseGroups(text, true, head, headCount) || headCount != 8) return std::nullopt;
    return fromGroups(head);
  }
  // A second "::" (which also catches ":::") would make the gap ambiguous.
  if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
  std::string_view before = text.substr(0, gap);
  std::string_view after = text.substr(gap + 2);
  if (!parseGroups(before, false, head, headCount)) return std::nullopt;
  if (!parseGroups(after, true, tail, tailCount)) return std::nullopt;
  if (headCount + tailCount > 7) return std::nullopt;
  Groups all{};
  std::copy_n(head.begin(), headCount, all.begin());
  std::copy_n(tail.begin(), tailCount, all.end() - static_cast<std::ptrdiff_t>(tailCount));
  return fromGroups(all);
}

// Appends a number below 100000 in decimal.
void appendSmall(std::string& out, uint32_t n) {
  char buf[8];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out.append(p, static_cast<size_t>(end - p));
}

// Optimization: findings print thousands of addresses; fmt::format costs
// several times this.
void appendV4(std::string& out, uint32_t v) {
  appendSmall(out, v >> 24);
  out += '.';
  appendSmall(out, (v >> 16) & 0xff);
  out += '.';
  appendSmall(out, (v >> 8) & 0xff);
  out += '.';
  appendSmall(out, v & 0xff);
}

std::string formatV4(uint32_t v) {
  std::string out;
  appendV4(out, v);
  return out;
}

// RFC 5952: lowercase, no leading zeros, the longest run of two or more zero
// groups becomes "::" (the leftmost on a tie). IPv4-mapped addresses
// (::ffff:0:0/96) keep their dotted tail as section 5 recommends.
std::string formatV6(const IpAddr& ip) {
  if (ip.hi == 0 && (ip.lo >> 32) == 0xffff)
    return "::ffff:" + formatV4(static_cast<uint32_t>(ip.lo & kV4Ones));
  Groups g = toGroups(ip);
  size_t bestStart = 8, bestLen = 0;
  for (size_t i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = 8, bestLen = 0;
  std::string out;
  for (size_t i = 0; i < 8; ++i) {
    if (i == bestStart) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

unsigned clampedPrefix(const Cidr& c) { return std::min<unsigned>(c.prefix, c.addr.bits()); }

// The network mask for `prefix` bits of the family, split like IpAddr.
struct Mask {
  uint64_t hi;
  uint64_t lo;
};

Mask maskFor(uint8_t family, unsigned prefix) {
  if (family == 4) {
    prefix = std::min(prefix, 32U);
    return {0, prefix == 0 ? 0 : (kV4Ones << (32 - prefix)) & kV4Ones};
  }
  prefix = std::min(prefix, 128U);
  if (prefix <= 64) return {prefix == 0 ? 0 : kAllOnes << (64 - prefix), 0};
  return {kAllOnes, prefix == 128 ? kAllOnes : kAllOnes << (128 - prefix)};
}

// Do `a` and `b` agree on their first `prefix` bits? Callers check the family.
bool samePrefix(const IpAddr& a, const IpAddr& b, unsigned prefix) {
  Mask m = maskFor(a.family, prefix);
  return (a.hi & m.hi) == (b.hi & m.hi) && (a.lo & m.lo) == (b.lo & m.lo);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

template <typename T>
int threeWay(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

// --- parsing -----------------------------------------------------------------

std::optional<IpAddr> parseIp(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parseV6(text);
  auto v4 = parseV4(text);
  if (!v4) return std::nullopt;
  return ipv4(*v4);
}

std::optional<Cidr> parseCidr(std::string_view text) {
  size_t slash = text.find('/');
  // A bare address is deliberately not a block: "10.0.0.1" meaning /32 would
  // hide typos such as a forgotten prefix.
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  auto prefix = parseDecimal(text.substr(slash + 1), ip->bits());
  if (!prefix) return std::nullopt;
  return Cidr{*ip, static_cast<uint8_t>(*prefix)};
}

std::optional<int16_t> parseProtocol(std::string_view text) {
  struct Named {
    std::string_view name;
    int16_t proto;
  };
  static constexpr Named kNames[] = {
      {"all", kAllProtocols}, {"-1", kAllProtocols}, {"tcp", kTcp},
      {"udp", kUdp},          {"icmp", kIcmp},       {"icmpv6", kIcmpv6},
  };
  // The spellings of nearly every AWS rule first, exactly as AWS writes them.
  if (text == "-1") return kAllProtocols;
  if (text == "tcp") return kTcp;
  if (text == "udp") return kUdp;
  for (const Named& n : kNames)
    if (equalsIgnoreCase(text, n.name)) return n.proto;
  auto number = parseDecimal(text, 255);
  if (!number) return std::nullopt;
  return static_cast<int16_t>(*number);
}

std::optional<PortRange> parsePortRange(std::string_view text) {
  if (text == "all ports") return PortRange{};
  size_t dots = text.find("..");
  auto lo = parseDecimal(text.substr(0, dots), 65535);
  if (!lo) return std::nullopt;
  if (dots == std::string_view::npos) return PortRange{static_cast<uint16_t>(*lo), static_cast<uint16_t>(*lo)};
  auto hi = parseDecimal(text.substr(dots + 2), 65535);
  if (!hi || *hi < *lo) return std::nullopt;
  return PortRange{static_cast<uint16_t>(*lo), static_cast<uint16_t>(*hi)};
}

std::optional<Traffic> parseTraffic(std::string_view text) {
  size_t space = text.find_first_of(" \t");
  auto proto = parseProtocol(text.substr(0, space));
  if (!proto) return std::nullopt;
  if (space == std::string_view::npos) return Traffic{*proto, PortRange{}};
  size_t portsAt = text.find_first_not_of(" \t", space);
  // Ports after icmp or all would be silently meaningless, so they are refused.
  if (portsAt == std::string_view::npos || !hasPorts(*proto)) return std::nullopt;
  auto ports = parsePortRange(text.substr(portsAt));
  if (!ports) return std::nullopt;
  return Traffic{*proto, *ports};
}

// --- canonical text ----------------------------------------------------------

std::string format(const IpAddr& ip) {
  return ip.family == 4 ? formatV4(static_cast<uint32_t>(ip.lo & kV4Ones)) : formatV6(ip);
}

std::string format(const Cidr& c) {
  std::string out;
  if (c.addr.family == 4) appendV4(out, static_cast<uint32_t>(c.addr.lo & kV4Ones));
  else out = formatV6(c.addr);
  out += '/';
  appendSmall(out, c.prefix);
  return out;
}

std::string format(const PortRange& p) {
  if (p.all()) return "all ports";
  std::string out;
  appendSmall(out, p.lo);
  if (p.lo != p.hi) {
    out += "..";
    appendSmall(out, p.hi);
  }
  return out;
}

std::string protocolName(int16_t proto) {
  switch (proto) {
    case kAllProtocols: return "all";
    case kIcmp: return "icmp";
    case kTcp: return "tcp";
    case kUdp: return "udp";
    case kIcmpv6: return "icmpv6";
    default: return fmt::format("{}", proto);
  }
}

std::string format(const Traffic& t) {
  if (!hasPorts(t.proto) || t.ports.all()) return protocolName(t.proto);
  return protocolName(t.proto) + " " + format(t.ports);
}

// --- algebra -----------------------------------------------------------------

// canonical(c) == c, without building it: no bits set outside the prefix's
// mask. (A loader calls this for every CIDR block of a snapshot.)
bool isCanonical(const Cidr& c) {
  const Mask m = maskFor(c.addr.family, clampedPrefix(c));
  return (c.addr.hi & ~m.hi) == 0 && (c.addr.lo & ~m.lo) == 0;
}

Cidr canonical(const Cidr& c) { return Cidr{firstAddress(c), c.prefix}; }

IpAddr firstAddress(const Cidr& c) {
  Mask m = maskFor(c.addr.family, clampedPrefix(c));
  return IpAddr{c.addr.hi & m.hi, c.addr.lo & m.lo, c.addr.family};
}

IpAddr lastAddress(const Cidr& c) {
  Mask m = maskFor(c.addr.family, clampedPrefix(c));
  if (c.addr.family == 4) return ipv4(static_cast<uint32_t>((c.addr.lo | ~m.lo) & kV4Ones));
  return IpAddr{c.addr.hi | ~m.hi, c.addr.lo | ~m.lo, 6};
}

bool contains(const Cidr& c, const IpAddr& ip) {
  return c.addr.family == ip.family && samePrefix(c.addr, ip, clampedPrefix(c));
}

bool contains(const Cidr& outer, const Cidr& inner) {
  return outer.addr.family == inner.addr.family && clampedPrefix(outer) <= clampedPrefix(inner) &&
         samePrefix(outer.addr, inner.addr, clampedPrefix(outer));
}

bool overlaps(const Cidr& a, const Cidr& b) {
  return a.addr.family == b.addr.family &&
         samePrefix(a.addr, b.addr, std::min(clampedPrefix(a), clampedPrefix(b)));
}

std::optional<Cidr> intersect(const Cidr& a, const Cidr& b) {
  if (!overlaps(a, b)) return std::nullopt;
  return canonical(clampedPrefix(a) >= clampedPrefix(b) ? a : b);
}

bool contains(const PortRange& outer, const PortRange& inner) {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}

bool overlaps(const PortRange& a, const PortRange& b) { return a.lo <= b.hi && b.lo <= a.hi; }

bool contains(const PortRange& r, uint16_t port) { return r.lo <= port && port <= r.hi; }

std::optional<PortRange> intersect(const PortRange& a, const PortRange& b) {
  if (!overlaps(a, b)) return std::nullopt;
  return PortRange{std::max(a.lo, b.lo), std::min(a.hi, b.hi)};
}

std::vector<PortRange> subtract(const PortRange& a, const PortRange& b) {
  if (!overlaps(a, b)) return {a};
  std::vector<PortRange> out;
  // The bounds checks keep b.lo - 1 and b.hi + 1 inside 0..65535.
  if (a.lo < b.lo) out.push_back({a.lo, static_cast<uint16_t>(b.lo - 1)});
  if (b.hi < a.hi) out.push_back({static_cast<uint16_t>(b.hi + 1), a.hi});
  return out;
}

std::vector<PortRange> complement(const PortRange& r) { return subtract(PortRange{}, r); }

bool protocolCovers(int16_t outer, int16_t inner) { return outer == kAllProtocols || outer == inner; }

bool contains(const Traffic& outer, const Traffic& inner) {
  if (!protocolCovers(outer.proto, inner.proto)) return false;
  // Only TCP and UDP restrict ports; "all" and icmp admit every packet of the
  // protocols they cover.
  return !hasPorts(outer.proto) || contains(outer.ports, inner.ports);
}

bool overlaps(const Traffic& a, const Traffic& b) {
  if (!protocolCovers(a.proto, b.proto) && !protocolCovers(b.proto, a.proto)) return false;
  if (hasPorts(a.proto) && hasPorts(b.proto)) return overlaps(a.ports, b.ports);
  return true;
}

int compare(const IpAddr& a, const IpAddr& b) {
  if (int c = threeWay(a.family, b.family)) return c;
  if (int c = threeWay(a.hi, b.hi)) return c;
  return threeWay(a.lo, b.lo);
}

int compare(const Cidr& a, const Cidr& b) {
  if (int c = compare(a.addr, b.addr)) return c;
  return threeWay(a.prefix, b.prefix);
}

int compare(const PortRange& a, const PortRange& b) {
  if (int c = threeWay(a.lo, b.lo)) return c;
  return threeWay(a.hi, b.hi);
}

int compare(const Traffic& a, const Traffic& b) {
  if (int c = threeWay(a.proto, b.proto)) return c;
  return compare(a.ports, b.ports);
}

}  // namespace ward::net
