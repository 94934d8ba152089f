// Internal: reading one JSON file with simdjson On-Demand, keeping the JSON
// pointer of the current value for diagnostics, enforcing the depth limit, and
// validating what the loaders skip (On-Demand alone would not look at it).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <simdjson.h>

namespace ward::load {

namespace od = simdjson::ondemand;

// Thrown inside one file's loader and caught at the file boundary, where it
// becomes a Diagnostic. `at` points into the text when the position is known.
struct JsonError {
  std::string message;
  const char* at = nullptr;
  std::string pointer;
  std::vector<std::string> notes;  // e.g. "did you mean 'subnet'?"
  // Raised by simdjson or the depth limit: the text itself is malformed (or
  // too deep), and the syntax checker can say exactly where.
  bool syntax = false;
};

// The first syntax error of a JSON text: byte offset and message. Used after
// simdjson reports a problem, to say exactly where and what.
struct SyntaxError {
  size_t offset = 0;
  std::string message;
};
std::optional<SyntaxError> findSyntaxError(std::string_view text, uint32_t maxDepth);

// 1-based line and column (in bytes) of an offset.
std::pair<uint32_t, uint32_t> lineColOf(std::string_view text, size_t offset);

// The first '"' or '\\' at or after p, eight bytes at a time. Safe to read
// past the string: it is followed by more JSON and simdjson's padding.
inline const char* findQuoteOrBackslash(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  for (;; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\');
    uint64_t hit = ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs);
    if (hit) return p + (__builtin_ctzll(hit) >> 3);
  }
}

class JsonFile {
public:
  JsonFile(std::string name, std::string_view text, uint32_t maxDepth);

  const std::string& name() const { return name_; }
  std::string_view text() const { return text_; }
  // "name:line:col" for a position in the text; just the name without one.
  std::string where(const char* at) const;
  // The JSON pointer of the value being read, e.g. "/Vpcs/0/CidrBlock".
  std::string pointer() const;
  // The pointer of the value being read, with one more key or index.
  std::string pointerWith(std::string_view key) const;

  // Iterates an object's members; fn(std::string_view key, od::value& v).
  template <class F>
  void fields(od::value& v, F&& fn) {
    od::object o = object(v);
    fields(o, fn);
  }
  // When fn returns bool, returning false stops the iteration early (for a
  // first pass that only looks for a key; the caller then resets the object).
  template <class F>
  void fields(od::object& o, F&& fn) {
    enter();
    for (auto r : o) {
      od::field f;
      check(std::move(r).get(f));
      std::string_view key = keyOf(f);
      path_[pathLength_++] = {key, -1};
      od::value v = f.value();
      if constexpr (std::is_same_v<decltype(fn(key, v)), bool>) {
        bool more = fn(key, v);
        --pathLength_;
        if (!more) break;
      } else {
        fn(key, v);
        --pathLength_;
      }
    }
    leave();
  }
  // Rewinds an object after a first pass, for a second one.
  void reset(od::object& o) {
    bool nonEmpty;
    check(o.reset().get(nonEmpty));
  }
  // Iterates an array's elements; fn(od::value& v).
  template <class F>
  void elements(od::value& v, F&& fn) {
    od::array a;
    if (v.get_array().get(a)) typeError(v, "an array");
    enter();
    int64_t index = 0;
    for (auto r : a) {
      od::value e;
      check(std::move(r).get(e));
      path_[pathLength_++] = {{}, index++};
      fn(e);
      --pathLength_;
    }
    leave();
  }

  od::object object(od::value& v);
  // Inline: most values the loaders read are strings without escapes, used in
  // place in the input.
  std::string_view string(od::value& v) {
    std::string_view tok = v.raw_json_token();
    if (tok.empty() || tok[0] != '"') [[unlikely]]
      typeError(v, "a string");
    const char* end = findQuoteOrBackslash(tok.data() + 1);
    if (*end == '"') [[likely]]
      return std::string_view(tok.data() + 1, static_cast<size_t>(end - tok.data() - 1));
    return escapedString(v);
  }
  bool boolean(od::value& v);
  // An integer, or a string holding one (the AWS CLI writes some ASNs as strings).
  int64_t integer(od::value& v);
  bool isNull(od::value& v) {
    std::string_view tok = v.raw_json_token();
    if (tok.empty() || tok[0] != 'n') [[likely]]
      return false;
    return checkedNull(v);
  }
  // The value's kind, for messages: "a string", "an object", ...
  std::string describe(od::value& v);
  // Skips a value, checking that it is well formed and within the depth limit.
  void skip(od::value& v);
  // The value's raw token (its first character tells its type).
  std::string_view raw(od::value& v) { return v.raw_json_token(); }
  // Position of a value in the text (for warnings).
  const char* at(od::value& v) { return v.raw_json_token().data(); }

  [[noreturn]] void typeError(od::value& v, std::string_view expected);
  [[noreturn]] void fail(const char* at, std::string message, std::vector<std::string> notes = {});
  // Position of a key returned by fields() (keys without escapes point into the text).
  const char* keyAt(std::string_view key) const { return key.data() > text_.data() ? key.data() - 1 : nullptr; }
  void check(simdjson::error_code e) {
    if (e != simdjson::SUCCESS) [[unlikely]]
      failed(e);
  }
  // The text is not valid JSON here; the syntax checker will say exactly why.
  [[noreturn]] void malformed(const char* at, std::string message);

private:
  struct Segment {
    std::string_view key;
    int64_t index;  // -1 for an object key
  };
  void enter();
  void leave() { --depth_; }
  // Keys are compared raw when they have no escapes (the usual case), which
  // spares the parser's string buffer.
  std::string_view keyOf(od::field& f) {
    const char* start = f.key().raw();
    const char* end = findQuoteOrBackslash(start);
    if (*end == '"') return std::string_view(start, static_cast<size_t>(end - start));
    return unescapedKey(f);
  }
  std::string_view unescapedKey(od::field& f);
  // The slow paths of string(), isNull() and check().
  std::string_view escapedString(od::value& v);
  bool checkedNull(od::value& v);
  [[noreturn]] void failed(simdjson::error_code e);

  std::string name_;
  std::string_view text_;
  uint32_t maxDepth_;
  uint32_t depth_ = 0;
  // One segment per open container, so never longer than the depth limit.
  std::vector<Segment> path_;
  size_t pathLength_ = 0;
};

}  // namespace ward::load
