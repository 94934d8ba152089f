// Internal to runtime/net: a reachability query as the engine runs it, shared
// by ReachEngine::trace (reach_query.cpp) and the VM adapter (reach_values.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

// What the query's destination is, which decides what "delivered" means.
enum class Intent : uint8_t { Endpoint, External, Internet, Service };

// A source or destination as the caller named it.
struct Place {
  enum class Kind : uint8_t { Text, Object, Ip } kind = Kind::Text;
  std::string text;
  ObjRef obj{ObjType::Vpc, kNone};
  IpAddr ip;
};

struct QueryInput {
  Place from, to;
  std::optional<IpAddr> srcIp;
  int16_t proto = kAllProtocols;
  PortRange dstPorts;
  uint16_t srcPort = 49152;
};

struct QueryOutput {
  ReachResult result;                  // without returnTrace: see `replies`
  std::vector<std::optional<Trace>> replies;  // per trace
  std::vector<Intent> intents;         // per trace
  std::vector<bool> externalSource;    // per trace: the reply may leave the network
  std::vector<std::string> notes;      // per trace: service resolution
};

Result<QueryOutput> runQuery(const Model& m, const QueryInput& in);
// Empty when trace k (and its reply) delivered what the query asked for,
// else a one-line reason naming the blocking component.
std::string undelivered(const QueryOutput& q, size_t k);

}  // namespace ward::net::detail
