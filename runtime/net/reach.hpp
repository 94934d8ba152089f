// Reachability over an AWS fact base: traces a flow hop by hop (route tables,
// NACLs, security groups, gateways, peerings, endpoints, NAT) the way AWS
// evaluates it, with Batfish's AWS model as the reference for outcomes and hops.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/net/addr.hpp"
#include "runtime/value.hpp"
#include "runtime/vm.hpp"

namespace ward {
class FactBase;
}

namespace ward::net {

// Batfish's flow dispositions, restricted to the ones an AWS estate produces.
enum class Outcome { Accepted, DeniedIn, DeniedOut, NoRoute, NullRouted, NeighborUnreachable, ExitsNetwork };
const char* outcomeName(Outcome o);  // "ACCEPTED", "DENIED_IN", ...

// One node the packet visits, named by its AWS id (or `internet`,
// `aws-backbone`, `aws-services-gateway`). `filters` lists every ACL or
// security-group decision taken at the node ("acl-1 outbound: permit #100");
// `notes` lists routing decisions and address translations, which are not filters.
struct Hop {
  std::string node;
  std::string kind;  // instance, subnet, vpc, internet_gateway, nat_gateway, ...
  std::vector<std::string> filters;
  std::vector<std::string> notes;
};

// What stopped the packet: the deciding AWS resource (an ENI for security
// groups, a NACL, a route table, a gateway), an explanation code modelled on
// Reachability Analyzer's, and the exact rule.
struct BlockedBy {
  std::string component;
  std::string reason;  // NO_ROUTE_TO_DESTINATION, ENI_SG_RULES_MISMATCH, ...
  std::string detail;  // "network ACL acl-1 inbound entry #100 denies tcp 22 from 0.0.0.0/0"
};

struct Trace {
  Outcome outcome = Outcome::NoRoute;
  std::vector<Hop> hops;
  std::optional<BlockedBy> blockedBy;  // set unless ACCEPTED / EXITS_NETWORK
};

// One flow. `from` / `to` name a resource (instance, ENI, subnet, NAT gateway,
// interface endpoint, SageMaker workload, a VPC router "vpc-...", a VGW), an
// IP address, "internet", or (as destination) "service:NAME".
struct FlowQuery {
  std::string from{};
  std::string to{};
  std::optional<IpAddr> srcIp{};  // picks an address of a multi-address source, or sets an external source
  int16_t proto = kAllProtocols;  // an IP protocol number; 0 is Batfish's "proto 0"
  std::optional<uint16_t> dstPort{};  // TCP/UDP only; unset means every port
  uint16_t srcPort = 49152;
};

struct ReachResult {
  // Usually one; one per VPN tunnel, one per source subnet of a workload.
  std::vector<Trace> traces;
  // The reply to traces[0] when that was ACCEPTED or EXITS_NETWORK, traced
  // with the forward flow's sessions installed (security groups are stateful,
  // NAT un-translates). reachValues checks the reply of every trace.
  std::optional<Trace> returnTrace;
};

namespace detail {
struct Model;
}

// Compiles the fact base's network into indexes once (ENIs by address,
// subnets per VPC, sorted route tables and NACLs, group memberships). The
// engine copies what it needs, so it does not depend on the fact base's
// lifetime. `trace` is const and keeps no shared mutable state: call it from
// as many threads as you like.
class ReachEngine {
public:
  explicit ReachEngine(const FactBase& facts);
  ~ReachEngine();
  ReachEngine(ReachEngine&&) noexcept;
  ReachEngine& operator=(ReachEngine&&) noexcept;

  // Errors: unknown source or destination (with a did-you-mean), an address
  // that several interfaces own (ambiguous source), an unusable destination.
  Result<ReachResult> trace(const FlowQuery& query) const;

  // The compiled model, for the adapters in runtime/net (not a stable API).
  const detail::Model& model() const { return *model_; }

private:
  std::unique_ptr<const detail::Model> model_;
};

std::string renderText(const ReachResult& result);
// {"outcome", "hops", "blocked_by", "return"}, plus "traces" when there are
// several; keys in a fixed order so the output is deterministic.
std::string renderJson(const ReachResult& result);

// The VM's `reach(src, dst, traffic)` builtin, with the signature of
// ward::ReachHook (EvalOptions::reach = ward::net::reachValues). src and dst
// are entities, IPs, CIDR blocks (their first host), `service "NAME"` values,
// or the strings "internet" / "service:NAME" / a resource id. Delivered means
// every forward trace was ACCEPTED (or EXITS_NETWORK towards an external
// destination) and its reply was accepted; `why` names the blocking
// component in one line.
using ReachAnswer = ::ward::ReachAnswer;
ReachAnswer reachValues(const FactBase& facts, const Value& src, const Value& dst, const Traffic& traffic);
// The same against an engine the caller holds (no cache lookup).
ReachAnswer reachWith(const ReachEngine& engine, const FactBase& facts, const Value& src, const Value& dst,
                      const Traffic& traffic);
// The engine for a fact base, built on first use and memoised per fact base.
// Note: a fact base has no identity that survives its destruction, so each
// call validates the cached engine with a hash of the facts (one pass over
// them, tens of milliseconds for 100k facts). Hosts that evaluate policies
// should install reachHookFor instead.
std::shared_ptr<const ReachEngine> engineFor(const FactBase& facts);
// A ReachHook for evaluations over one fact base: it builds the engine on the
// first reach() call and reuses it for every later call, from any thread.
// It must not outlive `facts`; for another fact base it falls back to
// reachValues.
ReachHook reachHookFor(const FactBase& facts);

}  // namespace ward::net
