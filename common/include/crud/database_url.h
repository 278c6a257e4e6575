// Which store DATABASE_URL names: checked by Config and used by open_storage
// to pick the store module, without loading either store's library.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crud {

// The file a sqlite:///absolute/path URL names, or nullopt when the URL is
// not of that form.
std::optional<std::string> sqlite_path(std::string_view database_url);

// True for a postgresql:// or postgres:// URL.
bool is_postgres_url(std::string_view database_url);

}  // namespace crud
