// seal.h - HMAC-SHA256 and base64url, for dataset handles that any replica
// holding the same secret can verify (and nobody can forge to point a
// replica at a file outside its roots).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace analytics {

std::array<uint8_t, 32> Sha256(std::string_view data);
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view message);
std::string Base64Url(std::string_view bytes);
bool FromBase64Url(std::string_view text, std::string& out);
// Constant-time comparison.
bool SameBytes(std::string_view a, std::string_view b);

}  // namespace analytics
