// Report writers for text, JSON, SARIF 2.1.0 and JUnit XML.
#include "runtime/report.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "common/json_writer.hpp"

namespace ward {

namespace {

// FNV-1a: tiny, stable across platforms and releases, good enough to tell
// findings apart in a fingerprint.
uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
  return h;
}

const char* sarifLevel(Level l) {
  switch (l) {
    case Level::Deny: return "error";
    case Level::Warn: return "warning";
    case Level::Advisory: return "note";
  }
  return "warning";
}

template <class Location>  // SourceLocation or SourceRef
void writeLocation(JsonWriter& w, const Location& loc) {
  w.key("location").beginObject();
  w.field("file", loc.file).field("line", loc.line).field("col", loc.col);
  w.endObject();
}

}  // namespace

std::string xmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string fingerprint(const Finding& f) {
  uint64_t h = fnv1a(f.ruleId);
  h = fnv1a("\x1f", h);
  h = fnv1a(f.resourceKind, h);
  h = fnv1a("\x1f", h);
  h = fnv1a(f.resourceId, h);
  h = fnv1a("\x1f", h);
  h = fnv1a(f.message, h);
  return fmt::format("{:016x}", h);
}

LevelCounts countByLevel(const std::vector<Finding>& findings) {
  LevelCounts c;
  for (const Finding& f : findings) {
    if (f.exempted) { ++c.exempted; continue; }
    switch (f.level) {
      case Level::Advisory: ++c.advisory; break;
      case Level::Warn: ++c.warn; break;
      case Level::Deny: ++c.deny; break;
    }
  }
  return c;
}

std::string renderText(const ReportInput& in, const ReportOptions& opts) {
  std::string out;
  auto paint = [&](const char* code, std::string_view s) {
    return opts.color ? fmt::format("\033[{}m{}\033[0m", code, s) : std::string(s);
  };
  for (const Finding& f : in.findings) {
    const char* color = f.level == Level::Deny ? "1;31" : f.level == Level::Warn ? "1;35" : "1;36";
    // A rule without `for` has no resource: its finding is about the estate.
    std::string resource = f.resourceId.empty() ? std::string() : fmt::format(" {} {}", f.resourceKind, f.resourceId);
    out += fmt::format("{}: {} [{}]{}: {}\n", paint(color, levelName(f.level)), paint("1", f.ruleId),
                       severityName(f.severity), resource, f.message);
    if (f.exempted) out += fmt::format("  exempted: {}\n", f.exemptionReason);
    if (opts.verbose) {
      for (const Binding& b : f.bindings) out += fmt::format("  where {} = {} ({})\n", b.name, b.value, b.kind);
      for (const FailedCheck& c : f.failed) {
        out += fmt::format("  failed: {}\n", c.expr);
        for (const auto& [expr, value] : c.values) out += fmt::format("    {} = {}\n", expr, value);
      }
      if (!f.location.file.empty())
        out += fmt::format("  rule at {}:{}:{}\n", f.location.file, f.location.line, f.location.col);
    }
    if (!f.fix.empty()) out += fmt::format("  fix: {}\n", f.fix);
  }
  LevelCounts c = countByLevel(in.findings);
  out += fmt::format("{} finding{}: {} deny, {} warn, {} advisory{} ({} rule{} evaluated)\n",
                     c.deny + c.warn + c.advisory, c.deny + c.warn + c.advisory == 1 ? "" : "s", c.deny, c.warn,
                     c.advisory, c.exempted ? fmt::format(", {} exempted", c.exempted) : std::string(),
                     in.rulesEvaluated, in.rulesEvaluated == 1 ? "" : "s");
  return out;
}

namespace {

void writeJsonFinding(JsonWriter& w, const Finding& f) {
  w.beginObject();
  w.field("rule", f.ruleId).field("level", levelName(f.level)).field("severity", severityName(f.severity));
  w.field("title", f.title);
  w.key("resource").beginObject().field("kind", f.resourceKind).field("id", f.resourceId).endObject();
  w.field("message", f.message);
  w.key("bindings").beginArray();
  for (const Binding& b : f.bindings)
    w.beginObject().field("name", b.name).field("kind", b.kind).field("value", b.value).endObject();
  w.endArray();
  w.key("failed").beginArray();
  for (const FailedCheck& fc : f.failed) {
    w.beginObject().field("expr", fc.expr);
    w.key("values").beginArray();
    for (const auto& [expr, value] : fc.values) w.beginObject().field("expr", expr).field("value", value).endObject();
    w.endArray().endObject();
  }
  w.endArray();
  w.field("fix", f.fix);
  writeLocation(w, f.location);
  w.field("exempted", f.exempted);
  if (f.exempted) w.field("exemption", f.exemptionReason);
  w.field("fingerprint", fingerprint(f));
  w.endObject();
}

// About the bytes a finding takes in a JSON or SARIF report: its text plus
// the keys and indentation around it. Slices reserve this much up front
// (memory reserved and never written costs nothing), so their strings do not
// grow by copying.
size_t estimatedBytes(const Finding& f) {
  size_t n = 768 + 2 * (f.ruleId.size() + f.resourceKind.size() + f.resourceId.size()) + f.title.size() +
             f.message.size() + f.fix.size() + f.location.file.size() + f.exemptionReason.size();
  for (const Binding& b : f.bindings) n += 64 + b.name.size() + b.kind.size() + b.value.size();
  for (const FailedCheck& c : f.failed) {
    n += 64 + c.expr.size();
    for (const auto& [expr, value] : c.values) n += 64 + expr.size() + value.size();
  }
  return n + n / 8;
}

// Writes the findings as members of the array `w` stands in, in order, into
// `parts`: first what `w` has written so far, then the findings in one or
// more pieces; `w` carries on after them (its own text starts empty). Large
// reports are cut into contiguous slices written by forked writers on
// `threads` threads, so the bytes do not depend on the thread count, and the
// pieces are never copied into one string here: the CLI writes them out one
// after the other.
template <class WriteOne>
void writeFindings(JsonWriter& w, const std::vector<Finding>& findings, uint32_t threads, WriteOne writeOne,
                   std::vector<std::string>& parts) {
  constexpr size_t kMinPerSlice = 256;  // below this a thread costs more than it saves
  const size_t n = findings.size();
  const size_t slices = std::min<size_t>(std::max<uint32_t>(threads, 1), std::max<size_t>(n / kMinPerSlice, 1));
  parts.push_back(w.take());
  std::vector<JsonWriter> writers;
  writers.reserve(slices);
  for (size_t s = 0; s < slices; ++s) writers.push_back(w.fork(s > 0 && n > 0));
  auto writeSlice = [&](size_t s) {
    const size_t from = n * s / slices, to = n * (s + 1) / slices;
    size_t bytes = 0;
    for (size_t i = from; i < to; ++i) bytes += estimatedBytes(findings[i]);
    writers[s].reserve(bytes);
    for (size_t i = from; i < to; ++i) writeOne(writers[s], findings[i]);
  };
  // An exception (out of memory) is rethrown here, once every thread is joined.
  std::vector<std::exception_ptr> failures(slices);
  std::vector<std::thread> pool;
  for (size_t s = 1; s < slices; ++s)
    pool.emplace_back([&, s] {
      try {
        writeSlice(s);
      } catch (...) {
        failures[s] = std::current_exception();
      }
    });
  try {
    writeSlice(0);
  } catch (...) {
    failures[0] = std::current_exception();
  }
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : failures)
    if (e) std::rethrow_exception(e);
  for (JsonWriter& part : writers) {
    w.follow(part);
    parts.push_back(part.take());
  }
}

std::string joined(std::vector<std::string>&& parts) {
  if (parts.size() == 1) return std::move(parts.front());
  size_t bytes = 0;
  for (const std::string& p : parts) bytes += p.size();
  std::string out;
  out.reserve(bytes);
  for (const std::string& p : parts) out += p;
  return out;
}

}  // namespace

std::vector<std::string> renderJsonParts(const ReportInput& in, uint32_t threads) {
  std::vector<std::string> parts;
  JsonWriter w;
  w.beginObject();
  w.field("format_version", kReportFormatVersion);
  w.key("tool").beginObject().field("name", "ward").field("version", kWardVersion).endObject();
  LevelCounts c = countByLevel(in.findings);
  w.key("summary").beginObject();
  w.field("findings", static_cast<uint64_t>(in.findings.size()));
  w.field("deny", c.deny).field("warn", c.warn).field("advisory", c.advisory).field("exempted", c.exempted);
  w.field("rules_evaluated", in.rulesEvaluated);
  w.endObject();
  w.key("findings").beginArray();
  writeFindings(w, in.findings, threads, writeJsonFinding, parts);
  w.endArray();
  w.endObject();
  parts.push_back(w.take());
  return parts;
}

std::vector<std::string> renderSarifParts(const ReportInput& in, uint32_t threads) {
  std::vector<std::string> parts;
  JsonWriter w;
  w.beginObject();
  w.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  w.field("version", "2.1.0");
  w.key("runs").beginArray().beginObject();
  w.key("tool").beginObject().key("driver").beginObject();
  w.field("name", "ward").field("version", kWardVersion);
  w.field("informationUri", "https://github.com/ward-policy/ward");
  w.key("rules").beginArray();
  for (const RuleMeta& r : in.rules) {
    w.beginObject();
    w.field("id", r.id).field("name", r.id);
    w.key("shortDescription").beginObject().field("text", r.title.empty() ? r.id : r.title).endObject();
    if (!r.rationale.empty()) w.key("fullDescription").beginObject().field("text", r.rationale).endObject();
    if (!r.fix.empty()) w.key("help").beginObject().field("text", r.fix).endObject();
    w.key("defaultConfiguration").beginObject().field("level", sarifLevel(r.level)).endObject();
    w.key("properties").beginObject();
    w.field("severity", severityName(r.severity));
    w.key("tags").beginArray();
    for (const std::string& t : r.tags) w.value(t);
    w.endArray();
    w.endObject();
    w.endObject();
  }
  w.endArray();
  w.endObject().endObject();  // driver, tool
  w.key("results").beginArray();
  // Each rule's index in the rules array (the first, should an id repeat).
  std::unordered_map<std::string_view, uint64_t> ruleIndex;
  for (size_t i = 0; i < in.rules.size(); ++i) ruleIndex.try_emplace(in.rules[i].id, i);
  auto writeResult = [&ruleIndex](JsonWriter& w, const Finding& f) {
    w.beginObject();
    w.field("ruleId", f.ruleId);
    if (auto it = ruleIndex.find(f.ruleId); it != ruleIndex.end()) w.field("ruleIndex", it->second);
    w.field("level", sarifLevel(f.level));
    w.key("message").beginObject().field("text", f.message).endObject();
    w.key("locations").beginArray().beginObject();
    w.key("physicalLocation").beginObject();
    w.key("artifactLocation").beginObject().field("uri", f.location.file.empty() ? "policy" : f.location.file).endObject();
    w.key("region").beginObject().field("startLine", std::max(1u, f.location.line)).field("startColumn", std::max(1u, f.location.col)).endObject();
    w.endObject();
    w.key("logicalLocations").beginArray().beginObject();
    w.field("name", f.resourceId).field("kind", f.resourceKind);
    w.endObject().endArray();
    w.endObject().endArray();
    w.key("partialFingerprints").beginObject().field("wardFinding/v1", fingerprint(f)).endObject();
    if (f.exempted) {
      w.key("suppressions").beginArray().beginObject();
      w.field("kind", "inSource").field("justification", f.exemptionReason);
      w.endObject().endArray();
    }
    w.endObject();
  };
  writeFindings(w, in.findings, threads, writeResult, parts);
  w.endArray();
  w.endObject().endArray();  // run, runs
  w.endObject();
  parts.push_back(w.take());
  return parts;
}

std::string renderJson(const ReportInput& in, uint32_t threads) { return joined(renderJsonParts(in, threads)); }

std::string renderSarif(const ReportInput& in, uint32_t threads) { return joined(renderSarifParts(in, threads)); }

std::string renderJunit(const ReportInput& in) {
  // One test case per rule; a rule fails when it has unexempted findings.
  std::string cases;
  uint64_t failures = 0;
  for (const RuleMeta& r : in.rules) {
    std::string body;
    uint64_t n = 0;
    for (const Finding& f : in.findings) {
      if (f.ruleId != r.id || f.exempted) continue;
      ++n;
      body += fmt::format("{} {} {}: {}\n", levelName(f.level), f.resourceKind, f.resourceId, f.message);
    }
    cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xmlEscape(r.id.substr(0, r.id.rfind('.') == std::string::npos ? 0 : r.id.rfind('.'))), xmlEscape(r.id));
    if (n == 0) { cases += "/>\n"; continue; }
    ++failures;
    cases += fmt::format(">\n      <failure message=\"{} finding{}\" type=\"{}\">{}</failure>\n    </testcase>\n", n,
                         n == 1 ? "" : "s", levelName(r.level), xmlEscape(body));
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"ward\" tests=\"{}\" failures=\"{}\">\n{}  </testsuite>\n</testsuites>\n",
                     in.rules.size(), failures, cases);
}

std::vector<std::string> renderReportParts(const ReportInput& in, ReportFormat format, const ReportOptions& opts) {
  switch (format) {
    case ReportFormat::Text: return {renderText(in, opts)};
    case ReportFormat::Json: return renderJsonParts(in, opts.threads);
    case ReportFormat::Sarif: return renderSarifParts(in, opts.threads);
    case ReportFormat::Junit: return {renderJunit(in)};
  }
  return {};
}

std::string renderReport(const ReportInput& in, ReportFormat format, const ReportOptions& opts) {
  return joined(renderReportParts(in, format, opts));
}

}  // namespace ward
