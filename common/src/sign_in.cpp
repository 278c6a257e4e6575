// Finding or making the account of a provider sign-in. A new account tries
// a handful of free names; two first sign-ins of one provider account at
// once end with one account (the loser finds the winner's link).
#include "crud/sign_in.h"

#include <sodium.h>

#include "crud/serve.h"

namespace crud {

constexpr int kNameAttempts = 20;

static bool username_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// The allowed characters of text (spaces become '.'), at most 28 of them so
// a "-NN" suffix still fits.
static std::string keep_username_chars(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (out.size() == 28) break;
    if (username_char(c))
      out += c;
    else if (c == ' ' && !out.empty() && out.back() != '.')
      out += '.';
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string username_from_claims(const IdTokenClaims& claims) {
  std::string local_part = claims.email.substr(0, claims.email.find('@'));
  for (const std::string& source : {claims.preferred_username, claims.name, local_part}) {
    std::string name = keep_username_chars(source);
    if (name.size() >= 3) return name;
  }
  return "user";
}

std::string username_candidate(const std::string& base, int n) {
  if (n <= 1) return base;
  std::string suffix = "-" + std::to_string(n);
  return base.substr(0, 32 - suffix.size()) + suffix;
}

std::int64_t user_for_sign_in(Context& ctx, IdentityStore& identities, const std::string& issuer,
                              const IdTokenClaims& claims) {
  std::string base = username_from_claims(claims);
  for (int n = 1; n <= kNameAttempts; ++n) {
    if (auto linked = identities.user_of(issuer, claims.subject)) return *linked;
    // Past the first few names, a random suffix finds a free one quickly.
    std::string name =
        n <= kNameAttempts / 2
            ? username_candidate(base, n)
            : username_candidate(base, 100 + static_cast<int>(randombytes_uniform(900000)));
    try {
      std::int64_t id = identities.create_linked_user(name, issuer, claims.subject);
      if (auto user = ctx.users.find(id)) ctx.events.publish(UserChange::created, *user);
      ctx.metrics.count(Counter::registrations);
      return id;
    } catch (const ApiError& e) {
      if (e.code() != ErrorCode::username_taken && e.code() != ErrorCode::identity_taken) throw;
    }
  }
  throw ApiError(ErrorCode::username_taken);
}

}  // namespace crud
