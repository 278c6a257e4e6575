// The load driver's record of every write it sent and the answer it got, and
// the check of that record against the database once the load has stopped:
// a 2xx write is there exactly once, a 4xx write left nothing behind, and a
// write without a clear answer (5xx, or none at all: it may have committed
// before the connection broke) is wholly applied or wholly absent.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "support/load.h"
#include "support/pg_session.h"

namespace itest {

enum class WriteKind { registration, rename, deletion };

// One write as sent and answered. status 0: no HTTP answer arrived.
struct Write {
  WriteKind kind = WriteKind::registration;
  int status = 0;
  std::int64_t user_id = 0;  // from the 201 of a registration; the target of a rename or delete
  std::string username;      // registered name; the name before a rename; the deleted user's
  std::string new_username;  // a rename's new name
};

// Thread-safe list of writes; the send helpers count each answer in the
// caller's tally too.
class WriteJournal {
 public:
  // POST /api/register of a fresh "<prefix>_…" name, anonymously; recorded.
  Write register_user(Tally& tally, const std::string& prefix);
  // A fresh user, then PUT /api/users/{id} with another fresh name; both recorded.
  void register_and_rename(Tally& tally);
  // A fresh user, then DELETE /api/users/{id}; both recorded.
  void register_and_delete(Tally& tally);
  std::vector<Write> writes() const;

 private:
  void record(const Write& write);

  mutable std::mutex mutex_;
  std::vector<Write> writes_;
};

// How the journal's writes stand in the database.
struct JournalVerdict {
  long applied = 0;                     // 2xx, and there exactly once
  long rejected = 0;                    // 4xx, and nothing left behind
  long ambiguous_applied = 0;           // 5xx or no answer, wholly applied
  long ambiguous_absent = 0;            // 5xx or no answer, wholly absent
  std::vector<std::string> violations;  // every write whose row breaks its rule
};

// Checks every write in `writes` against the database through `db`.
JournalVerdict check_journal(const std::vector<Write>& writes, PgSession& db);

// "registration", "rename" or "deletion".
std::string kind_name(WriteKind kind);

}  // namespace itest
