// libFuzzer target: a `ward repl` session fed one line at a time, as the
// terminal feeds it (lines joined while a bracket is left open), with tab
// completion asked at every line. A fresh session per input, without the
// standard library, over a small example estate. Besides crashes and
// sanitizer reports it checks what the session promises: completions come
// sorted and without duplicates, a word starts inside its line, and an input
// that fails leaves the session's statements as they were. `:load` is skipped
// (it reads whatever file the fuzzer names).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/load/load.hpp"
#include "tools/repl.hpp"

#ifndef WARD_SOURCE_ROOT
#define WARD_SOURCE_ROOT "."
#endif

namespace {

std::shared_ptr<const ward::FactBase> estate() {
  static const std::shared_ptr<const ward::FactBase> facts = [] {
    auto r = ward::loadFacts({std::string(WARD_SOURCE_ROOT) + "/examples/estates/network-mistakes"});
    if (!r) std::abort();  // the fuzzer cannot run without its estate
    return *r;
  }();
  return facts;
}

bool sameStatements(const std::vector<ward::repl::Statement>& a, const std::vector<ward::repl::Statement>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.keyword == y.keyword && x.name == y.name && x.text == y.text && x.input == y.input;
  });
}

void checkCompletion(const ward::repl::Session& session, std::string_view line) {
  const size_t start = ward::repl::Session::wordStart(line);
  if (start > line.size()) std::abort();
  const std::vector<std::string> got = session.complete(line.substr(0, start), line.substr(start));
  if (!std::is_sorted(got.begin(), got.end())) std::abort();
  if (std::adjacent_find(got.begin(), got.end()) != got.end()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ward::repl::Options options;
  options.withStdlib = false;
  std::string diagnostics;
  auto session = ward::repl::Session::open(options, estate(), diagnostics);
  if (!session) std::abort();  // nothing but the (empty) session is compiled

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string pending;
  size_t pos = 0;
  int inputs = 0;
  while (pos <= text.size() && inputs < 64) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    checkCompletion(*session, line);
    if (!pending.empty()) pending += '\n';
    pending.append(line);
    // The editor reads on while a bracket is open; at the end of the input
    // whatever is pending is run as it is.
    if (pos <= text.size() && ward::repl::Session::incomplete(pending) && pending.size() < 4096) continue;
    std::string input = std::move(pending);
    pending.clear();
    const std::string_view trimmed = std::string_view(input).substr(std::min(input.find_first_not_of(" \t"), input.size()));
    if (trimmed.starts_with(":load")) continue;
    ++inputs;
    const std::vector<ward::repl::Statement> before = session->statements();
    const ward::repl::Reply reply = session->run(input);
    if (!reply.ok && !sameStatements(before, session->statements())) std::abort();
    if (reply.quit) break;
  }
  return 0;
}
