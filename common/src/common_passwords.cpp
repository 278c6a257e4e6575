// Lookup in the common-password list; the list itself is generated into the
// build tree by embed_common_passwords.cmake, already lower-cased and sorted.
#include "crud/common_passwords.h"

#include <algorithm>

#include "crud/text.h"

namespace crud {

namespace detail {
// Defined in the generated common_passwords_embedded.cpp.
extern const char* const kCommonPasswords[];
extern const std::size_t kCommonPasswordCount;
}  // namespace detail

bool is_common_password(std::string_view password) {
  // The list is ASCII, so lower-casing ASCII is enough: a password with other
  // characters is simply not found.
  const std::string lowered = ascii_lower(password);
  const char* const* first = detail::kCommonPasswords;
  const char* const* last = first + detail::kCommonPasswordCount;
  // The generator sorts by byte value, which is how string_view compares.
  return std::binary_search(first, last, std::string_view(lowered),
                            [](std::string_view a, std::string_view b) { return a < b; });
}

std::size_t common_password_count() { return detail::kCommonPasswordCount; }

}  // namespace crud
