// Static types for the checker: type names and signatures as written in
// builtins.def and def parameters, and the relations between types.
#include <cctype>

#include "dsl/checker.hpp"

namespace ward {

namespace {

struct Primitive {
  std::string_view name;
  BaseType base;
};

constexpr Primitive kPrimitives[] = {
    {"bool", BaseType::Bool},     {"int", BaseType::Int},   {"string", BaseType::String},
    {"ip", BaseType::Ip},         {"cidr", BaseType::Cidr}, {"traffic", BaseType::Traffic},
    {"date", BaseType::Date},     {"any", BaseType::Any},   {"entity", BaseType::Entity},
};

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A recursive-descent reader over one type or signature string:
//   type      -> word ['?'] | 'list' '<' type '>' ['?']
//   signature -> '(' [type {',' type}] ')' '->' type
class TypeReader {
public:
  TypeReader(std::string_view text, const Schema& schema) : text_(text), schema_(schema) {}

  tl::expected<Type, checker::TypeNameError> type() {
    skipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && isWordChar(text_[pos_])) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word.empty()) return failAt(start, 1, "", "expected a type");
    Type t;
    if (word == "list") {
      if (!eat('<')) return failAt(pos_, 1, "", "expected '<' after 'list'");
      auto elem = type();
      if (!elem) return elem;
      if (!eat('>')) return failAt(pos_, 1, "", "expected '>' to close 'list<'");
      // Note: Type has one level of element type, so list<list<T>> is a
      // list of lists of unknown elements.
      t = Type::listOf(elem->base, elem->kind);
    } else if (auto prim = primitive(word)) {
      t = Type::of(*prim);
    } else if (auto kind = schema_.findKind(word)) {
      t = Type::entity(*kind);
    } else {
      return failAt(start, word.size(), std::string(word), "unknown type '" + std::string(word) + "'");
    }
    if (eat('?')) t.nullable = true;
    return t;
  }

  std::optional<Signature> signature() {
    Signature sig;
    if (!eat('(')) return std::nullopt;
    if (!eat(')')) {
      do {
        auto t = type();
        if (!t) return std::nullopt;
        sig.params.push_back(*t);
      } while (eat(','));
      if (!eat(')')) return std::nullopt;
    }
    if (!eat('-') || pos_ >= text_.size() || text_[pos_] != '>') return std::nullopt;
    ++pos_;
    auto result = type();
    if (!result) return std::nullopt;
    sig.result = *result;
    return atEnd() ? std::optional<Signature>(sig) : std::nullopt;
  }

  bool atEnd() {
    skipSpace();
    return pos_ == text_.size();
  }
  size_t pos() const { return pos_; }

private:
  std::string_view text_;
  const Schema& schema_;
  size_t pos_ = 0;

  static std::optional<BaseType> primitive(std::string_view word) {
    for (const Primitive& p : kPrimitives)
      if (p.name == word) return p.base;
    return std::nullopt;
  }
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  tl::unexpected<checker::TypeNameError> failAt(size_t at, size_t len, std::string word, std::string msg) {
    return tl::unexpected(checker::TypeNameError{std::move(msg), std::move(word), at, len});
  }
};

}  // namespace

std::optional<Signature> parseSignature(std::string_view sig, const Schema& schema) {
  return TypeReader(sig, schema).signature();
}

std::optional<Type> resolveTypeName(std::string_view text, const Schema& schema) {
  auto t = checker::parseType(text, schema);
  if (!t) return std::nullopt;
  return *t;
}

const std::vector<BuiltinInfo>& builtinTable() {
  static const std::vector<BuiltinInfo> table = {
#define BUILTIN(Id, name, sig) BuiltinInfo{name, sig},
#include "runtime/builtins.def"
#undef BUILTIN
  };
  return table;
}

std::optional<uint16_t> findBuiltin(std::string_view name) {
  const auto& table = builtinTable();
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i].name == name) return static_cast<uint16_t>(i);
  return std::nullopt;
}

namespace checker {

tl::expected<Type, TypeNameError> parseType(std::string_view text, const Schema& schema) {
  TypeReader reader(text, schema);
  auto t = reader.type();
  if (!t) return t;
  if (!reader.atEnd())
    return tl::unexpected(TypeNameError{"unexpected text after the type '" + std::string(text.substr(0, reader.pos())) + "'",
                                        "", reader.pos(), text.size() - reader.pos()});
  return t;
}

std::vector<std::string> typeWords(const Schema& schema) {
  std::vector<std::string> words;
  for (const Primitive& p : kPrimitives) words.emplace_back(p.name);
  words.emplace_back("list");
  for (const std::string& k : schema.kindNames()) words.push_back(k);
  return words;
}

namespace {
// Entity kinds agree when equal or when either is the generic `entity`.
bool kindsAgree(KindId a, KindId b) { return a == b || a == kNoKind || b == kNoKind; }
bool elemLoose(BaseType b) { return b == BaseType::Unknown || b == BaseType::Any; }
}  // namespace

bool comparable(const Type& a, const Type& b) {
  if (isLoose(a) || isLoose(b)) return true;
  if (a.base == BaseType::Null || b.base == BaseType::Null) return true;
  if (a.base != b.base) return false;
  if (a.base == BaseType::Entity) return kindsAgree(a.kind, b.kind);
  if (a.base == BaseType::List) {
    if (elemLoose(a.elem) || elemLoose(b.elem)) return true;
    if (a.elem != b.elem) return false;
    return a.elem != BaseType::Entity || kindsAgree(a.kind, b.kind);
  }
  return true;
}

bool assignable(const Type& arg, const Type& param) {
  if (isLoose(arg) || isLoose(param)) return true;
  // Null flows anywhere: operations on null yield null at run time rather
  // than failing, the same as an absent attribute.
  if (arg.base == BaseType::Null) return true;
  if (arg.base != param.base) return false;
  if (param.base == BaseType::Entity) return kindsAgree(arg.kind, param.kind);
  if (param.base == BaseType::List) {
    if (elemLoose(param.elem) || elemLoose(arg.elem)) return true;
    if (arg.elem != param.elem) return false;
    return param.elem != BaseType::Entity || kindsAgree(arg.kind, param.kind);
  }
  return true;
}

}  // namespace checker
}  // namespace ward
