// `ward fmt`: the whitespace-only formatter of Ward source (docs/cli.md).
#pragma once

#include <cstdint>
#include <string>

#include "common/diagnostic.hpp"
#include "common/source.hpp"

namespace ward {

// Formats one file of `sources`. Only whitespace changes: lines are
// reindented (two spaces per open block or multi-line bracket, one extra level
// or the author's own alignment for continuation lines), trailing blanks and
// surplus blank lines go, line ends become LF and the text ends in exactly one
// newline. The tokens, comments included, and the line breaks between them
// stay as written. A file that does not parse is not formatted: the parser's
// diagnostics come back instead.
Result<std::string> formatSource(const SourceMap& sources, uint32_t fileId);

}  // namespace ward
