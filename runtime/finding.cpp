// Names of levels and severities, and the deterministic order of findings.
#include "runtime/finding.hpp"

#include <algorithm>
#include <cstdint>

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
int compareBindings(const std::vector<Binding>& a, const std::vector<Binding>& b) {
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

void sortFindings(std::vector<Finding>& findings) {
  // Optimization: the sort moves 4-byte positions, not Findings (a dozen
  // strings and vectors each); every finding then moves once, into place.
  std::vector<uint32_t> order(findings.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return compareFindings(findings[x], findings[y]) < 0; });
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (uint32_t i : order) sorted.push_back(std::move(findings[i]));
  findings.swap(sorted);
}

}  // namespace ward
