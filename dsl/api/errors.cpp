// The embedding API's error values: codes, names, and the conversion of the
// engine's diagnostics, load failures and evaluation errors into them.
#include <fmt/format.h>

#include "dsl/api/impl.hpp"

namespace ward::api {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid-argument";
    case ErrorCode::Io: return "io";
    case ErrorCode::Policy: return "policy";
    case ErrorCode::Facts: return "facts";
    case ErrorCode::PolicyTooLarge: return "policy-too-large";
    case ErrorCode::NestingTooDeep: return "nesting-too-deep";
    case ErrorCode::TooManyNodes: return "too-many-nodes";
    case ErrorCode::FactsTooLarge: return "facts-too-large";
    case ErrorCode::JsonTooDeep: return "json-too-deep";
    case ErrorCode::StepLimit: return "step-limit";
    case ErrorCode::Deadline: return "deadline";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::FindingLimit: return "finding-limit";
    case ErrorCode::MemoryLimit: return "memory-limit";
    case ErrorCode::Runtime: return "runtime";
    case ErrorCode::OutOfMemory: return "out-of-memory";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

const char* version() { return kWardVersion; }

Error makeErrorNoThrow(ErrorCode code) noexcept {
  // Strings this short fit the small-string buffer: no allocation.
  Error e;
  e.code = code;
  try {
    e.rendered = code == ErrorCode::OutOfMemory ? "out of memory" : "internal";
  } catch (...) {
  }
  return e;
}

Error makeError(ErrorCode code, std::string text) {
  Error e;
  e.code = code;
  e.messages.push_back(Message{"error", "", 0, 0, text});
  e.rendered = "error: " + text + "\n";
  return e;
}

namespace {

const char* severityText(Severity s) {
  switch (s) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

}  // namespace

std::vector<Message> toMessages(const Diagnostics& ds, const SourceMap* sources) {
  std::vector<Message> out;
  out.reserve(ds.size());
  for (const Diagnostic& d : ds) {
    Message m;
    m.severity = severityText(d.severity);
    m.text = d.message;
    m.where = d.where;
    const SourceFile* file = sources && d.span.valid() ? sources->get(d.span.file) : nullptr;
    if (file) {
      LineCol lc = file->lineCol(d.span.begin);
      m.line = lc.line;
      m.column = lc.col;
      m.where = fmt::format("{}:{}:{}", file->name(), lc.line, lc.col);
    }
    out.push_back(std::move(m));
  }
  return out;
}

Error makeError(ErrorCode code, const Diagnostics& ds, const SourceMap* sources) {
  Error e;
  e.code = code;
  e.messages = toMessages(ds, sources);
  if (sources) {
    e.rendered = render(*sources, ds);
  } else {
    SourceMap none;
    e.rendered = render(none, ds);
  }
  return e;
}

Error factsError(const Diagnostics& ds) {
  // The loader reports its limits as diagnostics; their wording is how they
  // are told apart until diagnostics carry a code of their own.
  ErrorCode code = ErrorCode::Facts;
  for (const Diagnostic& d : ds) {
    if (d.severity != Severity::Error) continue;
    if (d.message.find("over the limit of") != std::string::npos) code = ErrorCode::FactsTooLarge;
    else if (d.message.find("nested deeper than") != std::string::npos) code = ErrorCode::JsonTooDeep;
    else if (d.message.starts_with("no such file") || d.message.starts_with("cannot read") ||
             d.message.starts_with("cannot list") || d.message.starts_with("cannot open"))
      code = ErrorCode::Io;
    else continue;
    break;
  }
  return makeError(code, ds, nullptr);
}

ErrorCode evalErrorCode(EvalErrorCode code) {
  switch (code) {
    case EvalErrorCode::StepLimit: return ErrorCode::StepLimit;
    case EvalErrorCode::Deadline: return ErrorCode::Deadline;
    case EvalErrorCode::Cancelled: return ErrorCode::Cancelled;
    case EvalErrorCode::FindingLimit: return ErrorCode::FindingLimit;
    case EvalErrorCode::MemoryLimit: return ErrorCode::MemoryLimit;
    case EvalErrorCode::Runtime: return ErrorCode::Runtime;
  }
  return ErrorCode::Runtime;
}

EvalLimits evalLimits(const Limits& l) {
  EvalLimits out;
  out.maxSteps = l.maxSteps;
  out.deadline = l.deadline;
  out.cancel = l.cancel;
  out.maxFindings = l.maxFindings;
  out.maxMemoryBytes = l.maxMemoryBytes;
  return out;
}

LoadLimits loadLimits(const Limits& l) {
  LoadLimits out;
  out.maxFileBytes = l.maxFactFileBytes;
  out.maxDepth = l.maxJsonDepth;
  return out;
}

}  // namespace ward::api
