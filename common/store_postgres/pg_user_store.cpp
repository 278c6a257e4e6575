// UserStore over PostgreSQL: one prepared statement per operation. Writes
// run in an explicit transaction: a worker that dies mid-request never sends
// COMMIT, so a write whose client got an error is never applied (an
// autocommit statement waiting on a lock would still commit after the death).
#include "crud/pg.h"
#include "crud/store.h"

namespace crud {

#define RFC3339(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define USER_COLUMNS \
  "id, username, role, version, " RFC3339("created_at") ", " RFC3339("updated_at")

static const Statement kCreate{
    "user_create",
    "INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING " USER_COLUMNS};
static const Statement kFind{"user_find", "SELECT " USER_COLUMNS " FROM users WHERE id = $1"};
static const Statement kList{
    "user_list", "SELECT " USER_COLUMNS " FROM users WHERE id > $1 ORDER BY id LIMIT $2"};
// $3 NULL accepts any version; otherwise the current version must be listed.
static const Statement kRename{
    "user_rename",
    "UPDATE users SET username = $2, version = version + 1, updated_at = now() "
    "WHERE id = $1 AND ($3::bigint[] IS NULL OR version = ANY($3::bigint[])) "
    "RETURNING " USER_COLUMNS};
static const Statement kExists{"user_exists", "SELECT 1 FROM users WHERE id = $1"};
// updated_at reports the moment of deletion (the event's time).
static const Statement kRemove{"user_remove",
                               "DELETE FROM users WHERE id = $1 RETURNING id, username, role, "
                               "version, " RFC3339("created_at") ", " RFC3339("now()")};

static const Statement kNextGeneration{"user_cache_generation",
                                       "UPDATE cache_generation SET generation = generation + 1"};
static const Statement kCount{"user_count", "SELECT count(*) FROM users"};
static const Statement kImport{"user_import",
                               "INSERT INTO users (username, password_hash, role) "
                               "VALUES ($1, $2, $3) RETURNING " USER_COLUMNS};
// The role is not part of /api/users/{id}: its version, updated_at and any
// cached copy stay as they are.
static const Statement kMakeAdmin{
    "user_make_admin",
    "UPDATE users SET role = 'admin' WHERE lower(username) = lower($1) RETURNING id"};

static User user_from_row(const Rows& rows, int row) {
  User u;
  u.id = rows.int64(row, 0);
  u.username = std::string(rows.text(row, 1));
  u.role = std::string(rows.text(row, 2));
  u.version = rows.int64(row, 3);
  u.created_at = std::string(rows.text(row, 4));
  u.updated_at = std::string(rows.text(row, 5));
  return u;
}

User PgUserStore::create(const std::string& username, const std::string& password_hash) {
  User user;
  db_.transaction([&] {
    user = user_from_row(db_.execute(kCreate, {username, password_hash}), 0);
  });
  return user;
}

std::optional<User> PgUserStore::find(std::int64_t id) {
  Rows rows = db_.query(kFind, {id});
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows, 0);
}

std::vector<User> PgUserStore::list_after(std::int64_t after, int limit) {
  Rows rows = db_.query(kList, {after, std::int64_t{limit}});
  std::vector<User> users;
  users.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) users.push_back(user_from_row(rows, i));
  return users;
}

// A PostgreSQL array literal of versions, e.g. {3,4}.
static std::string version_array(const std::vector<std::int64_t>& versions) {
  std::string out = "{";
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(versions[i]);
  }
  return out + "}";
}

RenameResult PgUserStore::rename(std::int64_t id, const std::string& username,
                                 const std::optional<IfMatch>& expected) {
  Param versions =
      (!expected || expected->any) ? Param(std::nullopt) : Param(version_array(expected->versions));
  RenameResult result{RenameOutcome::renamed, {}};
  db_.transaction([&] {
    result = RenameResult{RenameOutcome::renamed, {}};
    Rows rows = db_.execute(kRename, {id, username, versions});
    if (!rows.empty()) {
      result.user = user_from_row(rows, 0);
      return;
    }
    bool exists = !db_.query(kExists, {id}).empty();
    result.outcome = exists ? RenameOutcome::version_mismatch : RenameOutcome::not_found;
  });
  return result;
}

std::optional<User> PgUserStore::remove(std::int64_t id) {
  std::optional<User> removed;
  db_.transaction([&] {
    removed.reset();
    Rows rows = db_.execute(kRemove, {id});
    if (!rows.empty()) removed = user_from_row(rows, 0);
  });
  return removed;
}

std::int64_t PgUserStore::count() { return db_.query(kCount, {}).int64(0, 0); }

// A session-level advisory lock per user, taken with the write's BEGIN; the
// key has bit 62 set so it never meets other advisory locks (the migrator's).
static std::int64_t change_lock_key(std::int64_t id) { return id | (std::int64_t{1} << 62); }

void PgUserStore::hold_changes(std::int64_t id) { db_.lock_with_next_begin(change_lock_key(id)); }

void PgUserStore::release_changes(std::int64_t id) { db_.unlock_soon(change_lock_key(id)); }

void PgUserStore::start_cache_generation() { db_.execute(kNextGeneration, {}); }

std::vector<User> PgUserStore::create_all(const std::vector<NewUser>& users) {
  std::vector<User> created;
  db_.transaction([&] {
    created.clear();
    for (const auto& u : users)
      created.push_back(
          user_from_row(db_.execute(kImport, {u.username, u.password_hash, u.role}), 0));
  });
  return created;
}

std::optional<std::int64_t> PgUserStore::make_admin(const std::string& username) {
  Rows rows = db_.execute(kMakeAdmin, {username});
  if (rows.empty()) return std::nullopt;
  return rows.int64(0, 0);
}

}  // namespace crud
