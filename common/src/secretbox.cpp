// SecretBox: crypto_secretbox_easy with a fresh random nonce per value, framed
// with a version byte so the format can change later, base64 for TEXT columns.
#include "crud/secretbox.h"

#include <sodium.h>

#include <vector>

#include "crud/config.h"

namespace crud {

namespace {

static_assert(crypto_secretbox_KEYBYTES == 32, "SecretBox::Key is 32 bytes");

constexpr unsigned char kVersion = 0x01;
constexpr std::size_t kHeaderBytes = 1 + crypto_secretbox_NONCEBYTES;
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

bool is_hex_digit(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

}  // namespace

SecretBox SecretBox::from_hex_key(std::string_view key_text) {
  Key key;
  bool ok = key_text.size() == 2 * key.size();
  for (char ch : key_text) ok = ok && is_hex_digit(ch);
  std::size_t decoded = 0;
  ok = ok &&
       sodium_hex2bin(key.data(), key.size(), key_text.data(), key_text.size(), nullptr, &decoded,
                      nullptr) == 0 &&
       decoded == key.size();
  if (!ok) {
    sodium_memzero(key.data(), key.size());
    throw ConfigError("TOTP_ENCRYPTION_KEY must be 64 hex characters (32 bytes)");
  }
  SecretBox box(key);
  sodium_memzero(key.data(), key.size());
  return box;
}

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

std::string SecretBox::seal(std::string_view plaintext) const {
  std::vector<unsigned char> framed(kHeaderBytes + crypto_secretbox_MACBYTES + plaintext.size());
  framed[0] = kVersion;
  unsigned char* nonce = framed.data() + 1;
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(framed.data() + kHeaderBytes,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, key_.data());
  std::string text(sodium_base64_encoded_len(framed.size(), kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), framed.data(), framed.size(), kBase64);
  text.pop_back();  // the terminating NUL sodium_bin2base64 writes
  return text;
}

std::optional<std::string> SecretBox::open(std::string_view sealed) const {
  std::vector<unsigned char> framed(sealed.size() / 4 * 3 + 3);
  std::size_t framed_size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(framed.data(), framed.size(), sealed.data(), sealed.size(), nullptr,
                        &framed_size, &end, kBase64) != 0 ||
      end != sealed.data() + sealed.size())
    return std::nullopt;
  if (framed_size < kHeaderBytes + crypto_secretbox_MACBYTES || framed[0] != kVersion)
    return std::nullopt;
  const std::size_t box_size = framed_size - kHeaderBytes;
  std::string plaintext(box_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                 framed.data() + kHeaderBytes, box_size, framed.data() + 1,
                                 key_.data()) != 0)
    return std::nullopt;
  return plaintext;
}

}  // namespace crud
