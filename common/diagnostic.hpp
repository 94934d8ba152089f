// Diagnostics are data: a severity, a span, a message and notes, rendered
// GCC-style (file:line:col: error: message, the source line, a caret).
#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "common/source.hpp"

namespace ward {

enum class Severity { Note, Warning, Error };

struct Note {
  std::string message;
  Span span;  // may be invalid: a note without a location
};

struct Diagnostic {
  Severity severity = Severity::Error;
  Span span;
  std::string message;
  std::vector<Note> notes;

  // For inputs that are not Ward source (fact files): a location rendered as
  // text, e.g. "facts.json:3:14" or "snapshot/Vpcs.json at /Vpcs/0/CidrBlock".
  std::string where;
};

using Diagnostics = std::vector<Diagnostic>;

inline Diagnostic error(Span span, std::string message, std::vector<Note> notes = {}) {
  return Diagnostic{Severity::Error, span, std::move(message), std::move(notes), {}};
}
inline Diagnostic warning(Span span, std::string message, std::vector<Note> notes = {}) {
  return Diagnostic{Severity::Warning, span, std::move(message), std::move(notes), {}};
}
// An error about an input that is not Ward source; `where` is rendered verbatim.
inline Diagnostic inputError(std::string where, std::string message) {
  return Diagnostic{Severity::Error, Span{}, std::move(message), {}, std::move(where)};
}
inline Diagnostic inputWarning(std::string where, std::string message) {
  return Diagnostic{Severity::Warning, Span{}, std::move(message), {}, std::move(where)};
}

bool hasErrors(const Diagnostics& ds);

struct RenderOptions {
  bool color = false;
};

// Renders one diagnostic: "file:line:col: error: message", then the source line
// with a caret and tildes under the span, then each note.
std::string render(const SourceMap& sources, const Diagnostic& d, RenderOptions opts = {});
std::string render(const SourceMap& sources, const Diagnostics& ds, RenderOptions opts = {});

// Results across module and API boundaries: a value or the diagnostics that
// explain why there is none.
template <typename T>
using Result = tl::expected<T, Diagnostics>;

inline tl::unexpected<Diagnostics> fail(Diagnostic d) { return tl::unexpected(Diagnostics{std::move(d)}); }
inline tl::unexpected<Diagnostics> fail(Diagnostics ds) { return tl::unexpected(std::move(ds)); }

// "did you mean" support: the candidate closest to `name` by edit distance, or
// an empty string when none is close enough to be a plausible typo.
std::string closestMatch(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ward
