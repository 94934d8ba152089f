// Finding a folder's .json files (runtime/load/files.cpp): the walk with
// readdir must list what std::filesystem's recursive iterator did, in the
// order of the paths compared element by element, and the per-folder source
// names must be those worked out file by file.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "runtime/load/files.hpp"

using namespace ward;
namespace fs = std::filesystem;

namespace {

// A fresh empty folder under the system's temporary folder.
fs::path freshFolder(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("ward-files-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// What the loader listed before: std::filesystem's walk, sorted as paths.
std::vector<std::string> reference(const fs::path& dir) {
  std::vector<fs::path> paths;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied), end;
  for (; it != end; ++it) {
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    std::string ext = it->path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (it->is_regular_file() && ext == ".json") paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const fs::path& p : paths) out.push_back(p.string());
  return out;
}

std::vector<std::string> listed(const fs::path& dir, std::error_code& ec) {
  std::vector<std::string> out;
  for (const load::InputFile& f : load::jsonFilesOf(dir.string(), ec)) out.push_back(f.path);
  return out;
}

}  // namespace

TEST_SUITE("load files") {
  TEST_CASE("the walk lists a folder's .json files in the order of the paths compared element by element") {
    const fs::path dir = freshFolder("order");
    // "a-b" sorts before "a" as text ('-' < '/') but after it as a path.
    write(dir / "a-b" / "x.json", "[]");
    write(dir / "a" / "x.json", "[]");
    write(dir / "a" / "b" / "c.json", "[]");
    write(dir / "a" / "bb.json", "[]");
    write(dir / "a.json", "{}");
    write(dir / "B.JSON", "{}");               // any case
    write(dir / "notes.txt", "no");            // not .json
    write(dir / "json", "no");                 // no extension
    write(dir / ".hidden.json", "{}");         // hidden file
    write(dir / ".git" / "config.json", "{}");  // hidden folder, not entered
    write(dir / "deep" / "1" / "2" / "3" / "z.json", "[]");
    fs::create_directories(dir / "empty");
    fs::create_directory_symlink(dir / "a", dir / "linked-folder");    // not entered
    fs::create_symlink(dir / "a.json", dir / "linked-file.json");      // counts as a file
    fs::create_symlink(dir / "missing.json", dir / "dangling.json");   // points nowhere

    std::error_code ec;
    const std::vector<std::string> got = listed(dir, ec);
    CHECK_FALSE(ec);
    CHECK(got == reference(dir));
    const std::string d = dir.string();
    CHECK(got == std::vector<std::string>{d + "/B.JSON", d + "/a/b/c.json", d + "/a/bb.json", d + "/a/x.json",
                                          d + "/a-b/x.json", d + "/a.json", d + "/deep/1/2/3/z.json",
                                          d + "/linked-file.json"});
    // Sizes come with the listing (the link's is its target's).
    for (const load::InputFile& f : load::jsonFilesOf(d, ec)) {
      CAPTURE(f.path);
      CHECK(f.bytes == fs::file_size(f.path));
    }
    fs::remove_all(dir);
  }

  TEST_CASE("the walk joins names to the folder as given") {
    const fs::path dir = freshFolder("join");
    write(dir / "r" / "Vpcs.json", "{}");
    std::error_code ec;
    auto files = load::jsonFilesOf(dir.string() + "/", ec);
    REQUIRE(files.size() == 1);
    CHECK(files[0].path == dir.string() + "/r/Vpcs.json");
    files = load::jsonFilesOf(dir.string() + "//", ec);
    REQUIRE(files.size() == 1);
    CHECK(files[0].path == dir.string() + "//r/Vpcs.json");  // as fs::path's operator/ made it
    fs::remove_all(dir);
  }

  TEST_CASE("a folder that cannot be listed sets the error") {
    std::error_code ec;
    CHECK(load::jsonFilesOf("/nonexistent-ward-folder", ec).empty());
    CHECK(ec == std::errc::no_such_file_or_directory);
    const fs::path dir = freshFolder("notdir");
    write(dir / "f.json", "{}");
    ec.clear();
    CHECK(load::jsonFilesOf((dir / "f.json").string(), ec).empty());
    CHECK(ec == std::errc::not_a_directory);
    fs::remove_all(dir);
  }

  TEST_CASE("hasJsonExtension") {
    CHECK(load::hasJsonExtension("Vpcs.json"));
    CHECK(load::hasJsonExtension("X.JsOn"));
    CHECK(load::hasJsonExtension(".json"));
    CHECK_FALSE(load::hasJsonExtension("json"));
    CHECK_FALSE(load::hasJsonExtension("a.jsonl"));
    CHECK_FALSE(load::hasJsonExtension("a.xjson"));
    CHECK_FALSE(load::hasJsonExtension("a_json"));
  }

  TEST_CASE("source names worked out once per folder equal those worked out file by file") {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"snap/accounts/111111111111/us-east-1/Vpcs.json", "snap"},
        {"snap/accounts/111111111111/us-east-1/Subnets.json", "snap"},
        {"snap/accounts/222222222222/eu-west-1/Vpcs.json", "snap"},
        {"snap/accounts/222222222222/eu-west-1/Vpcs.json", "snap/accounts"},  // same folder, other root
        {"snap//accounts/333333333333/us-west-2/Vpcs.json", "snap/"},
        {"snap//accounts/333333333333/us-west-2/Subnets.json", "snap/"},
        {"us-east-2/Vpcs.json", ""},
        {"us-east-2/Subnets.json", ""},
        {"Vpcs.json", ""},
        {"/abs/accounts/444444444444/ap-south-1/./x.json", "/abs"},
    };
    load::SourceNamer namer;
    for (const auto& entry : files) {
      const std::string& file = entry.first;  // (clang 14 captures no structured bindings)
      const std::string& root = entry.second;
      CAPTURE(file);
      CAPTURE(root);
      const load::Source& got = namer(file, root);
      const load::Source want = load::sourceFor(file, root);
      CHECK(got.name == want.name);
      CHECK(got.name == fs::path(file).generic_string());
      CHECK(got.folder == want.folder);
      CHECK(got.account == want.account);
      CHECK(got.region == want.region);
    }
    const load::Source s = load::sourceFor("snap/accounts/111111111111/us-east-1/Vpcs.json", "snap");
    CHECK(s.account == std::optional<std::string>("111111111111"));
    CHECK(s.region == std::optional<std::string>("us-east-1"));
    CHECK(s.folder == "snap/accounts/111111111111/us-east-1");
  }
}
