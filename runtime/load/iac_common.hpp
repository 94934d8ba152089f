// Internal: what the infrastructure-as-code readers (CloudFormation, Terraform) share.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.hpp"

namespace ward::load::iac {

// The facts of a converted input, kind by kind, each entity one JSON object;
// text() is the Ward JSON facts document (docs/facts.md).
class Facts {
public:
  JsonWriter& add(const std::string& kind);
  std::string text();

private:
  // A deque: the writer add() returned stays put while others are added.
  std::map<std::string, std::deque<JsonWriter>> kinds_;
};

std::string lower(std::string s);
std::optional<int64_t> toInt(const std::string& s);

void optField(JsonWriter& w, const char* key, const std::optional<std::string>& v);
void optField(JsonWriter& w, const char* key, const std::optional<bool>& v);
void listField(JsonWriter& w, const char* key, const std::vector<std::string>& v);

// "tcp 443", "udp 1024..65535", "all", "icmp", "50" from an IP protocol and
// a port range (-1 or absent: every port).
std::string trafficOf(std::string proto, const std::optional<std::string>& from, const std::optional<std::string>& to);

// The next free address of a subnet's IPv4 block, for the interfaces AWS
// creates in it (NAT gateways, interface endpoints): after the four that AWS
// keeps at the start of every subnet, in the order the input lists them.
class Addresses {
public:
  std::optional<std::string> next(const std::string& subnet, const std::optional<std::string>& cidr);

private:
  std::map<std::string, uint32_t> used_;
};

// "com.amazonaws.${AWS::Region}.s3" or "com.amazonaws.us-east-1.s3" -> "s3".
std::string shortService(const std::string& name);

}  // namespace ward::load::iac
