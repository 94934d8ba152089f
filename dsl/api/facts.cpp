// The embedding API's fact bases: loading against the engine's schema (the
// AWS one, or a copy extended with host kinds), FactBuilder and FactSet.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "dsl/api/impl.hpp"
#include "runtime/load/loader.hpp"

namespace ward::api {

namespace fs = std::filesystem;

namespace {

// Mirrors runtime/load's folder walk for a schema other than the AWS one
// (loadFacts always builds against Schema::aws()).
load::Source sourceOf(const fs::path& file, const fs::path& root) {
  load::Source src;
  src.name = file.generic_string();
  src.folder = file.parent_path().lexically_normal().generic_string();
  fs::path rel = root.empty() ? file.parent_path() : file.parent_path().lexically_relative(root);
  std::vector<std::string> parts;
  for (const fs::path& p : rel) parts.push_back(p.generic_string());
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "accounts" && i + 1 < parts.size()) src.account = parts[i + 1];
    if (load::looksLikeRegion(parts[i])) src.region = parts[i];
  }
  return src;
}

void loadOneFile(load::Loader& loader, const fs::path& file, const fs::path& root) {
  load::Source src = sourceOf(file, root);
  std::error_code ec;
  uintmax_t size = fs::file_size(file, ec);
  if (ec) return loader.error(inputError(src.name, "cannot read the file: " + ec.message()));
  if (size > loader.limits.maxFileBytes)
    return loader.error(inputError(src.name, fmt::format("the file is {} bytes, over the limit of {} bytes per file",
                                                         size, loader.limits.maxFileBytes)));
  std::string text(static_cast<size_t>(size), '\0');
  std::FILE* f = std::fopen(file.c_str(), "rb");
  bool ok = f && std::fread(text.data(), 1, text.size(), f) == text.size();
  if (f) std::fclose(f);
  if (!ok) return loader.error(inputError(src.name, "cannot read the file"));
  simdjson::padded_string padded(text);
  loader.loadText(src, padded);
}

bool isJsonFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string name = p.filename().string();
  return ext == ".json" && !name.starts_with(".");
}

}  // namespace

Result<std::shared_ptr<const FactBase>> loadPathsWith(const Schema& schema, const std::vector<std::string>& paths,
                                                     const LoadLimits& limits) {
  if (&schema == &Schema::aws()) return loadFacts(paths, limits);
  FactBaseBuilder builder(schema);
  load::Loader loader(builder, limits);
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      loader.error(inputError(path, "no such file or folder"));
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      loadOneFile(loader, path, {});
      continue;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().starts_with(".")) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && isJsonFile(it->path())) files.push_back(it->path());
    }
    if (ec) loader.error(inputError(path, "cannot list the folder: " + ec.message()));
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) loadOneFile(loader, f, path);
  }
  if (!loader.errors().empty()) return fail(loader.errors());
  loader.finish();
  return builder.finish();
}

Result<std::shared_ptr<const FactBase>> loadJsonWith(const Schema& schema, std::string_view json,
                                                    std::string_view name, const LoadLimits& limits) {
  if (&schema == &Schema::aws()) return loadFactsFromJson(json, name, limits);
  if (json.size() > limits.maxFileBytes)
    return fail(inputError(std::string(name), fmt::format("the input is {} bytes, over the limit of {} bytes",
                                                          json.size(), limits.maxFileBytes)));
  FactBaseBuilder builder(schema);
  load::Loader loader(builder, limits);
  simdjson::padded_string text(json);
  load::Source src;
  src.name = std::string(name);
  loader.loadText(src, text);
  if (!loader.errors().empty()) return fail(loader.errors());
  loader.finish();
  return builder.finish();
}

// --- FactBuilder -----------------------------------------------------------------

// The builder writes Ward JSON and loads it on finish(), so facts from code
// are typed and checked by exactly the rules that apply to fact files.
struct FactBuilder::Impl {
  std::shared_ptr<const Schema> schema;
  const Schema* schemaPtr = nullptr;
  LoadLimits limits;
  // kind -> id -> attribute -> JSON value, ordered for deterministic output.
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> facts;
  bool outOfMemory = false;

  template <typename F>
  void guard(F&& f) noexcept {
    try {
      f();
    } catch (...) {
      outOfMemory = true;  // the only thing a map insert can throw
    }
  }
};

FactBuilder::FactBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FactBuilder::FactBuilder(FactBuilder&&) noexcept = default;
FactBuilder& FactBuilder::operator=(FactBuilder&&) noexcept = default;
FactBuilder::~FactBuilder() = default;

FactBuilder Engine::factBuilder() const {
  auto impl = std::make_unique<FactBuilder::Impl>();
  impl->schema = impl_->schema;
  impl->schemaPtr = &impl_->schemaRef();
  impl->limits = loadLimits(impl_->limits);
  return FactBuilder(std::move(impl));
}

namespace {

std::string jsonString(std::string_view s) {
  std::string out;
  JsonWriter::escape(out, s);
  return out;
}

}  // namespace

FactBuilder& FactBuilder::add(std::string_view kind, std::string_view id) {
  if (impl_) impl_->guard([&] { impl_->facts[std::string(kind)][std::string(id)]; });
  return *this;
}

FactBuilder& FactBuilder::set(std::string_view kind, std::string_view id, std::string_view attr,
                              std::string_view text) {
  if (impl_)
    impl_->guard([&] { impl_->facts[std::string(kind)][std::string(id)][std::string(attr)] = jsonString(text); });
  return *this;
}

FactBuilder& FactBuilder::set(std::string_view kind, std::string_view id, std::string_view attr, const char* text) {
  return set(kind, id, attr, std::string_view(text ? text : ""));
}

FactBuilder& FactBuilder::set(std::string_view kind, std::string_view id, std::string_view attr, int64_t value) {
  if (impl_)
    impl_->guard([&] { impl_->facts[std::string(kind)][std::string(id)][std::string(attr)] = std::to_string(value); });
  return *this;
}

FactBuilder& FactBuilder::set(std::string_view kind, std::string_view id, std::string_view attr, bool value) {
  if (impl_)
    impl_->guard([&] {
      impl_->facts[std::string(kind)][std::string(id)][std::string(attr)] = value ? "true" : "false";
    });
  return *this;
}

FactBuilder& FactBuilder::set(std::string_view kind, std::string_view id, std::string_view attr,
                              const std::vector<std::string>& list) {
  if (impl_)
    impl_->guard([&] {
      std::string json = "[";
      for (size_t i = 0; i < list.size(); ++i) {
        if (i) json += ',';
        json += jsonString(list[i]);
      }
      impl_->facts[std::string(kind)][std::string(id)][std::string(attr)] = json + "]";
    });
  return *this;
}

Expected<FactSet> FactBuilder::finish() {
  return guarded<FactSet>([&]() -> Expected<FactSet> {
    if (!impl_) return tl::unexpected(makeError(ErrorCode::InvalidArgument, "the fact builder was already finished"));
    if (impl_->outOfMemory) return tl::unexpected(makeErrorNoThrow(ErrorCode::OutOfMemory));
    std::string json = "{\"format\": \"ward-facts\", \"version\": 1, \"facts\": {";
    bool firstKind = true;
    for (const auto& [kind, ids] : impl_->facts) {
      json += (firstKind ? "\n" : ",\n") + jsonString(kind) + ": [";
      firstKind = false;
      bool firstFact = true;
      for (const auto& [id, attrs] : ids) {
        json += (firstFact ? "\n  {\"id\": " : ",\n  {\"id\": ") + jsonString(id);
        firstFact = false;
        for (const auto& [attr, value] : attrs) json += ", " + jsonString(attr) + ": " + value;
        json += "}";
      }
      json += "]";
    }
    json += "}}\n";
    auto loaded = loadJsonWith(*impl_->schemaPtr, json, "<facts from code>", impl_->limits);
    if (!loaded) return tl::unexpected(factsError(loaded.error()));
    auto impl = std::make_shared<FactSet::Impl>();
    impl->schema = impl_->schema;
    impl->schemaPtr = impl_->schemaPtr;
    impl->facts = std::move(*loaded);
    impl->sources = {"<facts from code>"};
    impl->warnings = toMessages(impl->facts->warnings(), nullptr);
    impl_.reset();
    return FactSet(std::move(impl));
  });
}

// --- FactSet ---------------------------------------------------------------------

size_t FactSet::count(std::string_view kind) const {
  if (!impl_) return 0;
  auto k = impl_->schemaPtr->findKind(kind);
  if (!k) k = impl_->schemaPtr->findCollection(kind);
  return k ? impl_->facts->count(*k) : 0;
}

const std::vector<Message>& FactSet::warnings() const {
  static const std::vector<Message> kNone;
  return impl_ ? impl_->warnings : kNone;
}

std::string FactSet::toJson() const {
  if (!impl_) return {};
  try {
    return toWardJson(*impl_->facts);
  } catch (...) {
    return {};
  }
}

}  // namespace ward::api
