// Quoting text for the formats Strata writes for other programs to parse. One function per
// format, used everywhere that format is written.
#pragma once

#include <string>

namespace strata::util {

// A libpq keyword/value conninfo value: single-quoted, with ' and \ backslash-escaped
// ("host='/tmp/x y' dbname='it\'s'"). Safe for any value.
std::string QuoteConninfoValue(const std::string& value);

// A YAML double-quoted scalar, with " and \ backslash-escaped: safe for any path or secret.
std::string QuoteYaml(const std::string& value);

// A /bin/sh word: single-quoted, each ' written as '\''.
std::string QuoteShell(const std::string& value);

}  // namespace strata::util
