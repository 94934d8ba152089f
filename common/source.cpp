// Source files: line tables and line/column lookup.
#include "common/source.hpp"

#include <algorithm>
#include <cstring>

namespace ward {

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::make_shared<const std::string>(std::move(name))), owned_(std::move(text)), text_(owned_) {
  indexLines();
}

SourceFile::SourceFile(std::string name, std::string_view text, Static)
    : name_(std::make_shared<const std::string>(std::move(name))), text_(text) {
  indexLines();
}

void SourceFile::indexLines() {
  // Optimization: memchr finds the newlines many bytes at a time; a byte loop
  // here cost more than a tenth of compiling the standard library.
  // One pass, with room for lines of about 40 bytes reserved first.
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  lineStarts_.reserve(text_.size() / 40 + 16);
  lineStarts_.push_back(0);
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)))); ++p)
    lineStarts_.push_back(static_cast<uint32_t>(p - begin + 1));
}

LineCol SourceFile::lineCol(uint32_t offset) const {
  if (offset > text_.size()) offset = static_cast<uint32_t>(text_.size());
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - lineStarts_.begin());
  return LineCol{line, offset - lineStarts_[line - 1] + 1};
}

LineCol SourceFile::lineCol(uint32_t offset, uint32_t& hint) const {
  if (offset > text_.size()) offset = static_cast<uint32_t>(text_.size());
  if (hint >= 1 && hint <= lineStarts_.size() && lineStarts_[hint - 1] <= offset &&
      (hint == lineStarts_.size() || offset < lineStarts_[hint]))
    return LineCol{hint, offset - lineStarts_[hint - 1] + 1};
  LineCol lc = lineCol(offset);
  hint = lc.line;
  return lc;
}

std::string_view SourceFile::lineText(uint32_t line) const {
  if (line == 0 || line > lineStarts_.size()) return {};
  uint32_t b = lineStarts_[line - 1];
  uint32_t e = line < lineStarts_.size() ? lineStarts_[line] : static_cast<uint32_t>(text_.size());
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
