// libcrypto_test.cpp - libcrypto opened on first use (util/libcrypto.h).
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "util/libcrypto.h"

namespace {
std::string Hex(const unsigned char* p, unsigned int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) (out += kDigits[p[i] >> 4]) += kDigits[p[i] & 15];
  return out;
}
}  // namespace

TEST_CASE("Libcrypto: the system's libcrypto is opened and computes SHA-256 and HMAC", "[util][crypto]") {
  const auto& crypto = mcph::Libcrypto();
  INFO((crypto.ok() ? std::string() : crypto.error()));
  REQUIRE(crypto.ok());
  CHECK(&mcph::Libcrypto() == &crypto);  // loaded once
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // FIPS 180-2 test vector "abc", and RFC 4231 test case 2 for HMAC-SHA256.
  REQUIRE(crypto->digest("abc", 3, out, &len, crypto->sha256, nullptr) == 1);
  CHECK(Hex(out, len) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char* data = "what do ya want for nothing?";
  REQUIRE(crypto->hmac(crypto->sha256, "Jefe", 4, reinterpret_cast<const unsigned char*>(data), std::strlen(data), out,
                       &len) != nullptr);
  CHECK(Hex(out, len) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(crypto->memcmp("abcd", "abcd", 4) == 0);
  CHECK(crypto->memcmp("abcd", "abce", 4) != 0);
}

TEST_CASE("Libcrypto: a library that cannot be opened is an error naming the package", "[util][crypto]") {
  auto missing = mcph::LoadLibcrypto("libcrypto-mcphost-test-missing.so.99");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error(), Catch::Contains("libcrypto-mcphost-test-missing.so.99") && Catch::Contains("libssl3"));
  // A library that is not libcrypto lacks its functions.
  auto wrong = mcph::LoadLibcrypto("libz.so.1");
  REQUIRE_FALSE(wrong.ok());
  CHECK_THAT(wrong.error(), Catch::Contains("lacks") && Catch::Contains("EVP_Digest"));
}
