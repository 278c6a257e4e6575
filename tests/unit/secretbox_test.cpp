// SecretBox: sealed values open again, change each time, and anything altered,
// truncated, of another version or under another key refuses to open.
#include "crud/secretbox.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "crud/config.h"

using namespace crud;

namespace {

// randombytes needs libsodium initialised; sodium_init() is idempotent.
class SodiumEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};
[[maybe_unused]] ::testing::Environment* const sodium_environment =
    ::testing::AddGlobalTestEnvironment(new SodiumEnvironment);

const std::string kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kOtherKey = "f00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::vector<unsigned char> from_base64(const std::string& text) {
  std::vector<unsigned char> bin(text.size());
  std::size_t size = 0;
  EXPECT_EQ(sodium_base642bin(bin.data(), bin.size(), text.data(), text.size(), nullptr, &size,
                              nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  bin.resize(size);
  return bin;
}

std::string to_base64(const std::vector<unsigned char>& bin) {
  std::string text(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bin.data(), bin.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();
  return text;
}

}  // namespace

TEST(SecretBox, RoundTrips) {
  const SecretBox box = SecretBox::from_hex_key(kKey);
  const std::string plaintexts[] = {
      "",
      "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      std::string("with\0nul", 8),
      std::string(5000, 'x'),
  };
  for (const auto& p : plaintexts) EXPECT_EQ(box.open(box.seal(p)), p) << p.size() << " bytes";
}

TEST(SecretBox, SealedTextIsVersionedBase64) {
  const SecretBox box = SecretBox::from_hex_key(kKey);
  const std::vector<unsigned char> framed = from_base64(box.seal("abc"));
  ASSERT_EQ(framed.size(), 1u + 24u + 16u + 3u) << "version, nonce, MAC, plaintext";
  EXPECT_EQ(framed[0], 0x01);
}

TEST(SecretBox, UpperCaseHexKeyIsTheSameKey) {
  std::string upper = kKey;
  for (char& ch : upper)
    if (ch >= 'a' && ch <= 'f') ch = static_cast<char>(ch - 'a' + 'A');
  EXPECT_EQ(SecretBox::from_hex_key(upper).open(SecretBox::from_hex_key(kKey).seal("s")), "s");
}

TEST(SecretBox, EachSealUsesAFreshNonce) {
  const SecretBox box = SecretBox::from_hex_key(kKey);
  const std::string a = box.seal("same secret"), b = box.seal("same secret");
  EXPECT_NE(a, b);
  EXPECT_EQ(box.open(a), box.open(b));
}

TEST(SecretBox, WrongKeyDoesNotOpen) {
  const std::string sealed = SecretBox::from_hex_key(kKey).seal("secret");
  EXPECT_EQ(SecretBox::from_hex_key(kOtherKey).open(sealed), std::nullopt);
}

TEST(SecretBox, CopiesKeepTheKey) {
  const SecretBox box = SecretBox::from_hex_key(kKey);
  SecretBox copy = box;
  EXPECT_EQ(copy.open(box.seal("secret")), "secret");
  copy = SecretBox::from_hex_key(kOtherKey);
  EXPECT_EQ(copy.open(box.seal("secret")), std::nullopt);
}

struct OpenCase {
  std::string sealed;
  const char* reason;
};

TEST(SecretBox, RefusesAlteredOrMalformedText) {
  const SecretBox box = SecretBox::from_hex_key(kKey);
  const std::string sealed = box.seal("secret");
  const std::vector<unsigned char> framed = from_base64(sealed);
  auto altered = [&](std::size_t index, unsigned char mask) {
    std::vector<unsigned char> copy = framed;
    copy[index] ^= mask;
    return to_base64(copy);
  };
  auto truncated = [&](std::size_t size) {
    return to_base64(std::vector<unsigned char>(
        framed.begin(), framed.begin() + static_cast<std::ptrdiff_t>(size)));
  };
  ASSERT_EQ(box.open(sealed), "secret") << "the control must open";
  const OpenCase cases[] = {
      {altered(framed.size() - 1, 0x01), "last ciphertext byte flipped"},
      {altered(1 + 24, 0x80), "MAC byte flipped"},
      {altered(1, 0x01), "nonce byte flipped"},
      {altered(0, 0x03), "version 0x02"},
      {altered(0, 0x01), "version 0x00"},
      {truncated(framed.size() - 1), "last byte cut"},
      {truncated(1 + 24 + 16), "MAC only, no ciphertext byte"},
      {truncated(1 + 24), "header only"},
      {truncated(1), "version only"},
      {"", "empty"},
      {sealed.substr(0, sealed.size() - 1), "base64 cut mid-group"},
      {sealed + "=", "extra padding"},
      {sealed + "AAAA", "trailing base64"},
      {sealed + " ", "trailing space"},
      {"!" + sealed.substr(1), "not base64"},
  };
  for (const auto& c : cases) EXPECT_EQ(box.open(c.sealed), std::nullopt) << c.reason;
}

struct KeyCase {
  std::string key_text;
  const char* reason;
};

TEST(SecretBox, FromHexKeyRefusesAnythingButSixtyFourHexDigits) {
  const KeyCase cases[] = {
      {kKey.substr(1), "63 characters"},
      {kKey + "0", "65 characters"},
      {kKey.substr(0, 63) + "g", "a non-hex letter"},
      {" " + kKey.substr(1), "a space"},
      {kKey.substr(0, 32), "16 bytes"},
      {"", "empty"},
      {std::string(kKey.substr(0, 63)) + '\0', "NUL byte"},
  };
  for (const auto& c : cases) {
    try {
      SecretBox::from_hex_key(c.key_text);
      ADD_FAILURE() << "accepted: " << c.reason;
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("TOTP_ENCRYPTION_KEY"), std::string::npos) << c.reason;
      if (!c.key_text.empty()) {
        EXPECT_EQ(message.find(c.key_text), std::string::npos) << "key quoted: " << c.reason;
      }
    }
  }
}
