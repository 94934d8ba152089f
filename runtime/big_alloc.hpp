// An allocator for the fact base's large hash tables (the interner's slots,
// the id owners). Arrays of 2 MiB or more are mapped on their own, 2 MiB
// aligned, and marked for transparent huge pages, so that the random probes of
// a large load miss the TLB far less. Smaller arrays, and every array where
// the kernel offers no huge pages, behave as with std::allocator.
//
// The tables use it; the interner's text blocks of 2 MiB or more and the
// fact base's columns of 8 MiB or more (PodBuffer, which grows them with
// movePages) call mapHuge themselves. Commit e19c25a had
// taken the columns off huge pages, measured slower on a machine where page
// faults were cheap; see bench/RESULTS.md, session 23.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace ward {

namespace big_alloc {
inline constexpr size_t kHugePage = size_t{2} << 20;
// What mapHuge(bytes) maps: `bytes` rounded up to whole huge pages.
inline constexpr size_t mappedBytes(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }
// Returns memory for `bytes` (>= kHugePage), or nullptr when mapping fails.
void* mapHuge(size_t bytes);
void unmapHuge(void* p, size_t bytes);
// Moves the pages of mapHuge(oldBytes)'s `from` to the start of `to`, a
// larger mapHuge mapping (their page tables, not their bytes), and unmaps
// `from`. False, with nothing changed, if the kernel refused.
bool movePages(void* from, size_t oldBytes, void* to);
}  // namespace big_alloc

template <class T>
struct BigAlloc {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "over-aligned types need another allocator");
  using value_type = T;
  BigAlloc() noexcept = default;
  template <class U>
  BigAlloc(const BigAlloc<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes >= big_alloc::kHugePage) {
      if (void* p = big_alloc::mapHuge(bytes)) return static_cast<T*>(p);
      throw std::bad_alloc();
    }
    return static_cast<T*>(::operator new(bytes));
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes >= big_alloc::kHugePage) big_alloc::unmapHuge(p, bytes);
    else ::operator delete(p);
  }
  template <class U>
  bool operator==(const BigAlloc<U>&) const noexcept {
    return true;
  }
};

// A std::vector whose large buffers get huge pages (see BigAlloc).
template <class T>
using BigVector = std::vector<T, BigAlloc<T>>;

}  // namespace ward
