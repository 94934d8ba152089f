// Names of levels and severities, and the deterministic order of findings.
#include "runtime/finding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>

namespace ward {

const char* levelName(Level l) {
  switch (l) {
    case Level::Advisory: return "advisory";
    case Level::Warn: return "warn";
    case Level::Deny: return "deny";
  }
  return "?";
}

const char* severityName(RuleSeverity s) {
  switch (s) {
    case RuleSeverity::Info: return "info";
    case RuleSeverity::Low: return "low";
    case RuleSeverity::Medium: return "medium";
    case RuleSeverity::High: return "high";
    case RuleSeverity::Critical: return "critical";
  }
  return "?";
}

namespace {

// Bindings break ties between findings of one rule on one resource with one
// message (nested for clauses over the same subject), so that the order never
// depends on how the sort happens to treat equal elements.
int compareBindings(std::span<const Binding> a, std::span<const Binding> b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = a[i].name.compare(b[i].name)) return c;
    if (int c = a[i].kind.compare(b[i].kind)) return c;
    if (int c = a[i].value.compare(b[i].value)) return c;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

}  // namespace

int compareFindings(const Finding& a, const Finding& b) {
  if (int c = a.ruleId.compare(b.ruleId)) return c;
  if (int c = a.resourceKind.compare(b.resourceKind)) return c;
  if (int c = a.resourceId.compare(b.resourceId)) return c;
  if (int c = a.message.compare(b.message)) return c;
  return compareBindings(a.bindings, b.bindings);
}

bool findingLess(const Finding& a, const Finding& b) { return compareFindings(a, b) < 0; }

namespace {

// The first 16 bytes of a string as two big-endian numbers (zero-padded), so
// that comparing them orders like comparing the strings, up to a tie.
std::pair<uint64_t, uint64_t> prefix16(std::string_view s) {
  unsigned char b[16] = {};
  // Note: an empty view may have a null data(), which memcpy must not get.
  if (!s.empty()) std::memcpy(b, s.data(), std::min<size_t>(s.size(), 16));
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | b[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | b[i];
  return {hi, lo};
}

// Dense ranks of the distinct values of one string field, in string order.
template <class Field>
std::vector<uint32_t> ranks(std::span<const Finding* const> findings, Field field) {
  std::vector<std::string_view> distinct;
  std::unordered_map<std::string_view, uint32_t> rank;
  std::string_view previous;
  for (const Finding* f : findings) {
    // Findings of one rule come together: most values repeat the last one.
    const std::string_view v = field(*f);
    if (!distinct.empty() && v == previous) continue;
    previous = v;
    if (rank.emplace(v, 0).second) distinct.push_back(v);
  }
  std::sort(distinct.begin(), distinct.end());
  for (uint32_t i = 0; i < distinct.size(); ++i) rank[distinct[i]] = i;
  std::vector<uint32_t> out;
  out.reserve(findings.size());
  std::string_view last;
  uint32_t lastRank = 0;
  for (const Finding* f : findings) {
    // Findings of one rule come together: most lookups repeat the last one.
    std::string_view v = field(*f);
    if (out.empty() || v != last) {
      last = v;
      lastRank = rank.at(v);
    }
    out.push_back(lastRank);
  }
  return out;
}

}  // namespace

std::vector<uint32_t> sortedOrder(std::span<const Finding* const> findings) {
  // Optimization: the sort moves compact keys (rule and kind ranks, the
  // first 16 bytes of the resource id), not Findings (a dozen strings and
  // vectors each), and only ties read the findings again; with tens of
  // thousands of findings this keeps the sort in cache.
  struct Key {
    uint32_t rule, kind;
    std::pair<uint64_t, uint64_t> id;
    uint32_t index;
  };
  const std::vector<uint32_t> rule = ranks(findings, [](const Finding& f) -> std::string_view { return f.ruleId; });
  const std::vector<uint32_t> kind =
      ranks(findings, [](const Finding& f) -> std::string_view { return f.resourceKind; });
  std::vector<Key> keys(findings.size());
  for (uint32_t i = 0; i < keys.size(); ++i) keys[i] = Key{rule[i], kind[i], prefix16(findings[i]->resourceId), i};
  std::stable_sort(keys.begin(), keys.end(), [&](const Key& x, const Key& y) {
    if (x.rule != y.rule) return x.rule < y.rule;
    if (x.kind != y.kind) return x.kind < y.kind;
    if (x.id != y.id) return x.id < y.id;
    return compareFindings(*findings[x.index], *findings[y.index]) < 0;
  });
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].index;
  return order;
}

void sortFindings(std::vector<Finding>& findings) {
  std::vector<const Finding*> refs(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) refs[i] = &findings[i];
  const std::vector<uint32_t> order = sortedOrder(refs);
  // Every finding moves once, into place.
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (uint32_t i : order) sorted.push_back(std::move(findings[i]));
  findings.swap(sorted);
}

}  // namespace ward
