// Report writers: the findings of one evaluation rendered as human text, JSON,
// SARIF 2.1.0 (GitHub code scanning) or JUnit XML. Every writer is
// deterministic: same findings in, same bytes out.
#pragma once

#include <string>
#include <vector>

#include "runtime/finding.hpp"

namespace ward {

// What a writer needs to know about each rule that was evaluated (SARIF lists
// every rule; JUnit makes a test case of each).
struct RuleMeta {
  std::string id;
  std::string title;
  Level level = Level::Warn;
  RuleSeverity severity = RuleSeverity::Medium;
  std::vector<std::string> tags;
  std::string rationale;
  std::string fix;
  std::vector<std::string> refs;
  SourceLocation location;
};

struct ReportInput {
  std::vector<Finding> findings;  // sorted with findingLess
  std::vector<RuleMeta> rules;    // sorted by id
  std::vector<std::string> factSources;  // the --facts inputs, for the record
  uint64_t rulesEvaluated = 0;
};

enum class ReportFormat { Text, Json, Sarif, Junit };

struct TextOptions {
  bool color = false;
  bool verbose = false;  // bindings and failed sub-expressions for every finding
};

std::string renderText(const ReportInput& in, const TextOptions& opts = {});
std::string renderJson(const ReportInput& in);
std::string renderSarif(const ReportInput& in);
std::string renderJunit(const ReportInput& in);
std::string renderReport(const ReportInput& in, ReportFormat format, const TextOptions& opts = {});

// A stable identifier of a finding across runs (rule, resource, message).
std::string fingerprint(const Finding& f);

// Counts by level, ignoring exempted findings.
struct LevelCounts { uint64_t advisory = 0, warn = 0, deny = 0, exempted = 0; };
LevelCounts countByLevel(const std::vector<Finding>& findings);

inline constexpr const char* kReportFormatVersion = "1.0";
inline constexpr const char* kWardVersion = "0.1.0";

}  // namespace ward
