// libFuzzer target: a JSON text through the fact loader (Ward facts or any AWS
// CLI output, detected by content). It must load or fail with diagnostics,
// never crash; a fact base that loads is written back as Ward JSON, which
// must load again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/load/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ward::LoadLimits limits;
  limits.maxDepth = 64;
  auto r = ward::loadFactsFromJson(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json", limits);
  if (!r) return 0;
  std::string json = ward::toWardJson(**r);
  auto again = ward::loadFactsFromJson(json, "roundtrip.json", limits);
  if (!again) std::abort();  // what Ward writes, Ward must read
  return 0;
}
