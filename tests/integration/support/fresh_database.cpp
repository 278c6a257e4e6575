// FreshDatabase (see fresh_database.h).
#include "support/fresh_database.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "support/pg_session.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {

std::string backend_name(Backend backend) {
  return backend == Backend::postgres ? "postgres" : "sqlite";
}

FreshDatabase::FreshDatabase(Backend backend) : backend_(backend) {
  if (backend == Backend::postgres) {
    schema_ = "contract_" + unique_suffix();
    PgSession().query("CREATE SCHEMA " + schema_);
    // libpq's options put the schema first on every connection's search_path.
    const std::string& base = stack_env().database_url;
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "crud-store-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    url_ = "sqlite://" + dir_ + "/users.db";
  }
}

FreshDatabase::~FreshDatabase() {
  try {
    if (backend_ == Backend::postgres)
      PgSession().query("DROP SCHEMA " + schema_ + " CASCADE");
    else
      std::filesystem::remove_all(dir_);
  } catch (const std::exception&) {
    // Leftovers of a test are not worth failing another for.
  }
}

}  // namespace itest
