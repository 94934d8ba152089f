// Huge-page mappings for BigAlloc.
#include "runtime/big_alloc.hpp"

#include <sys/mman.h>

namespace ward::big_alloc {

void* mapHuge(size_t bytes) {
  const size_t size = mappedBytes(bytes);
  // Over-map by one huge page, then trim, so that the start is aligned.
  void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto base = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t start = (base + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  if (start > base) munmap(raw, start - base);
  const uintptr_t end = start + size, rawEnd = base + size + kHugePage;
  if (rawEnd > end) munmap(reinterpret_cast<void*>(end), rawEnd - end);
  // Advice only: where the kernel has no transparent huge pages this fails
  // and the mapping keeps ordinary pages.
  madvise(reinterpret_cast<void*>(start), size, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(start);
}

void unmapHuge(void* p, size_t bytes) { munmap(p, mappedBytes(bytes)); }

bool movePages(void* from, size_t oldBytes, void* to) {
  const size_t size = mappedBytes(oldBytes);
  // MREMAP_FIXED unmaps what was at `to` first: the head of the new mapping,
  // whose pages were never touched.
  return mremap(from, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, to) != MAP_FAILED;
}

}  // namespace ward::big_alloc
