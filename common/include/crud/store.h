// The storage interface for users. Handlers talk to UserStore only; the
// PostgreSQL implementation lives in pg_user_store.cpp (an embedded SQLite
// one can stand beside it behind the same interface).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crud/users.h"

namespace crud {

class Database;

enum class RenameOutcome { renamed, not_found, version_mismatch };

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

 private:
  Database& db_;
};

}  // namespace crud
