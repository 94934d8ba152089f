// Tests of TextArena, where findings keep their strings and lists: copies
// stay put while the arena grows, clear() reuses a block, absorb() keeps
// every view of both arenas valid.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/finding.hpp"
#include "runtime/text_arena.hpp"

using namespace ward;

TEST_SUITE("text-arena") {
  TEST_CASE("copies stay valid and unchanged while the arena grows past many blocks") {
    TextArena a;
    std::vector<std::string> want;
    std::vector<std::string_view> got;
    for (int i = 0; i < 20000; ++i) {
      want.push_back(std::string(static_cast<size_t>(i % 97), static_cast<char>('a' + i % 26)) + std::to_string(i));
      got.push_back(a.copy(want.back()));
    }
    // A copy larger than any block gets a block of its own.
    const std::string big(3 << 20, 'x');
    const std::string_view bigView = a.copy(big);
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(got[i] == want[i]);
    CHECK(bigView == big);
    CHECK(a.copy("").empty());
    CHECK(a.bytes() >= big.size());
  }

  TEST_CASE("arrays are aligned and value-initialised") {
    TextArena a;
    a.copy("x");  // leaves the next byte unaligned
    std::span<FailedCheck> checks = a.array<FailedCheck>(3);
    REQUIRE(checks.size() == 3);
    CHECK(reinterpret_cast<uintptr_t>(checks.data()) % alignof(FailedCheck) == 0);
    for (const FailedCheck& c : checks) CHECK((c.expr.empty() && c.values.empty()));
    a.copy("yz");
    std::span<Binding> bindings = a.array<Binding>(2);
    CHECK(reinterpret_cast<uintptr_t>(bindings.data()) % alignof(Binding) == 0);
    CHECK(a.array<Binding>(0).empty());
  }

  TEST_CASE("clear keeps the newest block: what fits in it allocates nothing") {
    TextArena a;
    for (int i = 0; i < 1000; ++i) a.copy(std::string(100, 'q'));
    const size_t held = a.bytes();
    a.clear();
    CHECK(a.bytes() < held);
    const size_t kept = a.bytes();
    CHECK(kept > 0);
    for (int i = 0; i < 10; ++i) a.copy(std::string(100, 'r'));
    CHECK(a.bytes() == kept);
  }

  TEST_CASE("absorb keeps the views of both arenas, and the absorbed one starts empty") {
    TextArena a, b;
    std::vector<std::string_view> fromA, fromB;
    for (int i = 0; i < 5000; ++i) {
      fromA.push_back(a.copy(std::string("a").append(std::to_string(i))));
      fromB.push_back(b.copy(std::string("b").append(std::to_string(i))));
    }
    const size_t total = a.bytes() + b.bytes();
    a.absorb(std::move(b));
    CHECK(a.bytes() == total);
    CHECK(b.bytes() == 0);
    // Both keep working after the move: a appends to its own newest block.
    const std::string_view later = a.copy("later");
    b.copy("reused");
    for (int i = 0; i < 5000; ++i) {
      REQUIRE(fromA[static_cast<size_t>(i)] == std::string("a").append(std::to_string(i)));
      REQUIRE(fromB[static_cast<size_t>(i)] == std::string("b").append(std::to_string(i)));
    }
    CHECK(later == "later");
    TextArena empty;
    empty.absorb(std::move(a));
    CHECK(fromA[7] == "a7");
    CHECK(empty.bytes() == total);
  }
}
