// Unit tests for the formatter (`ward fmt`): indentation, comments, strings,
// blank lines, line ends, idempotence, parse errors, and the whole standard
// library and conformance suite (unchanged tokens, stdlib already formatted).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/format.hpp"
#include "dsl/parser.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

using namespace ward;
namespace fs = std::filesystem;

namespace {

// Formats `text` as a file; the rendered diagnostics, prefixed "error: ", when
// the formatter refuses it.
std::string format(std::string_view text) {
  SourceMap sources;
  const uint32_t id = sources.add("t.ward", std::string(text));
  auto r = formatSource(sources, id);
  return r ? *r : "error: " + render(sources, r.error());
}

bool parses(const std::string& text) {
  SourceMap sources;
  return parseModule(sources, sources.add("f.ward", text)).has_value();
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The end of the string literal that starts at `i`, interpolations (which
// may hold strings and comments of their own) included.
size_t stringEnd(std::string_view s, size_t i) {
  int depth = 0;  // open braces of interpolations; 0: in the string's text
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (depth == 0) {
      if (c == '"') return i + 1;
      if (c == '\\') ++i;
      else if (c == '{') depth = 1;
    } else if (c == '"') {
      i = stringEnd(s, i) - 1;
    } else if (c == '#') {
      while (i + 1 < s.size() && s[i + 1] != '\n') ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    }
  }
  return s.size();
}

// The text as the formatter must keep it: the runs of non-blank characters,
// where a string literal is never split and a comment is one piece without
// its trailing blanks. (Written apart from the formatter's own lexer, so the
// two do not share their mistakes.)
std::vector<std::string> pieces(std::string_view text) {
  std::string s(text);
  for (size_t at; (at = s.find("\r\n")) != std::string::npos;) s.erase(at, 1);
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      flush();
      ++i;
    } else if (c == '#') {
      flush();
      size_t end = s.find('\n', i);
      if (end == std::string::npos) end = s.size();
      std::string comment = s.substr(i, end - i);
      while (!comment.empty() && (comment.back() == ' ' || comment.back() == '\t' || comment.back() == '\r'))
        comment.pop_back();
      out.push_back(comment);
      i = end;
    } else if (c == '"') {
      const size_t end = stringEnd(s, i);
      cur += s.substr(i, end - i);
      i = end;
    } else {
      cur += c;
      ++i;
    }
  }
  flush();
  return out;
}

// Every .ward file under `dir` (relative to the source root), sorted.
std::vector<fs::path> wardFiles(const char* dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(WARD_SOURCE_ROOT) / dir))
    if (e.is_regular_file() && e.path().extension() == ".ward") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_SUITE("format") {
  TEST_CASE("fmt: a messy rule is indented two spaces per level, continuations one more") {
    const char* messy =
        "package p\n"
        "      rule r {\n"
        "title \"t\"\n"
        "          level deny\n"
        "require len(subnets) > 0 and\n"
        "len(vpcs) > 0\n"
        "or 1 == 2\n"
        "}\n"
        "  let x = 1\n";
    CHECK(format(messy) ==
          "package p\n"
          "rule r {\n"
          "  title \"t\"\n"
          "  level deny\n"
          "  require len(subnets) > 0 and\n"
          "    len(vpcs) > 0\n"
          "    or 1 == 2\n"
          "}\n"
          "let x = 1\n");
  }

  TEST_CASE("fmt: alignment deeper than one level is the author's and stays") {
    const char* aligned =
        "rule r {\n"
        "  title     \"x\"\n"
        "  require (1 == 1 and 2 == 2)\n"
        "       or (3 == 3)\n"
        "  for s in subnets where s.private\n"
        "                    and s.has_nat\n"
        "  message   \"m\"\n"
        "}\n";
    CHECK(format(aligned) == aligned);
    // Moving the statement moves its continuation lines with it; too shallow
    // a continuation gets one level.
    CHECK(format("  def f(x: int) =\n      x + 1\n        + 2\n") == "def f(x: int) =\n    x + 1\n      + 2\n");
    CHECK(format("  def f(x: int) =\nx + 1\n  + 2\n") == "def f(x: int) =\n  x + 1\n  + 2\n");
  }

  TEST_CASE("fmt: brackets that span lines indent their contents and close at their opener's level") {
    CHECK(format("let xs = [\n1,\n        2,\n  ]\n") == "let xs = [\n  1,\n        2,\n]\n");
    CHECK(format("def f(a: int,\nb: int) = a + b\n") == "def f(a: int,\n  b: int) = a + b\n");
    CHECK(format("def g(x: int) =\n  (x == 1\n  or x == 2)\n") == "def g(x: int) =\n  (x == 1\n    or x == 2)\n");
  }

  TEST_CASE("fmt: a clause word after an unfinished line continues it") {
    // `level` is a name here: the line before ends in `==`.
    CHECK(format("let level = 1\nrule r {\nrequire 1 ==\nlevel\n}\n") ==
          "let level = 1\nrule r {\n  require 1 ==\n    level\n}\n");
    // The `when` of an endpoint sentence belongs to the sentence.
    CHECK(format("rule r {\n  for s in subnets\n  endpoint s3 required via gateway\n  when s.private\n}\n") ==
          "rule r {\n  for s in subnets\n  endpoint s3 required via gateway\n    when s.private\n}\n");
  }

  TEST_CASE("fmt: tests and given blocks") {
    const char* messy =
        "test \"t\" {\n"
        "given {\n"
        "vpc v1 cidr 10.0.0.0/16\n"
        "      route_table rt in v1 routes [10.0.0.0/16 -> local,\n"
        "                                   0.0.0.0/0 -> igw]\n"
        "}\n"
        "expect pass r\n"
        "}\n";
    CHECK(format(messy) ==
          "test \"t\" {\n"
          "  given {\n"
          "    vpc v1 cidr 10.0.0.0/16\n"
          "    route_table rt in v1 routes [10.0.0.0/16 -> local,\n"
          "                                 0.0.0.0/0 -> igw]\n"
          "  }\n"
          "  expect pass r\n"
          "}\n");
  }

  TEST_CASE("fmt: comments are kept, own-line ones at the level of the code they precede") {
    const char* messy =
        "    # about the package\n"
        "package p   # end of line, kept as written   \n"
        "rule r {\n"
        "# first clause\n"
        "  title \"t\"\n"
        "  require 1 == 1\n"
        "        # about the second half\n"
        "    and 2 == 2  #   also   this\n"
        "      # at the end of the block\n"
        "}\n"
        "   # at the end of the file\n";
    CHECK(format(messy) ==
          "# about the package\n"
          "package p   # end of line, kept as written\n"
          "rule r {\n"
          "  # first clause\n"
          "  title \"t\"\n"
          "  require 1 == 1\n"
          "    # about the second half\n"
          "    and 2 == 2  #   also   this\n"
          "  # at the end of the block\n"
          "}\n"
          "# at the end of the file\n");
  }

  TEST_CASE("fmt: strings are never touched") {
    const char* text =
        "let a = \"  two  spaces,  # not a comment, \\{braces\\}   \"\n"
        "let b = \"x {len([1,   2])} y\"\n"
        "let c = [\"a\",\n"
        "   \"  b  \"]\n";
    const std::string out = format(text);
    CHECK(out ==
          "let a = \"  two  spaces,  # not a comment, \\{braces\\}   \"\n"
          "let b = \"x {len([1,   2])} y\"\n"
          "let c = [\"a\",\n"
          "   \"  b  \"]\n");
    // An interpolation may span lines; the lines inside it stay as written.
    const char* spanning = "rule r {\n  require true\n  message \"{len(\n      subnets)   \n}\"\n}\n";
    CHECK(format(spanning) == spanning);
  }

  TEST_CASE("fmt: blank lines collapse, none after { or before }, none at the ends") {
    const char* messy =
        "\n\n"
        "package p\n"
        "\n\n\n"
        "rule r {\n"
        "\n"
        "  title \"t\"\n"
        "   \n"
        "\n"
        "  require true\n"
        "\n"
        "}\n"
        "\n\n";
    CHECK(format(messy) ==
          "package p\n"
          "\n"
          "rule r {\n"
          "  title \"t\"\n"
          "\n"
          "  require true\n"
          "}\n");
  }

  TEST_CASE("fmt: CRLF becomes LF, tabs in indentation become spaces, one final newline") {
    CHECK(format("package p\r\nrule r {\r\n\ttitle \"t\"  \r\n\trequire true\r\n}\r\n") ==
          "package p\nrule r {\n  title \"t\"\n  require true\n}\n");
    CHECK(format("let x = 1") == "let x = 1\n");
    CHECK(format("let x = 1\n\n\n") == "let x = 1\n");
    CHECK(format("rule r {\n\ttitle \"t\"\n\trequire 1 == 1\n\t\tand 2 == 2\n}\n") ==
          "rule r {\n  title \"t\"\n  require 1 == 1\n    and 2 == 2\n}\n");
    CHECK(format("") == "");
    CHECK(format("# only a comment") == "# only a comment\n");
  }

  TEST_CASE("fmt: formatting twice changes nothing more") {
    const char* messy =
        "package p\n"
        "\t\tdef f(x: int) = x +\n"
        "1\n"
        "rule r {\n"
        "   for s in subnets where s.private\n"
        "                 and s.has_nat\n"
        "# c\n"
        "     require all x in [1,\n"
        "2, 3]: x > 0\n"
        "           or false\n"
        "}\n"
        "test \"t\" {\n"
        "given { vpc v1 cidr 10.0.0.0/16\n"
        "subnet s1 in v1 cidr 10.0.1.0/24 }\n"
        "  expect fail r on s1\n"
        "     count 1\n"
        "}\n";
    const std::string once = format(messy);
    REQUIRE(once.rfind("error:", 0) != 0);
    CHECK(format(once) == once);
    CHECK(pieces(once) == pieces(messy));
  }

  TEST_CASE("fmt: a file that does not parse is not formatted") {
    const std::string out = format("rule r {\n  titel \"x\"\n}\n");
    CHECK(out.rfind("error: t.ward:2:", 0) == 0);
    CHECK(format("let x = \"unterminated\n").rfind("error: t.ward:1:", 0) == 0);
  }

  TEST_CASE("fmt: the standard library is already formatted") {
    const auto files = wardFiles("stdlib/aws");
    REQUIRE(files.size() >= 10);
    for (const fs::path& p : files) {
      CAPTURE(p.string());
      const std::string text = readFile(p);
      CHECK(format(text) == text);
    }
  }

  TEST_CASE("fmt: only whitespace changes, in every policy of the tree") {
    size_t formatted = 0;
    for (const char* dir : {"stdlib", "tests/conformance", "examples"}) {
      for (const fs::path& p : wardFiles(dir)) {
        const std::string text = readFile(p);
        if (!parses(text)) continue;  // error fixtures: refused, as tested above
        CAPTURE(p.string());
        const std::string once = format(text);
        REQUIRE(once.rfind("error:", 0) != 0);
        CHECK(pieces(once) == pieces(text));
        CHECK(parses(once));
        CHECK(format(once) == once);
        ++formatted;
      }
    }
    CHECK(formatted > 100);
  }
}
