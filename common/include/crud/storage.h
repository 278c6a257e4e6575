// The storage a process uses, chosen by DATABASE_URL's scheme: PostgreSQL
// (postgresql://) or the embedded SQLite file (sqlite:///absolute/path).
// Handlers, the serve loop and crudctl reach the stores only through this.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crud/auth_store.h"
#include "crud/config.h"
#include "crud/identity_store.h"
#include "crud/log.h"
#include "crud/store.h"
#include "crud/time_spent.h"

namespace crud {

class Storage {
 public:
  virtual ~Storage() = default;
  // "postgres" or "sqlite": names the /readyz field and the *_up metric.
  virtual const char* name() const = 0;
  virtual UserStore& users() = 0;
  virtual AuthStore& auth() = 0;
  virtual IdentityStore& identities() = 0;
  // True when the database answers a trivial query now.
  virtual bool ping() = 0;
  // Time spent waiting on the database (taken per request).
  virtual TimeSpent& time_spent() = 0;
  // Applies pending migrations (creating a missing SQLite file); their names.
  virtual std::vector<std::string> migrate() = 0;
};

// The storage DATABASE_URL names, from its store module (store_module.h);
// connects or opens nothing until first use. Throws ConfigError when the
// module cannot be loaded.
std::unique_ptr<Storage> open_storage(const Config& config, const Logger& log);

}  // namespace crud
