// A data file compiled into the binary by cmake/Embed.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace strata {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedding base folder, '/'-separated
  std::string_view data;
};

}  // namespace strata
