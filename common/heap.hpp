// Process-wide preparation of the C library's heap for a program about to
// build a large fact base: the CLI calls it once it knows how many bytes it
// will load; a host that owns its process may call it too. Nothing here is
// needed for correctness, and nothing in the library calls it on its own.
#pragma once

#include <cstdint>

namespace ward {

struct HeapPrepared {
  // Bytes of heap reserved ahead and advised for transparent huge pages
  // (0 when nothing was done: see prepareHeap).
  uint64_t reserved = 0;
  const void* begin = nullptr;  // where that range starts
  // Why nothing was done, when reserved is 0 ("" otherwise).
  const char* skipped = "";
};

// Sets glibc's malloc up for prepareHeap: blocks up to 32 MiB stay in the
// heap instead of being mapped each apart (M_MMAP_THRESHOLD), the heap's top
// is not given back (M_TRIM_THRESHOLD), and every thread allocates from the
// one heap (M_ARENA_MAX = 1). Call it first thing in main(), before any
// thread is started: glibc fixes its number of arenas when the first thread
// other than main allocates. Skips where prepareHeap does (below).
void tuneHeap();

// Reserves heap for a load of `inputBytes` of facts, so that the load's
// memory comes in 2 MiB pages instead of 4 KiB ones: after tuneHeap (which
// it calls), it grows the heap by about four times `inputBytes` (at least
// 64 MiB of address space, not of memory: pages are only used once touched)
// and advises that range for transparent huge pages (MADV_HUGEPAGE).
// A page fault costs the same for 4 KiB as for 2 MiB, and on virtual machines
// a fault is dear: a cold `ward check` of a 24 MB estate took 13,600 of them
// before and about 1,000 after (bench/RESULTS.md). The price is memory: a
// 2 MiB page is resident once any byte of it is touched, and memory freed
// into the heap stays with the process until it exits.
//
// The one arena is what lets the loader's other threads use the advised
// heap too (each would otherwise get an arena of its own, which nothing
// advises); threads then share the arena's lock, though each keeps glibc's
// per-thread cache of small blocks, which serves most of an evaluation's
// allocations.
//
// Acts once per process (later calls return what the first did; the same
// for tuneHeap). Does nothing outside glibc, when the heap is not glibc's
// (AddressSanitizer, valgrind), or when the environment variable
// WARD_HEAP_TUNING is "0".
// Call it before starting the threads that will allocate the most.
HeapPrepared prepareHeap(uint64_t inputBytes);

}  // namespace ward
