// Parallel loading: every split of the inputs over threads must give exactly
// the fact base, warnings and errors of one thread reading the files in turn.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/load/load.hpp"
#include "runtime/load/loader.hpp"
#include "tests/unit/source_root.hpp"

using namespace ward;
namespace fs = std::filesystem;

namespace {

using ward::testing::sourceRoot;

// Everything a load produced: the stored facts in index order, every interned
// string in id order, the warnings, or else the errors.
std::string fingerprint(const Result<std::shared_ptr<const FactBase>>& r) {
  SourceMap none;
  if (!r) return "errors:\n" + render(none, r.error());
  const FactBase& fb = **r;
  std::string out = toWardJson(fb);
  out += "\nstrings:";
  for (StrId s = 0; s < fb.strings().size(); ++s) {
    out += ' ';
    out += fb.str(s);
  }
  out += "\nwarnings:\n" + render(none, fb.warnings());
  return out;
}

std::string fingerprint(const std::vector<std::string>& paths, unsigned threads, LoadStats* stats = nullptr) {
  LoadLimits limits;
  limits.threads = threads;
  limits.stats = stats;
  return fingerprint(loadFacts(paths, limits));
}

using Files = std::vector<std::pair<std::string, std::string>>;  // name, text

// Loads `files` in order as a parallel load would with the groups starting
// at `cuts`: the first group into the result's builder, each later one into
// a tracked builder of its own, absorbed in order (a group that cannot be
// is loaded again into the result). All on this thread, so the same every
// run, whereas loadFacts' threads may load any chunk straight into the fact
// base. Also says whether every group merged.
std::pair<std::string, bool> loadInGroups(const Files& files, std::vector<size_t> cuts) {
  LoadLimits limits;
  auto loadRange = [&](load::Loader& l, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      simdjson::padded_string padded(files[i].second);
      load::Source src;
      src.name = files[i].first;
      src.folder = "snapshot";
      l.loadText(src, padded);
    }
  };
  cuts.push_back(files.size());
  FactBaseBuilder builder;
  load::Loader loader(builder, limits);
  loadRange(loader, 0, cuts.front());
  bool allMerged = true;
  for (size_t g = 0; g + 1 < cuts.size(); ++g) {
    FactBaseBuilder part;
    part.trackForMerge();
    load::Loader partLoader(part, limits);
    loadRange(partLoader, cuts[g], cuts[g + 1]);
    if (auto m = builder.absorb(part)) {
      loader.absorb(partLoader, *m);
    } else {
      allMerged = false;
      loadRange(loader, cuts[g], cuts[g + 1]);
    }
  }
  if (!loader.errors().empty()) return {fingerprint(fail(loader.errors())), allMerged};
  loader.finish();
  return {fingerprint(builder.finish()), allMerged};
}

// The .json files under `dir`, in load order.
Files readFiles(const fs::path& dir) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  Files files;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    files.emplace_back(p.string(), std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return files;
}

// Every way to cut `files` into two groups (and, for a few files, three)
// gives the one-group result; `merges` says whether every group must merge.
void mergesAgree(const Files& files, bool merges = true) {
  const std::string one = loadInGroups(files, {files.size()}).first;
  for (size_t a = 1; a < files.size(); ++a) {
    CAPTURE(a);
    auto [two, merged] = loadInGroups(files, {a});
    CHECK(two == one);
    if (merges) CHECK(merged);
    for (size_t b = a + 1; b < files.size() && files.size() <= 8; ++b) {
      CAPTURE(b);
      CHECK(loadInGroups(files, {a, b}).first == one);
    }
  }
}

// A scratch folder with the given files, removed afterwards.
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& name) {
    dir = fs::temp_directory_path() / ("ward-load-parallel-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::path p = dir / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string path() const { return dir.string(); }
};

// Checks that 2, 3 and 5 threads agree with one, and returns the stats of
// the two-thread load.
LoadStats agrees(const std::vector<std::string>& paths) {
  const std::string one = fingerprint(paths, 1);
  LoadStats two;
  CHECK(fingerprint(paths, 2, &two) == one);
  for (unsigned threads : {3u, 5u}) {
    LoadStats stats;
    CHECK_MESSAGE(fingerprint(paths, threads, &stats) == one, threads << " threads");
  }
  return two;
}

std::string sg(const std::string& id, const std::string& vpc, const std::string& tagValue) {
  return R"({"GroupId": ")" + id + R"(", "GroupName": ")" + id + R"(", "VpcId": ")" + vpc +
         R"(", "Tags": [{"Key": "team", "Value": ")" + tagValue +
         R"("}], "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]})";
}

}  // namespace

TEST_SUITE("load-parallel") {
  TEST_CASE("every bundled snapshot loads the same on 1, 2, 3 and 5 threads") {
    const fs::path root = sourceRoot();
    std::vector<std::vector<std::string>> sets;
    for (const char* parent : {"tests/data/facts/batfish", "examples/estates", "tests/estates"})
      for (const auto& e : fs::directory_iterator(root / parent))
        if (e.is_directory()) sets.push_back({e.path().string()});
    sets.push_back({(root / "tests/data/facts").string()});
    sets.push_back({(root / "tests/data/facts/sagemaker").string(), (root / "tests/data/facts/ward").string(),
                    (root / "tests/data/facts/layout").string()});
    REQUIRE(sets.size() >= 8);
    for (const auto& paths : sets) {
      CAPTURE(paths.front());
      if (paths.size() == 1) mergesAgree(readFiles(paths.front()), false);
      LoadStats stats = agrees(paths);
      // Folders of one file cannot be split; the rest must really have been.
      if (fs::is_directory(paths.front()) && std::distance(fs::recursive_directory_iterator(paths.front()),
                                                           fs::recursive_directory_iterator{}) > 2)
        CHECK(stats.parts >= 2);
    }
    // The whole test-data folder: split, and merged without reloading. (A
    // small input is cut into one part per thread.)
    LoadStats stats;
    fingerprint({(root / "tests/data/facts").string()}, 3, &stats);
    CHECK(stats.parts == 3);
    CHECK(stats.reloaded == 0);
  }

  TEST_CASE("an input of several megabytes loads in chunks, the same as on one thread") {
    // Over 2 MB a thread, loadFacts cuts the input into more chunks than
    // threads, which the threads claim and the calling thread merges in order.
    Scratch s("chunks");
    size_t bytes = 0;
    for (int f = 0; f < 56; ++f) {
      std::string text = "{\"SecurityGroups\": [";
      for (int g = 0; g < 300; ++g) {
        const int n = f * 300 + g;
        if (g > 0) text += ", ";
        // Each group refers to one in a later file, and the VPCs and tags
        // repeat across files, so merges resolve references and shared ids.
        text += R"({"GroupId": "sg-)" + std::to_string(n) + R"(", "GroupName": "group-)" + std::to_string(n) +
                R"(", "VpcId": "vpc-)" + std::to_string(n % 7) + R"(", "Tags": [{"Key": "team", "Value": "t)" +
                std::to_string(n % 5) + R"("}], "IpPermissions": [{"IpProtocol": "tcp", "FromPort": )" +
                std::to_string(n % 1000) + R"(, "ToPort": )" + std::to_string(n % 1000 + 10) +
                R"(, "IpRanges": [{"CidrIp": "10.)" + std::to_string(n % 250) + R"(.0.0/16"}], "UserIdGroupPairs": [{"GroupId": "sg-)" +
                std::to_string((n + 900) % 16800) + R"("}]}]})";
      }
      text += "]}";
      bytes += text.size();
      char name[32];
      std::snprintf(name, sizeof name, "r%02d/SecurityGroups.json", f);
      s.write(name, text);
    }
    REQUIRE(bytes > 4u << 20);
    // Under ThreadSanitizer, where each load of these 4.6 MB takes seconds,
    // one and two threads only (two is the count that cuts it into chunks);
    // elsewhere 3 and 5 as well.
#if defined(__SANITIZE_THREAD__)
    constexpr bool kAllThreadCounts = false;
#elif defined(__has_feature)
    constexpr bool kAllThreadCounts = !__has_feature(thread_sanitizer);
#else
    constexpr bool kAllThreadCounts = true;
#endif
    LoadStats two;
    if (kAllThreadCounts) {
      two = agrees({s.path()});
    } else {
      CHECK(fingerprint({s.path()}, 2, &two) == fingerprint({s.path()}, 1));
    }
    CHECK(two.parts > 2);
    CHECK(two.reloaded == 0);
  }

  TEST_CASE("a resource, its tags and its references spread over the parts merge into one") {
    Scratch s("spread");
    // vpc-1 and the team=ml tag appear in every part; sg-2's rule refers to
    // a group of a later file; the subnet of the first file is described
    // again, with more, in the last.
    s.write("a.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "OwnerId": "111122223333"}],
                          "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]})");
    s.write("b.json", "{\"SecurityGroups\": [" + sg("sg-1", "vpc-1", "ml") + "]}");
    s.write("c.json", R"({"SecurityGroups": [{"GroupId": "sg-2", "VpcId": "vpc-1", "Tags": [{"Key": "team", "Value": "ml"}],
                          "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-3"}]}]}]})");
    s.write("d.json", "{\"SecurityGroups\": [" + sg("sg-3", "vpc-2", "ml") + "]}");
    s.write("e.json", R"({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a",
                          "MapPublicIpOnLaunch": true, "Tags": [{"Key": "Name", "Value": "one"}]}]})");
    mergesAgree(readFiles(s.dir));
    LoadStats stats = agrees({s.path()});
    CHECK(stats.parts >= 2);
    CHECK(stats.reloaded == 0);
    LoadLimits five;
    five.threads = 5;
    auto fb = loadFacts({s.path()}, five);
    REQUIRE(fb);
    KindId tag = *Schema::aws().findKind("tag");
    KindId subnet = *Schema::aws().findKind("subnet");
    CHECK((*fb)->count(tag) == 2);  // team=ml once, Name=one
    CHECK((*fb)->count(subnet) == 1);
  }

  TEST_CASE("a part whose reader folded in earlier state is not merged but loaded again") {
    // Allowed principals are appended to the service's list, file after
    // file: the reader of the second file reads the list the first one filled.
    const std::string first = R"({"ServiceConfigurations": [{"ServiceId": "vpce-svc-1", "ServiceName": "com.amazonaws.vpce.svc-1"}],
        "AllowedPrincipals": [{"ServiceId": "vpce-svc-1", "Principal": "arn:aws:iam::111122223333:root"}]})";
    const std::string second = R"({"AllowedPrincipals": [{"ServiceId": "vpce-svc-1", "Principal": "arn:aws:iam::444455556666:root"}]})";
    const std::string other = R"({"AllowedPrincipals": [{"ServiceId": "vpce-svc-2", "Principal": "arn:aws:iam::444455556666:root"}]})";
    // The merge itself, deterministically: refused for the same service,
    // done for another.
    auto loadInto = [](load::Loader& l, const std::string& name, const std::string& text) {
      simdjson::padded_string padded(text);
      load::Source src;
      src.name = name;
      src.folder = "snapshot";
      l.loadText(src, padded);
      REQUIRE(l.errors().empty());
    };
    for (const auto& [later, merges] : {std::pair{second, false}, std::pair{other, true}}) {
      FactBaseBuilder a, b;
      LoadLimits limits;
      load::Loader la(a, limits), lb(b, limits);
      b.trackForMerge();
      loadInto(la, "a.json", first);
      loadInto(lb, "b.json", later);
      auto m = a.absorb(b);
      CHECK(m.has_value() == merges);
      if (m) la.absorb(lb, *m);
    }
    // Through loadFacts, whichever way the threads share the files.
    Scratch s("fold");
    s.write("a.json", first);
    s.write("b.json", second);
    LoadStats stats = agrees({s.path()});
    CHECK(stats.parts == 2);
    LoadLimits two;
    two.threads = 2;
    auto fb = loadFacts({s.path()}, two);
    REQUIRE(fb);
    KindId svc = *Schema::aws().findKind("vpc_endpoint_service");
    auto principals = *Schema::aws().kind(svc).find("allowed_principals");
    CHECK((*fb)->format((*fb)->get(svc, 0, principals)) ==
          "[arn:aws:iam::111122223333:root, arn:aws:iam::444455556666:root]");
  }

  TEST_CASE("errors and warnings of every part come in file order") {
    Scratch s("diagnostics");
    s.write("a.json", R"({"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.1.7/24"}]})");
    s.write("b.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]})");
    s.write("c.json", R"({"Subnets": [{"SubnetId": "subnet-2", "CidrBlock": "10.0.2.9/24"}]})");
    s.write("d.json", R"({"what": "not an AWS output"})");
    const std::string warnings = fingerprint({s.path()}, 1);
    CHECK(warnings.find("host bits set") != std::string::npos);
    CHECK(warnings.find("the file is ignored") != std::string::npos);
    mergesAgree(readFiles(s.dir));
    agrees({s.path()});
    s.write("b.json", R"({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"})");
    s.write("e.json", R"({"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]})");
    const std::string errors = fingerprint({s.path(), (s.dir / "missing").string()}, 1);
    REQUIRE(errors.rfind("errors:", 0) == 0);
    CHECK(errors.find("b.json") < errors.find("e.json"));
    CHECK(errors.find("e.json") < errors.find("missing"));
    mergesAgree(readFiles(s.dir));
    agrees({s.path(), (s.dir / "missing").string()});
  }

  TEST_CASE("Ward facts in several parts: references and their warnings resolve as one load") {
    Scratch s("ward");
    s.write("a.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "vpc": [{"id": "vpc-1", "cidr": "10.0.0.0/16", "region": "us-east-1", "tags": {"team": "ml"}}],
        "subnet": [{"id": "subnet-a", "vpc": "vpc-1", "cidr": "10.0.1.0/24"}]}})");
    s.write("b.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "subnet": [{"id": "subnet-b", "vpc": "vpc-9", "cidr": "10.0.2.0/24", "tags": {"team": "ml"}},
                   {"id": "subnet-a", "az": "us-east-1b"}]}})");
    s.write("c.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "subnet": [{"id": "subnet-c", "vpc": "vpc-1", "cidr": "10.0.3.0/24"}]}})");
    const std::string one = fingerprint({s.path()}, 1);
    CHECK(one.find("matches no vpc") != std::string::npos);
    mergesAgree(readFiles(s.dir));
    LoadStats stats = agrees({s.path()});
    CHECK(stats.reloaded == 0);
  }

  TEST_CASE("an id shared by entities of several kinds across the parts merges as one load") {
    // "x-1" is a vpc in a.json, a subnet and a security group in b.json, and
    // the references to it in c.json name each kind.
    Scratch s("shared-ids");
    s.write("a.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "vpc": [{"id": "x-1", "cidr": "10.0.0.0/16"}, {"id": "vpc-2", "cidr": "10.1.0.0/16"}]}})");
    s.write("b.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "subnet": [{"id": "x-1", "vpc": "x-1", "cidr": "10.0.1.0/24"}],
        "security_group": [{"id": "x-1", "vpc": "vpc-2"}]}})");
    s.write("c.json", R"({"format": "ward-facts", "version": 1, "facts": {
        "subnet": [{"id": "subnet-2", "vpc": "x-1", "cidr": "10.0.2.0/24"}, {"id": "x-1", "az": "us-east-1a"}],
        "vpc": [{"id": "vpc-3", "cidr": "10.2.0.0/16"}, {"id": "x-1", "region": "us-east-1"}]}})");
    const std::string one = fingerprint({s.path()}, 1);
    CHECK(one.find("matches no") == std::string::npos);
    mergesAgree(readFiles(s.dir));
    CHECK(agrees({s.path()}).reloaded == 0);
    auto fb = loadFacts({s.path()}, LoadLimits{});
    REQUIRE(fb.has_value());
    const FactBase& f = **fb;
    const KindId vpc = *f.schema().findKind("vpc"), subnet = *f.schema().findKind("subnet");
    const KindId group = *f.schema().findKind("security_group");
    REQUIRE(f.find(vpc, "x-1").has_value());
    REQUIRE(f.find(subnet, "x-1").has_value());
    REQUIRE(f.find(group, "x-1").has_value());
    CHECK(f.count(vpc) == 3);
    CHECK(f.count(subnet) == 2);
    const AttrId subnetVpc = *f.schema().kind(subnet).find("vpc");
    CHECK(f.get(subnet, *f.find(subnet, "x-1"), subnetVpc).entityIndex() == *f.find(vpc, "x-1"));
    CHECK(f.get(subnet, *f.find(subnet, "subnet-2"), subnetVpc).entityIndex() == *f.find(vpc, "x-1"));
  }

  TEST_CASE("a cancelled parallel load fails, with no fact base") {
    Scratch s("cancel");
    for (int i = 0; i < 6; ++i)
      s.write("f" + std::to_string(i) + ".json", "{\"SecurityGroups\": [" + sg("sg-" + std::to_string(i), "vpc-1", "x") + "]}");
    std::atomic<bool> cancel{true};
    LoadLimits limits;
    limits.threads = 2;
    limits.cancel = &cancel;
    auto r = loadFacts({s.path()}, limits);
    REQUIRE_FALSE(r);
    CHECK(r.error()[0].message == "the load was cancelled");
  }
}
