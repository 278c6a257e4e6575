// DATABASE_URL's sqlite:/// form, and the two migration sets staying aligned.
#include <gtest/gtest.h>

#include "crud/database_url.h"
#include "crud/migrations.h"

namespace crud {
namespace {

struct UrlRow {
  const char* reason;
  const char* url;
  const char* path;  // nullptr when the URL is refused
};

class SqliteUrl : public testing::TestWithParam<UrlRow> {};

TEST_P(SqliteUrl, ParsesOnlyAbsolutePaths) {
  auto path = sqlite_path(GetParam().url);
  if (GetParam().path) {
    ASSERT_TRUE(path) << GetParam().url;
    EXPECT_EQ(*path, GetParam().path);
  } else {
    EXPECT_FALSE(path) << GetParam().url;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SqliteUrl,
    testing::Values(UrlRow{"absolute_path", "sqlite:///srv/crud/users.db", "/srv/crud/users.db"},
                    UrlRow{"relative_path", "sqlite://users.db", nullptr},
                    UrlRow{"no_path", "sqlite://", nullptr},
                    UrlRow{"root_only", "sqlite:///", nullptr},
                    UrlRow{"folder_not_file", "sqlite:///srv/crud/", nullptr},
                    UrlRow{"query_string", "sqlite:///srv/users.db?mode=ro", nullptr},
                    UrlRow{"postgres", "postgresql://u:p@host/db", nullptr},
                    UrlRow{"other_scheme", "sqlite3:///srv/users.db", nullptr}),
    [](const testing::TestParamInfo<UrlRow>& row) { return std::string(row.param.reason); });

TEST(SqliteMigrations, SameVersionsAndNamesAsPostgres) {
  const auto& pg = all_migrations();
  const auto& sqlite = all_sqlite_migrations();
  ASSERT_EQ(pg.size(), sqlite.size());
  for (std::size_t i = 0; i < pg.size(); ++i) {
    EXPECT_EQ(pg[i].version, sqlite[i].version);
    EXPECT_EQ(pg[i].name, sqlite[i].name);
    EXPECT_FALSE(sqlite[i].sql.empty());
  }
}

}  // namespace
}  // namespace crud
