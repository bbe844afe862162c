// json.hpp - the small JSON toolkit the conformance fixtures need: parsing
// host-given JSON (arguments, input responses, client capabilities) with
// RapidJSON, and writing compact JSON the way JSON.stringify does.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conformance {

/** Parses `json`; false (and `doc` a null value) when it does not parse. */
bool Parse(std::string_view json, rapidjson::Document& doc);

/** `v[key]` when `v` is an object holding `key`, else nullptr. */
const rapidjson::Value* Member(const rapidjson::Value* v, const char* key);

/** The string value of `key` in the JSON object `json`, or nullopt. */
std::optional<std::string> StringMember(std::string_view json, const char* key);

/** Compact JSON text of `v` (JSON.stringify style: no spaces). */
std::string ToJson(const rapidjson::Value& v);

/** `s` as a JSON string literal, quotes included. */
std::string Quote(std::string_view s);

/** Standard base64 decoding (the fixtures' media constants). Throws on bad input. */
std::vector<unsigned char> Base64Decode(std::string_view b64);

/* ---- Answers to input requests (the client's half of a round trip) ------ */

/** The parsed `call->input_responses_json` of a repeated call. */
class InputResponses {
 public:
  /** Empty text (a first call) or text that is not a JSON object give no answers. */
  explicit InputResponses(std::string_view json);
  /** The answer for `key`, or nullptr. */
  const rapidjson::Value* Get(const char* key) const;

 private:
  rapidjson::Document doc_;
};

/** An ElicitResult: {action: "accept"|"decline"|"cancel", content?: {...}}. */
struct Elicited {
  std::string action;
  // The content object, or nullptr. Points into `owned`: an Elicited outlives
  // the InputResponses it was read from.
  const rapidjson::Value* content = nullptr;
  std::shared_ptr<rapidjson::Document> owned;
  /** A string field of an accepted form, or nullopt. */
  std::optional<std::string> String(const char* field) const;
  /** `content` as JSON, "{}" when there is none. */
  std::string ContentJson() const;
};

/** Reads an ElicitResult; nullopt when `v` is not one (missing, not an
 *  object, unknown action, content that is not an object). */
std::optional<Elicited> ReadElicitation(const rapidjson::Value* v);

/** Reads a CreateMessageResult and returns its text (text blocks joined with
 *  "\n"); nullopt when `v` is not one. */
std::optional<std::string> ReadSamplingText(const rapidjson::Value* v);

/** Reads a ListRootsResult and returns the roots' URIs; nullopt when `v` is
 *  not one. */
std::optional<std::vector<std::string>> ReadRoots(const rapidjson::Value* v);

/** True when the client capabilities object (JSON) declares `name`. */
bool HasCapability(std::string_view capabilities_json, const char* name);

}  // namespace conformance
