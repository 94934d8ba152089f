// Test support for the compiler and VM tests: programs checked by the real
// checker (through the checker tests' fixture and test schema), compiled, and
// evaluated over small fact bases built with FactBaseBuilder.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "dsl/compile.hpp"
#include "runtime/facts.hpp"
#include "runtime/vm.hpp"
#include "tests/unit/check_fixture.hpp"

namespace ward::vm_test {

using check_test::Fixture;
using check_test::testSchema;

inline KindId kindOf(const std::string& name) {
  auto k = testSchema().findKind(name);
  REQUIRE_MESSAGE(k, "no kind " << name);
  return *k;
}

inline AttrId attrOf(const std::string& kind, const std::string& attr) {
  auto a = testSchema().kind(kindOf(kind)).find(attr);
  REQUIRE_MESSAGE(a, "no attribute " << kind << "." << attr);
  return *a;
}

// Builds a fact base over the test schema, naming kinds and attributes by text.
struct Facts {
  FactBaseBuilder b{testSchema()};

  EntityIndex add(const std::string& kind, const std::string& id) { return b.upsert(kindOf(kind), id); }
  void set(const std::string& kind, const std::string& id, const std::string& attr, Value v) {
    b.set(kindOf(kind), add(kind, id), attrOf(kind, attr), v);
  }
  void setBool(const std::string& kind, const std::string& id, const std::string& attr, bool v) {
    set(kind, id, attr, Value::boolean(v));
  }
  void setInt(const std::string& kind, const std::string& id, const std::string& attr, int64_t v) {
    set(kind, id, attr, Value::integer(v));
  }
  void setStr(const std::string& kind, const std::string& id, const std::string& attr, const std::string& v) {
    set(kind, id, attr, Value::string(b.intern(v)));
  }
  void setCidr(const std::string& kind, const std::string& id, const std::string& attr, const std::string& v) {
    auto c = net::parseCidr(v);
    REQUIRE(c);
    set(kind, id, attr, Value::cidr(*c));
  }
  void ref(const std::string& kind, const std::string& id, const std::string& attr, const std::string& target) {
    b.setRef(kindOf(kind), add(kind, id), attrOf(kind, attr), target);
  }
  void refs(const std::string& kind, const std::string& id, const std::string& attr, std::vector<std::string> targets) {
    b.setRefList(kindOf(kind), add(kind, id), attrOf(kind, attr), std::move(targets));
  }
  std::shared_ptr<const FactBase> finish() {
    auto fb = b.finish();
    REQUIRE_MESSAGE(fb, "fact base did not build");
    return *fb;
  }
};

// A small estate: one VPC, three subnets (private, public, and one whose
// `private` is unknown and whose CIDR lies outside the VPC), three jobs.
inline std::shared_ptr<const FactBase> smallEstate() {
  Facts f;
  f.setCidr("vpc", "vpc-1", "cidr", "10.0.0.0/16");
  f.setBool("vpc", "vpc-1", "is_default", false);
  f.refs("vpc", "vpc-1", "subnets", {"subnet-1", "subnet-2", "subnet-3"});
  f.refs("vpc", "vpc-1", "endpoints", {"vpce-1"});
  struct S {
    const char* id;
    const char* cidr;
    const char* az;
    int priv;  // 1 true, 0 false, -1 unset
    bool nat;
    int ips;
  };
  for (const S& s : {S{"subnet-1", "10.0.1.0/24", "us-east-1a", 1, false, 200},
                     S{"subnet-2", "10.0.2.0/24", "us-east-1b", 0, false, 5},
                     S{"subnet-3", "10.1.3.0/24", "us-east-1a", -1, true, 50}}) {
    f.ref("subnet", s.id, "vpc", "vpc-1");
    f.setCidr("subnet", s.id, "cidr", s.cidr);
    f.setStr("subnet", s.id, "az", s.az);
    if (s.priv >= 0) f.setBool("subnet", s.id, "private", s.priv == 1);
    f.setBool("subnet", s.id, "public", s.priv == 0);
    f.setBool("subnet", s.id, "has_nat", s.nat);
    f.setInt("subnet", s.id, "available_ips", s.ips);
  }
  f.setStr("training_job", "job-1", "name", "train-1");
  f.setBool("training_job", "job-1", "vpc_mode", true);
  f.refs("training_job", "job-1", "subnets", {"subnet-1", "subnet-2"});
  f.setStr("training_job", "job-2", "name", "train-2");
  f.setBool("training_job", "job-2", "vpc_mode", true);
  f.refs("training_job", "job-2", "subnets", {"subnet-1"});
  f.setStr("training_job", "job-3", "name", "train-3");
  f.setBool("training_job", "job-3", "vpc_mode", false);
  f.ref("vpc_endpoint", "vpce-1", "vpc", "vpc-1");
  f.setStr("vpc_endpoint", "vpce-1", "service", "s3");
  f.setStr("vpc_endpoint", "vpce-1", "endpoint_type", "gateway");
  f.setBool("vpc_endpoint", "vpce-1", "available", true);
  return f.finish();
}

// The bytecode listing of rule `id`, after a newline (for raw-string goldens).
inline std::string listing(const CompiledPolicy& p, const std::string& id) {
  const CompiledRule* r = p.findRule(id);
  REQUIRE_MESSAGE(r, "no rule " << id);
  return "\n" + disassemble(p, *r);
}

// Checks the fixture's modules and compiles them.
inline std::shared_ptr<const CompiledPolicy> compileFixture(Fixture& f) {
  auto errors = f.errors();
  for (const std::string& e : errors) MESSAGE("check error: " << e);
  REQUIRE(errors.empty());
  auto policy = compile(*f.program);
  REQUIRE_MESSAGE(policy, "compile failed: " << (policy ? "" : render(f.sources, policy.error())));
  return *policy;
}

// Checks and compiles one expression in the scope of the fixture's program
// (which may be absent).
inline std::shared_ptr<const CompiledExpr> compileExpr(Fixture& f, const std::string& text) {
  auto e = f.e(text);
  auto type = checkExpression(*e, f.program.get(), f.schema, f.options);
  REQUIRE_MESSAGE(type, "check failed for " << text << ": " << (type ? "" : type.error().front().message));
  auto compiled = compileExpression(*e, f.program.get(), &f.schema);
  REQUIRE(compiled);
  return *compiled;
}

}  // namespace ward::vm_test
