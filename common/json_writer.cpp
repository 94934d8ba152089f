// The streaming JSON writer.
#include "common/json_writer.hpp"

#include <cassert>
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
  // Optimization: most strings have nothing to escape and go out whole.
  size_t i = plainRun(s, 0);
  if (i == s.size()) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += '"';
  out.append(s.data(), i);
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i++]);
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
    // Then the run of plain bytes up to the next one to escape.
    const size_t run = plainRun(s, i);
    out.append(s.data() + i, run);
    i += run;
  }
  out += '"';
}

// A newline and the indentation of up to kMaxIndentDepth levels, appended in one go.
constexpr size_t kMaxIndentDepth = 32;
constexpr char kNewlineIndent[] = "\n                                                                ";
static_assert(sizeof kNewlineIndent - 1 == 1 + 2 * kMaxIndentDepth);

void JsonWriter::newline() {
  if (!pretty_) return;
  const size_t depth = stack_.size();
  if (depth <= kMaxIndentDepth) {
    out_.append(kNewlineIndent, 1 + 2 * depth);
    return;
  }
  out_ += '\n';
  out_.append(depth * 2, ' ');
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

JsonWriter& JsonWriter::plainKey(std::string_view name) {
  assert(plainRun(name, 0) == name.size());
  Level& l = stack_.back();
  const size_t depth = stack_.size();
  // Optimization: the comma, newline, indentation, quoted name and colon in
  // one append (reports write a dozen keys per finding).
  char buf[128];
  if (pretty_ && depth <= kMaxIndentDepth && name.size() <= sizeof buf - 4 - sizeof kNewlineIndent) {
    char* p = buf;
    if (!l.first) *p++ = ',';
    std::memcpy(p, kNewlineIndent, 1 + 2 * depth);
    p += 1 + 2 * depth;
    *p++ = '"';
    std::memcpy(p, name.data(), name.size());
    p += name.size();
    std::memcpy(p, "\": ", 3);
    p += 3;
    out_.append(buf, static_cast<size_t>(p - buf));
  } else {
    if (!l.first) out_ += ',';
    newline();
    out_ += '"';
    out_ += name;
    out_ += pretty_ ? "\": " : "\":";
  }
  l.first = false;
  afterKey_ = true;
  return *this;
}

JsonWriter JsonWriter::fork(bool afterSibling) const {
  JsonWriter part(pretty_);
  part.stack_ = stack_;
  if (afterSibling && !part.stack_.empty()) part.stack_.back().first = false;
  return part;
}

void JsonWriter::follow(const JsonWriter& part) {
  assert(part.stack_.size() == stack_.size() && !afterKey_);
  if (!stack_.empty() && !part.stack_.back().first) stack_.back().first = false;
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
