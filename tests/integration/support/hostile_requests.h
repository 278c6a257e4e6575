// The table behind hostile_input_test.cpp: each row a request an attacker
// or a broken client might send, with the exact SPEC error it must get.
// Rows are templates: {id}, {token}, {session}, {csrf} and {marker} are
// filled per test with the target account and a fresh marker, so a request
// that were wrongly accepted would leave a trace the test can find.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "support/auth_client.h"

namespace itest {

// Framing the renderer adds unless a row leaves it out.
enum Omit : unsigned {
  kOmitNothing = 0,
  kOmitAuth = 1,    // no "Authorization: Bearer {token}"
  kOmitType = 2,    // no "Content-Type: application/json" with the body
  kOmitLength = 4,  // no "Content-Length" for the body
};

struct Hostile {
  Hostile(std::string reason_, std::string method_, std::string target_,
          std::optional<std::string> body_, int status_, std::string code_,
          std::vector<std::string> headers_ = {}, unsigned omit_ = kOmitNothing)
      : reason(std::move(reason_)),
        method(std::move(method_)),
        target(std::move(target_)),
        body(std::move(body_)),
        status(status_),
        code(std::move(code_)),
        headers(std::move(headers_)),
        omit(omit_) {}

  std::string reason;  // also the test's name: [A-Za-z0-9_] only
  std::string method;
  std::string target;                // request target as sent (may hold any byte)
  std::optional<std::string> body;   // sent as given
  int status;                        // the SPEC's answer
  std::string code;                  // its error code
  std::vector<std::string> headers;  // extra header lines, without CRLF
  unsigned omit;                     // Omit flags
};

// Failure messages name the row, not its bytes (found by gtest's lookup).
void PrintTo(const Hostile& row, std::ostream* os);

// The header name every CR/LF injection tries to add to the response.
constexpr const char* kInjectedHeader = "X-Injected";

// The placeholder values for one test: the target account and the marker.
std::map<std::string, std::string> placeholders_for(const Account& target,
                                                    const std::string& marker);

// The request's bytes: request line, Host, Connection: close, the framing
// not omitted, the row's headers, the body; placeholders filled.
std::string render_hostile(const Hostile& row, const std::map<std::string, std::string>& values);

// Every row of the corpus.
const std::vector<Hostile>& hostile_requests();

}  // namespace itest
