// The streaming JSON writer.
#include "common/json_writer.hpp"

#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace ward {

namespace {

// Whether a byte must be escaped in a JSON string: '"', '\\' or a control character.
inline bool needsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The length of the run of bytes from `from` that need no escape, eight bytes
// at a time (reports are megabytes of plain text).
size_t plainRun(std::string_view s, size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t quote = w ^ (kOnes * '"'), slash = w ^ (kOnes * '\\');
    // A byte is flagged when it is zero in quote or slash, or below 0x20 in
    // w; bytes with the top bit set (UTF-8) never are.
    const uint64_t hit = (((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | ((w - kOnes * 0x20) & ~w)) & kHighs;
    if (hit) return i + (static_cast<size_t>(__builtin_ctzll(hit)) >> 3) - from;
  }
  while (i < s.size() && !needsEscape(static_cast<unsigned char>(s[i]))) ++i;
  return i - from;
}

}  // namespace

void JsonWriter::escape(std::string& out, std::string_view s) {
  out += '"';
  // Optimization: runs of plain bytes (nearly all of them) are appended whole.
  size_t i = 0;
  while (i < s.size()) {
    const size_t run = i + plainRun(s, i);
    out.append(s.data() + i, run - i);
    if (run == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[run]);
    i = run + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
  }
  out += '"';
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_ += '\n';
  out_.append(stack_.size() * 2, ' ');
}

void JsonWriter::beforeValue() {
  if (afterKey_) { afterKey_ = false; return; }
  if (stack_.empty()) return;
  Level& l = stack_.back();
  if (!l.first) out_ += ',';
  l.first = false;
  newline();
}

JsonWriter& JsonWriter::key(std::string_view name) {
  Level& l = stack_.back();
  if (!l.first) out_ += ',';
  l.first = false;
  newline();
  escape(out_, name);
  out_ += pretty_ ? ": " : ":";
  afterKey_ = true;
  return *this;
}

void JsonWriter::open(char c) {
  beforeValue();
  out_ += c;
  stack_.push_back(Level{true, c == '{'});
}

void JsonWriter::close(char c) {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (!empty) newline();
  out_ += c;
  if (stack_.empty() && pretty_) out_ += '\n';
}

JsonWriter& JsonWriter::value(std::string_view s) { beforeValue(); escape(out_, s); return *this; }
JsonWriter& JsonWriter::value(int64_t n) { beforeValue(); out_ += std::to_string(n); return *this; }
JsonWriter& JsonWriter::value(uint64_t n) { beforeValue(); out_ += std::to_string(n); return *this; }
JsonWriter& JsonWriter::value(bool b) { beforeValue(); out_ += b ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::null() { beforeValue(); out_ += "null"; return *this; }
JsonWriter& JsonWriter::raw(std::string_view json) { beforeValue(); out_ += json; return *this; }

}  // namespace ward
