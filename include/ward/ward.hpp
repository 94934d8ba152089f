// Ward's embedding API for C++ hosts: compile policies, build fact bases,
// evaluate and render reports. Depends only on the standard library and
// tl::expected; no exception ever leaves it (errors are tl::expected values).
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

#include "ward/export.h"

// The public types live in ward::api so that they never collide with the
// engine's internal types of the same name (ward::Finding, ward::Report, ...).
namespace ward::api {

// What went wrong, as a stable code a host can branch on.
enum class ErrorCode {
  InvalidArgument,  // a null, empty or unknown argument, or a misuse of the API
  Io,               // a file or folder could not be read
  Policy,           // the policies do not parse or check
  Facts,            // the facts do not load
  PolicyTooLarge,   // Limits::maxPolicyBytes
  NestingTooDeep,   // Limits::maxParseDepth
  TooManyNodes,     // Limits::maxAstNodes
  FactsTooLarge,    // Limits::maxFactFileBytes
  JsonTooDeep,      // Limits::maxJsonDepth
  StepLimit,        // Limits::maxSteps
  Deadline,         // Limits::deadline
  Cancelled,        // Limits::cancel returned true
  FindingLimit,     // Limits::maxFindings
  MemoryLimit,      // Limits::maxMemoryBytes
  Runtime,          // an evaluation error (a host function failed, ...)
  OutOfMemory,      // std::bad_alloc, caught at the boundary
  Internal,         // any other failure inside the engine
};
WARD_API const char* errorCodeName(ErrorCode code);  // "policy-too-large", ...

// One diagnostic, structured. `where` is "file:line:col" or an input location
// such as "snapshot/Vpcs.json at /Vpcs/0/CidrBlock"; line and column are 0
// when the diagnostic is not about Ward source.
struct Message {
  std::string severity;  // "error", "warning" or "note"
  std::string where;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string text;
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string rendered;  // every diagnostic rendered GCC-style, ready to print
  std::vector<Message> messages;
};

template <typename T>
using Expected = tl::expected<T, Error>;

// Every budget in one place. The defaults suit a CI run over a large estate;
// hosts evaluating untrusted input should lower them. Exceeding any limit is
// an Error with the matching code and never a partial result.
struct Limits {
  uint64_t maxPolicyBytes = 16ull << 20;    // per policy source
  uint32_t maxParseDepth = 256;             // expression nesting (at most 256)
  uint64_t maxAstNodes = 4'000'000;         // expression nodes over all sources
  uint64_t maxFactFileBytes = 1ull << 30;   // per fact file or JSON text
  uint32_t maxJsonDepth = 256;              // JSON nesting of fact inputs
  uint64_t maxSteps = 100'000'000;          // VM loop iterations and calls
  uint64_t maxMemoryBytes = 1ull << 30;     // VM scratch lists and strings
  std::chrono::milliseconds deadline{0};    // wall clock per evaluation; 0 = none
  std::function<bool()> cancel;             // polled during evaluation; true stops it
  uint64_t maxFindings = 1'000'000;
};

enum class Level { Advisory, Warn, Deny };
enum class Format { Text, Json, Sarif, Junit };

// A value passed to or returned from a host function. Entities arrive as
// their id (kind in `typeName`), addresses and traffic as their canonical text.
struct HostValue {
  enum class Kind { Null, Bool, Int, String, List, Error };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  std::string text;  // String (and Error: the message)
  std::vector<HostValue> list;
  std::string typeName;  // of an argument: "string", "subnet", "cidr", ...

  static HostValue null() { return {}; }
  static HostValue ofBool(bool b) { HostValue v; v.kind = Kind::Bool; v.boolean = b; return v; }
  static HostValue ofInt(int64_t i) { HostValue v; v.kind = Kind::Int; v.integer = i; return v; }
  static HostValue ofString(std::string s) { HostValue v; v.kind = Kind::String; v.text = std::move(s); return v; }
  static HostValue ofList(std::vector<HostValue> l) { HostValue v; v.kind = Kind::List; v.list = std::move(l); return v; }
  // Fails the rule that called the function (a Runtime error of the evaluation).
  static HostValue error(std::string message) { HostValue v; v.kind = Kind::Error; v.text = std::move(message); return v; }
};
// Called from many threads at once when a policy set is shared: make it
// thread-safe. It must not throw; if it does, the call becomes an error value.
using HostCallback = std::function<HostValue(std::span<const HostValue> args)>;

// A host-declared fact kind. Attribute types are written as in def
// parameters: "string", "int", "bool", "cidr", "ip", "date", "list<string>",
// or a kind name ("vpc") for a reference to another fact by id.
struct HostAttr {
  std::string name;
  std::string type;
  std::string doc;
};
struct HostKind {
  std::string name;        // "ticket"
  std::string collection;  // "tickets"
  std::string doc;
  std::vector<HostAttr> attrs;  // `id` is implicit
};

struct Finding {
  std::string ruleId;
  Level level = Level::Warn;
  std::string severity;  // "info" ... "critical"
  std::string title;
  std::string resourceKind;
  std::string resourceId;
  std::string message;
  bool exempted = false;
};

struct RuleInfo {
  std::string id;
  std::string title;
  Level level = Level::Warn;
};

class Engine;

// A compiled, immutable set of policies. Copies share one compilation, and
// one PolicySet may evaluate on many threads at once.
class WARD_API PolicySet {
public:
  std::vector<RuleInfo> rules() const;
  const std::vector<Message>& warnings() const;

  struct Impl;
  explicit PolicySet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

private:
  std::shared_ptr<const Impl> impl_;
};

// An immutable fact base, shareable between threads like a PolicySet.
class WARD_API FactSet {
public:
  // Number of facts of a kind ("subnet"); 0 for unknown kinds.
  size_t count(std::string_view kind) const;
  const std::vector<Message>& warnings() const;
  // The stored facts as Ward JSON.
  std::string toJson() const;

  struct Impl;
  explicit FactSet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

private:
  std::shared_ptr<const Impl> impl_;
};

// The outcome of one evaluation: findings in a deterministic order.
class WARD_API Evaluation {
public:
  std::vector<Finding> findings() const;
  // Findings at `level`, not counting exempted ones.
  uint64_t count(Level level) const;
  uint64_t rulesEvaluated() const;
  Expected<std::string> render(Format format, bool verbose = false) const;

  struct Impl;
  explicit Evaluation(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

private:
  std::shared_ptr<const Impl> impl_;
};

// What one rule says about one resource (RuleChecker::check). The resource
// is a value of the rule's first `for` variable; further `for` clauses walk
// what belongs to it (a group's ingress rules).
enum class Verdict {
  NotApplicable,  // not a candidate, rejected by the first `for`'s `where`, or no instance got past `when`
  Pass,           // the rule applies and no instance fails it
  Fail,           // the rule reports it: see RuleChecker::findings()
  Exempted,       // the rule reports it, and unexpired exemptions cover every finding
};
WARD_API const char* verdictName(Verdict v);  // "not-applicable", "pass", "fail", "exempted"

// A fact resolved once by a RuleChecker, so that checking it again does no
// lookup. Valid with the checker that made it (and others over the same
// FactSet).
struct Resource {
  uint32_t kind = 0xffff;
  uint32_t index = 0;
};

// Checks one rule against one resource at a time, for hosts that ask in a
// loop ("may this security group go in?"). Made by Engine::ruleChecker: the
// policies' lets are evaluated once then, and check() of a resource that
// passes does not allocate. The answer is the one Engine::evaluate gives for
// that rule and resource (same findings, same exemptions); the limits apply
// to each check afresh. Keeps its PolicySet and FactSet alive. Not
// thread-safe: make one checker per thread (the sets stay shareable).
class WARD_API RuleChecker {
public:
  RuleChecker(RuleChecker&&) noexcept;
  RuleChecker& operator=(RuleChecker&&) noexcept;
  ~RuleChecker();

  const std::string& ruleId() const;
  // The fact with this id (a candidate of the rule if one has it, else of
  // any kind); InvalidArgument when no fact has it.
  Expected<Resource> resource(std::string_view id) const;
  Expected<Resource> resource(std::string_view kind, std::string_view id) const;

  Expected<Verdict> check(Resource resource);
  // resource(id), then check(): a lookup per call.
  Expected<Verdict> check(std::string_view resourceId);
  // The findings of the last check: empty unless it returned Fail or Exempted.
  std::vector<Finding> findings() const;

  struct Impl;
  explicit RuleChecker(std::unique_ptr<Impl> impl);

private:
  std::unique_ptr<Impl> impl_;
};

// The value of one expression, as `ward eval` prints it.
struct QueryResult {
  std::string text;  // "[subnet-1, subnet-3]"
  std::string json;  // "[{\"kind\":\"subnet\",\"id\":\"subnet-1\"}, ...]"
  std::string type;  // "list<subnet>"
};

// An expression compiled once (Engine::prepareQuery) with a policy set's lets
// and defs in scope, to evaluate over any fact set made with the same schema.
// Immutable: copy it and run it from any number of threads at once.
class WARD_API Query {
public:
  const std::string& text() const;
  const std::string& type() const;  // its static type, "int"

  struct Impl;
  explicit Query(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

private:
  std::shared_ptr<const Impl> impl_;
};

// Builds a fact base from code. Each setter is checked when finish() loads
// the facts, against the engine's schema.
class WARD_API FactBuilder {
public:
  FactBuilder(const FactBuilder&) = delete;
  FactBuilder& operator=(const FactBuilder&) = delete;
  FactBuilder(FactBuilder&&) noexcept;
  FactBuilder& operator=(FactBuilder&&) noexcept;
  ~FactBuilder();

  // Creates the fact (or finds it: adding twice is harmless).
  FactBuilder& add(std::string_view kind, std::string_view id);
  // Sets an attribute; strings also carry CIDRs, addresses, dates and
  // references (the target's id).
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr, std::string_view text);
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr, const char* text);
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr, int64_t value);
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr, int value) {
    return set(kind, id, attr, static_cast<int64_t>(value));
  }
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr, bool value);
  FactBuilder& set(std::string_view kind, std::string_view id, std::string_view attr,
                   const std::vector<std::string>& list);
  Expected<FactSet> finish();

  struct Impl;
  explicit FactBuilder(std::unique_ptr<Impl> impl);

private:
  std::unique_ptr<Impl> impl_;
};

// Collects the configuration of a compilation: limits, the standard library,
// host kinds and functions, policy sources. Not thread-safe itself; what it
// produces (PolicySet, FactSet) is.
class WARD_API Engine {
public:
  Engine();
  explicit Engine(Limits limits);
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  void setLimits(Limits limits);
  const Limits& limits() const;
  void useStdlib(bool on);

  // Extends the fact schema (a copy of the AWS schema). Declare kinds before
  // compiling or loading facts: policy sets and fact sets remember the schema
  // they were made with, and only evaluate together when it is the same.
  Expected<void> declareKind(const HostKind& kind);
  // `signature` as in "(subnet, string) -> bool"; checked when declared, and
  // every call in a policy is type checked against it.
  Expected<void> declareFunction(std::string name, std::string signature, HostCallback fn);

  Expected<void> addPolicySource(std::string name, std::string text);
  Expected<void> addPolicyFile(const std::string& path);
  void clearPolicies();
  Expected<PolicySet> compile() const;

  // Ward JSON or one AWS CLI output, detected by content.
  Expected<FactSet> factsFromJson(std::string_view json, std::string_view name = "<json>") const;
  // Files and folders (searched recursively for *.json), merged into one.
  Expected<FactSet> factsFromPaths(const std::vector<std::string>& paths) const;
  FactBuilder factBuilder() const;

  // Evaluates under the engine's limits (or `limits` when given). Thread-safe
  // for shared PolicySet and FactSet.
  Expected<Evaluation> evaluate(const PolicySet& policies, const FactSet& facts) const;
  Expected<Evaluation> evaluate(const PolicySet& policies, const FactSet& facts, const Limits& limits) const;

  // A checker of the rule `ruleId` over `facts`, under the engine's limits
  // (or `limits`). InvalidArgument for an unknown rule or one without a
  // `for` clause (it has no resources to check). Thread-safe like evaluate().
  Expected<RuleChecker> ruleChecker(const PolicySet& policies, const FactSet& facts, std::string_view ruleId) const;
  Expected<RuleChecker> ruleChecker(const PolicySet& policies, const FactSet& facts, std::string_view ruleId,
                                    const Limits& limits) const;

  // Compiles an expression (`count(s in subnets where s.private)`) against
  // the policies' lets and defs; Policy with file:line:col diagnostics when it
  // does not parse or check. Thread-safe for a shared PolicySet.
  Expected<Query> prepareQuery(const PolicySet& policies, std::string_view expr) const;
  // Evaluates a prepared query under the engine's limits (or `limits`).
  // Thread-safe like evaluate().
  Expected<QueryResult> query(const Query& query, const FactSet& facts) const;
  Expected<QueryResult> query(const Query& query, const FactSet& facts, const Limits& limits) const;
  // prepareQuery, then query.
  Expected<QueryResult> query(const PolicySet& policies, const FactSet& facts, std::string_view expr) const;

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

// The library's version, "0.1.0".
WARD_API const char* version();

}  // namespace ward::api
