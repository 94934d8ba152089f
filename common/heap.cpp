// prepareHeap: see heap.hpp.
#include "common/heap.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ward {

namespace {

#if defined(__GLIBC__)
constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
// Each block the reservation allocates: under the mmap threshold set below,
// so that it comes from the heap.
constexpr size_t kBlock = size_t{30} << 20;
constexpr uint64_t kMinReserve = uint64_t{64} << 20;

bool turnedOff() {
  const char* v = std::getenv("WARD_HEAP_TUNING");
  return v && std::strcmp(v, "0") == 0;
}

void tune() {
  if (turnedOff()) return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // the largest glibc allows
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_ARENA_MAX, 1);
}

HeapPrepared prepare(uint64_t inputBytes) {
  if (turnedOff()) return {0, nullptr, "WARD_HEAP_TUNING=0"};
  tuneHeap();
  uint64_t want = std::max(kMinReserve, inputBytes * 4);
  // Address space only, but a reservation the size of the machine is no
  // longer a reservation.
  const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0) want = std::min(want, uint64_t(pages) * uint64_t(pageSize) / 2);

  // Grow the heap with blocks allocated and freed again: while they are
  // held, the break bounds the range they cover.
  std::vector<void*> blocks;
  blocks.reserve(want / kBlock + 1);
  auto* const start = static_cast<char*>(sbrk(0));
  char* end = start;  // of the blocks that came from the break
  char* first = nullptr;
  for (uint64_t got = 0; got < want; got += kBlock) {
    void* b = std::malloc(kBlock);
    if (!b) break;
    blocks.push_back(b);
    auto* now = static_cast<char*>(sbrk(0));
    // A block that did not come from the break (another allocator, or glibc
    // mapping it because the break cannot grow) ends the reservation.
    // (It must end past where the break was and not past where it is.)
    if (static_cast<char*>(b) + kBlock <= start || static_cast<char*>(b) + kBlock > now) break;
    if (!first) first = static_cast<char*>(b);
    end = now;
  }
  HeapPrepared out{0, nullptr, "the heap is not glibc's break (a sanitizer or valgrind), or it cannot grow"};
  if (first) {
    const uintptr_t lo = (reinterpret_cast<uintptr_t>(first) + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t hi = reinterpret_cast<uintptr_t>(end) & ~(kHugePage - 1);
    if (hi > lo) {
      // Advice only: where the kernel has no transparent huge pages the
      // heap keeps ordinary ones.
      if (madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE) == 0)
        out = {hi - lo, reinterpret_cast<const void*>(lo), ""};
      else
        out = {0, nullptr, "the kernel refused MADV_HUGEPAGE"};
    }
  }
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) std::free(*it);
  return out;
}
#else
void tune() {}
HeapPrepared prepare(uint64_t) { return {0, nullptr, "not glibc"}; }
#endif

}  // namespace

void tuneHeap() {
  static std::once_flag once;
  std::call_once(once, tune);
}

HeapPrepared prepareHeap(uint64_t inputBytes) {
  static std::once_flag once;
  static HeapPrepared result;
  std::call_once(once, [&] { result = prepare(inputBytes); });
  return result;
}

}  // namespace ward
