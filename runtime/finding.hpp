// Findings: what a failed rule reports, with everything needed to explain it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ward {

enum class Level : uint8_t { Advisory, Warn, Deny };
enum class RuleSeverity : uint8_t { Info, Low, Medium, High, Critical };

const char* levelName(Level l);          // "advisory", "warn", "deny"
const char* severityName(RuleSeverity s);  // "info" ... "critical"

// A variable bound when the rule failed: a for-variable or the witness of a
// quantifier (which `s` broke `all s in job.subnets: s.private`).
struct Binding {
  std::string name;   // "s"
  std::string kind;   // "subnet", or the value's type name for non-entities
  std::string value;  // the entity id or the value's canonical text
};

// A sub-expression of `require` that evaluated to false, with its operands.
struct FailedCheck {
  std::string expr;  // source text, e.g. "s.private"
  std::vector<std::pair<std::string, std::string>> values;  // ("s.private", "false")
};

struct SourceLocation {
  std::string file;
  unsigned line = 0;
  unsigned col = 0;
};

struct Finding {
  std::string ruleId;  // package.name
  Level level = Level::Warn;
  RuleSeverity severity = RuleSeverity::Medium;
  std::string title;
  std::string resourceKind;  // kind of the first for-variable's entity
  std::string resourceId;
  std::string message;
  std::vector<Binding> bindings;
  std::vector<FailedCheck> failed;
  std::string fix;
  SourceLocation location;  // the rule's source
  // Set when an exemption covers the finding; exempted findings are reported
  // but never fail a run.
  bool exempted = false;
  std::string exemptionReason;
};

// Deterministic report order: rule id, resource kind, resource id, message,
// then the bindings. compareFindings is <0, 0 or >0.
int compareFindings(const Finding& a, const Finding& b);
bool findingLess(const Finding& a, const Finding& b);
// Sorts into that order, keeping the given order of equal findings.
void sortFindings(std::vector<Finding>& findings);
// The same order as positions in `findings` (stable), for findings that are
// not in one vector: an evaluation's threads' findings are moved from where
// they are straight into place.
std::vector<uint32_t> sortedOrder(std::span<const Finding* const> findings);

}  // namespace ward
