// A small streaming JSON writer: deterministic output (the caller controls key
// order), correct string escaping, optional pretty printing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ward {

class JsonWriter {
public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  JsonWriter& beginObject() { open('{'); return *this; }
  JsonWriter& endObject() { close('}'); return *this; }
  JsonWriter& beginArray() { open('['); return *this; }
  JsonWriter& endArray() { close(']'); return *this; }
  // The next value is the member `name` of the current object.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(unsigned n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  // Inserts already-serialised JSON as one value.
  JsonWriter& raw(std::string_view json);
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) { key(name); return value(v); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  static void escape(std::string& out, std::string_view s);

private:
  void open(char c);
  void close(char c);
  void beforeValue();
  void newline();

  struct Level { bool first = true; bool isObject = false; };
  std::string out_;
  std::vector<Level> stack_;
  bool pretty_;
  bool afterKey_ = false;
};

}  // namespace ward
