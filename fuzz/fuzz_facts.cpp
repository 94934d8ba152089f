// libFuzzer target: a JSON text through the fact loader (Ward facts or any AWS
// CLI output, detected by content). It must load or fail with diagnostics,
// never crash; a fact base that loads is written back as Ward JSON, which
// must load again. And loading in parallel must change nothing: the input as
// the files of a folder, loaded on one thread and on three, gives the same
// fact base, strings and warnings, or the same errors.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/load/load.hpp"

namespace {

namespace fs = std::filesystem;

// Everything a load produced, or its errors.
std::string fingerprint(const fs::path& dir, unsigned threads) {
  ward::LoadLimits limits;
  limits.maxDepth = 64;
  limits.threads = threads;
  auto r = ward::loadFacts({dir.string()}, limits);
  std::string out;
  if (!r) {
    for (const ward::Diagnostic& d : r.error()) out += d.message + "\n";
    return "errors\n" + out;
  }
  out = ward::toWardJson(**r);
  for (ward::StrId s = 0; s < (*r)->strings().size(); ++s) {
    out += (*r)->str(s);
    out += '\n';
  }
  for (const ward::Diagnostic& d : (*r)->warnings()) out += d.message + "\n";
  return out;
}

// The folder the parallel check writes its files to, one per process.
const fs::path& scratchDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("ward-fuzz-facts-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// The input as files: split at 0x1e bytes when it has them, else the same
// text three times (so every entity is described again by the later files).
void checkParallel(std::string_view text) {
  std::vector<std::string_view> files;
  for (size_t start = 0;;) {
    size_t end = text.find('\x1e', start);
    files.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos || files.size() == 6) break;
    start = end + 1;
  }
  if (files.size() == 1) files.assign(3, text);
  const fs::path& dir = scratchDir();
  for (const auto& e : fs::directory_iterator(dir)) fs::remove(e.path());
  for (size_t i = 0; i < files.size(); ++i)
    std::ofstream(dir / ("f" + std::to_string(i) + ".json"), std::ios::binary) << files[i];
  if (fingerprint(dir, 1) != fingerprint(dir, 3)) std::abort();  // parallel loading must be exact
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ward::LoadLimits limits;
  limits.maxDepth = 64;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  checkParallel(text);
  auto r = ward::loadFactsFromJson(text, "fuzz.json", limits);
  if (!r) return 0;
  std::string json = ward::toWardJson(**r);
  auto again = ward::loadFactsFromJson(json, "roundtrip.json", limits);
  if (!again) std::abort();  // what Ward writes, Ward must read
  return 0;
}
