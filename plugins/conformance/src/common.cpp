// common.cpp - media constants and helpers shared by the fixtures.
#include <chrono>
#include <thread>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {
namespace {

// The exact base64 texts of the reference fixture server
// (examples/servers/typescript/everything-server.ts in the conformance repo).
constexpr std::string_view kPngBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr std::string_view kWavBase64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

}  // namespace

const std::vector<unsigned char>& PngBytes() {
  static const std::vector<unsigned char> bytes = Base64Decode(kPngBase64);
  return bytes;
}

const std::vector<unsigned char>& WavBytes() {
  static const std::vector<unsigned char> bytes = Base64Decode(kWavBase64);
  return bytes;
}

void Pause(const mcpp::Call& call, int ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (call.is_cancelled()) throw mcpp::Cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (call.is_cancelled()) throw mcpp::Cancelled();
}

std::string FormElicitation(std::string_view message, std::string_view requested_schema_json) {
  return "{\"message\":" + Quote(message) + ",\"requestedSchema\":" + std::string(requested_schema_json) + "}";
}

std::string SamplingRequest(std::string_view text, int max_tokens) {
  return R"({"messages":[{"role":"user","content":{"type":"text","text":)" + Quote(text) +
         R"(}}],"maxTokens":)" + std::to_string(max_tokens) + "}";
}

}  // namespace conformance
