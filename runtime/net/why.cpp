// `ward why`: the diagnosis. The reachability engine decides every path that
// is actually taken (workload → service:NAME over TCP 443, one trace per
// subnet, plus the reply); the fact base explains the paths that cannot even
// start (no endpoint, private DNS off, no default route) and which one wins.
#include "runtime/net/why.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "runtime/facts.hpp"

namespace ward::net {

namespace {

// Reads attributes by name; missing attributes and kinds read as null so a
// schema change degrades the diagnosis instead of crashing it.
class FactView {
public:
  explicit FactView(const FactBase& fb) : fb_(fb) {}

  std::optional<KindId> kind(std::string_view name) const { return fb_.schema().findKind(name); }
  Value get(KindId k, EntityIndex i, std::string_view attr) const {
    auto a = fb_.schema().kind(k).find(attr);
    return a ? fb_.get(k, i, *a) : Value{};
  }
  std::string str(KindId k, EntityIndex i, std::string_view attr) const {
    Value v = get(k, i, attr);
    if (v.isNull()) return {};
    if (v.tag == Tag::String) return std::string(fb_.str(v.asString()));
    return fb_.format(v);
  }
  bool flag(KindId k, EntityIndex i, std::string_view attr) const {
    Value v = get(k, i, attr);
    return !v.isNull() && v.tag == Tag::Bool && v.asBool();
  }
  std::optional<EntityIndex> ref(KindId k, EntityIndex i, std::string_view attr) const {
    Value v = get(k, i, attr);
    if (v.tag != Tag::Entity) return std::nullopt;
    return v.entityIndex();
  }
  std::vector<Value> list(KindId k, EntityIndex i, std::string_view attr) const {
    Value v = get(k, i, attr);
    if (v.tag != Tag::List) return {};
    auto s = fb_.list(v);
    return {s.begin(), s.end()};
  }
  std::string idOf(const Value& entity) const {
    return std::string(fb_.idOf(entity.entityKind(), entity.entityIndex()));
  }
  std::string idOf(KindId k, EntityIndex i) const { return std::string(fb_.idOf(k, i)); }
  const FactBase& fb() const { return fb_; }

private:
  const FactBase& fb_;
};

const char* const kWorkloadKinds[] = {"training_job", "processing_job", "model", "endpoint",
                                      "notebook_instance", "domain", "instance", "network_interface"};

struct ServiceInfo {
  const char* name;
  const char* purpose;
};

const ServiceInfo kServices[] = {
    {"s3", "training data, model artifacts and output, ECR image layers"},
    {"ecr.api", "ECR API: registry authentication and image manifests"},
    {"ecr.dkr", "ECR Docker registry: image pulls"},
    {"logs", "CloudWatch Logs: the job's logs"},
    {"sagemaker.api", "SageMaker API: status, metrics and control calls"},
    {"sagemaker.runtime", "SageMaker Runtime: endpoint invocations"},
    {"monitoring", "CloudWatch: metrics"},
    {"sts", "STS: credentials for the execution role"},
    {"kms", "KMS: the workload's encryption keys"},
};

const char* purposeOf(const std::string& service) {
  for (const ServiceInfo& s : kServices)
    if (service == s.name) return s.purpose;
  return "";
}

// The services each kind needs. Jobs, models and endpoints pull images and
// write logs; notebook instances do not pull images; Studio also needs STS.
std::vector<std::string> servicesFor(const std::string& kind, bool encrypted) {
  std::vector<std::string> out;
  if (kind == "notebook_instance") out = {"s3", "logs", "sagemaker.api", "sagemaker.runtime"};
  else if (kind == "domain")
    out = {"s3", "ecr.api", "ecr.dkr", "logs", "monitoring", "sagemaker.api", "sagemaker.runtime", "sts"};
  else out = {"s3", "ecr.api", "ecr.dkr", "logs", "sagemaker.api", "sagemaker.runtime"};
  if (encrypted) out.push_back("kms");
  return out;
}

bool isSageMakerKind(const std::string& kind) { return kind != "instance" && kind != "network_interface"; }

// One trace's verdict, with the semantics reach uses for service:NAME.
struct Verdict {
  bool ok = false;
  std::optional<BlockedBy> blockedBy;
  std::string endpoint;  // the vpc_endpoint hop, if any
  std::string nat;       // the nat_gateway hop, if any
};

Verdict judge(const Trace& t) {
  Verdict v;
  for (const Hop& h : t.hops) {
    if (h.kind == "vpc_endpoint" && v.endpoint.empty()) v.endpoint = h.node;
    if (h.kind == "nat_gateway" && v.nat.empty()) v.nat = h.node;
  }
  const std::string last = t.hops.empty() ? std::string() : t.hops.back().node;
  const std::string lastKind = t.hops.empty() ? std::string() : t.hops.back().kind;
  v.ok = (t.outcome == Outcome::Accepted && lastKind == "vpc_endpoint") ||
         (t.outcome == Outcome::ExitsNetwork && (lastKind == "vpc_endpoint" || last == "aws-services-gateway"));
  if (!v.ok) {
    v.blockedBy = t.blockedBy ? *t.blockedBy
                              : BlockedBy{last, outcomeName(t.outcome),
                                          fmt::format("the flow ends {} at {} instead of reaching the service",
                                                      outcomeName(t.outcome), last)};
  }
  return v;
}

struct Endpoints {
  std::vector<EntityIndex> gateway, interface;
};

class Diagnoser {
public:
  Diagnoser(const FactBase& fb, const ReachEngine& engine) : f_(fb), engine_(engine) {}

  Result<WhyReport> run(const std::string& kind, std::string_view id);

private:
  Result<EntityIndex> findWorkload(KindId k, const std::string& kind, std::string_view id) const;
  Endpoints endpointsFor(const std::string& vpc, const std::string& service) const;
  Result<WhyService> service(const std::string& source, const std::string& service,
                             const std::vector<EntityIndex>& subnets, const std::string& vpc);
  Result<WhySubnet> subnet(const std::string& service, EntityIndex sub, const Trace& forward, const Endpoints& eps);
  std::optional<EntityIndex> routeTable(EntityIndex sub) const;
  bool routesTo(EntityIndex rtb, const std::string& target) const;
  void explain(WhyService& s, const Endpoints& eps, const std::string& vpc) const;

  FactView f_;
  const ReachEngine& engine_;
  KindId subnetK_ = kNoKind, vpceK_ = kNoKind, rtbK_ = kNoKind, routeK_ = kNoKind;
  std::string kind_;
  std::vector<std::string> securityGroups_;
};

Result<EntityIndex> Diagnoser::findWorkload(KindId k, const std::string& kind, std::string_view id) const {
  if (auto i = f_.fb().find(k, id)) return *i;
  size_t n = f_.fb().count(k);
  std::vector<std::string> names;
  for (EntityIndex i = 0; i < n; ++i) {
    if (f_.str(k, i, "name") == id) return i;
    names.push_back(f_.idOf(k, i));
    std::string name = f_.str(k, i, "name");
    if (!name.empty()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<Note> notes;
  std::string best = closestMatch(std::string(id), names);
  if (!best.empty()) notes.push_back(Note{fmt::format("did you mean '{}'?", best), Span{}});
  return fail(error(Span{}, fmt::format("no {} '{}' in the fact base ({} {} loaded)", kind, id, n,
                                        n == 1 ? "is" : "are"),
                    std::move(notes)));
}

Endpoints Diagnoser::endpointsFor(const std::string& vpc, const std::string& service) const {
  Endpoints out;
  size_t n = f_.fb().count(vpceK_);
  for (EntityIndex i = 0; i < n; ++i) {
    Value v = f_.get(vpceK_, i, "vpc");
    if (v.tag != Tag::Entity || f_.idOf(v) != vpc || f_.str(vpceK_, i, "service") != service) continue;
    std::string type = f_.str(vpceK_, i, "endpoint_type");
    if (type == "gateway") out.gateway.push_back(i);
    else if (type == "interface") out.interface.push_back(i);
  }
  return out;
}

std::optional<EntityIndex> Diagnoser::routeTable(EntityIndex sub) const { return f_.ref(subnetK_, sub, "route_table"); }

bool Diagnoser::routesTo(EntityIndex rtb, const std::string& target) const {
  for (const Value& r : f_.list(rtbK_, rtb, "routes")) {
    if (f_.str(routeK_, r.entityIndex(), "target") == target &&
        f_.str(routeK_, r.entityIndex(), "state") != "blackhole")
      return true;
  }
  return false;
}

Result<WhySubnet> Diagnoser::subnet(const std::string& service, EntityIndex sub, const Trace& forward,
                                    const Endpoints& eps) {
  WhySubnet out;
  out.subnet = f_.idOf(subnetK_, sub);
  out.az = f_.str(subnetK_, sub, "az");
  Verdict v = judge(forward);
  // The reply: security groups are stateful but NACLs are not, so trace the
  // same flow from the subnet itself and look at its return leg.
  if (v.ok) {
    FlowQuery q{out.subnet, "service:" + service};
    q.proto = 6;
    q.dstPort = 443;
    auto back = engine_.trace(q);
    if (!back) return fail(back.error());
    const auto& rt = back->returnTrace;
    if (rt && rt->outcome != Outcome::Accepted && rt->outcome != Outcome::ExitsNetwork) {
      v.ok = false;
      v.blockedBy = rt->blockedBy ? *rt->blockedBy
                                  : BlockedBy{out.subnet, outcomeName(rt->outcome), "the reply does not come back"};
      v.blockedBy->detail = "reply: " + v.blockedBy->detail;
    }
  }
  out.reachable = v.ok;
  auto rtb = routeTable(sub);
  std::string rtbId = rtb ? f_.idOf(rtbK_, *rtb) : std::string("(no route table)");
  std::string vpc = f_.str(subnetK_, sub, "vpc");

  // Which path the flow takes, decided the way AWS decides it: private DNS
  // sends the service's hostname to a usable interface endpoint; otherwise
  // the hostname resolves to public addresses, which the prefix-list route of
  // an associated gateway endpoint catches before the default route.
  std::optional<EntityIndex> iface, gateway;
  std::string ifaceProblem;  // why the interface endpoint is not usable
  BlockedBy ifaceBlock;
  for (EntityIndex e : eps.interface) {
    std::string id = f_.idOf(vpceK_, e);
    std::string state = f_.str(vpceK_, e, "state");
    BlockedBy b;
    if (state != "available") b = {id, "ENDPOINT_NOT_AVAILABLE", fmt::format("{} is in state '{}'", id, state)};
    else if (f_.list(vpceK_, e, "network_interfaces").empty() && f_.list(vpceK_, e, "subnets").empty())
      b = {id, "ENDPOINT_HAS_NO_SUBNETS", fmt::format("{} has no network interfaces", id)};
    else if (!f_.flag(vpceK_, e, "private_dns"))
      b = {id, "PRIVATE_DNS_DISABLED",
           fmt::format("{} has private DNS off: the default {} hostname resolves to public addresses, not to the "
                       "endpoint",
                       id, service)};
    else {
      iface = e;
      break;
    }
    if (ifaceProblem.empty()) {
      ifaceProblem = b.reason;
      ifaceBlock = b;
    }
  }
  for (EntityIndex g : eps.gateway)
    if (rtb && routesTo(*rtb, f_.idOf(vpceK_, g)) && f_.str(vpceK_, g, "state") == "available") gateway = g;
  enum class Taken { Interface, Gateway, Default } taken =
      iface ? Taken::Interface : gateway ? Taken::Gateway : Taken::Default;

  auto fromTrace = [&](WhyPath& p) {
    p.taken = true;
    p.status = v.ok ? "works" : "blocked";
    if (!v.ok) p.blockedBy = v.blockedBy;
    if (v.ok) out.via = p.path + (p.via.empty() ? "" : " " + p.via);
  };

  if (service == "s3" || !eps.gateway.empty()) {
    WhyPath p{"gateway endpoint", "blocked", "", std::nullopt, "", false};
    if (eps.gateway.empty()) {
      p.blockedBy = BlockedBy{vpc, "NO_GATEWAY_ENDPOINT", fmt::format("{} has no {} gateway endpoint", vpc, service)};
    } else if (!gateway) {
      std::string gw = f_.idOf(vpceK_, eps.gateway.front());
      p.via = gw;
      p.blockedBy = BlockedBy{rtbId, "GATEWAY_ENDPOINT_NOT_ASSOCIATED",
                              fmt::format("route table {} of {} has no route to gateway endpoint {}", rtbId,
                                          out.subnet, gw)};
    } else {
      p.via = f_.idOf(vpceK_, *gateway);
      if (taken == Taken::Gateway) {
        fromTrace(p);
      } else {
        p.status = "not used";
        p.note = fmt::format("private DNS sends {} to {}", service, f_.idOf(vpceK_, *iface));
      }
    }
    out.paths.push_back(std::move(p));
  }
  if (service != "s3" || !eps.interface.empty()) {
    WhyPath p{"interface endpoint", "blocked", "", std::nullopt, "", false};
    if (eps.interface.empty()) {
      p.blockedBy = BlockedBy{vpc, "NO_INTERFACE_ENDPOINT", fmt::format("{} has no {} interface endpoint", vpc, service)};
    } else if (!iface) {
      p.via = ifaceBlock.component;
      p.blockedBy = ifaceBlock;
    } else {
      p.via = f_.idOf(vpceK_, *iface);
      fromTrace(p);
    }
    out.paths.push_back(std::move(p));
  }
  {
    WhyPath p{"NAT gateway → internet gateway", "blocked", "", std::nullopt, "", false};
    std::optional<EntityIndex> def = f_.ref(subnetK_, sub, "default_route");
    std::string target = def ? f_.str(routeK_, *def, "target") : std::string();
    std::string targetKind = def ? f_.str(routeK_, *def, "target_kind") : std::string();
    if (def && targetKind == "internet_gateway") p.path = "internet gateway";
    if (taken == Taken::Interface) {
      p.status = "not used";
      p.note = fmt::format("private DNS sends {} to {}", service, f_.idOf(vpceK_, *iface));
    } else if (taken == Taken::Gateway) {
      p.status = "not used";
      p.note = fmt::format("the prefix-list route to {} is more specific than 0.0.0.0/0", f_.idOf(vpceK_, *gateway));
    } else if (!def) {
      p.taken = true;
      p.blockedBy = BlockedBy{rtbId, "NO_ROUTE_TO_DESTINATION",
                              fmt::format("route table {} has no 0.0.0.0/0 route (no NAT gateway)", rtbId)};
    } else if (targetKind == "internet_gateway" && isSageMakerKind(kind_)) {
      p.taken = true;
      p.via = target;
      p.blockedBy = BlockedBy{rtbId, "NO_PUBLIC_IP",
                              fmt::format("route table {} sends 0.0.0.0/0 to {}, but SageMaker gives its VPC "
                                          "interfaces no public address: the subnet needs a NAT gateway",
                                          rtbId, target)};
    } else {
      p.via = v.nat.empty() ? target : v.nat;
      fromTrace(p);
    }
    out.paths.push_back(std::move(p));
  }
  // The structural verdict above and the engine's must agree on failure: a
  // path that cannot start makes the service unreachable from this subnet.
  bool takenWorks = false;
  for (const WhyPath& p : out.paths)
    if (p.taken && p.status == "works") takenWorks = true;
  out.reachable = takenWorks;
  if (!takenWorks) out.via.clear();
  return out;
}

std::string joinIds(const std::vector<std::string>& xs) {
  std::string out;
  for (const std::string& x : xs) out += (out.empty() ? "" : ", ") + x;
  return out;
}

// Names the symptom and the fix from the deciding component: the block on
// the path the flow takes.
void Diagnoser::explain(WhyService& s, const Endpoints& eps, const std::string& vpc) const {
  const WhySubnet* bad = nullptr;
  for (const WhySubnet& sub : s.subnets)
    if (!sub.reachable) { bad = &sub; break; }
  if (bad == nullptr) return;
  const WhyPath* decisive = nullptr;
  for (const WhyPath& p : bad->paths)
    if (p.taken && p.blockedBy) decisive = &p;
  // With no endpoint and no NAT path, the missing endpoint is the cause.
  if (decisive && decisive->blockedBy->reason == "NO_ROUTE_TO_DESTINATION")
    for (const WhyPath& p : bad->paths)
      if (p.blockedBy && (p.blockedBy->reason == "NO_INTERFACE_ENDPOINT" || p.blockedBy->reason == "NO_GATEWAY_ENDPOINT" ||
                          p.blockedBy->reason == "PRIVATE_DNS_DISABLED" ||
                          p.blockedBy->reason == "GATEWAY_ENDPOINT_NOT_ASSOCIATED")) {
        decisive = &p;
        break;
      }
  if (decisive == nullptr)
    for (const WhyPath& p : bad->paths)
      if (p.blockedBy) { decisive = &p; break; }
  if (decisive) s.blockedBy = decisive->blockedBy;
  const std::string reason = s.blockedBy ? s.blockedBy->reason : std::string();
  const std::string comp = s.blockedBy ? s.blockedBy->component : std::string();
  const std::string detail = s.blockedBy ? s.blockedBy->detail : std::string();
  const std::string jobWord = kind_ == "training_job" ? "Training job" : kind_ == "processing_job" ? "Processing job" : "Workload";
  bool filter = comp.rfind("acl-", 0) == 0 || comp.rfind("sg-", 0) == 0 || reason.find("SG") != std::string::npos ||
                reason.find("ACL") != std::string::npos;
  const char* nat = "a NAT gateway in a public subnet with a 0.0.0.0/0 route to it (simplest: one per AZ "
                    "covers every service; paid per hour and per GB processed)";
  if (filter) {
    s.symptom = fmt::format("\"{} stuck\" / \"Connection timeout\"", jobWord);
    if (comp.rfind("acl-", 0) == 0 || reason.find("ACL") != std::string::npos)
      s.fix = fmt::format("allow TCP 443 out and TCP 1024-65535 back in (NACLs are stateless) in network ACL {}",
                          comp);
    else if (detail.find("inbound") != std::string::npos || detail.find("ingress") != std::string::npos)
    {
      // The engine names the interface as the component and the group in the detail.
      size_t at = detail.find("sg-");
      std::string group = at == std::string::npos ? comp : detail.substr(at, detail.find(' ', at) - at);
      s.fix = fmt::format("allow inbound TCP 443 from the workload's security groups ({}) in the endpoint's "
                          "security group {}",
                          joinIds(securityGroups_), group);
    }
    else
      s.fix = fmt::format("allow outbound TCP 443 in the workload's security groups ({}) to the service: the "
                          "endpoint's security group or subnets, the S3 prefix list, or 0.0.0.0/0 behind a NAT gateway",
                          joinIds(securityGroups_));
    return;
  }
  if (reason == "PRIVATE_DNS_DISABLED") {
    s.symptom = "\"Could not resolve host\"";
    s.fix = fmt::format("enable private DNS on {} (the VPC needs DNS hostnames and DNS support on)", comp);
    return;
  }
  std::string rtbs;
  for (const WhySubnet& sub : s.subnets) {
    if (sub.reachable) continue;
    for (const WhyPath& p : sub.paths)
      if (p.blockedBy && p.blockedBy->component.rfind("rtb-", 0) == 0 &&
          rtbs.find(p.blockedBy->component) == std::string::npos)
        rtbs += (rtbs.empty() ? "" : ", ") + p.blockedBy->component;
  }
  if (rtbs.empty()) rtbs = "the subnets' route tables";
  if (s.service == "s3") {
    s.symptom = "\"Access denied to S3\" / S3 timeouts";
    s.fix = eps.gateway.empty()
                ? fmt::format("add an S3 gateway endpoint to {} and associate it with {} (free), or {}", vpc, rtbs, nat)
                : fmt::format("associate gateway endpoint {} with {} (free), or {}", f_.idOf(vpceK_, eps.gateway.front()),
                              rtbs, nat);
  } else if (s.service == "ecr.api" || s.service == "ecr.dkr") {
    s.symptom = "\"Cannot pull Docker image\"";
    s.fix = fmt::format("add the ecr.api and ecr.dkr interface endpoints with private DNS (paid per hour per AZ and "
                        "per GB) plus the S3 gateway endpoint for image layers (free), or {}",
                        nat);
  } else if (s.service == "logs") {
    s.symptom = "no CloudWatch logs from the job";
    s.fix = fmt::format("add a CloudWatch Logs (logs) interface endpoint with private DNS (paid per hour per AZ and "
                        "per GB), or {}",
                        nat);
  } else {
    s.symptom = "\"Could not resolve host\"";
    s.fix = fmt::format("add a {} interface endpoint with private DNS (paid per hour per AZ and per GB), or {}",
                        s.service, nat);
  }
  if (!eps.interface.empty() && s.service != "s3" && reason != "NO_INTERFACE_ENDPOINT") {
    s.symptom = fmt::format("\"{} stuck\" / \"Connection timeout\"", jobWord);
  }
}

Result<WhyService> Diagnoser::service(const std::string& source, const std::string& name,
                                      const std::vector<EntityIndex>& subnets, const std::string& vpc) {
  WhyService s;
  s.service = name;
  s.purpose = purposeOf(name);
  FlowQuery q{source, "service:" + name};
  q.proto = 6;
  q.dstPort = 443;
  auto result = engine_.trace(q);
  if (!result) return fail(result.error());
  Endpoints eps = endpointsFor(vpc, name);
  // The engine gives one trace per workload subnet, in the workload's order.
  for (size_t k = 0; k < subnets.size() && k < result->traces.size(); ++k) {
    auto sub = subnet(name, subnets[k], result->traces[k], eps);
    if (!sub) return fail(sub.error());
    s.subnets.push_back(std::move(*sub));
  }
  s.reachable = !s.subnets.empty() &&
                std::all_of(s.subnets.begin(), s.subnets.end(), [](const WhySubnet& x) { return x.reachable; });
  explain(s, eps, vpc);
  return s;
}

Result<WhyReport> Diagnoser::run(const std::string& kind, std::string_view id) {
  auto need = [&](const char* name, KindId& out) -> bool {
    auto k = f_.kind(name);
    if (k) out = *k;
    return k.has_value();
  };
  KindId k = kNoKind;
  if (!need(kind.c_str(), k) || !need("subnet", subnetK_) || !need("vpc_endpoint", vpceK_) ||
      !need("route_table", rtbK_) || !need("route", routeK_)) {
    return fail(error(Span{}, fmt::format("the fact schema has no kind '{}'", kind)));
  }
  auto idx = findWorkload(k, kind, id);
  if (!idx) return fail(idx.error());
  kind_ = kind;
  WhyReport r;
  r.kind = kind;
  r.id = f_.idOf(k, *idx);
  r.name = f_.str(k, *idx, "name");
  std::vector<EntityIndex> subnets;
  for (const Value& v : f_.list(k, *idx, "subnets"))
    if (v.tag == Tag::Entity) subnets.push_back(v.entityIndex());
  if (subnets.empty())
    if (auto s = f_.ref(k, *idx, "subnet")) subnets.push_back(*s);
  for (EntityIndex s : subnets) r.subnets.push_back(f_.idOf(subnetK_, s));
  for (const Value& v : f_.list(k, *idx, "security_groups"))
    if (v.tag == Tag::Entity) r.securityGroups.push_back(f_.idOf(v));
  securityGroups_ = r.securityGroups;
  if (!subnets.empty()) r.vpc = f_.str(subnetK_, subnets.front(), "vpc");
  if (r.vpc.empty()) r.vpc = f_.str(k, *idx, "vpc");
  if (subnets.empty()) {
    r.note = fmt::format("{} {} does not run in a VPC: SageMaker provides its network access, so there is no VPC "
                         "path to diagnose",
                         kind, r.id);
    return r;
  }
  if (kind == "notebook_instance" && f_.flag(k, *idx, "direct_internet")) {
    r.note = "direct internet access is enabled: the notebook reaches AWS services through SageMaker's network, "
             "not through its VPC";
    return r;
  }
  if (kind == "domain" && f_.str(k, *idx, "network_access") == "PublicInternetOnly") {
    r.note = "the domain uses PublicInternetOnly: Studio reaches AWS services through SageMaker's network, not "
             "through its VPC";
    return r;
  }
  bool encrypted = f_.flag(k, *idx, "encrypted");
  // The engine names instances and interfaces by id and workloads by id too.
  for (const std::string& svc : servicesFor(kind, encrypted)) {
    auto s = service(r.id, svc, subnets, r.vpc);
    if (!s) return fail(s.error());
    r.services.push_back(std::move(*s));
  }
  return r;
}

void writeBlocked(JsonWriter& w, const std::optional<BlockedBy>& b) {
  w.key("blocked_by");
  if (!b) {
    w.null();
    return;
  }
  w.beginObject().field("component", b->component).field("reason", b->reason).field("detail", b->detail).endObject();
}

}  // namespace

bool WhyReport::allReachable() const {
  return std::all_of(services.begin(), services.end(), [](const WhyService& s) { return s.reachable; });
}

const std::vector<std::string>& whyKinds() {
  static const std::vector<std::string> kinds(std::begin(kWorkloadKinds), std::end(kWorkloadKinds));
  return kinds;
}

Result<std::string> whyKind(std::string_view text) {
  std::string k(text);
  std::replace(k.begin(), k.end(), '-', '_');
  for (const std::string& known : whyKinds())
    if (k == known) return k;
  std::vector<Note> notes;
  std::string best = closestMatch(k, whyKinds());
  if (!best.empty()) notes.push_back(Note{fmt::format("did you mean '{}'?", best), Span{}});
  std::string all;
  for (const std::string& x : whyKinds()) all += (all.empty() ? "" : ", ") + x;
  return fail(error(Span{}, fmt::format("unknown kind '{}': expected one of {}", text, all), std::move(notes)));
}

Result<WhyReport> diagnose(const FactBase& facts, const ReachEngine& engine, std::string_view kind,
                           std::string_view id) {
  auto k = whyKind(kind);
  if (!k) return fail(k.error());
  Diagnoser d(facts, engine);
  return d.run(*k, id);
}

std::string renderWhyText(const WhyReport& r) {
  std::string out = fmt::format("{} {}", r.kind, r.id);
  if (!r.name.empty() && r.name != r.id) out += fmt::format(" ({})", r.name);
  out += "\n";
  if (!r.vpc.empty()) out += fmt::format("  vpc: {}\n", r.vpc);
  if (!r.subnets.empty()) out += fmt::format("  subnets: {}\n", joinIds(r.subnets));
  if (!r.securityGroups.empty()) out += fmt::format("  security groups: {}\n", joinIds(r.securityGroups));
  if (!r.note.empty()) return out + "  " + r.note + "\n";
  std::vector<std::string> names;
  for (const WhyService& s : r.services) names.push_back(s.service);
  out += fmt::format("  needs (TCP 443): {}\n", joinIds(names));
  out += "  (-> marks the path each subnet's traffic takes: private DNS, then the route table, decide)\n";
  std::vector<std::string> blocked;
  for (const WhyService& s : r.services) {
    out += fmt::format("\n{}: {}  ({})\n", s.service, s.reachable ? "reachable" : "BLOCKED", s.purpose);
    if (!s.reachable) blocked.push_back(s.service);
    for (const WhySubnet& sub : s.subnets) {
      out += fmt::format("  from {} ({}): {}\n", sub.subnet, sub.az,
                         sub.reachable ? "reachable via " + sub.via : std::string("blocked"));
      for (const WhyPath& p : sub.paths) {
        out += fmt::format("    {} {}{}: {}", p.taken ? "->" : "  ", p.path, p.via.empty() ? "" : " " + p.via, p.status);
        if (p.blockedBy)
          out += fmt::format(" at {} ({}): {}", p.blockedBy->component, p.blockedBy->reason, p.blockedBy->detail);
        if (!p.note.empty()) out += " (" + p.note + ")";
        out += "\n";
      }
    }
    if (!s.reachable) {
      if (s.blockedBy) out += fmt::format("  blocked by: {} ({})\n", s.blockedBy->component, s.blockedBy->reason);
      out += fmt::format("  symptom: {}\n", s.symptom);
      out += fmt::format("  fix: {}\n", s.fix);
    }
  }
  size_t ok = r.services.size() - blocked.size();
  out += fmt::format("\n{} of {} services reachable", ok, r.services.size());
  if (!blocked.empty()) out += "; blocked: " + joinIds(blocked);
  out += "\n";
  return out;
}

std::string renderWhyJson(const WhyReport& r) {
  JsonWriter w;
  w.beginObject();
  w.field("kind", r.kind).field("id", r.id).field("name", r.name).field("vpc", r.vpc);
  w.key("subnets").beginArray();
  for (const std::string& s : r.subnets) w.value(s);
  w.endArray();
  w.key("security_groups").beginArray();
  for (const std::string& s : r.securityGroups) w.value(s);
  w.endArray();
  w.key("note");
  if (r.note.empty()) w.null();
  else w.value(r.note);
  w.key("services").beginArray();
  for (const WhyService& s : r.services) {
    w.beginObject();
    w.field("service", s.service).field("purpose", s.purpose).field("reachable", s.reachable);
    writeBlocked(w, s.blockedBy);
    w.key("symptom");
    if (s.symptom.empty()) w.null();
    else w.value(s.symptom);
    w.key("fix");
    if (s.fix.empty()) w.null();
    else w.value(s.fix);
    w.key("subnets").beginArray();
    for (const WhySubnet& sub : s.subnets) {
      w.beginObject().field("subnet", sub.subnet).field("az", sub.az).field("reachable", sub.reachable);
      w.key("via");
      if (sub.via.empty()) w.null();
      else w.value(sub.via);
      w.key("paths").beginArray();
      for (const WhyPath& p : sub.paths) {
        w.beginObject().field("path", p.path).field("taken", p.taken).field("status", p.status);
        w.key("via");
        if (p.via.empty()) w.null();
        else w.value(p.via);
        writeBlocked(w, p.blockedBy);
        w.key("note");
        if (p.note.empty()) w.null();
        else w.value(p.note);
        w.endObject();
      }
      w.endArray().endObject();
    }
    w.endArray().endObject();
  }
  w.endArray();
  size_t ok = static_cast<size_t>(
      std::count_if(r.services.begin(), r.services.end(), [](const WhyService& s) { return s.reachable; }));
  w.key("summary").beginObject().field("reachable", static_cast<uint64_t>(ok));
  w.field("blocked", static_cast<uint64_t>(r.services.size() - ok)).endObject();
  w.endObject();
  std::string out = w.take();
  out += "\n";
  return out;
}

}  // namespace ward::net
