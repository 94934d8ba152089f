// A growable array of a trivially copyable type, for the fact base's columns.
//
// Optimization: a column grows as a load adds entities, and std::vector grew
// it by allocating a block twice the size, copying the old one into it and
// freeing it, so that a column's memory was faulted in about twice over and
// copied once. Here it grows with realloc, which glibc does in place where
// the block can be extended, and for a large block (one malloc mapped on its
// own) with mremap, which moves the pages already written (their page tables,
// not their bytes) and faults in only the new tail. Mapping every large
// column directly and growing it with mremap did as well for one load but
// worse for a process that loads again and again, since each load's columns
// went back to the kernel and were faulted in afresh; malloc keeps them.
// See bench/RESULTS.md, session 22.
//
// Optimization: a buffer of 8 MiB or more is mapped on its own in 2 MiB
// pages (big_alloc::mapHuge) and grows by moving its pages (mremap) into a
// larger such mapping. glibc maps blocks that large apart anyway and gives
// them back when freed, so every load of an L estate faulted its large
// columns in afresh, 4 KiB at a time; in 2 MiB pages that is 512 times fewer
// faults. See bench/RESULTS.md, session 23.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "runtime/big_alloc.hpp"

namespace ward {

template <class T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T>, "PodBuffer moves its elements as bytes");

public:
  PodBuffer() = default;
  PodBuffer(const PodBuffer& o) {
    if (o.size_ == 0) return;
    p_ = static_cast<T*>(allocate(o.size_ * sizeof(T)));
    std::memcpy(static_cast<void*>(p_), o.p_, o.size_ * sizeof(T));
    size_ = cap_ = o.size_;
  }
  PodBuffer(PodBuffer&& o) noexcept : p_(o.p_), size_(o.size_), cap_(o.cap_) {
    o.p_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  PodBuffer& operator=(PodBuffer o) noexcept {
    std::swap(p_, o.p_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
    return *this;
  }
  ~PodBuffer() { release(p_, cap_ * sizeof(T)); }

  T* data() { return p_; }
  const T* data() const { return p_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }

  // New entries are `fill`; shrinking keeps the memory.
  void resize(size_t n, const T& fill = T{}) {
    if (n > cap_) reserveExactly(std::max(n, cap_ * 2));
    if (n > size_) std::fill(p_ + size_, p_ + n, fill);
    size_ = n;
  }

private:
  // Whether a buffer of `bytes` is a mapping of its own (else malloc's): from
  // 8 MiB, so that the part-used last 2 MiB page of a column is at most a
  // quarter of it (with 2 MiB, peak memory at M passed twice the input).
  static constexpr size_t kMapFrom = size_t{8} << 20;
  static bool mapped(size_t bytes) { return bytes >= kMapFrom; }
  static void* allocate(size_t bytes) {
    void* q = mapped(bytes) ? big_alloc::mapHuge(bytes) : std::malloc(bytes);
    if (!q) throw std::bad_alloc();
    return q;
  }
  static void release(void* p, size_t bytes) {
    if (!p) return;
    if (mapped(bytes)) big_alloc::unmapHuge(p, bytes);
    else std::free(p);
  }

  void reserveExactly(size_t n) {
    const size_t oldBytes = cap_ * sizeof(T), newBytes = n * sizeof(T);
    void* q;
    if (!mapped(newBytes)) {
      q = std::realloc(p_, newBytes);
      if (!q) throw std::bad_alloc();
    } else if (mapped(oldBytes) && big_alloc::mappedBytes(oldBytes) == big_alloc::mappedBytes(newBytes)) {
      q = p_;  // the mapping already has room
    } else {
      q = allocate(newBytes);
      if (!mapped(oldBytes) || !big_alloc::movePages(p_, oldBytes, q)) {
        if (size_) std::memcpy(q, static_cast<const void*>(p_), size_ * sizeof(T));
        release(p_, oldBytes);
      }
    }
    p_ = static_cast<T*>(q);
    cap_ = n;
  }

  T* p_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace ward
