// Renders reachability results as human text and as deterministic JSON.
#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "runtime/net/reach.hpp"

namespace ward::net {

namespace {

void textTrace(std::string& out, const Trace& t, const std::string& indent) {
  for (size_t i = 0; i < t.hops.size(); ++i) {
    const Hop& h = t.hops[i];
    out += fmt::format("{}{:>2}. {} ({})\n", indent, i + 1, h.node, h.kind);
    for (const std::string& f : h.filters) out += fmt::format("{}      filter: {}\n", indent, f);
    for (const std::string& n : h.notes) out += fmt::format("{}      {}\n", indent, n);
  }
  if (t.blockedBy) {
    out += fmt::format("{}blocked by {}: {} ({})\n", indent, t.blockedBy->component, t.blockedBy->detail,
                       t.blockedBy->reason);
  }
}

void textOne(std::string& out, const Trace& t, const std::optional<Trace>& reply, const std::string& indent) {
  out += fmt::format("{}{}\n", indent, outcomeName(t.outcome));
  textTrace(out, t, indent + "  ");
  if (reply) {
    out += fmt::format("{}reply: {}\n", indent, outcomeName(reply->outcome));
    textTrace(out, *reply, indent + "  ");
  }
}

void jsonStrings(JsonWriter& w, const std::vector<std::string>& xs) {
  w.beginArray();
  for (const std::string& s : xs) w.value(s);
  w.endArray();
}

// The members of one trace object (the caller opens and closes the object).
void jsonTraceMembers(JsonWriter& w, const Trace& t) {
  w.field("outcome", outcomeName(t.outcome));
  w.key("hops").beginArray();
  for (const Hop& h : t.hops) {
    w.beginObject();
    w.field("node", h.node);
    w.field("kind", h.kind);
    w.key("filters");
    jsonStrings(w, h.filters);
    w.key("notes");
    jsonStrings(w, h.notes);
    w.endObject();
  }
  w.endArray();
  w.key("blocked_by");
  if (t.blockedBy) {
    w.beginObject();
    w.field("component", t.blockedBy->component);
    w.field("reason", t.blockedBy->reason);
    w.field("detail", t.blockedBy->detail);
    w.endObject();
  } else {
    w.null();
  }
}

void jsonWithReply(JsonWriter& w, const Trace& t, const std::optional<Trace>& reply) {
  jsonTraceMembers(w, t);
  w.key("return");
  if (reply) {
    w.beginObject();
    jsonTraceMembers(w, *reply);
    w.endObject();
  } else {
    w.null();
  }
}

// Only the first trace carries its reply (see ReachResult::returnTrace).
const std::optional<Trace>& replyOf(const ReachResult& r, size_t i) {
  static const std::optional<Trace> kNoReply;
  return i == 0 ? r.returnTrace : kNoReply;
}

}  // namespace

std::string renderText(const ReachResult& result) {
  std::string out;
  if (result.traces.empty()) return "no trace\n";
  if (result.traces.size() == 1) {
    textOne(out, result.traces.front(), replyOf(result, 0), "");
    return out;
  }
  for (size_t i = 0; i < result.traces.size(); ++i) {
    out += fmt::format("trace {} of {}: ", i + 1, result.traces.size());
    textOne(out, result.traces[i], replyOf(result, i), "");
  }
  return out;
}

std::string renderJson(const ReachResult& result) {
  JsonWriter w(true);
  w.beginObject();
  if (result.traces.empty()) {
    w.key("outcome").null();
    w.key("hops").beginArray().endArray();
    w.key("blocked_by").null();
    w.key("return").null();
  } else {
    jsonWithReply(w, result.traces.front(), replyOf(result, 0));
  }
  if (result.traces.size() > 1) {
    w.key("traces").beginArray();
    for (size_t i = 0; i < result.traces.size(); ++i) {
      w.beginObject();
      jsonWithReply(w, result.traces[i], replyOf(result, i));
      w.endObject();
    }
    w.endArray();
  }
  w.endObject();
  return w.take();
}

}  // namespace ward::net
