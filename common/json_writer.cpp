// The streaming JSON writer.
#include "common/json_writer.hpp"

#include <fmt/format.h>

namespace ward {

void JsonWriter::escape(std::string& out, std::string_view s) {
  out += '"';
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
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
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
