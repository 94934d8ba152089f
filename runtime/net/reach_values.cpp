// The VM's reach() adapter: turns runtime values into a query, decides what
// "delivered" means for the destination, explains a failure in one line, and
// memoises one engine per fact base.
#include <memory>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/facts.hpp"
#include "runtime/net/reach_query.hpp"
#include "runtime/values.hpp"
#include "runtime/vm.hpp"

namespace ward::net {

namespace detail {

// Did trace k deliver what the query asked for?
std::string undelivered(const QueryOutput& q, size_t k) {
  const Trace& t = q.result.traces[k];
  auto blocked = [](const Trace& tr) {
    if (!tr.blockedBy) return std::string(outcomeName(tr.outcome));
    return fmt::format("{} at {}: {}", tr.blockedBy->reason, tr.blockedBy->component, tr.blockedBy->detail);
  };
  const std::string& last = t.hops.empty() ? std::string() : t.hops.back().node;
  const std::string& lastKind = t.hops.empty() ? std::string() : t.hops.back().kind;
  bool ok = false;
  switch (q.intents[k]) {
    case Intent::Endpoint: ok = t.outcome == Outcome::Accepted; break;
    case Intent::External: ok = t.outcome == Outcome::Accepted || t.outcome == Outcome::ExitsNetwork; break;
    case Intent::Internet: ok = t.outcome == Outcome::ExitsNetwork && last == "internet"; break;
    case Intent::Service:
      ok = (t.outcome == Outcome::Accepted && lastKind == "vpc_endpoint") ||
           (t.outcome == Outcome::ExitsNetwork && (lastKind == "vpc_endpoint" || last == "aws-services-gateway"));
      break;
  }
  std::string why;
  if (!ok) {
    why = t.blockedBy ? blocked(t)
                      : fmt::format("the flow ends {} at {} instead of reaching its destination", outcomeName(t.outcome),
                                    last);
  } else {
    const auto& reply = q.replies[k];
    bool replyOk = reply && (reply->outcome == Outcome::Accepted ||
                             (q.externalSource[k] && reply->outcome == Outcome::ExitsNetwork));
    if (replyOk) return {};
    why = reply ? "the reply is blocked: " + blocked(*reply) : std::string("the reply has no path back");
  }
  if (!q.notes[k].empty() && q.intents[k] == Intent::Service) why += "; " + q.notes[k];
  return why;
}

namespace {

// The kinds the model reads (see reach_model.cpp); a change anywhere else
// cannot change a trace.
constexpr const char* kModelKinds[] = {
    "vpc", "subnet", "route_table", "route", "internet_gateway", "egress_only_internet_gateway", "nat_gateway",
    "instance", "network_interface", "network_acl", "nacl_entry", "security_group", "sg_rule", "prefix_list",
    "vpc_endpoint", "vpc_peering_connection", "vpn_gateway", "customer_gateway", "vpn_connection", "vpn_tunnel",
    "transit_gateway", "transit_gateway_attachment", "transit_gateway_route", "training_job", "processing_job",
    "model", "notebook_instance", "domain", "endpoint"};

// A hash of everything the model reads from a fact base: the interned strings
// in id order, then the stored attributes of the model's kinds. With the
// strings hashed up front, a string value can be hashed by its id: equal
// string tables give equal ids the same text.
uint64_t contentHash(const FactBase& fb) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  auto mixValue = [&](const Value& v) {
    mix(static_cast<uint64_t>(v.tag) | (uint64_t{v.b0} << 8) | (uint64_t{v.b1} << 16) | (uint64_t{v.w} << 32));
    mix(v.x);
    mix(v.y);
  };
  const Interner& strings = fb.strings();
  mix(strings.size());
  for (StrId id = 0; id < strings.size(); ++id) mix(std::hash<std::string_view>{}(strings.get(id)));
  const Schema& schema = fb.schema();
  for (const char* name : kModelKinds) {
    auto k = schema.findKind(name);
    if (!k) continue;
    const KindDef& def = schema.kind(*k);
    size_t n = fb.count(*k);
    mix(n);
    for (AttrId a = 0; a < def.attrs.size(); ++a) {
      if (def.attrs[a].derived() || def.attrs[a].name == "tags") continue;
      ColumnView col = fb.column(*k, a);
      for (EntityIndex i = 0; i < n; ++i) {
        Value v = col[i];
        mixValue(v);
        if (v.tag == Tag::List) {
          for (const Value& e : fb.list(v)) mixValue(e);
        }
      }
    }
  }
  return h;
}

}  // namespace

}  // namespace detail

using detail::Place;

namespace {

Result<Place> placeOf(const detail::Model& m, const FactBase& fb, const Value& v, const char* role) {
  Place p;
  switch (v.tag) {
    case Tag::Entity: {
      KindId k = v.entityKind();
      EntityIndex i = v.entityIndex();
      if (k < m.byEntity.size() && i < m.byEntity[k].size() && m.byEntity[k][i].idx != detail::kNone) {
        p.kind = Place::Kind::Object;
        p.obj = m.byEntity[k][i];
        return p;
      }
      std::string kind = k < m.kindNames.size() ? m.kindNames[k] : std::string("?");
      return fail(error(Span{}, fmt::format("reach: a {} cannot be a {}", kind, role)));
    }
    case Tag::Ip:
      p.kind = Place::Kind::Ip;
      p.ip = v.asIp();
      return p;
    case Tag::Cidr: {
      // A block stands for a host in it: the first usable address.
      Cidr c = v.asCidr();
      p.kind = Place::Kind::Ip;
      p.ip = firstAddress(c);
      if (c.prefix + 1 < static_cast<int>(p.ip.bits()) && ++p.ip.lo == 0) ++p.ip.hi;
      return p;
    }
    case Tag::String:
      // Policy string constants live in the evaluation's scratch strings, not
      // in the fact base: resolve through the VM.
      p.kind = Place::Kind::Text;
      p.text = std::string(evalString(fb, v.asString()));
      if (isService(v)) p.text = "service:" + p.text;
      return p;
    default: return fail(error(Span{}, fmt::format("reach: the {} must be a resource, an ip, \"internet\" or "
                                                   "\"service:NAME\"",
                                                   role)));
  }
}

}  // namespace

ReachAnswer reachWith(const ReachEngine& engine, const FactBase& facts, const Value& src, const Value& dst,
                      const Traffic& traffic) {
  const detail::Model& m = engine.model();
  ReachAnswer answer;
  auto from = placeOf(m, facts, src, "source");
  if (!from) return ReachAnswer{false, from.error().front().message};
  auto to = placeOf(m, facts, dst, "destination");
  if (!to) return ReachAnswer{false, to.error().front().message};
  detail::QueryInput in;
  in.from = std::move(*from);
  in.to = std::move(*to);
  in.proto = traffic.proto;
  in.dstPorts = traffic.ports;
  auto out = detail::runQuery(m, in);
  if (!out) return ReachAnswer{false, out.error().front().message};
  const auto& traces = out->result.traces;
  for (size_t k = 0; k < traces.size(); ++k) {
    std::string why = detail::undelivered(*out, k);
    if (why.empty()) continue;
    // Several traces (a workload in several subnets): name the one that failed.
    if (traces.size() > 1 && traces[k].hops.size() > 1) why = fmt::format("via {}: {}", traces[k].hops[1].node, why);
    return ReachAnswer{false, std::move(why)};
  }
  answer.delivered = !traces.empty();
  if (answer.delivered) {
    std::string path;
    for (const Hop& h : traces.front().hops) {
      if (!path.empty()) path += " -> ";
      path += h.node;
    }
    answer.why = fmt::format("{} via {}", outcomeName(traces.front().outcome), path);
  } else {
    answer.why = "no trace";
  }
  return answer;
}

std::shared_ptr<const ReachEngine> engineFor(const FactBase& facts) {
  // Note: a fact base has no slot for caches of other modules, so engines are
  // memoised here, keyed by the fact base's address and validated by a hash
  // of its content: a fact base freed and another built at the same address
  // (common when policy tests build tiny estates in a loop) must not reuse a
  // stale engine. The hash costs one pass over the facts, far less than
  // building the engine.
  struct Entry {
    uint64_t hash;
    std::shared_ptr<const ReachEngine> engine;
  };
  static std::mutex mu;
  static std::unordered_map<const FactBase*, Entry> cache;
  uint64_t h = detail::contentHash(facts);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(&facts);
    if (it != cache.end() && it->second.hash == h) return it->second.engine;
  }
  auto engine = std::make_shared<const ReachEngine>(facts);
  std::lock_guard<std::mutex> lock(mu);
  // Bound the cache: hosts that evaluate many candidate fact bases would
  // otherwise keep every engine alive.
  if (cache.size() >= 16) cache.clear();
  cache[&facts] = Entry{h, engine};
  return engine;
}

ReachAnswer reachValues(const FactBase& facts, const Value& src, const Value& dst, const Traffic& traffic) {
  return reachWith(*engineFor(facts), facts, src, dst, traffic);
}

ReachHook reachHookFor(const FactBase& facts) {
  // The hook's lifetime is the evaluation's, so the engine needs no
  // validation: the fact base cannot change or go away under it.
  struct State {
    const FactBase* facts = nullptr;
    std::once_flag once;
    std::unique_ptr<const ReachEngine> engine;
  };
  auto state = std::make_shared<State>();
  state->facts = &facts;
  return [state](const FactBase& fb, const Value& src, const Value& dst, const Traffic& traffic) {
    if (&fb != state->facts) return reachValues(fb, src, dst, traffic);
    std::call_once(state->once, [&] { state->engine = std::make_unique<const ReachEngine>(fb); });
    return reachWith(*state->engine, fb, src, dst, traffic);
  };
}

}  // namespace ward::net
