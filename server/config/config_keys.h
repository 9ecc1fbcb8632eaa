// The key table: every key homeserver.yaml is read for, in the order it is read, each named
// once. A plain key is a dotted path, a kind and the HomeserverConfig field it fills; both
// reading the files and applying a release default (text from the catalogue) go through it,
// with the kind's one parser, so the two cannot disagree. Keys with rules of their own
// (special_keys.h) stand in the table as named steps, where they are read.
//
// The order is the order of the problems a config reports, so it follows Synapse's sample
// config rather than the alphabet.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/config_reader.h"
#include "config/homeserver_config.h"

namespace strata::config {

enum class KeyKind {
  kBool,          // true/false (YAML 1.1 spellings)
  kOptionalBool,  // as kBool; the field stays unset when the key is absent
  kInt,           // a whole number
  kNumber,        // any finite number
  kString,
  kStringList,  // a list of strings; as text, a YAML flow list "[a, b]"
  kSize,        // "10M" (ParseSize)
  kDuration,    // "1d" (ParseDurationMs)
};

// Reads every key in the table out of r.root() into `c`, in table order, reporting through `r`.
void ReadConfigKeys(Reader& r, HomeserverConfig& c);

// Sets the plain key `key` (dotted) from `text` as its kind reads text. Returns false if
// `key` is not a plain key (unknown, or one with its own rules such as listeners or
// public_baseurl); sets `*error` (leaving the field alone) if `text` is not of the key's kind.
// Any plain key may take a release default, not only those the catalogue uses today.
bool SetConfigKey(HomeserverConfig& c, const std::string& key, const std::string& text,
                  std::string* error);

// The plain keys and their kinds, in table order: what SetConfigKey accepts.
std::vector<std::pair<std::string, KeyKind>> PlainConfigKeys();

// The value of plain key `key` in `c` as text of its kind ("true", "10485760", "[a, b]",
// "unset" for an unset optional bool); "" for a key that is not plain. For comparing configs.
std::string FormatConfigKey(const HomeserverConfig& c, const std::string& key);

}  // namespace strata::config
