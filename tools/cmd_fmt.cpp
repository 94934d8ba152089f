// `ward fmt FILE...`: reformat the whitespace of policy files (docs/cli.md).
#include <cerrno>
#include <cstring>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "dsl/driver.hpp"
#include "dsl/format.hpp"
#include "tools/cli.hpp"

namespace ward::cli {

namespace {

struct FmtArgs {
  std::vector<std::string> files;
  bool check = false;
  bool write = false;
};

// Rewrites `path` with `text`; a diagnostic when it cannot.
Result<bool> writeFile(const std::string& path, const std::string& text) {
  // Writing over the file (rather than renaming a new one into place) keeps
  // its permissions, owner and any link to it.
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (out) out.close();
  if (!out) return fail(inputError(path, fmt::format("cannot write the formatted file: {}", std::strerror(errno))));
  return true;
}

int runFmtCommand(const FmtArgs& args, const Common& common) {
  bool failed = false;
  bool unformatted = false;
  std::string out;
  // Each file is handled on its own: an error in one (reported on stderr)
  // does not stop the others from being checked or formatted.
  for (const std::string& path : args.files) {
    auto src = readPolicyFile(path);
    if (!src) {
      printDiagnostics(src.error(), common);
      failed = true;
      continue;
    }
    SourceMap sources;
    const uint32_t id = sources.add(src->name, src->text);
    auto formatted = formatSource(sources, id);
    if (!formatted) {
      printDiagnostics(sources, formatted.error(), common);
      failed = true;
      continue;
    }
    const bool changed = *formatted != src->text;
    if (args.check) {
      if (changed) out += fmt::format("{}: not formatted\n", path);
      unformatted = unformatted || changed;
    } else if (args.write) {
      if (!changed) continue;
      if (auto written = writeFile(path, *formatted); !written) {
        printDiagnostics(written.error(), common);
        failed = true;
        continue;
      }
      fprintf(stderr, "formatted %s\n", path.c_str());
    } else {
      out += *formatted;
    }
  }
  fwrite(out.data(), 1, out.size(), stdout);
  if (failed) return kExitError;
  return unformatted ? kExitFindings : kExitOk;
}

}  // namespace

Runner addFmt(CLI::App& app, Common& common) {
  auto args = std::make_shared<FmtArgs>();
  app.add_option("files", args->files, "policy files to format")->required();
  auto* check = app.add_flag("--check", args->check,
                             "write nothing; list the files that are not formatted and exit 1 if there are any");
  app.add_flag("-w,--write", args->write, "rewrite the files that are not formatted in place")->excludes(check);
  return [args, &common] { return runFmtCommand(*args, common); };
}

}  // namespace ward::cli
