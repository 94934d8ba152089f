// The REPL's two front ends: a terminal with line editing, history and tab
// completion (libedit, BSD-licensed, through its readline-compatible calls),
// and a plain reader for piped input, which prints no prompts.
#include "tools/repl_edit.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#ifdef WARD_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace ward::repl {

namespace {

std::atomic<bool>* gInterrupt = nullptr;

void onInterrupt(int) {
  if (gInterrupt) gInterrupt->store(true);
}

// Ctrl-C during one input stops its evaluation (the session polls the flag);
// at the prompt it keeps its usual meaning.
class InterruptScope {
public:
  explicit InterruptScope(std::atomic<bool>* flag) {
    flag->store(false);
    gInterrupt = flag;
    struct sigaction sa {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &old_, nullptr);
    gInterrupt = nullptr;
  }

private:
  struct sigaction old_ {};
};

void print(const Reply& r) {
  fwrite(r.err.data(), 1, r.err.size(), stderr);
  fflush(stderr);
  fwrite(r.out.data(), 1, r.out.size(), stdout);
  fflush(stdout);
}

#ifdef WARD_HAVE_LIBEDIT
Session* gSession = nullptr;
std::vector<std::string> gMatches;
size_t gNext = 0;

char* nextMatch(const char*, int state) {
  if (state == 0) gNext = 0;
  if (gNext >= gMatches.size()) return nullptr;
  return strdup(gMatches[gNext++].c_str());
}

char** completeAt(const char* text, int start, int) {
  const std::string_view line(rl_line_buffer ? rl_line_buffer : "");
  const std::string_view before = line.substr(0, std::min<size_t>(static_cast<size_t>(start), line.size()));
  gMatches = gSession->complete(before, text);
  // Nothing fits: file names for :load, nothing at all elsewhere.
  rl_attempted_completion_over = !(gMatches.empty() && before.starts_with(":load"));
  if (gMatches.empty()) return nullptr;
  return rl_completion_matches(text, nextMatch);
}

std::string historyPath() {
  if (const char* p = getenv("WARD_HISTORY")) return p;
  if (const char* home = getenv("HOME")) return std::string(home) + "/.ward_history";
  return {};
}
#endif

}  // namespace

int interactiveLoop(Session& session, std::atomic<bool>& interrupt) {
  bool quit = false;
#ifdef WARD_HAVE_LIBEDIT
  gSession = &session;
  rl_readline_name = "ward";
  static char breaks[] = " \t\n\"'`@$><=;|&{([,+*/!";
  rl_basic_word_break_characters = breaks;
  rl_completer_word_break_characters = breaks;
  rl_attempted_completion_function = completeAt;
  const std::string history = historyPath();
  stifle_history(1000);
  if (!history.empty()) read_history(history.c_str());
  while (!quit) {
    std::string input;
    const char* prompt = "ward> ";
    for (;;) {
      char* line = readline(prompt);
      if (!line) {
        quit = true;
        break;
      }
      if (!input.empty()) input += '\n';
      input += line;
      free(line);
      if (!Session::incomplete(input)) break;
      prompt = "  ... ";
    }
    if (quit && !input.empty()) fputs("\n", stdout);  // Ctrl-D inside an open bracket drops that input
    if (quit) break;
    if (input.find_first_not_of(" \t\n") == std::string::npos) continue;
    add_history(input.c_str());
    if (!history.empty()) write_history(history.c_str());
    InterruptScope scope(&interrupt);
    Reply r = session.run(input);
    print(r);
    quit = r.quit;
  }
  gSession = nullptr;
#else
  while (!quit) {
    std::string input, line;
    fputs("ward> ", stdout);
    fflush(stdout);
    bool eof = false;
    for (;;) {
      if (!std::getline(std::cin, line)) {
        eof = true;
        break;
      }
      if (!input.empty()) input += '\n';
      input += line;
      if (!Session::incomplete(input)) break;
      fputs("  ... ", stdout);
      fflush(stdout);
    }
    if (eof) break;
    InterruptScope scope(&interrupt);
    Reply r = session.run(input);
    print(r);
    quit = r.quit;
  }
#endif
  fputs("\n", stdout);
  return 0;
}

int scriptLoop(Session& session, std::istream& in, std::atomic<bool>& interrupt) {
  bool failed = false;
  std::string input, line;
  uint32_t lineNo = 0, startLine = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (input.empty()) startLine = lineNo;
    if (!input.empty()) input += '\n';
    input += line;
    if (Session::incomplete(input)) continue;
    InterruptScope scope(&interrupt);
    Reply r = session.run(input);
    input.clear();
    print(r);
    failed = failed || !r.ok;
    if (r.quit) return failed ? 2 : 0;
  }
  if (!input.empty()) {
    fprintf(stderr, "error: the input ended inside the bracket opened by the input that began on line %u\n",
            startLine);
    return 2;
  }
  return failed ? 2 : 0;
}

}  // namespace ward::repl
