/* A minimal C host: loads the standard library, a snapshot folder given as
   argv[1], evaluates, and prints the number of findings per level. */
#include <stdio.h>

#include <ward/ward.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SNAPSHOT_FOLDER\n", argv[0]);
    return 2;
  }
  ward_engine* engine = ward_engine_new();
  if (!engine) return 2;
  int rc = 2;
  ward_facts* facts = NULL;
  ward_report* report = NULL;
  /* Only the standard library's rules: no policy sources of our own. */
  if (ward_engine_use_stdlib(engine, 1) != WARD_OK || ward_engine_compile(engine) != WARD_OK) goto fail;
  facts = ward_facts_from_path(engine, argv[1]);
  if (!facts) goto fail;
  if (ward_evaluate(engine, facts, &report) != WARD_OK) goto fail;
  printf("advisory %lld\nwarn %lld\ndeny %lld\n", (long long)ward_report_count(report, "advisory"),
         (long long)ward_report_count(report, "warn"), (long long)ward_report_count(report, "deny"));
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "%s: %s", ward_status_name(ward_last_status(engine)), ward_last_error(engine));
done:
  ward_report_free(report);
  ward_facts_free(facts);
  ward_engine_free(engine);
  return rc;
}
