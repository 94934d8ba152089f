// Where the text of findings lives: a bump allocator of characters and of
// small arrays of trivially destructible records (bindings, failed checks),
// in blocks that never move. A finding is then a handful of views into its
// report's arena instead of a dozen heap strings: building one allocates
// nothing but arena space, moving one copies a few words, and freeing a
// report of a million findings frees a few dozen blocks.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ward {

class TextArena {
public:
  TextArena() = default;
  TextArena(const TextArena&) = delete;
  TextArena& operator=(const TextArena&) = delete;
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;

  // A copy of `s` that lives as long as the arena (or until clear()).
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(take(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // Room for n values of T, value-initialised.
  template <class T>
  std::span<T> array(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
    if (n == 0) return {};
    T* p = static_cast<T*>(take(n * sizeof(T), alignof(T)));
    for (size_t i = 0; i < n; ++i) new (p + i) T();
    return {p, n};
  }

  // Forgets everything, keeping the newest (largest) block for reuse: no
  // allocation when what follows fits in it.
  void clear() {
    if (blocks_.size() > 1) dropAllButNewest();
    used_ = 0;
  }
  // Takes over `other`'s blocks: what was copied into either stays valid.
  void absorb(TextArena&& other);
  // Bytes held in blocks (capacity, not use), for memory accounting.
  size_t bytes() const { return held_; }

private:
  static constexpr size_t kFirstBlock = 4096;
  static constexpr size_t kMaxBlock = 1 << 20;

  void* take(size_t size, size_t align) {
    size_t at = (used_ + align - 1) & ~(align - 1);
    if (blocks_.empty() || at + size > capacity_) {
      grow(size + align);
      at = (used_ + align - 1) & ~(align - 1);
    }
    used_ = at + size;
    return blocks_.back().get() + at;
  }
  void grow(size_t atLeast);
  void dropAllButNewest();

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  size_t capacity_ = 0;  // of the last block
  size_t used_ = 0;      // in the last block
  size_t held_ = 0;
};

}  // namespace ward
