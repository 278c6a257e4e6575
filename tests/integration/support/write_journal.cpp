// The write journal and its check against the database (see write_journal.h).
#include "support/write_journal.h"

#include "support/auth_client.h"
#include "support/http_client.h"
#include "support/json_checks.h"
#include "support/test_data.h"

namespace itest {
namespace {

enum class Answer { success, refusal, unclear };

Answer answer_of(int status) {
  if (status >= 200 && status < 300) return Answer::success;
  if (status >= 400 && status < 500) return Answer::refusal;
  return Answer::unclear;  // 5xx, no answer at all, or anything a write should never get
}

std::string describe(const Write& w) {
  return kind_name(w.kind) + " of user " + std::to_string(w.user_id) + " (" + w.username +
         (w.new_username.empty() ? "" : " -> " + w.new_username) + ") answered " +
         std::to_string(w.status);
}

// POST /api/register of a fresh name; the write, not yet recorded.
Write send_registration(Tally& tally, const std::string& prefix) {
  Write w;
  w.kind = WriteKind::registration;
  w.username = unique_username(prefix);
  const Response r = tally.observe([&] {
    return request("POST", "/api/register", credentials_body(w.username, strong_password()),
                   anonymous());
  });
  w.status = r.status;
  if (r.status == 201) w.user_id = int64_member(parse_json(r.body), "user_id").value_or(0);
  return w;
}

// Whether `sql` (one count with parameter $1) finds any row.
bool any(PgSession& db, const std::string& sql, const std::string& param) {
  return db.query(sql, {param}).at(0).at(0) != "0";
}

// The outcome of a write whose rule held: applied or not.
enum class Outcome { applied, absent, broken };

// Looks at a registration's name: one whole row (an argon2id hash, the
// first version) is applied, none is absent, anything else is broken.
Outcome registration_outcome(const Write& w, PgSession& db) {
  const auto rows = db.query(
      "SELECT id, password_hash LIKE '$argon2id$%', version FROM users "
      "WHERE lower(username) = lower($1)",
      {w.username});
  if (rows.empty()) return Outcome::absent;
  const bool whole = rows.size() == 1 && rows[0][1] == "t" && rows[0][2] == "1";
  const bool right_id = w.user_id == 0 || rows[0][0] == std::to_string(w.user_id);
  return whole && right_id ? Outcome::applied : Outcome::broken;
}

// The renamed user exists once: under the new name at version 2 (applied)
// or under the old one at version 1 (absent); anything else is broken.
Outcome rename_outcome(const Write& w, PgSession& db) {
  const auto rows = db.query(
      "SELECT username, version, (SELECT count(*) FROM users "
      "WHERE lower(username) IN (lower($2), lower($3))) FROM users WHERE id = $1",
      {std::to_string(w.user_id), w.username, w.new_username});
  if (rows.size() != 1 || rows[0][2] != "1") return Outcome::broken;
  if (rows[0][0] == w.new_username && rows[0][1] == "2") return Outcome::applied;
  if (rows[0][0] == w.username && rows[0][1] == "1") return Outcome::absent;
  return Outcome::broken;
}

// A deleted user is gone with everything that hung on it (token families,
// browser sessions, recovery codes); an undeleted one is still there.
Outcome deletion_outcome(const Write& w, PgSession& db) {
  const std::string id = std::to_string(w.user_id);
  const bool user = any(db, "SELECT count(*) FROM users WHERE id = $1", id);
  const bool leftovers = any(db,
                             "SELECT (SELECT count(*) FROM token_families WHERE user_id = $1) + "
                             "(SELECT count(*) FROM browser_sessions WHERE user_id = $1) + "
                             "(SELECT count(*) FROM recovery_codes WHERE user_id = $1)",
                             id);
  if (user) return Outcome::absent;
  return leftovers ? Outcome::broken : Outcome::applied;
}

Outcome outcome_of(const Write& w, PgSession& db) {
  switch (w.kind) {
    case WriteKind::registration:
      return registration_outcome(w, db);
    case WriteKind::rename:
      return rename_outcome(w, db);
    case WriteKind::deletion:
      return deletion_outcome(w, db);
  }
  return Outcome::broken;
}

}  // namespace

std::string kind_name(WriteKind kind) {
  switch (kind) {
    case WriteKind::registration:
      return "registration";
    case WriteKind::rename:
      return "rename";
    case WriteKind::deletion:
      return "deletion";
  }
  return "?";
}

void WriteJournal::record(const Write& write) {
  std::lock_guard<std::mutex> lock(mutex_);
  writes_.push_back(write);
}

std::vector<Write> WriteJournal::writes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writes_;
}

Write WriteJournal::register_user(Tally& tally, const std::string& prefix) {
  Write w = send_registration(tally, prefix);
  record(w);
  return w;
}

void WriteJournal::register_and_rename(Tally& tally) {
  Write w = send_registration(tally, "chaos_ren");
  // Only a user known to exist is renamed: the rename's check covers its registration.
  if (w.status != 201 || w.user_id == 0) return record(w);
  w.kind = WriteKind::rename;
  w.new_username = unique_username("chaos_new");
  w.status = tally
                 .observe([&] {
                   return request("PUT", "/api/users/" + std::to_string(w.user_id),
                                  username_body(w.new_username));
                 })
                 .status;
  record(w);
}

void WriteJournal::register_and_delete(Tally& tally) {
  Write w = send_registration(tally, "chaos_del");
  if (w.status != 201 || w.user_id == 0) return record(w);
  w.kind = WriteKind::deletion;
  w.status =
      tally.observe([&] { return request("DELETE", "/api/users/" + std::to_string(w.user_id)); })
          .status;
  record(w);
}

JournalVerdict check_journal(const std::vector<Write>& writes, PgSession& db) {
  JournalVerdict verdict;
  for (const auto& w : writes) {
    const Outcome outcome = outcome_of(w, db);
    const Answer answer = answer_of(w.status);
    if (outcome == Outcome::broken) {
      verdict.violations.push_back(describe(w) + ": partial or duplicated in the database");
    } else if (answer == Answer::success) {
      if (outcome == Outcome::applied) {
        ++verdict.applied;
      } else {
        verdict.violations.push_back(describe(w) + ": a success that is not in the database");
      }
    } else if (answer == Answer::refusal) {
      if (outcome == Outcome::absent) {
        ++verdict.rejected;
      } else {
        verdict.violations.push_back(describe(w) + ": a refusal that changed the database");
      }
    } else {
      ++(outcome == Outcome::applied ? verdict.ambiguous_applied : verdict.ambiguous_absent);
    }
  }
  return verdict;
}

}  // namespace itest
