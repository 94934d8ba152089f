// The source tree, wherever the tests run from: $WARD_SOURCE_DIR, the tree
// this file was compiled from, or a parent of the working directory; the
// first that holds `marker` (a path relative to the root).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace ward::testing {

inline std::filesystem::path sourceRoot(const std::filesystem::path& marker = "tests/data/facts/batfish") {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("WARD_SOURCE_DIR")) roots.emplace_back(env);
  roots.push_back(fs::path(__FILE__).parent_path() / ".." / "..");
  for (fs::path p = fs::current_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) roots.push_back(p);
  for (const fs::path& r : roots)
    if (fs::exists(r / marker)) return r.lexically_normal();
  return ".";
}

}  // namespace ward::testing
