#include "storage/filters/filter_json.h"

namespace strata::storage::sqlite {

std::string EncodeFilterJson(const std::string& text) {
  return text;
}

std::string DecodeFilterJson(const std::string& stored) {
  return stored;
}

}  // namespace strata::storage::sqlite
