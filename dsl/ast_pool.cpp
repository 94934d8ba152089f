// The allocator of AST expression nodes: a free list of node-sized slots,
// carved from slabs that are kept for the life of the process.
#include <atomic>
#include <mutex>
#include <memory>
#include <new>
#include <thread>
#include <vector>

#include "dsl/ast.hpp"

namespace ward::ast {

namespace {

// A free slot holds the link to the next one; a used slot holds an Expr.
union Slot {
  Slot* next;
  alignas(Expr) unsigned char bytes[sizeof(Expr)];
};

constexpr size_t kSlotsPerSlab = 512;

// A lock held for a handful of instructions: a spin lock, because an
// uncontended std::mutex cost as much as the rest of the pool together.
class SpinLock {
public:
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire))
      while (held_.load(std::memory_order_relaxed)) std::this_thread::yield();
  }
  void unlock() { held_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> held_{false};
};

// Note: slots are never handed back to malloc. What the pool keeps is the
// most nodes ever alive at once (about 1.3 MB for the standard library),
// and reusing them is what makes it fast. The lock keeps compilations on
// several threads safe.
struct Pool {
  SpinLock mutex;
  Slot* free = nullptr;
  Slot* carve = nullptr;  // the unused tail of the newest slab
  size_t carveLeft = 0;
  std::vector<std::unique_ptr<Slot[]>> slabs;
};

// Never destroyed: nodes may still be freed by other static destructors.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void* Expr::operator new(size_t size) {
  if (size != sizeof(Expr)) return ::operator new(size);
  Pool& p = pool();
  std::lock_guard<SpinLock> lock(p.mutex);
  if (Slot* s = p.free) {
    p.free = s->next;
    return s;
  }
  if (p.carveLeft == 0) {
    p.slabs.push_back(std::unique_ptr<Slot[]>(new Slot[kSlotsPerSlab]));
    p.carve = p.slabs.back().get();
    p.carveLeft = kSlotsPerSlab;
  }
  --p.carveLeft;
  return p.carve++;
}

void Expr::operator delete(void* ptr, size_t size) noexcept {
  if (!ptr) return;
  if (size != sizeof(Expr)) {
    ::operator delete(ptr);  // unsized: clang declares the sized form only with -fsized-deallocation
    return;
  }
  Pool& p = pool();
  std::lock_guard<SpinLock> lock(p.mutex);
  auto* s = static_cast<Slot*>(ptr);
  s->next = p.free;
  p.free = s;
}

}  // namespace ward::ast
