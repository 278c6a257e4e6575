// crudctl seed and export against both stores: a seeded file exports as it
// was given, an export seeds an empty store (of either kind) to the same
// export, and a file with one bad entry stores nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "support/fresh_database.h"
#include "support/process.h"
#include "support/stack_env.h"

using itest::Backend;
using itest::FreshDatabase;

namespace {

const char* const kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

// Runs crudctl with DATABASE_URL set to url and no Redis.
itest::ProcessResult crudctl(const std::string& url, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {itest::stack_env().crudctl};
  argv.insert(argv.end(), args.begin(), args.end());
  return itest::run_process(argv,
                            itest::environment_with({{"DATABASE_URL", url}, {"REDIS_URL", ""}}), "",
                            std::chrono::seconds(60));
}

// A migrated empty store.
struct EmptyStore {
  explicit EmptyStore(Backend backend) : db(backend) {
    auto migrated = crudctl(db.url(), {"migrate"});
    EXPECT_TRUE(migrated.exited_zero()) << migrated.describe();
  }
  FreshDatabase db;
};

std::string write_file(const std::string& text) {
  std::string path = testing::TempDir() + "fixture-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << text;
  return path;
}

std::string seed_and_export(const std::string& url, const std::string& fixture) {
  auto seeded = crudctl(url, {"seed", write_file(fixture)});
  EXPECT_TRUE(seeded.exited_zero()) << seeded.describe();
  auto exported = crudctl(url, {"export"});
  EXPECT_TRUE(exported.exited_zero()) << exported.describe();
  return exported.out;
}

const std::string kFixture =
    std::string(R"({"users":[)") +
    R"({"username":"Alice","password":"a long passphrase","role":"admin"},)" +
    R"({"username":"bob","password_hash":")" + kHash + R"("},)" +
    R"({"username":"carol","password":"another passphrase"}]})";

class Fixtures : public testing::TestWithParam<Backend> {};

TEST_P(Fixtures, ExportSeedsAnEmptyStoreToTheSameExport) {
  EmptyStore first(GetParam()), second(GetParam());
  std::string exported = seed_and_export(first.db.url(), kFixture);
  EXPECT_NE(exported.find(R"({"username":"Alice","password_hash":"$argon2id$)"), std::string::npos)
      << exported;
  EXPECT_NE(exported.find(std::string(R"({"username":"bob","password_hash":")") + kHash +
                          R"(","role":"user"})"),
            std::string::npos)
      << exported;
  EXPECT_EQ(exported.find("a long passphrase"), std::string::npos) << "a password was exported";
  EXPECT_EQ(seed_and_export(second.db.url(), exported), exported);
}

TEST_P(Fixtures, OneBadEntryStoresNothing) {
  EmptyStore store(GetParam());
  std::string before = seed_and_export(store.db.url(), kFixture);
  // dave is new and valid, but CAROL is taken in another letter case.
  auto clash = crudctl(
      store.db.url(),
      {"seed", write_file(R"({"users":[{"username":"dave","password_hash":")" + std::string(kHash) +
                          R"("},{"username":"CAROL","password_hash":")" + kHash + R"("}]})")});
  EXPECT_EQ(clash.exit_code, 1) << clash.describe();
  auto invalid = crudctl(
      store.db.url(),
      {"seed", write_file(R"({"users":[{"username":"erin","password_hash":")" + std::string(kHash) +
                          R"("},{"username":"x","password":"short"}]})")});
  EXPECT_EQ(invalid.exit_code, 1) << invalid.describe();
  EXPECT_NE(invalid.err.find("users[1].username: too_short"), std::string::npos) << invalid.err;
  EXPECT_EQ(crudctl(store.db.url(), {"export"}).out, before);
}

INSTANTIATE_TEST_SUITE_P(Stores, Fixtures, testing::Values(Backend::postgres, Backend::sqlite),
                         [](const testing::TestParamInfo<Backend>& row) {
                           return itest::backend_name(row.param);
                         });

TEST(FixturesAcrossStores, PostgresExportSeedsSqlite) {
  EmptyStore postgres(Backend::postgres), sqlite(Backend::sqlite);
  std::string exported = seed_and_export(postgres.db.url(), kFixture);
  EXPECT_EQ(seed_and_export(sqlite.db.url(), exported), exported);
}

}  // namespace
