#include "runtime/text_arena.hpp"

#include <algorithm>
#include <iterator>

namespace ward {

void TextArena::grow(size_t atLeast) {
  // Blocks double up to kMaxBlock, so a small report holds one small block
  // and a large one a few dozen large ones.
  const size_t size = std::max(atLeast, std::clamp(capacity_ * 2, kFirstBlock, kMaxBlock));
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
  capacity_ = size;
  used_ = 0;
  held_ += size;
}

void TextArena::dropAllButNewest() {
  std::unique_ptr<std::byte[]> keep = std::move(blocks_.back());
  blocks_.clear();
  blocks_.push_back(std::move(keep));
  held_ = capacity_;
}

void TextArena::absorb(TextArena&& other) {
  if (other.blocks_.empty()) return;
  if (blocks_.empty()) {
    *this = std::move(other);
    other.capacity_ = other.used_ = other.held_ = 0;
    return;
  }
  // Ours stay last: the block being filled is still blocks_.back().
  blocks_.insert(blocks_.begin(), std::make_move_iterator(other.blocks_.begin()),
                 std::make_move_iterator(other.blocks_.end()));
  held_ += other.held_;
  other.blocks_.clear();
  other.capacity_ = other.used_ = other.held_ = 0;
}

}  // namespace ward
