// The store contract: every UserStore, AuthStore and IdentityStore operation, races between
// processes and rollback on failure, run unchanged against PostgreSQL (a
// fresh schema in the test stack's database) and SQLite (a fresh temp file).
#include <gtest/gtest.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crud/errors.h"
#include "crud/storage.h"
#include "support/fresh_database.h"

using namespace crud;
using itest::Backend;
using itest::FreshDatabase;

namespace {

// One process's view of the store: its own connection, as a worker has.
struct Opened {
  Opened(const std::string& url, int busy_ms) : log("store_contract", "error") {
    config.database_url = url;
    config.sqlite_busy_timeout_ms = busy_ms;
    storage = open_storage(config, log);
  }
  Config config;
  Logger log;
  std::unique_ptr<Storage> storage;
};

class StoreContract : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<FreshDatabase>(GetParam());
    opened_ = open();
    opened_->storage->migrate();
  }
  std::unique_ptr<Opened> open(int busy_ms = 5000) {
    return std::make_unique<Opened>(db_->url(), busy_ms);
  }
  UserStore& users() { return opened_->storage->users(); }
  AuthStore& auth() { return opened_->storage->auth(); }
  IdentityStore& identities() { return opened_->storage->identities(); }
  static std::string hash() { return "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"; }

  std::unique_ptr<FreshDatabase> db_;
  std::unique_ptr<Opened> opened_;
};

// The error code an operation throws, or nullopt when it throws nothing.
template <typename F>
std::optional<ErrorCode> error_of(F&& operation) {
  try {
    operation();
  } catch (const ApiError& e) {
    return e.code();
  }
  return std::nullopt;
}

TEST_P(StoreContract, CreatedUserIsFoundListedAndCounted) {
  User alice = users().create("Alice_1", hash());
  EXPECT_GT(alice.id, 0);
  EXPECT_EQ(alice.username, "Alice_1");
  EXPECT_EQ(alice.role, "user");
  EXPECT_EQ(alice.version, 1);
  EXPECT_EQ(alice.created_at.size(), 20u) << alice.created_at;  // 2024-01-01T12:00:00Z
  EXPECT_EQ(alice.created_at.back(), 'Z');
  User bob = users().create("bob", hash());
  EXPECT_GT(bob.id, alice.id);

  auto found = users().find(alice.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->username, "Alice_1");
  EXPECT_EQ(found->created_at, alice.created_at);
  EXPECT_FALSE(users().find(bob.id + 1000));
  EXPECT_EQ(users().count(), 2);

  auto all = users().list_after(0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, alice.id);
  EXPECT_EQ(all[1].id, bob.id);
  auto rest = users().list_after(alice.id, 1);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].username, "bob");
  EXPECT_TRUE(users().list_after(bob.id, 10).empty());
}

TEST_P(StoreContract, UsernameIsTakenInAnyLetterCase) {
  users().create("Carol", hash());
  EXPECT_EQ(error_of([&] { users().create("cAROL", hash()); }), ErrorCode::username_taken);
  EXPECT_EQ(users().count(), 1);
}

TEST_P(StoreContract, RenameChecksVersionsAndUniqueness) {
  User u = users().create("dave", hash());
  users().create("erin", hash());

  auto stale = users().rename(u.id, "dave2", IfMatch{false, {7, 8}});
  EXPECT_EQ(stale.outcome, RenameOutcome::version_mismatch);
  auto missing = users().rename(u.id + 1000, "dave2", std::nullopt);
  EXPECT_EQ(missing.outcome, RenameOutcome::not_found);

  auto renamed = users().rename(u.id, "Dave2", IfMatch{false, {3, 1}});
  ASSERT_EQ(renamed.outcome, RenameOutcome::renamed);
  EXPECT_EQ(renamed.user.username, "Dave2");
  EXPECT_EQ(renamed.user.version, 2);
  auto again = users().rename(u.id, "dave3", IfMatch{true, {}});
  ASSERT_EQ(again.outcome, RenameOutcome::renamed);
  EXPECT_EQ(again.user.version, 3);

  // A failing write leaves the row as it was.
  EXPECT_EQ(error_of([&] { users().rename(u.id, "ERIN", std::nullopt); }),
            ErrorCode::username_taken);
  auto after = users().find(u.id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->username, "dave3");
  EXPECT_EQ(after->version, 3);
}

TEST_P(StoreContract, RemoveReturnsTheUserAndTakesItsLoginsAlong) {
  User u = users().create("frank", hash());
  auth().start_family(u.id, "token-f1", 3600);
  auth().create_session("session-f1", u.id);

  auto removed = users().remove(u.id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->username, "frank");
  EXPECT_EQ(removed->updated_at.back(), 'Z');
  EXPECT_FALSE(users().find(u.id));
  EXPECT_FALSE(users().remove(u.id));
  EXPECT_FALSE(auth().credentials_by_id(u.id));
  EXPECT_FALSE(auth().revoke_family_of("token-f1"));
  EXPECT_FALSE(auth().session_user("session-f1", 3600, 3600));
  EXPECT_EQ(auth().active_sessions(3600, 3600), 0);
}

TEST_P(StoreContract, CredentialsAndCallerState) {
  User u = users().create("Grace", hash());
  auto by_name = auth().credentials_by_name("gRACE");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, u.id);
  EXPECT_EQ(by_name->username, "Grace");
  EXPECT_EQ(by_name->password_hash, hash());
  EXPECT_EQ(by_name->role, "user");
  EXPECT_EQ(by_name->token_version, 1);
  EXPECT_FALSE(by_name->totp_enabled);
  EXPECT_EQ(by_name->totp_secret, "");
  EXPECT_FALSE(auth().credentials_by_name("nobody"));

  auto state = auth().caller_state(u.id);
  ASSERT_TRUE(state);
  EXPECT_EQ(state->role, "user");
  users().start_cache_generation();
  auto later = auth().caller_state(u.id);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->cache_generation, state->cache_generation + 1);
  EXPECT_FALSE(auth().caller_state(u.id + 1000));

  EXPECT_EQ(users().make_admin("GRACE"), u.id);
  EXPECT_EQ(auth().credentials_by_id(u.id)->role, "admin");
  EXPECT_FALSE(users().make_admin("nobody"));
}

TEST_P(StoreContract, PasswordChangeRevokesEveryLogin) {
  User u = users().create("heidi", hash());
  auth().set_password_hash(u.id, "rehashed");
  EXPECT_EQ(auth().credentials_by_id(u.id)->password_hash, "rehashed");
  EXPECT_EQ(auth().credentials_by_id(u.id)->token_version, 1);

  auth().start_family(u.id, "token-h1", 3600);
  auth().create_session("session-h1", u.id);
  EXPECT_EQ(auth().active_sessions(3600, 3600), 2);
  EXPECT_EQ(auth().change_password(u.id, "new-hash"), 2);
  auto c = auth().credentials_by_id(u.id);
  EXPECT_EQ(c->password_hash, "new-hash");
  EXPECT_EQ(c->token_version, 2);
  EXPECT_EQ(auth().active_sessions(3600, 3600), 0);
  EXPECT_FALSE(auth().session_user("session-h1", 3600, 3600));
  EXPECT_EQ(auth().rotate_refresh_token("token-h1", "token-h2", 3600, 10).outcome,
            RefreshOutcome::unknown);
  EXPECT_EQ(auth().change_password(u.id + 1000, "x"), 0);
}

TEST_P(StoreContract, RefreshTokensRotateOnceAndReuseEndsTheFamily) {
  User u = users().create("ivan", hash());
  std::int64_t family = auth().start_family(u.id, "t1", 3600);
  EXPECT_GT(family, 0);

  auto first = auth().rotate_refresh_token("t1", "t2", 3600, 10);
  EXPECT_EQ(first.outcome, RefreshOutcome::rotated);
  EXPECT_EQ(first.family_id, family);
  EXPECT_EQ(first.user_id, u.id);
  // A client retrying within the grace window gets another token.
  EXPECT_EQ(auth().rotate_refresh_token("t1", "t2b", 3600, 10).outcome,
            RefreshOutcome::retried_in_grace);
  // Outside it (grace 0) the reuse is theft: the family ends.
  EXPECT_EQ(auth().rotate_refresh_token("t1", "t3", 3600, 0).outcome, RefreshOutcome::reused);
  EXPECT_EQ(auth().rotate_refresh_token("t2", "t4", 3600, 10).outcome, RefreshOutcome::unknown);
  EXPECT_EQ(auth().rotate_refresh_token("never", "t5", 3600, 10).outcome, RefreshOutcome::unknown);

  auth().start_family(u.id, "old", 0);
  EXPECT_EQ(auth().rotate_refresh_token("old", "t6", 3600, 10).outcome, RefreshOutcome::expired);

  auth().start_family(u.id, "k1", 3600);
  EXPECT_TRUE(auth().revoke_family_of("k1"));
  EXPECT_FALSE(auth().revoke_family_of("k1"));
  EXPECT_EQ(auth().rotate_refresh_token("k1", "k2", 3600, 10).outcome, RefreshOutcome::unknown);
}

TEST_P(StoreContract, SessionsLiveWithinTheirLimits) {
  User u = users().create("judy", hash());
  auth().create_session("s1", u.id);
  EXPECT_EQ(auth().session_user("s1", 3600, 3600), u.id);
  EXPECT_EQ(auth().active_sessions(3600, 3600), 1);
  EXPECT_EQ(auth().active_sessions(0, 3600), 0);
  // Past its idle limit a session is deleted, not only refused.
  EXPECT_FALSE(auth().session_user("s1", 0, 3600));
  EXPECT_FALSE(auth().session_user("s1", 3600, 3600));

  auth().create_session("s2", u.id);
  auth().revoke_session("s2");
  EXPECT_FALSE(auth().session_user("s2", 3600, 3600));
}

TEST_P(StoreContract, TotpStepsAndRecoveryCodesWorkOnce) {
  User u = users().create("ken", hash());
  auth().set_totp_secret(u.id, "sealed-1");
  EXPECT_EQ(auth().credentials_by_id(u.id)->totp_secret, "sealed-1");
  EXPECT_FALSE(auth().credentials_by_id(u.id)->totp_enabled);

  auth().enable_totp(u.id, 100, {"r1", "r2"});
  auto c = auth().credentials_by_id(u.id);
  EXPECT_TRUE(c->totp_enabled);
  EXPECT_EQ(c->totp_last_step, 100);
  auth().set_totp_secret(u.id, "sealed-2");  // ignored while 2FA is on
  EXPECT_EQ(auth().credentials_by_id(u.id)->totp_secret, "sealed-1");

  EXPECT_FALSE(auth().claim_totp_step(u.id, 100));
  EXPECT_TRUE(auth().claim_totp_step(u.id, 101));
  EXPECT_FALSE(auth().claim_totp_step(u.id, 101));
  EXPECT_TRUE(auth().use_recovery_code(u.id, "r1"));
  EXPECT_FALSE(auth().use_recovery_code(u.id, "r1"));
  EXPECT_FALSE(auth().use_recovery_code(u.id, "r9"));

  auth().disable_totp(u.id);
  c = auth().credentials_by_id(u.id);
  EXPECT_FALSE(c->totp_enabled);
  EXPECT_EQ(c->totp_secret, "");
  EXPECT_FALSE(auth().use_recovery_code(u.id, "r2"));
}

TEST_P(StoreContract, LoginFailuresAreCountedLockedAndCleared) {
  EXPECT_EQ(auth().record_login_failure("mallory", 900), 1);
  EXPECT_EQ(auth().record_login_failure("mallory", 900), 2);
  EXPECT_EQ(auth().record_login_failure("other", 900), 1);
  EXPECT_EQ(auth().login_locked_for("mallory"), 0);
  auth().lock_login("mallory", 30);
  std::int64_t locked = auth().login_locked_for("mallory");
  EXPECT_GE(locked, 29);
  EXPECT_LE(locked, 30);
  EXPECT_EQ(auth().login_locked_for("other"), 0);
  // A failure after the window (0 s) starts a new count.
  EXPECT_EQ(auth().record_login_failure("other", 0), 1);
  auth().clear_login_failures("mallory");
  EXPECT_EQ(auth().login_locked_for("mallory"), 0);
  EXPECT_EQ(auth().record_login_failure("mallory", 900), 1);
}

TEST_P(StoreContract, CreateAllStoresEveryUserOrNone) {
  users().create("nina", hash());
  // The clash is the last entry: the ones before it must not stay.
  std::vector<NewUser> clash = {
      {"oscar", hash(), "admin"}, {"peggy", hash(), "user"}, {"NINA", hash(), "user"}};
  EXPECT_EQ(error_of([&] { users().create_all(clash); }), ErrorCode::username_taken);
  EXPECT_EQ(users().count(), 1);
  EXPECT_FALSE(auth().credentials_by_name("oscar"));

  // A role the schema refuses fails the same way, whatever the error.
  std::vector<NewUser> bad_role = {{"oscar", hash(), "user"}, {"peggy", hash(), "root"}};
  EXPECT_TRUE(error_of([&] { users().create_all(bad_role); }));
  EXPECT_EQ(users().count(), 1);

  auto created = users().create_all({{"oscar", hash(), "admin"}, {"peggy", hash(), "user"}});
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0].role, "admin");
  EXPECT_EQ(auth().credentials_by_name("OSCAR")->role, "admin");
  EXPECT_EQ(users().count(), 3);
}

// Starts `n` processes that wait on one pipe and then run `body(i)` with a
// connection of their own; returns their exit codes.
template <typename Body>
std::vector<int> run_processes_together(int n, Body body) {
  int go[2];
  EXPECT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      close(go[1]);
      char byte;
      if (read(go[0], &byte, 1) != 0) _exit(90);  // released by the close below
      _exit(body(i));
    }
    children.push_back(pid);
  }
  close(go[0]);
  close(go[1]);
  std::vector<int> codes;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
  }
  return codes;
}

TEST_P(StoreContract, ExactlyOneOfManyProcessesGetsANameInAnyCase) {
  const std::vector<std::string> spellings = {"quinn", "QUINN", "Quinn", "qUINN", "QuInN", "quiNN"};
  std::string url = db_->url();
  auto codes = run_processes_together(static_cast<int>(spellings.size()), [&](int i) {
    try {
      Opened own(url, 5000);
      own.storage->users().create(spellings[static_cast<std::size_t>(i)], hash());
      return 0;
    } catch (const ApiError& e) {
      return e.code() == ErrorCode::username_taken ? 1 : 2;
    }
  });
  int winners = 0, taken = 0;
  for (int code : codes) {
    winners += code == 0;
    taken += code == 1;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(taken, static_cast<int>(spellings.size()) - 1);
  EXPECT_EQ(users().count(), 1);
}

// True when fd has something to read within timeout_ms.
bool readable_within(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

// A writer's turn: held from its write's transaction (hold_changes just
// before it) until release_changes, as update_user and delete_user use it.
TEST_P(StoreContract, HeldChangesMakeOtherProcessesWait) {
  User u = users().create("rita", hash());
  users().hold_changes(u.id);
  ASSERT_EQ(users().rename(u.id, "rita_2", std::nullopt).outcome, RenameOutcome::renamed);
  std::string url = db_->url();
  int got_turn[2];
  ASSERT_EQ(pipe(got_turn), 0);
  pid_t child = fork();
  if (child == 0) {
    close(got_turn[0]);
    try {
      Opened own(url, 5000);
      own.storage->users().hold_changes(u.id);
      own.storage->users().rename(u.id, "rita_3", std::nullopt);
      own.storage->users().release_changes(u.id);
      char byte = 'x';
      _exit(write(got_turn[1], &byte, 1) == 1 ? 0 : 3);
    } catch (const ApiError&) {
      _exit(2);
    }
  }
  close(got_turn[1]);
  EXPECT_FALSE(readable_within(got_turn[0], 400))
      << "another process got the turn while it was held";
  users().release_changes(u.id);
  EXPECT_TRUE(readable_within(got_turn[0], 4000)) << "the turn never passed on";
  close(got_turn[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(users().find(u.id)->username, "rita_3") << "the second writer went after the first";
}

TEST_P(StoreContract, ProviderSignInMakesAPasswordlessLinkedUser) {
  const std::string issuer = "https://id.example";
  EXPECT_FALSE(identities().user_of(issuer, "sub-1"));
  std::int64_t id = identities().create_linked_user("Heidi", issuer, "sub-1");
  EXPECT_EQ(identities().user_of(issuer, "sub-1"), id);
  EXPECT_FALSE(identities().user_of(issuer, "sub-2"));
  EXPECT_FALSE(identities().user_of("https://other.example", "sub-1"));
  auto credentials = auth().credentials_by_id(id);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->password_hash, "") << "no password";
  auto links = identities().identities_of(id);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].issuer, issuer);
  EXPECT_EQ(links[0].linked_at.back(), 'Z');
  // The name is taken like any other, and the failed create links nothing.
  EXPECT_EQ(error_of([&] { identities().create_linked_user("hEIDI", issuer, "sub-3"); }),
            ErrorCode::username_taken);
  EXPECT_FALSE(identities().user_of(issuer, "sub-3"));
}

TEST_P(StoreContract, ALinkBelongsToOneUserAndOneProviderAccountPerUser) {
  const std::string issuer = "https://id.example";
  User ivan = users().create("ivan", hash());
  User judy = users().create("judy", hash());
  identities().link(ivan.id, issuer, "sub-ivan");
  EXPECT_EQ(error_of([&] { identities().link(judy.id, issuer, "sub-ivan"); }),
            ErrorCode::identity_taken);
  EXPECT_EQ(error_of([&] { identities().link(ivan.id, issuer, "sub-other"); }),
            ErrorCode::provider_already_linked);
  EXPECT_TRUE(identities().identities_of(judy.id).empty());
  // Deleting the user takes its links along.
  users().remove(ivan.id);
  EXPECT_FALSE(identities().user_of(issuer, "sub-ivan"));
}

TEST_P(StoreContract, UnlinkKeepsTheLastWayToLogIn) {
  const std::string google = "https://google.example", other = "https://other.example";
  std::int64_t id = identities().create_linked_user("kim", google, "sub-kim");
  EXPECT_EQ(identities().unlink(id, google), UnlinkOutcome::last_login_method);
  EXPECT_EQ(identities().unlink(id, other), UnlinkOutcome::not_linked);
  identities().link(id, other, "sub-kim-2");
  EXPECT_EQ(identities().unlink(id, google), UnlinkOutcome::unlinked);
  EXPECT_EQ(identities().unlink(id, other), UnlinkOutcome::last_login_method);
  // A password is a way to log in too.
  User leo = users().create("leo", hash());
  identities().link(leo.id, google, "sub-leo");
  EXPECT_EQ(identities().unlink(leo.id, google), UnlinkOutcome::unlinked);
  EXPECT_TRUE(identities().identities_of(leo.id).empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContract, testing::Values(Backend::postgres, Backend::sqlite),
                         [](const testing::TestParamInfo<Backend>& row) {
                           return itest::backend_name(row.param);
                         });

// SQLite only: a writer that holds the lock past the busy timeout gets the
// 503 database_unavailable with Retry-After, and its write is not applied.
TEST(SqliteStore, LockHeldPastTheBusyTimeoutIsServiceUnavailable) {
  FreshDatabase db(Backend::sqlite);
  Opened setup(db.url(), 5000);
  setup.storage->migrate();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.sqlite_file().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  Opened impatient(db.url(), 100);
  try {
    impatient.storage->users().create("sam", "hash");
    ADD_FAILURE() << "the write went through a held lock";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::database_unavailable);
    EXPECT_EQ(error_status(e.code()), 503);
    EXPECT_GE(e.retry_after_s(), 1);
  }
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(impatient.storage->users().count(), 0);
  // Reads are not blocked by a writer (WAL).
  EXPECT_TRUE(impatient.storage->ping());
}

// PostgreSQL only: a writer kept waiting for a user's turn past the statement
// timeout gets the 503 and changes nothing; its connection (the lock, BEGIN
// and the write travel in one pipeline) is usable again right after.
TEST(PgStore, TurnHeldPastTheStatementTimeoutIsServiceUnavailable) {
  FreshDatabase db(Backend::postgres);
  Opened holder(db.url(), 5000);
  holder.storage->migrate();
  UserStore& held = holder.storage->users();
  User u = held.create("tess", "hash");
  held.hold_changes(u.id);
  ASSERT_EQ(held.rename(u.id, "tess_2", std::nullopt).outcome, RenameOutcome::renamed);

  // The URL's libpq options (the schema) replace the configured timeout: the
  // timeout joins them there; they come last in FreshDatabase's URL.
  Opened impatient(db.url() + "%20-cstatement_timeout%3D200", 5000);
  UserStore& waiting = impatient.storage->users();
  waiting.hold_changes(u.id);
  EXPECT_EQ(error_of([&] { waiting.rename(u.id, "tess_3", std::nullopt); }),
            ErrorCode::database_unavailable);
  waiting.release_changes(u.id);
  held.release_changes(u.id);
  EXPECT_EQ(waiting.find(u.id)->username, "tess_2");

  waiting.hold_changes(u.id);
  EXPECT_EQ(waiting.rename(u.id, "tess_4", std::nullopt).outcome, RenameOutcome::renamed);
  waiting.release_changes(u.id);
  // Neither lock outlived its turn: the first writer's turn comes at once.
  held.hold_changes(u.id);
  EXPECT_EQ(held.rename(u.id, "tess_5", std::nullopt).outcome, RenameOutcome::renamed);
  held.release_changes(u.id);
  EXPECT_EQ(waiting.find(u.id)->username, "tess_5");
}

}  // namespace
