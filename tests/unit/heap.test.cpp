// prepareHeap changes how the whole process allocates, so each case runs it
// in a child process and reads the child's answer from its exit status: the
// test binary's own heap stays as it was.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

#include "common/heap.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Runs `body` in a forked child; returns its exit code (-1 if it crashed).
int inChild(const std::function<int()>& body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Does /proc/self/smaps show a mapping that covers [lo, hi) advised for huge
// pages ("hg" among its VmFlags)?
bool advisedForHugePages(uintptr_t lo, uintptr_t hi) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool covering = false;
  uintptr_t covered = lo;  // the advised range is covered up to here
  while (std::getline(smaps, line)) {
    unsigned long start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &start, &end) == 2 && line.find(':') != std::string::npos &&
        line.find('-') < line.find(' ')) {
      covering = covered < hi && start <= covered && end > covered;
      if (covering) covered = end;
      continue;
    }
    if (covering && line.rfind("VmFlags:", 0) == 0 && line.find(" hg") == std::string::npos) return false;
  }
  return covered >= hi;
}

}  // namespace

TEST_SUITE("heap") {
  TEST_CASE("prepareHeap reserves heap advised for huge pages, once") {
    const int code = inChild([] {
      const ward::HeapPrepared first = ward::prepareHeap(100 << 20);
      if (kSanitized) return first.reserved == 0 && std::strlen(first.skipped) > 0 ? 0 : 10;
      // Four times the input, at least 64 MiB, less what alignment to 2 MiB trims.
      if (first.reserved < (uint64_t{400} << 20) - (uint64_t{64} << 20)) return 11;
      if (std::strlen(first.skipped) != 0) return 12;
      // A later call does nothing more and says what the first did.
      const ward::HeapPrepared again = ward::prepareHeap(uint64_t{8} << 30);
      if (again.reserved != first.reserved) return 13;
      // The range is advised for huge pages, and large blocks now come from
      // the heap rather than mappings of their own.
      const auto lo = reinterpret_cast<uintptr_t>(first.begin);
      if (lo % (uintptr_t{2} << 20) != 0) return 14;
      if (!advisedForHugePages(lo, lo + first.reserved)) return 15;
      void* block = std::malloc(size_t{8} << 20);
      if (!block || reinterpret_cast<uintptr_t>(block) >= reinterpret_cast<uintptr_t>(sbrk(0))) return 16;
      std::free(block);
      return 0;
    });
    CHECK(code == 0);
  }

  TEST_CASE("WARD_HEAP_TUNING=0 leaves the heap alone") {
    const int code = inChild([] {
      setenv("WARD_HEAP_TUNING", "0", 1);
      ward::tuneHeap();
      const ward::HeapPrepared p = ward::prepareHeap(100 << 20);
      if (p.reserved != 0) return 10;
      if (std::strcmp(p.skipped, "WARD_HEAP_TUNING=0") != 0) return 11;
      return 0;
    });
    CHECK(code == 0);
  }
}
