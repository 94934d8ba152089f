// libFuzzer target: a YAML text through the CloudFormation reader (yaml-cpp,
// intrinsic functions, the conversion to Ward facts). It must load or fail
// with diagnostics, never crash or hang; a fact base that loads is written
// back as Ward JSON, which must load again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/load/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ward::LoadLimits limits;
  limits.maxDepth = 64;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = ward::loadFactsFromJson(text, "fuzz.yaml", limits);
  if (!r) return 0;
  std::string json = ward::toWardJson(**r);
  auto again = ward::loadFactsFromJson(json, "roundtrip.json", limits);
  if (!again) std::abort();  // what Ward writes, Ward must read
  return 0;
}
