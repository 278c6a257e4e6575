// The storage interface for users. Handlers talk to UserStore only; the
// PostgreSQL implementation lives in pg_user_store.cpp, the embedded SQLite
// one in sqlite_user_store.cpp (see storage.h for which one a process uses).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crud/users.h"

namespace crud {

class Database;

enum class RenameOutcome { renamed, not_found, version_mismatch };

// A user as an operator loads it (crudctl seed): the hash is already made.
struct NewUser {
  std::string username;
  std::string password_hash;
  std::string role = "user";
};

struct RenameResult {
  RenameOutcome outcome;
  User user;  // the user as committed, when renamed
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Adds a user and returns it as committed; throws ApiError username_taken
  // when the name is taken in any letter case.
  virtual User create(const std::string& username, const std::string& password_hash) = 0;
  // The user with this id, if any.
  virtual std::optional<User> find(std::int64_t id) = 0;
  // Up to `limit` users with id greater than `after`, by ascending id.
  virtual std::vector<User> list_after(std::int64_t after, int limit) = 0;
  // Renames the user if its current version is accepted by `expected`
  // (IfMatch semantics; nullopt accepts any); throws username_taken.
  virtual RenameResult rename(std::int64_t id, const std::string& username,
                              const std::optional<IfMatch>& expected) = 0;
  // Deletes the user and returns it as it was, with updated_at set to the
  // moment of deletion; nullopt when there was none.
  virtual std::optional<User> remove(std::int64_t id) = 0;
  // How many users exist.
  virtual std::int64_t count() = 0;
  // Holds off other writers of this user until release_changes: a writer
  // takes it before its transaction and releases it after publishing the
  // change, so events of one user go out in commit order.
  virtual void hold_changes(std::int64_t id) = 0;
  virtual void release_changes(std::int64_t id) = 0;
  // Retires every cached user at once (see user_cache.h).
  virtual void start_cache_generation() = 0;
  // Adds every user in one transaction: all of them or, on any error
  // (username_taken included), none. Returns them as committed.
  virtual std::vector<User> create_all(const std::vector<NewUser>& users) = 0;
  // Gives the user named so (any letter case) the admin role; its id, or
  // nullopt when there is no such user.
  virtual std::optional<std::int64_t> make_admin(const std::string& username) = 0;
};

// hold_changes for the life of a scope.
class ChangeTurn {
 public:
  ChangeTurn(UserStore& users, std::int64_t id) : users_(users), id_(id) {
    users_.hold_changes(id_);
  }
  ~ChangeTurn();
  ChangeTurn(const ChangeTurn&) = delete;
  ChangeTurn& operator=(const ChangeTurn&) = delete;

 private:
  UserStore& users_;
  std::int64_t id_;
};

class PgUserStore : public UserStore {
 public:
  explicit PgUserStore(Database& db) : db_(db) {}
  User create(const std::string& username, const std::string& password_hash) override;
  std::optional<User> find(std::int64_t id) override;
  std::vector<User> list_after(std::int64_t after, int limit) override;
  RenameResult rename(std::int64_t id, const std::string& username,
                      const std::optional<IfMatch>& expected) override;
  std::optional<User> remove(std::int64_t id) override;
  std::int64_t count() override;
  void hold_changes(std::int64_t id) override;
  void release_changes(std::int64_t id) override;
  void start_cache_generation() override;
  std::vector<User> create_all(const std::vector<NewUser>& users) override;
  std::optional<std::int64_t> make_admin(const std::string& username) override;

 private:
  Database& db_;
};

}  // namespace crud
