// JSON fixtures of users for `crudctl seed` and `crudctl export`:
//   {"users": [{"username": "alice", "password": "...", "role": "admin"},
//              {"username": "bob", "password_hash": "$argon2id$..."}]}
// A plain password is checked by the registration rules and hashed; an
// existing argon2id hash is taken as is (that is what export writes, so an
// export seeds another store unchanged). role is "user" (default) or "admin".
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "crud/auth_store.h"
#include "crud/password.h"
#include "crud/store.h"

namespace crud {

// A fixture that breaks a rule; what() names the entry and the problem.
class FixtureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every user of a fixture file, validated and hashed; throws FixtureError on
// the first bad entry (nothing is stored before all entries pass).
std::vector<NewUser> parse_user_fixtures(const std::string& json, const PasswordHasher& hasher);

// Every user of the store, by ascending id, in the fixture format.
std::string export_user_fixtures(UserStore& users, AuthStore& auth);

}  // namespace crud
