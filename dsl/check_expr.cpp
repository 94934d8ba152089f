// Expression typing: names and scopes, member access against the fact schema,
// operators, quantifiers, comprehensions and calls.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "dsl/checker.hpp"
#include "dsl/small_vec.hpp"

namespace ward::checker {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;

namespace {

const char* binaryOpName(BinaryOp op) {
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

std::vector<Note> didYouMean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best = closestMatch(name, candidates);
  if (best.empty()) return {};
  return {Note{"did you mean '" + best + "'?", Span{}}};
}

bool is(const Type& t, BaseType b) { return t.base == b; }
bool isAddress(const Type& t) { return t.base == BaseType::Ip || t.base == BaseType::Cidr; }
std::string plural(size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

}  // namespace

Type Checker::expr(Expr& e) {
  Type t = exprImpl(e);
  e.type = t;
  return t;
}

void Checker::expectBool(Expr& e, std::string_view what) {
  Type t = expr(e);
  if (!boolish(t)) report(error(e.span, fmt::format("{} must be a bool, found {}", what, typeName(t))));
}

uint32_t Checker::declare(const std::string& name, Type type, Span span) {
  uint32_t slot = frame->nextSlot++;
  // Room for a rule's usual locals at once, not grown one by one.
  if (frame->locals.capacity() == 0) frame->locals.reserve(8);
  frame->locals.push_back(Local{name, type, slot, span, false, {}});
  return slot;
}

Type Checker::rangeOver(Expr& collection, std::string_view what) {
  Type c = expr(collection);
  if (isLoose(c)) return Type::of(c.base);
  if (c.base == BaseType::List) return c.element();
  std::vector<Note> notes;
  if (c.base == BaseType::Entity && c.kind != kNoKind)
    notes.push_back(Note{fmt::format("the collection of every {} is '{}'", typeName(c), schema.kind(c.kind).collection),
                         Span{}});
  report(error(collection.span, fmt::format("{} needs a list to range over, found {}", what, typeName(c)),
               std::move(notes)));
  return Type{};
}

Type Checker::exprImpl(Expr& e) {
  switch (e.kind) {
    case ExprKind::Null: return Type::of(BaseType::Null);
    case ExprKind::Bool: return Type::of(BaseType::Bool);
    case ExprKind::Int: return Type::of(BaseType::Int);
    case ExprKind::String: return Type::of(BaseType::String);
    case ExprKind::Ip: return Type::of(BaseType::Ip);
    case ExprKind::Cidr: checkCidrLiteral(e); return Type::of(BaseType::Cidr);
    case ExprKind::Traffic: return Type::of(BaseType::Traffic);
    case ExprKind::Date: return Type::of(BaseType::Date);
    // Note: a service is only ever an operand of `reach`, which takes any
    // value; it has no static type of its own.
    case ExprKind::Service: return Type::of(BaseType::Any);
    case ExprKind::Interp:
      // Interpolated parts may be of any type: they render as their canonical text.
      for (auto& a : e.args) expr(*a);
      return Type::of(BaseType::String);
    case ExprKind::ListLit:
    case ExprKind::SetLit: return listLiteral(e);
    case ExprKind::Name: return name(e);
    case ExprKind::Member: return member(e);
    case ExprKind::Call: return call(e);
    case ExprKind::Unary: return unary(e);
    case ExprKind::Binary: return binary(e);
    case ExprKind::Quantifier: return quantifier(e);
    case ExprKind::Count: return count(e);
    case ExprKind::Comprehension: return comprehension(e);
  }
  return Type{};
}

void Checker::checkCidrLiteral(Expr& e) {
  if (net::isCanonical(e.cidr)) return;
  report(error(e.span, fmt::format("cidr {} has host bits set; did you mean {}?", net::format(e.cidr),
                                   net::format(net::canonical(e.cidr)))));
}

Type Checker::listLiteral(Expr& e) {
  std::optional<Type> acc;
  bool sawUnknown = false;
  for (auto& a : e.args) {
    Type t = expr(*a);
    if (t.base == BaseType::Null) continue;
    if (t.base == BaseType::Unknown) {
      sawUnknown = true;
      continue;
    }
    if (!acc) {
      acc = t;
    } else if (!(*acc == t)) {
      // Mixed entity kinds still make a list of entities; anything else mixed
      // is dynamically typed.
      bool entities = acc->base == BaseType::Entity && t.base == BaseType::Entity;
      acc = entities ? Type::entity(kNoKind) : Type::of(BaseType::Any);
    }
  }
  if (!acc) return Type::listOf(sawUnknown ? BaseType::Unknown : BaseType::Any);
  return Type::listOf(acc->base, acc->kind);
}

std::optional<GlobalName> Checker::lookupGlobal(const std::string& name, Span use, bool& reported) {
  reported = false;
  const Visibility* vis = frame ? frame->vis : nullptr;
  if (!vis) return std::nullopt;
  if (vis->own) {
    auto it = vis->own->names.find(name);
    if (it != vis->own->names.end()) return it->second;
  }
  std::vector<std::pair<const Namespace*, GlobalName>> found;
  for (const Namespace* ns : vis->imports) {
    auto it = ns->names.find(name);
    if (it != ns->names.end()) found.emplace_back(ns, it->second);
  }
  if (found.empty()) return std::nullopt;
  if (found.size() > 1) {
    std::vector<Note> notes;
    for (auto& [ns, g] : found) {
      Span at = g.isDef ? defs[g.index].def->nameSpan : lets[g.index].let->nameSpan;
      notes.push_back(Note{fmt::format("'{}' is defined in package '{}' here", name, ns->package), at});
    }
    report(error(use, fmt::format("'{}' is ambiguous: {} imported packages define it", name, found.size()),
                 std::move(notes)));
    reported = true;
    return std::nullopt;
  }
  return found.front().second;
}

std::vector<std::string> Checker::visibleNames(bool functions) const {
  std::vector<std::string> out;
  if (!functions && frame)
    for (const Local& l : frame->locals) out.push_back(l.name);
  if (frame && frame->vis) {
    auto add = [&](const Namespace* ns) {
      for (auto& [n, g] : ns->names)
        if (g.isDef == functions) out.push_back(n);
    };
    if (frame->vis->own) add(frame->vis->own);
    for (const Namespace* ns : frame->vis->imports) add(ns);
  }
  if (functions) {
    for (const Callable& c : builtins) out.push_back(c.name);
    for (const Callable& c : hosts) out.push_back(c.name);
  } else {
    for (const std::string& c : schema.collectionNames()) out.push_back(c);
  }
  return out;
}

Type Checker::name(Expr& e) {
  const std::string& n = e.text;
  // Locals, innermost first.
  for (auto it = frame->locals.rbegin(); it != frame->locals.rend(); ++it) {
    if (it->name != n) continue;
    if (it->ambiguous) {
      report(error(e.span,
                   fmt::format("'{}' is bound by more than one quantifier in 'require'; rename one to use it in "
                               "the message",
                               n),
                   {Note{"bound here", it->span}, Note{"and here", it->otherSpan}}));
      return Type{};
    }
    e.ref = ast::NameRef::Local;
    e.slot = it->slot;
    return it->type;
  }
  if (frame->inMessage && n == "why") return Type::of(BaseType::String);
  bool reported = false;
  if (auto g = lookupGlobal(n, e.span, reported)) {
    if (g->isDef) {
      report(error(e.span, fmt::format("'{}' is a def; call it with its arguments: {}(...)", n, n)));
      return Type{};
    }
    e.ref = ast::NameRef::Global;
    e.global = g->index;
    return letType(g->index, e.span);
  }
  if (reported) return Type{};
  if (auto k = schema.findCollection(n)) {
    e.ref = ast::NameRef::Collection;
    e.kind_ = *k;
    return Type::listOf(BaseType::Entity, *k);
  }
  if (frame->vis && frame->vis->incomplete) return Type{};
  std::vector<Note> notes;
  if (n == "why") {
    notes.push_back(Note{"'why' is only available in a rule's message", Span{}});
  } else if (auto k = schema.findKind(n)) {
    notes.push_back(Note{fmt::format("did you mean '{}', the collection of every {}?", schema.kind(*k).collection, n),
                         Span{}});
  } else {
    notes = didYouMean(n, visibleNames(false));
  }
  report(error(e.span, fmt::format("unknown name '{}'", n), std::move(notes)));
  return Type{};
}

const Checker::DynamicAttr& Checker::dynamicAttr(const std::string& attr) {
  if (auto it = dynamicAttrs_.find(attr); it != dynamicAttrs_.end()) return it->second;
  std::optional<Type> found;
  bool agree = true;
  for (const Schema::KindAttr& ka : schema.kindsWithAttr(attr)) {
    const Type& t = schema.attr(ka.kind, ka.attr).type;
    if (!found) found = t;
    else if (!(*found == t)) agree = false;
  }
  DynamicAttr d;
  d.found = found.has_value();
  if (found) d.type = agree ? found->orNull() : Type::of(BaseType::Any);
  return dynamicAttrs_.emplace(attr, d).first->second;
}

Type Checker::member(Expr& e) {
  Expr& recv = *e.args[0];
  Type r = expr(recv);
  const std::string& attr = e.text;
  // Where errors point: at `privat` rather than `s.privat` (errors only).
  auto at = [&] { return tailToken(e.span, attr); };
  e.kind_ = kNoKind;
  e.attr = kNoAttr;
  if (r.base == BaseType::Unknown) return Type{};
  if (r.base == BaseType::Entity && r.kind != kNoKind) {
    const KindDef& kind = schema.kind(r.kind);
    e.kind_ = r.kind;
    auto id = kind.find(attr);
    if (!id) {
      report(error(at(), fmt::format("{} has no attribute '{}'", kind.name, attr), didYouMean(attr, kind.attrNames())));
      return Type{};
    }
    e.attr = *id;
    Type t = kind.attrs[*id].type;
    if (r.nullable) t.nullable = true;
    return t;
  }
  if (r.base == BaseType::Any || r.base == BaseType::Entity) {
    // The kind is only known at run time: accept an attribute some kind has,
    // typed when every kind that has it agrees.
    const DynamicAttr& dyn = dynamicAttr(attr);
    if (!dyn.found) {
      // Optimization: the did-you-mean candidates are gathered only on the
      // error path; a successful lookup builds no strings.
      std::vector<std::string> all;
      for (size_t k = 0; k < schema.kindCount(); ++k)
        for (const AttrDef& a : schema.kind(static_cast<KindId>(k)).attrs) all.push_back(a.name);
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      report(error(at(), fmt::format("no kind of fact has an attribute '{}'", attr), didYouMean(attr, all)));
      return Type{};
    }
    return dyn.type;
  }
  std::vector<Note> notes;
  if (r.base == BaseType::List) {
    std::string recvText(textOf(recv.span));
    if (recvText.empty()) recvText = "...";
    notes.push_back(Note{fmt::format("to test every element use a quantifier, e.g. 'all x in {}: x.{}' or 'any x in {}: x.{}'",
                                     recvText, attr, recvText, attr),
                         Span{}});
  }
  report(error(at(), fmt::format("{} has no attribute '{}'", typeName(r), attr), std::move(notes)));
  return Type{};
}

Type Checker::unary(Expr& e) {
  Expr& operand = *e.args[0];
  if (e.unaryOp == ast::UnaryOp::Not) {
    Type t = expr(operand);
    if (!boolish(t)) report(error(operand.span, fmt::format("'not' needs a bool, found {}", typeName(t))));
    return Type::of(BaseType::Bool);
  }
  Type t = expr(operand);
  if (t.base == BaseType::Unknown) return Type{};
  if (t.base != BaseType::Int && t.base != BaseType::Any) {
    report(error(operand.span, fmt::format("'-' needs an int, found {}", typeName(t))));
    return Type{};
  }
  return Type::of(BaseType::Int);
}

// `in` and `contains` (the same test, operands swapped). On a list it is
// equality, as in the VM: `r.cidr in [0.0.0.0/0, ::/0]` asks for exactly those
// blocks. On a cidr or traffic it is containment; on a string, a substring.
Type Checker::membership(Expr& e, Expr& element, Expr& container, std::string_view op) {
  Type el = element.type, c = container.type;
  Type result = Type::of(BaseType::Bool);
  if (el.base == BaseType::Unknown || c.base == BaseType::Unknown || c.base == BaseType::Any) return result;
  auto mismatch = [&](const char* wanted, std::vector<Note> notes = {}) {
    report(error(e.span, fmt::format("'{}' looks for {} in a {}, found {}", op, wanted, typeName(c), typeName(el)),
                 std::move(notes)));
    return result;
  };
  switch (c.base) {
    case BaseType::List: {
      Type want = c.element();
      if (comparable(el, want)) return result;
      std::string wanted = want.base == BaseType::Unknown ? std::string("an element") : "a " + typeName(want);
      if (want.base == BaseType::Cidr && el.base == BaseType::Ip)
        return mismatch(wanted.c_str(), {Note{"membership in a list is equality, and an ip never equals a cidr; to "
                                              "test whether some block contains the ip, use 'within'",
                                              Span{}}});
      return mismatch(wanted.c_str());
    }
    case BaseType::Cidr:
      if (isAddress(el) || el.base == BaseType::Any) return result;
      return mismatch("an ip or cidr");
    case BaseType::Traffic:
      if (el.base == BaseType::Traffic || el.base == BaseType::Any) return result;
      return mismatch("traffic");
    case BaseType::String:
      if (el.base == BaseType::String || el.base == BaseType::Any) return result;
      return mismatch("a string");
    default: break;
  }
  report(error(container.span, fmt::format("'{}' needs a list, cidr, traffic or string on the {}, found {}", op,
                                           op == "contains" ? "left" : "right", typeName(c))));
  return result;
}

Type Checker::binary(Expr& e) {
  Expr& lhs = *e.args[0];
  Expr& rhs = *e.args[1];
  Type a = expr(lhs);
  Type b = expr(rhs);
  const char* op = binaryOpName(e.binaryOp);
  Type boolean = Type::of(BaseType::Bool);
  bool unknown = a.base == BaseType::Unknown || b.base == BaseType::Unknown;
  switch (e.binaryOp) {
    case BinaryOp::And:
    case BinaryOp::Or:
      if (!boolish(a)) report(error(lhs.span, fmt::format("'{}' needs a bool, found {}", op, typeName(a))));
      if (!boolish(b)) report(error(rhs.span, fmt::format("'{}' needs a bool, found {}", op, typeName(b))));
      return boolean;
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
      if (comparable(a, b)) return boolean;
      std::vector<Note> notes;
      // `s.cidr == "10.0.0.0/16"` is a common slip: network values are literals.
      auto quotedNetwork = [&](const Type& t, const Expr& other) {
        if (other.kind != ExprKind::String) return;
        if ((t.base == BaseType::Cidr && net::parseCidr(other.text)) || (t.base == BaseType::Ip && net::parseIp(other.text)))
          notes.push_back(Note{fmt::format("{} values are written without quotes: {}", typeName(t), other.text),
                               other.span});
      };
      quotedNetwork(a, rhs);
      quotedNetwork(b, lhs);
      report(error(e.span, fmt::format("cannot compare {} with {}", typeName(a), typeName(b)), std::move(notes)));
      return boolean;
    }
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge: {
      if (unknown) return boolean;
      auto ordered = [](const Type& t) {
        return t.base == BaseType::Int || t.base == BaseType::Date || t.base == BaseType::String || t.base == BaseType::Any;
      };
      bool same = a.base == b.base || a.base == BaseType::Any || b.base == BaseType::Any;
      if (!ordered(a) || !ordered(b) || !same)
        report(error(e.span, fmt::format("'{}' needs two ints, dates or strings, found {} and {}", op, typeName(a),
                                         typeName(b))));
      return boolean;
    }
    case BinaryOp::In:
    case BinaryOp::NotIn: return membership(e, lhs, rhs, op);
    case BinaryOp::Contains: return membership(e, rhs, lhs, op);
    case BinaryOp::Overlaps:
    case BinaryOp::Within: {
      if (unknown || a.base == BaseType::Any || b.base == BaseType::Any) return boolean;
      // Both lift over lists, as in the VM: `s.cidr within vpc.cidrs` (inside
      // some block), `blocks within vpc.cidr` (every block inside).
      auto item = [](const Type& t) { return t.base == BaseType::List ? t.element() : t; };
      Type x = item(a), y = item(b);
      if (isLoose(x) || isLoose(y)) return boolean;
      bool traffic = is(x, BaseType::Traffic) && is(y, BaseType::Traffic);
      bool ok = e.binaryOp == BinaryOp::Overlaps ? (isAddress(x) && isAddress(y)) || traffic
                                                 : (isAddress(x) && is(y, BaseType::Cidr)) || traffic;
      if (!ok) {
        const char* want = e.binaryOp == BinaryOp::Overlaps ? "two cidrs or ips, or two traffic specs"
                                                            : "an ip or cidr within a cidr, or traffic within traffic";
        report(error(e.span, fmt::format("'{}' needs {}, found {} and {}", op, want, typeName(a), typeName(b))));
      }
      return boolean;
    }
    case BinaryOp::Add:
    case BinaryOp::Sub: return arithmetic(e, a, b);
  }
  return Type{};
}

// + adds ints, dates and days, and concatenates strings and lists; - subtracts
// ints, days from a date, and dates (giving days).
Type Checker::arithmetic(Expr& e, const Type& a, const Type& b) {
  if (a.base == BaseType::Unknown || b.base == BaseType::Unknown) return Type{};
  bool add = e.binaryOp == BinaryOp::Add;
  auto pair = [&](BaseType x, BaseType y) {
    return (a.base == x || a.base == BaseType::Any) && (b.base == y || b.base == BaseType::Any);
  };
  if (a.base == BaseType::Any && b.base == BaseType::Any) return Type::of(BaseType::Any);
  if (pair(BaseType::Int, BaseType::Int)) return Type::of(BaseType::Int);
  if (pair(BaseType::Date, BaseType::Int)) return Type::of(BaseType::Date);
  if (add) {
    if (pair(BaseType::Int, BaseType::Date)) return Type::of(BaseType::Date);
    if (pair(BaseType::String, BaseType::String)) return Type::of(BaseType::String);
    if (pair(BaseType::List, BaseType::List)) {
      if (a.base != BaseType::List) return b;
      if (b.base != BaseType::List) return a;
      if (comparable(a, b)) return a.elem == BaseType::Any || a.elem == BaseType::Unknown ? b : a;
      return Type::listOf(BaseType::Any);
    }
  } else if (pair(BaseType::Date, BaseType::Date)) {
    return Type::of(BaseType::Int);
  }
  report(error(e.span, fmt::format("'{}' needs {}, found {} and {}", add ? "+" : "-",
                                   add ? "two ints, two strings, two lists, or a date and an int"
                                       : "two ints, two dates, or a date and an int",
                                   typeName(a), typeName(b))));
  return Type{};
}

Type Checker::quantifier(Expr& e) {
  // The two contexts of each quantifier's messages, as constants: formatting
  // them for every quantifier was about 7% of the checker's instructions.
  static constexpr std::string_view kRange[] = {"'all'", "'any'", "'none'"};
  static constexpr std::string_view kBody[] = {"the body of 'all'", "the body of 'any'", "the body of 'none'"};
  static_assert(static_cast<int>(ast::Quant::All) == 0 && static_cast<int>(ast::Quant::Any) == 1 &&
                static_cast<int>(ast::Quant::None) == 2);
  const auto q = static_cast<size_t>(e.quant);
  Type elem = rangeOver(*e.args[0], kRange[q]);
  size_t mark = frame->locals.size();
  e.slot = declare(e.var, elem, e.varSpan);
  // The variable keeps the witness after the quantifier has run, so a rule's
  // message can name it: remember it while checking `require`.
  if (frame->witnesses) frame->witnesses->push_back(frame->locals.back());
  expectBool(*e.args[1], kBody[q]);
  frame->locals.resize(mark);
  return Type::of(BaseType::Bool);
}

Type Checker::count(Expr& e) {
  if (e.var.empty()) {
    Type t = expr(*e.args[0]);
    if (t.base != BaseType::List && !isLoose(t))
      report(error(e.args[0]->span, fmt::format("'count' needs a list, found {}", typeName(t))));
    return Type::of(BaseType::Int);
  }
  Type elem = rangeOver(*e.args[0], "'count'");
  size_t mark = frame->locals.size();
  e.slot = declare(e.var, elem, e.varSpan);
  if (e.args.size() > 1 && e.args[1]) expectBool(*e.args[1], "'where'");
  frame->locals.resize(mark);
  return Type::of(BaseType::Int);
}

Type Checker::comprehension(Expr& e) {
  Type elem = rangeOver(*e.args[1], "a comprehension");
  size_t mark = frame->locals.size();
  e.slot = declare(e.var, elem, e.varSpan);
  if (e.args.size() > 2 && e.args[2]) expectBool(*e.args[2], "'where'");
  Type item = expr(*e.args[0]);
  frame->locals.resize(mark);
  return Type::listOf(item.base, item.kind);
}

bool Checker::checkArgs(Expr& e, const std::string& callee, std::span<const Type> params) {
  if (e.args.size() != params.size()) {
    report(error(e.span, fmt::format("'{}' takes {}, got {}", callee, plural(params.size(), "argument"), e.args.size())));
    return false;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const Type& got = e.args[i]->type;
    if (!assignable(got, params[i]))
      report(error(e.args[i]->span, fmt::format("'{}' expects {} for argument {}, found {}", callee,
                                                typeName(params[i]), i + 1, typeName(got))));
  }
  return true;
}

Type Checker::call(Expr& e) {
  for (auto& a : e.args) expr(*a);
  const std::string& fn = e.text;
  bool reported = false;
  if (auto g = lookupGlobal(fn, headToken(e.span, fn), reported)) {
    if (!g->isDef) {
      report(error(headToken(e.span, fn), fmt::format("'{}' is a let, not a function", fn)));
      return Type{};
    }
    ast::Def& def = *defs[g->index].def;
    e.callee = static_cast<int32_t>(g->index);
    SmallVec<Type, 8> params;
    for (const ast::Param& p : def.params) params.push_back(p.type);
    checkArgs(e, fn, params.span());
    return defResult(g->index, e.span);
  }
  if (reported) return Type{};
  const Callable* target = nullptr;
  for (size_t i = 0; i < builtins.size() && !target; ++i)
    if (builtins[i].name == fn) {
      target = &builtins[i];
      e.callee = -1;
      e.builtin = static_cast<uint16_t>(i);
    }
  for (size_t i = 0; i < hosts.size() && !target; ++i)
    if (hosts[i].name == fn) {
      target = &hosts[i];
      e.callee = kHostCallee;
      e.builtin = static_cast<uint16_t>(i);
    }
  if (!target) {
    if (frame->vis && frame->vis->incomplete) return Type{};
    report(error(headToken(e.span, fn), fmt::format("unknown function '{}'", fn), didYouMean(fn, visibleNames(true))));
    return Type{};
  }
  // A malformed host signature was reported once, up front.
  if (!target->valid) return Type::of(BaseType::Any);
  checkArgs(e, fn, target->sig.params);
  Type result = target->sig.result;
  // Generic in effect: `distinct(list<T>) -> list<any>` keeps T.
  const auto& ps = target->sig.params;
  if (result.base == BaseType::List && result.elem == BaseType::Any && !ps.empty() &&
      ps[0].base == BaseType::List && ps[0].elem == BaseType::Any && !e.args.empty() &&
      e.args[0]->type.base == BaseType::List) {
    bool nullable = result.nullable;
    result = e.args[0]->type;
    result.nullable = nullable;
  }
  return result;
}

}  // namespace ward::checker
