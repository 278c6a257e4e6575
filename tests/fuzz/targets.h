// The fuzz targets: each takes arbitrary bytes and drives one parsing path
// the way a request would, swallowing the SPEC's refusals (ApiError) and
// nothing else. A crash, a sanitizer report or any other exception is a
// finding. libFuzzer calls them (libfuzzer_main.cpp); fuzz_corpus_test.cpp
// replays the committed corpus through them in the normal build.
#pragma once

#include <string_view>

namespace crud::fuzz {

// FastCGI parameters as "NAME=value" lines, then an empty line, then the
// body: request_from_params, CONTENT_LENGTH, query, path id, media type,
// If-Match and the session cookie.
void request_params(std::string_view input);

// First byte picks an endpoint's field set, the rest is its JSON body:
// strict parsing, typed fields and the username/password rules.
void json_body(std::string_view input);

// First byte picks the mode: 0 verifies the rest as a compact JWT as sent;
// otherwise the rest is "header JSON" NUL "payload JSON", signed with the
// test key ring first, so the claim checks behind the signature are reached.
void jwt(std::string_view input);

}  // namespace crud::fuzz
