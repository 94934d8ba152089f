// The REPL's session (tools/repl.cpp): what each kind of input answers,
// statements kept and replaced, errors that leave the session as it was,
// and tab completion.
#include <algorithm>

#include <doctest/doctest.h>

#include "runtime/load/load.hpp"
#include "tools/repl.hpp"

using namespace ward;
using ward::repl::Reply;
using ward::repl::Session;

namespace {

const char* kFacts = R"({"format": "ward-facts", "version": 1, "facts": {
  "vpc": [{"id": "vpc-1", "cidr": "10.0.0.0/16"}],
  "subnet": [
    {"id": "subnet-a", "vpc": "vpc-1", "cidr": "10.0.1.0/24", "az": "us-east-1a"},
    {"id": "subnet-b", "vpc": "vpc-1", "cidr": "10.0.2.0/24", "az": "us-east-1b"}
  ]
}})";

std::unique_ptr<Session> openSession() {
  auto facts = loadFactsFromJson(kFacts, "facts.json");
  REQUIRE(facts);
  repl::Options opts;
  opts.withStdlib = false;
  std::string diagnostics;
  auto s = Session::open(opts, *facts, diagnostics);
  REQUIRE(s);
  CHECK(diagnostics.empty());
  return s;
}

}  // namespace

TEST_CASE("repl: an expression answers its value and type") {
  auto s = openSession();
  Reply r = s->run("count(x in subnets where x.az == \"us-east-1a\")");
  CHECK(r.ok);
  CHECK(r.out == "1 : int\n");
  CHECK(r.err.empty());
  CHECK(s->run(":type subnets").out == "list<subnet>\n");
  CHECK(s->run("  ").out.empty());
}

TEST_CASE("repl: an error points at the input that caused it and changes nothing") {
  auto s = openSession();
  Reply r = s->run("1 +");
  CHECK_FALSE(r.ok);
  CHECK(r.err.find("<repl:1>:1:4: error:") != std::string::npos);
  CHECK(r.err.find("^") != std::string::npos);
  r = s->run("let n = count(subnets) +");
  CHECK_FALSE(r.ok);
  CHECK(r.err.find("<repl:2>:1:") != std::string::npos);
  CHECK(s->statements().empty());
  CHECK_FALSE(s->run("n").ok);  // the failed let was not kept
}

TEST_CASE("repl: a statement that compiles but cannot be evaluated is not kept either") {
  auto s = openSession();
  REQUIRE(s->run("let n = 1").ok);
  Reply r = s->run("let n = 9223372036854775807 + 1");
  CHECK_FALSE(r.ok);
  CHECK(r.out.empty());
  CHECK(r.err.find("integer overflow") != std::string::npos);
  CHECK(r.err.find("note: let n was not kept") != std::string::npos);
  CHECK(s->run("n").out == "1 : int\n");  // the earlier n is back
  r = s->run("rule big {\n  for x in subnets\n  require 9223372036854775807 + count(subnets) > 0\n}");
  CHECK_FALSE(r.ok);
  CHECK(r.err.find("note: rule big was not kept") != std::string::npos);
  CHECK(s->statements().size() == 1);
  CHECK_FALSE(s->run(":check big").ok);
}

TEST_CASE("repl: a statement's name is found after any whitespace the grammar skips") {
  auto s = openSession();
  Reply r = s->run("let\v\f n = 3");
  CHECK(r.ok);
  CHECK(r.out == "n = 3 : int\n");
  REQUIRE(s->statements().size() == 1);
  CHECK(s->statements()[0].name == "n");
  REQUIRE(s->run("let n = 4").ok);  // replaces it
  CHECK(s->statements().size() == 1);
}

TEST_CASE("repl: lets, defs and rules are kept, and a later one of the same name replaces the earlier") {
  auto s = openSession();
  Reply r = s->run("let n = count(subnets)");
  CHECK(r.ok);
  CHECK(r.out == "n = 2 : int\n");
  CHECK(r.err.empty());  // no "unused let" for what was typed to be used next
  CHECK(s->run("n + 10").out == "12 : int\n");
  r = s->run("def in_a(x: subnet) = x.az == \"us-east-1a\"");
  CHECK(r.out == "def in_a(x: subnet) : bool\n");
  CHECK(s->run("count(x in subnets where in_a(x)) + n").out == "3 : int\n");

  r = s->run("let n = 5");
  CHECK(r.out == "n = 5 : int\n");
  CHECK(s->statements().size() == 2);
  CHECK(s->run("n").out == "5 : int\n");

  // A rule runs at once, and :check runs it again by name.
  r = s->run("rule only_a {\n  for x in subnets\n  require in_a(x)\n}");
  CHECK(r.ok);
  CHECK(r.out.find("subnet subnet-b: requirement not met: in_a(x)") != std::string::npos);
  CHECK(r.out.find("1 finding") != std::string::npos);
  CHECK(s->run(":check only_a").out == r.out);
  CHECK(s->run(":session").out ==
        "def in_a(x: subnet) = x.az == \"us-east-1a\"\nlet n = 5\nrule only_a {\n  for x in subnets\n  require in_a(x)\n}\n");
}

TEST_CASE("repl: :forget refuses what other statements still use") {
  auto s = openSession();
  REQUIRE(s->run("def in_a(x: subnet) = x.az == \"us-east-1a\"").ok);
  REQUIRE(s->run("let a = count(x in subnets where in_a(x))").ok);
  Reply r = s->run(":forget in_a");
  CHECK_FALSE(r.ok);
  CHECK(r.err.starts_with("error: cannot forget 'in_a': the session still uses it here\n"));
  CHECK(r.err.find("<repl:2>:1:") != std::string::npos);
  CHECK(s->statements().size() == 2);
  CHECK(s->run(":forget a").ok);
  CHECK(s->run(":forget in_a").ok);
  CHECK(s->statements().empty());
  CHECK_FALSE(s->run(":forget in_a").ok);
}

TEST_CASE("repl: browsing facts") {
  auto s = openSession();
  CHECK(s->run(":ls subnet").out == "subnet-a\nsubnet-b\n");
  CHECK(s->run(":ls subnets 1").out == "subnet-a\n... and 1 more (:ls subnet 2)\n");
  CHECK(s->run(":ls vpc_endpoint").out == "no vpc_endpoints in the fact base\n");
  Reply r = s->run(":show subnet-b");
  CHECK(r.out.starts_with("subnet subnet-b\n"));
  CHECK(r.out.find("  cidr ") != std::string::npos);
  CHECK(r.out.find("10.0.2.0/24\n") != std::string::npos);
  CHECK(s->run(":show subnet subnet-b").out == r.out);
  CHECK(s->run(":show subnet-zz").err == "error: no fact has the id 'subnet-zz'\n");
  CHECK(s->run(":attrs subnet").out.find("(derived)") != std::string::npos);
  CHECK(s->run(":attrs subnett").err.find("did you mean 'subnet'?") != std::string::npos);
  CHECK(s->run(":kinds").out.find("subnet") != std::string::npos);
}

TEST_CASE("repl: :disasm lists a rule's bytecode, or an expression's") {
  auto s = openSession();
  REQUIRE(s->run("rule private_only { for x in subnets require x.az == \"us-east-1a\" }").ok);
  Reply r = s->run(":disasm private_only");
  CHECK(r.ok);
  CHECK(r.out.starts_with("== rule private_only"));
  CHECK(r.out.find("IterKind") != std::string::npos);
  r = s->run(":disasm count(subnets)");
  CHECK(r.out.starts_with("== expr count(subnets)"));
  CHECK(r.out.find("CountKind") != std::string::npos);
  CHECK_FALSE(s->run(":disasm count(").ok);
}

TEST_CASE("repl: unknown commands and misplaced statements are errors") {
  auto s = openSession();
  CHECK(s->run(":chek").err.find("did you mean ':check'?") != std::string::npos);
  CHECK_FALSE(s->run("import aws.sg").ok);
  CHECK_FALSE(s->run("package x").ok);
  CHECK_FALSE(s->run(":check nope").ok);
  CHECK(s->run(":quit").quit);
  CHECK(s->run(":q").quit);
}

TEST_CASE("repl: an input goes on while a bracket is open") {
  CHECK(Session::incomplete("rule r {"));
  CHECK(Session::incomplete("count(s in subnets"));
  CHECK_FALSE(Session::incomplete("rule r { for s in subnets require s.private }"));
  CHECK_FALSE(Session::incomplete("\"a { string\""));
  CHECK_FALSE(Session::incomplete("1 # a comment (with a bracket"));
  CHECK_FALSE(Session::incomplete(":show {"));
}

TEST_CASE("repl: tab completion") {
  auto s = openSession();
  using V = std::vector<std::string>;
  CHECK(s->complete("", ":ch") == V{":check"});
  CHECK(s->complete(":ls ", "sub") == V{"subnet"});
  CHECK(s->complete(":show ", "subnet-") == V{"subnet-a", "subnet-b"});
  CHECK(s->complete(":show subnet ", "") == V{"subnet-a", "subnet-b"});
  CHECK(s->complete(":reach subnet-a ", "int") == V{"internet"});
  // Attributes of the kind the line binds the name to, following references.
  CHECK(s->complete("count(x in subnets where ", "x.pri") == V{"x.private"});
  CHECK(s->complete("count(x in subnets where ", "x.vpc.ci") == V{"x.vpc.cidr", "x.vpc.cidrs"});
  CHECK(s->complete("def f(v: vpc) = ", "v.ci") == V{"v.cidr", "v.cidrs"});
  // Names: collections, builtins, keywords, the session's lets.
  REQUIRE(s->run("let subnet_count = count(subnets)").ok);
  CHECK(s->complete("", "subn") == V{"subnet_count", "subnets"});
  CHECK(s->complete("", "starts") == V{"starts_with"});
  CHECK(s->complete("count(x in subnets ", "wh") == V{"when", "where"});
  // A name whose kind the line does not tell: the attributes of every kind.
  const V any = s->complete("", "subnet_count.ci");
  CHECK(std::find(any.begin(), any.end(), "subnet_count.cidr") != any.end());
  CHECK(Session::wordStart("count(x in subnets where x.pr") == 25);
  CHECK(Session::wordStart(":show subnet-a") == 6);
}
