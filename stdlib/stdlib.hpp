// The standard library's modules, embedded into the library at build time.
#pragma once

#include <string_view>
#include <vector>

namespace ward {

struct StdlibModule {
  std::string_view name;  // "stdlib/aws/endpoints.ward"
  std::string_view text;
};

const std::vector<StdlibModule>& stdlibModules();

}  // namespace ward
