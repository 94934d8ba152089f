// A minimal C++ host: loads the standard library, a snapshot folder given as
// argv[1], evaluates, and prints the number of findings per level.
#include <cstdio>

#include <ward/ward.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SNAPSHOT_FOLDER\n", argv[0]);
    return 2;
  }
  ward::api::Engine engine;  // the standard library is on by default
  auto policies = engine.compile();
  if (!policies) {
    std::fprintf(stderr, "%s", policies.error().rendered.c_str());
    return 2;
  }
  auto facts = engine.factsFromPaths({argv[1]});
  if (!facts) {
    std::fprintf(stderr, "%s", facts.error().rendered.c_str());
    return 2;
  }
  auto result = engine.evaluate(*policies, *facts);
  if (!result) {
    std::fprintf(stderr, "%s: %s", ward::api::errorCodeName(result.error().code), result.error().rendered.c_str());
    return 2;
  }
  std::printf("advisory %llu\nwarn %llu\ndeny %llu\n",
              static_cast<unsigned long long>(result->count(ward::api::Level::Advisory)),
              static_cast<unsigned long long>(result->count(ward::api::Level::Warn)),
              static_cast<unsigned long long>(result->count(ward::api::Level::Deny)));
  return 0;
}
