// Loading fact bases: Ward's own JSON fact format, folders of AWS CLI
// `describe-*` outputs, CloudFormation templates (JSON or YAML) and Terraform
// plans, auto-detected and merged into one FactBase.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"
#include "runtime/facts.hpp"

namespace ward {

// How loadFacts went about it (for tests and timings).
struct LoadStats {
  unsigned parts = 1;     // runs of input files loaded side by side, then merged
  unsigned reloaded = 0;  // parts that could not be merged and were loaded again after the others
};

// Guards against inputs that would exhaust memory or the stack, and how to
// load: threads, progress, cancellation.
struct LoadLimits {
  uint64_t maxFileBytes = 1ull << 30;  // per file
  uint32_t maxDepth = 256;             // JSON nesting
  // Called by loadFacts after each file with the bytes read so far and the
  // bytes of every input file (for a progress display); may be empty.
  std::function<void(uint64_t bytesDone, uint64_t bytesTotal)> progress;
  // Called by loadFacts once, after it has found the input files and before
  // it reads the first, with their bytes (the CLI prepares its heap with it:
  // common/heap.hpp); may be empty.
  std::function<void(uint64_t bytesTotal)> planned;
  // When set, checked before each file: once it reads true the load stops and
  // fails with "the load was cancelled" (a host that no longer needs the
  // facts, e.g. `ward check` whose policies failed to compile meanwhile).
  const std::atomic<bool>* cancel = nullptr;
  // Threads that read input files side by side (each a run of the files, in
  // order; the parts are merged so that the fact base, its warnings and any
  // errors are exactly those of one thread reading every file in turn).
  // 0: one per core, at most four, each with 192 KB of input or more.
  unsigned threads = 0;
  // When set, filled in with how the load was split.
  LoadStats* stats = nullptr;
};

// Loads every path (a file, or a folder searched recursively for *.json and
// *.yaml/*.yml/*.template files)
// into one fact base. Any error fails the whole load: there is never a
// partial fact base. Warnings (unknown files, incomplete snapshots,
// non-canonical CIDR blocks) are in the result's warnings().
Result<std::shared_ptr<const FactBase>> loadFacts(const std::vector<std::string>& paths, const LoadLimits& = {});

// Loads one text: Ward facts, one AWS CLI output, a CloudFormation template or a Terraform plan,
// detected by content (YAML when `name` ends in .yaml, .yml or .template).
// `name` is what diagnostics call it.
Result<std::shared_ptr<const FactBase>> loadFactsFromJson(std::string_view json, std::string_view name,
                                                          const LoadLimits& = {});

// Writes the stored facts as Ward JSON, one fact per line (derived attributes
// are left out: they follow from the rest). Loading the text gives back the
// same fact base; handy to turn a snapshot into an editable test topology.
std::string toWardJson(const FactBase& facts);

}  // namespace ward
