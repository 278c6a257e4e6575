// IdentityStore over PostgreSQL. Writes run in explicit transactions, as in
// pg_user_store.cpp; unlink locks the user row so two unlinks at once cannot
// both pass the "not the last way to log in" check.
#include "crud/identity_store.h"
#include "crud/pg.h"

namespace crud {

static const Statement kUserOf{
    "identity_user_of", "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2"};
static const Statement kCreateUser{"identity_create_user",
                                   "INSERT INTO users (username) VALUES ($1) RETURNING id"};
static const Statement kLink{"identity_link",
                             "INSERT INTO user_identities (issuer, subject, user_id) "
                             "VALUES ($1, $2, $3)"};
static const Statement kList{
    "identity_list",
    "SELECT issuer, to_char(linked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "FROM user_identities WHERE user_id = $1 ORDER BY linked_at, issuer"};
// Other ways the user can log in besides the link to $2, the user row locked.
static const Statement kOtherWays{
    "identity_other_ways",
    "SELECT (u.password_hash IS NOT NULL)::int + (SELECT count(*) FROM user_identities i "
    "WHERE i.user_id = u.id AND i.issuer <> $2), "
    "EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.issuer = $2)::int "
    "FROM users u WHERE u.id = $1 FOR UPDATE"};
static const Statement kUnlink{"identity_unlink",
                               "DELETE FROM user_identities WHERE user_id = $1 AND issuer = $2"};

std::optional<std::int64_t> PgIdentityStore::user_of(const std::string& issuer,
                                                     const std::string& subject) {
  Rows rows = db_.query(kUserOf, {issuer, subject});
  if (rows.empty()) return std::nullopt;
  return rows.int64(0, 0);
}

std::int64_t PgIdentityStore::create_linked_user(const std::string& username,
                                                 const std::string& issuer,
                                                 const std::string& subject) {
  std::int64_t id = 0;
  db_.transaction([&] {
    id = db_.execute(kCreateUser, {username}).int64(0, 0);
    db_.execute(kLink, {issuer, subject, id});
  });
  return id;
}

void PgIdentityStore::link(std::int64_t user_id, const std::string& issuer,
                           const std::string& subject) {
  db_.transaction([&] { db_.execute(kLink, {issuer, subject, user_id}); });
}

std::vector<LinkedIdentity> PgIdentityStore::identities_of(std::int64_t user_id) {
  Rows rows = db_.query(kList, {user_id});
  std::vector<LinkedIdentity> links;
  for (int i = 0; i < rows.size(); ++i)
    links.push_back({std::string(rows.text(i, 0)), std::string(rows.text(i, 1))});
  return links;
}

UnlinkOutcome PgIdentityStore::unlink(std::int64_t user_id, const std::string& issuer) {
  UnlinkOutcome outcome = UnlinkOutcome::not_linked;
  db_.transaction([&] {
    outcome = UnlinkOutcome::not_linked;
    Rows ways = db_.execute(kOtherWays, {user_id, issuer});
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
