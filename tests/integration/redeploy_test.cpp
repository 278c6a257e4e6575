// Zero-downtime operations under steady load: `scripts/stack deploy` swaps
// update_user's executable pool by pool (drain in nginx, graceful stop,
// restart, put back) while reads, lists, renames and registrations keep
// coming, and restarting a pool of one endpoint never disturbs another.
// Every answer is counted: not one may fail. And a deploy from a build with
// other headers keeps the store modules the other endpoints load. Runs
// serially: it restarts shared pools.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/admin.h"
#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/load.h"
#include "support/stack_control.h"
#include "support/stack_env.h"
#include "support/test_data.h"

namespace itest {
namespace {

// Enough pause between a thread's requests to leave the two cores to the
// deploy as well; still hundreds of requests per deploy.
void breathe() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

std::string user_path(std::int64_t id) { return "/api/users/" + std::to_string(id); }

// Keeps reading one user.
void read_loop(Load& load, const CreatedUser& user) {
  load.run([path = user_path(user.id)](Tally& t) {
    t.send([&] { return request("GET", path); });
    breathe();
  });
}

void expect_no_failures(const Load& load) {
  for (size_t i = 0; i < load.tallies().size(); ++i) {
    const Tally& t = *load.tallies()[i];
    EXPECT_GT(t.answers, 0) << "load thread " << i << " never got an answer";
    EXPECT_EQ(t.failures, 0) << "load thread " << i << " of " << t.answers << " answers:\n"
                             << (t.samples.empty() ? "" : t.samples.front());
  }
}

// The process groups of both pools of `endpoint`.
std::vector<pid_t> pool_groups(const std::string& endpoint) {
  return {pool_group(endpoint + ".1"), pool_group(endpoint + ".2")};
}

// A renaming thread's own user and the last name it got a 200 for.
struct Renamer {
  CreatedUser user;
  std::string last_name;
  long renamed = 0;
};

TEST(Redeploy, UpdateUserDeployedThreeTimesUnderLoad) {
  shared_admin();
  const auto read_a = create_user();
  const auto read_b = create_user();
  std::vector<Renamer> renamers(3);
  for (auto& r : renamers) {
    r.user = create_user();
    r.last_name = r.user.username;
  }
  std::vector<std::pair<std::int64_t, std::string>> registered;

  Load load;
  read_loop(load, read_a);
  read_loop(load, read_b);
  load.run([](Tally& t) {
    t.send([] { return request("GET", "/api/users?limit=5"); });
    breathe();
  });
  for (auto& renamer : renamers) {
    load.run([&renamer](Tally& t) {
      const std::string name = unique_username("deploy");
      const auto ok =
          t.send([&] { return request("PUT", user_path(renamer.user.id), username_body(name)); });
      if (ok) {
        renamer.last_name = name;
        ++renamer.renamed;
      }
      breathe();
    });
  }
  load.run([&registered](Tally& t) {
    const std::string name = unique_username("deploy");
    const auto ok = t.send([&] {
      return request("POST", "/api/register", credentials_body(name, strong_password()),
                     anonymous());
    });
    // A 201 without user_id is recorded as id 0, which the final read refuses.
    if (ok)
      registered.emplace_back(int64_member(parse_json(ok->body), "user_id").value_or(0), name);
    breathe();
  });

  for (int round = 1; round <= 3; ++round) {
    const auto before = pool_groups("update_user");
    EXPECT_NO_THROW(stack_ok({"deploy", "update_user"})) << "deploy " << round;
    const auto after = pool_groups("update_user");
    // Each pool really was restarted (new multiwatch, so a new group).
    EXPECT_NE(after[0], before[0]) << "deploy " << round << " left update_user.1 running";
    EXPECT_NE(after[1], before[1]) << "deploy " << round << " left update_user.2 running";
  }
  load.stop();

  expect_no_failures(load);
  for (const auto& renamer : renamers) {
    EXPECT_GT(renamer.renamed, 10) << "too few renames to have overlapped the deploys";
    const auto read = request("GET", user_path(renamer.user.id));
    ASSERT_TRUE(IsJsonResponse(read, 200));
    EXPECT_EQ(string_member(parse_json(read.body), "username"), renamer.last_name);
  }
  EXPECT_FALSE(registered.empty());
  for (const auto& [id, name] : registered) {
    const auto read = request("GET", user_path(id));
    ASSERT_TRUE(IsJsonResponse(read, 200));
    EXPECT_EQ(string_member(parse_json(read.body), "username"), name);
  }
}

TEST(Redeploy, RestartingAnotherEndpointsPoolLeavesReadsAlone) {
  shared_admin();
  const auto user = create_user();
  const pid_t before = pool_group("list_users.1");
  {
    PoolRestorer restart_after("list_users.1");
    Load load;
    for (int i = 0; i < 3; ++i) read_loop(load, user);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_NO_THROW(stack_ok({"stop-pool", "list_users.1"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_NO_THROW(stack_ok({"start-pool", "list_users.1"}));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    load.stop();
    expect_no_failures(load);
  }
  EXPECT_NE(pool_group("list_users.1"), before) << "list_users.1 was not restarted";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The store modules installed beside the stack's executables.
std::vector<std::string> installed_modules() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(stack_env().stack_dir + "/bin")) {
    std::string name = e.path().filename().string();
    if (name.rfind("crud_store_", 0) == 0) names.push_back(name);
  }
  return names;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A build from other headers names other store modules (their stamp,
// common/CMakeLists.txt): deploying one endpoint from it must leave the
// modules the other endpoints load, and a rollback must find its own again.
// The other build is this one with its stamp rewritten, in the executable
// and in the modules' names.
TEST(Redeploy, ABuildFromOtherHeadersKeepsTheModulesOfTheOthers) {
  namespace fs = std::filesystem;
  const fs::path build = fs::path(stack_env().handler_dir).parent_path();
  std::string health = read_file(build / "handlers/health");
  std::smatch found;
  ASSERT_TRUE(
      std::regex_search(health, found, std::regex("crud_store_postgres\\.([0-9a-f]{12})\\.so")));
  const std::string stamp = found[1], other = std::string(stamp.rbegin(), stamp.rend());
  ASSERT_NE(stamp, other);

  const fs::path other_build = fs::temp_directory_path() / ("crud-other-build-" + other);
  fs::remove_all(other_build);
  fs::create_directories(other_build / "handlers");
  fs::create_directories(other_build / "lib");
  fs::create_directory_symlink(build / "tools", other_build / "tools");
  for (std::size_t at = 0; (at = health.find("." + stamp + ".so", at)) != std::string::npos;)
    health.replace(at + 1, stamp.size(), other);
  std::ofstream(other_build / "handlers/health", std::ios::binary) << health;
  fs::permissions(other_build / "handlers/health",
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec);
  for (const std::string store : {"postgres", "sqlite"})
    fs::copy_file(build / "lib" / ("crud_store_" + store + "." + stamp + ".so"),
                  other_build / "lib" / ("crud_store_" + store + "." + other + ".so"));

  const std::string ours = "crud_store_postgres." + stamp + ".so";
  const std::string theirs = "crud_store_postgres." + other + ".so";
  EXPECT_NO_THROW(stack_ok({"deploy", "health"}, {{"BUILD_DIR", other_build.string()}}));
  auto modules = installed_modules();
  EXPECT_TRUE(has(modules, ours) && has(modules, theirs)) << testing::PrintToString(modules);
  EXPECT_EQ(request("GET", "/readyz").status, 200);  // health on the other build's module
  // Another endpoint's pools started afresh still find theirs.
  {
    PoolRestorer one("me.1"), two("me.2");
    EXPECT_NO_THROW(stack_ok({"stop-pool", "me"}));
    EXPECT_NO_THROW(stack_ok({"start-pool", "me"}));
  }
  EXPECT_EQ(request("GET", "/api/me").status, 200);

  EXPECT_NO_THROW(stack_ok({"rollback", "health"}, {{"BUILD_DIR", other_build.string()}}));
  EXPECT_EQ(request("GET", "/readyz").status, 200);
  EXPECT_TRUE(has(installed_modules(), theirs)) << "kept for health.previous";
  // Deployed again from this build, no executable names the other's modules.
  EXPECT_NO_THROW(stack_ok({"deploy", "health"}));
  modules = installed_modules();
  EXPECT_TRUE(has(modules, ours)) << testing::PrintToString(modules);
  EXPECT_FALSE(has(modules, theirs)) << testing::PrintToString(modules);
  fs::remove_all(other_build);
}

}  // namespace
}  // namespace itest
