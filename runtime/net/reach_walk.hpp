// The hop-by-hop walker behind ReachEngine (internal to runtime/net): the
// packet's state, the firewall and NAT sessions a forward trace installs, and
// one method per kind of node the packet can be at.
#pragma once

#include <string>
#include <vector>

#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

struct Packet {
  IpAddr src, dst;
  int16_t proto = kAllProtocols;
  uint16_t srcPort = 49152;
  PortRange dstPorts;  // one port, or a range when the query left it open
};

// A translation a NAT gateway or NAT instance made, so the reply can be
// un-translated: the reply from `peer` to natIp:natPort goes back to
// origSrc:origPort.
struct NatSession {
  const std::string* node = nullptr;  // the NAT's node name, owned by the model
  IpAddr origSrc;
  uint16_t origPort = 0;
  IpAddr natIp;
  uint16_t natPort = 0;
  IpAddr peer;
};

// What a forward trace leaves behind for its reply: the interfaces whose
// security groups admitted it (stateful, so they admit the reply) and the
// NAT translations.
struct Sessions {
  std::vector<const MEndpoint*> endpoints;
  std::vector<NatSession> nats;
};

// Where a delivered trace ended, so the reply can start there.
enum class EndKind : uint8_t { None, Endpoint, Internet, ServicesGateway, Vpce, Vgw, Tgw, Other };

struct Walk {
  // Optimization: most paths are under a dozen hops; reserving up front
  // saves the reallocations that dominate a trace's cost.
  Walk() { trace.hops.reserve(12); }

  Trace trace;
  Packet pkt;
  Sessions sess;
  EndKind end = EndKind::None;
  const MEndpoint* endEp = nullptr;
  Idx endIdx = kNone;
};

// Per-query context shared by the walks of one query (and its replies).
struct QueryCtx {
  // Virtual hosts standing in for a subnet or workload source/destination.
  std::vector<const MEndpoint*> virtualEps;
  std::vector<VirtualMember> virtualMembers;
};

class Walker {
public:
  // `reply` is the forward trace's sessions when tracing a reply.
  Walker(const Model& m, const QueryCtx& ctx, const Sessions* reply, std::vector<Walk>& out)
      : m_(m), ctx_(ctx), reply_(reply), out_(out) {}

  void fromEndpoint(Walk& w, const MEndpoint& ep);
  void fromVpc(Walk& w, Idx vpc);
  void fromInternet(Walk& w);
  void fromServicesGateway(Walk& w);
  void fromVpce(Walk& w, Idx vpce);
  void fromVgw(Walk& w, Idx vgw);
  void fromTgw(Walk& w, Idx tgw);

  const MEndpoint* findEndpoint(Idx vpc, const IpAddr& ip) const;

private:
  bool push(Walk& w, const std::string& node, const char* kind);
  void block(Walk& w, Outcome o, std::string component, const char* reason, std::string detail);
  void accept(Walk& w, const MEndpoint* ep);
  void exitAt(Walk& w, EndKind end, Idx idx);
  FlowView view(const Walk& w) const;
  bool hasSession(const MEndpoint& ep) const;
  const NatSession* natSession(const std::string& node, const Packet& p) const;

  bool checkSg(Walk& w, const MEndpoint& ep, bool egress);
  bool checkAcl(Walk& w, Idx subnet, bool egress);
  void sendFrom(Walk& w, const MEndpoint& ep);
  void subnetOut(Walk& w, Idx subnet, bool pushHop);
  void routeFrom(Walk& w, Idx table, Idx vpc, bool pushVpc);
  void dispatch(Walk& w, const MRoute& r, Idx vpc);
  void vpcDeliver(Walk& w, Idx vpc);
  void subnetIn(Walk& w, Idx subnet);
  void deliverDirect(Walk& w, Idx subnet);
  void receive(Walk& w, const MEndpoint& ep);
  void natReceive(Walk& w, const MEndpoint& ep);
  void natForward(Walk& w, Idx nat);
  void natPrivateOut(Walk& w, const MNat& nat);
  void viaEndpoint(Walk& w, const MEndpoint* ep);
  void igwOut(Walk& w, Idx igw);
  void igwIn(Walk& w, Idx igw, const MEndpoint& ep);
  void backbone(Walk& w);
  void vpceOut(Walk& w, Idx vpce);
  void peering(Walk& w, Idx pcx, Idx fromVpc);
  void vgwRoute(Walk& w, Idx vgw, Idx fromVpc);
  void tgwRoute(Walk& w, Idx tgw);

  const Model& m_;
  const QueryCtx& ctx_;
  const Sessions* reply_;
  std::vector<Walk>& out_;
};

}  // namespace ward::net::detail
