// The virtual machine: evaluates a compiled policy (or one compiled
// expression) over a fact base, under step, time, memory and finding budgets.
// Exceeding any budget fails closed: an error, never a partial report.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "runtime/facts.hpp"
#include "runtime/finding.hpp"
#include "runtime/text_arena.hpp"
#include "runtime/net/addr.hpp"
#include "runtime/policy.hpp"
#include "runtime/value.hpp"

namespace ward {

struct ReachAnswer {
  bool delivered = false;
  std::string why;  // the blocked path when not delivered
};
// Answers reach(src, dst, traffic). A `service "s3"` argument is a String
// value with isService() true; resolve any string with evalString().
using ReachHook = std::function<ReachAnswer(const FactBase&, const Value& src, const Value& dst, const net::Traffic&)>;

class EvalContext;
// A host function: arguments in, a value out. Return makeError() to fail the
// rule that called it.
using HostFn = std::function<Value(std::span<const Value> args, EvalContext&)>;

struct EvalLimits {
  uint64_t maxSteps = 100'000'000;  // loop iterations, rule and let entries, reach and host calls
  std::chrono::milliseconds deadline{0};  // 0 = none
  std::function<bool()> cancel;           // polled with the deadline
  uint64_t maxFindings = 1'000'000;
  uint64_t maxMemoryBytes = 1ull << 30;  // scratch lists and strings
};

struct EvalOptions {
  EvalLimits limits;
  ReachHook reach;
  std::vector<HostFn> hostFunctions;  // by CheckOptions::hostFunctions index
  int64_t today = 0;                  // days since epoch, for exemption expiry
  // Threads that evaluate rules at once (1: the calling thread only). The
  // report is the same for any count. Above 1, the reach hook and host
  // functions are called from several threads, and each thread keeps within
  // the limits (their sum is checked at the end).
  uint32_t threads = 1;
};

enum class EvalErrorCode { StepLimit, Deadline, Cancelled, FindingLimit, MemoryLimit, Runtime };

struct EvalError {
  EvalErrorCode code = EvalErrorCode::Runtime;
  std::string message;
};

const char* evalErrorCodeName(EvalErrorCode code);  // "step-limit", ...

struct Report {
  std::vector<Finding> findings;  // sorted by findingLess
  // Their strings and lists: move (or copy) it along with the findings.
  std::shared_ptr<const TextArena> text;
  uint64_t rulesEvaluated = 0;
  uint64_t steps = 0;
  // "RULE on RESOURCE (expired YYYY-MM-DD)"; each is also a warn finding
  // `ward.exemption_expired`.
  std::vector<std::string> expiredExemptions;
};

tl::expected<Report, EvalError> evaluate(const CompiledPolicy& policy, const FactBase& facts,
                                         const EvalOptions& options = {});

struct EvalResult {
  std::string text;
  std::string json;
  std::string type;
};

// Evaluates a compiled expression; returns its value rendered as text and JSON.
tl::expected<EvalResult, EvalError> evaluateExpression(const CompiledExpr& expr, const FactBase& facts,
                                                       const EvalOptions& options = {});

// What a host function may do with the evaluation it runs in.
class EvalContext {
public:
  virtual ~EvalContext() = default;
  virtual const FactBase& facts() const = 0;
  virtual std::string_view str(const Value& v) const = 0;
  virtual std::span<const Value> list(const Value& v) const = 0;
  virtual std::string render(const Value& v) const = 0;
  virtual Value makeString(std::string_view s) = 0;
  virtual Value makeList(std::span<const Value> elements) = 0;
  virtual Value makeError(std::string_view message) = 0;
};

// The text of a string value's id during an evaluation on this thread
// (including strings the evaluation made, which the fact base does not hold).
// For reach hooks, whose signature only carries the fact base.
std::string_view evalString(const FactBase& facts, StrId id);

}  // namespace ward
