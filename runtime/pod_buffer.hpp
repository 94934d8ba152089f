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
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

namespace ward {

template <class T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T>, "PodBuffer moves its elements as bytes");

public:
  PodBuffer() = default;
  PodBuffer(const PodBuffer& o) {
    if (o.size_ == 0) return;
    p_ = static_cast<T*>(std::malloc(o.size_ * sizeof(T)));
    if (!p_) throw std::bad_alloc();
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
  ~PodBuffer() { std::free(p_); }

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
  void reserveExactly(size_t n) {
    void* q = std::realloc(p_, n * sizeof(T));
    if (!q) throw std::bad_alloc();
    p_ = static_cast<T*>(q);
    cap_ = n;
  }

  T* p_ = nullptr;
  size_t size_ = 0, cap_ = 0;
};

}  // namespace ward
