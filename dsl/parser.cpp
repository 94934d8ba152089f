// The parser's entry points: runs the grammar with the AST-building actions,
// turns syntax errors into diagnostics and recovers between statements. The
// only file that builds PEGTL inputs or catches tao::pegtl::parse_error.
#include "dsl/parser.hpp"

#include <string_view>

#include <tao/pegtl.hpp>

#include "dsl/parse_actions_stmt.hpp"
#include "grammar/errors.hpp"
#include "grammar/grammar.hpp"

namespace ward {
namespace {

namespace pegtl = tao::pegtl;
namespace g = ward::grammar;
using parsing::ParseState;

// Beyond this many syntax errors in one file, the rest are mostly noise.
constexpr size_t kMaxErrors = 25;

// Does a top-level statement keyword start at `pos`?
bool startsStatement(std::string_view text, size_t pos) {
  static constexpr std::string_view kWords[] = {"package", "import", "let",    "def",
                                                "rule",    "endpoint", "exempt", "test"};
  for (std::string_view w : kWords)
    if (text.substr(pos, w.size()) == w && (pos + w.size() == text.size() || !g::isWordChar(text[pos + w.size()])))
      return true;
  return false;
}

// Where to resume after an error at `from`: the first line, at or after it,
// that starts in column 1 with a statement keyword. Column 1 matters:
// `endpoint` also starts a clause inside a rule, indented by convention.
size_t resumePoint(std::string_view text, size_t from) {
  size_t pos = from;
  while (pos < text.size()) {
    if ((pos == 0 || text[pos - 1] == '\n') && startsStatement(text, pos)) return pos;
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) break;
    ++pos;
  }
  return text.size();
}

void replaceAll(std::string& s, std::string_view what, const std::string& with) {
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
    s.replace(at, what.size(), with);
}

Diagnostic syntaxError(const pegtl::parse_error& e, const ParseState& st, std::string_view text) {
  size_t at = e.positions().empty() ? 0 : e.positions().front().byte;
  if (at > text.size()) at = text.size();
  g::TokenInfo token = g::describeToken(text.substr(at));
  std::string message(e.message());
  replaceAll(message, "{name}", st.name);
  replaceAll(message, "{key}", st.key);
  auto begin = static_cast<uint32_t>(at);
  return error(Span{st.file, begin, begin + static_cast<uint32_t>(token.length)}, std::move(message));
}

// Runs Rule over text[offset..]; positions stay offsets into the whole text.
template <typename Rule>
void run(ParseState& st, std::string_view text, size_t offset) {
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data() + offset, text.data() + text.size(), "", offset, 1, 1);
  pegtl::parse<Rule, parsing::action, g::control>(in, st);
}

// Parses a whole input with Rule; no recovery (for one expression or type).
template <typename Rule>
Result<ParseState*> parseAll(ParseState& st, const SourceMap& sources, uint32_t fileId) {
  const SourceFile* file = sources.get(fileId);
  if (!file) return fail(error(Span{}, "no source file with id " + std::to_string(fileId)));
  std::string_view text = file->text();
  st.file = fileId;
  st.base = text.data();
  try {
    run<Rule>(st, text, 0);
  } catch (const pegtl::parse_error& e) {
    return fail(syntaxError(e, st, text));
  } catch (const parsing::ActionError& e) {
    return fail(e.diagnostic);
  }
  return &st;
}

}  // namespace

Result<ast::Module> parseModule(const SourceMap& sources, uint32_t fileId) {
  const SourceFile* file = sources.get(fileId);
  if (!file) return fail(error(Span{}, "no source file with id " + std::to_string(fileId)));
  std::string_view text = file->text();
  ParseState st;
  st.file = fileId;
  st.base = text.data();
  st.module.file = fileId;
  // Optimization: room for a module's usual statements and for the
  // builder's stacks up front, rather than growing each from one.
  st.module.lets.reserve(8);
  st.module.defs.reserve(16);
  st.module.rules.reserve(16);
  st.exprs.reserve(64);
  st.frames.reserve(16);
  st.strings.reserve(8);
  st.seen.reserve(8);

  Diagnostics diags;
  size_t offset = 0;
  for (;;) {
    size_t resume = 0;
    try {
      run<g::module>(st, text, offset);
      break;
    } catch (const pegtl::parse_error& e) {
      diags.push_back(syntaxError(e, st, text));
      resume = diags.back().span.begin;
    } catch (const parsing::ActionError& e) {
      diags.push_back(e.diagnostic);
      resume = st.at(e.resume);
    }
    st.resetAfterError();
    if (diags.size() >= kMaxErrors) {
      diags.push_back(error(Span{}, "too many syntax errors in " + file->name() + "; stopping"));
      break;
    }
    // The statement that failed is dropped; parsing starts again at the next
    // line that opens a statement, always moving forward.
    size_t next = resumePoint(text, resume);
    if (next <= offset) next = resumePoint(text, offset + 1);
    if (next >= text.size()) break;
    offset = next;
  }
  if (!diags.empty()) return fail(std::move(diags));
  return std::move(st.module);
}

Result<ast::ExprPtr> parseExpression(const SourceMap& sources, uint32_t fileId) {
  ParseState st;
  auto done = parseAll<g::expression_input>(st, sources, fileId);
  if (!done) return fail(std::move(done.error()));
  return std::move(st.exprs.back());
}

Result<std::string> parseTypeName(const SourceMap& sources, uint32_t fileId) {
  ParseState st;
  auto done = parseAll<g::type_input>(st, sources, fileId);
  if (!done) return fail(std::move(done.error()));
  return std::move(st.typeText);
}

}  // namespace ward
