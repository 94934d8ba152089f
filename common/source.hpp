// Source files and byte spans: the positions every diagnostic points at.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ward {

// A half-open byte range [begin, end) into one SourceFile. Line and column are
// computed only when a diagnostic is rendered, so spans stay two integers.
struct Span {
  uint32_t file = 0;   // index into a SourceMap; 0 means "no file"
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != 0; }
  static Span merge(Span a, Span b) {
    if (!a.valid()) return b;
    if (!b.valid()) return a;
    return Span{a.file, a.begin < b.begin ? a.begin : b.begin, a.end > b.end ? a.end : b.end};
  }
};

struct LineCol {
  uint32_t line = 1;  // 1-based
  uint32_t col = 1;   // 1-based, in bytes
};

// A file's name and where its lines start: all that is needed to turn a byte
// offset into a line and column. Shared with what outlives the SourceFile (a
// compiled chunk's line table, which resolves its offsets only when a
// runtime error names a position).
struct SourceLines {
  std::string name;
  std::vector<uint32_t> starts;  // byte offset of each line; starts[0] == 0
  uint32_t size = 0;             // bytes in the file

  LineCol lineCol(uint32_t offset) const;
};

// One loaded text (a policy file, a stdlib module, an inline expression).
class SourceFile {
public:
  SourceFile(std::string name, std::string text);
  // Text that outlives the file (the standard library's, built into the
  // program): viewed, not copied.
  struct Static {};
  SourceFile(std::string name, std::string_view text, Static);
  // text() may view owned_, so a SourceFile stays where it was made.
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  const std::string& name() const { return lines_->name; }
  // The name and line index, for holders that outlive this SourceFile (a
  // chunk's line table): shared rather than copied.
  const std::shared_ptr<const SourceLines>& sharedLines() const { return lines_; }
  std::string_view text() const { return text_; }
  LineCol lineCol(uint32_t offset) const;
  // The text of 1-based line `line`, without its newline.
  std::string_view lineText(uint32_t line) const;

private:
  static std::shared_ptr<const SourceLines> indexLines(std::string name, std::string_view text);

  std::string owned_;      // the text, unless it is static
  std::string_view text_;  // owned_ or the static text
  std::shared_ptr<const SourceLines> lines_;
};

// Owns every SourceFile of one compilation; Span::file indexes into it (1-based).
class SourceMap {
public:
  uint32_t add(std::string name, std::string text);
  // A file whose text has static storage duration.
  uint32_t addStatic(std::string name, std::string_view text);
  const SourceFile* get(uint32_t id) const {
    return id == 0 || id > files_.size() ? nullptr : files_[id - 1].get();
  }
  size_t size() const { return files_.size(); }

private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace ward
