// The REPL's front ends (repl_edit.cpp).
#pragma once

#include <atomic>
#include <istream>

#include "tools/repl.hpp"

namespace ward::repl {

// Reads inputs from the terminal with prompts, line editing, history
// ($WARD_HISTORY, else ~/.ward_history) and tab completion until :quit or
// Ctrl-D. `interrupt` is the flag the session's Options point at: Ctrl-C
// sets it while an input runs. Returns the exit code (0).
int interactiveLoop(Session& session, std::atomic<bool>& interrupt);

// Reads inputs from `in` without prompts (a script, or a pipe) and prints
// each reply. Returns 0 when every input succeeded, 2 when one failed or
// the text ended inside an open bracket.
int scriptLoop(Session& session, std::istream& in, std::atomic<bool>& interrupt);

}  // namespace ward::repl
