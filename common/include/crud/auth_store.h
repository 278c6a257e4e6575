// Storage for authentication state: credentials, the token-version
// revocation marker, refresh-token families, browser sessions, TOTP state
// and the database fallback of login throttling. PgAuthStore implements it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crud {

class Database;

struct Credentials {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;
  std::string role;
  std::int64_t token_version = 0;
  bool totp_enabled = false;
  std::string totp_secret;  // sealed; empty when none
  std::int64_t totp_last_step = 0;
};

// What every authenticated request checks about its caller.
struct CallerState {
  std::string role;
  std::int64_t token_version = 0;
  std::int64_t cache_generation = 0;  // read in the same query (see user_cache.h)
};

enum class RefreshOutcome { rotated, retried_in_grace, reused, unknown, expired };

struct RefreshResult {
  RefreshOutcome outcome = RefreshOutcome::unknown;
  std::int64_t family_id = 0;
  std::int64_t user_id = 0;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;
  // By username in any letter case.
  virtual std::optional<Credentials> credentials_by_name(const std::string& username) = 0;
  virtual std::optional<Credentials> credentials_by_id(std::int64_t id) = 0;
  virtual std::optional<CallerState> caller_state(std::int64_t user_id) = 0;
  // Replaces the hash only (rehash at a new cost after a good login).
  virtual void set_password_hash(std::int64_t id, const std::string& hash) = 0;
  // New password: bumps the token version and revokes every refresh-token
  // family and browser session of the user, in one transaction. Returns the
  // new token version.
  virtual std::int64_t change_password(std::int64_t id, const std::string& hash) = 0;

  // A new refresh-token family (one per login) with its first token.
  virtual std::int64_t start_family(std::int64_t user_id, const std::string& token_hash,
                                    std::int64_t ttl_s) = 0;
  // Spends a refresh token. On success (or a retry within grace_s of its
  // first use) adds next_hash to the family; a later reuse deletes the family.
  virtual RefreshResult rotate_refresh_token(const std::string& token_hash,
                                             const std::string& next_hash, std::int64_t ttl_s,
                                             std::int64_t grace_s) = 0;
  // Deletes the family a refresh token belongs to; false when unknown.
  virtual bool revoke_family_of(const std::string& token_hash) = 0;

  virtual void create_session(const std::string& id_hash, std::int64_t user_id) = 0;
  // The user of a live session (idle and absolute limits in seconds),
  // refreshing its last-seen time; expired sessions are deleted.
  virtual std::optional<std::int64_t> session_user(const std::string& id_hash, std::int64_t idle_s,
                                                   std::int64_t absolute_s) = 0;
  virtual void revoke_session(const std::string& id_hash) = 0;
  // Logins still usable: unexpired, unrotated refresh tokens plus browser
  // sessions within the idle and absolute limits.
  virtual std::int64_t active_sessions(std::int64_t idle_s, std::int64_t absolute_s) = 0;

  // Stores a sealed secret for enrolment; 2FA stays off until enabled.
  virtual void set_totp_secret(std::int64_t id, const std::string& sealed) = 0;
  // Turns 2FA on with the step of the verifying code and the hashed
  // recovery codes (replacing older ones).
  virtual void enable_totp(std::int64_t id, std::int64_t step,
                           const std::vector<std::string>& recovery_hashes) = 0;
  virtual void disable_totp(std::int64_t id) = 0;
  // Records a used TOTP step; false when that step (or a later) was used.
  virtual bool claim_totp_step(std::int64_t id, std::int64_t step) = 0;
  // Spends an unused recovery code; false when none matches.
  virtual bool use_recovery_code(std::int64_t id, const std::string& code_hash) = 0;

  // Failed-login counting without Redis: counts one failure and returns
  // the failures within the window that started at the first of them.
  virtual std::int64_t record_login_failure(const std::string& key, std::int64_t window_s) = 0;
  virtual void lock_login(const std::string& key, std::int64_t seconds) = 0;
  // Seconds the key is still locked (0 when not).
  virtual std::int64_t login_locked_for(const std::string& key) = 0;
  virtual void clear_login_failures(const std::string& key) = 0;
};

class PgAuthStore : public AuthStore {
 public:
  explicit PgAuthStore(Database& db) : db_(db) {}
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
  Database& db_;
};

}  // namespace crud
