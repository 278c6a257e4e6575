// AuthStore over PostgreSQL. Multi-statement changes (password change,
// refresh rotation, enabling 2FA) run in one transaction each.
#include "crud/auth_store.h"
#include "crud/pg.h"

namespace crud {

#define CREDENTIAL_COLUMNS                                                                      \
  "id, username, password_hash, role, token_version, totp_enabled, coalesce(totp_secret, ''), " \
  "totp_last_step"

static const Statement kByName{
    "auth_by_name", "SELECT " CREDENTIAL_COLUMNS " FROM users WHERE lower(username) = lower($1)"};
static const Statement kById{"auth_by_id",
                             "SELECT " CREDENTIAL_COLUMNS " FROM users WHERE id = $1"};
static const Statement kCallerState{"auth_caller",
                                    "SELECT role, token_version, (SELECT generation FROM "
                                    "cache_generation) FROM users WHERE id = $1"};
static const Statement kSetHash{"auth_set_hash",
                                "UPDATE users SET password_hash = $2 WHERE id = $1"};
static const Statement kChangePassword{
    "auth_change_password",
    "UPDATE users SET password_hash = $2, token_version = token_version + 1 "
    "WHERE id = $1 RETURNING token_version"};
static const Statement kDropFamilies{"auth_drop_families",
                                     "DELETE FROM token_families WHERE user_id = $1"};
static const Statement kDropSessions{"auth_drop_sessions",
                                     "DELETE FROM browser_sessions WHERE user_id = $1"};
static const Statement kNewFamily{"auth_new_family",
                                  "INSERT INTO token_families (user_id) VALUES ($1) RETURNING id"};
static const Statement kAddToken{"auth_add_token",
                                 "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) "
                                 "VALUES ($1, $2, now() + make_interval(secs => $3))"};
// Locks the token row so two concurrent uses of one token serialize.
static const Statement kFindToken{
    "auth_find_token",
    "SELECT t.family_id, f.user_id, t.expires_at <= now(), t.used_at IS NOT NULL, "
    "coalesce(t.used_at > now() - make_interval(secs => $2), false) "
    "FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id "
    "WHERE t.token_hash = $1 FOR UPDATE OF t"};
static const Statement kSpendToken{
    "auth_spend_token", "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1"};
static const Statement kDropFamily{"auth_drop_family", "DELETE FROM token_families WHERE id = $1"};
static const Statement kDropFamilyOf{
    "auth_drop_family_of",
    "DELETE FROM token_families WHERE id = "
    "(SELECT family_id FROM refresh_tokens WHERE token_hash = $1)"};
static const Statement kNewSession{
    "auth_new_session", "INSERT INTO browser_sessions (id_hash, user_id) VALUES ($1, $2)"};
// Touches last_seen at most once a minute: a read does not write each time.
static const Statement kTouchSession{
    "auth_touch_session",
    "UPDATE browser_sessions SET last_seen_at = now() WHERE id_hash = $1 "
    "AND last_seen_at < now() - interval '60 seconds'"};
static const Statement kFindSession{
    "auth_find_session",
    "SELECT user_id, last_seen_at > now() - make_interval(secs => $2) "
    "AND created_at > now() - make_interval(secs => $3) "
    "FROM browser_sessions WHERE id_hash = $1"};
// $1 idle and $2 absolute session limits in seconds.
static const Statement kActiveSessions{
    "auth_active_sessions",
    "SELECT (SELECT count(*) FROM refresh_tokens WHERE used_at IS NULL AND expires_at > now()) + "
    "(SELECT count(*) FROM browser_sessions WHERE last_seen_at > now() - make_interval(secs => $1) "
    "AND created_at > now() - make_interval(secs => $2))"};
static const Statement kDropSession{"auth_drop_session",
                                    "DELETE FROM browser_sessions WHERE id_hash = $1"};
static const Statement kSetTotpSecret{
    "auth_set_totp_secret", "UPDATE users SET totp_secret = $2 WHERE id = $1 AND NOT totp_enabled"};
static const Statement kEnableTotp{
    "auth_enable_totp", "UPDATE users SET totp_enabled = true, totp_last_step = $2 WHERE id = $1"};
static const Statement kDropRecovery{"auth_drop_recovery",
                                     "DELETE FROM recovery_codes WHERE user_id = $1"};
static const Statement kAddRecovery{
    "auth_add_recovery", "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)"};
static const Statement kDisableTotp{
    "auth_disable_totp", "UPDATE users SET totp_enabled = false, totp_secret = NULL WHERE id = $1"};
// Only a step later than the last used one is accepted: a code works once.
static const Statement kClaimStep{
    "auth_claim_step",
    "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2"};
static const Statement kUseRecovery{"auth_use_recovery",
                                    "UPDATE recovery_codes SET used_at = now() "
                                    "WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL"};
// A failure outside the window starts a new window.
static const Statement kCountFailure{
    "auth_count_failure",
    "INSERT INTO login_throttle AS t (username_key, failures, window_start) "
    "VALUES ($1, 1, now()) ON CONFLICT (username_key) DO UPDATE SET "
    "failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 "
    "ELSE t.failures + 1 END, "
    "window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() "
    "ELSE t.window_start END "
    "RETURNING failures"};
static const Statement kLock{
    "auth_lock",
    "UPDATE login_throttle SET locked_until = now() + make_interval(secs => $2) "
    "WHERE username_key = $1"};
static const Statement kLockedFor{
    "auth_locked_for",
    "SELECT ceil(extract(epoch FROM locked_until - now()))::bigint FROM login_throttle "
    "WHERE username_key = $1 AND locked_until > now()"};
static const Statement kClearFailures{"auth_clear_failures",
                                      "DELETE FROM login_throttle WHERE username_key = $1"};

static Credentials credentials_from(const Rows& rows) {
  Credentials c;
  c.id = rows.int64(0, 0);
  c.username = std::string(rows.text(0, 1));
  c.password_hash = std::string(rows.text(0, 2));
  c.role = std::string(rows.text(0, 3));
  c.token_version = rows.int64(0, 4);
  c.totp_enabled = rows.text(0, 5) == "t";
  c.totp_secret = std::string(rows.text(0, 6));
  c.totp_last_step = rows.int64(0, 7);
  return c;
}

std::optional<Credentials> PgAuthStore::credentials_by_name(const std::string& username) {
  Rows rows = db_.query(kByName, {username});
  if (rows.empty()) return std::nullopt;
  return credentials_from(rows);
}

std::optional<Credentials> PgAuthStore::credentials_by_id(std::int64_t id) {
  Rows rows = db_.query(kById, {id});
  if (rows.empty()) return std::nullopt;
  return credentials_from(rows);
}

std::optional<CallerState> PgAuthStore::caller_state(std::int64_t user_id) {
  Rows rows = db_.query(kCallerState, {user_id});
  if (rows.empty()) return std::nullopt;
  return CallerState{std::string(rows.text(0, 0)), rows.int64(0, 1), rows.int64(0, 2)};
}

void PgAuthStore::set_password_hash(std::int64_t id, const std::string& hash) {
  db_.execute(kSetHash, {id, hash});
}

std::int64_t PgAuthStore::change_password(std::int64_t id, const std::string& hash) {
  std::int64_t version = 0;
  db_.transaction([&] {
    version = 0;
    Rows rows = db_.execute(kChangePassword, {id, hash});
    if (rows.empty()) return;
    version = rows.int64(0, 0);
    db_.execute(kDropFamilies, {id});
    db_.execute(kDropSessions, {id});
  });
  return version;
}

std::int64_t PgAuthStore::start_family(std::int64_t user_id, const std::string& token_hash,
                                       std::int64_t ttl_s) {
  std::int64_t family = 0;
  db_.transaction([&] {
    family = db_.execute(kNewFamily, {user_id}).int64(0, 0);
    db_.execute(kAddToken, {token_hash, family, ttl_s});
  });
  return family;
}

RefreshResult PgAuthStore::rotate_refresh_token(const std::string& token_hash,
                                                const std::string& next_hash, std::int64_t ttl_s,
                                                std::int64_t grace_s) {
  RefreshResult result;
  db_.transaction([&] {
    result = RefreshResult{};
    Rows rows = db_.execute(kFindToken, {token_hash, grace_s});
    if (rows.empty()) return;  // unknown, or its family was revoked
    result.family_id = rows.int64(0, 0);
    result.user_id = rows.int64(0, 1);
    bool expired = rows.text(0, 2) == "t", used = rows.text(0, 3) == "t";
    bool in_grace = rows.text(0, 4) == "t";
    if (expired) {
      result.outcome = RefreshOutcome::expired;
      return;
    }
    if (used && !in_grace) {
      // Theft detection: someone spent this token already; end the family.
      db_.execute(kDropFamily, {result.family_id});
      result.outcome = RefreshOutcome::reused;
      return;
    }
    if (!used) db_.execute(kSpendToken, {token_hash});
    db_.execute(kAddToken, {next_hash, result.family_id, ttl_s});
    result.outcome = used ? RefreshOutcome::retried_in_grace : RefreshOutcome::rotated;
  });
  return result;
}

bool PgAuthStore::revoke_family_of(const std::string& token_hash) {
  return db_.execute(kDropFamilyOf, {token_hash}).affected() > 0;
}

void PgAuthStore::create_session(const std::string& id_hash, std::int64_t user_id) {
  db_.execute(kNewSession, {id_hash, user_id});
}

std::optional<std::int64_t> PgAuthStore::session_user(const std::string& id_hash,
                                                      std::int64_t idle_s,
                                                      std::int64_t absolute_s) {
  Rows rows = db_.query(kFindSession, {id_hash, idle_s, absolute_s});
  if (rows.empty()) return std::nullopt;
  if (rows.text(0, 1) != "t") {
    db_.execute(kDropSession, {id_hash});
    return std::nullopt;
  }
  db_.execute(kTouchSession, {id_hash});
  return rows.int64(0, 0);
}

void PgAuthStore::revoke_session(const std::string& id_hash) {
  db_.execute(kDropSession, {id_hash});
}

std::int64_t PgAuthStore::active_sessions(std::int64_t idle_s, std::int64_t absolute_s) {
  return db_.query(kActiveSessions, {idle_s, absolute_s}).int64(0, 0);
}

void PgAuthStore::set_totp_secret(std::int64_t id, const std::string& sealed) {
  db_.execute(kSetTotpSecret, {id, sealed});
}

void PgAuthStore::enable_totp(std::int64_t id, std::int64_t step,
                              const std::vector<std::string>& recovery_hashes) {
  db_.transaction([&] {
    db_.execute(kEnableTotp, {id, step});
    db_.execute(kDropRecovery, {id});
    for (const auto& hash : recovery_hashes) db_.execute(kAddRecovery, {id, hash});
  });
}

void PgAuthStore::disable_totp(std::int64_t id) {
  db_.transaction([&] {
    db_.execute(kDisableTotp, {id});
    db_.execute(kDropRecovery, {id});
  });
}

bool PgAuthStore::claim_totp_step(std::int64_t id, std::int64_t step) {
  return db_.execute(kClaimStep, {id, step}).affected() > 0;
}

bool PgAuthStore::use_recovery_code(std::int64_t id, const std::string& code_hash) {
  return db_.execute(kUseRecovery, {id, code_hash}).affected() > 0;
}

std::int64_t PgAuthStore::record_login_failure(const std::string& key, std::int64_t window_s) {
  return db_.execute(kCountFailure, {key, window_s}).int64(0, 0);
}

void PgAuthStore::lock_login(const std::string& key, std::int64_t seconds) {
  db_.execute(kLock, {key, seconds});
}

std::int64_t PgAuthStore::login_locked_for(const std::string& key) {
  Rows rows = db_.query(kLockedFor, {key});
  return rows.empty() ? 0 : rows.int64(0, 0);
}

void PgAuthStore::clear_login_failures(const std::string& key) {
  db_.execute(kClearFailures, {key});
}

}  // namespace crud
