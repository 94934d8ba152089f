// Internal to runtime/load: finding the .json files of a folder, and naming
// each file's source (account and region from its path).
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "runtime/load/loader.hpp"

namespace ward::load {

struct InputFile {
  std::string path;    // the folder as given, then each name joined with '/'
  uint64_t bytes = 0;  // its size when listed
  bool sized = true;   // false: it could not be stat'ed (bytes is 0)
};

// The .json files under `folder` in load order: each folder's entries sorted
// by name, its subfolders walked where they sort, which is the order of the
// paths compared element by element. Hidden entries (a leading '.') are left
// out, a symbolic link counts as what it points to but a linked folder is not
// entered, and a subfolder that cannot be read for lack of permission is
// passed over. Any other failure to list a folder sets `ec`.
std::vector<InputFile> jsonFilesOf(const std::string& folder, std::error_code& ec);

// Whether a name ends in ".json", in any case.
bool hasJsonExtension(std::string_view name);

// The Source of `file` (loaded from the folder `root`, or named on its own
// when `root` is empty): accounts/<id>/<region>/ anywhere in its folder's
// path sets account and region; a bare region-named folder sets the region.
Source sourceFor(const std::string& file, const std::string& root);

// sourceFor for the files of a load in order, worked out once per folder:
// the files of one folder differ only in their names.
class SourceNamer {
public:
  const Source& operator()(const std::string& file, const std::string& root);

private:
  std::string folder_, root_;
  bool valid_ = false;
  Source src_;
};

}  // namespace ward::load
