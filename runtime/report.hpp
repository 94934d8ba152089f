// Report writers: the findings of one evaluation rendered as human text, JSON,
// SARIF 2.1.0 (GitHub code scanning) or JUnit XML. Every writer is
// deterministic: same findings in, same bytes out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/finding.hpp"
#include "runtime/text_arena.hpp"

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
  std::shared_ptr<const TextArena> text;  // where their strings are (Report::text)
  std::vector<RuleMeta> rules;    // sorted by id
  std::vector<std::string> factSources;  // the --facts inputs, for the record
  uint64_t rulesEvaluated = 0;
};

enum class ReportFormat { Text, Json, Sarif, Junit };

struct ReportOptions {
  bool color = false;    // text: ANSI colours
  bool verbose = false;  // text: bindings and failed sub-expressions for every finding
  // JSON and SARIF: threads that write the findings of a large report (in
  // slices, joined in order); the bytes are the same for any count.
  uint32_t threads = 1;
};

std::string renderText(const ReportInput& in, const ReportOptions& opts = {});
std::string renderJson(const ReportInput& in, uint32_t threads = 1);
std::string renderSarif(const ReportInput& in, uint32_t threads = 1);
std::string renderJunit(const ReportInput& in);
std::string renderReport(const ReportInput& in, ReportFormat format, const ReportOptions& opts = {});
// The same report in pieces whose concatenation is renderReport's string, for
// a caller that writes them out one after the other (no copy into one string).
std::vector<std::string> renderReportParts(const ReportInput& in, ReportFormat format, const ReportOptions& opts = {});

// Text for XML attributes and content: markup characters escaped, control
// characters other than newline and tab replaced by a space.
std::string xmlEscape(std::string_view s);

// A stable identifier of a finding across runs (rule, resource, message).
std::string fingerprint(const Finding& f);

// Counts by level, ignoring exempted findings.
struct LevelCounts { uint64_t advisory = 0, warn = 0, deny = 0, exempted = 0; };
LevelCounts countByLevel(const std::vector<Finding>& findings);

inline constexpr const char* kReportFormatVersion = "1.0";
inline constexpr const char* kWardVersion = "0.1.0";

}  // namespace ward
