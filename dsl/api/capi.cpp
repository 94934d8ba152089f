// The C API (include/ward/ward.h) over the C++ embedding API: opaque handles,
// status codes, and no exception or abort ever crossing into C.
#include <optional>

#include "dsl/api/impl.hpp"
#include "ward/ward.h"

struct ward_engine {
  ward::api::Engine engine;
  std::optional<ward::api::PolicySet> compiled;
  ward_status status = WARD_OK;
  std::string lastError;
  // The C limits' cancel callback, kept here for the std::function to call.
  int (*cancel)(void*) = nullptr;
  void* cancelUser = nullptr;
  std::string queryJson;  // the last ward_query's answer
};

struct ward_facts {
  ward::api::FactSet facts;
};

struct ward_checker {
  ward::api::RuleChecker checker;
  std::vector<ward::api::Finding> findings;  // of the last check that reported
  std::string lastError;
};

struct ward_report {
  ward::api::Evaluation evaluation;
  std::optional<std::string> json;
  std::string rendered;
};

namespace {

using ward::api::ErrorCode;

ward_status statusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArgument: return WARD_ERR_INVALID_ARGUMENT;
    case ErrorCode::Io: return WARD_ERR_IO;
    case ErrorCode::Policy: return WARD_ERR_POLICY;
    case ErrorCode::Facts: return WARD_ERR_FACTS;
    case ErrorCode::PolicyTooLarge: return WARD_ERR_POLICY_TOO_LARGE;
    case ErrorCode::NestingTooDeep: return WARD_ERR_NESTING_TOO_DEEP;
    case ErrorCode::TooManyNodes: return WARD_ERR_TOO_MANY_NODES;
    case ErrorCode::FactsTooLarge: return WARD_ERR_FACTS_TOO_LARGE;
    case ErrorCode::JsonTooDeep: return WARD_ERR_JSON_TOO_DEEP;
    case ErrorCode::StepLimit: return WARD_ERR_STEP_LIMIT;
    case ErrorCode::Deadline: return WARD_ERR_DEADLINE;
    case ErrorCode::Cancelled: return WARD_ERR_CANCELLED;
    case ErrorCode::FindingLimit: return WARD_ERR_FINDING_LIMIT;
    case ErrorCode::MemoryLimit: return WARD_ERR_MEMORY_LIMIT;
    case ErrorCode::Runtime: return WARD_ERR_RUNTIME;
    case ErrorCode::OutOfMemory: return WARD_ERR_OUT_OF_MEMORY;
    case ErrorCode::Internal: return WARD_ERR_INTERNAL;
  }
  return WARD_ERR_INTERNAL;
}

// Records the outcome on the engine; never throws (a failed copy of the
// message leaves it empty, the status still says what happened).
ward_status record(ward_engine* e, ward_status s, const std::string& message) noexcept {
  e->status = s;
  try {
    e->lastError = message;
  } catch (...) {
    e->lastError.clear();
  }
  return s;
}

ward_status record(ward_engine* e, const ward::api::Error& err) noexcept {
  return record(e, statusOf(err.code), err.rendered);
}

ward_status ok(ward_engine* e) noexcept {
  e->status = WARD_OK;
  e->lastError.clear();
  return WARD_OK;
}

// A checker records its own errors: checks may run on another thread than
// the engine's calls.
ward_status checkerFailed(ward_checker* c, const ward::api::Error& err) noexcept {
  try {
    c->lastError = err.rendered;
  } catch (...) {
    c->lastError.clear();
  }
  return statusOf(err.code);
}

}  // namespace

extern "C" {

ward_engine* ward_engine_new(void) {
  try {
    return new ward_engine();
  } catch (...) {
    return nullptr;
  }
}

void ward_engine_free(ward_engine* e) { delete e; }

ward_status ward_engine_set_limits(ward_engine* e, const ward_limits* l) {
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  if (!l) return record(e, WARD_ERR_INVALID_ARGUMENT, "error: null limits\n");
  try {
    ward::api::Limits lim;
    if (l->max_policy_bytes) lim.maxPolicyBytes = l->max_policy_bytes;
    if (l->max_parse_depth) lim.maxParseDepth = l->max_parse_depth;
    if (l->max_ast_nodes) lim.maxAstNodes = l->max_ast_nodes;
    if (l->max_fact_file_bytes) lim.maxFactFileBytes = l->max_fact_file_bytes;
    if (l->max_json_depth) lim.maxJsonDepth = l->max_json_depth;
    if (l->max_steps) lim.maxSteps = l->max_steps;
    if (l->max_memory_bytes) lim.maxMemoryBytes = l->max_memory_bytes;
    if (l->deadline_ms) lim.deadline = std::chrono::milliseconds(l->deadline_ms);
    if (l->max_findings) lim.maxFindings = l->max_findings;
    if (l->cancel) {
      int (*cancel)(void*) = l->cancel;
      void* user = l->cancel_user;
      lim.cancel = [cancel, user] { return cancel(user) != 0; };
    }
    e->engine.setLimits(std::move(lim));
    return ok(e);
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

ward_status ward_engine_use_stdlib(ward_engine* e, int on) {
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  e->engine.useStdlib(on != 0);
  return ok(e);
}

ward_status ward_engine_add_policy_source(ward_engine* e, const char* name, const char* source, size_t len) {
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  if (!source) return record(e, WARD_ERR_INVALID_ARGUMENT, "error: null policy source\n");
  try {
    auto r = e->engine.addPolicySource(name ? name : "<inline>", std::string(source, len));
    return r ? ok(e) : record(e, r.error());
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

ward_status ward_engine_add_policy_file(ward_engine* e, const char* path) {
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  if (!path) return record(e, WARD_ERR_INVALID_ARGUMENT, "error: null policy path\n");
  try {
    auto r = e->engine.addPolicyFile(path);
    return r ? ok(e) : record(e, r.error());
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

ward_status ward_engine_compile(ward_engine* e) {
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  try {
    e->compiled.reset();
    auto r = e->engine.compile();
    if (!r) return record(e, r.error());
    e->compiled.emplace(std::move(*r));
    return ok(e);
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

ward_facts* ward_facts_from_json(ward_engine* e, const char* json, size_t len) {
  if (!e) return nullptr;
  if (!json) {
    record(e, WARD_ERR_INVALID_ARGUMENT, "error: null JSON text\n");
    return nullptr;
  }
  try {
    auto r = e->engine.factsFromJson(std::string_view(json, len), "<json>");
    if (!r) {
      record(e, r.error());
      return nullptr;
    }
    auto* f = new ward_facts{std::move(*r)};
    ok(e);
    return f;
  } catch (...) {
    record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
    return nullptr;
  }
}

ward_facts* ward_facts_from_path(ward_engine* e, const char* path) {
  if (!e) return nullptr;
  if (!path) {
    record(e, WARD_ERR_INVALID_ARGUMENT, "error: null fact path\n");
    return nullptr;
  }
  try {
    auto r = e->engine.factsFromPaths({path});
    if (!r) {
      record(e, r.error());
      return nullptr;
    }
    auto* f = new ward_facts{std::move(*r)};
    ok(e);
    return f;
  } catch (...) {
    record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
    return nullptr;
  }
}

void ward_facts_free(ward_facts* f) { delete f; }

ward_status ward_evaluate(ward_engine* e, const ward_facts* f, ward_report** report) {
  if (report) *report = nullptr;
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  if (!f || !report) return record(e, WARD_ERR_INVALID_ARGUMENT, "error: null facts or report pointer\n");
  if (!e->compiled) return record(e, WARD_ERR_NOT_COMPILED, "error: no compiled policies (call ward_engine_compile)\n");
  try {
    auto r = e->engine.evaluate(*e->compiled, f->facts);
    if (!r) return record(e, r.error());
    *report = new ward_report{std::move(*r), std::nullopt, {}};
    return ok(e);
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

ward_status ward_query(ward_engine* e, const ward_facts* f, const char* expr, const char** json) {
  if (json) *json = nullptr;
  if (!e) return WARD_ERR_INVALID_ARGUMENT;
  if (!f || !expr || !json) return record(e, WARD_ERR_INVALID_ARGUMENT, "error: null facts, expression or result pointer\n");
  if (!e->compiled) return record(e, WARD_ERR_NOT_COMPILED, "error: no compiled policies (call ward_engine_compile)\n");
  try {
    auto r = e->engine.query(*e->compiled, f->facts, expr);
    if (!r) return record(e, r.error());
    e->queryJson = std::move(r->json);
    *json = e->queryJson.c_str();
    return ok(e);
  } catch (...) {
    return record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
  }
}

const char* ward_report_json(ward_report* r) {
  if (!r) return nullptr;
  if (!r->json) {
    auto text = r->evaluation.render(ward::api::Format::Json);
    if (!text) return nullptr;
    try {
      r->json = std::move(*text);
    } catch (...) {
      return nullptr;
    }
  }
  return r->json->c_str();
}

const char* ward_report_render(ward_report* r, const char* format) {
  if (!r || !format) return nullptr;
  std::string_view f(format);
  ward::api::Format fmt;
  if (f == "text") fmt = ward::api::Format::Text;
  else if (f == "json") fmt = ward::api::Format::Json;
  else if (f == "sarif") fmt = ward::api::Format::Sarif;
  else if (f == "junit") fmt = ward::api::Format::Junit;
  else return nullptr;
  auto text = r->evaluation.render(fmt);
  if (!text) return nullptr;
  r->rendered = std::move(*text);
  return r->rendered.c_str();
}

int64_t ward_report_count(const ward_report* r, const char* level) {
  if (!r || !level) return -1;
  std::string_view l(level);
  if (l == "advisory") return static_cast<int64_t>(r->evaluation.count(ward::api::Level::Advisory));
  if (l == "warn") return static_cast<int64_t>(r->evaluation.count(ward::api::Level::Warn));
  if (l == "deny") return static_cast<int64_t>(r->evaluation.count(ward::api::Level::Deny));
  return -1;
}

void ward_report_free(ward_report* r) { delete r; }

ward_checker* ward_checker_new(ward_engine* e, const ward_facts* f, const char* rule_id) {
  if (!e) return nullptr;
  if (!f || !rule_id) {
    record(e, WARD_ERR_INVALID_ARGUMENT, "error: null facts or rule id\n");
    return nullptr;
  }
  if (!e->compiled) {
    record(e, WARD_ERR_NOT_COMPILED, "error: no compiled policies (call ward_engine_compile)\n");
    return nullptr;
  }
  try {
    auto r = e->engine.ruleChecker(*e->compiled, f->facts, rule_id);
    if (!r) {
      record(e, r.error());
      return nullptr;
    }
    auto* c = new ward_checker{std::move(*r), {}, {}};
    ok(e);
    return c;
  } catch (...) {
    record(e, WARD_ERR_OUT_OF_MEMORY, "error: out of memory\n");
    return nullptr;
  }
}

void ward_checker_free(ward_checker* c) { delete c; }

ward_status ward_checker_resource(ward_checker* c, const char* resource_id, ward_resource* out) {
  if (!c || !resource_id || !out) return WARD_ERR_INVALID_ARGUMENT;
  auto r = c->checker.resource(resource_id);
  if (!r) return checkerFailed(c, r.error());
  *out = ward_resource{r->kind, r->index};
  return WARD_OK;
}

ward_status ward_checker_check(ward_checker* c, ward_resource r, ward_verdict* verdict) {
  if (!c || !verdict) return WARD_ERR_INVALID_ARGUMENT;
  auto v = c->checker.check(ward::api::Resource{r.kind, r.index});
  if (!v) return checkerFailed(c, v.error());
  // Note: clear() keeps the vector's capacity, so a passing check after a
  // failing one still allocates nothing.
  c->findings.clear();
  if (*v == ward::api::Verdict::Fail || *v == ward::api::Verdict::Exempted) {
    try {
      c->findings = c->checker.findings();
    } catch (...) {
      return WARD_ERR_OUT_OF_MEMORY;
    }
  }
  switch (*v) {
    case ward::api::Verdict::NotApplicable: *verdict = WARD_NOT_APPLICABLE; break;
    case ward::api::Verdict::Pass: *verdict = WARD_PASS; break;
    case ward::api::Verdict::Fail: *verdict = WARD_FAIL; break;
    case ward::api::Verdict::Exempted: *verdict = WARD_EXEMPTED; break;
  }
  return WARD_OK;
}

size_t ward_checker_finding_count(const ward_checker* c) { return c ? c->findings.size() : 0; }

const char* ward_checker_finding_message(ward_checker* c, size_t i) {
  if (!c || i >= c->findings.size()) return nullptr;
  return c->findings[i].message.c_str();
}

const char* ward_checker_last_error(const ward_checker* c) { return c ? c->lastError.c_str() : "invalid checker (NULL)"; }

const char* ward_verdict_name(ward_verdict v) {
  switch (v) {
    case WARD_NOT_APPLICABLE: return ward::api::verdictName(ward::api::Verdict::NotApplicable);
    case WARD_PASS: return ward::api::verdictName(ward::api::Verdict::Pass);
    case WARD_FAIL: return ward::api::verdictName(ward::api::Verdict::Fail);
    case WARD_EXEMPTED: return ward::api::verdictName(ward::api::Verdict::Exempted);
  }
  return "unknown";
}

const char* ward_last_error(const ward_engine* e) { return e ? e->lastError.c_str() : "invalid engine (NULL)"; }

ward_status ward_last_status(const ward_engine* e) { return e ? e->status : WARD_ERR_INVALID_ARGUMENT; }

const char* ward_status_name(ward_status s) {
  switch (s) {
    case WARD_OK: return "ok";
    case WARD_ERR_NOT_COMPILED: return "not-compiled";
    default: break;
  }
  if (s < WARD_OK || s > WARD_ERR_NOT_COMPILED) return "unknown";
  static constexpr ErrorCode kCodes[] = {
      ErrorCode::InvalidArgument, ErrorCode::Io,           ErrorCode::Policy,         ErrorCode::Facts,
      ErrorCode::PolicyTooLarge,  ErrorCode::NestingTooDeep, ErrorCode::TooManyNodes, ErrorCode::FactsTooLarge,
      ErrorCode::JsonTooDeep,     ErrorCode::StepLimit,    ErrorCode::Deadline,       ErrorCode::Cancelled,
      ErrorCode::FindingLimit,    ErrorCode::MemoryLimit,  ErrorCode::Runtime,        ErrorCode::OutOfMemory,
      ErrorCode::Internal};
  return ward::api::errorCodeName(kCodes[s - 1]);
}

const char* ward_version(void) { return ward::api::version(); }

}  // extern "C"
