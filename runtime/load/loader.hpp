// Internal: the state of one load (builder, parser, limits, diagnostics, where
// each input came from) and the format readers it dispatches to.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/load/json.hpp"
#include "runtime/load/load.hpp"

namespace ward::load {

// Where an input came from. The folder groups files for region and account
// inference; the layout accounts/<id>/<region>/ gives both outright.
struct Source {
  std::string name;
  std::string folder;
  std::optional<std::string> account;
  std::optional<std::string> region;
};

// What reading files needs and reuses from file to file: the parser (with
// its index, several times the largest file) and the file buffer. A thread
// that loads several chunks of a parallel load keeps one for all of them.
class ReadScratch {
public:
  simdjson::ondemand::parser parser;

  // Room for `bytes` (a file and simdjson's padding). What it held before is
  // not kept, and new room is not cleared: each file overwrites it.
  char* room(size_t bytes);
  size_t capacity() const { return capacity_; }
  // Sizes the buffer and the parser, before the first of a run of files, for
  // the largest of them: each grows at most once for the run, not at every
  // file larger than those before it.
  void prepare(uint64_t largestFile);
  // Frees the buffer and the parser's memory.
  void release();

private:
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
};

// The attributes the AWS readers look up for every resource, by kind
// (kNoAttr where a kind has none), and the tag kind's.
struct KindAttrs {
  explicit KindAttrs(const Schema& s);
  KindId tagKind;
  AttrId tagKey, tagValue;
  std::vector<AttrId> account, region, tags, name;
};

class Loader {
public:
  // Reads with `scratch` if given (it must outlive the loader and serve one
  // loader at a time), else with the calling thread's (see threadScratch in
  // load.cpp), or scratch space of its own while another loader of this
  // thread has that.
  Loader(FactBaseBuilder& builder, const LoadLimits& limits, ReadScratch* scratch = nullptr);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;
  ReadScratch& scratch() { return *scratch_; }

  // Loads one JSON text (with simdjson padding after it). Problems are
  // recorded as diagnostics; nothing is thrown.
  void loadText(const Source& src, simdjson::padded_string_view text);
  // A CloudFormation template (cloudformation.cpp), YAML or JSON: converted
  // to Ward facts and loaded, or its errors recorded.
  void loadCloudFormation(const Source& src, std::string_view text, bool yaml);
  // A Terraform plan (`terraform show -json`, terraform.cpp): converted to
  // Ward facts and loaded, or its errors recorded.
  void loadTerraformPlan(const Source& src, std::string_view text);
  // After every input: fills in region and account where a folder's other
  // files reveal them.
  void finish();
  const Diagnostics& errors() const { return errors_; }
  // Parallel loading: appends what another loader read from the inputs after
  // this one's, once its builder has been absorbed into ours (`m`): its
  // errors, and its folders' region and account evidence and unplaced
  // entities.
  void absorb(Loader& other, const FactBaseBuilder::Absorbed& m);
  void error(Diagnostic d) { errors_.push_back(std::move(d)); }
  // Made on first use, then shared by every file of the load.
  const KindAttrs& kindAttrs() {
    if (!kindAttrs_) kindAttrs_ = std::make_unique<KindAttrs>(b.schema());
    return *kindAttrs_;
  }

  FactBaseBuilder& b;
  const LoadLimits& limits;
  const Source* source = nullptr;  // the input being read

  // Region and account evidence for the current folder, and the entities
  // created without one (filled in by finish() when the evidence is unique).
  void noteRegion(StrId region);
  void noteAccount(StrId account);
  void noteRegion(std::string_view region) {
    if (!region.empty()) noteRegion(b.intern(region));
  }
  void pendingPlace(KindId kind, EntityIndex index) { folder_->pending.emplace_back(kind, index); }
  // A warning about the current file. At most a few per file and kind of
  // problem, then one summary, so a bad export does not bury the output.
  void warn(JsonFile& j, const char* at, const std::string& category, std::string message);

private:
  void finishFile(JsonFile& j);
  void treeError(const Source& src, std::string_view text, bool yaml, Diagnostics errors);
  void loadConverted(const Source& src, const Result<std::string>& facts, Diagnostics& warnings);
  void dispatch(JsonFile& j, simdjson::ondemand::document& doc);

  std::unique_ptr<KindAttrs> kindAttrs_;
  std::unique_ptr<ReadScratch> ownScratch_;
  ReadScratch* scratch_;
  bool borrowed_ = false;  // scratch_ is the thread's, returned by the destructor
  Diagnostics errors_;
  struct FolderFacts {
    std::vector<StrId> regions;   // distinct; almost always one
    std::vector<StrId> accounts;  // distinct
    std::vector<std::pair<KindId, EntityIndex>> pending;
  };
  std::map<std::string, FolderFacts> folders_;
  FolderFacts* folder_ = nullptr;  // of the input being read
  std::map<std::string, int> warnCounts_;  // per category, for the current file
  bool cloudFormationPending_ = false;     // dispatch found a JSON template
  bool terraformPending_ = false;          // dispatch found a Terraform plan
};

// Format readers. Each reads the root value of one file.
void readWardFacts(Loader& l, JsonFile& j, od::value& root);
// AWS CLI outputs: an object whose top-level keys name the call (Vpcs,
// Subnets, ...), a SageMaker describe-* object, or an array of them. Returns
// false when nothing in the file is recognised.
bool readAwsObject(Loader& l, JsonFile& j, od::value& root);
bool readAwsArray(Loader& l, JsonFile& j, od::value& root);
// A top-level key that names an AWS CLI collection ("Vpcs") or a wrapper of
// SageMaker describe outputs ("TrainingJobs").
bool isAwsCollectionKey(std::string_view key);

// The target kind of a route from its target id's prefix ("igw-" ->
// internet_gateway, "local" -> local), and the route attribute holding a
// reference to it (empty when there is none).
struct RouteTarget {
  std::string_view kind;
  std::string_view refAttr;
};
RouteTarget routeTargetOf(std::string_view targetId);

// Fast paths for the IPv4 forms that make up most of a snapshot ("10.0.0.0/16",
// "10.0.0.5"); anything else (IPv6, odd spellings) goes to net::parseCidr /
// net::parseIp, which these agree with.
std::optional<net::Cidr> parseCidrFast(std::string_view text);
std::optional<net::IpAddr> parseIpFast(std::string_view text);

// The id of the tag entity for key=value: "<key>=<value>", with '=' and '\\'
// in the key escaped by a backslash so that ids stay unique.
std::string tagId(std::string_view key, std::string_view value);
void tagId(std::string& out, std::string_view key, std::string_view value);

// The region of an availability-zone name ("us-east-2b" -> "us-east-2") or
// of an ARN; empty when it has none.
std::string_view regionOfAz(std::string_view az);
std::string_view regionOfArn(std::string_view arn);
std::string_view accountOfArn(std::string_view arn);
bool looksLikeRegion(std::string_view s);

}  // namespace ward::load
