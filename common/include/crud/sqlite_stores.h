// UserStore and AuthStore over the embedded SQLite file (sqlite.h): the same
// contracts as the PostgreSQL stores, for hosts without a database server.
#pragma once

#include "crud/auth_store.h"
#include "crud/store.h"

namespace crud {

class SqliteDatabase;

class SqliteUserStore : public UserStore {
 public:
  SqliteUserStore(SqliteDatabase& db, std::string lock_path, int wait_ms)
      : db_(db), lock_path_(std::move(lock_path)), wait_ms_(wait_ms) {}
  ~SqliteUserStore() override;
  SqliteUserStore(const SqliteUserStore&) = delete;
  SqliteUserStore& operator=(const SqliteUserStore&) = delete;
  User create(const std::string& username, const std::string& password_hash) override;
  std::optional<User> find(std::int64_t id) override;
  std::vector<User> list_after(std::int64_t after, int limit) override;
  RenameResult rename(std::int64_t id, const std::string& username,
                      const std::optional<IfMatch>& expected) override;
  std::optional<User> remove(std::int64_t id) override;
  std::int64_t count() override;
  // A byte-range lock (fcntl) at offset id of lock_path: held per process,
  // dropped by the kernel if the process dies, like a session advisory lock.
  void hold_changes(std::int64_t id) override;
  void release_changes(std::int64_t id) override;
  void start_cache_generation() override;
  std::vector<User> create_all(const std::vector<NewUser>& users) override;
  std::optional<std::int64_t> make_admin(const std::string& username) override;

 private:
  int lock_file();
  SqliteDatabase& db_;
  std::string lock_path_;
  int wait_ms_;
  int lock_fd_ = -1;
};

class SqliteAuthStore : public AuthStore {
 public:
  explicit SqliteAuthStore(SqliteDatabase& db) : db_(db) {}
  std::optional<Credentials> credentials_by_name(const std::string& username) override;
  std::optional<Credentials> credentials_by_id(std::int64_t id) override;
  std::optional<CallerState> caller_state(std::int64_t user_id) override;
  void set_password_hash(std::int64_t id, const std::string& hash) override;
  std::int64_t change_password(std::int64_t id, const std::string& hash) override;
  std::int64_t start_family(std::int64_t user_id, const std::string& token_hash,
                            std::int64_t ttl_s) override;
  RefreshResult rotate_refresh_token(const std::string& token_hash, const std::string& next_hash,
                                     std::int64_t ttl_s, std::int64_t grace_s) override;
  bool revoke_family_of(const std::string& token_hash) override;
  void create_session(const std::string& id_hash, std::int64_t user_id) override;
  std::optional<std::int64_t> session_user(const std::string& id_hash, std::int64_t idle_s,
                                           std::int64_t absolute_s) override;
  void revoke_session(const std::string& id_hash) override;
  std::int64_t active_sessions(std::int64_t idle_s, std::int64_t absolute_s) override;
  void set_totp_secret(std::int64_t id, const std::string& sealed) override;
  void enable_totp(std::int64_t id, std::int64_t step,
                   const std::vector<std::string>& recovery_hashes) override;
  void disable_totp(std::int64_t id) override;
  bool claim_totp_step(std::int64_t id, std::int64_t step) override;
  bool use_recovery_code(std::int64_t id, const std::string& code_hash) override;
  std::int64_t record_login_failure(const std::string& key, std::int64_t window_s) override;
  void lock_login(const std::string& key, std::int64_t seconds) override;
  std::int64_t login_locked_for(const std::string& key) override;
  void clear_login_failures(const std::string& key) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace crud
