// libcrypto.cpp - see libcrypto.h. Boost.DLL errors are caught here and
// become a Status.
#include "util/libcrypto.h"

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <type_traits>

namespace mcph {
namespace {

#define MCPH_STR2(x) #x
#define MCPH_STR(x) MCPH_STR2(x)

// Points `out` at `name`, or adds the name to `missing`.
template <typename Fn>
void Find(const boost::dll::shared_library& lib, const char* name, Fn& out, std::string& missing) {
  if (lib.has(name))
    out = &lib.get<std::remove_pointer_t<Fn>>(name);
  else
    missing += missing.empty() ? name : std::string(", ") + name;
}

}  // namespace

std::string LibcryptoFile() { return "libcrypto.so." MCPH_STR(OPENSSL_SHLIB_VERSION); }

Result<LibcryptoFunctions> LoadLibcrypto(const std::string& file) {
  const std::string help = "requestState sealing needs OpenSSL's " + file +
                           " (Debian package libssl3)";
  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  try {
    lib->load(boost::dll::fs::path(file),
              boost::dll::load_mode::search_system_folders | boost::dll::load_mode::rtld_now |
                  boost::dll::load_mode::rtld_local,
              ec);
  } catch (const std::exception& e) {
    return Status::Error(help + ", which could not be loaded: " + e.what());
  }
  if (ec || !lib->is_loaded()) return Status::Error(help + ", which could not be loaded: " + ec.message());

  LibcryptoFunctions f;
  decltype(&::EVP_MD_fetch) md_fetch = nullptr;
  decltype(&::EVP_MD_free) md_free = nullptr;
  decltype(&::EVP_sha256) sha256 = nullptr;
  std::string missing;
  Find(*lib, "EVP_Digest", f.digest, missing);
  Find(*lib, "HMAC", f.hmac, missing);
  Find(*lib, "CRYPTO_memcmp", f.memcmp, missing);
  Find(*lib, "EVP_MD_fetch", md_fetch, missing);
  Find(*lib, "EVP_MD_free", md_free, missing);
  Find(*lib, "EVP_sha256", sha256, missing);
  if (!missing.empty()) return Status::Error(help + "; " + file + " lacks " + missing + " (another OpenSSL version?)");

  EVP_MD* fetched = md_fetch(nullptr, "SHA256", nullptr);
  f.sha256 = fetched ? fetched : sha256();
  if (!f.sha256) return Status::Error(help + "; its SHA-256 is not available (OpenSSL providers?)");
  // The fetched digest is freed before the library goes (tests load it more
  // than once; the process's own copy lives as long as the process).
  f.keep = std::shared_ptr<void>(lib.get(), [lib, fetched, md_free](void*) mutable {
    if (fetched) md_free(fetched);
    lib.reset();
  });
  return f;
}

const Result<LibcryptoFunctions>& Libcrypto() {
  static const Result<LibcryptoFunctions> loaded = LoadLibcrypto(LibcryptoFile());
  return loaded;
}

}  // namespace mcph
