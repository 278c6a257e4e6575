// IdentityStore over SQLite. Every write is one BEGIN IMMEDIATE transaction,
// so the "not the last way to log in" check and the unlink cannot interleave
// with another writer.
#include "crud/sqlite.h"
#include "crud/sqlite_stores.h"

namespace crud {

static const char* const kUserOf =
    "SELECT user_id FROM user_identities WHERE issuer = ?1 AND subject = ?2";
// '' is this store's "no password" (sql/sqlite/0004_identities.sql).
static const char* const kCreateUser =
    "INSERT INTO users (username, password_hash) VALUES (?1, '') RETURNING id";
static const char* const kLink =
    "INSERT INTO user_identities (issuer, subject, user_id) VALUES (?1, ?2, ?3)";
static const char* const kList =
    "SELECT issuer, linked_at FROM user_identities WHERE user_id = ?1 ORDER BY linked_at, issuer";
// Other ways the user can log in besides the link to ?2, and whether that link exists.
static const char* const kOtherWays =
    "SELECT (u.password_hash <> '') + (SELECT count(*) FROM user_identities i "
    "WHERE i.user_id = u.id AND i.issuer <> ?2), "
    "EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.issuer = ?2) "
    "FROM users u WHERE u.id = ?1";
static const char* const kUnlink = "DELETE FROM user_identities WHERE user_id = ?1 AND issuer = ?2";

std::optional<std::int64_t> SqliteIdentityStore::user_of(const std::string& issuer,
                                                         const std::string& subject) {
  SqliteRows rows = db_.query(kUserOf, {issuer, subject});
  if (rows.empty()) return std::nullopt;
  return rows.int64(0, 0);
}

std::int64_t SqliteIdentityStore::create_linked_user(const std::string& username,
                                                     const std::string& issuer,
                                                     const std::string& subject) {
  std::int64_t id = 0;
  db_.transaction([&] {
    id = db_.execute(kCreateUser, {username}).int64(0, 0);
    db_.execute(kLink, {issuer, subject, id});
  });
  return id;
}

void SqliteIdentityStore::link(std::int64_t user_id, const std::string& issuer,
                               const std::string& subject) {
  db_.execute(kLink, {issuer, subject, user_id});
}

std::vector<LinkedIdentity> SqliteIdentityStore::identities_of(std::int64_t user_id) {
  SqliteRows rows = db_.query(kList, {user_id});
  std::vector<LinkedIdentity> links;
  for (int i = 0; i < rows.size(); ++i) links.push_back({rows.text(i, 0), rows.text(i, 1)});
  return links;
}

UnlinkOutcome SqliteIdentityStore::unlink(std::int64_t user_id, const std::string& issuer) {
  UnlinkOutcome outcome = UnlinkOutcome::not_linked;
  db_.transaction([&] {
    outcome = UnlinkOutcome::not_linked;
    SqliteRows ways = db_.execute(kOtherWays, {user_id, issuer});
    if (ways.empty() || ways.int64(0, 1) == 0) return;
    if (ways.int64(0, 0) == 0) {
      outcome = UnlinkOutcome::last_login_method;
      return;
    }
    db_.execute(kUnlink, {user_id, issuer});
    outcome = UnlinkOutcome::unlinked;
  });
  return outcome;
}

}  // namespace crud
