// The one error table of the service: every error code, its HTTP status and
// the sentence a person reads. Handlers throw ApiError with a code from here;
// the serve loop turns it into the SPEC's JSON error body.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crud {

// X(code, http_status, message)
#define CRUD_ERRORS(X)                                                                            \
  X(bad_request, 400, "The request is malformed.")                                                \
  X(invalid_json, 400, "The request body is not valid JSON.")                                     \
  X(body_not_object, 400, "The request body must be a JSON object.")                              \
  X(missing_body, 400, "This request needs a JSON body.")                                         \
  X(missing_field, 400, "A required field is missing.")                                           \
  X(invalid_type, 400, "A field has the wrong type.")                                             \
  X(unknown_field, 400, "The body contains a field this endpoint does not accept.")               \
  X(duplicate_field, 400, "The body contains the same field twice.")                              \
  X(invalid_query, 400, "A query parameter is not valid.")                                        \
  X(invalid_content_length, 400, "The Content-Length header is not valid.")                       \
  X(incomplete_body, 400, "The request body is shorter than its Content-Length.")                 \
  X(unauthorized, 401, "Log in first: send a bearer token or a session cookie.")                  \
  X(invalid_token, 401, "The access token is invalid or expired; refresh it or log in again.")    \
  X(invalid_credentials, 401, "The username or password is wrong.")                               \
  X(totp_required, 401, "Enter the code from your authenticator app.")                            \
  X(invalid_totp, 401, "That authentication code is wrong or was already used.")                  \
  X(invalid_refresh_token, 401, "The refresh token is invalid, expired or used; log in again.")   \
  X(csrf_failed, 403, "Missing or wrong X-CSRF-Token header for this session.")                   \
  X(wrong_password, 403, "The current password is wrong.")                                        \
  X(forbidden, 403, "You are not allowed to do this.")                                            \
  X(not_found, 404, "No such resource.")                                                          \
  X(unknown_provider, 404, "No sign-in provider by that name is configured.")                     \
  X(method_not_allowed, 405, "This method is not allowed on this resource.")                      \
  X(username_taken, 409, "That username is already registered.")                                  \
  X(request_timeout, 408, "The request was not received in time.")                                \
  X(identity_taken, 409, "That provider account already signs in to another user.")               \
  X(provider_already_linked, 409,                                                                 \
    "Another account of this provider is already linked; unlink it first.")                       \
  X(last_login_method, 409, "This is your last way to log in; link another provider first.")      \
  X(totp_already_enabled, 409, "Two-factor authentication is already on.")                        \
  X(totp_not_enrolled, 409, "Start two-factor enrolment first (POST /api/me/totp).")              \
  X(totp_not_enabled, 409, "Two-factor authentication is not on.")                                \
  X(precondition_failed, 412, "The resource has changed since you read it; read it again.")       \
  X(payload_too_large, 413, "The request body is larger than 16 KiB.")                            \
  X(uri_too_long, 414, "The request URI is too long.")                                            \
  X(unsupported_media_type, 415, "Send the body as application/json; charset=utf-8.")             \
  X(validation_failed, 422, "Some fields are not valid; see details.")                            \
  X(sign_in_state_mismatch, 400,                                                                  \
    "This sign-in did not start in this browser or was already used; start it again.")            \
  X(sign_in_expired, 400, "The sign-in took too long; start it again.")                           \
  X(sign_in_refused, 401,                                                                         \
    "The sign-in provider did not sign you in; start it again or log in another way.")            \
  X(invalid_id_token, 401,                                                                        \
    "The sign-in provider's answer could not be verified; start the sign-in again.")              \
  X(rate_limited, 429, "Too many requests; wait and try again.")                                  \
  X(too_many_login_attempts, 429, "Too many failed logins for this account; wait and try again.") \
  X(internal_error, 500, "Something went wrong on our side; try again later.")                    \
  X(provider_unavailable, 502,                                                                    \
    "The sign-in provider cannot be reached; try again later or log in another way.")             \
  X(bad_gateway, 502, "The service is restarting; try again in a moment.")                        \
  X(service_unavailable, 503, "The service is temporarily unavailable; try again later.")         \
  X(database_unavailable, 503, "The database is temporarily unavailable; try again later.")       \
  X(events_unavailable, 503,                                                                      \
    "Live events are not available on this installation (plain CGI); reload to see changes.")     \
  X(gateway_timeout, 504, "The request took too long; try again later.")

enum class ErrorCode {
#define CRUD_ERROR_ENUM(code, status, message) code,
  CRUD_ERRORS(CRUD_ERROR_ENUM)
#undef CRUD_ERROR_ENUM
};
#define CRUD_ERROR_ONE(code, status, message) +1
constexpr int kErrorCodeCount = 0 CRUD_ERRORS(CRUD_ERROR_ONE);
#undef CRUD_ERROR_ONE

// The stable snake_case name of a code, e.g. "username_taken".
const char* error_name(ErrorCode code);
// The HTTP status a code is answered with.
int error_status(ErrorCode code);
// The client-visible conflict a unique constraint (or unique index) of the
// schema stands for, by its name (the same in both stores); internal_error
// for any other.
ErrorCode conflict_for(std::string_view constraint);
// The default human sentence for a code.
const char* error_message(ErrorCode code);

// One entry of an error's "details": which field, and what is wrong with it.
struct ErrorDetail {
  std::string field;
  std::string problem;
};

// A client-visible error. Thrown anywhere below a handler; answered as JSON.
class ApiError : public std::runtime_error {
 public:
  explicit ApiError(ErrorCode code, std::vector<ErrorDetail> details = {});
  ApiError(ErrorCode code, std::string field, std::string problem);

  ErrorCode code() const { return code_; }
  const std::vector<ErrorDetail>& details() const { return details_; }
  // Asks the client to wait this many seconds (a Retry-After header).
  ApiError& retry_after(long long seconds) {
    retry_after_s_ = seconds;
    return *this;
  }
  long long retry_after_s() const { return retry_after_s_; }

 private:
  ErrorCode code_;
  std::vector<ErrorDetail> details_;
  long long retry_after_s_ = 0;
};

}  // namespace crud
