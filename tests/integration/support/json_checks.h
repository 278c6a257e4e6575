// Assertions on the contract's JSON shapes: the one error envelope, the user
// representation, and the headers every response carries. They return
// testing::AssertionResult so a failure prints the whole response.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "support/http_client.h"

namespace itest {

// (field, problem) pairs of an error's "details".
using Details = std::set<std::pair<std::string, std::string>>;

// Parses `text`; check HasParseError() / IsObject() on the result.
rapidjson::Document parse_json(const std::string& text);

// The member `key` of object `v` as a string, or "" when absent or not a string.
std::string string_member(const rapidjson::Value& v, const char* key);

// Exactly one non-empty X-Request-ID and X-Content-Type-Options: nosniff.
testing::AssertionResult HasCommonHeaders(const Response& r);

// `status`, the common headers, Content-Type application/json; charset=utf-8,
// Cache-Control: no-store and a body that parses as JSON.
testing::AssertionResult IsJsonResponse(const Response& r, int status);

// `status` with the SPEC's error body carrying `code`; request_id equals the
// X-Request-ID header, message is non-empty, details (if present) are well formed.
testing::AssertionResult IsApiError(const Response& r, int status, const std::string& code);

// IsApiError with whatever code the body names, for rules that fix only the status.
testing::AssertionResult IsApiErrorStatus(const Response& r, int status);

// A 5xx that tells the client nothing internal: the SPEC's error body (as
// IsApiErrorStatus) naming no SQL, database, Redis, socket, source file or path.
testing::AssertionResult IsOpaqueServerError(const Response& r);

// The error's details are exactly `expected`.
testing::AssertionResult HasDetails(const Response& r, const Details& expected);
// The error's details are exactly one, about `field` (any problem).
testing::AssertionResult HasOneDetailFor(const Response& r, const std::string& field);

// An object with exactly user_id (positive integer), username (string),
// created_at and updated_at (RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ").
testing::AssertionResult IsUserRepresentation(const rapidjson::Value& v);

// The member `key` of object `v` as a 64-bit integer, or nullopt.
std::optional<std::int64_t> int64_member(const rapidjson::Value& v, const char* key);

// "YYYY-MM-DDTHH:MM:SSZ".
bool is_rfc3339_utc(const std::string& s);
// A quoted, non-weak entity tag: "..." without W/.
bool is_strong_etag(const std::string& s);

}  // namespace itest
