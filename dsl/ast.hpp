// The abstract syntax tree of a Ward module, as the parser builds it and the
// checker annotates it (types and name resolution) for the compiler.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/source.hpp"
#include "runtime/finding.hpp"
#include "runtime/net/addr.hpp"
#include "runtime/schema.hpp"
#include "runtime/types.hpp"

namespace ward::ast {

enum class ExprKind : uint8_t {
  // Literals; the value is in the fields named beside each.
  Null,
  Bool,      // boolValue
  Int,       // intValue
  String,    // text (escapes already processed)
  Ip,        // ip
  Cidr,      // cidr (possibly non-canonical: the checker flags it)
  Traffic,   // traffic: `tcp 443`, `udp 1024..65535`, `icmp`, `all`
  Date,      // intValue = days since 1970-01-01; text = source form
  Interp,    // string with {expr} parts: args alternate String literals and expressions
  ListLit,   // [a, b, c]         args
  SetLit,    // {a, b, c}         args (deduplicated at run time)
  Service,   // service "s3"      text = service name ("s3", "ecr.dkr")
  // Names and operations.
  Name,      // text = identifier
  Member,    // args[0].text      (text = attribute name)
  Call,      // text(args...)     (text = function name: builtin or def)
  Unary,     // unaryOp args[0]
  Binary,    // args[0] binaryOp args[1]
  Quantifier,     // quant var in args[0]: args[1]
  Count,          // count(var in args[0] where args[1]) or count(args[0]) (args.size()==1, var empty)
  Comprehension,  // [args[0] for var in args[1] where args[2]]  (args[2] optional)
};

enum class UnaryOp : uint8_t { Not, Neg };

enum class BinaryOp : uint8_t {
  Or, And,
  Eq, Ne, Lt, Le, Gt, Ge,
  In,        // a in b       (membership; for CIDRs/IPs: containment, like `within`)
  NotIn,     // a not in b
  Contains,  // a contains b (list membership, or CIDR/port containment)
  Overlaps,  // a overlaps b (CIDRs, traffic specs)
  Within,    // a within b   (CIDR/IP/traffic inside another)
  Add, Sub,
};

enum class Quant : uint8_t { All, Any, None };

// How the checker resolved a Name (the compiler reads this).
enum class NameRef : uint8_t {
  Unresolved,
  Local,       // a for/quantifier/comprehension variable or def parameter: slot
  Global,      // a module-level `let`: index into Program::lets
  Collection,  // every entity of a kind (`subnets`): kind
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// The operands of an expression. Optimization: most nodes have one or two
// (a member access, a unary or binary operator), so two are held in place
// and only longer lists (calls, list literals, interpolations) allocate; a
// std::vector here was a fifth of the allocations of compiling the stdlib.
class ExprList {
public:
  ExprList() = default;
  ExprList(std::vector<ExprPtr>&& items);  // NOLINT: a vector converts
  ExprList(ExprList&& other) noexcept;
  ExprList& operator=(ExprList&& other) noexcept;
  ExprList(const ExprList&) = delete;
  ExprList& operator=(const ExprList&) = delete;
  ~ExprList();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ExprPtr& operator[](size_t i) { return data()[i]; }
  const ExprPtr& operator[](size_t i) const { return data()[i]; }
  ExprPtr* begin() { return data(); }
  ExprPtr* end() { return data() + size_; }
  const ExprPtr* begin() const { return data(); }
  const ExprPtr* end() const { return data() + size_; }
  ExprPtr& front() { return data()[0]; }
  ExprPtr& back() { return data()[size_ - 1]; }

  void reserve(size_t n);
  void push_back(ExprPtr e);

private:
  static constexpr uint32_t kInPlace = 2;
  ExprPtr* data() { return heap_ ? heap_.get() : inPlace_; }
  const ExprPtr* data() const { return heap_ ? heap_.get() : inPlace_; }
  void takeFrom(ExprList& other) noexcept;

  ExprPtr inPlace_[kInPlace];
  std::unique_ptr<ExprPtr[]> heap_;  // when more than kInPlace were asked for
  uint32_t size_ = 0;
  uint32_t capacity_ = kInPlace;
};

struct Expr {
  ExprKind kind = ExprKind::Null;
  Span span;

  // Literal payloads and names.
  std::string text;
  bool boolValue = false;
  int64_t intValue = 0;
  net::IpAddr ip;
  net::Cidr cidr;
  net::Traffic traffic;
  UnaryOp unaryOp = UnaryOp::Not;
  BinaryOp binaryOp = BinaryOp::Or;
  Quant quant = Quant::All;
  std::string var;  // the bound variable of Quantifier / Count / Comprehension
  Span varSpan;
  ExprList args;

  // --- filled in by the checker ---------------------------------------------
  Type type;
  NameRef ref = NameRef::Unresolved;
  uint32_t slot = 0;       // Local: frame slot; Quantifier/Count/Comprehension: slot of `var`
  uint32_t global = 0;     // Global: index of the let
  KindId kind_ = kNoKind;  // Collection: kind; Member: kind of the receiver
  AttrId attr = kNoAttr;   // Member: attribute id in the receiver's kind
  int32_t callee = -1;     // Call: index of the def (>= 0) in Program::defs, or -1 for a builtin
  uint16_t builtin = 0;    // Call: builtin id when callee == -1 (see dsl/builtins)

  // Optimization: nodes come from a free list of node-sized slots
  // (dsl/ast_pool.cpp). A module has thousands of them, and malloc's slow
  // path for objects of this size was a tenth of compiling the stdlib.
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;
};

// A new node of `kind` at `span`, every other member at its initial value.
// Optimization: `new Expr`, not make_unique's `new Expr()`: every member has
// an initializer, and value-initialization would first zero the whole node
// (some 250 bytes) before running them.
inline ExprPtr node(ExprKind kind, Span span) {
  ExprPtr e(new Expr);
  e->kind = kind;
  e->span = span;
  return e;
}

// ExprList's members that destroy nodes, now that Expr is complete.
inline ExprList::~ExprList() = default;

inline void ExprList::takeFrom(ExprList& other) noexcept {
  if (other.heap_) {
    heap_ = std::move(other.heap_);
    capacity_ = other.capacity_;
  } else {
    for (uint32_t i = 0; i < other.size_; ++i) inPlace_[i] = std::move(other.inPlace_[i]);
  }
  size_ = other.size_;
  other.size_ = 0;
  other.capacity_ = kInPlace;
}

inline ExprList::ExprList(ExprList&& other) noexcept { takeFrom(other); }

inline ExprList& ExprList::operator=(ExprList&& other) noexcept {
  if (this != &other) {
    ExprList old(std::move(*this));  // freed when this returns
    takeFrom(other);
  }
  return *this;
}

inline ExprList::ExprList(std::vector<ExprPtr>&& items) {
  reserve(items.size());
  for (ExprPtr& e : items) data()[size_++] = std::move(e);
}

inline void ExprList::reserve(size_t n) {
  if (n <= capacity_) return;
  auto grown = std::make_unique<ExprPtr[]>(n);
  ExprPtr* from = data();
  for (uint32_t i = 0; i < size_; ++i) grown[i] = std::move(from[i]);
  heap_ = std::move(grown);
  capacity_ = static_cast<uint32_t>(n);
}

inline void ExprList::push_back(ExprPtr e) {
  if (size_ == capacity_) reserve(size_t{capacity_} * 2);
  data()[size_++] = std::move(e);
}

using ward::Level;
using ward::RuleSeverity;

struct ForClause {
  std::string var;
  Span varSpan;
  ExprPtr collection;
  ExprPtr where;  // optional filter: `for s in subnets where s.private`
  uint32_t slot = 0;  // checker
};

// `endpoint <service> required [via gateway|interface] when <cond>`
struct EndpointSentence {
  std::string service;  // "sagemaker.api"
  Span serviceSpan;
  std::string via;      // "", "gateway" or "interface"
  ExprPtr when;         // the condition over the implicit subject `subnet`
  Span span;
};

struct Rule {
  std::string name;  // local name; the id is package + "." + name
  Span nameSpan;
  Span span;         // the whole rule
  std::optional<std::string> title;
  Level level = Level::Warn;
  RuleSeverity severity = RuleSeverity::Medium;
  bool levelGiven = false, severityGiven = false;
  std::vector<std::string> tags;
  std::optional<std::string> rationale;
  std::vector<std::string> refs;
  std::optional<std::string> fix;
  std::vector<ForClause> fors;
  ExprPtr when;
  ExprPtr require;
  ExprPtr message;  // String or Interp
  std::optional<EndpointSentence> sentence;  // rule written (or containing) the sentence form
  bool standaloneSentence = false;           // a bare sentence outside any rule block
  uint32_t frameSize = 0;                    // checker: local slots the rule needs
};

struct Param {
  std::string name;
  Span span;
  std::string typeName;  // "subnet", "cidr", "list<subnet>", ...
  Span typeSpan;
  Type type;             // checker
};

struct Def {
  std::string name;
  Span nameSpan;
  Span span;
  std::vector<Param> params;
  ExprPtr body;
  Type result;            // checker
  uint32_t frameSize = 0; // checker
};

struct Let {
  std::string name;
  Span nameSpan;
  Span span;
  ExprPtr value;
  bool used = false;  // checker (unused lets are warnings)
};

struct Import {
  std::string path;  // "aws.endpoints"
  Span span;
};

// exempt RULE for WORD "resource-id" [until DATE] [by "owner"] [because "why"]
struct Exempt {
  std::string rule;  // as written: local name or full id
  Span ruleSpan;
  std::string subjectWord;  // the word after `for` (a kind or variable name), informative
  std::string resource;     // the resource id the exemption covers
  std::optional<int64_t> until;  // days since epoch
  std::string untilText;
  std::string owner;
  std::string reason;
  Span span;
};

// One line of a test's `given` block: `KIND ID [in PARENT] (key value)*`,
// e.g. `subnet s1 in v1 cidr 10.0.1.0/24 az "us-east-1a"` or
// `route_table rt1 in v1 routes [0.0.0.0/0 -> n1] associate s1`.
struct GivenField {
  std::string key;
  Span keySpan;
  ExprPtr value;  // a literal, a Name (another given id) or a ListLit; null for `routes`
  // For `routes [dest -> target, ...]`: pairs of (destination, target name).
  std::vector<std::pair<ExprPtr, std::string>> routes;
};

struct GivenFact {
  std::string kind;
  Span kindSpan;
  std::string id;
  Span idSpan;
  std::string parent;  // after `in`, may be empty
  Span parentSpan;
  std::vector<GivenField> fields;
};

// expect (pass|fail) RULE [on ID] [count N]
struct Expectation {
  bool fail = true;
  std::string rule;
  Span ruleSpan;
  std::string on;  // resource id, optional
  std::optional<int64_t> count;
  Span span;
  std::string ruleId;  // the rule's full id, set by the checker
};

struct TestBlock {
  std::string name;
  Span span;
  std::vector<GivenFact> given;
  std::vector<Expectation> expects;
};

struct Module {
  uint32_t file = 0;  // SourceMap id
  std::string package;  // "" when the module has no package line
  Span packageSpan;
  std::vector<Import> imports;
  std::vector<Let> lets;
  std::vector<Def> defs;
  std::vector<Rule> rules;
  std::vector<Exempt> exempts;
  std::vector<TestBlock> tests;
};

}  // namespace ward::ast
