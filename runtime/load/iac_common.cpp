// What the infrastructure-as-code readers share: the facts being written,
// field helpers, traffic strings, stand-in addresses and service names.
#include "runtime/load/iac_common.hpp"

#include <charconv>
#include <cstdio>

#include <fmt/format.h>

namespace ward::load::iac {

JsonWriter& Facts::add(const std::string& kind) {
  auto& list = kinds_[kind];
  list.emplace_back(false);
  list.back().beginObject();
  return list.back();
}

std::string Facts::text() {
  JsonWriter w(false);
  w.beginObject().field("format", "ward-facts").field("version", 1).key("facts").beginObject();
  for (auto& [kind, objects] : kinds_) {
    w.key(kind).beginArray();
    for (JsonWriter& o : objects) w.raw(o.endObject().take());
    w.endArray();
  }
  w.endObject().endObject();
  return w.take();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::optional<int64_t> toInt(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

void optField(JsonWriter& w, const char* key, const std::optional<std::string>& v) {
  if (v) w.field(key, *v);
}
void optField(JsonWriter& w, const char* key, const std::optional<bool>& v) {
  if (v) w.field(key, *v);
}
void listField(JsonWriter& w, const char* key, const std::vector<std::string>& v) {
  w.key(key).beginArray();
  for (const std::string& s : v) w.value(s);
  w.endArray();
}

std::string trafficOf(std::string proto, const std::optional<std::string>& from, const std::optional<std::string>& to) {
  proto = lower(proto);
  if (proto == "-1" || proto == "all") return "all";
  if (proto == "6") proto = "tcp";
  if (proto == "17") proto = "udp";
  if (proto == "1") proto = "icmp";
  if (proto == "58") proto = "icmpv6";
  if (proto != "tcp" && proto != "udp") return proto;
  if (!from || !to || *from == "-1" || *to == "-1") return proto;
  return *from == *to ? fmt::format("{} {}", proto, *from) : fmt::format("{} {}..{}", proto, *from, *to);
}

std::optional<std::string> Addresses::next(const std::string& subnet, const std::optional<std::string>& cidr) {
  if (!cidr) return std::nullopt;
  unsigned a, b, c, d, len;
  char tail;
  if (std::sscanf(cidr->c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &tail) != 5 || a > 255 || b > 255 ||
      c > 255 || d > 255 || len > 28)
    return std::nullopt;
  const uint32_t base = ((a << 24) | (b << 16) | (c << 8) | d) & (len ? ~uint32_t{0} << (32 - len) : 0);
  const uint32_t offset = 4 + used_[subnet]++;
  if (offset + 1 >= (uint32_t{1} << (32 - len))) return std::nullopt;  // the block is full
  const uint32_t ip = base + offset;
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

std::string shortService(const std::string& name) {
  std::string rest = name;
  for (const char* prefix : {"com.amazonaws.", "aws.sagemaker."})
    if (rest.rfind(prefix, 0) == 0) rest = rest.substr(std::string_view(prefix).size());
  const size_t dot = rest.find('.');
  if (dot != std::string::npos && (rest.rfind("${AWS::Region}", 0) == 0 || rest.find('-') < dot))
    rest = rest.substr(dot + 1);
  return rest;
}

}  // namespace ward::load::iac
