// Findings: what a failed rule reports, with everything needed to explain it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ward {

enum class Level : uint8_t { Advisory, Warn, Deny };
enum class RuleSeverity : uint8_t { Info, Low, Medium, High, Critical };

const char* levelName(Level l);          // "advisory", "warn", "deny"
const char* severityName(RuleSeverity s);  // "info" ... "critical"

// A finding's strings and lists are views: into the TextArena of the report
// (or rule evaluator) that made it, or into storage its maker keeps alive.
// Whoever moves findings out of a Report moves its `text` along with them.

// A variable bound when the rule failed: a for-variable or the witness of a
// quantifier (which `s` broke `all s in job.subnets: s.private`).
struct Binding {
  std::string_view name;   // "s"
  std::string_view kind;   // "subnet", or the value's type name for non-entities
  std::string_view value;  // the entity id or the value's canonical text
};

// One operand of a failed check with its value: ("s.private", "false").
struct CheckValue {
  std::string_view first;   // the operand's source text
  std::string_view second;  // its value's canonical text
};

// A sub-expression of `require` that evaluated to false, with its operands.
struct FailedCheck {
  std::string_view expr;  // source text, e.g. "s.private"
  std::span<const CheckValue> values;
};

struct SourceLocation {
  std::string file;
  unsigned line = 0;
  unsigned col = 0;
};

// Where a finding's rule is written.
struct SourceRef {
  std::string_view file;
  unsigned line = 0;
  unsigned col = 0;
};

struct Finding {
  std::string_view ruleId;  // package.name
  Level level = Level::Warn;
  RuleSeverity severity = RuleSeverity::Medium;
  std::string_view title;
  std::string_view resourceKind;  // kind of the first for-variable's entity
  std::string_view resourceId;
  std::string_view message;
  std::span<const Binding> bindings;
  std::span<const FailedCheck> failed;
  std::string_view fix;
  SourceRef location;  // the rule's source
  // Set when an exemption covers the finding; exempted findings are reported
  // but never fail a run.
  bool exempted = false;
  std::string_view exemptionReason;
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
