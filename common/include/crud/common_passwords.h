// The SPEC's "shipped list of the most common passwords": at least 10,000
// entries, embedded at build time from the Debian package python3-zxcvbn
// (see embed_common_passwords.cmake), compared without regard to case.
#pragma once

#include <cstddef>
#include <string_view>

namespace crud {

// True when the password, ASCII-lower-cased, is on the list.
bool is_common_password(std::string_view password);
// How many distinct passwords the list holds.
std::size_t common_password_count();

}  // namespace crud
