// The whitespace-only formatter behind `ward fmt`: a small lexer that keeps
// comments, then one pass over the lines that decides each line's indentation.
#include "dsl/format.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "dsl/parser.hpp"

namespace ward {

namespace {

// The formatter never joins or splits lines and never touches the inside of a
// line: the line breaks are part of the language (a `given` fact ends at one)
// and the standard library aligns clause values by hand. So a coarse lexer is
// enough, as long as it knows where strings and comments are, which brackets
// open what, and what starts and ends each line.

enum class TokKind { Word, Number, String, Comment, Punct };

// What a `{` opens: a block of clauses, facts or tests, or (None) a set literal.
// Top stands for the file itself, the outermost block.
enum class Block { None, Top, Rule, Test, Given };

struct Token {
  TokKind kind;
  uint32_t begin;
  uint32_t end;
  Block opens = Block::None;  // for '{' only
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isWordChar(char c) { return isWordStart(c) || isDigit(c); }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isHexOrDot(char c) { return isHex(c) || c == '.'; }

class Lexer {
public:
  explicit Lexer(std::string_view text) : text_(text), n_(text.size()) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    size_t p = 0;
    while (true) {
      while (p < n_ && isSpace(text_[p])) ++p;
      if (p >= n_) break;
      const size_t end = tokenEnd(p);
      tokens.push_back(Token{kindAt(p), static_cast<uint32_t>(p), static_cast<uint32_t>(end)});
      p = end;
    }
    classifyBraces(tokens);
    return tokens;
  }

private:
  TokKind kindAt(size_t p) const {
    const char c = text_[p];
    if (c == '#') return TokKind::Comment;
    if (c == '"') return TokKind::String;
    if (isDigit(c) || ipv6End(p)) return TokKind::Number;
    if (isWordStart(c)) return TokKind::Word;
    return TokKind::Punct;
  }

  size_t tokenEnd(size_t p) const {
    const char c = text_[p];
    if (c == '#') return lineEnd(p);
    if (c == '"') return stringEnd(p);
    if (size_t q = ipv6End(p)) return q;
    if (isDigit(c)) return numberEnd(p);
    if (isWordStart(c)) return glueWord(p + 1);
    static constexpr std::string_view kPairs[] = {"==", "!=", "<=", ">=", "->", ".."};
    for (std::string_view pair : kPairs)
      if (text_.substr(p, 2) == pair) return p + 2;
    return p + 1;
  }

  size_t lineEnd(size_t p) const {
    const size_t nl = text_.find('\n', p);
    return nl == std::string_view::npos ? n_ : nl;
  }
  size_t glueWord(size_t q) const {
    while (q < n_ && isWordChar(text_[q])) ++q;
    return q;
  }

  // A string, interpolations included: `{...}` inside it is code, which may
  // hold strings, sets and comments of its own and may even span lines.
  size_t stringEnd(size_t p) const {
    size_t q = p + 1;
    while (q < n_) {
      const char c = text_[q];
      if (c == '"') return q + 1;
      if (c == '\n') return q;  // unterminated: the parser has already refused the file
      if (c == '\\') q += 2;
      else if (c == '{') q = interpolationEnd(q + 1);
      else ++q;
    }
    return n_;
  }
  size_t interpolationEnd(size_t q) const {
    int depth = 0;
    while (q < n_) {
      const char c = text_[q];
      if (c == '"') {
        q = stringEnd(q);
      } else if (c == '#') {
        q = lineEnd(q);
      } else if (c == '{') {
        ++depth, ++q;
      } else if (c == '}') {
        if (depth-- == 0) return q + 1;
        ++q;
      } else {
        ++q;
      }
    }
    return n_;
  }

  // An IPv6 address or CIDR as the grammar finds one (two colons, only hex
  // digits and dots before each), so that `db8::` is one token and a line
  // that ends in it does not look like it ends in a colon. 0 when none.
  size_t ipv6End(size_t p) const {
    if (!isHex(text_[p]) && text_[p] != ':') return 0;
    size_t q = p;
    for (int colon = 0; colon < 2; ++colon) {
      while (q < n_ && isHexOrDot(text_[q])) ++q;
      if (q >= n_ || text_[q] != ':') return 0;
      ++q;
    }
    while (q < n_ && (isHexOrDot(text_[q]) || text_[q] == ':')) ++q;
    return prefixEnd(q);
  }
  // Integers, dates, IPv4 addresses and CIDRs, port ranges (`1024..65535`).
  size_t numberEnd(size_t p) const {
    size_t q = p;
    while (q < n_ && (isDigit(text_[q]) || text_[q] == '.')) ++q;
    auto digitAt = [&](size_t k) { return k < n_ && isDigit(text_[k]); };
    if (q - p == 4 && q + 6 <= n_ && text_[q] == '-' && digitAt(q + 1) && digitAt(q + 2) && text_[q + 3] == '-' &&
        digitAt(q + 4) && digitAt(q + 5))
      q += 6;  // a date, 2027-03-01
    return prefixEnd(q);
  }
  size_t prefixEnd(size_t q) const {
    if (q + 1 < n_ && text_[q] == '/' && isDigit(text_[q + 1])) {
      ++q;
      while (q < n_ && isDigit(text_[q])) ++q;
    }
    return glueWord(q);
  }

  // Whether each `{` opens a block, from the words before it: `given {`,
  // `rule NAME {`, `test "NAME" {`. Any other brace is a set literal.
  void classifyBraces(std::vector<Token>& tokens) const {
    const Token* prev = nullptr;
    const Token* prev2 = nullptr;
    for (Token& t : tokens) {
      if (t.kind == TokKind::Comment) continue;
      if (text(t) == "{") {
        if (prev && text(*prev) == "given") t.opens = Block::Given;
        else if (prev && prev2 && text(*prev2) == "rule" && prev->kind == TokKind::Word) t.opens = Block::Rule;
        else if (prev && prev2 && text(*prev2) == "test" && prev->kind == TokKind::String) t.opens = Block::Test;
      }
      prev2 = prev;
      prev = &t;
    }
  }
  std::string_view text(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }

  std::string_view text_;
  size_t n_;
};

// Words that start a statement or clause in each kind of block. A line that
// starts with one (and does not continue the line before) is a new
// statement; any other line continues the one above it.
bool isHead(Block block, std::string_view w) {
  static constexpr std::string_view kTop[] = {"package", "import", "let", "def",
                                              "rule",    "endpoint", "exempt", "test"};
  static constexpr std::string_view kRule[] = {"title", "level", "severity", "tags",    "rationale", "refs",
                                               "fix",   "for",   "when",     "require", "message",   "endpoint"};
  static constexpr std::string_view kTest[] = {"given", "expect"};
  auto in = [&](const auto& words) { return std::find(std::begin(words), std::end(words), w) != std::end(words); };
  switch (block) {
    case Block::Top: return in(kTop);
    case Block::Rule: return in(kRule);
    case Block::Test: return in(kTest);
    case Block::Given: return true;
    case Block::None: return false;
  }
  return false;
}

// A token after which the expression or clause cannot be over: the next line
// continues it whatever word it starts with (`require x ==` / `level`).
bool isIncomplete(const Token& t, std::string_view s) {
  if (t.kind == TokKind::Punct) {
    static constexpr std::string_view kOps[] = {",", "(", "[", "=", "==", "!=", "<", "<=", ">",
                                                ">=", "+", "-", ":", ".", "->", "..", "!"};
    return (s == "{" && t.opens == Block::None) || std::find(std::begin(kOps), std::end(kOps), s) != std::end(kOps);
  }
  if (t.kind == TokKind::Word) {
    static constexpr std::string_view kWords[] = {"and",    "or",    "not", "in",  "contains", "overlaps", "within",
                                                  "where",  "for",   "when", "require", "service", "via"};
    return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
  }
  return false;
}

constexpr int kIndent = 2;

// One open bracket or block, with what the lines inside it are indented from.
struct Open {
  Block block = Block::None;  // None: a '(', '[' or set '{'
  int openerNew = 0;          // the indentation of the line it opened on, as formatted
  int openerOrig = 0;         // and as written
  int close = 0;              // the indentation of a line that starts with its closer
  // Blocks only: the line that started the current statement or clause, whose
  // continuation lines are indented from it, and whether that clause is an
  // endpoint sentence still waiting for its `when`.
  int anchorNew = 0;
  int anchorOrig = 0;
  bool awaitingWhen = false;

  int content() const { return block == Block::Top ? 0 : close + kIndent; }
};

struct OutLine {
  std::string text;
  bool blank = false;
  bool endsWithOpenBrace = false;
  bool startsWithCloseBrace = false;
};

class Formatter {
public:
  explicit Formatter(std::string_view text) : text_(text), tokens_(Lexer(text).run()) { indexLines(); }

  std::string run() {
    Open top;
    top.block = Block::Top;
    top.close = -kIndent;
    stack_.push_back(top);
    size_t t = 0;
    for (size_t i = 0; i < lineStart_.size(); ++i) {
      size_t last = t;
      while (last < tokens_.size() && lineOf(tokens_[last].begin) == i) ++last;
      formatLine(i, t, last);
      t = last;
    }
    // Comments at the end of the file have no code after them to follow:
    // they go to the left margin.
    for (size_t k : pendingComments_) setIndent(out_[k], stack_.back().content());
    return join();
  }

  // The tokens of `text` as compared before and after formatting: comments
  // without their trailing blanks, line ends without their CR.
  static std::vector<std::string> tokenTexts(std::string_view text) {
    std::vector<std::string> out;
    for (const Token& t : Lexer(text).run()) {
      std::string s(text.substr(t.begin, t.end - t.begin));
      for (size_t at; (at = s.find("\r\n")) != std::string::npos;) s.erase(at, 1);
      if (t.kind == TokKind::Comment)
        while (!s.empty() && isSpace(s.back())) s.pop_back();
      out.push_back(std::move(s));
    }
    return out;
  }

private:
  void indexLines() {
    lineStart_.push_back(0);
    for (size_t p = 0; p < text_.size(); ++p)
      if (text_[p] == '\n') lineStart_.push_back(static_cast<uint32_t>(p + 1));
    startsInside_.assign(lineStart_.size(), false);
    endsInside_.assign(lineStart_.size(), false);
    for (const Token& t : tokens_) {
      const size_t first = lineOf(t.begin), last = lineOf(t.end - 1);
      for (size_t l = first; l < last; ++l) endsInside_[l] = startsInside_[l + 1] = true;
    }
  }
  size_t lineOf(uint32_t offset) const {
    return static_cast<size_t>(std::upper_bound(lineStart_.begin(), lineStart_.end(), offset) - lineStart_.begin()) - 1;
  }
  std::string_view lineText(size_t i) const {
    const size_t end = i + 1 < lineStart_.size() ? lineStart_[i + 1] - 1 : text_.size();
    return text_.substr(lineStart_[i], end - lineStart_[i]);
  }
  std::string_view text(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }

  static int indentWidth(std::string_view line) {
    int w = 0;
    for (char c : line) {
      if (c == ' ') w += 1;
      else if (c == '\t') w += kIndent;  // a tab is one level, as the house style counts them
      else if (!isSpace(c)) break;
    }
    return w;
  }
  static std::string_view ltrim(std::string_view s) {
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    return s;
  }
  static std::string_view rtrim(std::string_view s) {
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
  }
  static std::string_view trim(std::string_view s) { return ltrim(rtrim(s)); }
  static std::string_view stripCr(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }
  static void setIndent(OutLine& line, int indent) { line.text.insert(0, static_cast<size_t>(std::max(indent, 0)), ' '); }

  // Line i holds tokens [first, last) (those that start on it).
  void formatLine(size_t i, size_t first, size_t last) {
    std::string_view raw = lineText(i);
    OutLine line;
    const int orig = indentWidth(raw);
    if (startsInside_[i]) {
      // The line continues a string whose interpolation spans lines: the
      // string's text is never touched, so neither is this line's start.
      line.text = std::string(endsInside_[i] ? stripCr(raw) : rtrim(raw));
      out_.push_back(std::move(line));
      scan(first, last, orig, orig);
      return;
    }
    const std::string_view body = endsInside_[i] ? ltrim(stripCr(raw)) : trim(raw);
    if (body.empty()) {
      line.blank = true;
      out_.push_back(std::move(line));
      return;
    }
    line.text = std::string(body);
    const Token& head = tokens_[first];
    line.endsWithOpenBrace = !endsInside_[i] && text(tokens_[last - 1]) == "{";
    line.startsWithCloseBrace = text(head) == "}";
    if (head.kind == TokKind::Comment) {
      // A comment line takes the indentation of the code it precedes.
      pendingComments_.push_back(out_.size());
      out_.push_back(std::move(line));
      return;
    }
    const int indent = indentFor(head, orig);
    const Open& inner = stack_.back();
    // Comments before a closing bracket or brace belong to what it encloses.
    const bool closes = isCloser(head) && stack_.size() > 1;
    const int commentIndent = !closes ? indent : inner.block != Block::None ? inner.content() : inner.openerNew + kIndent;
    for (size_t k : pendingComments_) setIndent(out_[k], commentIndent);
    pendingComments_.clear();
    setIndent(line, indent);
    out_.push_back(std::move(line));
    scan(first, last, indent, orig);
  }

  bool isCloser(const Token& t) const {
    const std::string_view s = text(t);
    return t.kind == TokKind::Punct && (s == ")" || s == "]" || s == "}");
  }

  // The indentation of a code line that starts with `head`.
  int indentFor(const Token& head, int orig) {
    Open& inner = stack_.back();
    if (isCloser(head) && stack_.size() > 1) return inner.close;
    // Inside brackets every line continues the one that opened them: at least
    // one level deeper, or further if the author aligned it so.
    if (inner.block == Block::None) return std::max(inner.openerNew + kIndent, inner.openerNew + orig - inner.openerOrig);
    // A block's brace on a line of its own stays with the statement it opens.
    if (head.opens != Block::None) return inner.anchorNew;
    const std::string_view word = head.kind == TokKind::Word ? text(head) : std::string_view();
    const bool starts = inner.block == Block::Given ||
                        (!prevIncomplete_ && isHead(inner.block, word) && !(word == "when" && inner.awaitingWhen));
    if (starts) {
      inner.anchorNew = inner.content();
      inner.anchorOrig = orig;
      inner.awaitingWhen = word == "endpoint";
      return inner.anchorNew;
    }
    // A continuation line: one level deeper than its statement, or the
    // author's alignment (`require a` / `     or b`) when that is deeper.
    return std::max(inner.anchorNew + kIndent, inner.anchorNew + orig - inner.anchorOrig);
  }

  // Follows brackets and blocks through tokens [first, last) of a line
  // indented `indent` (as written: `orig`).
  void scan(size_t first, size_t last, int indent, int orig) {
    for (size_t k = first; k < last; ++k) {
      const Token& t = tokens_[k];
      if (t.kind == TokKind::Comment) continue;
      const std::string_view s = text(t);
      prevIncomplete_ = isIncomplete(t, s);
      if (t.kind == TokKind::Word && s == "when") stack_.back().awaitingWhen = false;
      if (t.kind != TokKind::Punct) continue;
      if (s == "(" || s == "[" || s == "{") {
        Open open;
        open.block = t.opens;
        open.openerNew = indent;
        open.openerOrig = orig;
        // A block closes at the level of the statement that opened it, a
        // bracket at the level of the line that opened it.
        open.close = t.opens != Block::None ? stack_.back().anchorNew : indent;
        open.anchorNew = open.content();
        open.anchorOrig = orig + kIndent;
        stack_.push_back(open);
      } else if ((s == ")" || s == "]" || s == "}") && stack_.size() > 1) {
        stack_.pop_back();
      }
    }
  }

  // Blank lines: none at the start or end of the file, none right after a
  // `{` or before a `}`, and never two in a row.
  std::string join() const {
    std::string result;
    const OutLine* prev = nullptr;
    bool blankPending = false;
    for (const OutLine& line : out_) {
      if (line.blank) {
        blankPending = prev && !prev->endsWithOpenBrace;
        continue;
      }
      if (blankPending && !line.startsWithCloseBrace) result += '\n';
      blankPending = false;
      result += line.text;
      result += '\n';
      prev = &line;
    }
    return result;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> lineStart_;
  std::vector<bool> startsInside_;  // the line starts inside a token (a multi-line string)
  std::vector<bool> endsInside_;    // the line's newline is inside a token
  std::vector<Open> stack_;
  std::vector<OutLine> out_;
  std::vector<size_t> pendingComments_;  // comment lines waiting for the next code line
  bool prevIncomplete_ = false;          // the last code token seen leaves its line unfinished
};

}  // namespace

Result<std::string> formatSource(const SourceMap& sources, uint32_t fileId) {
  const SourceFile* file = sources.get(fileId);
  if (!file) return fail(error(Span{}, "no such source file"));
  // Only a file the parser accepts is formatted: the lexer here is coarse and
  // trusts the text to be well-formed.
  auto parsed = parseModule(sources, fileId);
  if (!parsed) return fail(std::move(parsed.error()));
  std::string formatted = Formatter(file->text()).run();
  // Whitespace is all the formatter may change. Should a bug ever change a
  // token, the file is left alone rather than rewritten.
  if (Formatter::tokenTexts(formatted) != Formatter::tokenTexts(file->text()))
    return fail(error(Span{fileId, 0, 0}, "internal error: formatting would change the tokens of this file, so it is left as it is"));
  return formatted;
}

}  // namespace ward
