// UserStore over SQLite. Every write is one BEGIN IMMEDIATE transaction
// (SqliteDatabase::execute/transaction), so a failing write leaves nothing.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "crud/errors.h"
#include "crud/sqlite.h"
#include "crud/sqlite_stores.h"

namespace crud {

#define SQLITE_NOW_RFC3339 "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#define USER_COLUMNS "id, username, role, version, created_at, updated_at"

static const char* const kCreate =
    "INSERT INTO users (username, password_hash) VALUES (?1, ?2) RETURNING " USER_COLUMNS;
static const char* const kImport =
    "INSERT INTO users (username, password_hash, role) VALUES (?1, ?2, ?3) "
    "RETURNING " USER_COLUMNS;
static const char* const kFind = "SELECT " USER_COLUMNS " FROM users WHERE id = ?1";
static const char* const kList =
    "SELECT " USER_COLUMNS " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2";
// ?3 NULL accepts any version; otherwise a JSON array of accepted versions.
static const char* const kRename =
    "UPDATE users SET username = ?2, version = version + 1, updated_at = " SQLITE_NOW_RFC3339
    " WHERE id = ?1 AND (?3 IS NULL OR version IN (SELECT value FROM json_each(?3))) "
    "RETURNING " USER_COLUMNS;
static const char* const kExists = "SELECT 1 FROM users WHERE id = ?1";
// updated_at reports the moment of deletion (the event's time).
static const char* const kRemove =
    "DELETE FROM users WHERE id = ?1 "
    "RETURNING id, username, role, version, created_at, " SQLITE_NOW_RFC3339;
static const char* const kCount = "SELECT count(*) FROM users";
static const char* const kNextGeneration =
    "UPDATE cache_generation SET generation = generation + 1";
static const char* const kMakeAdmin =
    "UPDATE users SET role = 'admin' WHERE lower(username) = lower(?1) RETURNING id";

static User user_from_row(const SqliteRows& rows, int row) {
  User u;
  u.id = rows.int64(row, 0);
  u.username = rows.text(row, 1);
  u.role = rows.text(row, 2);
  u.version = rows.int64(row, 3);
  u.created_at = rows.text(row, 4);
  u.updated_at = rows.text(row, 5);
  return u;
}

SqliteUserStore::~SqliteUserStore() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

User SqliteUserStore::create(const std::string& username, const std::string& password_hash) {
  return user_from_row(db_.execute(kCreate, {username, password_hash}), 0);
}

std::optional<User> SqliteUserStore::find(std::int64_t id) {
  SqliteRows rows = db_.query(kFind, {id});
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows, 0);
}

std::vector<User> SqliteUserStore::list_after(std::int64_t after, int limit) {
  SqliteRows rows = db_.query(kList, {after, std::int64_t{limit}});
  std::vector<User> users;
  users.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) users.push_back(user_from_row(rows, i));
  return users;
}

// A JSON array of versions, e.g. [3,4], for json_each.
static std::string version_list(const std::vector<std::int64_t>& versions) {
  std::string out = "[";
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(versions[i]);
  }
  return out + "]";
}

RenameResult SqliteUserStore::rename(std::int64_t id, const std::string& username,
                                     const std::optional<IfMatch>& expected) {
  SqliteParam versions = nullptr;
  if (expected && !expected->any) versions = version_list(expected->versions);
  RenameResult result{RenameOutcome::renamed, {}};
  db_.transaction([&] {
    SqliteRows rows = db_.execute(kRename, {id, username, versions});
    if (!rows.empty()) {
      result.user = user_from_row(rows, 0);
      return;
    }
    bool exists = !db_.query(kExists, {id}).empty();
    result.outcome = exists ? RenameOutcome::version_mismatch : RenameOutcome::not_found;
  });
  return result;
}

std::optional<User> SqliteUserStore::remove(std::int64_t id) {
  SqliteRows rows = db_.execute(kRemove, {id});
  if (rows.empty()) return std::nullopt;
  return user_from_row(rows, 0);
}

std::int64_t SqliteUserStore::count() { return db_.query(kCount, {}).int64(0, 0); }

int SqliteUserStore::lock_file() {
  if (lock_fd_ < 0) lock_fd_ = open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) throw ApiError(ErrorCode::database_unavailable).retry_after(1);
  return lock_fd_;
}

static bool set_lock(int fd, short type, std::int64_t id) {
  struct flock range {};
  range.l_type = type;
  range.l_whence = SEEK_SET;
  range.l_start = static_cast<off_t>(id);
  range.l_len = 1;
  return fcntl(fd, F_SETLK, &range) == 0;
}

void SqliteUserStore::hold_changes(std::int64_t id) {
  int fd = lock_file();
  // Polled rather than F_SETLKW so the wait has the same bound as SQLite's
  // own busy timeout; a holder past it answers 503 like a busy database.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms_);
  while (!set_lock(fd, F_WRLCK, id)) {
    if ((errno != EACCES && errno != EAGAIN) || std::chrono::steady_clock::now() > deadline)
      throw ApiError(ErrorCode::database_unavailable).retry_after(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void SqliteUserStore::release_changes(std::int64_t id) {
  if (lock_fd_ >= 0) set_lock(lock_fd_, F_UNLCK, id);
}

void SqliteUserStore::start_cache_generation() { db_.execute(kNextGeneration, {}); }

std::vector<User> SqliteUserStore::create_all(const std::vector<NewUser>& users) {
  std::vector<User> created;
  db_.transaction([&] {
    for (const auto& u : users)
      created.push_back(
          user_from_row(db_.execute(kImport, {u.username, u.password_hash, u.role}), 0));
  });
  return created;
}

std::optional<std::int64_t> SqliteUserStore::make_admin(const std::string& username) {
  SqliteRows rows = db_.execute(kMakeAdmin, {username});
  if (rows.empty()) return std::nullopt;
  return rows.int64(0, 0);
}

}  // namespace crud
