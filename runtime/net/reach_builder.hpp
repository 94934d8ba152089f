// Internal to runtime/net: the reader and builder that copy a fact base into
// the reachability model (reach_model.cpp, reach_model_endpoints.cpp).
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/net/reach_model.hpp"

namespace ward::net::detail {

bool iequals(std::string_view a, std::string_view b);
// A resource takes part when its state is one of `ok` (an absent state counts as ok).
bool stateOk(std::string_view state, std::initializer_list<std::string_view> ok);
// "com.amazonaws.us-east-1.ecr.dkr" -> "ecr.dkr"
std::string shortServiceName(std::string_view full);

// Read access to one kind of the fact base by attribute name. A kind or an
// attribute the schema lacks reads as absent, so the model degrades to "not
// in the snapshot" instead of failing.
class KindReader {
public:
  KindReader(const FactBase& fb, std::string_view kind) : fb_(fb) {
    if (auto k = fb.schema().findKind(kind)) {
      kind_ = *k;
      count_ = fb.count(kind_);
    }
  }
  KindId id() const { return kind_; }
  size_t count() const { return count_; }
  AttrId attr(std::string_view name) const {
    if (kind_ == kNoKind) return kNoAttr;
    return fb_.schema().kind(kind_).find(name).value_or(kNoAttr);
  }
  Value get(EntityIndex i, AttrId a) const { return a == kNoAttr ? Value::null() : fb_.get(kind_, i, a); }
  std::string idOf(EntityIndex i) const { return std::string(fb_.idOf(kind_, i)); }

  std::string str(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::String ? std::string(fb_.str(v.asString())) : std::string();
  }
  bool boolean(EntityIndex i, AttrId a, bool fallback) const {
    Value v = get(i, a);
    return v.tag == Tag::Bool ? v.asBool() : fallback;
  }
  std::optional<int64_t> integer(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    if (v.tag == Tag::Int) return v.asInt();
    return std::nullopt;
  }
  std::optional<IpAddr> ip(EntityIndex i, AttrId a) const { return toIp(get(i, a)); }
  std::optional<Cidr> cidr(EntityIndex i, AttrId a) const { return toCidr(get(i, a)); }
  Traffic traffic(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::Traffic ? v.asTraffic() : Traffic{};
  }
  // The entity index a reference points at, or kNone.
  Idx ref(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    return v.tag == Tag::Entity ? v.entityIndex() : kNone;
  }
  std::span<const Value> list(EntityIndex i, AttrId a) const {
    Value v = get(i, a);
    if (v.tag != Tag::List) return {};
    return fb_.list(v);
  }
  std::vector<Idx> refs(EntityIndex i, AttrId a) const {
    std::vector<Idx> out;
    for (const Value& e : list(i, a)) {
      if (e.tag == Tag::Entity) out.push_back(e.entityIndex());
    }
    return out;
  }
  std::vector<Cidr> cidrs(EntityIndex i, AttrId a) const {
    std::vector<Cidr> out;
    for (const Value& e : list(i, a)) {
      if (auto c = toCidr(e)) out.push_back(*c);
    }
    return out;
  }
  std::vector<IpAddr> ips(EntityIndex i, AttrId a) const {
    std::vector<IpAddr> out;
    for (const Value& e : list(i, a)) {
      if (auto p = toIp(e)) out.push_back(*p);
    }
    return out;
  }
  std::vector<std::string> strings(EntityIndex i, AttrId a) const {
    std::vector<std::string> out;
    for (const Value& e : list(i, a)) {
      if (e.tag == Tag::String) out.emplace_back(fb_.str(e.asString()));
    }
    return out;
  }

private:
  std::optional<IpAddr> toIp(const Value& v) const {
    if (v.tag == Tag::Ip) return v.asIp();
    if (v.tag == Tag::String) return parseIp(fb_.str(v.asString()));
    return std::nullopt;
  }
  std::optional<Cidr> toCidr(const Value& v) const {
    if (v.tag == Tag::Cidr) return canonical(v.asCidr());
    if (v.tag == Tag::String) {
      if (auto c = parseCidr(fb_.str(v.asString()))) return canonical(*c);
    }
    return std::nullopt;
  }

  const FactBase& fb_;
  KindId kind_ = kNoKind;
  size_t count_ = 0;
};

// Copies the fact base into a Model step by step.
struct Builder {
  const FactBase& fb;
  Model m;

  // Entity index -> model index maps for kinds that are not 1:1.
  std::vector<Idx> eniEndpoint;  // network_interface entity -> endpoint
  size_t igwCount = 0;           // egress-only gateways follow the internet gateways in m.igws

  explicit Builder(const FactBase& f) : fb(f) {}

  void addId(const std::string& id, ObjType type, Idx idx) {
    if (!id.empty()) m.byId.emplace(id, ObjRef{type, idx});
  }
  void addEntity(KindId kind, EntityIndex i, ObjType type, Idx idx) {
    if (kind == kNoKind) return;
    auto& v = m.byEntity[kind];
    if (v.size() <= i) v.resize(i + 1, ObjRef{ObjType::Vpc, kNone});
    v[i] = ObjRef{type, idx};
  }
  // One step per group of kinds; buildModel runs them in dependency order.
  void vpcs();
  void subnets();
  void prefixLists();
  void gateways();
  void vpnAndPeering();
  void transitGateways();
  void securityGroups();
  void networkAcls();
  void routeTables();

  // Interfaces, instances, NAT gateways and interface endpoints become
  // endpoints; every address is indexed per VPC.
  void endpoints();
  void endpointsFromInstances(const KindReader& inst, std::vector<std::vector<Idx>>& owned);
  void vpcEndpoints();
  void workloads();
  void indexes();
};

}  // namespace ward::net::detail
