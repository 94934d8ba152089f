// Rendering of diagnostics and the edit distance behind "did you mean".
#include "common/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ward {

bool hasErrors(const Diagnostics& ds) {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

namespace {

const char* label(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

const char* colorOf(Severity s) {
  switch (s) {
    case Severity::Note: return "\033[1;36m";
    case Severity::Warning: return "\033[1;35m";
    case Severity::Error: return "\033[1;31m";
  }
  return "";
}

// Appends the source line of `span` and a caret line under it.
void snippet(std::string& out, const SourceFile& file, Span span, bool color) {
  LineCol lc = file.lineCol(span.begin);
  std::string_view line = file.lineText(lc.line);
  std::string num = std::to_string(lc.line);
  std::string pad(num.size(), ' ');
  out += fmt::format(" {} | {}\n", num, line);
  out += fmt::format(" {} | ", pad);
  for (uint32_t i = 1; i < lc.col && i <= line.size(); ++i) out += line[i - 1] == '\t' ? '\t' : ' ';
  // The caret covers the span up to the end of its first line.
  uint32_t width = span.end > span.begin ? span.end - span.begin : 1;
  uint32_t room = line.size() >= lc.col ? static_cast<uint32_t>(line.size()) - lc.col + 1 : 1;
  width = std::max<uint32_t>(1, std::min(width, room));
  if (color) out += "\033[1;32m";
  out += '^';
  out.append(width - 1, '~');
  if (color) out += "\033[0m";
  out += '\n';
}

std::string location(const SourceMap& sources, Span span) {
  const SourceFile* f = sources.get(span.file);
  if (!f) return {};
  LineCol lc = f->lineCol(span.begin);
  return fmt::format("{}:{}:{}", f->name(), lc.line, lc.col);
}

}  // namespace

std::string render(const SourceMap& sources, const Diagnostic& d, RenderOptions opts) {
  std::string out;
  std::string where = d.where.empty() ? location(sources, d.span) : d.where;
  if (!where.empty()) {
    if (opts.color) out += "\033[1m";
    out += where + ": ";
    if (opts.color) out += "\033[0m";
  }
  if (opts.color) out += colorOf(d.severity);
  out += label(d.severity);
  out += ":";
  if (opts.color) out += "\033[0m";
  out += " " + d.message + "\n";
  if (const SourceFile* f = sources.get(d.span.file)) snippet(out, *f, d.span, opts.color);
  for (const Note& n : d.notes) {
    std::string nwhere = location(sources, n.span);
    if (!nwhere.empty()) out += nwhere + ": ";
    out += "note: " + n.message + "\n";
    if (const SourceFile* f = sources.get(n.span.file)) snippet(out, *f, n.span, opts.color);
  }
  return out;
}

std::string render(const SourceMap& sources, const Diagnostics& ds, RenderOptions opts) {
  std::string out;
  for (const Diagnostic& d : ds) out += render(sources, d, opts);
  return out;
}

namespace {
size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closestMatch(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t bestDist = std::max<size_t>(1, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = editDistance(name, c);
    if (d < bestDist || (d == bestDist && !best.empty() && c < best)) {
      if (d < bestDist) bestDist = d;
      best = c;
    }
  }
  return best;
}

}  // namespace ward
