// Names of levels and severities, and the deterministic order of findings.
#include "runtime/finding.hpp"

#include <tuple>

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

bool findingLess(const Finding& a, const Finding& b) {
  auto key = [](const Finding& f) { return std::tie(f.ruleId, f.resourceKind, f.resourceId, f.message); };
  if (key(a) != key(b)) return key(a) < key(b);
  return compareBindings(a.bindings, b.bindings) < 0;
}

}  // namespace ward
