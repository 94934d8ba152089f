// Tests of the JSON writer's string escaping: the word-at-a-time scan for
// bytes to escape agrees with a byte-by-byte reference at every position.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "common/json_writer.hpp"

using namespace ward;

namespace {

std::string reference(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

TEST_SUITE("json_writer") {
  TEST_CASE("escape: every special byte at every position, and the bytes next to them that are plain") {
    const unsigned char bytes[] = {'"',  '\\', '\n', '\r', '\t', '\b', '\f', 0x00, 0x01, 0x1f, 0x20, 0x21, 0x23,
                                   0x5b, 0x5d, 0x5c, 0x7f, 0x80, 0xa0, 0xc3, 0xdf, 0xe2, 0xff, 'a'};
    for (size_t len = 0; len <= 19; ++len)
      for (size_t pos = 0; pos < len; ++pos)
        for (unsigned char b : bytes) {
          std::string s(len, 'x');
          s[pos] = static_cast<char>(b);
          if (pos + 3 < len) s[pos + 3] = '"';  // a second one in the same word
          std::string got;
          JsonWriter::escape(got, s);
          CAPTURE(len);
          CAPTURE(pos);
          CAPTURE(static_cast<int>(b));
          CHECK(got == reference(s));
        }
  }

  TEST_CASE("escape: UTF-8 passes through untouched") {
    std::string got;
    JsonWriter::escape(got, "caf\xc3\xa9 \xe2\x86\x92 10.0.0.0/16 \xf0\x9f\x94\x92");
    CHECK(got == "\"caf\xc3\xa9 \xe2\x86\x92 10.0.0.0/16 \xf0\x9f\x94\x92\"");
  }
}
