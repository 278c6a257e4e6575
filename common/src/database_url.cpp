// DATABASE_URL's scheme and the SQLite path in it (see database_url.h).
#include "crud/database_url.h"

#include "crud/text.h"

namespace crud {

std::optional<std::string> sqlite_path(std::string_view database_url) {
  constexpr std::string_view kScheme = "sqlite://";
  if (database_url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  std::string_view path = database_url.substr(kScheme.size());
  // Only an absolute path: a relative one would depend on each worker's cwd.
  if (path.size() < 2 || path[0] != '/' || path.back() == '/') return std::nullopt;
  if (path.find_first_of("?#") != std::string_view::npos) return std::nullopt;
  return std::string(path);
}

bool is_postgres_url(std::string_view database_url) {
  return starts_with(database_url, "postgresql://") || starts_with(database_url, "postgres://");
}

}  // namespace crud
