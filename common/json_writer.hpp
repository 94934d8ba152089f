// A small streaming JSON writer: deterministic output (the caller controls key
// order), correct string escaping, optional pretty printing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
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
  // A key written in the code: a literal never needs escaping, so it is
  // copied without the scan (reports write a dozen per finding).
  template <size_t N>
  JsonWriter& key(const char (&name)[N]) {
    return plainKey(std::string_view(name, N - 1));
  }
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
  template <typename K, typename T>
  JsonWriter& field(const K& name, const T& v) { key(name); return value(v); }

  // Parallel output: fork() gives a writer that continues from where this
  // one stands (same nesting, an empty text) so that a part of the current
  // array or object can be written on another thread. `afterSibling` says
  // that an earlier part writes at least one member, so this one starts with
  // a comma. Afterwards follow() takes on the part's state (whether the
  // container has members yet); the caller puts the texts in order: this
  // writer's text so far (take()), each part's, then what this one writes next.
  JsonWriter fork(bool afterSibling) const;
  void follow(const JsonWriter& part);
  void reserve(size_t bytes) { out_.reserve(bytes); }

  const std::string& str() const { return out_; }
  // The text so far; the writer goes on from the same nesting with an empty text.
  std::string take() { return std::exchange(out_, std::string()); }

  static void escape(std::string& out, std::string_view s);

private:
  void open(char c);
  void close(char c);
  void beforeValue();
  void newline();
  JsonWriter& plainKey(std::string_view name);

  struct Level { bool first = true; bool isObject = false; };
  std::string out_;
  std::vector<Level> stack_;
  bool pretty_;
  bool afterKey_ = false;
};

}  // namespace ward
