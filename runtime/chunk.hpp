// Bytecode chunks: the opcode enum expanded from opcodes.def, the instruction
// encoding, the Chunk (code, constants, line table) and the disassembler.
// This header is the only contract between the compiler and the VM.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/source.hpp"
#include "runtime/schema.hpp"
#include "runtime/value.hpp"

namespace ward {

// How an instruction's operand words are read (see opcodes.def).
enum class OperandKind : uint8_t {
  None,
  Const,     // index into Chunk::constants
  Str,       // index into the policy's string table
  List,      // index into the policy's constant lists
  Slot,      // frame slot
  Global,    // let index
  Kind,      // KindId
  Attr,      // kind << 16 | attr
  Jump,      // absolute target offset
  Count,     // number of stack values
  Call,      // id << 8 | argc
  SlotAttr,  // slot, kind << 16 | attr
  SlotKind,  // slot, kind
  SlotJump,  // slot, target
  IterJump,  // iterator slot, variable slot, target
  SlotConst, // slot, index into Chunk::constants
  SlotAttrStr,  // slot, kind << 16 | attr, string
  SlotAttrSlot,    // slot, kind << 16 | attr, slot
  SlotConstConst,  // slot, two indexes into Chunk::constants
  IterFilterJump,  // iterator slot, variable slot, index into Chunk::filters, target
};

enum class Op : uint8_t {
#define OP(name, operand, effect) name,
#include "runtime/opcodes.def"
#undef OP
};

inline constexpr size_t kOpCount = 0
#define OP(name, operand, effect) +1
#include "runtime/opcodes.def"
#undef OP
    ;

// Builtin ids: positions in runtime/builtins.def (the checker's Expr::builtin).
enum class BuiltinId : uint16_t {
#define BUILTIN(id, name, sig) id,
#include "runtime/builtins.def"
#undef BUILTIN
};

inline constexpr uint16_t kBuiltinCount = 0
#define BUILTIN(id, name, sig) +1
#include "runtime/builtins.def"
#undef BUILTIN
    ;

const char* opName(Op op);
const char* builtinName(uint16_t id);
OperandKind operandKind(Op op);
unsigned operandWords(OperandKind k);
inline unsigned instructionWords(Op op) { return 1 + operandWords(operandKind(op)); }
// The net change in stack depth of one instruction, given its first operand
// word. Inline: the compiler asks it for every instruction it emits.
inline int stackEffect(Op op, [[maybe_unused]] uint32_t a) {
  switch (op) {
#define OP(name, operand, effect) \
  case Op::name: return (effect);
#include "runtime/opcodes.def"
#undef OP
  }
  return 0;
}

inline uint32_t packAttr(KindId kind, AttrId attr) { return uint32_t{kind} << 16 | attr; }
inline KindId attrKind(uint32_t word) { return static_cast<KindId>(word >> 16); }
inline AttrId attrId(uint32_t word) { return static_cast<AttrId>(word & 0xffff); }
inline uint32_t packCall(uint32_t id, uint32_t argc) { return id << 8 | argc; }

// A source position of an instruction, for runtime error messages: a byte
// offset into the chunk's source, turned into a line and column only when an
// error names it.
struct LineInfo {
  uint32_t offset = 0;  // of the instruction in the chunk's code
  uint32_t source = 0;  // of the expression in the source file
};

// A test of one attribute of an element that NextElemFilter (a list) or
// NextEntityFilter (a kind) applies before the loop's `where` runs. Each is
// a leading conjunct of that `where` and can only be true or false (never
// null, never an error), so an element that fails one is an element the
// `where` rejects without evaluating anything else.
struct ElemTest {
  enum class Kind : uint8_t {
    NotNull,  // `v.a != null`
    IsNull,   // `v.a == null`
    IsTrue,   // `v.a`: false fails it; null is unknown and goes on to the next test
    IsFalse,  // `not v.a`: true fails it; null likewise goes on
    EqAny,    // `v.a == K1 or v.a == K2 ...` (literals, not strings)
  };
  Kind kind = Kind::NotNull;
  uint32_t attr = 0;          // kind << 16 | attr
  std::vector<Value> values;  // EqAny's literals
};

struct ElemFilter {
  std::vector<ElemTest> tests;  // in the order of the `where`'s conjuncts

  // Set by prepare() when every test is of one attribute: what becomes of an
  // element whose entry in that attribute's address column is an IPv4 value
  // in eight bytes (FactColumn::inlineAddr), decided without decoding it. It
  // is rejected when `inlineRejected`, or when it is missing from one of
  // `inlineSets` (the inline forms, with their tags, of an EqAny's literals
  // that have one); otherwise the `where` runs for it.
  struct InlineAddr {
    uint64_t bits;
    Tag tag;
  };
  bool oneAttr = false;
  bool inlineRejected = false;
  std::vector<std::vector<InlineAddr>> inlineSets;
  // And what becomes of an element whose value of that attribute is null: it
  // is rejected when `nullRejected`, otherwise the `where` runs for it.
  bool nullRejected = false;
  // And of one whose value is false, true or null, for a Bool column's
  // entries (0 false, 1 true, 2 unset): 1 rejected, 0 the `where` runs.
  int8_t boolFates[3] = {0, 0, 0};
  // Fills the fields above from `tests`.
  void prepare();
};

struct Chunk {
  std::vector<uint32_t> code;
  std::vector<Value> constants;  // never strings: those live in the policy's string table
  std::vector<ElemFilter> filters;  // NextElemFilter's and NextEntityFilter's tests
  // The source file the lines below refer to: its name and line index,
  // shared by the chunks of one file (null when the chunk records no line).
  std::shared_ptr<const SourceLines> file;
  std::vector<LineInfo> lines;   // ascending offsets; one per instruction that can fail
  uint32_t maxStack = 0;         // the deepest the value stack gets

  // "file:line:col" of the instruction at `offset`, or "" when unknown.
  std::string where(uint32_t offset) const;
};

// What the disassembler needs to print names instead of numbers; every
// member is optional.
struct DisasmNames {
  const Schema* schema = nullptr;
  const std::vector<std::string>* strings = nullptr;
  const std::vector<std::string>* lets = nullptr;
  const std::vector<std::string>* hosts = nullptr;
};

// One instruction per line: offset, opcode, operands and a comment naming
// constants, attributes and jump targets, e.g. `0003  GetAttr      subnet.private`.
std::string disassemble(const Chunk& chunk, const DisasmNames& names = {});

}  // namespace ward
