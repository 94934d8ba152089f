// `ward repl`: an interactive session over one fact base. The session (this
// file) takes one input at a time and answers with text; the line editor
// (repl_edit.cpp) and the command line (cmd_repl.cpp) sit around it, so the
// tests drive the same session the terminal does.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/driver.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"

namespace ward::net { class ReachEngine; }

namespace ward::repl {

struct Options {
  std::vector<std::string> policyPaths;  // --policy files, compiled with the session
  bool withStdlib = true;
  bool color = false;                    // ANSI colours in reports and diagnostics
  int64_t today = 0;                     // days since the epoch, for exemption expiry
  // Polled during evaluations; true stops the one running (Ctrl-C).
  const std::atomic<bool>* interrupt = nullptr;
};

// What one input printed: `out` goes to stdout, `err` (diagnostics) to stderr.
struct Reply {
  std::string out;
  std::string err;
  bool ok = true;     // false when the input was an error
  bool quit = false;  // :quit
};

// A `let`, `def`, `rule`, `exempt` or `test` typed at the prompt. Each is
// its own source, named "<repl:N>" after the input that entered it, so its
// diagnostics point at what was typed.
struct Statement {
  std::string keyword;  // let, def, rule, exempt, test
  std::string name;     // what a later statement of the same keyword replaces; "" for exempt and test
  std::string text;
  uint32_t input = 0;   // N of "<repl:N>"
};

class Session {
public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Compiles the standard library and the policy files; null on failure.
  // `diagnostics` gets the rendered errors, or the warnings of a success.
  static std::unique_ptr<Session> open(Options options, std::shared_ptr<const FactBase> facts,
                                       std::string& diagnostics);

  // One complete input: a `:command`, a statement, or an expression.
  Reply run(std::string_view input);

  // True while `text` has a bracket, brace or parenthesis left open (outside
  // strings and comments): the editor reads another line before run().
  static bool incomplete(std::string_view text);

  // Tab completion: what may replace `word`, the text right before the
  // cursor that `before` precedes on the line. Sorted, without duplicates.
  std::vector<std::string> complete(std::string_view before, std::string_view word) const;
  // Where the word being completed starts in `line`: after the last space
  // in a command's arguments; after the last character that cannot be part
  // of a name or a dotted path in an expression.
  static size_t wordStart(std::string_view line);

  const std::vector<Statement>& statements() const { return statements_; }

private:
  Session(Options options, std::shared_ptr<const FactBase> facts);

  // Compiles the policy files and `statements`; on success the result
  // becomes the session's compilation. Errors, or the warnings of the source
  // named `warningsFrom` ("" for all), are rendered into `reply.err`.
  bool recompile(const std::vector<PolicySource>& files, const std::vector<Statement>& statements,
                 std::string_view warningsFrom, Reply& reply);

  Reply command(std::string_view name, std::string_view args);
  Reply statement(std::string_view keyword, std::string_view text);
  Reply expression(std::string_view text, bool typeOnly);
  // An expression typed at the prompt, parsed, checked and compiled as the
  // source "<repl:N>"; the error reply otherwise.
  struct Compiled {
    std::shared_ptr<const CompiledExpr> expr;
    std::string typeName;
  };
  tl::expected<Compiled, Reply> compileInput(std::string_view text);

  Reply help() const;
  Reply kinds() const;
  Reply attrs(std::string_view args) const;
  Reply list(std::string_view args) const;
  Reply show(std::string_view args) const;
  Reply rules(std::string_view args) const;
  Reply disasm(std::string_view args);
  Reply check(std::string_view args);
  Reply why(std::string_view args);
  Reply reach(std::string_view args);
  Reply load(std::string_view args);
  Reply forget(std::string_view args);
  Reply session() const;

  const net::ReachEngine& engine();
  // Today's date, the reach hook, and Ctrl-C as the cancel flag.
  EvalOptions evalOptions() const;
  std::string renderDiagnostics(const Diagnostics& ds) const;
  std::optional<KindId> kindNamed(std::string_view name) const;
  std::vector<std::string> completeExpression(std::string_view before, std::string_view word) const;

  Options options_;
  std::shared_ptr<const FactBase> facts_;
  std::vector<PolicySource> files_;
  std::vector<Statement> statements_;
  std::optional<Compilation> compiled_;
  std::unique_ptr<net::ReachEngine> engine_;
  uint32_t inputs_ = 0;
};

}  // namespace ward::repl
