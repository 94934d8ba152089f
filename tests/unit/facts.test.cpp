// Tests of the fact base: interning, the builder (merging, references,
// defaults), the columns' buffers, derived columns and their thread safety,
// the AWS schema's completeness, and docs/facts.md staying in step with the
// schema.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/facts.hpp"
#include "runtime/pod_buffer.hpp"
#include "tests/unit/source_root.hpp"

using namespace ward;

namespace {

KindId kind(std::string_view name) { return *Schema::aws().findKind(name); }
AttrId attr(std::string_view k, std::string_view a) { return *Schema::aws().kind(kind(k)).find(a); }

Value get(const FactBase& fb, std::string_view k, std::string_view id, std::string_view a) {
  auto i = fb.find(kind(k), id);
  REQUIRE_MESSAGE(i.has_value(), k << " " << id << " is missing");
  return fb.get(kind(k), *i, attr(k, a));
}

std::string text(const FactBase& fb, std::string_view k, std::string_view id, std::string_view a) {
  return fb.format(get(fb, k, id, a));
}

Value cidr(std::string_view s) { return Value::cidr(*net::parseCidr(s)); }

// A three-subnet VPC built through the builder API, as a loader would.
std::shared_ptr<const FactBase> smallEstate() {
  FactBaseBuilder b;
  auto s = [&](std::string_view v) { return Value::string(b.intern(v)); };
  EntityIndex vpc = b.upsert(kind("vpc"), "vpc-1");
  b.set(kind("vpc"), vpc, attr("vpc", "cidr"), cidr("10.0.0.0/16"));
  for (auto [id, block] : {std::pair{"subnet-a", "10.0.1.0/24"}, {"subnet-b", "10.0.2.0/24"}, {"subnet-c", "10.0.3.0/24"}}) {
    EntityIndex sn = b.upsert(kind("subnet"), id);
    b.setRef(kind("subnet"), sn, attr("subnet", "vpc"), "vpc-1");
    b.set(kind("subnet"), sn, attr("subnet", "cidr"), cidr(block));
  }
  EntityIndex mainRt = b.upsert(kind("route_table"), "rtb-main");
  b.setRef(kind("route_table"), mainRt, attr("route_table", "vpc"), "vpc-1");
  b.set(kind("route_table"), mainRt, attr("route_table", "main"), Value::boolean(true));
  EntityIndex pub = b.upsert(kind("route_table"), "rtb-pub");
  b.setRef(kind("route_table"), pub, attr("route_table", "vpc"), "vpc-1");
  b.setRefList(kind("route_table"), pub, attr("route_table", "subnets"), std::vector<std::string>{"subnet-a", "subnet-x"});
  EntityIndex igw = b.upsert(kind("internet_gateway"), "igw-1");
  b.setRef(kind("internet_gateway"), igw, attr("internet_gateway", "vpc"), "vpc-1");
  EntityIndex r = b.upsert(kind("route"), "rtb-pub:0.0.0.0/0");
  b.setRef(kind("route"), r, attr("route", "table"), "rtb-pub");
  b.set(kind("route"), r, attr("route", "destination"), cidr("0.0.0.0/0"));
  b.set(kind("route"), r, attr("route", "target"), s("igw-1"));
  b.set(kind("route"), r, attr("route", "target_kind"), s("internet_gateway"));
  b.setRef(kind("route"), r, attr("route", "internet_gateway"), "igw-1");
  EntityIndex acl = b.upsert(kind("network_acl"), "acl-1");
  b.setRef(kind("network_acl"), acl, attr("network_acl", "vpc"), "vpc-1");
  b.set(kind("network_acl"), acl, attr("network_acl", "is_default"), Value::boolean(true));
  for (auto [id, rule] : {std::pair{"acl-1:in:200", 200}, {"acl-1:in:100", 100}, {"acl-1:out:100", 100}}) {
    EntityIndex e = b.upsert(kind("nacl_entry"), id);
    b.setRef(kind("nacl_entry"), e, attr("nacl_entry", "acl"), "acl-1");
    b.set(kind("nacl_entry"), e, attr("nacl_entry", "rule_number"), Value::integer(rule));
    b.set(kind("nacl_entry"), e, attr("nacl_entry", "egress"), Value::boolean(std::string_view(id).find(":out:") != std::string_view::npos));
    b.set(kind("nacl_entry"), e, attr("nacl_entry", "cidr"), cidr("0.0.0.0/0"));
  }
  EntityIndex job = b.upsert(kind("training_job"), "train-1");
  b.setRefList(kind("training_job"), job, attr("training_job", "subnets"), std::vector<std::string>{"subnet-b", "subnet-b", "subnet-c"});
  auto fb = b.finish();
  REQUIRE(fb.has_value());
  return *fb;
}

}  // namespace

TEST_SUITE("facts") {
  TEST_CASE("the interner dedupes, finds, and keeps views valid as it grows") {
    Interner in;
    StrId a = in.intern("subnet-1");
    std::string_view view = in.get(a);
    std::vector<StrId> ids;
    for (int i = 0; i < 100000; ++i) ids.push_back(in.intern("id-" + std::to_string(i)));
    CHECK(in.intern("subnet-1") == a);
    CHECK(view == "subnet-1");
    CHECK(in.get(ids[77777]) == "id-77777");
    CHECK(in.find("id-99999") == ids[99999]);
    CHECK_FALSE(in.find("id-100000").has_value());
    StrId empty = in.intern("");
    CHECK(in.get(empty).empty());
    CHECK(in.intern("") == empty);
    CHECK(in.size() == 100002);
  }

  TEST_CASE("the interner tells apart strings that differ in one byte anywhere, at every short length") {
    // The hash reads a string's last 1-7 bytes in pieces; a byte it missed
    // would give two of these strings one hash (the interner would still
    // tell them apart, by comparing the text, so the hashes are checked).
    Interner in;
    std::vector<std::string> texts;
    for (size_t n = 1; n <= 17; ++n)
      for (size_t at = 0; at < n; ++at)
        for (unsigned char byte : {'b', 'c', '\xff'}) {
          std::string s(n, 'a');
          s[at] = static_cast<char>(byte);
          texts.push_back(s);
        }
    for (size_t n = 0; n <= 17; ++n) texts.push_back(std::string(n, 'a'));
    std::vector<StrId> ids;
    for (const std::string& s : texts) ids.push_back(in.intern(s));
    CHECK(in.size() == texts.size());  // every text is new
    std::vector<uint32_t> hashes = in.hashes();
    std::sort(hashes.begin(), hashes.end());
    CHECK(std::adjacent_find(hashes.begin(), hashes.end()) == hashes.end());
    for (size_t i = 0; i < texts.size(); ++i) {
      CHECK(in.get(ids[i]) == texts[i]);
      CHECK(in.find(texts[i]) == ids[i]);
      CHECK(in.intern(texts[i]) == ids[i]);
    }
  }

  TEST_CASE("big vectors: huge-page mappings are aligned, zeroed, and survive growth and copies") {
    BigVector<uint64_t> v;
    // Past 2 MiB the buffer is its own mapping, aligned to a huge page.
    for (uint64_t i = 0; i < 600000; ++i) v.push_back(i * 3);
    CHECK(v.capacity() * sizeof(uint64_t) >= big_alloc::kHugePage);
    CHECK(reinterpret_cast<uintptr_t>(v.data()) % big_alloc::kHugePage == 0);
    CHECK(v[0] == 0);
    CHECK(v[599999] == 599999 * 3);
    BigVector<uint64_t> copy = v;  // a second mapping, not shared
    copy[1] = 7;
    CHECK(v[1] == 3);
    BigVector<uint32_t> zeros(1 << 20);
    CHECK(std::all_of(zeros.begin(), zeros.end(), [](uint32_t x) { return x == 0; }));
    v.resize(10);
    v.shrink_to_fit();  // back to an ordinary heap block
    CHECK(v.size() == 10);
    CHECK(v[9] == 27);
  }

  TEST_CASE("address columns keep IPv4 in eight bytes and give back every value exactly") {
    auto same = [](const Value& a, const Value& b) {
      return a.tag == b.tag && a.b0 == b.b0 && a.b1 == b.b1 && a.b2 == b.b2 && a.w == b.w && a.x == b.x && a.y == b.y;
    };
    FactColumn cidrs(Type::of(BaseType::Cidr)), ips(Type::of(BaseType::Ip));
    CHECK(cidrs.encoding() == FactColumn::Encoding::Addr);
    CHECK(ips.encoding() == FactColumn::Encoding::Addr);
    const std::vector<std::string> texts = {"0.0.0.0/0", "10.0.0.0/16", "255.255.255.255/32", "192.168.1.0/24",
                                            "::/0", "2001:db8::/32", "::ffff:10.0.0.0/104", "fe80::1/128"};
    cidrs.grow(texts.size() + 2);
    ips.grow(texts.size() + 2);
    std::vector<Value> want, wantIp;
    for (size_t i = 0; i < texts.size(); ++i) {
      auto c = net::parseCidr(texts[i]);
      REQUIRE(c);
      want.push_back(Value::cidr(*c));
      wantIp.push_back(Value::ip(c->addr));
      cidrs.set(i, want.back());
      ips.set(i, wantIp.back());
    }
    for (size_t i = 0; i < texts.size(); ++i) {
      CAPTURE(texts[i]);
      CHECK(same(cidrs.get(i), want[i]));
      CHECK(same(ips.get(i), wantIp[i]));
    }
    // Unset entries and values of another type read as null.
    CHECK(cidrs.get(texts.size()).isNull());
    cidrs.set(texts.size() + 1, Value::integer(7));
    CHECK(cidrs.get(texts.size() + 1).isNull());
    ips.set(0, want[1]);  // a CIDR is not an IP
    CHECK(ips.get(0).isNull());
    // Setting again replaces, both ways between the compact and wide forms.
    cidrs.set(0, want[5]);
    cidrs.set(4, want[1]);
    CHECK(same(cidrs.get(0), want[5]));
    CHECK(same(cidrs.get(4), want[1]));
    cidrs.set(0, Value{});
    CHECK(cidrs.get(0).isNull());
  }

  TEST_CASE("dates round-trip and invalid dates are refused") {
    CHECK(parseDate("1970-01-01") == 0);
    CHECK(parseDate("2024-02-29").has_value());
    CHECK_FALSE(parseDate("2023-02-29").has_value());
    CHECK_FALSE(parseDate("2024-13-01").has_value());
    CHECK_FALSE(parseDate("24-01-01").has_value());
    CHECK(formatDate(*parseDate("2024-02-29")) == "2024-02-29");
    CHECK(formatDate(*parseDate("1969-12-31")) == "1969-12-31");
  }

  TEST_CASE("the builder merges by id, resolves references and fills defaults") {
    FactBaseBuilder b;
    EntityIndex v1 = b.upsert(kind("vpc"), "vpc-1");
    b.set(kind("vpc"), v1, attr("vpc", "state"), Value::string(b.intern("pending")));
    CHECK(b.upsert(kind("vpc"), "vpc-1") == v1);
    EntityIndex sn = b.upsert(kind("subnet"), "subnet-1");
    b.setRef(kind("subnet"), sn, attr("subnet", "vpc"), "vpc-1");
    EntityIndex sn2 = b.upsert(kind("subnet"), "subnet-2");
    b.setRef(kind("subnet"), sn2, attr("subnet", "vpc"), "vpc-missing");
    // A later plain set replaces an earlier reference, and vice versa.
    EntityIndex sn3 = b.upsert(kind("subnet"), "subnet-3");
    b.setRef(kind("subnet"), sn3, attr("subnet", "vpc"), "vpc-1");
    b.set(kind("subnet"), sn3, attr("subnet", "vpc"), Value{});
    auto fb = b.finish();
    REQUIRE(fb.has_value());
    const FactBase& f = **fb;
    CHECK(f.count(kind("vpc")) == 1);
    CHECK(text(f, "vpc", "vpc-1", "state") == "pending");
    CHECK(text(f, "subnet", "subnet-1", "vpc") == "vpc-1");
    CHECK(get(f, "subnet", "subnet-2", "vpc").isNull());
    CHECK(get(f, "subnet", "subnet-3", "vpc").isNull());
    // Defaults: never written, yet every non-nullable attribute reads a value.
    CHECK(text(f, "subnet", "subnet-1", "state") == "available");
    CHECK(text(f, "subnet", "subnet-1", "map_public_ip") == "false");
    CHECK(text(f, "subnet", "subnet-1", "ipv6_cidrs") == "[]");
    CHECK(get(f, "subnet", "subnet-1", "az_id").isNull());
    CHECK_FALSE(f.find(kind("instance"), "x").has_value());
    // The column view agrees with get().
    ColumnView col = f.column(kind("subnet"), attr("subnet", "state"));
    CHECK(f.str(col[1].asString()) == "available");
    CHECK(f.list(f.all(kind("subnet"))).size() == 3);
    CHECK(f.idOf(kind("subnet"), 2) == "subnet-3");
  }

  TEST_CASE("an id upserted with the hash prefetchId gave is the entity upsert finds by its text") {
    FactBaseBuilder b;
    const std::string id = "sg-0123456789abcdef0:in:7";
    const uint32_t h = b.prefetchId(id);
    CHECK(h == Interner::hash(id));
    EntityIndex r = b.upsert(kind("sg_rule"), id, h);
    CHECK(b.upsert(kind("sg_rule"), id) == r);
    CHECK(b.upsert(kind("sg_rule"), "sg-0123456789abcdef0:in:8", b.prefetchId("sg-0123456789abcdef0:in:8")) == r + 1);
    CHECK(b.count(kind("sg_rule")) == 2);
    // A prefetch alone creates nothing.
    b.prefetchId("sg-0123456789abcdef0:out:0");
    CHECK_FALSE(b.find(kind("sg_rule"), "sg-0123456789abcdef0:out:0").has_value());
    CHECK(b.count(kind("sg_rule")) == 2);
  }

  TEST_CASE("one string may be the id of entities of several kinds, and each kind finds its own") {
    FactBaseBuilder b;
    // "shared" is first a plain value, then a vpc's id, then a subnet's and
    // a security group's; "only-vpc" names a vpc alone.
    EntityIndex v0 = b.upsert(kind("vpc"), "only-vpc");
    b.set(kind("vpc"), v0, attr("vpc", "state"), Value::string(b.intern("shared")));
    EntityIndex v1 = b.upsert(kind("vpc"), "shared");
    EntityIndex s0 = b.upsert(kind("subnet"), "subnet-0");
    EntityIndex s1 = b.upsert(kind("subnet"), "shared");
    EntityIndex g0 = b.upsert(kind("security_group"), "shared");
    CHECK(v1 == 1);
    CHECK(s1 == s0 + 1);
    CHECK(g0 == 0);
    // Upserting again finds each kind's entity, whichever kind came first.
    CHECK(b.upsert(kind("security_group"), "shared") == g0);
    CHECK(b.upsert(kind("subnet"), "shared") == s1);
    CHECK(b.upsert(kind("vpc"), "shared") == v1);
    CHECK(b.count(kind("vpc")) == 2);
    CHECK(b.count(kind("subnet")) == 2);
    CHECK(b.count(kind("security_group")) == 1);
    // References resolve within their target kind.
    b.setRef(kind("subnet"), s0, attr("subnet", "vpc"), "shared");
    b.setRef(kind("subnet"), s1, attr("subnet", "vpc"), "only-vpc");
    auto fb = b.finish();
    REQUIRE(fb.has_value());
    const FactBase& f = **fb;
    CHECK(f.find(kind("vpc"), "shared") == std::optional<EntityIndex>(v1));
    CHECK(f.find(kind("subnet"), "shared") == std::optional<EntityIndex>(s1));
    CHECK(f.find(kind("security_group"), "shared") == std::optional<EntityIndex>(g0));
    CHECK_FALSE(f.find(kind("instance"), "shared").has_value());
    CHECK_FALSE(f.find(kind("subnet"), "only-vpc").has_value());
    CHECK(f.find(kind("vpc"), "only-vpc") == std::optional<EntityIndex>(v0));
    // A string that is only a value names no entity.
    CHECK_FALSE(f.find(kind("vpc"), "pending").has_value());
    CHECK(text(f, "subnet", "subnet-0", "vpc") == "shared");
    CHECK(get(f, "subnet", "subnet-0", "vpc").entityIndex() == v1);
    CHECK(get(f, "subnet", "shared", "vpc").entityIndex() == v0);
    CHECK(f.idOf(kind("security_group"), g0) == "shared");
  }

  TEST_CASE("reference lists drop ids that resolve to nothing") {
    auto fb = smallEstate();
    CHECK(text(*fb, "route_table", "rtb-pub", "subnets") == "[subnet-a]");
  }

  TEST_CASE("derived network attributes") {
    auto fb = smallEstate();
    const FactBase& f = *fb;
    // Explicit association, else the VPC's main table.
    CHECK(text(f, "subnet", "subnet-a", "route_table") == "rtb-pub");
    CHECK(text(f, "subnet", "subnet-b", "route_table") == "rtb-main");
    CHECK(text(f, "subnet", "subnet-a", "public") == "true");
    CHECK(text(f, "subnet", "subnet-b", "public") == "false");
    CHECK(text(f, "subnet", "subnet-b", "private") == "true");
    CHECK(text(f, "subnet", "subnet-a", "default_route") == "rtb-pub:0.0.0.0/0");
    CHECK(get(f, "subnet", "subnet-b", "default_route").isNull());
    CHECK(text(f, "subnet", "subnet-c", "network_acl") == "acl-1");
    CHECK(text(f, "vpc", "vpc-1", "subnets") == "[subnet-a, subnet-b, subnet-c]");
    CHECK(text(f, "vpc", "vpc-1", "main_route_table") == "rtb-main");
    CHECK(text(f, "vpc", "vpc-1", "internet_gateways") == "[igw-1]");
    // NACL entries in rule order, ending with the implicit deny-all added at load.
    CHECK(text(f, "network_acl", "acl-1", "inbound") == "[acl-1:in:100, acl-1:in:200, acl-1:in:32767]");
    CHECK(text(f, "network_acl", "acl-1", "outbound") == "[acl-1:out:100, acl-1:out:32767]");
    CHECK(text(f, "nacl_entry", "acl-1:in:32767", "allow") == "false");
    CHECK(text(f, "nacl_entry", "acl-1:in:32767", "traffic") == "all");
    CHECK(text(f, "nacl_entry", "acl-1:in:100", "allow") == "true");
    // Workloads: repeats collapse, and subnets and the VPC see the job.
    CHECK(text(f, "subnet", "subnet-b", "ml_workloads") == "[train-1]");
    CHECK(text(f, "subnet", "subnet-a", "has_ml_workloads") == "false");
    CHECK(text(f, "vpc", "vpc-1", "ml_workloads") == "[train-1]");
    CHECK(text(f, "training_job", "train-1", "vpc") == "vpc-1");
    CHECK(text(f, "training_job", "train-1", "vpc_mode") == "true");
    CHECK(text(f, "training_job", "train-1", "encrypted") == "false");
    CHECK(text(f, "training_job", "train-1", "name") == "train-1");
    // No resource named an account, so there are no account entities.
    CHECK(f.count(kind("account")) == 0);
  }

  TEST_CASE("derived columns are computed once, safely, from many threads") {
    auto fb = smallEstate();
    const FactBase& f = *fb;
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        for (int round = 0; round < 200; ++round) {
          if (f.format(get(f, "subnet", "subnet-a", "public")) != "true") ++wrong;
          if (f.format(get(f, "network_acl", "acl-1", "inbound")) != "[acl-1:in:100, acl-1:in:200, acl-1:in:32767]")
            ++wrong;
          const bool subnets = (t + round) % 2;
          if (f.format(get(f, "vpc", "vpc-1", subnets ? "subnets" : "ml_workloads")) !=
              (subnets ? "[subnet-a, subnet-b, subnet-c]" : "[train-1]"))
            ++wrong;
        }
      });
    for (auto& th : threads) th.join();
    CHECK(wrong == 0);
    // The same list value every time: memoised, not recomputed.
    CHECK(get(f, "vpc", "vpc-1", "subnets").sameBits(get(f, "vpc", "vpc-1", "subnets")));
  }

  TEST_CASE("the list of every entity of a kind is made once, on first use, from many threads") {
    auto fb = smallEstate();
    const FactBase& f = *fb;
    const KindId subnet = kind("subnet"), vpc = kind("vpc");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        const KindId k = t % 2 ? subnet : vpc;
        for (int round = 0; round < 100; ++round) {
          const std::span<const Value> all = f.list(f.all(k));
          if (all.size() != f.count(k)) ++wrong;
          for (size_t i = 0; i < all.size(); ++i)
            if (!all[i].sameBits(Value::entity(k, static_cast<EntityIndex>(i)))) ++wrong;
        }
      });
    for (auto& th : threads) th.join();
    CHECK(wrong == 0);
    CHECK(f.count(subnet) > 1);
    CHECK(f.all(subnet).sameBits(f.all(subnet)));
    CHECK(!f.all(subnet).sameBits(f.all(vpc)));
    // A kind with no entities: an empty list, not null.
    FactBaseBuilder b;
    auto empty = b.finish();
    REQUIRE(empty);
    CHECK((*empty)->all(subnet).tag == Tag::List);
    CHECK((*empty)->list((*empty)->all(subnet)).empty());
  }

  TEST_CASE("kindsWithAttr lists, in kind order, exactly the kinds that have the attribute") {
    const Schema& s = Schema::aws();
    for (std::string_view name : {"id", "tags", "cidr", "vpc", "private", "no_such_attribute"}) {
      CAPTURE(name);
      std::vector<std::pair<KindId, AttrId>> want;
      for (size_t k = 0; k < s.kindCount(); ++k)
        if (auto a = s.kind(static_cast<KindId>(k)).find(name)) want.emplace_back(static_cast<KindId>(k), *a);
      std::vector<std::pair<KindId, AttrId>> got;
      for (const Schema::KindAttr& ka : s.kindsWithAttr(name)) got.emplace_back(ka.kind, ka.attr);
      CHECK(got == want);
    }
    CHECK(s.kindsWithAttr("id").size() == s.kindCount());
    CHECK(s.kindsWithAttr("tags").size() > 1);
    CHECK(s.kindsWithAttr("no_such_attribute").empty());

    // A copy extended with a kind (as Engine::declareKind does) indexes its
    // attributes too, and leaves the original as it was.
    Schema extended = s;
    const KindId host = extended.addKind("widget", "widgets", "A host kind.");
    AttrDef cidr;
    cidr.name = "cidr";
    cidr.type = Type::of(BaseType::Cidr);
    const AttrId hostCidr = extended.addAttr(host, cidr);
    AttrDef own;
    own.name = "widget_only";
    own.type = Type::of(BaseType::Int);
    extended.addAttr(host, own);
    REQUIRE(extended.kindsWithAttr("widget_only").size() == 1);
    CHECK(extended.kindsWithAttr("widget_only")[0].kind == host);
    CHECK(extended.kindsWithAttr("cidr").size() == s.kindsWithAttr("cidr").size() + 1);
    CHECK(extended.kindsWithAttr("cidr").back().kind == host);
    CHECK(extended.kindsWithAttr("cidr").back().attr == hostCidr);
    CHECK(s.kindsWithAttr("widget_only").empty());
  }

  TEST_CASE("the AWS schema documents every attribute") {
    const Schema& s = Schema::aws();
    CHECK(s.kindCount() >= 40);
    for (size_t k = 0; k < s.kindCount(); ++k) {
      const KindDef& kd = s.kind(static_cast<KindId>(k));
      CAPTURE(kd.name);
      CHECK_FALSE(kd.doc.empty());
      CHECK_FALSE(kd.collection.empty());
      CHECK(s.findCollection(kd.collection) == static_cast<KindId>(k));
      for (const AttrDef& a : kd.attrs) {
        CAPTURE(a.name);
        CHECK_FALSE(a.doc.empty());
        CHECK_FALSE(a.awsField.empty());
        if (a.type.base == BaseType::Entity || a.type.elem == BaseType::Entity) {
          bool anyKind = a.type.kind == kNoKind && a.type.elem == BaseType::Entity;
          CHECK((anyKind || a.type.kind < s.kindCount()));
        }
      }
    }
    // The contract of STDLIB.md: a few attributes every rule relies on.
    for (auto ka : {std::pair{"subnet", "public"}, {"subnet", "has_nat"}, {"vpc", "has_flow_logs"},
                        {"training_job", "vpc_mode"}, {"network_acl", "inbound"}, {"vpc_endpoint", "service"},
                        {"security_group", "ingress"}, {"vpn_connection", "tunnels_up"}, {"endpoint", "models"}}) {
      // Note: named copies, which clang 14 can capture (a structured binding it cannot).
      const char* const k = ka.first;
      const char* const a = ka.second;
      CAPTURE(k);
      CAPTURE(a);
      CHECK(s.kind(kind(k)).find(a).has_value());
    }
  }

  TEST_CASE("every derived attribute computes on an empty fact base") {
    FactBaseBuilder b;
    auto fb = b.finish();
    REQUIRE(fb.has_value());
    const Schema& s = Schema::aws();
    for (size_t k = 0; k < s.kindCount(); ++k) {
      CHECK((*fb)->count(static_cast<KindId>(k)) == 0);
      for (AttrId a = 0; a < s.kind(static_cast<KindId>(k)).attrs.size(); ++a)
        CHECK((*fb)->column(static_cast<KindId>(k), a).size == 0);
    }
  }

  TEST_CASE("docs/facts.md holds the generated schema tables") {
    // The generated part sits between two markers; regenerate it with
    // WARD_UPDATE_DOCS=1 after a schema change.
    const std::filesystem::path doc = ward::testing::sourceRoot("docs/facts.md") / "docs" / "facts.md";
    std::ifstream in(doc);
    REQUIRE_MESSAGE(in.good(), "cannot open " << doc.string());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string begin = "<!-- BEGIN GENERATED SCHEMA: edit runtime/aws_schema.cpp, not this -->\n";
    const std::string end = "<!-- END GENERATED SCHEMA -->";
    size_t b = text.find(begin), e = text.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    std::string generated = schemaMarkdown(Schema::aws());
    std::string current = text.substr(b + begin.size(), e - b - begin.size());
    if (current != generated && std::getenv("WARD_UPDATE_DOCS")) {
      std::ofstream out(doc);
      out << text.substr(0, b + begin.size()) << generated << text.substr(e);
      current = generated;
    }
    CHECK_MESSAGE(current == generated, "docs/facts.md is stale: run the unit tests with WARD_UPDATE_DOCS=1");

    // And the JSON Schema of the format, next to it.
    std::filesystem::path schemaFile = doc.parent_path() / "ward-facts.schema.json";
    std::string json = wardFactsJsonSchema(Schema::aws());
    if (std::getenv("WARD_UPDATE_DOCS")) std::ofstream(schemaFile) << json;
    std::ifstream sin(schemaFile);
    std::stringstream sss;
    sss << sin.rdbuf();
    CHECK_MESSAGE(sss.str() == json, "docs/ward-facts.schema.json is stale: run the unit tests with WARD_UPDATE_DOCS=1");
    CHECK(json.find("\"subnet\": {") != std::string::npos);
  }

  TEST_CASE("PodBuffer: growth keeps what was written and fills the rest; copies are deep, moves leave it empty") {
    PodBuffer<uint64_t> b;
    CHECK(b.empty());
    b.resize(3, 7);
    b[1] = 42;
    // Large enough (24 MiB) to be a huge-page mapping of its own, copied into from malloc's block.
    const size_t big = size_t{3} << 20;
    b.resize(big, 9);
    REQUIRE(b.size() == big);
    CHECK(b[0] == 7);
    CHECK(b[1] == 42);
    CHECK(b[2] == 7);
    CHECK(b[3] == 9);
    CHECK(b[big - 1] == 9);
    b[big - 1] = 5;

    PodBuffer<uint64_t> copy(b);
    copy[1] = 1;
    CHECK(b[1] == 42);
    CHECK(copy[big - 1] == 5);

    b.resize(2);  // shrinking keeps the first entries
    CHECK(b.size() == 2);
    CHECK(b[1] == 42);
    b.resize(4, 3);  // and growing again fills anew
    CHECK(b[2] == 3);
    CHECK(b[3] == 3);

    PodBuffer<uint64_t> moved(std::move(copy));
    CHECK(copy.empty());
    CHECK(copy.data() == nullptr);
    CHECK(moved.size() == big);
    CHECK(moved[1] == 1);
    moved = b;
    CHECK(moved.size() == 4);
    CHECK(moved[1] == 42);
  }

  TEST_CASE("PodBuffer: a large buffer is a huge-page mapping that grows by moving its pages, every entry kept") {
    PodBuffer<uint32_t> b;
    // 1.5M entries (6 MiB) are malloc's; 2.5M (10 MiB) a mapping of its own.
    const size_t small = 1'500'000, mapped = 2'500'000, bigger = 7'000'000;
    b.resize(small);
    for (size_t i = 0; i < small; ++i) b[i] = static_cast<uint32_t>(i * 2654435761u);
    b.resize(mapped, 1);
    CHECK(reinterpret_cast<uintptr_t>(b.data()) % big_alloc::kHugePage == 0);
    const uint32_t* before = b.data();
    // Within the mapping's last 2 MiB page: no move.
    b.resize(mapped + 1000, 2);
    CHECK(b.data() == before);
    // Past it: the pages move to a larger mapping.
    b.resize(bigger, 3);
    CHECK(reinterpret_cast<uintptr_t>(b.data()) % big_alloc::kHugePage == 0);
    REQUIRE(b.size() == bigger);
    size_t wrong = 0;
    for (size_t i = 0; i < small; ++i) wrong += b[i] != static_cast<uint32_t>(i * 2654435761u);
    for (size_t i = small; i < mapped; ++i) wrong += b[i] != 1;
    for (size_t i = mapped; i < mapped + 1000; ++i) wrong += b[i] != 2;
    for (size_t i = mapped + 1000; i < bigger; ++i) wrong += b[i] != 3;
    CHECK(wrong == 0);
    PodBuffer<uint32_t> copy(b);
    CHECK(std::memcmp(copy.data(), b.data(), bigger * sizeof(uint32_t)) == 0);
  }

  TEST_CASE("Interner: strings stay where they were put across blocks of every size") {
    Interner in;
    std::vector<std::string> texts;
    std::vector<StrId> ids;
    // About 20 MB of text: blocks from 64 KiB up to 4 MiB huge-page mappings.
    for (size_t i = 0; i < 300'000; ++i) {
      texts.push_back("arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-" + std::to_string(i));
      ids.push_back(in.intern(texts.back()));
    }
    std::string longOne(5u << 20, 'x');  // longer than any block: one of its own
    const StrId longId = in.intern(longOne);
    size_t wrong = 0;
    for (size_t i = 0; i < texts.size(); ++i) wrong += in.get(ids[i]) != texts[i] || in.intern(texts[i]) != ids[i];
    CHECK(wrong == 0);
    CHECK(in.get(longId) == longOne);
    CHECK(in.size() == texts.size() + 1);
  }
}
