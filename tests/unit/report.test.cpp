// Tests of the report writers: JSON and SARIF written on several threads (the
// findings cut into slices, spliced back in order) are byte for byte what one
// thread writes, at slice boundaries, for empty and tiny reports, with
// exempted findings and text that needs escaping; and the output is well
// formed JSON.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/json_writer.hpp"
#include "runtime/report.hpp"

using namespace ward;

namespace {

ReportInput report(size_t n) {
  ReportInput in;
  in.rules = {RuleMeta{"aws.sg.no_unrestricted_ssh", "No SSH", Level::Deny, RuleSeverity::High, {"sg"}, "why", "fix it", {}, {}},
              RuleMeta{"aws.vpc.flow_logs_enabled", "Flow logs", Level::Warn, RuleSeverity::Medium, {}, "", "", {}, {}}};
  auto text = std::make_shared<TextArena>();
  for (size_t i = 0; i < n; ++i) {
    Finding f;
    f.ruleId = text->copy(in.rules[i % 2].id);
    f.level = in.rules[i % 2].level;
    f.title = text->copy(in.rules[i % 2].title);
    f.resourceKind = "security_group";
    f.resourceId = text->copy("sg-" + std::to_string(i));
    f.message = text->copy("group sg-" + std::to_string(i) + " admits \"tcp 22\"\tfrom 0.0.0.0/0\n");
    std::span<Binding> bindings = text->array<Binding>(1);
    bindings[0] = Binding{"g", "security_group", f.resourceId};
    f.bindings = bindings;
    if (i % 3 == 0) {
      std::span<CheckValue> values = text->array<CheckValue>(1);
      values[0] = CheckValue{"r.traffic", "tcp 0-65535"};
      std::span<FailedCheck> failed = text->array<FailedCheck>(1);
      failed[0] = FailedCheck{"not (tcp 22 within r.traffic)", values};
      f.failed = failed;
    }
    f.fix = "remove the rule";
    f.location = SourceRef{"aws/sg.ward", 7, 1};
    f.exempted = i % 5 == 4;
    if (f.exempted) f.exemptionReason = text->copy("ticket SEC-" + std::to_string(i));
    in.findings.push_back(f);
  }
  in.text = text;
  return in;
}

size_t parsedFindings(const std::string& json, const char* arrayPointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
  simdjson::dom::array a;
  REQUIRE(doc.at_pointer(arrayPointer).get(a) == simdjson::SUCCESS);
  return a.size();
}

}  // namespace

TEST_SUITE("report") {
  TEST_CASE("JSON and SARIF are the same bytes on any number of threads") {
    // Around the slice threshold (256 per slice) and with uneven slices.
    for (size_t n : {0, 1, 255, 256, 511, 512, 513, 1000, 2049}) {
      const ReportInput in = report(n);
      const std::string json1 = renderJson(in, 1), sarif1 = renderSarif(in, 1);
      CAPTURE(n);
      CHECK(parsedFindings(json1, "/findings") == n);
      CHECK(parsedFindings(sarif1, "/runs/0/results") == n);
      for (uint32_t threads : {2u, 3u, 8u}) {
        CAPTURE(threads);
        CHECK(renderJson(in, threads) == json1);
        CHECK(renderSarif(in, threads) == sarif1);
        CHECK(renderReport(in, ReportFormat::Json, ReportOptions{false, false, threads}) == json1);
        // In pieces (what the CLI writes out one after the other): the same bytes.
        for (ReportFormat format : {ReportFormat::Json, ReportFormat::Sarif}) {
          const auto parts = renderReportParts(in, format, ReportOptions{false, false, threads});
          std::string joined;
          for (const std::string& p : parts) joined += p;
          CHECK(joined == (format == ReportFormat::Json ? json1 : sarif1));
          // Head, one piece per slice, tail.
          CHECK(parts.size() == 2 + std::min<size_t>(threads, std::max<size_t>(n / 256, 1)));
        }
      }
    }
  }

  TEST_CASE("SARIF results carry the index of their rule") {
    const ReportInput in = report(4);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const std::string sarif = renderSarif(in, 1);
    REQUIRE(parser.parse(sarif).get(doc) == simdjson::SUCCESS);
    for (size_t i = 0; i < 4; ++i) {
      const std::string p = "/runs/0/results/" + std::to_string(i) + "/ruleIndex";
      uint64_t index = 99;
      REQUIRE(doc.at_pointer(p).get(index) == simdjson::SUCCESS);
      CHECK(index == i % 2);
    }
  }

  TEST_CASE("a forked writer continues the parent's nesting and commas") {
    JsonWriter w;
    w.beginObject().key("xs").beginArray();
    std::string text = w.take();
    JsonWriter a = w.fork(false), b = w.fork(true), empty = w.fork(true);
    a.value(1).value(2);
    b.beginObject().field("k", "v").endObject();
    for (JsonWriter* part : {&a, &b, &empty}) {
      w.follow(*part);
      text += part->take();
    }
    w.value(3);
    w.endArray().endObject();
    text += w.take();
    CHECK(text == "{\n  \"xs\": [\n    1,\n    2,\n    {\n      \"k\": \"v\"\n    },\n    3\n  ]\n}\n");
    // An empty part leaves an empty container empty.
    JsonWriter only;
    only.beginArray();
    only.follow(only.fork(false));
    only.endArray();
    CHECK(only.str() == "[]\n");
  }
}
