// Unit tests for the PEGTL grammar alone (no AST): the analysis finds no
// problems, tokens match what they should, and must<> points raise messages.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/errors.hpp"
#include "grammar/grammar.hpp"

namespace g = ward::grammar;
namespace pegtl = tao::pegtl;

namespace {

// Does Rule match the whole of `text` (a local failure is just `false`)?
template <typename Rule>
bool matches(std::string_view text) {
  pegtl::memory_input in(text.data(), text.size(), "test");
  return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
}

// How many bytes Rule consumes at the start of `text` (-1: no match).
template <typename Rule>
long consumed(std::string_view text) {
  pegtl::memory_input in(text.data(), text.size(), "test");
  long n = -1;
  if (pegtl::parse<Rule>(in)) n = static_cast<long>(in.current() - text.data());
  return n;
}

// The message of the global failure (raised error) of Rule on `text`, or
// "ok" / "no match".
template <typename Rule>
std::string raised(std::string_view text) {
  pegtl::memory_input in(text.data(), text.size(), "test");
  try {
    return pegtl::parse<Rule, pegtl::nothing, g::control>(in) ? "ok" : "no match";
  } catch (const pegtl::parse_error& e) {
    return std::string(e.message()) + " @" + std::to_string(e.positions().front().byte);
  }
}

struct Case {
  const char* text;
  bool match;
};

template <typename Rule>
void table(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    INFO("input: '", c.text, "'");
    CHECK(matches<Rule>(c.text) == c.match);
  }
}

}  // namespace

TEST_SUITE("grammar") {
  TEST_CASE("analysis finds no cycles without progress") {
    CHECK(pegtl::analyze<g::module>(1) == 0);
    CHECK(pegtl::analyze<g::expression_input>(1) == 0);
    CHECK(pegtl::analyze<g::type_input>(1) == 0);
  }

  TEST_CASE("identifiers exclude reserved words, but only whole words") {
    table<g::name_raw>({{"subnet", true},
                        {"_x1", true},
                        {"and", false},
                        {"android", true},
                        {"in", false},
                        {"index", true},
                        {"all", false},
                        {"allow", true},
                        {"tcp", false},
                        {"tcp_port", true},
                        {"icmpv6", false},
                        {"service", false},
                        {"services", true},
                        {"count", false},
                        {"rule", true},  // statement words are not reserved in expressions
                        {"1x", false}});
  }

  TEST_CASE("IPv6 needs two colons; a quantifier's colon is not an address") {
    table<g::ipv6_raw>({{"2001:db8::1", true},
                        {"::1", true},
                        {"::", true},
                        {"fe80::1", true},
                        {"::ffff:10.0.0.1", true},
                        {"2001:db8:0:0:0:0:0:1", true},
                        {"db:", false},
                        {"db", false},
                        {"a:b", false},
                        {"10.0.0.1", false},
                        {"fe80::1x", false}});
    table<g::cidr6_raw>({{"2001:db8::/32", true}, {"::/0", true}, {"::", false}});
    // In `all x in db: y`, the collection is the name `db`.
    CHECK(consumed<g::ipv6_raw>("db: y") == -1);
    CHECK(matches<g::expression_input>("all x in db: y"));
    CHECK(matches<g::expression_input>("all x in a.b: c"));
  }

  TEST_CASE("dates are not subtractions, IPv4 and CIDRs are not numbers") {
    table<g::date_raw>({{"2027-03-01", true}, {"2027-3-1", false}, {"20270-03-01", false}, {"2027-03-01x", false}});
    table<g::net_raw>({{"2027-03-01", true},
                       {"10.0.0.1", true},
                       {"10.0.0.0/16", true},
                       {"443", true},
                       {"2001:db8::/32", true},
                       {"10.0.0", false},
                       {"1a", false}});
    // The date rule wins over the integer rule; with spaces it is arithmetic.
    CHECK(consumed<g::net_raw>("2027-03-01 - 1") == 10);
    CHECK(consumed<g::net_raw>("2027 - 03") == 4);
    CHECK(consumed<g::net_raw>("10-3") == 2);
  }

  TEST_CASE("traffic literals, and `all` as traffic or quantifier") {
    table<g::traffic_raw<g::skip>>({{"tcp 443", true},
                                    {"tcp 1024..65535", true},
                                    {"tcp", true},
                                    {"udp  53", true},
                                    {"icmp", true},
                                    {"icmpv6", true},
                                    {"all", true},
                                    {"icmp 3", false},
                                    {"tcpx", false}});
    CHECK(consumed<g::quantifier>("all x in xs: x") == 14);
    CHECK(consumed<g::quantifier>("all in xs") == -1);
    CHECK(consumed<g::quantifier>("all\n  message") == -1);
    CHECK(consumed<g::literal_tok>("all in xs") == 4);
    CHECK(matches<g::expression_input>("all in xs"));
    CHECK(matches<g::expression_input>("tcp 443 within all"));
  }

  TEST_CASE("words of tests and sentences may contain '-' and '.'") {
    table<g::word_raw>({{"us-east-1a", true},
                        {"subnet-0abc", true},
                        {"ecr.dkr", true},
                        {"sagemaker.api", true},
                        {"x-", false},
                        {"-x", false},
                        {"1a", false}});
    CHECK(consumed<g::word_raw>("pl-1->n1") == 4);
  }

  TEST_CASE("strings") {
    table<g::string_raw>({{R"("plain")", true},
                          {R"("esc \" \\ \n \t \{ \}")", true},
                          {R"("a {b + 1} c")", true},
                          {R"("nested {f("x {y}")}")", true},
                          {R"(open")", false}});
    CHECK(raised<g::string_raw>(R"("open)") == "expected '\"' to close the string, got end of input @5");
  }

  TEST_CASE("statements and padding") {
    CHECK(matches<g::module>(""));
    CHECK(matches<g::module>("# only a comment"));
    CHECK(matches<g::module>("let a = 1 let b = 2"));
    CHECK(matches<g::module>("rule r {\n  require a # trailing comment\n}\n"));
    CHECK(matches<g::module>("test \"t\" { given { vpc v1 } }"));
    CHECK(matches<g::module>("test \"t\" {\n given {\n  vpc v1 ; subnet s1 in v1\n\n  # comment\n }\n}"));
    CHECK(matches<g::type_input>("list<list<subnet>>"));
  }

  TEST_CASE("must<> points raise their message with the offending token") {
    CHECK(raised<g::expression_input>("a ==") == "expected an expression after '==', got end of input @4");
    CHECK(raised<g::expression_input>("(a") == "expected ')' to close '(', got end of input @2");
    CHECK(raised<g::expression_input>("a < b > c") ==
          "comparisons do not chain; join them with 'and' or add parentheses @6");
    CHECK(raised<g::expression_input>("[a for]") == "expected a variable name after 'for', got ']' @6");
    CHECK(raised<g::module>("rule r {\n  require a\n  foo\n}") ==
          "expected a clause or '}' to close rule '{name}', got 'foo' @23");
    CHECK(raised<g::module>("test \"t\" { given {\n vpc\n } }") == "expected an id after '{key}', got end of line @23");
    CHECK(raised<g::expression_input>("\"abc") == "expected '\"' to close the string, got end of input @4");
    CHECK(raised<g::expression_input>("x") == "ok");
  }

  TEST_CASE("primary's first-byte dispatch matches and raises exactly as its sor") {
    // primary::match picks an alternative from the first byte or word; the
    // sor it derives from is the definition. Both must consume the same
    // bytes, and raise the same error at the same place, on every input.
    using plain = g::primary::rule_t;  // the sor itself, without the dispatch
    static_assert(!std::is_same_v<plain, g::primary>);
    const char* inputs[] = {
        "x", "x.y", "subnet.private", "f(a, b)", "f()", "_under", "Upper", "a1_b2", "(x)", "(a or b)", "[]",
        "[1, 2]", "[x for x in xs]", "[x for x in xs where x]", "{}", "{1, 2}", "\"s\"", "\"a{b}c\"",
        "\"unterminated", "42", "42x", "2027-03-01", "10.0.0.0/8", "10.0.0.1", "::1", "::", "fe80::1",
        "fe80::/10", "dead::beef", "abc::", "deadbeef: y", "beef", "face.b", "add", "all x in xs: x",
        "all in xs", "all", "any x in xs: x", "none x in xs: x", "any", "none", "count(x in xs)",
        "count(xs)", "count", "counter", "service \"s3\"", "service", "services", "true", "false", "null",
        "truex", "nullable", "tcp", "tcp 443", "tcp 1024..65535", "udp 53", "icmp", "icmpv6", "icmpx",
        "and", "or", "not", "in", "within", "contains", "overlaps", "for", "where", "when", "require",
        "andy", "order", "note", "inside", "-x", ".x", "", " x", "1.2.3", "1.2.3.4/", "::g", "[1,",
        "(x", "all x", "count(", "service 3", "f(", "a.b(",
    };
    // "ok N" (N bytes consumed), "no match", or the raised error and where.
    auto outcome = []<typename Rule>(std::string_view text) {
      pegtl::memory_input in(text.data(), text.size(), "test");
      try {
        if (!pegtl::parse<Rule, pegtl::nothing, g::control>(in)) return std::string("no match");
        return "ok " + std::to_string(in.current() - text.data());
      } catch (const pegtl::parse_error& e) {
        return std::string(e.message()) + " @" + std::to_string(e.positions().front().byte);
      }
    };
    int raising = 0;
    for (const char* text : inputs) {
      INFO("input: '", std::string(text), "'");
      const std::string fast = outcome.operator()<g::primary>(text);
      CHECK(fast == outcome.operator()<plain>(text));
      raising += fast.find(" @") != std::string::npos;
    }
    CHECK(raising >= 5);  // the table does reach the must<> points
  }

  TEST_CASE("string text stops at the first stop byte wherever it falls") {
    // string_text scans sixteen bytes at a time where it can: a stop byte at
    // every position of a block, and text that ends between blocks.
    for (char stop : {'"', '\\', '{', '}', '\n'}) {
      for (size_t at = 0; at < 40; ++at) {
        std::string text(at, 'x');
        text += stop;
        text += std::string(20, 'y');
        INFO("stop byte ", int(stop), " at ", at);
        CHECK(consumed<g::string_text>(text) == (at == 0 ? -1 : static_cast<long>(at)));
      }
    }
    for (size_t n = 0; n < 40; ++n) {
      INFO("length ", n);
      CHECK(consumed<g::string_text>(std::string(n, 'z')) == (n == 0 ? -1 : static_cast<long>(n)));
    }
    // Bytes above 0x7f are text (UTF-8), not stops.
    CHECK(consumed<g::string_text>("caf\xc3\xa9 \xe2\x80\x94 19 bytes!\"") == 19);
  }

  TEST_CASE("describeToken shows what was found and how wide it is") {
    CHECK(g::describeToken("").text == "end of input");
    CHECK(g::describeToken("\nx").text == "end of line");
    CHECK(g::describeToken("require a").text == "'require'");
    CHECK(g::describeToken("require a").length == 7);
    CHECK(g::describeToken("10.0.0.0/16 x").text == "'10.0.0.0/16'");
    CHECK(g::describeToken("== b").text == "'=='");
    CHECK(g::describeToken("\"abc\" x").text == "string \"abc\"");
    CHECK(g::describeToken("\"abc\" x").length == 5);
    CHECK(g::describeToken("\"a very long string literal indeed\"").text == "string \"a very long string ...\"");
    CHECK(g::describeToken("\xc3\xa9t\xc3\xa9").text == "'\xc3\xa9'");
    CHECK(g::describeToken("\x01").text == "character 0x01");
    CHECK(g::describeToken("\"abc").text == "'\"'");
  }
}
