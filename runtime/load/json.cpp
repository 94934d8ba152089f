// JSON reading helpers: positions, pointers, typed scalars, validated skipping,
// and a strict syntax checker that pinpoints the first error of a bad file.
#include "runtime/load/json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace ward::load {

std::pair<uint32_t, uint32_t> lineColOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  uint32_t line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  return {line, static_cast<uint32_t>(offset - lineStart + 1)};
}

JsonFile::JsonFile(std::string name, std::string_view text, uint32_t maxDepth)
    : name_(std::move(name)), text_(text), maxDepth_(maxDepth), path_(maxDepth + 1) {}

std::string JsonFile::where(const char* at) const {
  if (!at || at < text_.data() || at > text_.data() + text_.size()) return name_;
  auto [line, col] = lineColOf(text_, static_cast<size_t>(at - text_.data()));
  return fmt::format("{}:{}:{}", name_, line, col);
}

namespace {

// RFC 6901: "~" and "/" in keys are escaped as "~0" and "~1".
void appendSegment(std::string& out, std::string_view key) {
  out += '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

}  // namespace

std::string JsonFile::pointer() const {
  std::string out;
  for (size_t i = 0; i < pathLength_; ++i) {
    const Segment& s = path_[i];
    if (s.index >= 0) {
      out += '/';
      out += std::to_string(s.index);
    } else {
      appendSegment(out, s.key);
    }
  }
  return out.empty() ? "/" : out;
}

std::string JsonFile::pointerWith(std::string_view key) const {
  std::string out = pointer();
  if (out == "/") out.clear();
  appendSegment(out, key);
  return out;
}

void JsonFile::enter() {
  if (++depth_ > maxDepth_)
    throw JsonError{fmt::format("JSON nested deeper than {} levels (the load limit)", maxDepth_), nullptr, pointer(),
                    {}, true};
}

void JsonFile::malformed(const char* at, std::string message) {
  throw JsonError{std::move(message), at, pointer(), {}, true};
}

void JsonFile::failed(simdjson::error_code e) {
  throw JsonError{simdjson::error_message(e), nullptr, pointer(), {}, true};
}

void JsonFile::fail(const char* at, std::string message, std::vector<std::string> notes) {
  throw JsonError{std::move(message), at, pointer(), std::move(notes)};
}

std::string_view JsonFile::unescapedKey(od::field& f) {
  std::string_view key;
  check(f.unescaped_key().get(key));
  return key;
}

std::string JsonFile::describe(od::value& v) {
  od::json_type t;
  if (v.type().get(t)) return "something unreadable";
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "the number " + std::string(v.raw_json_token().substr(0, 40));
    case od::json_type::string: {
      std::string_view tok = v.raw_json_token();
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' || tok.back() == '\t'))
        tok.remove_suffix(1);
      if (tok.size() > 60) return "the string " + std::string(tok.substr(0, 57)) + "...\"";
      return "the string " + std::string(tok);
    }
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "something else";
}

void JsonFile::typeError(od::value& v, std::string_view expected) {
  const char* where = at(v);
  std::string got = describe(v);
  fail(where, fmt::format("expected {} at {}, got {}", expected, pointer(), got));
}

od::object JsonFile::object(od::value& v) {
  od::object o;
  if (v.get_object().get(o)) typeError(v, "an object");
  return o;
}

std::string_view JsonFile::escapedString(od::value& v) {
  std::string_view s;
  if (v.get_string().get(s)) malformed(v.raw_json_token().data(), "invalid escape in a string");
  return s;
}

bool JsonFile::boolean(od::value& v) {
  bool b;
  if (v.get_bool().get(b)) typeError(v, "true or false");
  return b;
}

int64_t JsonFile::integer(od::value& v) {
  std::string_view tok = v.raw_json_token();
  if (!tok.empty() && tok[0] == '"') {
    std::string_view s = string(v);
    int64_t n = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
      fail(tok.data(), fmt::format("expected an integer at {}, got \"{}\"", pointer(), s));
    return n;
  }
  int64_t n;
  if (v.get_int64().get(n)) typeError(v, "an integer");
  return n;
}

bool JsonFile::checkedNull(od::value& v) {
  bool isNull = false;
  if (v.is_null().get(isNull) || !isNull) malformed(v.raw_json_token().data(), "invalid literal");
  return true;
}

void JsonFile::skip(od::value& v) {
  od::json_type t;
  const char* where = at(v);
  if (v.type().get(t)) malformed(where, "invalid JSON value");
  switch (t) {
    case od::json_type::object: fields(v, [&](std::string_view, od::value& c) { skip(c); }); break;
    case od::json_type::array: elements(v, [&](od::value& c) { skip(c); }); break;
    case od::json_type::number: {
      od::number n;
      if (v.get_number().get(n)) malformed(where, "invalid number");
      break;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) malformed(where, "invalid literal");
      break;
    }
    case od::json_type::null: isNull(v); break;
    case od::json_type::string: break;  // stage 1 already checked quoting and UTF-8
  }
}

// --- strict syntax check -----------------------------------------------------------

namespace {

class SyntaxChecker {
public:
  SyntaxChecker(std::string_view text, uint32_t maxDepth) : s_(text), maxDepth_(maxDepth) {}

  std::optional<SyntaxError> run() {
    ws();
    if (i_ >= s_.size()) return err("the file holds no JSON value");
    if (!value()) return error_;
    ws();
    if (i_ < s_.size()) return err("unexpected content after the JSON value");
    return std::nullopt;
  }

private:
  std::optional<SyntaxError> err(std::string message) { return SyntaxError{i_, std::move(message)}; }
  bool fail(std::string message) {
    error_ = SyntaxError{i_, std::move(message)};
    return false;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool atEnd() const { return i_ >= s_.size(); }
  std::string got() const {
    if (atEnd()) return "the end of the file";
    char c = s_[i_];
    if (static_cast<unsigned char>(c) < 0x20) return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
    return fmt::format("'{}'", c);
  }

  // Containers are checked with an explicit stack, so depth costs no recursion.
  bool value() {
    std::vector<char> stack;  // '{' or '['
    for (;;) {
      ws();
      if (atEnd()) return fail("unexpected end of the file: expected a value");
      char c = s_[i_];
      if (c == '{' || c == '[') {
        if (stack.size() >= maxDepth_)
          return fail(fmt::format("JSON nested deeper than {} levels (the load limit)", maxDepth_));
        stack.push_back(c);
        ++i_;
        ws();
        if (c == '{') {
          if (!atEnd() && s_[i_] == '}') {
            ++i_;
            stack.pop_back();
          } else if (!key()) {
            return false;
          } else {
            continue;  // parse the member's value
          }
        } else if (!atEnd() && s_[i_] == ']') {
          ++i_;
          stack.pop_back();
        } else {
          continue;  // parse the first element
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers or move to the next member/element.
      for (;;) {
        if (stack.empty()) return true;
        ws();
        if (atEnd())
          return fail(stack.back() == '{' ? "unexpected end of the file: expected ',' or '}'"
                                          : "unexpected end of the file: expected ',' or ']'");
        char close = stack.back() == '{' ? '}' : ']';
        if (s_[i_] == close) {
          ++i_;
          stack.pop_back();
          continue;
        }
        if (s_[i_] != ',') return fail(fmt::format("expected ',' or '{}', got {}", close, got()));
        ++i_;
        if (stack.back() == '{') {
          ws();
          if (!key()) return false;
        }
        break;
      }
    }
  }

  // A member key and its colon.
  bool key() {
    if (atEnd() || s_[i_] != '"') return fail(fmt::format("expected a member name in double quotes, got {}", got()));
    if (!string()) return false;
    ws();
    if (atEnd() || s_[i_] != ':') return fail(fmt::format("expected ':' after the member name, got {}", got()));
    ++i_;
    return true;
  }

  bool scalar() {
    char c = s_[i_];
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (std::string_view lit : {"true", "false", "null"})
      if (s_.substr(i_, lit.size()) == lit) {
        i_ += lit.size();
        return true;
      }
    if (c == 't' || c == 'f' || c == 'n') return fail("invalid literal (expected true, false or null)");
    return fail(fmt::format("expected a value, got {}", got()));
  }

  bool string() {
    size_t start = i_++;
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return fail("control character in a string (it must be escaped)");
      if (c == '\\') {
        ++i_;
        if (atEnd()) break;
        char e = s_[i_];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k)
            if (i_ + k >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_ + k])))
              return fail("invalid \\u escape in a string");
          i_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
          return fail(fmt::format("invalid escape '\\{}' in a string", e));
      }
      ++i_;
    }
    i_ = start;
    return fail("unterminated string: the file ends inside it");
  }

  bool number() {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ > from;
    };
    if (atEnd() || !(s_[i_] >= '0' && s_[i_] <= '9')) return fail("invalid number");
    if (s_[i_] == '0') ++i_;
    else digits();
    if (!atEnd() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return fail("invalid number: expected digits after '.'");
    }
    if (!atEnd() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (!atEnd() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return fail("invalid number: expected digits in the exponent");
    }
    if (i_ == start) return fail("invalid number");
    return true;
  }

  std::string_view s_;
  uint32_t maxDepth_;
  size_t i_ = 0;
  std::optional<SyntaxError> error_;
};

}  // namespace

std::optional<SyntaxError> findSyntaxError(std::string_view text, uint32_t maxDepth) {
  return SyntaxChecker(text, maxDepth).run();
}

}  // namespace ward::load
