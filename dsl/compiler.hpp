// Internal to the compiler: the chunk emitter and the state shared by
// program-level compilation (compile.cpp) and expression code generation
// (compile_expr.cpp). Not a public header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/diagnostic.hpp"
#include "dsl/ast.hpp"
#include "dsl/program.hpp"
#include "runtime/policy.hpp"

namespace ward::compiler {

// Writes one chunk: instructions, constants, the line table, and the stack
// depth, tracked from the stack effects declared in opcodes.def.
class Emitter {
public:
  // `sources` (may be null) resolves spans for the line table; the chunk's
  // file is the file of the first position recorded.
  explicit Emitter(const SourceMap* sources);

  uint32_t here() const { return static_cast<uint32_t>(chunk_.code.size()); }
  void emit(Op op);
  void emit(Op op, uint32_t a);
  void emit(Op op, uint32_t a, uint32_t b);
  void emit(Op op, uint32_t a, uint32_t b, uint32_t c);
  // Emits `op` whose last operand is a jump target to be patched; returns the
  // position of that operand word.
  uint32_t emitJump(Op op);
  uint32_t emitJump(Op op, uint32_t a);
  uint32_t emitJump(Op op, uint32_t a, uint32_t b);
  uint32_t emitJump(Op op, uint32_t a, uint32_t b, uint32_t c);
  // Adds a NextElemFilter's tests to the chunk; returns their index.
  uint32_t filter(ElemFilter f);
  void patch(uint32_t operandPos, uint32_t target) { chunk_.code[operandPos] = target; }
  uint32_t constant(const Value& v);
  // Records the source position of the next instruction (runtime errors).
  void position(Span span);
  int depth() const { return depth_; }
  Chunk finish();

private:
  void account(Op op, uint32_t a);
  Chunk chunk_;
  const SourceMap* sources_;
  const SourceFile* file_ = nullptr;
  uint32_t fileId_ = 0;
  int depth_ = 0;
  int maxDepth_ = 0;
};

// Allocates frame slots: checker-assigned ones first, then hidden ones
// (iterators, scratch marks, inlined def locals) above them. One allocator
// serves every chunk of a rule, since they share one frame.
struct FrameAlloc {
  uint32_t next = 0;
  uint32_t size = 0;
  uint32_t alloc() {
    uint32_t s = next++;
    if (next > size) size = next;
    return s;
  }
  void use(uint32_t slot) {
    if (slot + 1 > size) size = slot + 1;
  }
};

// Maps the slots an expression names to frame slots: the identity in rules,
// lets and expressions; a table for an inlined def's parameters and locals.
struct SlotMap {
  bool identity = true;
  std::vector<int64_t> table;  // -1: not allocated yet
};

enum class LetState : uint8_t { Pending, Compiling, Done };

class Compiler {
public:
  Compiler(const Program* program, const Schema& schema, CodeUnit& unit);

  const Program* program;
  const Schema& schema;
  const SourceMap* sources;
  CodeUnit& unit;
  Diagnostics errors;

  // --- current chunk context ---
  Emitter* em = nullptr;
  FrameAlloc* frame = nullptr;
  SlotMap* slots = nullptr;
  int inlineDepth = 0;

  // --- unit tables ---
  uint32_t str(std::string_view s);
  // A string index whose CodeUnit::attrByName table is filled in.
  uint32_t attrName(std::string_view name);
  uint32_t constList(std::vector<Value> elems);
  void ensureLet(uint32_t index, Span use);

  // --- expressions (compile_expr.cpp) ---
  void expr(const ast::Expr& e);
  // Starts iterating over a collection; returns the iterator slot and whether
  // it walks a kind table (NextEntity) rather than a list (NextElem).
  std::pair<uint32_t, bool> iterInit(const ast::Expr& collection);
  uint32_t slotOf(uint32_t slot);
  // The head of a loop over iterator `it` into frame slot `var`: NextEntity or
  // NextElem, or, when `where` (may be null) starts with tests of the loop
  // variable (checker slot `whereVar`), NextEntityFilter or NextElemFilter
  // with those tests. Returns the exit jump's operand position.
  uint32_t emitNext(uint32_t it, bool kindTable, uint32_t var, const ast::Expr* where, uint32_t whereVar);
  // Compiles `e` into a chunk of its own that ends with Return.
  Chunk chunkFor(const ast::Expr& e);

  // --- text ---
  std::string textOf(const ast::Expr& e) const;
  const SourceFile* fileOf(Span s) const;
  SourceLocation locationOf(Span s) const;

  void fail(Span span, std::string message);

private:
  // Optimization: the string table's index is open addressing over
  // positions in unit.strings (a power-of-two table, 0 = empty, else
  // position + 1), so adding a string copies it once, into the table, and
  // allocates nothing else.
  std::vector<uint32_t> strSlots_;
  std::vector<uint64_t> strHashes_;  // by position in unit.strings
  void growStrIndex();
  std::vector<LetState> letState_;
  // Optimization: the size of each def's slot table, worked out once per def
  // instead of at every call it is inlined into (0 = not yet known, else the
  // size + 1), and the tables themselves, one per inlining depth, kept for
  // their capacity so that inlining a call allocates nothing.
  std::vector<uint32_t> defSlots_;
  std::vector<std::vector<int64_t>> spareTables_;

  void name(const ast::Expr& e);
  void member(const ast::Expr& e);
  void call(const ast::Expr& e);
  void inlineDef(const ast::Expr& e);
  void binary(const ast::Expr& e);
  std::optional<std::pair<uint32_t, Value>> localEqLiteral(const ast::Expr& e);
  void quantifier(const ast::Expr& e);
  void count(const ast::Expr& e);
  void comprehension(const ast::Expr& e);
  void listLiteral(const ast::Expr& e);
  void interpolation(const ast::Expr& e);
};

// --- AST helpers (compile_expr.cpp) ---
bool isLiteral(const ast::Expr& e);
// `x.attr` with x a local and the attribute resolved (one LocalAttr).
bool isLocalAttr(const ast::Expr& e);
// The value of a literal that Op::Const can hold (not a string), if `e` is one.
std::optional<Value> literalConstant(const ast::Expr& e);
// The largest slot an expression names (quantifier variables, locals), +1.
uint32_t slotsUsed(const ast::Expr* e);
// Does the expression (or a def it calls) call reach()?
bool callsReach(const ast::Expr* e, const Program* program, int depth = 0);
// The tests NextElemFilter and NextEntityFilter can apply before `where`
// runs, for a loop variable of checker slot `var` (compile.cpp).
ElemFilter whereFilter(const ast::Expr& where, uint32_t var, const Program* program);
// Source-like text of an expression, for when the source is not at hand.
std::string printExpr(const ast::Expr& e);

}  // namespace ward::compiler
