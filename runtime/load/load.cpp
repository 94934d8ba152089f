// The loading entry points: walking files and folders, reading each JSON text
// with one reused parser, detecting its format by content, and turning any
// problem into a diagnostic with file, line and column.
#include "runtime/load/load.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "runtime/load/cfn_tree.hpp"
#include "runtime/load/files.hpp"
#include "runtime/load/loader.hpp"

namespace ward {

namespace load {

namespace {

// The recursion of JsonFile::skip is bounded by the depth limit; this keeps a
// caller's generous limit from turning into a stack overflow. It stays below
// the On-Demand parser's own depth (1024 levels, whose last one it must never
// reach: its development checks, on in unoptimised builds, abort there).
constexpr uint32_t kHardDepthLimit = 1000;

bool isBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

KindAttrs::KindAttrs(const Schema& s)
    : tagKind(*s.findKind("tag")), tagKey(*s.kind(tagKind).find("key")), tagValue(*s.kind(tagKind).find("value")) {
  auto attrOr = [&](size_t k, std::string_view name) {
    auto a = s.kind(static_cast<KindId>(k)).find(name);
    return a ? *a : kNoAttr;
  };
  for (size_t k = 0; k < s.kindCount(); ++k) {
    account.push_back(attrOr(k, "account"));
    region.push_back(attrOr(k, "region"));
    tags.push_back(attrOr(k, "tags"));
    name.push_back(attrOr(k, "name"));
  }
}

namespace {

// Optimization: each thread keeps the parser and file buffer of its last load
// for the next, as a host that loads again and again (a REPL, a service, the
// bench) would keep a simdjson parser. Making them afresh, with the parser's
// index several times the largest file, and faulting that memory in was 7% of
// a one-thread load of the bench's S estate (0.55 MB in 34 files). One loader
// at a time has it (a load started from another's progress callback makes its
// own), and it is kept only while small, so a thread that once loaded a large
// file does not hold that much memory for good.
struct ThreadScratch {
  ReadScratch scratch;
  bool lent = false;
};
constexpr size_t kKeepScratchBytes = size_t{1} << 20;  // the largest file the kept parser serves

ThreadScratch& threadScratch() {
  thread_local ThreadScratch t;
  return t;
}

}  // namespace

Loader::Loader(FactBaseBuilder& builder, const LoadLimits& lim, ReadScratch* scratch) : b(builder), limits(lim) {
  if (scratch) {
    scratch_ = scratch;
  } else if (ThreadScratch& t = threadScratch(); !t.lent) {
    t.lent = true;
    borrowed_ = true;
    scratch_ = &t.scratch;
  } else {
    ownScratch_ = std::make_unique<ReadScratch>();
    scratch_ = ownScratch_.get();
  }
}

Loader::~Loader() {
  if (!borrowed_) return;
  ThreadScratch& t = threadScratch();
  if (t.scratch.parser.capacity() > kKeepScratchBytes || t.scratch.capacity() > kKeepScratchBytes + 4096)
    t.scratch.release();
  t.lent = false;
}

char* ReadScratch::room(size_t bytes) {
  if (capacity_ < bytes) {
    buffer_.reset();  // freed first, so the old and the new are never both held
    buffer_.reset(new char[bytes]);
    capacity_ = bytes;
  }
  return buffer_.get();
}

void ReadScratch::prepare(uint64_t largestFile) {
  // Optimization: a load's files come in path order, not by size, and the
  // buffer and the parser grew at each file larger than any before it (the
  // parser allocates anew, about 6 bytes per input byte, and the buffer copied
  // and zeroed its old content): each new block is faulted in afresh. Growing
  // once for the largest file took a fifth of the page faults off 21
  // one-thread loads of the bench's M estate (89,063 -> 70,308) and 1% of
  // their instructions (bench/RESULTS.md, session 22).
  room(static_cast<size_t>(largestFile) + simdjson::SIMDJSON_PADDING);
  // A failure here (too large, out of memory) is met again, and reported, by
  // the parse of the file itself.
  if (parser.capacity() < largestFile) {
    const simdjson::error_code ignored = parser.allocate(static_cast<size_t>(largestFile), parser.max_depth());
    static_cast<void>(ignored);
  }
}

void ReadScratch::release() {
  simdjson::ondemand::parser fresh;
  parser = std::move(fresh);
  buffer_.reset();
  capacity_ = 0;
}

void Loader::noteRegion(StrId region) {
  if (std::find(folder_->regions.begin(), folder_->regions.end(), region) == folder_->regions.end())
    folder_->regions.push_back(region);
}

void Loader::noteAccount(StrId account) {
  if (std::find(folder_->accounts.begin(), folder_->accounts.end(), account) == folder_->accounts.end())
    folder_->accounts.push_back(account);
}

void Loader::absorb(Loader& other, const FactBaseBuilder::Absorbed& m) {
  errors_.insert(errors_.end(), std::make_move_iterator(other.errors_.begin()),
                 std::make_move_iterator(other.errors_.end()));
  other.errors_.clear();
  for (auto& [name, theirs] : other.folders_) {
    FolderFacts& ours = folders_[name];
    folder_ = &ours;
    for (StrId r : theirs.regions) noteRegion(m.strings[r]);
    for (StrId a : theirs.accounts) noteAccount(m.strings[a]);
    for (auto [kind, index] : theirs.pending) ours.pending.emplace_back(kind, m.entities[kind][index]);
  }
  folder_ = nullptr;
  other.folders_.clear();
}

void Loader::warn(JsonFile& j, const char* at, const std::string& category, std::string message) {
  if (++warnCounts_[category] <= 5) b.warn(inputWarning(j.where(at), std::move(message)));
}

void Loader::finishFile(JsonFile& j) {
  for (const auto& [category, count] : warnCounts_)
    if (count > 5)
      b.warn(inputWarning(j.name(), fmt::format("{} more warnings of this file not shown ({})", count - 5, category)));
  warnCounts_.clear();
}

void Loader::finish() {
  const KindAttrs& attrs = kindAttrs();
  for (auto& [folder, facts] : folders_) {
    std::optional<StrId> region, account;
    if (facts.regions.size() == 1) region = facts.regions.front();
    if (facts.accounts.size() == 1) account = facts.accounts.front();
    for (auto [kind, index] : facts.pending) {
      const AttrId ra = attrs.region[kind], aa = attrs.account[kind];
      if (region && ra != kNoAttr && b.get(kind, index, ra).isNull()) b.set(kind, index, ra, Value::string(*region));
      if (account && aa != kNoAttr && b.get(kind, index, aa).isNull())
        b.set(kind, index, aa, Value::string(*account));
    }
  }
}

void Loader::dispatch(JsonFile& j, od::document& doc) {
  std::string_view text = j.text();
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start != std::string_view::npos && text[start] != '{' && text[start] != '[') {
    // A scalar document: say what it is, if it is valid JSON at all.
    std::string_view token = text.substr(start, std::min<size_t>(40, text.size() - start));
    token = token.substr(0, token.find_first_of(" \t\r\n"));
    if (findSyntaxError(text, 16)) j.malformed(text.data() + start, "not a JSON object or array");
    j.fail(text.data() + start, fmt::format("expected an object or an array at the top level, got {}",
                                            token.front() == '"' ? "a string" : std::string(token)));
  }
  od::value root;
  if (doc.get_value().get(root)) j.fail(nullptr, "expected an object or an array at the top level");
  od::json_type type{};
  j.check(root.type().get(type));
  bool recognised = false;
  if (type == od::json_type::object) {
    // A first pass over the top-level keys tells Ward facts from AWS output.
    bool ward = false, template_ = false, plan = false, formatVersion = false, terraformVersion = false;
    od::object o = j.object(root);
    // It stops at the first key that decides: a Ward key, a CloudFormation
    // template's, a Terraform plan's, or an AWS collection (so it never skips
    // a whole collection's array to get there). A plan says `format_version`
    // and `terraform_version` first, so it is known before its big values.
    j.fields(o, [&](std::string_view key, od::value&) {
      if (key == "format" || key == "facts" || key == "intents") ward = true;
      if (key == "AWSTemplateFormatVersion" || key == "Resources") template_ = true;
      if (key == "format_version") formatVersion = true;
      if (key == "terraform_version") terraformVersion = true;
      if (key == "planned_values" || (formatVersion && terraformVersion)) plan = true;
      return !ward && !template_ && !plan && !isAwsCollectionKey(key);
    });
    if (template_) {
      // Read as a whole by loadCloudFormation once this document is closed.
      cloudFormationPending_ = true;
      return;
    }
    if (plan) {
      // Likewise, by loadTerraformPlan.
      terraformPending_ = true;
      return;
    }
    doc.rewind();
    j.check(doc.get_value().get(root));
    if (ward) {
      readWardFacts(*this, j, root);
      recognised = true;
    } else {
      recognised = readAwsObject(*this, j, root);
    }
  } else if (type == od::json_type::array) {
    recognised = readAwsArray(*this, j, root);
  } else {
    j.fail(root.raw_json_token().data(), "expected an object or an array at the top level, got " + j.describe(root));
  }
  // On-Demand stops at the end of the first value; anything after it is an error.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    throw JsonError{"unexpected content after the JSON value", nullptr, {}, {}, true};
  if (!recognised)
    b.warn(inputWarning(j.name(),
                        "not Ward facts nor a recognised AWS CLI describe-* output; the file is ignored"));
}

void Loader::loadText(const Source& src, simdjson::padded_string_view text) {
  source = &src;
  folder_ = &folders_[src.folder];
  std::string_view view(text.data(), text.length());
  uint32_t depth = std::min(limits.maxDepth, kHardDepthLimit);
  JsonFile j(src.name, view, depth);
  // An empty file is an empty snapshot, not an error.
  if (isBlank(view)) return;
  if (hasYamlExtension(src.name)) {
    loadCloudFormation(src, view, true);
    source = nullptr;
    return;
  }
  size_t errorsBefore = errors_.size();
  auto syntaxError = [&](const std::string& fallback, const char* at) {
    // The syntax checker pinpoints malformed input precisely; if it finds
    // nothing wrong, report what simdjson said.
    if (auto se = findSyntaxError(view, depth)) {
      auto [line, col] = lineColOf(view, se->offset);
      error(inputError(fmt::format("{}:{}:{}", src.name, line, col), "malformed JSON: " + se->message));
    } else {
      error(inputError(j.where(at), "malformed JSON: " + fallback));
    }
  };
  try {
    od::document doc;
    auto err = scratch_->parser.iterate(text).get(doc);
    if (err) {
      syntaxError(simdjson::error_message(err), nullptr);
    } else {
      dispatch(j, doc);
    }
  } catch (const JsonError& e) {
    if (e.syntax) syntaxError(e.pointer.empty() ? e.message : e.message + " (at " + e.pointer + ")", nullptr);
    else if (auto se = findSyntaxError(view, depth)) {
      // On-Demand reads lazily, so a truncated or malformed text can first
      // show up as a value of the wrong type; the text's own fault comes first.
      auto [line, col] = lineColOf(view, se->offset);
      error(inputError(fmt::format("{}:{}:{}", src.name, line, col), "malformed JSON: " + se->message));
    } else {
      Diagnostic d = inputError(j.where(e.at), e.message);
      for (const std::string& n : e.notes) d.notes.push_back(Note{n, Span{}});
      error(std::move(d));
    }
  } catch (const simdjson::simdjson_error& e) {
    syntaxError(e.what(), nullptr);
  }
  if (cloudFormationPending_) {
    // Read now that the On-Demand document is done with the parser.
    cloudFormationPending_ = false;
    if (errors_.size() == errorsBefore) loadCloudFormation(src, view, false);
    source = nullptr;
    return;
  }
  if (terraformPending_) {
    terraformPending_ = false;
    if (errors_.size() == errorsBefore) loadTerraformPlan(src, view);
    source = nullptr;
    return;
  }
  if (errors_.size() == errorsBefore) finishFile(j);
  source = nullptr;
}

// A CloudFormation template (YAML by its extension, JSON by its top-level
// keys) is converted to Ward JSON facts, which load as any Ward file does.
void Loader::loadCloudFormation(const Source& src, std::string_view text, bool yaml) {
  auto tree = yaml ? parseYaml(text, src.name) : parseJsonTree(text, src.name);
  if (!tree) return treeError(src, text, yaml, tree.error());
  if (!isCloudFormation(*tree)) {
    b.warn(inputWarning(src.name, yaml ? "a YAML file that is not a CloudFormation template (no Resources, each with a Type); "
                                         "the file is ignored"
                                       : "not Ward facts, a CloudFormation template (its Resources need a Type each) nor a "
                                         "recognised AWS CLI describe-* output; the file is ignored"));
    return;
  }
  Diagnostics warnings;
  auto facts = cloudFormationToWardJson(*tree, src.name, warnings);
  loadConverted(src, facts, warnings);
}

// A Terraform plan (`terraform show -json plan.out`, recognised by its
// top-level keys) is converted to Ward JSON facts in the same way.
void Loader::loadTerraformPlan(const Source& src, std::string_view text) {
  auto tree = parseJsonTree(text, src.name);
  if (!tree) return treeError(src, text, false, tree.error());
  if (const CfnNode* planned = tree->get("planned_values"); planned && !planned->isMap())
    return error(inputError(src.name + " at /planned_values", "expected an object"));
  if (!isTerraformPlan(*tree)) {
    b.warn(inputWarning(src.name, "a Terraform JSON document without planned_values (a state file, or the plan of "
                                  "an empty configuration): nothing to load; the file is ignored"));
    return;
  }
  Diagnostics warnings;
  auto facts = terraformPlanToWardJson(*tree, src.name, warnings);
  loadConverted(src, facts, warnings);
}

// JSON that the tree reader refused: the syntax checker's line and column
// when it finds the fault, else the reader's own errors (YAML's carry theirs).
void Loader::treeError(const Source& src, std::string_view text, bool yaml, Diagnostics errors) {
  if (auto se = yaml ? std::nullopt : findSyntaxError(text, std::min(limits.maxDepth, kHardDepthLimit))) {
    auto [line, col] = lineColOf(text, se->offset);
    error(inputError(fmt::format("{}:{}:{}", src.name, line, col), "malformed JSON: " + se->message));
    return;
  }
  for (Diagnostic& d : errors) error(std::move(d));
}

// The Ward JSON a template or plan became, loaded under the input's name.
// Errors in it (a CIDR block the input got wrong, say) name the input,
// followed by "(as Ward facts)": their pointers are into the facts.
void Loader::loadConverted(const Source& src, const Result<std::string>& facts, Diagnostics& warnings) {
  for (Diagnostic& w : warnings) b.warn(std::move(w));
  if (!facts) {
    for (const Diagnostic& d : facts.error()) error(d);
    return;
  }
  Source converted = src;
  converted.name = src.name + " (as Ward facts)";
  const simdjson::padded_string padded(*facts);
  loadText(converted, padded);
}

// --- regions, accounts, route targets ----------------------------------------------

bool looksLikeRegion(std::string_view s) {
  // "us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-4".
  size_t dashes = std::count(s.begin(), s.end(), '-');
  if (dashes < 2 || s.size() < 6 || s[2] != '-') return false;
  if (!std::islower(static_cast<unsigned char>(s[0])) || !std::islower(static_cast<unsigned char>(s[1]))) return false;
  size_t last = s.rfind('-');
  if (last + 1 >= s.size()) return false;
  return std::all_of(s.begin() + static_cast<long>(last) + 1, s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view regionOfAz(std::string_view az) {
  // The region runs up to the digits of the first part that starts with one:
  // "us-east-2b" -> "us-east-2", "us-west-2-lax-1a" -> "us-west-2".
  size_t pos = 0;
  while (pos < az.size()) {
    size_t dash = az.find('-', pos);
    if (pos > 0 && az[pos] >= '0' && az[pos] <= '9') {
      size_t end = pos;
      while (end < az.size() && az[end] >= '0' && az[end] <= '9') ++end;
      std::string_view region = az.substr(0, end);
      return looksLikeRegion(region) ? region : std::string_view{};
    }
    if (dash == std::string_view::npos) break;
    pos = dash + 1;
  }
  return {};
}

namespace {
std::string_view arnPart(std::string_view arn, int index) {
  if (arn.rfind("arn:", 0) != 0) return {};
  size_t pos = 0;
  for (int i = 0; i < index; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  size_t end = arn.find(':', pos);
  if (end == std::string_view::npos) return {};
  return arn.substr(pos, end - pos);
}
}  // namespace

std::string_view regionOfArn(std::string_view arn) {
  std::string_view r = arnPart(arn, 3);
  return looksLikeRegion(r) ? r : std::string_view{};
}

std::string_view accountOfArn(std::string_view arn) {
  std::string_view a = arnPart(arn, 4);
  return a.size() == 12 && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; })
             ? a
             : std::string_view{};
}

namespace {

// Parses "a.b.c.d" at the start of text into v; returns the characters used,
// or 0 if it is not a plain dotted quad (leading zeros are left to net::).
// Unrolled per octet: it runs for nearly every CIDR block of a snapshot.
size_t parseQuad(std::string_view text, uint32_t& v) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto digit = [&](unsigned& d) { return p != end && (d = static_cast<unsigned char>(*p) - unsigned{'0'}) <= 9; };
  uint32_t out = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return 0;
      ++p;
    }
    unsigned d;
    if (!digit(d)) return 0;
    uint32_t n = d;
    ++p;
    if (digit(d)) {
      if (n == 0) return 0;  // a leading zero
      n = n * 10 + d;
      ++p;
      if (digit(d)) {
        n = n * 10 + d;
        ++p;
        if (n > 255) return 0;
      }
    }
    out = (out << 8) | n;
  }
  v = out;
  return static_cast<size_t>(p - text.data());
}

}  // namespace

std::optional<net::Cidr> parseCidrFast(std::string_view text) {
  uint32_t v;
  size_t n = parseQuad(text, v);
  if (n > 0 && n + 1 < text.size() && n + 3 >= text.size() && text[n] == '/') {
    uint32_t prefix = 0;
    size_t i = n + 1;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) prefix = prefix * 10 + (text[i] - '0');
    if (i == text.size() && prefix <= 32 && !(text[n + 1] == '0' && i - n > 2))
      return net::Cidr{net::ipv4(v), static_cast<uint8_t>(prefix)};
  }
  return net::parseCidr(text);
}

std::optional<net::IpAddr> parseIpFast(std::string_view text) {
  uint32_t v;
  if (parseQuad(text, v) == text.size() && !text.empty()) return net::ipv4(v);
  return net::parseIp(text);
}

void tagId(std::string& id, std::string_view key, std::string_view value) {
  id.clear();
  for (char c : key) {
    if (c == '=' || c == '\\') id += '\\';
    id += c;
  }
  id += '=';
  id += value;
}

std::string tagId(std::string_view key, std::string_view value) {
  std::string id;
  tagId(id, key, value);
  return id;
}

RouteTarget routeTargetOf(std::string_view id) {
  struct Prefix {
    std::string_view prefix, kind, ref;
  };
  static constexpr Prefix kPrefixes[] = {
      {"igw-", "internet_gateway", "internet_gateway"},
      {"eigw-", "egress_only_internet_gateway", "egress_only_internet_gateway"},
      {"nat-", "nat_gateway", "nat_gateway"},
      {"i-", "instance", "instance"},
      {"eni-", "network_interface", "network_interface"},
      {"vpce-", "vpc_endpoint", "vpc_endpoint"},
      {"pcx-", "vpc_peering_connection", "vpc_peering_connection"},
      {"tgw-", "transit_gateway", "transit_gateway"},
      {"vgw-", "vpn_gateway", "vpn_gateway"},
      {"cagw-", "carrier_gateway", ""},
      {"lgw-", "local_gateway", ""},
  };
  if (id == "local") return {"local", ""};
  for (const Prefix& p : kPrefixes)
    if (id.rfind(p.prefix, 0) == 0) return {p.kind, p.ref};
  return {"unknown", ""};
}

}  // namespace load

// --- public entry points -------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

// Reads `file` and loads it. `listedBytes` is its size when a folder walk
// listed it as a regular file (saving a stat per file); a file named on its
// own is checked here.
void loadFile(load::Loader& loader, const std::string& file, const load::Source& src, const uint64_t* listedBytes) {
  auto cannotRead = [&](int err) {
    loader.error(inputError(src.name, "cannot read the file: " + std::generic_category().message(err)));
  };
  // Optimization: open and read, and fstat only for a file named on its own;
  // stats and stdio's calls showed on snapshots of many small files.
  // Non-blocking: opening a FIFO must not wait for a writer (it is refused below).
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return cannotRead(errno);
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  uint64_t size = 0;
  if (listedBytes) {
    size = *listedBytes;
  } else {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return cannotRead(errno);
    if (!S_ISREG(st.st_mode)) {
      loader.error(inputError(src.name, S_ISDIR(st.st_mode) ? "cannot read the file: it is a folder"
                                                            : "cannot read the file: it is not a regular file"));
      return;
    }
    size = static_cast<uint64_t>(st.st_size);
  }
  if (size > loader.limits.maxFileBytes) {
    loader.error(inputError(src.name, fmt::format("the file is {} bytes, over the limit of {} bytes per file", size,
                                                  loader.limits.maxFileBytes)));
    return;
  }
  // One buffer serves every file, so a snapshot of thousands of files does not
  // allocate (and fault in) fresh memory for each.
  const size_t need = static_cast<size_t>(size) + simdjson::SIMDJSON_PADDING;
  char* const buf = loader.scratch().room(need);
  // One byte more than expected is asked for (the padding has room for it):
  // a read that returns it means the file grew since its size was taken, and
  // a short read of a regular file is its end, so a file whose size held
  // takes one read.
  size_t got = 0;
  while (got <= size) {
    ssize_t n = ::read(fd, buf + got, static_cast<size_t>(size) + 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return cannotRead(errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got == size) break;
  }
  if (got != size) {
    loader.error(inputError(src.name, "cannot read the file: it changed while it was read"));
    return;
  }
  std::memset(buf + size, 0, simdjson::SIMDJSON_PADDING);
  loader.loadText(src, simdjson::padded_string_view(buf, static_cast<size_t>(size), need));
}

}  // namespace

namespace {

uint64_t sizeOf(const fs::path& file) {
  std::error_code ec;
  uintmax_t n = fs::file_size(file, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

}  // namespace

namespace {

// What loadFacts does, in order: load a file, or report a problem with one of
// the paths it was given.
struct Step {
  enum class What : uint8_t { File, Error, Warning } what = What::File;
  std::string file, root;
  Diagnostic diag;
  uint64_t bytes = 0;
  bool listed = false;  // a folder walk found it a regular file of `bytes` bytes
};

std::vector<Step> planLoad(const std::vector<std::string>& paths) {
  std::vector<Step> steps;
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      steps.push_back({Step::What::Error, {}, {}, inputError(path, "no such file or folder")});
      continue;
    }
    if (!fs::is_directory(st)) {
      steps.push_back({Step::What::File, path, {}, {}, sizeOf(path)});
      continue;
    }
    // Files load in a fixed order, so results and diagnostics are reproducible.
    std::vector<load::InputFile> files = load::jsonFilesOf(path, ec);
    if (ec) steps.push_back({Step::What::Error, {}, {}, inputError(path, "cannot list the folder: " + ec.message())});
    if (files.empty()) steps.push_back({Step::What::Warning, {}, {}, inputWarning(path, "the folder holds no .json or .yaml files")});
    for (load::InputFile& f : files) steps.push_back({Step::What::File, std::move(f.path), path, {}, f.bytes, f.sized});
  }
  return steps;
}

// Contiguous runs of steps that end where the bytes read so far first reach
// each of `bounds` (fractions of the total, rising to 1). Every run has a
// file in it; a bound that would leave one without is skipped.
std::vector<std::pair<size_t, size_t>> cutByBytes(const std::vector<Step>& steps, const std::vector<double>& bounds) {
  uint64_t total = 0;
  for (const Step& s : steps) total += s.bytes;
  std::vector<std::pair<size_t, size_t>> out;
  size_t begin = 0, next = 0;
  uint64_t done = 0;
  bool hasFile = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    done += steps[i].bytes;
    hasFile = hasFile || steps[i].what == Step::What::File;
    bool cut = false;
    while (next < bounds.size() && double(done) >= bounds[next] * double(total)) {
      cut = true;
      ++next;
    }
    if (cut && hasFile && i + 1 < steps.size()) {
      out.emplace_back(begin, i + 1);
      begin = i + 1;
      hasFile = false;
    }
  }
  if (begin < steps.size()) {
    if (hasFile || out.empty()) out.emplace_back(begin, steps.size());
    else out.back().second = steps.size();
  }
  return out;
}

// Unless told otherwise, a thread per core, at most four, each with at least
// this many bytes of input: a second thread pays for itself from about 400 KB
// (two threads against one on the bench's estates, split as loadBounds cuts
// them: 1.08x the time at 221 KB, 0.79x at 449 KB, 0.72-0.85x at 549 KB). It
// brings its own parser, file buffer and builder, about 350 KB more at the
// peak (bench/RESULTS.md).
constexpr uint64_t kParallelBytes = 192u << 10;
constexpr uint64_t kMaxAutoThreads = 4;
// The calling thread's first part, and the most input that may wait in
// loaded chunks for their merge (as fractions of all the input): a chunk's
// fact base costs about what the same part of the merged one does, so this
// bounds what loading in parallel adds to peak memory. Other threads wait
// rather than load past it.
constexpr double kOwnShare = 0.2;
// Distinct strings come about one per 170 bytes of AWS CLI output in the
// bench's estates (173-177 at M and L; real snapshots have fewer), and the
// interner's table reserved from this holds at least that many. A closer
// guess than one per 100 halves the table at L (32 MB, not 64), where
// probing it is the load's main cache miss (bench/RESULTS.md).
constexpr uint64_t kBytesPerString = 170;

constexpr double kMaxPending = 0.15;
// ... but never fewer than this many chunks: with room for one, a thread that
// finishes a chunk while the calling thread is still busy (its first part, or
// the chunk before) waits until that chunk is merged; a trace of a two-thread
// load of 24 MB showed the second thread idle for about half of it.
constexpr uint64_t kMinPendingChunks = 2;
// The rest of the input comes in chunks of about this many bytes, and at
// least this many per other thread: small enough that several fit under
// kMaxPending and the threads finish close together, big enough that the
// cost of a chunk (a builder of its own, a merge) stays small. (At 24 MB, six
// chunks of 3 MB; at 250 MB, fifty of 4 MB: a quarter faster than twelve.)
constexpr uint64_t kChunkBytes = 4u << 20;
constexpr unsigned kMinChunksPerThread = 6;
// Below this many bytes a thread, the input is cut into one part per thread
// instead: a chunk's fixed costs (a builder of its own, its tracking and
// merge) outweigh the balance that finer chunks buy. (Two threads, one part
// each against the chunks: 0.79x the time at 1.1 MB, 0.96x at 2.3 MB.)
constexpr uint64_t kEvenSplitBytes = 2u << 20;

// Where the parts of a load of `bytes` on `threads` threads end, as fractions
// of its bytes: the calling thread's own first part, then the chunks.
std::vector<double> loadBounds(unsigned threads, uint64_t bytes) {
  if (threads <= 1) return {1.0};
  if (bytes < threads * kEvenSplitBytes) {
    std::vector<double> bounds;
    for (unsigned t = 1; t <= threads; ++t) bounds.push_back(double(t) / threads);
    return bounds;
  }
  const auto rest = static_cast<uint64_t>((1 - kOwnShare) * double(bytes));
  const auto chunks = static_cast<unsigned>(std::max<uint64_t>(rest / kChunkBytes, kMinChunksPerThread * (threads - 1)));
  std::vector<double> bounds{kOwnShare};
  const double chunk = (1 - kOwnShare) / chunks;
  for (unsigned c = 1; c <= chunks; ++c) {
    // The last chunks, one per thread, are cut in two so that the threads
    // finish closer together: at 24 MB on two threads, a whole last chunk
    // left one thread idle for about a fifth of the load while the other
    // loaded it and made the last merges. Interleaved runs: a median 8%
    // faster at that size.
    if (c + threads > chunks) bounds.push_back(kOwnShare + chunk * (c - 0.5));
    bounds.push_back(kOwnShare + chunk * c);
  }
  return bounds;
}

}  // namespace

Result<std::shared_ptr<const FactBase>> loadFacts(const std::vector<std::string>& paths, const LoadLimits& limits) {
  const std::vector<Step> steps = planLoad(paths);
  uint64_t bytesTotal = 0;
  for (const Step& s : steps) bytesTotal += s.bytes;
  if (limits.planned) limits.planned(bytesTotal);
  unsigned threads = limits.threads;
  if (threads == 0) {
    const uint64_t byBytes = bytesTotal / kParallelBytes;
    threads = static_cast<unsigned>(std::clamp<uint64_t>(std::min<uint64_t>(byBytes, kMaxAutoThreads), 1,
                                                         std::max(1u, std::thread::hardware_concurrency())));
  }
  const auto parts = cutByBytes(steps, loadBounds(threads, bytesTotal));
  if (limits.stats) *limits.stats = LoadStats{static_cast<unsigned>(parts.size()), 0};

  std::atomic<uint64_t> bytesDone{0};
  std::atomic<bool> stopped{false};
  auto cancelled = [&] {
    if (limits.cancel && limits.cancel->load(std::memory_order_relaxed)) stopped = true;
    return stopped.load(std::memory_order_relaxed);
  };
  const Diagnostic cancelError = inputError(paths.empty() ? std::string() : paths.front(), "the load was cancelled");
  // Only the calling thread reports progress, for every part's files.
  auto report = [&] {
    if (limits.progress) limits.progress(bytesDone.load(std::memory_order_relaxed), bytesTotal);
  };
  auto run = [&](load::Loader& loader, std::pair<size_t, size_t> part, bool onCaller) {
    load::SourceNamer sourceOf;
    uint64_t bytes = 0, largest = 0;
    for (size_t i = part.first; i < part.second; ++i) {
      bytes += steps[i].bytes;
      if (steps[i].what == Step::What::File && steps[i].bytes <= limits.maxFileBytes)
        largest = std::max(largest, steps[i].bytes);
    }
    loader.scratch().prepare(largest);
    if (!onCaller) loader.b.reserveStrings(static_cast<size_t>(bytes / kBytesPerString));
    for (size_t i = part.first; i < part.second; ++i) {
      const Step& s = steps[i];
      switch (s.what) {
        case Step::What::Error: loader.error(s.diag); break;
        case Step::What::Warning: loader.b.warn(s.diag); break;
        case Step::What::File:
          if (cancelled()) return;
          loadFile(loader, s.file, sourceOf(s.file, s.root), s.listed ? &s.bytes : nullptr);
          bytesDone += s.bytes;
          if (onCaller) report();
          break;
      }
    }
  };

  FactBaseBuilder builder;
  load::Loader loader(builder, limits);
  // Room for every part's strings from the start, so that merges rarely rehash.
  builder.reserveStrings(static_cast<size_t>(bytesTotal / kBytesPerString));
  if (parts.size() <= 1) {
    if (!parts.empty()) run(loader, parts.front(), true);
  } else {
    // This thread loads the first part; the others claim the chunks after
    // it in order, each loaded into a builder of its own, which this thread
    // merges once the parts before it are in. It claims chunks too: one whose
    // predecessors are all in loads straight into the fact base, and, while
    // the next one to merge is still loading elsewhere, a later one loads
    // apart. So the result is the one a single thread would have built (see
    // FactBaseBuilder::absorb), and a thread slowed down (a busy machine)
    // only means fewer chunks for it.
    struct Chunk {
      std::unique_ptr<FactBaseBuilder> builder;  // unless loaded straight into ours
      std::unique_ptr<load::Loader> loader;
      std::promise<void> ready;
      std::future<void> done = ready.get_future();
    };
    std::vector<Chunk> chunks(parts.size());
    std::vector<uint64_t> chunkBytes(parts.size());
    uint64_t largest = 0;
    for (size_t c = 0; c < parts.size(); ++c) {
      for (size_t i = parts[c].first; i < parts[c].second; ++i) chunkBytes[c] += steps[i].bytes;
      largest = std::max(largest, chunkBytes[c]);
    }
    const uint64_t maxPending =
        std::max(kMinPendingChunks * largest, static_cast<uint64_t>(kMaxPending * double(bytesTotal)));
    std::atomic<uint64_t> pending{0};  // bytes loaded apart and not merged yet
    std::atomic<size_t> nextChunk{0};
    // Each thread reads every chunk it loads apart with one parser and buffer.
    auto loadApart = [&](size_t c, load::ReadScratch& scratch) {
      Chunk& ch = chunks[c];
      try {
        ch.builder = std::make_unique<FactBaseBuilder>();
        ch.builder->trackForMerge();
        ch.loader = std::make_unique<load::Loader>(*ch.builder, limits, &scratch);
        run(*ch.loader, parts[c], false);
        pending += chunkBytes[c];
        ch.ready.set_value();
      } catch (...) {
        stopped = true;
        ch.ready.set_exception(std::current_exception());
      }
    };
    // Whether chunk c may load apart now without passing maxPending.
    auto roomFor = [&](size_t c) { return pending.load() + chunkBytes[c] <= maxPending; };
    auto work = [&] {
      load::ReadScratch scratch;
      for (;;) {
        size_t c = nextChunk.load();
        if (c >= chunks.size() || stopped) return;
        if (!roomFor(c)) {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          continue;
        }
        if (nextChunk.compare_exchange_weak(c, c + 1)) loadApart(c, scratch);
      }
    };
    // Joined however this scope is left; a failure stops the others early.
    struct Joiner {
      std::vector<std::thread> threads;
      std::atomic<bool>& stop;
      ~Joiner() {
        if (std::uncaught_exceptions()) stop = true;
        for (std::thread& t : threads) t.join();
      }
    } joiner{{}, stopped};
    // The first part is this thread's: the others start from the second.
    nextChunk = 1;
    for (unsigned t = 1; t < threads && t < chunks.size(); ++t) joiner.threads.emplace_back(work);
    run(loader, parts.front(), true);
    for (size_t c = 1; c < chunks.size();) {
      size_t unclaimed = c;
      if (nextChunk.compare_exchange_strong(unclaimed, c + 1)) {
        run(loader, parts[c], true);  // every chunk before it is in
        ++c;
        continue;
      }
      if (chunks[c].done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        // Still loading elsewhere: load a later chunk apart meanwhile, or wait.
        size_t d = nextChunk.load();
        if (d < chunks.size() && roomFor(d) && nextChunk.compare_exchange_strong(d, d + 1)) {
          loadApart(d, loader.scratch());
          report();
        } else {
          chunks[c].done.wait_for(std::chrono::milliseconds(100));
          report();
        }
        continue;
      }
      chunks[c].done.get();
      if (!cancelled()) {
        if (auto m = builder.absorb(*chunks[c].builder)) {
          loader.absorb(*chunks[c].loader, *m);
        } else {
          // The chunk's reader decided something from state an earlier chunk
          // had changed: load its files here, after the earlier ones, as a
          // single thread would have.
          for (size_t i = parts[c].first; i < parts[c].second; ++i) bytesDone -= steps[i].bytes;
          run(loader, parts[c], true);
          if (limits.stats) ++limits.stats->reloaded;
        }
      }
      chunks[c].loader.reset();
      chunks[c].builder.reset();
      pending -= chunkBytes[c];
      ++c;
    }
  }
  if (cancelled()) return fail(cancelError);
  if (!loader.errors().empty()) return fail(loader.errors());
  loader.finish();
  return builder.finish();
}

Result<std::shared_ptr<const FactBase>> loadFactsFromJson(std::string_view json, std::string_view name,
                                                          const LoadLimits& limits) {
  FactBaseBuilder builder;
  load::Loader loader(builder, limits);
  if (json.size() > limits.maxFileBytes)
    return fail(inputError(std::string(name), fmt::format("the input is {} bytes, over the limit of {} bytes",
                                                          json.size(), limits.maxFileBytes)));
  simdjson::padded_string text(json);
  load::Source src;
  src.name = std::string(name);
  loader.loadText(src, text);
  if (!loader.errors().empty()) return fail(loader.errors());
  loader.finish();
  return builder.finish();
}

}  // namespace ward
