// Source files: line tables and line/column lookup.
#include "common/source.hpp"

#include <algorithm>
#include <cstring>

namespace ward {

SourceFile::SourceFile(std::string name, std::string text)
    : owned_(std::move(text)), text_(owned_), lines_(indexLines(std::move(name), text_)) {}

SourceFile::SourceFile(std::string name, std::string_view text, Static)
    : text_(text), lines_(indexLines(std::move(name), text_)) {}

std::shared_ptr<const SourceLines> SourceFile::indexLines(std::string name, std::string_view text) {
  auto lines = std::make_shared<SourceLines>();
  lines->name = std::move(name);
  lines->size = static_cast<uint32_t>(text.size());
  // Optimization: memchr finds the newlines many bytes at a time; a byte loop
  // here cost more than a tenth of compiling the standard library.
  // One pass, with room for lines of about 40 bytes reserved first.
  std::vector<uint32_t>& starts = lines->starts;
  const char* begin = text.data();
  const char* end = begin + text.size();
  starts.reserve(text.size() / 40 + 16);
  starts.push_back(0);
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)))); ++p)
    starts.push_back(static_cast<uint32_t>(p - begin + 1));
  return lines;
}

LineCol SourceLines::lineCol(uint32_t offset) const {
  if (offset > size) offset = size;
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  return LineCol{line, offset - starts[line - 1] + 1};
}

LineCol SourceFile::lineCol(uint32_t offset) const { return lines_->lineCol(offset); }

std::string_view SourceFile::lineText(uint32_t line) const {
  const std::vector<uint32_t>& starts = lines_->starts;
  if (line == 0 || line > starts.size()) return {};
  uint32_t b = starts[line - 1];
  uint32_t e = line < starts.size() ? starts[line] : static_cast<uint32_t>(text_.size());
  while (e > b && (text_[e - 1] == '\n' || text_[e - 1] == '\r')) --e;
  return std::string_view(text_).substr(b, e - b);
}

uint32_t SourceMap::add(std::string name, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(name), std::move(text)));
  return static_cast<uint32_t>(files_.size());
}

uint32_t SourceMap::addStatic(std::string name, std::string_view text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(name), text, SourceFile::Static{}));
  return static_cast<uint32_t>(files_.size());
}

}  // namespace ward
