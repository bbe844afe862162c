// request_state_seal.cpp - see request_state_seal.h. HMAC and SHA-256 come
// from OpenSSL's libcrypto, loaded on the first seal or open
// (util/libcrypto.h); random bytes from the kernel (getrandom), so a host
// that never seals a requestState never loads libcrypto.
#include "protocol/request_state_seal.h"

#include <sys/random.h>

#include <cerrno>

#include <chrono>
#include <stdexcept>

#include "util/json.h"
#include "util/libcrypto.h"
#include "util/unix_time.h"

namespace mcph {
namespace {

constexpr std::string_view kPrefix = "v1.";

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::getrandom(out.data() + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed: no entropy for the requestState key");
    }
    done += static_cast<size_t>(got);
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace

RequestStateSealer::RequestStateSealer(std::string key, int64_t lifetime_ms)
    : key_(std::move(key)), lifetime_ms_(lifetime_ms) {
  if (key_.empty()) {
    key_ = RandomBytes(32);
    random_key_ = true;
  }
}

std::string RequestStateSealer::Binding(std::string_view method, std::string_view name,
                                        std::string_view arguments_json) {
  std::string out;
  out.reserve(method.size() + name.size() + 2 + 2 * EVP_MAX_MD_SIZE);
  out.append(method).append(1, '\0').append(name).append(1, '\0');
  // Without libcrypto there is no digest, and Seal and Open refuse anyway.
  const Result<LibcryptoFunctions>& crypto = Libcrypto();
  if (!crypto.ok()) return out;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  crypto->digest(arguments_json.data(), arguments_json.size(), digest, &len, crypto->sha256, nullptr);
  out += Hex(std::string_view(reinterpret_cast<const char*>(digest), len));
  return out;
}

std::string RequestStateSealer::Mac(const LibcryptoFunctions& crypto, std::string_view binding,
                                    std::string_view payload) const {
  // The MAC covers the binding (never sent) and the payload (sent).
  std::string message;
  message.reserve(binding.size() + 1 + payload.size());
  message.append(binding).append(1, '\n').append(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  crypto.hmac(crypto.sha256, key_.data(), static_cast<int>(key_.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

Result<std::string> RequestStateSealer::Seal(std::string_view binding, std::string_view plugin_state) const {
  const Result<LibcryptoFunctions>& crypto = Libcrypto();
  if (!crypto.ok()) return Status::Error(crypto.error());
  std::string payload = std::to_string(UnixMs() + lifetime_ms_) + "\n" + Hex(RandomBytes(16)) + "\n";
  payload.append(plugin_state);
  std::string token(kPrefix);
  token += Base64Url(payload);
  token += '.';
  token += Base64Url(Mac(*crypto, binding, payload));
  return token;
}

Result<std::string> RequestStateSealer::Open(std::string_view token, std::string_view binding) {
  const Result<LibcryptoFunctions>& crypto = Libcrypto();
  if (!crypto.ok()) return Status::Error("requestState cannot be checked: " + crypto.error());
  const Status bad = Status::Error("requestState is invalid: it was modified, or was not issued by this server");
  if (token.substr(0, kPrefix.size()) != kPrefix) return bad;
  token.remove_prefix(kPrefix.size());
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return bad;
  std::string payload, mac;
  if (!FromBase64Url(token.substr(0, dot), payload) || !FromBase64Url(token.substr(dot + 1), mac)) return bad;
  std::string expected = Mac(*crypto, binding, payload);
  if (mac.size() != expected.size() || crypto->memcmp(mac.data(), expected.data(), mac.size()) != 0)
    return Status::Error(
        "requestState is invalid: it was modified, or belongs to another request (method, name and arguments "
        "must be those of the request that received it)");
  size_t nl1 = payload.find('\n');
  size_t nl2 = nl1 == std::string::npos ? nl1 : payload.find('\n', nl1 + 1);
  if (nl2 == std::string::npos) return bad;
  int64_t expiry = 0;
  for (char c : std::string_view(payload).substr(0, nl1)) {
    if (c < '0' || c > '9') return bad;
    expiry = expiry * 10 + (c - '0');
  }
  const int64_t now = UnixMs();
  if (now > expiry) return Status::Error("requestState has expired: send the request again without it");
  std::string nonce = payload.substr(nl1 + 1, nl2 - nl1 - 1);
  {
    std::lock_guard lock(mu_);
    // Forget nonces whose states expired: they are refused as expired anyway.
    if (used_.size() > 4096)
      for (auto it = used_.begin(); it != used_.end();) it = it->second < now ? used_.erase(it) : std::next(it);
    if (!used_.emplace(std::move(nonce), expiry).second)
      return Status::Error("requestState was already used: each one answers a single round; send the request "
                           "again without it");
  }
  return payload.substr(nl2 + 1);
}

}  // namespace mcph
