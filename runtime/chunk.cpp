// Opcode tables expanded from opcodes.def, chunk line lookup, and the
// disassembler that golden tests and `ward disasm` print.
#include "runtime/chunk.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/facts.hpp"
#include "runtime/values.hpp"

namespace ward {

namespace {

constexpr const char* kOpNames[] = {
#define OP(name, operand, effect) #name,
#include "runtime/opcodes.def"
#undef OP
};

constexpr OperandKind kOperandKinds[] = {
#define OP(name, operand, effect) OperandKind::operand,
#include "runtime/opcodes.def"
#undef OP
};

constexpr const char* kBuiltinNames[] = {
#define BUILTIN(id, name, sig) name,
#include "runtime/builtins.def"
#undef BUILTIN
};

}  // namespace

const char* opName(Op op) { return kOpNames[static_cast<size_t>(op)]; }

const char* builtinName(uint16_t id) { return id < kBuiltinCount ? kBuiltinNames[id] : "?"; }

OperandKind operandKind(Op op) { return kOperandKinds[static_cast<size_t>(op)]; }

unsigned operandWords(OperandKind k) {
  switch (k) {
    case OperandKind::None: return 0;
    case OperandKind::Const:
    case OperandKind::Str:
    case OperandKind::List:
    case OperandKind::Slot:
    case OperandKind::Global:
    case OperandKind::Kind:
    case OperandKind::Attr:
    case OperandKind::Jump:
    case OperandKind::Count:
    case OperandKind::Call: return 1;
    case OperandKind::SlotAttr:
    case OperandKind::SlotKind:
    case OperandKind::SlotJump:
    case OperandKind::SlotConst: return 2;
    case OperandKind::IterJump:
    case OperandKind::SlotAttrStr:
    case OperandKind::SlotAttrSlot:
    case OperandKind::SlotConstConst: return 3;
    case OperandKind::IterFilterJump: return 4;
  }
  return 0;
}

void ElemFilter::prepare() {
  oneAttr = !tests.empty() &&
            std::all_of(tests.begin(), tests.end(), [&](const ElemTest& t) { return t.attr == tests.front().attr; });
  inlineRejected = false;
  inlineSets.clear();
  nullRejected = false;
  for (int8_t& fate : boolFates) fate = 0;
  if (!oneAttr) return;
  // A boolean or null value through the tests in order, as rejects() in
  // vm.cpp runs them: such a value equals a literal only of its own tag (and,
  // for a boolean, truth).
  const Value kinds[3] = {Value::boolean(false), Value::boolean(true), Value{}};
  for (int b = 0; b < 3; ++b) {
    const Value& v = kinds[b];
    for (const ElemTest& t : tests) {
      bool reject = false;
      switch (t.kind) {
        case ElemTest::Kind::NotNull: reject = v.tag == Tag::Null; break;
        case ElemTest::Kind::IsNull: reject = v.tag != Tag::Null; break;
        case ElemTest::Kind::IsTrue: reject = v.tag == Tag::Bool && !v.x; break;
        case ElemTest::Kind::IsFalse: reject = v.tag == Tag::Bool && v.x; break;
        case ElemTest::Kind::EqAny:
          reject = std::none_of(t.values.begin(), t.values.end(), [&](const Value& k) {
            return k.tag == v.tag && (v.tag == Tag::Null || (k.x != 0) == (v.x != 0));
          });
          break;
      }
      if (reject) {
        boolFates[b] = 1;
        break;
      }
    }
  }
  // A null value, through the tests in order: `== null` passes, a bare test
  // (or a `not` one) is unknown and goes on, `!= null` and a literal set (no
  // literal is null: that is `== null`) reject it.
  for (const ElemTest& t : tests)
    if (t.kind == ElemTest::Kind::NotNull || t.kind == ElemTest::Kind::EqAny) {
      nullRejected = true;
      break;
    }
  // The tests in order, as rejects() in vm.cpp runs them on a value that is
  // an address, so neither null, nor an error, nor a boolean.
  for (const ElemTest& t : tests) {
    switch (t.kind) {
      case ElemTest::Kind::NotNull: break;
      case ElemTest::Kind::IsNull: inlineRejected = true; return;
      case ElemTest::Kind::IsTrue:
      case ElemTest::Kind::IsFalse: return;  // not a boolean: the `where` decides
      case ElemTest::Kind::EqAny: {
        // An IPv4 value equals a literal of its tag exactly when their
        // inline forms are equal; a literal without one (IPv6) or of another
        // tag never equals it.
        std::vector<InlineAddr> set;
        for (const Value& v : t.values)
          if (uint64_t bits = FactColumn::inlineAddr(v)) set.push_back(InlineAddr{bits, v.tag});
        inlineSets.push_back(std::move(set));
        break;
      }
    }
  }
}

std::string Chunk::where(uint32_t offset) const {
  // The entry with the largest offset not after `offset`: instructions
  // without an entry of their own belong to the expression before them.
  auto it = std::upper_bound(lines.begin(), lines.end(), offset,
                             [](uint32_t off, const LineInfo& l) { return off < l.offset; });
  if (it == lines.begin() || !file || file->name.empty()) return {};
  --it;
  const LineCol lc = file->lineCol(it->source);
  return fmt::format("{}:{}:{}", file->name, lc.line, lc.col);
}

namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

std::string stringName(const DisasmNames& n, uint32_t k) {
  if (n.strings && k < n.strings->size()) return quoted((*n.strings)[k]);
  return fmt::format("str#{}", k);
}

std::string kindName(const DisasmNames& n, uint32_t k) {
  if (n.schema && k < n.schema->kindCount()) return n.schema->kind(static_cast<KindId>(k)).name;
  return fmt::format("kind#{}", k);
}

std::string attrName(const DisasmNames& n, uint32_t word) {
  KindId k = attrKind(word);
  AttrId a = attrId(word);
  if (n.schema && k < n.schema->kindCount() && a < n.schema->kind(k).attrs.size())
    return n.schema->kind(k).name + "." + n.schema->kind(k).attrs[a].name;
  return fmt::format("{}.attr#{}", kindName(n, k), a);
}

// Constants are never strings, so they render without a heap.
std::string constantText(const Chunk& c, uint32_t k) {
  if (k >= c.constants.size()) return fmt::format("#{}", k);
  ValueHeap none;
  const Value& v = c.constants[k];
  return v.tag == Tag::Int ? fmt::format("{}", v.asInt()) : renderText(v, none);
}

// `[subnet.cidr != null, subnet.cidr in {0.0.0.0/0, ::/0}]`
std::string filterText(const Chunk& c, const DisasmNames& n, uint32_t f) {
  if (f >= c.filters.size()) return fmt::format("filter#{}", f);
  ValueHeap none;
  std::string out = "[";
  for (const ElemTest& t : c.filters[f].tests) {
    if (out.size() > 1) out += ", ";
    if (t.kind == ElemTest::Kind::IsFalse) out += "not ";
    out += attrName(n, t.attr);
    switch (t.kind) {
      case ElemTest::Kind::NotNull: out += " != null"; break;
      case ElemTest::Kind::IsNull: out += " == null"; break;
      case ElemTest::Kind::IsTrue:
      case ElemTest::Kind::IsFalse: break;
      case ElemTest::Kind::EqAny: {
        out += " in {";
        for (size_t i = 0; i < t.values.size(); ++i) {
          if (i) out += ", ";
          out += t.values[i].tag == Tag::Int ? fmt::format("{}", t.values[i].asInt()) : renderText(t.values[i], none);
        }
        out += "}";
        break;
      }
    }
  }
  return out + "]";
}

std::string callName(Op op, const DisasmNames& n, uint32_t word) {
  uint32_t id = word >> 8, argc = word & 0xff;
  if (op == Op::CallBuiltin) return fmt::format("{}/{}", builtinName(static_cast<uint16_t>(id)), argc);
  if (n.hosts && id < n.hosts->size()) return fmt::format("{}/{}", (*n.hosts)[id], argc);
  return fmt::format("host#{}/{}", id, argc);
}

}  // namespace

std::string disassemble(const Chunk& chunk, const DisasmNames& names) {
  std::string out;
  size_t pc = 0;
  const auto& code = chunk.code;
  while (pc < code.size()) {
    Op op = static_cast<Op>(code[pc]);
    if (code[pc] >= kOpCount) {
      out += fmt::format("{:04}  <bad opcode {}>\n", pc, code[pc]);
      break;
    }
    OperandKind kind = operandKind(op);
    unsigned words = operandWords(kind);
    if (pc + words >= code.size()) {
      out += fmt::format("{:04}  {} <truncated>\n", pc, opName(op));
      break;
    }
    auto w = [&](unsigned i) { return code[pc + 1 + i]; };
    std::string operands;
    switch (kind) {
      case OperandKind::None: break;
      case OperandKind::Const: operands = constantText(chunk, w(0)); break;
      case OperandKind::Str: operands = stringName(names, w(0)); break;
      case OperandKind::List: operands = fmt::format("list#{}", w(0)); break;
      case OperandKind::Slot: operands = fmt::format("${}", w(0)); break;
      case OperandKind::Global:
        operands = names.lets && w(0) < names.lets->size() ? (*names.lets)[w(0)] : fmt::format("let#{}", w(0));
        break;
      case OperandKind::Kind: operands = kindName(names, w(0)); break;
      case OperandKind::Attr: operands = attrName(names, w(0)); break;
      case OperandKind::Jump: operands = fmt::format("-> {:04}", w(0)); break;
      case OperandKind::Count: operands = fmt::format("{}", w(0)); break;
      case OperandKind::Call: operands = callName(op, names, w(0)); break;
      case OperandKind::SlotAttr: operands = fmt::format("${} {}", w(0), attrName(names, w(1))); break;
      case OperandKind::SlotKind: operands = fmt::format("${} {}", w(0), kindName(names, w(1))); break;
      case OperandKind::SlotJump: operands = fmt::format("${} -> {:04}", w(0), w(1)); break;
      case OperandKind::IterJump: operands = fmt::format("${} ${} -> {:04}", w(0), w(1), w(2)); break;
      case OperandKind::SlotConst: operands = fmt::format("${} {}", w(0), constantText(chunk, w(1))); break;
      case OperandKind::SlotAttrStr:
        operands = fmt::format("${} {} {}", w(0), attrName(names, w(1)), stringName(names, w(2)));
        break;
      case OperandKind::SlotAttrSlot: operands = fmt::format("${} {} ${}", w(0), attrName(names, w(1)), w(2)); break;
      case OperandKind::SlotConstConst:
        operands = fmt::format("${} {} {}", w(0), constantText(chunk, w(1)), constantText(chunk, w(2)));
        break;
      case OperandKind::IterFilterJump:
        operands = fmt::format("${} ${} {} -> {:04}", w(0), w(1), filterText(chunk, names, w(2)), w(3));
        break;
    }
    if (operands.empty())
      out += fmt::format("{:04}  {}\n", pc, opName(op));
    else
      out += fmt::format("{:04}  {:<14} {}\n", pc, opName(op), operands);
    pc += 1 + words;
  }
  return out;
}

}  // namespace ward
