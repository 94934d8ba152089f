// Internal: what the embedding API's handles hold, and the helpers that turn
// the engine's diagnostics and errors into api::Error values.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dsl/check.hpp"
#include "dsl/driver.hpp"
#include "runtime/facts.hpp"
#include "runtime/load/load.hpp"
#include "runtime/policy.hpp"
#include "runtime/report.hpp"
#include "runtime/schema.hpp"
#include "runtime/vm.hpp"
#include "ward/ward.hpp"

namespace ward::api {

struct HostEntry {
  std::string name;
  std::string signature;
  Type result;
  HostCallback fn;
};

struct Engine::Impl {
  Limits limits;
  bool stdlib = true;
  // Null while the engine uses the built-in AWS schema. Replaced (never
  // mutated) when a kind is declared, so compiled sets keep the schema they
  // were made with.
  std::shared_ptr<const Schema> schema;
  std::vector<HostEntry> hosts;
  std::vector<PolicySource> sources;

  const Schema& schemaRef() const { return schema ? *schema : Schema::aws(); }
};

struct PolicySet::Impl {
  std::shared_ptr<const Schema> schema;  // keeps a host schema alive
  const Schema* schemaPtr = nullptr;
  Compilation compilation;
  std::vector<HostEntry> hosts;
  std::vector<Message> warnings;
  std::vector<RuleMeta> rules;
  // Queries add their text to compilation.sources (so that their diagnostics
  // and positions resolve like the policies'): one query compiles at a time.
  mutable std::mutex queryMutex;
};

struct Query::Impl {
  std::shared_ptr<const PolicySet::Impl> policies;  // keeps the program alive
  std::shared_ptr<const CompiledExpr> compiled;
  std::string text;
  std::string type;
};

struct FactSet::Impl {
  std::shared_ptr<const Schema> schema;
  const Schema* schemaPtr = nullptr;
  std::shared_ptr<const FactBase> facts;
  std::vector<std::string> sources;
  std::vector<Message> warnings;
};

struct Evaluation::Impl {
  ReportInput input;
  LevelCounts counts;
};

// Error values. `sources` may be null for diagnostics about non-Ward inputs.
Error makeError(ErrorCode code, std::string text);
Error makeError(ErrorCode code, const Diagnostics& ds, const SourceMap* sources);
std::vector<Message> toMessages(const Diagnostics& ds, const SourceMap* sources);
// A load failure, classified by what its diagnostics say (size, depth, I/O).
Error factsError(const Diagnostics& ds);
ErrorCode evalErrorCode(EvalErrorCode code);

// An Error without allocating a message (for out-of-memory paths).
Error makeErrorNoThrow(ErrorCode code) noexcept;

// Runs `body`, turning any escaping exception into an Error: nothing thrown
// inside the engine may cross the API.
template <typename T, typename F>
Expected<T> guarded(F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return tl::unexpected(makeErrorNoThrow(ErrorCode::OutOfMemory));
  } catch (const std::exception& e) {
    try {
      return tl::unexpected(makeError(ErrorCode::Internal, std::string("internal error: ") + e.what()));
    } catch (...) {
      return tl::unexpected(makeErrorNoThrow(ErrorCode::Internal));
    }
  } catch (...) {
    return tl::unexpected(makeErrorNoThrow(ErrorCode::Internal));
  }
}
// The evaluation options for a policy set and a fact set (host functions
// bridged, reach hook, today's date); InvalidArgument for a null handle or
// for sets made with different schemas. evaluate.cpp.
Expected<EvalOptions> evalOptionsFor(const PolicySet::Impl* p, const FactSet::Impl* f, const Limits& limits);
Finding publicFinding(const ward::Finding& f);

// Copies the host's limits into the engine's own structures.
EvalLimits evalLimits(const Limits& l);
LoadLimits loadLimits(const Limits& l);

// Loads facts against `schema` (the AWS one goes through runtime/load directly).
Result<std::shared_ptr<const FactBase>> loadPathsWith(const Schema& schema, const std::vector<std::string>& paths,
                                                     const LoadLimits& limits);
Result<std::shared_ptr<const FactBase>> loadJsonWith(const Schema& schema, std::string_view json,
                                                    std::string_view name, const LoadLimits& limits);

}  // namespace ward::api
