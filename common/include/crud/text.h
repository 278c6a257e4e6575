// Small strict text helpers shared by parsing code: decimal numbers, UTF-8
// code points, case folding for ASCII, percent-decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crud {

// A canonical non-negative decimal ("0", "42"; no sign, no leading zeros,
// no spaces) that fits in int64; nullopt otherwise.
std::optional<std::int64_t> parse_decimal(std::string_view s);
// Number of Unicode code points in valid UTF-8 text.
std::size_t count_code_points(std::string_view utf8);
// ASCII lower-case copy (usernames are ASCII by rule).
std::string ascii_lower(std::string_view s);
// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Decodes %XX escapes (and nothing else); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace crud
