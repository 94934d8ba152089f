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

/* The rendered diagnostics of the engine's last failure ("" if none). */
WARD_API const char* ward_last_error(const ward_engine* e);
WARD_API ward_status ward_last_status(const ward_engine* e);
WARD_API const char* ward_status_name(ward_status s);
WARD_API const char* ward_version(void);

#ifdef __cplusplus
}
#endif

#endif
