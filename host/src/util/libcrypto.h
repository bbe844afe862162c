// libcrypto.h - the few libcrypto functions the host uses (SHA-256, HMAC,
// constant-time compare), loaded on first use rather than linked.
//
// Why: a linked libcrypto is relocated at every start, ~1 ms (2.65M
// instructions), a tenth of a cold start; only MRTR requestState sealing
// needs it (protocol/request_state_seal.cpp), which most runs never do. It is
// still Debian's shared libcrypto.so.3, so Debian's security updates of
// libssl3 reach it; the .deb names libssl3 in its Depends by hand, since
// dpkg-shlibdeps cannot see a library the binary opens itself.
//
// Errors as values: Libcrypto() says why the library could not be loaded.
// Thread-safe: loaded once (a function-local static); never unloaded.
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

#include "util/result.h"

namespace mcph {

// Pointers into the loaded libcrypto; their types are those of the headers
// the host was built with, so a signature change fails the build.
struct LibcryptoFunctions {
  decltype(&::EVP_Digest) digest = nullptr;
  decltype(&::HMAC) hmac = nullptr;
  decltype(&::CRYPTO_memcmp) memcmp = nullptr;
  const EVP_MD* sha256 = nullptr;  // fetched once: a lookup per use is a third of a digest's cost
  std::shared_ptr<void> keep;      // the library (and the fetched digest) while these are in use
};

// The library's file name: libcrypto.so.<major ABI of the headers>.
std::string LibcryptoFile();

// The process's libcrypto, loaded by the first call.
const Result<LibcryptoFunctions>& Libcrypto();

// Loads `file` (a name searched as the dynamic linker does, or a path).
// Each call loads again; for tests of a missing or wrong library.
Result<LibcryptoFunctions> LoadLibcrypto(const std::string& file);

}  // namespace mcph
