// The compiler's program level: rules become one loop-nest chunk each (for
// clauses, where, when, require, Fail) plus a message chunk and an explain
// side-table; lets become chunks evaluated once; exemptions and metadata are
// copied into the CompiledPolicy with source text rendered in advance.
#include "dsl/compile.hpp"

#include <algorithm>
#include <functional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include "dsl/compiler.hpp"
#include "dsl/small_vec.hpp"

namespace ward {

namespace compiler {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;

Compiler::Compiler(const Program* p, const Schema& s, CodeUnit& u)
    : program(p), schema(s), sources(p ? p->sources : nullptr), unit(u) {
  unit.schema = &schema;
  if (program) {
    unit.lets.resize(program->lets.size());
    letState_.assign(program->lets.size(), LetState::Pending);
  }
  // The `tag` builtin reads each kind's `tags` list of `tag` entities.
  unit.tagsAttr.assign(schema.kindCount(), kNoAttr);
  for (const Schema::KindAttr& ka : schema.kindsWithAttr("tags")) unit.tagsAttr[ka.kind] = ka.attr;
  if (auto tk = schema.findKind("tag")) {
    auto key = schema.kind(*tk).find("key");
    auto value = schema.kind(*tk).find("value");
    if (key && value) {
      unit.tagKind = *tk;
      unit.tagKey = *key;
      unit.tagValue = *value;
    }
  }
}

uint32_t Compiler::str(std::string_view s) {
  const uint64_t h = std::hash<std::string_view>{}(s);
  // Reindexed when it fills up, and if anything added to the table behind
  // this index's back (nothing does today; the index must not go stale).
  if (strHashes_.size() != unit.strings.size() || (unit.strings.size() + 1) * 2 > strSlots_.size()) growStrIndex();
  const size_t mask = strSlots_.size() - 1;
  size_t i = h & mask;
  for (; strSlots_[i] != 0; i = (i + 1) & mask) {
    const uint32_t at = strSlots_[i] - 1;
    if (strHashes_[at] == h && unit.strings[at] == s) return at;
  }
  auto index = static_cast<uint32_t>(unit.strings.size());
  unit.strings.emplace_back(s);
  strHashes_.push_back(h);
  strSlots_[i] = index + 1;
  return index;
}

void Compiler::growStrIndex() {
  size_t size = std::max<size_t>(64, strSlots_.size());
  while ((unit.strings.size() + 1) * 2 > size) size *= 2;
  strSlots_.assign(size, 0);
  // Strings the unit had before this compiler (or before the last growth).
  strHashes_.resize(unit.strings.size());
  for (size_t at = 0; at < unit.strings.size(); ++at) {
    strHashes_[at] = std::hash<std::string_view>{}(unit.strings[at]);
    size_t i = strHashes_[at] & (size - 1);
    while (strSlots_[i] != 0) i = (i + 1) & (size - 1);
    strSlots_[i] = static_cast<uint32_t>(at + 1);
  }
}

uint32_t Compiler::attrName(std::string_view name) {
  uint32_t k = str(name);
  if (unit.attrByName.size() <= k) unit.attrByName.resize(k + 1);
  std::vector<AttrId>& byKind = unit.attrByName[k];
  if (byKind.empty()) {
    byKind.assign(schema.kindCount(), kNoAttr);
    for (const Schema::KindAttr& ka : schema.kindsWithAttr(name)) byKind[ka.kind] = ka.attr;
  }
  return k;
}

uint32_t Compiler::constList(std::vector<Value> elems) {
  for (size_t i = 0; i < unit.constLists.size(); ++i) {
    const auto& l = unit.constLists[i];
    if (l.size() == elems.size() &&
        std::equal(l.begin(), l.end(), elems.begin(), [](const Value& a, const Value& b) { return a.sameBits(b); }))
      return static_cast<uint32_t>(i);
  }
  unit.constLists.push_back(std::move(elems));
  return static_cast<uint32_t>(unit.constLists.size() - 1);
}

void Compiler::fail(Span span, std::string message) { errors.push_back(error(span, std::move(message))); }

const SourceFile* Compiler::fileOf(Span s) const { return sources && s.valid() ? sources->get(s.file) : nullptr; }

SourceLocation Compiler::locationOf(Span s) const {
  SourceLocation loc;
  if (const SourceFile* f = fileOf(s)) {
    LineCol lc = f->lineCol(s.begin);
    loc.file = f->name();
    loc.line = lc.line;
    loc.col = lc.col;
  }
  return loc;
}

namespace {

// True when `text` has no tab, line feed or carriage return and no two
// spaces in a row.
bool plainSpacing(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  bool prevSpace = false;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                cr = _mm_set1_epi8('\r');
  for (; end - p >= 16; p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i other = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
    if (_mm_movemask_epi8(other) != 0) return false;
    const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    // A space at bit i followed by one at bit i + 1, or the block's first
    // byte a space after a space that ended the last block.
    if ((spaces & (spaces >> 1)) != 0 || (prevSpace && (spaces & 1u))) return false;
    prevSpace = (spaces >> 15) & 1u;
  }
#endif
  for (; p != end; ++p) {
    const char c = *p;
    if (c == '\t' || c == '\n' || c == '\r') return false;
    const bool isSpace = c == ' ';
    if (isSpace && prevSpace) return false;
    prevSpace = isSpace;
  }
  return true;
}

}  // namespace

std::string Compiler::textOf(const Expr& e) const {
  const SourceFile* f = fileOf(e.span);
  if (!f || e.span.end <= e.span.begin || e.span.end > f->text().size()) return printExpr(e);
  // Source text with each run of whitespace (a line break in a long
  // condition) shown as one space.
  // Optimization: sized once and copied a run of non-blanks at a time.
  std::string_view text = std::string_view(f->text()).substr(e.span.begin, e.span.end - e.span.begin);
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  // Optimization: most conditions are written on one line with single
  // spaces, so the text is taken as it is once a scan sixteen bytes at a
  // time finds nothing to change (no tab, line break or carriage return, no
  // two blanks in a row, no blank at either end).
  if (!text.empty() && !blank(text.front()) && !blank(text.back()) && plainSpacing(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (blank(text[i])) {
      while (i < text.size() && blank(text[i])) ++i;
      if (i < text.size() && !out.empty()) out += ' ';
      continue;
    }
    size_t run = i;
    while (i < text.size() && !blank(text[i])) ++i;
    out.append(text.data() + run, i - run);
  }
  return out;
}

// Lets are compiled on first use, each into a frame of its own; letOrder
// lists them dependencies first, which is the order the VM evaluates them in.
void Compiler::ensureLet(uint32_t index, Span use) {
  if (!program || index >= program->lets.size()) {
    fail(use, fmt::format("internal error: reference to unknown let #{}", index));
    return;
  }
  if (letState_[index] == LetState::Done) return;
  if (letState_[index] == LetState::Compiling) {
    fail(use, fmt::format("let '{}' depends on itself", program->lets[index]->name));
    return;
  }
  letState_[index] = LetState::Compiling;
  const ast::Let& let = *program->lets[index];
  Emitter* outerEm = em;
  FrameAlloc* outerFrame = frame;
  SlotMap* outerSlots = slots;
  int outerDepth = inlineDepth;
  FrameAlloc lf;
  lf.next = lf.size = slotsUsed(let.value.get());
  SlotMap identity;
  frame = &lf;
  slots = &identity;
  inlineDepth = 0;
  CompiledLet& out = unit.lets[index];
  out.name = let.name;
  out.chunk = chunkFor(*let.value);
  out.frameSize = lf.size;
  em = outerEm;
  frame = outerFrame;
  slots = outerSlots;
  inlineDepth = outerDepth;
  letState_[index] = LetState::Done;
  unit.letOrder.push_back(index);
}

namespace {

// Optimization: the conjuncts and operands of one condition, held in place
// (as vectors they were 428 of the 4,638 allocations of compiling the stdlib).
using ExprRefs = SmallVec<const Expr*, 16>;

// The top-level conjuncts of `a and b and c`.
void conjuncts(const Expr& e, ExprRefs& out) {
  if (e.kind == ExprKind::Binary && e.binaryOp == BinaryOp::And) {
    conjuncts(*e.args[0], out);
    conjuncts(*e.args[1], out);
    return;
  }
  out.push_back(&e);
}

// A test of one attribute, `attr(x)` when `x` names it: a loop variable's
// attribute in a `where`, or a def's parameter in the def's body (the def
// called with that attribute). Only forms that are true or false for any
// value but an error become tests (see ElemTest).
using AttrOf = std::function<std::optional<uint32_t>(const Expr&)>;

std::optional<ElemTest> elemTest(const Expr& e, const AttrOf& attr, const Program* program, int depth) {
  if (auto a = attr(e)) return ElemTest{ElemTest::Kind::IsTrue, *a, {}};
  if (e.kind == ExprKind::Unary && e.unaryOp == ast::UnaryOp::Not)
    if (auto a = attr(*e.args[0])) return ElemTest{ElemTest::Kind::IsFalse, *a, {}};
  if (e.kind == ExprKind::Binary && (e.binaryOp == BinaryOp::Eq || e.binaryOp == BinaryOp::Ne)) {
    const Expr& l = *e.args[0];
    const Expr& r = *e.args[1];
    const Expr& x = r.kind == ExprKind::Null || literalConstant(r) ? l : r;
    const Expr& k = &x == &l ? r : l;
    const auto a = attr(x);
    if (!a) return std::nullopt;
    const bool eq = e.binaryOp == BinaryOp::Eq;
    if (k.kind == ExprKind::Null) return ElemTest{eq ? ElemTest::Kind::IsNull : ElemTest::Kind::NotNull, *a, {}};
    auto v = literalConstant(k);
    if (eq && v) return ElemTest{ElemTest::Kind::EqAny, *a, {*v}};
    return std::nullopt;
  }
  if (e.kind == ExprKind::Binary && e.binaryOp == BinaryOp::Or) {
    auto l = elemTest(*e.args[0], attr, program, depth);
    auto r = elemTest(*e.args[1], attr, program, depth);
    if (!l || !r || l->kind != ElemTest::Kind::EqAny || r->kind != ElemTest::Kind::EqAny || l->attr != r->attr)
      return std::nullopt;
    l->values.insert(l->values.end(), r->values.begin(), r->values.end());
    return l;
  }
  // A def of one parameter called with the attribute (`open_to_world(r.cidr)`).
  if (e.kind == ExprKind::Call && e.callee >= 0 && depth == 0 && program &&
      static_cast<size_t>(e.callee) < program->defs.size() && e.args.size() == 1) {
    const ast::Def& def = *program->defs[e.callee];
    const auto a = attr(*e.args[0]);
    if (!a || def.params.size() != 1 || !def.body) return std::nullopt;
    const AttrOf param = [&](const Expr& x) -> std::optional<uint32_t> {
      if (x.kind == ExprKind::Name && x.ref == ast::NameRef::Local && x.slot == 0) return *a;
      return std::nullopt;
    };
    return elemTest(*def.body, param, program, depth + 1);
  }
  return std::nullopt;
}

}  // namespace

// The tests NextElemFilter and NextEntityFilter can apply for `where`: its
// leading conjuncts that are tests of the loop variable's attributes. Only
// leading ones: `and` evaluates left to right and stops at the first false,
// so an element that fails one of them is rejected before anything after it
// could run (or fail).
ElemFilter whereFilter(const Expr& where, uint32_t var, const Program* program) {
  const AttrOf attr = [var](const Expr& x) -> std::optional<uint32_t> {
    if (isLocalAttr(x) && x.args[0]->slot == var) return packAttr(x.kind_, x.attr);
    return std::nullopt;
  };
  ExprRefs parts;
  conjuncts(where, parts);
  ElemFilter f;
  for (const Expr* p : parts) {
    auto t = elemTest(*p, attr, program, 0);
    if (!t) break;
    f.tests.push_back(std::move(*t));
  }
  f.prepare();
  return f;
}

namespace {

bool isComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or:
    case BinaryOp::And:
    case BinaryOp::Add:
    case BinaryOp::Sub: return false;
    default: return true;
  }
}

// The sub-expressions whose values explain why `e` is not true: both sides
// of a comparison (literals are their own explanation), the operands of
// `not`, `and` and `or`, or `e` itself.
void operandsOf(const Expr& e, ExprRefs& out) {
  if (e.kind == ExprKind::Binary && isComparison(e.binaryOp)) {
    for (const ast::ExprPtr& side : e.args)
      if (!isLiteral(*side)) out.push_back(side.get());
  } else if (e.kind == ExprKind::Binary && (e.binaryOp == BinaryOp::And || e.binaryOp == BinaryOp::Or)) {
    operandsOf(*e.args[0], out);
    operandsOf(*e.args[1], out);
  } else if (e.kind == ExprKind::Unary && e.unaryOp == ast::UnaryOp::Not) {
    operandsOf(*e.args[0], out);
  } else if (!isLiteral(e)) {
    out.push_back(&e);
  }
}

// Quantifier variables of `e` (not of defs it calls): the candidates for
// witness bindings.
void witnessesOf(const Expr& e, std::vector<WitnessVar>& out) {
  if (e.kind == ExprKind::Quantifier) out.push_back(WitnessVar{e.var, e.slot});
  for (const ast::ExprPtr& a : e.args)
    if (a) witnessesOf(*a, out);
}

// `self` is the conjunct being explained: an operand that is the conjunct
// itself gets no chunk of its own (the VM shows the conjunct's value).
std::vector<ExplainOperand> compileOperands(Compiler& c, const Expr& e, const Expr* self) {
  ExprRefs exprs;
  operandsOf(e, exprs);
  if (exprs.empty()) exprs.push_back(&e);
  std::vector<ExplainOperand> out;
  out.reserve(exprs.size());
  for (const Expr* x : exprs) {
    std::string text = c.textOf(*x);
    if (x == self) {
      out.push_back(ExplainOperand{std::move(text), Chunk{}});
      continue;
    }
    Chunk chunk = c.chunkFor(*x);
    out.push_back(ExplainOperand{std::move(text), std::move(chunk)});
  }
  return out;
}

CompiledRule compileRule(Compiler& c, const ProgramRule& pr) {
  const ast::Rule& r = *pr.rule;
  CompiledRule out;
  out.meta.id = pr.id;
  out.meta.title = r.title.value_or(pr.id);
  out.meta.level = r.level;
  out.meta.severity = r.severity;
  out.meta.tags = r.tags;
  out.meta.rationale = r.rationale.value_or("");
  out.meta.fix = r.fix.value_or("");
  out.meta.refs = r.refs;
  out.meta.location = c.locationOf(r.nameSpan.valid() ? r.nameSpan : r.span);

  // Hidden slots go above every slot the checker assigned.
  uint32_t base = r.frameSize;
  for (const ast::ForClause& f : r.fors) {
    base = std::max({base, f.slot + 1, slotsUsed(f.collection.get()), slotsUsed(f.where.get())});
  }
  base = std::max({base, slotsUsed(r.when.get()), slotsUsed(r.require.get()), slotsUsed(r.message.get())});
  FrameAlloc frame;
  frame.next = frame.size = base;
  SlotMap identity;
  c.frame = &frame;
  c.slots = &identity;
  c.inlineDepth = 0;

  bool reach = callsReach(r.when.get(), c.program) || callsReach(r.require.get(), c.program);
  for (const ast::ForClause& f : r.fors)
    reach = reach || callsReach(f.collection.get(), c.program) || callsReach(f.where.get(), c.program);
  out.usesReach = reach;

  Emitter body(c.sources);
  c.em = &body;
  struct LoopInfo {
    uint32_t head, exit, mark;
  };
  SmallVec<LoopInfo, 4> loops;
  // Jumps to patch once their target is known: to the next iteration of the
  // innermost loop open when they were emitted (`depth` loops open), or to
  // the end of the rule (depth 0: no loop was open).
  struct Pending {
    uint32_t depth, pos;
  };
  SmallVec<Pending, 16> pending;
  auto skip = [&](uint32_t pos) { pending.push_back(Pending{static_cast<uint32_t>(loops.size()), pos}); };
  auto patchPending = [&](uint32_t depth) {
    for (const Pending& p : pending)
      if (p.depth == depth) body.patch(p.pos, body.here());
  };

  out.fors.reserve(r.fors.size());
  for (const ast::ForClause& f : r.fors) {
    ForPlan& plan = out.fors.emplace_back();
    plan.var = f.var;
    plan.slot = c.slotOf(f.slot);
    if (f.collection->kind == ExprKind::Name && f.collection->ref == ast::NameRef::Collection)
      plan.kind = f.collection->kind_;
    plan.collectionText = c.textOf(*f.collection);
    if (f.where) plan.whereText = c.textOf(*f.where);

    auto [it, kindTable] = c.iterInit(*f.collection);
    if (loops.empty()) {
      out.candidateEntry = body.here();
      out.candidateIter = it;
      out.candidateKindTable = kindTable;
    }
    LoopInfo loop;
    loop.mark = frame.alloc();
    body.emit(Op::Mark, loop.mark);
    loop.head = body.here();
    // Optimization: an inner loop passes over the elements its `where`
    // rejects on its first tests without running it (the first loop stays as
    // it is: RuleEvaluator patches it).
    loop.exit = c.emitNext(it, kindTable, plan.slot, loops.empty() ? nullptr : f.where.get(), f.slot);
    loops.push_back(loop);
    if (f.where) {
      c.expr(*f.where);
      const uint32_t rejected = body.emitJump(Op::JumpIfNotTrue);
      if (loops.size() == 1) out.candidateWhereJump = rejected;
      skip(rejected);
    }
  }
  if (reach) body.emit(Op::BeginInstance);
  if (r.when) {
    out.whenText = c.textOf(*r.when);
    c.expr(*r.when);
    skip(body.emitJump(Op::JumpIfNotTrue));
  }
  if (r.require) {
    out.requireText = c.textOf(*r.require);
    // A quantifier that a short circuit skips must not show the witness of
    // an earlier instance in this instance's message or bindings.
    std::vector<WitnessVar> vars;
    witnessesOf(*r.require, vars);
    for (const WitnessVar& w : vars) body.emit(Op::Unbind, c.slotOf(w.slot));
    c.expr(*r.require);
    out.requirePassJump = body.emitJump(Op::JumpIfTrue);
    skip(out.requirePassJump);
  }
  body.emit(Op::Fail);
  // Loops close innermost first, each patching the jumps to its next iteration.
  for (size_t depth = loops.size(); depth > 0; --depth) {
    const LoopInfo& loop = loops[depth - 1];
    patchPending(static_cast<uint32_t>(depth));
    body.emit(Op::LoopReset, loop.mark, loop.head);
    body.patch(loop.exit, body.here());
  }
  patchPending(0);
  body.emit(Op::Return);
  out.body = body.finish();

  uint32_t failStack = 0;
  if (r.message) {
    out.message = c.chunkFor(*r.message);
    failStack = out.message.maxStack;
  }
  if (r.require) {
    ExprRefs parts;
    conjuncts(*r.require, parts);
    out.explain.reserve(parts.size());
    for (const Expr* part : parts) {
      ExplainCheck check;
      check.text = c.textOf(*part);
      check.operands = compileOperands(c, *part, part);
      witnessesOf(*part, check.witnesses);
      if (part->kind == ExprKind::Quantifier && part->quant != ast::Quant::Any) {
        check.witnessSlot = part->slot;
        check.witnessOperands = compileOperands(c, *part->args[1], nullptr);
      }
      // A lone conjunct is known to have failed; its chunk is only needed
      // when an operand shows the conjunct's own value.
      bool self = std::any_of(check.operands.begin(), check.operands.end(),
                              [](const ExplainOperand& op) { return op.chunk.code.empty(); });
      if (parts.size() > 1 || self) check.chunk = c.chunkFor(*part);
      failStack = std::max(failStack, check.chunk.maxStack);
      for (const auto* ops : {&check.operands, &check.witnessOperands})
        for (const ExplainOperand& op : *ops) failStack = std::max(failStack, op.chunk.maxStack);
      out.explain.push_back(std::move(check));
    }
  }
  out.frameSize = frame.size;
  out.stackSize = out.body.maxStack + failStack + 1;
  c.em = nullptr;
  c.frame = nullptr;
  c.slots = nullptr;
  return out;
}

}  // namespace

}  // namespace compiler

Result<std::shared_ptr<const CompiledPolicy>> compile(const Program& program) {
  auto policy = std::make_shared<CompiledPolicy>();
  const Schema& schema = program.schema ? *program.schema : Schema::aws();
  compiler::Compiler c(&program, schema, policy->unit);

  policy->rules.reserve(program.rules.size());
  for (const ProgramRule& pr : program.rules) {
    if (!pr.rule) continue;
    policy->rules.push_back(compiler::compileRule(c, pr));
  }
  // Optimization: the checker already sorts rules by id, and a stable sort
  // of sorted input would still move every (large) CompiledRule twice.
  auto byId = [](const CompiledRule& a, const CompiledRule& b) { return a.meta.id < b.meta.id; };
  if (!std::is_sorted(policy->rules.begin(), policy->rules.end(), byId))
    std::stable_sort(policy->rules.begin(), policy->rules.end(), byId);
  for (const CompiledRule& r : policy->rules) {
    policy->maxFrame = std::max(policy->maxFrame, r.frameSize);
    policy->maxStack = std::max(policy->maxStack, r.stackSize);
  }
  for (const ProgramExempt& pe : program.exempts) {
    if (!pe.exempt) continue;
    CompiledExemption e;
    e.ruleId = pe.ruleId;
    e.resource = pe.exempt->resource;
    e.until = pe.exempt->until;
    e.owner = pe.exempt->owner;
    e.reason = pe.exempt->reason;
    e.location = c.locationOf(pe.exempt->span);
    policy->exemptions.push_back(std::move(e));
  }
  if (!c.errors.empty()) return fail(std::move(c.errors));
  return std::shared_ptr<const CompiledPolicy>(std::move(policy));
}

Result<std::shared_ptr<const CompiledExpr>> compileExpression(const ast::Expr& expr, const Program* program,
                                                              const Schema* schema) {
  auto out = std::make_shared<CompiledExpr>();
  const Schema& s = schema ? *schema : program && program->schema ? *program->schema : Schema::aws();
  compiler::Compiler c(program, s, out->unit);
  compiler::FrameAlloc frame;
  frame.next = frame.size = compiler::slotsUsed(&expr);
  compiler::SlotMap identity;
  c.frame = &frame;
  c.slots = &identity;
  out->text = c.textOf(expr);
  out->chunk = c.chunkFor(expr);
  out->frameSize = frame.size;
  out->maxStack = out->chunk.maxStack + 1;
  if (expr.type.base != BaseType::Unknown && expr.type.base != BaseType::Any && expr.type.base != BaseType::Null)
    out->type = s.typeName(expr.type);
  if (!c.errors.empty()) return fail(std::move(c.errors));
  return std::shared_ptr<const CompiledExpr>(std::move(out));
}

}  // namespace ward
