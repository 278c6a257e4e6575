// TOTP through liboath, random secrets and recovery codes from libsodium.
// Decoded secrets live only in buffers that are wiped before they are freed.
#include "crud/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <stdexcept>

namespace crud {

namespace {

constexpr std::int64_t kStepSeconds = 30;
constexpr unsigned kDigits = 6;
constexpr std::size_t kSecretBytes = 20;     // 160 bits, RFC 4226's recommended key length
constexpr std::size_t kMinSecretBytes = 16;  // RFC 4226 R6: a key has at least 128 bits
constexpr std::size_t kRecoveryCodes = 10;
constexpr std::size_t kRecoveryChars = 10;
constexpr char kBase32Lower[] = "abcdefghijklmnopqrstuvwxyz234567";

// liboath wants oath_init() once per process before any other call.
void ensure_oath() {
  static const int rc = oath_init();
  if (rc != OATH_OK) throw std::runtime_error(std::string("oath_init: ") + oath_strerror(rc));
}

// A secret decoded from base32 by liboath (malloc'ed there), wiped and freed here.
struct DecodedSecret {
  char* bytes = nullptr;
  std::size_t size = 0;

  DecodedSecret() = default;
  DecodedSecret(const DecodedSecret&) = delete;
  DecodedSecret& operator=(const DecodedSecret&) = delete;
  ~DecodedSecret() {
    if (bytes == nullptr) return;
    sodium_memzero(bytes, size);
    std::free(bytes);
  }
};

// False when the text is not base32 or the key is too short to be an HOTP key (liboath itself
// would happily compute codes for an empty key).
bool decode_secret(std::string_view base32, DecodedSecret& secret) {
  ensure_oath();
  if (oath_base32_decode(base32.data(), base32.size(), &secret.bytes, &secret.size) != OATH_OK)
    return false;
  return secret.size >= kMinSecretBytes;
}

// The code of one time step; false for steps before the epoch or past what time_t can hold.
bool code_at_step(const DecodedSecret& secret, std::int64_t step, char (&code)[kDigits + 1]) {
  const auto last_step =
      static_cast<std::int64_t>(std::numeric_limits<std::time_t>::max()) / kStepSeconds;
  if (step < 0 || step > last_step) return false;
  return oath_totp_generate2(secret.bytes, secret.size,
                             static_cast<std::time_t>(step * kStepSeconds),
                             static_cast<unsigned>(kStepSeconds), OATH_TOTP_DEFAULT_START_TIME,
                             kDigits, 0, code) == OATH_OK;
}

bool is_six_digits(std::string_view code) {
  return code.size() == kDigits &&
         std::all_of(code.begin(), code.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool is_unreserved(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (is_unreserved(ch)) {
      out += ch;
      continue;
    }
    const auto byte = static_cast<unsigned char>(ch);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

bool is_base32_lower(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7'); }

std::string new_recovery_code() {
  std::string code;
  for (std::size_t i = 0; i < kRecoveryChars; ++i) {
    if (i == kRecoveryChars / 2) code += '-';
    code += kBase32Lower[randombytes_uniform(32)];
  }
  return code;
}

}  // namespace

std::string new_totp_secret() {
  static_assert(kSecretBytes % 5 == 0, "a multiple of 5 bytes encodes to base32 without padding");
  unsigned char raw[kSecretBytes];
  randombytes_buf(raw, sizeof raw);
  ensure_oath();
  char* text = nullptr;
  std::size_t length = 0;
  const int rc = oath_base32_encode(reinterpret_cast<const char*>(raw), sizeof raw, &text, &length);
  sodium_memzero(raw, sizeof raw);
  if (rc != OATH_OK)
    throw std::runtime_error(std::string("oath_base32_encode: ") + oath_strerror(rc));
  std::string secret(text, length);
  sodium_memzero(text, length);
  std::free(text);
  return secret;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret) {
  const std::string escaped_issuer = percent_encode(issuer);
  return "otpauth://totp/" + escaped_issuer + ":" + percent_encode(account) +
         "?secret=" + percent_encode(base32_secret) + "&issuer=" + escaped_issuer +
         "&algorithm=SHA1&digits=6&period=30";
}

std::int64_t totp_step(std::int64_t unix_time) {
  std::int64_t step = unix_time / kStepSeconds;
  if (unix_time % kStepSeconds < 0) --step;  // C++ division truncates toward zero
  return step;
}

std::optional<std::int64_t> verify_totp(std::string_view base32_secret, std::string_view code,
                                        std::int64_t now, std::int64_t last_used_step) {
  if (!is_six_digits(code)) return std::nullopt;
  DecodedSecret secret;
  if (!decode_secret(base32_secret, secret)) return std::nullopt;
  const std::int64_t current = totp_step(now);
  std::optional<std::int64_t> matched;
  // Every candidate is compared (no early exit); when two steps share a code the later one is
  // kept, so the code cannot be accepted again at that later step.
  for (std::int64_t step = current - 1; step <= current + 1; ++step) {
    if (step <= last_used_step) continue;
    char expected[kDigits + 1];
    if (!code_at_step(secret, step, expected)) continue;
    if (sodium_memcmp(expected, code.data(), kDigits) == 0) matched = step;
  }
  return matched;
}

std::string totp_code(std::string_view base32_secret, std::int64_t unix_time) {
  if (unix_time < 0) throw std::invalid_argument("TOTP has no codes before 1970");
  DecodedSecret secret;
  if (!decode_secret(base32_secret, secret))
    throw std::invalid_argument("TOTP secret is not base32 of at least 128 bits");
  char code[kDigits + 1];
  if (!code_at_step(secret, totp_step(unix_time), code))
    throw std::invalid_argument("no TOTP code for that time");
  return code;
}

std::vector<std::string> new_recovery_codes() {
  std::vector<std::string> codes;
  while (codes.size() < kRecoveryCodes) {
    std::string code = new_recovery_code();
    // A repeat among 50-bit codes is vanishingly rare, but ten codes must be ten different ones.
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  return codes;
}

std::optional<std::string> normalize_recovery_code(std::string_view typed) {
  std::string out;
  for (char ch : typed) {
    if (ch == '-' || ch == ' ') continue;
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (!is_base32_lower(ch) || out.size() == kRecoveryChars) return std::nullopt;
    out += ch;
  }
  if (out.size() != kRecoveryChars) return std::nullopt;
  return out;
}

}  // namespace crud
