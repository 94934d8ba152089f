// Finding a folder's .json (and CloudFormation .yaml) files and naming each
// file's source.
//
// Optimization: the folder walk reads each folder once with readdir and takes
// a file's kind from the entry (d_type) and its size from one fstatat
// relative to the open folder. std::filesystem's recursive iterator, a sort of
// the paths element by element and a stat by full path cost about 12,000
// instructions a file, a fixed cost of every load that showed on snapshots
// of many small files (bench/RESULTS.md).
#include "runtime/load/cfn_tree.hpp"
#include "runtime/load/files.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace ward::load {

namespace {

namespace fs = std::filesystem;

std::string joined(const std::string& folder, std::string_view name) {
  std::string out;
  out.reserve(folder.size() + 1 + name.size());
  out += folder;
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

// path(file).generic_string() on POSIX: runs of '/' made one.
std::string genericName(const std::string& file) {
  if (file.find("//") == std::string::npos) return file;
  std::string out;
  out.reserve(file.size());
  for (char c : file)
    if (c != '/' || out.empty() || out.back() != '/') out += c;
  return out;
}

struct Entry {
  std::string name;
  unsigned char type;  // d_type
};

// Walks `folder` (open as `dir`, which this closes) into `out`.
void walk(DIR* dir, const std::string& folder, std::vector<InputFile>& out, std::error_code& ec) {
  const int fd = ::dirfd(dir);
  std::vector<Entry> entries;
  errno = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') entries.push_back({e->d_name, e->d_type});  // hidden, and . and ..
    errno = 0;
  }
  if (errno != 0) {
    ec.assign(errno, std::generic_category());
    ::closedir(dir);
    return;
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  for (const Entry& e : entries) {
    struct stat st;
    bool haveStat = false;
    unsigned char type = e.type;
    if (type == DT_UNKNOWN) {
      if (::fstatat(fd, e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      haveStat = type != DT_LNK;
    }
    if (type == DT_DIR) {
      const int sub = ::openat(fd, e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) {
        if (errno == EACCES || errno == EPERM || errno == ENOENT) continue;
        ec.assign(errno, std::generic_category());
        break;
      }
      DIR* subDir = ::fdopendir(sub);
      if (!subDir) {
        ec.assign(errno, std::generic_category());
        ::close(sub);
        break;
      }
      walk(subDir, joined(folder, e.name), out, ec);
      if (ec) break;
      continue;
    }
    if ((type != DT_REG && type != DT_LNK) || !(hasJsonExtension(e.name) || hasYamlExtension(e.name))) continue;
    // A link counts as what it points to (a linked folder is not entered).
    if (!haveStat && ::fstatat(fd, e.name.c_str(), &st, 0) != 0) {
      if (type == DT_LNK) continue;  // dangling
      out.push_back({joined(folder, e.name), 0, false});  // its read will say what is wrong
      continue;
    }
    if (S_ISREG(st.st_mode)) out.push_back({joined(folder, e.name), static_cast<uint64_t>(st.st_size), true});
  }
  ::closedir(dir);
}

}  // namespace

bool hasJsonExtension(std::string_view name) {
  if (name.size() < 5) return false;
  std::string_view ext = name.substr(name.size() - 5);
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return ext[0] == '.' && lower(ext[1]) == 'j' && lower(ext[2]) == 's' && lower(ext[3]) == 'o' && lower(ext[4]) == 'n';
}

std::vector<InputFile> jsonFilesOf(const std::string& folder, std::error_code& ec) {
  std::vector<InputFile> files;
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) {
    ec.assign(errno, std::generic_category());
    return files;
  }
  walk(dir, folder, files, ec);
  return files;
}

Source sourceFor(const std::string& file, const std::string& root) {
  const fs::path path(file);
  Source src;
  src.name = path.generic_string();
  src.folder = path.parent_path().lexically_normal().generic_string();
  std::vector<std::string> parts;
  fs::path rel = root.empty() ? path.parent_path() : path.parent_path().lexically_relative(root);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) rel = path.parent_path();
  for (const fs::path& p : rel) parts.push_back(p.generic_string());
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "accounts" && i + 1 < parts.size()) src.account = parts[i + 1];
    if (looksLikeRegion(parts[i])) src.region = parts[i];
  }
  return src;
}

const Source& SourceNamer::operator()(const std::string& file, const std::string& root) {
  const size_t slash = file.rfind('/');
  const std::string_view folder = slash == std::string::npos ? std::string_view() : std::string_view(file).substr(0, slash);
  if (!valid_ || folder != folder_ || root != root_) {
    src_ = sourceFor(file, root);
    folder_ = folder;
    root_ = root;
    valid_ = true;
  } else {
    src_.name = genericName(file);
  }
  return src_;
}

}  // namespace ward::load
