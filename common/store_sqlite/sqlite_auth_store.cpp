// AuthStore over SQLite. Moments are Unix seconds with fractions (REAL);
// multi-statement changes run in one BEGIN IMMEDIATE transaction, which
// also serializes two uses of one refresh token (no FOR UPDATE needed).
#include <cmath>

#include "crud/sqlite.h"
#include "crud/sqlite_stores.h"

namespace crud {

// Now as Unix seconds with milliseconds; fixed within one statement.
#define NOW "((julianday('now') - 2440587.5) * 86400.0)"
#define CREDENTIAL_COLUMNS                                                                      \
  "id, username, password_hash, role, token_version, totp_enabled, coalesce(totp_secret, ''), " \
  "totp_last_step"

static const char* const kByName =
    "SELECT " CREDENTIAL_COLUMNS " FROM users WHERE lower(username) = lower(?1)";
static const char* const kById = "SELECT " CREDENTIAL_COLUMNS " FROM users WHERE id = ?1";
static const char* const kCallerState =
    "SELECT role, token_version, (SELECT generation FROM cache_generation) FROM users "
    "WHERE id = ?1";
static const char* const kSetHash = "UPDATE users SET password_hash = ?2 WHERE id = ?1";
static const char* const kChangePassword =
    "UPDATE users SET password_hash = ?2, token_version = token_version + 1 "
    "WHERE id = ?1 RETURNING token_version";
static const char* const kDropFamilies = "DELETE FROM token_families WHERE user_id = ?1";
static const char* const kDropSessions = "DELETE FROM browser_sessions WHERE user_id = ?1";
static const char* const kNewFamily =
    "INSERT INTO token_families (user_id, created_at) VALUES (?1, " NOW ") RETURNING id";
static const char* const kAddToken =
    "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) VALUES (?1, ?2, " NOW " + ?3)";
static const char* const kFindToken =
    "SELECT t.family_id, f.user_id, t.expires_at <= " NOW
    ", t.used_at IS NOT NULL, "
    "coalesce(t.used_at > " NOW
    " - ?2, 0) "
    "FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id WHERE t.token_hash = ?1";
static const char* const kSpendToken =
    "UPDATE refresh_tokens SET used_at = " NOW " WHERE token_hash = ?1";
static const char* const kDropFamily = "DELETE FROM token_families WHERE id = ?1";
static const char* const kDropFamilyOf =
    "DELETE FROM token_families WHERE id = "
    "(SELECT family_id FROM refresh_tokens WHERE token_hash = ?1)";
static const char* const kNewSession =
    "INSERT INTO browser_sessions (id_hash, user_id, created_at, last_seen_at) "
    "VALUES (?1, ?2, " NOW ", " NOW ")";
// Touches last_seen at most once a minute: a read does not write each time.
static const char* const kTouchSession = "UPDATE browser_sessions SET last_seen_at = " NOW
                                         " WHERE id_hash = ?1 AND last_seen_at < " NOW " - 60";
static const char* const kFindSession =
    "SELECT user_id, last_seen_at > " NOW " - ?2 AND created_at > " NOW
    " - ?3 FROM browser_sessions WHERE id_hash = ?1";
static const char* const kActiveSessions =
    "SELECT (SELECT count(*) FROM refresh_tokens WHERE used_at IS NULL AND expires_at > " NOW
    ") + (SELECT count(*) FROM browser_sessions WHERE last_seen_at > " NOW
    " - ?1 AND created_at > " NOW " - ?2)";
static const char* const kDropSession = "DELETE FROM browser_sessions WHERE id_hash = ?1";
static const char* const kSetTotpSecret =
    "UPDATE users SET totp_secret = ?2 WHERE id = ?1 AND NOT totp_enabled";
static const char* const kEnableTotp =
    "UPDATE users SET totp_enabled = 1, totp_last_step = ?2 WHERE id = ?1";
static const char* const kDropRecovery = "DELETE FROM recovery_codes WHERE user_id = ?1";
static const char* const kAddRecovery =
    "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)";
static const char* const kDisableTotp =
    "UPDATE users SET totp_enabled = 0, totp_secret = NULL WHERE id = ?1";
// Only a step later than the last used one is accepted: a code works once.
static const char* const kClaimStep =
    "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2";
static const char* const kUseRecovery =
    "UPDATE recovery_codes SET used_at = " NOW
    " WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL";
// A failure outside the window starts a new window (unqualified columns in
// DO UPDATE are the stored row's).
static const char* const kCountFailure =
    "INSERT INTO login_throttle (username_key, failures, window_start) VALUES (?1, 1, " NOW
    ") ON CONFLICT (username_key) DO UPDATE SET "
    "failures = CASE WHEN window_start < " NOW
    " - ?2 THEN 1 ELSE failures + 1 END, "
    "window_start = CASE WHEN window_start < " NOW " - ?2 THEN " NOW
    " ELSE window_start END RETURNING failures";
static const char* const kLock =
    "UPDATE login_throttle SET locked_until = " NOW " + ?2 WHERE username_key = ?1";
static const char* const kLockedFor = "SELECT locked_until - " NOW
                                      " FROM login_throttle WHERE username_key = ?1 "
                                      "AND locked_until > " NOW;
static const char* const kClearFailures = "DELETE FROM login_throttle WHERE username_key = ?1";

static Credentials credentials_from(const SqliteRows& rows) {
  Credentials c;
  c.id = rows.int64(0, 0);
  c.username = rows.text(0, 1);
  c.password_hash = rows.text(0, 2);
  c.role = rows.text(0, 3);
  c.token_version = rows.int64(0, 4);
  c.totp_enabled = rows.int64(0, 5) != 0;
  c.totp_secret = rows.text(0, 6);
  c.totp_last_step = rows.int64(0, 7);
  return c;
}

std::optional<Credentials> SqliteAuthStore::credentials_by_name(const std::string& username) {
  SqliteRows rows = db_.query(kByName, {username});
  if (rows.empty()) return std::nullopt;
  return credentials_from(rows);
}

std::optional<Credentials> SqliteAuthStore::credentials_by_id(std::int64_t id) {
  SqliteRows rows = db_.query(kById, {id});
  if (rows.empty()) return std::nullopt;
  return credentials_from(rows);
}

std::optional<CallerState> SqliteAuthStore::caller_state(std::int64_t user_id) {
  SqliteRows rows = db_.query(kCallerState, {user_id});
  if (rows.empty()) return std::nullopt;
  return CallerState{rows.text(0, 0), rows.int64(0, 1), rows.int64(0, 2)};
}

void SqliteAuthStore::set_password_hash(std::int64_t id, const std::string& hash) {
  db_.execute(kSetHash, {id, hash});
}

std::int64_t SqliteAuthStore::change_password(std::int64_t id, const std::string& hash) {
  std::int64_t version = 0;
  db_.transaction([&] {
    SqliteRows rows = db_.execute(kChangePassword, {id, hash});
    if (rows.empty()) return;
    version = rows.int64(0, 0);
    db_.execute(kDropFamilies, {id});
    db_.execute(kDropSessions, {id});
  });
  return version;
}

std::int64_t SqliteAuthStore::start_family(std::int64_t user_id, const std::string& token_hash,
                                           std::int64_t ttl_s) {
  std::int64_t family = 0;
  db_.transaction([&] {
    family = db_.execute(kNewFamily, {user_id}).int64(0, 0);
    db_.execute(kAddToken, {token_hash, family, ttl_s});
  });
  return family;
}

RefreshResult SqliteAuthStore::rotate_refresh_token(const std::string& token_hash,
                                                    const std::string& next_hash,
                                                    std::int64_t ttl_s, std::int64_t grace_s) {
  RefreshResult result;
  db_.transaction([&] {
    SqliteRows rows = db_.execute(kFindToken, {token_hash, grace_s});
    if (rows.empty()) return;  // unknown, or its family was revoked
    result.family_id = rows.int64(0, 0);
    result.user_id = rows.int64(0, 1);
    bool expired = rows.int64(0, 2) != 0, used = rows.int64(0, 3) != 0;
    bool in_grace = rows.int64(0, 4) != 0;
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

bool SqliteAuthStore::revoke_family_of(const std::string& token_hash) {
  return db_.execute(kDropFamilyOf, {token_hash}).affected() > 0;
}

void SqliteAuthStore::create_session(const std::string& id_hash, std::int64_t user_id) {
  db_.execute(kNewSession, {id_hash, user_id});
}

std::optional<std::int64_t> SqliteAuthStore::session_user(const std::string& id_hash,
                                                          std::int64_t idle_s,
                                                          std::int64_t absolute_s) {
  SqliteRows rows = db_.query(kFindSession, {id_hash, idle_s, absolute_s});
  if (rows.empty()) return std::nullopt;
  if (rows.int64(0, 1) == 0) {
    db_.execute(kDropSession, {id_hash});
    return std::nullopt;
  }
  db_.execute(kTouchSession, {id_hash});
  return rows.int64(0, 0);
}

void SqliteAuthStore::revoke_session(const std::string& id_hash) {
  db_.execute(kDropSession, {id_hash});
}

std::int64_t SqliteAuthStore::active_sessions(std::int64_t idle_s, std::int64_t absolute_s) {
  return db_.query(kActiveSessions, {idle_s, absolute_s}).int64(0, 0);
}

void SqliteAuthStore::set_totp_secret(std::int64_t id, const std::string& sealed) {
  db_.execute(kSetTotpSecret, {id, sealed});
}

void SqliteAuthStore::enable_totp(std::int64_t id, std::int64_t step,
                                  const std::vector<std::string>& recovery_hashes) {
  db_.transaction([&] {
    db_.execute(kEnableTotp, {id, step});
    db_.execute(kDropRecovery, {id});
    for (const auto& hash : recovery_hashes) db_.execute(kAddRecovery, {id, hash});
  });
}

void SqliteAuthStore::disable_totp(std::int64_t id) {
  db_.transaction([&] {
    db_.execute(kDisableTotp, {id});
    db_.execute(kDropRecovery, {id});
  });
}

bool SqliteAuthStore::claim_totp_step(std::int64_t id, std::int64_t step) {
  return db_.execute(kClaimStep, {id, step}).affected() > 0;
}

bool SqliteAuthStore::use_recovery_code(std::int64_t id, const std::string& code_hash) {
  return db_.execute(kUseRecovery, {id, code_hash}).affected() > 0;
}

std::int64_t SqliteAuthStore::record_login_failure(const std::string& key, std::int64_t window_s) {
  return db_.execute(kCountFailure, {key, window_s}).int64(0, 0);
}

void SqliteAuthStore::lock_login(const std::string& key, std::int64_t seconds) {
  db_.execute(kLock, {key, seconds});
}

std::int64_t SqliteAuthStore::login_locked_for(const std::string& key) {
  SqliteRows rows = db_.query(kLockedFor, {key});
  return rows.empty() ? 0 : static_cast<std::int64_t>(std::ceil(rows.real(0, 0)));
}

void SqliteAuthStore::clear_login_failures(const std::string& key) {
  db_.execute(kClearFailures, {key});
}

}  // namespace crud
