// Lookups into the error table of errors.h.
#include "crud/errors.h"

namespace crud {

const char* error_name(ErrorCode code) {
  switch (code) {
#define CRUD_ERROR_NAME(c, status, message) \
  case ErrorCode::c:                        \
    return #c;
    CRUD_ERRORS(CRUD_ERROR_NAME)
#undef CRUD_ERROR_NAME
  }
  return "internal_error";
}

ErrorCode conflict_for(std::string_view constraint) {
  if (constraint == "users_username_lower_key") return ErrorCode::username_taken;
  if (constraint == "user_identities_pkey") return ErrorCode::identity_taken;
  if (constraint == "user_identities_user_issuer_key") return ErrorCode::provider_already_linked;
  return ErrorCode::internal_error;
}

int error_status(ErrorCode code) {
  switch (code) {
#define CRUD_ERROR_STATUS(c, status, message) \
  case ErrorCode::c:                          \
    return status;
    CRUD_ERRORS(CRUD_ERROR_STATUS)
#undef CRUD_ERROR_STATUS
  }
  return 500;
}

const char* error_message(ErrorCode code) {
  switch (code) {
#define CRUD_ERROR_MESSAGE(c, status, message) \
  case ErrorCode::c:                           \
    return message;
    CRUD_ERRORS(CRUD_ERROR_MESSAGE)
#undef CRUD_ERROR_MESSAGE
  }
  return "Something went wrong on our side; try again later.";
}

ApiError::ApiError(ErrorCode code, std::vector<ErrorDetail> details)
    : std::runtime_error(error_name(code)), code_(code), details_(std::move(details)) {}

ApiError::ApiError(ErrorCode code, std::string field, std::string problem)
    : ApiError(code, {ErrorDetail{std::move(field), std::move(problem)}}) {}

}  // namespace crud
