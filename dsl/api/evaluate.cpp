// The embedding API's evaluation: host functions bridged to the VM, limits
// applied, findings and reports handed back; plus PolicySet and Evaluation.
#include <chrono>

#include <fmt/format.h>

#include "dsl/api/impl.hpp"
#include "runtime/net/reach.hpp"

namespace ward::api {

namespace {

int64_t today() {
  using namespace std::chrono;
  return duration_cast<days>(system_clock::now().time_since_epoch()).count();
}

Level publicLevel(ward::Level l) {
  switch (l) {
    case ward::Level::Advisory: return Level::Advisory;
    case ward::Level::Warn: return Level::Warn;
    case ward::Level::Deny: return Level::Deny;
  }
  return Level::Warn;
}

HostValue toHost(const Value& v, EvalContext& ctx, int depth) {
  const FactBase& fb = ctx.facts();
  HostValue h;
  switch (v.tag) {
    case Tag::Null: h.typeName = "null"; return h;
    case Tag::Bool: h = HostValue::ofBool(v.asBool()); h.typeName = "bool"; return h;
    case Tag::Int: h = HostValue::ofInt(static_cast<int64_t>(v.x)); h.typeName = "int"; return h;
    case Tag::String: h = HostValue::ofString(std::string(ctx.str(v))); h.typeName = "string"; return h;
    case Tag::Entity: {
      KindId k = static_cast<KindId>(v.w);
      h = HostValue::ofString(std::string(fb.idOf(k, static_cast<EntityIndex>(v.x))));
      h.typeName = fb.schema().kind(k).name;
      return h;
    }
    case Tag::List: {
      h.kind = HostValue::Kind::List;
      h.typeName = "list";
      // Lists of lists are rare; bounding the recursion keeps a hostile
      // value from exhausting the stack.
      if (depth < 32)
        for (const Value& e : ctx.list(v)) h.list.push_back(toHost(e, ctx, depth + 1));
      return h;
    }
    case Tag::Ip: h.typeName = "ip"; break;
    case Tag::Cidr: h.typeName = "cidr"; break;
    case Tag::Traffic: h.typeName = "traffic"; break;
    case Tag::Date: h.typeName = "date"; break;
    case Tag::Error: h.typeName = "error"; break;
  }
  h.kind = HostValue::Kind::String;
  h.text = ctx.render(v);
  return h;
}

// Builds the VM value of a host result, checked against the declared type so
// that a careless host cannot hand the VM a value of the wrong type.
Value fromHost(const HostValue& h, BaseType want, bool nullable, const std::string& fn, EvalContext& ctx) {
  auto wrong = [&](const char* got) {
    return ctx.makeError(fmt::format("host function {} returned {}, which its signature does not allow", fn, got));
  };
  switch (h.kind) {
    case HostValue::Kind::Error: return ctx.makeError(h.text);
    case HostValue::Kind::Null: return nullable || want == BaseType::Any ? Value{} : wrong("null");
    case HostValue::Kind::Bool:
      return want == BaseType::Bool || want == BaseType::Any ? Value::boolean(h.boolean) : wrong("a bool");
    case HostValue::Kind::Int:
      return want == BaseType::Int || want == BaseType::Any ? Value::integer(h.integer) : wrong("an int");
    case HostValue::Kind::String:
      return want == BaseType::String || want == BaseType::Any ? ctx.makeString(h.text) : wrong("a string");
    case HostValue::Kind::List: return wrong("a nested list");
  }
  return wrong("an unknown value");
}

HostFn bridge(const HostEntry& entry) {
  return [&entry](std::span<const Value> args, EvalContext& ctx) -> Value {
    try {
      std::vector<HostValue> in;
      in.reserve(args.size());
      for (const Value& a : args) in.push_back(toHost(a, ctx, 0));
      HostValue out = entry.fn(in);
      const Type& r = entry.result;
      if (r.base != BaseType::List || out.kind != HostValue::Kind::List)
        return fromHost(out, r.base == BaseType::List ? BaseType::Unknown : r.base, r.nullable, entry.name, ctx);
      std::vector<Value> elems;
      elems.reserve(out.list.size());
      for (const HostValue& e : out.list) {
        Value v = fromHost(e, r.elem, false, entry.name, ctx);
        if (v.tag == Tag::Error) return v;
        elems.push_back(v);
      }
      return ctx.makeList(elems);
    } catch (const std::exception& e) {
      return ctx.makeError(fmt::format("host function {} failed: {}", entry.name, e.what()));
    } catch (...) {
      return ctx.makeError(fmt::format("host function {} failed", entry.name));
    }
  };
}

}  // namespace

Finding publicFinding(const ward::Finding& f) {
  return Finding{std::string(f.ruleId),       publicLevel(f.level),         severityName(f.severity),
                 std::string(f.title),        std::string(f.resourceKind), std::string(f.resourceId),
                 std::string(f.message),      f.exempted};
}

Expected<EvalOptions> evalOptionsFor(const PolicySet::Impl* p, const FactSet::Impl* f, const Limits& limits) {
  if (!p || !f) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty policy set or fact set"));
  if (p->schemaPtr != f->schemaPtr)
    return tl::unexpected(makeError(ErrorCode::InvalidArgument,
                                    "the policies and the facts were made with different schemas (declare every "
                                    "host kind before compiling and loading)"));
  EvalOptions opts;
  opts.limits = evalLimits(limits);
  opts.today = today();
  opts.reach = net::reachHookFor(*f->facts);
  for (const HostEntry& h : p->hosts) opts.hostFunctions.push_back(bridge(h));
  return opts;
}

Expected<Evaluation> Engine::evaluate(const PolicySet& policies, const FactSet& facts) const {
  return evaluate(policies, facts, impl_->limits);
}

Expected<Evaluation> Engine::evaluate(const PolicySet& policies, const FactSet& facts, const Limits& limits) const {
  return guarded<Evaluation>([&]() -> Expected<Evaluation> {
    const PolicySet::Impl* p = policies.impl().get();
    const FactSet::Impl* f = facts.impl().get();
    auto opts = evalOptionsFor(p, f, limits);
    if (!opts) return tl::unexpected(std::move(opts.error()));
    auto report = ward::evaluate(*p->compilation.policy, *f->facts, *opts);
    if (!report) return tl::unexpected(makeError(evalErrorCode(report.error().code), report.error().message));
    auto impl = std::make_shared<Evaluation::Impl>();
    impl->input.findings = std::move(report->findings);
    impl->input.text = std::move(report->text);
    impl->input.rules = p->rules;
    impl->input.factSources = f->sources;
    impl->input.rulesEvaluated = report->rulesEvaluated;
    impl->counts = countByLevel(impl->input.findings);
    return Evaluation(std::move(impl));
  });
}

// --- PolicySet -------------------------------------------------------------------

std::vector<RuleInfo> PolicySet::rules() const {
  std::vector<RuleInfo> out;
  if (!impl_) return out;
  try {
    for (const RuleMeta& r : impl_->rules) out.push_back(RuleInfo{r.id, r.title, publicLevel(r.level)});
  } catch (...) {
    out.clear();
  }
  return out;
}

const std::vector<Message>& PolicySet::warnings() const {
  static const std::vector<Message> kNone;
  return impl_ ? impl_->warnings : kNone;
}

// --- Evaluation ------------------------------------------------------------------

std::vector<Finding> Evaluation::findings() const {
  std::vector<Finding> out;
  if (!impl_) return out;
  try {
    out.reserve(impl_->input.findings.size());
    for (const ward::Finding& f : impl_->input.findings) out.push_back(publicFinding(f));
  } catch (...) {
    out.clear();
  }
  return out;
}

uint64_t Evaluation::count(Level level) const {
  if (!impl_) return 0;
  switch (level) {
    case Level::Advisory: return impl_->counts.advisory;
    case Level::Warn: return impl_->counts.warn;
    case Level::Deny: return impl_->counts.deny;
  }
  return 0;
}

uint64_t Evaluation::rulesEvaluated() const { return impl_ ? impl_->input.rulesEvaluated : 0; }

Expected<std::string> Evaluation::render(Format format, bool verbose) const {
  return guarded<std::string>([&]() -> Expected<std::string> {
    if (!impl_) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "empty evaluation"));
    ReportFormat rf = ReportFormat::Text;
    switch (format) {
      case Format::Text: rf = ReportFormat::Text; break;
      case Format::Json: rf = ReportFormat::Json; break;
      case Format::Sarif: rf = ReportFormat::Sarif; break;
      case Format::Junit: rf = ReportFormat::Junit; break;
    }
    ReportOptions opts;
    opts.verbose = verbose;
    return renderReport(impl_->input, rf, opts);
  });
}

}  // namespace ward::api
