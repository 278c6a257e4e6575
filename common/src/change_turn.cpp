// ChangeTurn's release (store.h): the same for every store, so it lives with
// the endpoints rather than in a store module.
#include "crud/errors.h"
#include "crud/store.h"

namespace crud {

ChangeTurn::~ChangeTurn() {
  try {
    users_.release_changes(id_);
  } catch (const ApiError&) {
    // The connection is gone, and the lock with it (a file lock dies with its process).
  }
}

}  // namespace crud
