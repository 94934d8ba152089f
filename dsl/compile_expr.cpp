// Code generation for expressions: literals, names, attributes, operators
// with three-valued short circuits, quantifiers as loops with early exit,
// counts and comprehensions, builtin and host calls, and inlined defs.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "dsl/check.hpp"
#include "dsl/compiler.hpp"
#include "runtime/values.hpp"

namespace ward::compiler {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;

// --- Emitter ------------------------------------------------------------------------

Emitter::Emitter(const SourceMap* sources) : sources_(sources) {
  // Optimization: room for a typical chunk up front instead of growing the
  // vectors one doubling at a time.
  chunk_.code.reserve(64);
}

void Emitter::account(Op op, uint32_t a) {
  depth_ += stackEffect(op, a);
  maxDepth_ = std::max(maxDepth_, depth_);
}

void Emitter::emit(Op op) {
  chunk_.code.push_back(static_cast<uint32_t>(op));
  account(op, 0);
}

void Emitter::emit(Op op, uint32_t a) {
  chunk_.code.push_back(static_cast<uint32_t>(op));
  chunk_.code.push_back(a);
  account(op, a);
}

void Emitter::emit(Op op, uint32_t a, uint32_t b) {
  chunk_.code.insert(chunk_.code.end(), {static_cast<uint32_t>(op), a, b});
  account(op, a);
}

void Emitter::emit(Op op, uint32_t a, uint32_t b, uint32_t c) {
  chunk_.code.insert(chunk_.code.end(), {static_cast<uint32_t>(op), a, b, c});
  account(op, a);
}

uint32_t Emitter::emitJump(Op op) {
  emit(op, 0);
  return here() - 1;
}

uint32_t Emitter::emitJump(Op op, uint32_t a) {
  emit(op, a, 0);
  return here() - 1;
}

uint32_t Emitter::emitJump(Op op, uint32_t a, uint32_t b) {
  emit(op, a, b, 0);
  return here() - 1;
}

uint32_t Emitter::emitJump(Op op, uint32_t a, uint32_t b, uint32_t c) {
  chunk_.code.insert(chunk_.code.end(), {static_cast<uint32_t>(op), a, b, c, 0});
  account(op, a);
  return here() - 1;
}

uint32_t Emitter::filter(ElemFilter f) {
  chunk_.filters.push_back(std::move(f));
  return static_cast<uint32_t>(chunk_.filters.size() - 1);
}

uint32_t Emitter::constant(const Value& v) {
  for (size_t i = 0; i < chunk_.constants.size(); ++i)
    if (chunk_.constants[i].sameBits(v)) return static_cast<uint32_t>(i);
  chunk_.constants.push_back(v);
  return static_cast<uint32_t>(chunk_.constants.size() - 1);
}

void Emitter::position(Span span) {
  // Spans from another file (an inlined def of another module) are skipped:
  // the error then points at the call instead.
  if (!file_ && sources_ && span.valid() && (file_ = sources_->get(span.file))) {
    fileId_ = span.file;
    chunk_.file = file_->sharedLines();
  }
  if (!file_ || span.file != fileId_) return;
  auto& lines = chunk_.lines;
  if (!lines.empty() && lines.back().source == span.begin) return;
  if (!lines.empty() && lines.back().offset == here()) lines.pop_back();
  if (lines.capacity() == 0) lines.reserve(16);  // only chunks that record a position
  lines.push_back(LineInfo{here(), span.begin});
}

Chunk Emitter::finish() {
  chunk_.maxStack = static_cast<uint32_t>(maxDepth_);
  return std::move(chunk_);
}

// --- AST helpers ------------------------------------------------------------------------

bool isLiteral(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Null:
    case ExprKind::Bool:
    case ExprKind::Int:
    case ExprKind::String:
    case ExprKind::Ip:
    case ExprKind::Cidr:
    case ExprKind::Traffic:
    case ExprKind::Date:
    case ExprKind::Service: return true;
    case ExprKind::ListLit:
    case ExprKind::SetLit:
      return std::all_of(e.args.begin(), e.args.end(), [](const ast::ExprPtr& a) { return a && isLiteral(*a); });
    default: return false;
  }
}

uint32_t slotsUsed(const Expr* e) {
  if (!e) return 0;
  uint32_t n = 0;
  if (e->kind == ExprKind::Name && e->ref == ast::NameRef::Local) n = e->slot + 1;
  if ((e->kind == ExprKind::Quantifier || e->kind == ExprKind::Comprehension ||
       (e->kind == ExprKind::Count && !e->var.empty())))
    n = e->slot + 1;
  for (const ast::ExprPtr& a : e->args) n = std::max(n, slotsUsed(a.get()));
  return n;
}

bool callsReach(const Expr* e, const Program* program, int depth) {
  if (!e || depth > 64) return false;
  if (e->kind == ExprKind::Call) {
    if (e->callee == -1 && e->builtin == static_cast<uint16_t>(BuiltinId::Reach)) return true;
    if (e->callee >= 0 && program && static_cast<size_t>(e->callee) < program->defs.size() &&
        callsReach(program->defs[e->callee]->body.get(), program, depth + 1))
      return true;
  }
  for (const ast::ExprPtr& a : e->args)
    if (callsReach(a.get(), program, depth)) return true;
  return false;
}

namespace {

const char* binaryWord(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "or";
    case BinaryOp::And: return "and";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::Contains: return "contains";
    case BinaryOp::Overlaps: return "overlaps";
    case BinaryOp::Within: return "within";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
  }
  return "?";
}

std::string joinArgs(const Expr& e, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < e.args.size(); ++i) {
    if (i > from) out += ", ";
    out += printExpr(*e.args[i]);
  }
  return out;
}

}  // namespace

std::optional<Value> literalConstant(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Bool: return Value::boolean(e.boolValue);
    case ExprKind::Int: return Value::integer(e.intValue);
    case ExprKind::Ip: return Value::ip(e.ip);
    case ExprKind::Cidr: return Value::cidr(e.cidr);
    case ExprKind::Traffic: return Value::traffic(e.traffic);
    case ExprKind::Date: return Value::date(e.intValue);
    default: return std::nullopt;
  }
}

std::string printExpr(const Expr& e) {
  auto arg = [&](size_t i) { return i < e.args.size() && e.args[i] ? printExpr(*e.args[i]) : std::string("?"); };
  // fmt::format, not "(" + std::string&&: GCC 12 at -O3 warns (-Wrestrict)
  // about the inlined insert of the latter.
  switch (e.kind) {
    case ExprKind::Null: return "null";
    case ExprKind::Bool: return e.boolValue ? "true" : "false";
    case ExprKind::Int: return fmt::format("{}", e.intValue);
    case ExprKind::String: return "\"" + e.text + "\"";
    case ExprKind::Ip: return net::format(e.ip);
    case ExprKind::Cidr: return net::format(e.cidr);
    case ExprKind::Traffic: return net::format(e.traffic);
    case ExprKind::Date: return e.text.empty() ? formatDate(e.intValue) : e.text;
    case ExprKind::Interp: {
      std::string out = "\"";
      for (const ast::ExprPtr& a : e.args)
        out += a->kind == ExprKind::String ? a->text : fmt::format("{{{}}}", printExpr(*a));
      return out + "\"";
    }
    case ExprKind::ListLit: return fmt::format("[{}]", joinArgs(e));
    case ExprKind::SetLit: return fmt::format("{{{}}}", joinArgs(e));
    case ExprKind::Service: return "service \"" + e.text + "\"";
    case ExprKind::Name: return e.text;
    case ExprKind::Member: return arg(0) + "." + e.text;
    case ExprKind::Call: return e.text + "(" + joinArgs(e) + ")";
    case ExprKind::Unary: return (e.unaryOp == ast::UnaryOp::Not ? "not " : "-") + arg(0);
    case ExprKind::Binary: return arg(0) + " " + binaryWord(e.binaryOp) + " " + arg(1);
    case ExprKind::Quantifier: {
      const char* q = e.quant == ast::Quant::All ? "all" : e.quant == ast::Quant::Any ? "any" : "none";
      return fmt::format("{} {} in {}: {}", q, e.var, arg(0), arg(1));
    }
    case ExprKind::Count:
      if (e.var.empty()) return "count(" + arg(0) + ")";
      return fmt::format("count({} in {}{})", e.var, arg(0), e.args.size() > 1 ? " where " + arg(1) : "");
    case ExprKind::Comprehension:
      return fmt::format("[{} for {} in {}{}]", arg(0), e.var, arg(1), e.args.size() > 2 && e.args[2] ? " where " + arg(2) : "");
  }
  return "?";
}

// --- code generation ------------------------------------------------------------------------

uint32_t Compiler::slotOf(uint32_t slot) {
  if (slots->identity) {
    frame->use(slot);
    return slot;
  }
  if (slot >= slots->table.size()) slots->table.resize(slot + 1, -1);
  if (slots->table[slot] < 0) slots->table[slot] = frame->alloc();
  return static_cast<uint32_t>(slots->table[slot]);
}

Chunk Compiler::chunkFor(const Expr& e) {
  Emitter local(sources);
  Emitter* outer = em;
  em = &local;
  expr(e);
  em->emit(Op::Return);
  em = outer;
  return local.finish();
}

void Compiler::expr(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Null: em->emit(Op::Null); return;
    case ExprKind::Bool: em->emit(e.boolValue ? Op::True : Op::False); return;
    case ExprKind::Int: em->emit(Op::Const, em->constant(Value::integer(e.intValue))); return;
    case ExprKind::String: em->emit(Op::Str, str(e.text)); return;
    case ExprKind::Ip: em->emit(Op::Const, em->constant(Value::ip(e.ip))); return;
    case ExprKind::Cidr: em->emit(Op::Const, em->constant(Value::cidr(e.cidr))); return;
    case ExprKind::Traffic: em->emit(Op::Const, em->constant(Value::traffic(e.traffic))); return;
    case ExprKind::Date: em->emit(Op::Const, em->constant(Value::date(e.intValue))); return;
    case ExprKind::Service: em->emit(Op::Service, str(e.text)); return;
    case ExprKind::Interp: interpolation(e); return;
    case ExprKind::ListLit:
    case ExprKind::SetLit: listLiteral(e); return;
    case ExprKind::Name: name(e); return;
    case ExprKind::Member: member(e); return;
    case ExprKind::Call: call(e); return;
    case ExprKind::Unary:
      if (e.unaryOp == ast::UnaryOp::Neg && e.args[0]->kind == ExprKind::Int) {
        em->emit(Op::Const, em->constant(Value::integer(-e.args[0]->intValue)));
        return;
      }
      expr(*e.args[0]);
      em->position(e.span);
      em->emit(e.unaryOp == ast::UnaryOp::Not ? Op::Not : Op::Neg);
      return;
    case ExprKind::Binary: binary(e); return;
    case ExprKind::Quantifier: quantifier(e); return;
    case ExprKind::Count: count(e); return;
    case ExprKind::Comprehension: comprehension(e); return;
  }
}

void Compiler::interpolation(const Expr& e) {
  uint32_t parts = 0;
  bool onlyText = true;
  for (const ast::ExprPtr& a : e.args) {
    if (a->kind == ExprKind::String && a->text.empty()) continue;
    onlyText = onlyText && a->kind == ExprKind::String;
    expr(*a);
    ++parts;
  }
  if (parts == 0) em->emit(Op::Str, str(""));
  else if (parts > 1 || !onlyText) em->emit(Op::Interp, parts);
}

void Compiler::listLiteral(const Expr& e) {
  const bool set = e.kind == ExprKind::SetLit;
  if (isLiteral(e) && std::all_of(e.args.begin(), e.args.end(),
                                  [](const ast::ExprPtr& a) { return a->kind != ExprKind::ListLit && a->kind != ExprKind::SetLit; })) {
    // Optimization: a list of literals is built once per evaluation.
    std::vector<Value> elems;
    for (const ast::ExprPtr& a : e.args) {
      Value v;
      switch (a->kind) {
        case ExprKind::Bool: v = Value::boolean(a->boolValue); break;
        case ExprKind::Int: v = Value::integer(a->intValue); break;
        case ExprKind::String: v = Value::string(str(a->text)); break;
        case ExprKind::Service: v = serviceValue(str(a->text)); break;
        case ExprKind::Ip: v = Value::ip(a->ip); break;
        case ExprKind::Cidr: v = Value::cidr(a->cidr); break;
        case ExprKind::Traffic: v = Value::traffic(a->traffic); break;
        case ExprKind::Date: v = Value::date(a->intValue); break;
        default: break;
      }
      // String payloads are string-table indexes, unique per text, so bit
      // equality is value equality here.
      if (set && std::any_of(elems.begin(), elems.end(), [&](const Value& x) { return x.sameBits(v); })) continue;
      elems.push_back(v);
    }
    em->emit(Op::ConstList, constList(std::move(elems)));
    return;
  }
  for (const ast::ExprPtr& a : e.args) expr(*a);
  em->emit(set ? Op::MakeSet : Op::MakeList, static_cast<uint32_t>(e.args.size()));
}

void Compiler::name(const Expr& e) {
  switch (e.ref) {
    case ast::NameRef::Local: em->emit(Op::LoadLocal, slotOf(e.slot)); return;
    case ast::NameRef::Global:
      ensureLet(e.global, e.span);
      em->emit(Op::LoadGlobal, e.global);
      return;
    case ast::NameRef::Collection: em->emit(Op::LoadCollection, e.kind_); return;
    case ast::NameRef::Unresolved:
      if (e.text == "why") {
        em->emit(Op::LoadWhy);
        return;
      }
      fail(e.span, fmt::format("internal error: name '{}' was not resolved by the checker", e.text));
      em->emit(Op::Null);
      return;
  }
}

bool isLocalAttr(const Expr& e) {
  return e.kind == ExprKind::Member && e.kind_ != kNoKind && e.attr != kNoAttr && e.args[0]->kind == ExprKind::Name &&
         e.args[0]->ref == ast::NameRef::Local;
}

void Compiler::member(const Expr& e) {
  const Expr& recv = *e.args[0];
  if (e.kind_ == kNoKind || e.attr == kNoAttr) {
    expr(recv);
    em->position(e.span);
    em->emit(Op::GetAttrNamed, attrName(e.text));
    return;
  }
  if (recv.kind == ExprKind::Name && recv.ref == ast::NameRef::Local) {
    em->position(e.span);
    em->emit(Op::LocalAttr, slotOf(recv.slot), packAttr(e.kind_, e.attr));
    return;
  }
  expr(recv);
  em->position(e.span);
  em->emit(Op::GetAttr, packAttr(e.kind_, e.attr));
}

void Compiler::call(const Expr& e) {
  if (e.callee >= 0) {
    inlineDef(e);
    return;
  }
  const uint32_t argc = static_cast<uint32_t>(e.args.size());
  if (e.callee == -1 && e.builtin == static_cast<uint16_t>(BuiltinId::Len) && argc == 1 &&
      e.args[0]->kind == ExprKind::Name && e.args[0]->ref == ast::NameRef::Collection) {
    em->emit(Op::CountKind, e.args[0]->kind_);
    return;
  }
  for (const ast::ExprPtr& a : e.args) expr(*a);
  em->position(e.span);
  if (e.callee == kHostCallee) {
    if (unit.hostNames.size() <= e.builtin) unit.hostNames.resize(e.builtin + 1);
    unit.hostNames[e.builtin] = e.text;
    em->emit(Op::CallHost, packCall(e.builtin, argc));
  } else if (e.callee == -1 && e.builtin < kBuiltinCount) {
    em->emit(Op::CallBuiltin, packCall(e.builtin, argc));
  } else {
    fail(e.span, fmt::format("internal error: call to '{}' has no resolved callee", e.text));
  }
}

// Defs are inlined: the checker guarantees they are not recursive, and a
// call then costs nothing at run time. Parameters bound to a variable reuse
// its slot; other arguments are evaluated once into a fresh slot.
void Compiler::inlineDef(const Expr& e) {
  if (!program || static_cast<size_t>(e.callee) >= program->defs.size()) {
    fail(e.span, fmt::format("internal error: call to unknown def '{}'", e.text));
    em->emit(Op::Null);
    return;
  }
  if (inlineDepth >= 64) {
    fail(e.span, fmt::format("def '{}' is nested too deeply to inline (is it recursive?)", e.text));
    em->emit(Op::Null);
    return;
  }
  const ast::Def& def = *program->defs[e.callee];
  if (defSlots_.size() < program->defs.size()) defSlots_.resize(program->defs.size(), 0);
  uint32_t& tableSize = defSlots_[e.callee];
  if (tableSize == 0)
    tableSize = 1 + static_cast<uint32_t>(std::max<size_t>({def.frameSize, slotsUsed(def.body.get()), def.params.size()}));
  if (spareTables_.size() <= static_cast<size_t>(inlineDepth)) spareTables_.resize(inlineDepth + 1);
  SlotMap inner;
  inner.identity = false;
  inner.table = std::move(spareTables_[inlineDepth]);
  inner.table.assign(tableSize - 1, -1);
  for (size_t i = 0; i < e.args.size() && i < inner.table.size(); ++i) {
    const Expr& arg = *e.args[i];
    if (arg.kind == ExprKind::Name && arg.ref == ast::NameRef::Local) {
      inner.table[i] = slotOf(arg.slot);
    } else if (isLocalAttr(arg)) {
      // Optimization: an attribute of a local goes straight to the slot.
      const uint32_t t = frame->alloc();
      em->position(arg.span);
      em->emit(Op::LocalAttrStore, slotOf(arg.args[0]->slot), packAttr(arg.kind_, arg.attr), t);
      inner.table[i] = t;
    } else {
      expr(arg);
      uint32_t t = frame->alloc();
      em->emit(Op::StoreLocal, t);
      inner.table[i] = t;
    }
  }
  SlotMap* outer = slots;
  slots = &inner;
  ++inlineDepth;
  expr(*def.body);
  --inlineDepth;
  slots = outer;
  spareTables_[inlineDepth] = std::move(inner.table);
}

// For `x == K` (either way round) with x a local and K a literal that
// LocalEqConst compares: x's slot and K.
std::optional<std::pair<uint32_t, Value>> Compiler::localEqLiteral(const Expr& e) {
  if (e.kind != ExprKind::Binary || e.binaryOp != BinaryOp::Eq) return std::nullopt;
  const Expr& a = *e.args[0];
  const Expr& b = *e.args[1];
  const Expr* k = literalConstant(b) ? &b : literalConstant(a) ? &a : nullptr;
  if (!k) return std::nullopt;
  const Expr& x = k == &b ? a : b;
  if (x.kind != ExprKind::Name || x.ref != ast::NameRef::Local) return std::nullopt;
  return std::pair{slotOf(x.slot), *literalConstant(*k)};
}

void Compiler::binary(const Expr& e) {
  const Expr& a = *e.args[0];
  const Expr& b = *e.args[1];
  switch (e.binaryOp) {
    case BinaryOp::And:
    case BinaryOp::Or: {
      const bool isAnd = e.binaryOp == BinaryOp::And;
      // Optimization: `x == K1 or x == K2` for a local x and two literals
      // (open_to_world) is one instruction.
      if (!isAnd) {
        const auto a1 = localEqLiteral(a), b1 = localEqLiteral(b);
        if (a1 && b1 && a1->first == b1->first) {
          em->position(e.span);
          em->emit(Op::LocalEqConstOr, a1->first, em->constant(a1->second), em->constant(b1->second));
          return;
        }
      }
      expr(a);
      uint32_t j = em->emitJump(isAnd ? Op::AndJump : Op::OrJump);
      expr(b);
      em->emit(isAnd ? Op::AndMerge : Op::OrMerge);
      em->patch(j, em->here());
      return;
    }
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
      // Optimization: `x == "const"` compares against a string in one step.
      const Expr* lit = b.kind == ExprKind::String ? &b : a.kind == ExprKind::String ? &a : nullptr;
      if (lit) {
        const Expr& x = lit == &b ? a : b;
        if (isLocalAttr(x)) {  // read and compared in one instruction
          em->position(x.span);
          em->emit(e.binaryOp == BinaryOp::Eq ? Op::LocalAttrEqStr : Op::LocalAttrNeStr, slotOf(x.args[0]->slot),
                   packAttr(x.kind_, x.attr), str(lit->text));
          return;
        }
        expr(x);
        em->emit(e.binaryOp == BinaryOp::Eq ? Op::EqStr : Op::NeStr, str(lit->text));
        return;
      }
      // Optimization: `x == null` and `x == <literal>` test the top of the
      // stack in place (the literal has no effects, so its side is free).
      const bool eq = e.binaryOp == BinaryOp::Eq;
      if (a.kind == ExprKind::Null || b.kind == ExprKind::Null) {
        const Expr& x = a.kind == ExprKind::Null ? b : a;
        if (isLocalAttr(x)) {
          em->position(x.span);
          em->emit(eq ? Op::LocalAttrIsNull : Op::LocalAttrNotNull, slotOf(x.args[0]->slot), packAttr(x.kind_, x.attr));
          return;
        }
        expr(x);
        em->emit(eq ? Op::IsNull : Op::NotNull);
        return;
      }
      const Expr* k = literalConstant(b) ? &b : literalConstant(a) ? &a : nullptr;
      if (k) {
        const Expr& x = k == &b ? a : b;
        // A local (often an inlined def's parameter) is read and compared in
        // one instruction.
        if (x.kind == ExprKind::Name && x.ref == ast::NameRef::Local) {
          em->emit(eq ? Op::LocalEqConst : Op::LocalNeConst, slotOf(x.slot), em->constant(*literalConstant(*k)));
          return;
        }
        expr(x);
        em->emit(eq ? Op::EqConst : Op::NeConst, em->constant(*literalConstant(*k)));
        return;
      }
      expr(a);
      expr(b);
      em->emit(eq ? Op::Eq : Op::Ne);
      return;
    }
    default: break;
  }
  if ((e.binaryOp == BinaryOp::In || e.binaryOp == BinaryOp::NotIn) && b.kind == ExprKind::Name &&
      b.ref == ast::NameRef::Collection) {
    // Optimization: every entity of a kind is in its collection, nothing else is.
    expr(a);
    em->emit(Op::IsKind, b.kind_);
    if (e.binaryOp == BinaryOp::NotIn) em->emit(Op::Not);
    return;
  }
  expr(a);
  expr(b);
  em->position(e.span);
  switch (e.binaryOp) {
    case BinaryOp::Lt: em->emit(Op::Lt); break;
    case BinaryOp::Le: em->emit(Op::Le); break;
    case BinaryOp::Gt: em->emit(Op::Gt); break;
    case BinaryOp::Ge: em->emit(Op::Ge); break;
    case BinaryOp::In: em->emit(Op::In); break;
    case BinaryOp::NotIn:
      em->emit(Op::In);
      em->emit(Op::Not);
      break;
    case BinaryOp::Contains: em->emit(Op::Contains); break;
    case BinaryOp::Overlaps: em->emit(Op::Overlaps); break;
    case BinaryOp::Within: em->emit(Op::Within); break;
    case BinaryOp::Add: em->emit(Op::Add); break;
    case BinaryOp::Sub: em->emit(Op::Sub); break;
    case BinaryOp::Or:
    case BinaryOp::And:
    case BinaryOp::Eq:
    case BinaryOp::Ne: break;
  }
}

std::pair<uint32_t, bool> Compiler::iterInit(const Expr& collection) {
  if (collection.kind == ExprKind::Name && collection.ref == ast::NameRef::Collection) {
    // Optimization: a whole kind table is walked by index, never listed.
    uint32_t it = frame->alloc();
    em->emit(Op::IterKind, it, collection.kind_);
    return {it, true};
  }
  expr(collection);
  uint32_t it = frame->alloc();
  em->position(collection.span);
  em->emit(Op::IterList, it);
  return {it, false};
}

uint32_t Compiler::emitNext(uint32_t it, bool kindTable, uint32_t var, const Expr* where, uint32_t whereVar) {
  if (where) {
    ElemFilter filter = whereFilter(*where, whereVar, program);
    if (!filter.tests.empty()) {
      const Op op = kindTable ? Op::NextEntityFilter : Op::NextElemFilter;
      return em->emitJump(op, it, var, em->filter(std::move(filter)));
    }
  }
  return em->emitJump(kindTable ? Op::NextEntity : Op::NextElem, it, var);
}

// all|any|none VAR in COLLECTION: BODY
//   <iterator>  push acc  L: Next it var X  <body>  Step X  Loop L  X:
void Compiler::quantifier(const Expr& e) {
  auto [it, kindTable] = iterInit(*e.args[0]);
  const uint32_t var = slotOf(e.slot);
  em->emit(e.quant == ast::Quant::Any ? Op::False : Op::True);
  const uint32_t head = em->here();
  // Optimization: `any` and `none` pass over the elements whose body is
  // false on its leading tests, as a loop does those its `where` rejects: a
  // false body changes neither. (`all` stops at the first.)
  const Expr* filtered = e.quant == ast::Quant::All ? nullptr : e.args[1].get();
  const uint32_t exit = emitNext(it, kindTable, var, filtered, e.slot);
  expr(*e.args[1]);
  em->position(e.span);
  uint32_t out = 0;
  switch (e.quant) {
    case ast::Quant::All: out = em->emitJump(Op::AllStep); break;
    case ast::Quant::Any: out = em->emitJump(Op::AnyStep, var); break;
    case ast::Quant::None: out = em->emitJump(Op::NoneStep); break;
  }
  em->emit(Op::Loop, head);
  em->patch(exit, em->here());
  em->patch(out, em->here());
}

// count(C) | count(VAR in C) | count(VAR in C where P)
void Compiler::count(const Expr& e) {
  const Expr& collection = *e.args[0];
  if (e.args.size() < 2 || !e.args[1]) {
    if (collection.kind == ExprKind::Name && collection.ref == ast::NameRef::Collection) {
      em->emit(Op::CountKind, collection.kind_);
      return;
    }
    expr(collection);
    em->position(e.span);
    em->emit(Op::CallBuiltin, packCall(static_cast<uint32_t>(BuiltinId::Len), 1));
    return;
  }
  auto [it, kindTable] = iterInit(collection);
  const uint32_t var = slotOf(e.slot);
  em->emit(Op::Const, em->constant(Value::integer(0)));
  const uint32_t head = em->here();
  const uint32_t exit = emitNext(it, kindTable, var, e.args[1].get(), e.slot);
  expr(*e.args[1]);
  em->position(e.span);
  em->emit(Op::CountStep);
  em->emit(Op::Loop, head);
  em->patch(exit, em->here());
}

// [ELEM for VAR in C where P]
//   <iterator>  BuildBegin b  L: Next it var X  [<P> JumpIfNotTrue C]  <ELEM> BuildPush
//   C: Loop L  X: BuildEnd b
void Compiler::comprehension(const Expr& e) {
  auto [it, kindTable] = iterInit(*e.args[1]);
  const uint32_t var = slotOf(e.slot);
  const uint32_t mark = frame->alloc();
  em->emit(Op::BuildBegin, mark);
  const uint32_t head = em->here();
  const bool filtered = e.args.size() > 2 && e.args[2];
  const uint32_t exit = emitNext(it, kindTable, var, filtered ? e.args[2].get() : nullptr, e.slot);
  uint32_t skip = 0;
  if (filtered) {
    expr(*e.args[2]);
    skip = em->emitJump(Op::JumpIfNotTrue);
  }
  expr(*e.args[0]);
  em->emit(Op::BuildPush);
  if (filtered) em->patch(skip, em->here());
  em->emit(Op::Loop, head);
  em->patch(exit, em->here());
  em->emit(Op::BuildEnd, mark);
}

}  // namespace ward::compiler
