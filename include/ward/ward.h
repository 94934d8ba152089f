/* Ward's C API: opaque handles, integer error codes, no exceptions or aborts
   across the boundary. Every function accepts NULL arguments and answers them
   with WARD_ERR_INVALID_ARGUMENT. Strings returned are owned by the handle
   they came from and valid until it is freed or next changed. */
#ifndef WARD_H
#define WARD_H

#include <stddef.h>
#include <stdint.h>

#include "ward/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ward_engine ward_engine;
typedef struct ward_facts ward_facts;
typedef struct ward_report ward_report;

/* Error codes; the values are stable. */
typedef enum ward_status {
  WARD_OK = 0,
  WARD_ERR_INVALID_ARGUMENT = 1,
  WARD_ERR_IO = 2,
  WARD_ERR_POLICY = 3,
  WARD_ERR_FACTS = 4,
  WARD_ERR_POLICY_TOO_LARGE = 5,
  WARD_ERR_NESTING_TOO_DEEP = 6,
  WARD_ERR_TOO_MANY_NODES = 7,
  WARD_ERR_FACTS_TOO_LARGE = 8,
  WARD_ERR_JSON_TOO_DEEP = 9,
  WARD_ERR_STEP_LIMIT = 10,
  WARD_ERR_DEADLINE = 11,
  WARD_ERR_CANCELLED = 12,
  WARD_ERR_FINDING_LIMIT = 13,
  WARD_ERR_MEMORY_LIMIT = 14,
  WARD_ERR_RUNTIME = 15,
  WARD_ERR_OUT_OF_MEMORY = 16,
  WARD_ERR_INTERNAL = 17,
  WARD_ERR_NOT_COMPILED = 18 /* ward_evaluate before a successful ward_engine_compile */
} ward_status;

/* Limits; a field left 0 keeps its default (see docs/embedding.md). */
typedef struct ward_limits {
  uint64_t max_policy_bytes;    /* default 16 MiB per source */
  uint32_t max_parse_depth;     /* default 256 (also the maximum) */
  uint64_t max_ast_nodes;       /* default 4,000,000 */
  uint64_t max_fact_file_bytes; /* default 1 GiB */
  uint32_t max_json_depth;      /* default 256 */
  uint64_t max_steps;           /* default 100,000,000 */
  uint64_t max_memory_bytes;    /* default 1 GiB */
  uint64_t deadline_ms;         /* default 0 = none */
  uint64_t max_findings;        /* default 1,000,000 */
  /* Polled during evaluation; returning nonzero cancels it. May be NULL. */
  int (*cancel)(void* user);
  void* cancel_user;
} ward_limits;

WARD_API ward_engine* ward_engine_new(void);
WARD_API void ward_engine_free(ward_engine* e);
WARD_API ward_status ward_engine_set_limits(ward_engine* e, const ward_limits* limits);
WARD_API ward_status ward_engine_use_stdlib(ward_engine* e, int on);
WARD_API ward_status ward_engine_add_policy_source(ward_engine* e, const char* name, const char* source, size_t len);
WARD_API ward_status ward_engine_add_policy_file(ward_engine* e, const char* path);
WARD_API ward_status ward_engine_compile(ward_engine* e);

/* Ward JSON or one AWS CLI output, detected by content as in the CLI. */
WARD_API ward_facts* ward_facts_from_json(ward_engine* e, const char* json, size_t len);
/* A file, or a folder searched recursively for *.json files. */
WARD_API ward_facts* ward_facts_from_path(ward_engine* e, const char* path);
WARD_API void ward_facts_free(ward_facts* f);

/* Evaluates the compiled policies; *report is set only on WARD_OK. Shared
   facts may be evaluated from several threads, each with its own engine or
   the same compiled engine (ward_last_error is per engine: call from one
   thread per engine when you need it). */
WARD_API ward_status ward_evaluate(ward_engine* e, const ward_facts* f, ward_report** report);
/* The `ward check --format json` document; NULL for a NULL report. */
WARD_API const char* ward_report_json(ward_report* r);
/* Findings at a level ("advisory", "warn" or "deny"), exempted ones excluded;
   -1 for a NULL report or an unknown level. */
WARD_API int64_t ward_report_count(const ward_report* r, const char* level);
/* Renders the report as "text", "json", "sarif" or "junit"; NULL on error. */
WARD_API const char* ward_report_render(ward_report* r, const char* format);
WARD_API void ward_report_free(ward_report* r);

/* Evaluates one expression (what `ward eval` takes) over the facts, with the
   compiled policies' lets and defs in scope. On WARD_OK, *json is the value
   as JSON ("3", "[\"subnet-1\"]"), owned by the engine and valid until its
   next call; a mistake in the expression is WARD_ERR_POLICY with
   "<query>:LINE:COL" diagnostics in ward_last_error. */
WARD_API ward_status ward_query(ward_engine* e, const ward_facts* f, const char* expr, const char** json);

/* One rule checked against one resource at a time, for hosts that ask in a
   loop. The policies' lets are evaluated when the checker is made; a check
   that passes does not allocate. A checker keeps what it needs of the engine's
   compilation and of the facts alive (free them in any order), records its
   own errors (ward_checker_last_error), and is not thread-safe: make one per
   thread. */
typedef struct ward_checker ward_checker;

typedef enum ward_verdict {
  WARD_NOT_APPLICABLE = 0, /* not a candidate, or left out by the first `where` or by `when` */
  WARD_PASS = 1,           /* the rule applies and no instance fails it */
  WARD_FAIL = 2,           /* the rule reports the resource */
  WARD_EXEMPTED = 3        /* reported, and exemptions cover every finding */
} ward_verdict;

/* A resource resolved once (ward_checker_resource); valid with its checker. */
typedef struct ward_resource {
  uint32_t kind;
  uint32_t index;
} ward_resource;

/* NULL on error: an unknown rule id, a rule without a `for` clause, no
   compiled policies (ward_last_error(e) says which). */
WARD_API ward_checker* ward_checker_new(ward_engine* e, const ward_facts* f, const char* rule_id);
WARD_API void ward_checker_free(ward_checker* c);
/* Resolves a fact id (a candidate of the rule if one has it, else any fact). */
WARD_API ward_status ward_checker_resource(ward_checker* c, const char* resource_id, ward_resource* out);
/* *verdict is set only on WARD_OK. */
WARD_API ward_status ward_checker_check(ward_checker* c, ward_resource r, ward_verdict* verdict);
/* The findings of the last check (0 unless it failed or was exempted), and
   the message of finding i (NULL when out of range). */
WARD_API size_t ward_checker_finding_count(const ward_checker* c);
WARD_API const char* ward_checker_finding_message(ward_checker* c, size_t i);
WARD_API const char* ward_checker_last_error(const ward_checker* c);
WARD_API const char* ward_verdict_name(ward_verdict v);

/* The rendered diagnostics of the engine's last failure ("" if none). */
WARD_API const char* ward_last_error(const ward_engine* e);
WARD_API ward_status ward_last_status(const ward_engine* e);
WARD_API const char* ward_status_name(ward_status s);
WARD_API const char* ward_version(void);

#ifdef __cplusplus
}
#endif

#endif
