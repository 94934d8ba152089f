// Support for the estate generator: a portable PRNG, unique AWS-style ids, IPv4 helpers, timestamps and a streaming JSON writer.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace ward::bench {

// The splitmix64 step. It is a bijection on 64-bit words, which is what makes
// counter-derived ids unique without keeping a set of the ids already issued.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// xoshiro256** seeded through splitmix64. Every derived quantity (ranges,
// probabilities, picks) is computed here with integer or IEEE double arithmetic,
// never with <random> distributions, whose output differs between standard
// libraries; that is what keeps the output byte-identical everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : state_) {
      seed = mix64(seed);
      word = seed;
    }
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // A value in [0, n); n must be positive. The multiply-high reduction has a
  // negligible bias and, unlike a modulo, needs no rejection loop.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  // A value in [lo, hi], both inclusive.
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }

  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  template <class Container>
  const auto& pick(const Container& items) {
    return items[below(items.size())];
  }

  // Index chosen with the given relative integer weights.
  template <class Container>
  std::size_t weighted(const Container& weights) {
    std::uint64_t total = 0;
    for (auto w : weights) total += static_cast<std::uint64_t>(w);
    std::uint64_t roll = below(total);
    std::size_t i = 0;
    for (auto w : weights) {
      if (roll < static_cast<std::uint64_t>(w)) return i;
      roll -= static_cast<std::uint64_t>(w);
      ++i;
    }
    return i - 1;
  }

  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

// Issues ids shaped like real AWS ones ("sg-" + 17 hex digits, the first being
// 0 as in every id of that length AWS hands out). One counter serves every
// prefix, so two resources never share a suffix either.
class IdMaker {
 public:
  explicit IdMaker(std::uint64_t seed) : salt_(mix64(seed ^ 0x1d5ca1ab1eULL)) {}

  std::string hex17(std::string_view prefix) { return fmt::format("{}0{:016x}", prefix, mix64(salt_ + counter_++)); }

  // Shorter ids of older resource types (dopt-, pl-) carry 8 hex digits.
  std::string hex8(std::string_view prefix) {
    return fmt::format("{}{:08x}", prefix, static_cast<std::uint32_t>(mix64(salt_ + counter_++)));
  }

  std::string hexN(std::string_view prefix, int digits) {
    std::string s(prefix);
    while (digits > 0) {
      const int n = digits > 16 ? 16 : digits;
      s += fmt::format("{:0{}x}", mix64(salt_ + counter_++) >> (64 - 4 * n), n);
      digits -= n;
    }
    return s;
  }

 private:
  std::uint64_t salt_;
  std::uint64_t counter_ = 0;
};

inline std::string ipv4(std::uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

struct Cidr4 {
  std::uint32_t base = 0;
  int length = 32;

  std::string str() const { return fmt::format("{}/{}", ipv4(base), length); }
  std::uint64_t size() const { return std::uint64_t{1} << (32 - length); }
  bool overlaps(const Cidr4& other) const {
    const int len = length < other.length ? length : other.length;
    const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
    return (base & mask) == (other.base & mask);
  }
};

constexpr std::uint32_t octets(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Seconds since the Unix epoch rendered as botocore renders EC2 timestamps in
// the fixtures ("2020-02-12 18:00:16+00:00").
inline std::string ec2Time(std::int64_t epochSeconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epochSeconds}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

// The ISO 8601 form the AWS CLI prints for SageMaker timestamps.
inline std::string isoTime(std::int64_t epochSeconds, int millis) {
  std::string s = ec2Time(epochSeconds);
  s[10] = 'T';
  return fmt::format("{}.{:03}000+00:00", s.substr(0, 19), millis);
}

// A streaming JSON writer that formats exactly like Python's
// json.dumps(indent=1, sort_keys=True), the style of the Batfish fixtures.
// Callers emit keys in sorted order; the writer checks it, so a misordered key
// fails loudly at generation time instead of silently breaking the format.
// Keys are kept as string_views and must outlive their object (in practice
// they are string literals).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void beginObject() { open('{', true); }
  void endObject() { close('}'); }
  void beginArray() { open('[', false); }
  void endArray() { close(']'); }

  void key(std::string_view k) {
    Frame& f = stack_.back();
    if (f.count > 0 && !(f.lastKey < k)) {
      std::fprintf(stderr, "estate-gen: internal error: key \"%.*s\" after \"%.*s\"\n", static_cast<int>(k.size()),
                   k.data(), static_cast<int>(f.lastKey.size()), f.lastKey.data());
      std::abort();
    }
    separate();
    f.lastKey = k;
    out_ += '"';
    out_ += k;
    out_ += "\": ";
    afterKey_ = true;
  }

  void strValue(std::string_view s) {
    prepareValue();
    out_ += '"';
    escape(s);
    out_ += '"';
  }
  void numValue(std::int64_t n) {
    prepareValue();
    fmt::format_to(std::back_inserter(out_), "{}", n);
  }
  void rawValue(std::string_view literal) {
    prepareValue();
    out_ += literal;
  }
  void boolValue(bool b) {
    prepareValue();
    out_ += b ? "true" : "false";
  }

  void str(std::string_view k, std::string_view v) {
    key(k);
    strValue(v);
  }
  void num(std::string_view k, std::int64_t v) {
    key(k);
    numValue(v);
  }
  void flag(std::string_view k, bool v) {
    key(k);
    boolValue(v);
  }
  void raw(std::string_view k, std::string_view literal) {
    key(k);
    rawValue(literal);
  }
  void strArray(std::string_view k, const std::vector<std::string>& items) {
    key(k);
    beginArray();
    for (const auto& s : items) strValue(s);
    endArray();
  }

 private:
  struct Frame {
    bool object;
    std::size_t count;
    std::string_view lastKey;
  };

  void open(char c, bool object) {
    prepareValue();
    out_ += c;
    stack_.push_back(Frame{object, 0, {}});
  }

  void close(char c) {
    const bool empty = stack_.back().count == 0;
    stack_.pop_back();
    if (!empty) newline(stack_.size());
    out_ += c;
  }

  // Starts a new member line inside the current container.
  void separate() {
    Frame& f = stack_.back();
    if (f.count++ > 0) out_ += ',';
    newline(stack_.size());
  }

  void prepareValue() {
    if (afterKey_) {
      afterKey_ = false;
      return;
    }
    if (!stack_.empty()) separate();
  }

  void newline(std::size_t depth) {
    out_ += '\n';
    out_.append(depth, ' ');
  }

  void escape(std::string_view s) {
    for (const char ch : s) {
      const auto u = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out_ += '\\';
        out_ += ch;
      } else if (u < 0x20) {
        fmt::format_to(std::back_inserter(out_), "\\u{:04x}", u);
      } else {
        out_ += ch;
      }
    }
  }

  std::string& out_;
  std::vector<Frame> stack_;
  bool afterKey_ = false;
};

}  // namespace ward::bench
