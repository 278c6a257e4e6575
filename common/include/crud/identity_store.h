// Storage for sign-ins with OpenID Connect providers: which local account a
// provider's (issuer, subject) pair logs in to. PgIdentityStore implements it
// over the user_identities table (common/sql/0004_identities.sql).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crud {

class Database;

struct LinkedIdentity {
  std::string issuer;
  std::string linked_at;  // RFC 3339 UTC
};

enum class UnlinkOutcome { unlinked, not_linked, last_login_method };

class IdentityStore {
 public:
  virtual ~IdentityStore() = default;
  // The user linked to this provider account, if any.
  virtual std::optional<std::int64_t> user_of(const std::string& issuer,
                                              const std::string& subject) = 0;
  // A new user without a password, linked to the provider account, in one
  // transaction; returns its id. Throws ApiError username_taken or
  // identity_taken (the provider account was linked meanwhile).
  virtual std::int64_t create_linked_user(const std::string& username, const std::string& issuer,
                                          const std::string& subject) = 0;
  // Links a provider account to an existing user; throws identity_taken (it
  // logs in to another user) or provider_already_linked (the user has
  // another account of this issuer).
  virtual void link(std::int64_t user_id, const std::string& issuer,
                    const std::string& subject) = 0;
  // The user's links, oldest first.
  virtual std::vector<LinkedIdentity> identities_of(std::int64_t user_id) = 0;
  // Removes the user's link to this issuer unless it is the user's last way
  // to log in (no password and no other link).
  virtual UnlinkOutcome unlink(std::int64_t user_id, const std::string& issuer) = 0;
};

class PgIdentityStore : public IdentityStore {
 public:
  explicit PgIdentityStore(Database& db) : db_(db) {}
  std::optional<std::int64_t> user_of(const std::string& issuer,
                                      const std::string& subject) override;
  std::int64_t create_linked_user(const std::string& username, const std::string& issuer,
                                  const std::string& subject) override;
  void link(std::int64_t user_id, const std::string& issuer, const std::string& subject) override;
  std::vector<LinkedIdentity> identities_of(std::int64_t user_id) override;
  UnlinkOutcome unlink(std::int64_t user_id, const std::string& issuer) override;

 private:
  Database& db_;
};

}  // namespace crud
