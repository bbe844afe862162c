// list_methods.cpp - tools/list, resources/list, resources/templates/list,
// prompts/list. Entries are pre-serialised in the catalog; a page is their
// concatenation. Cursors are opaque offsets; a cursor we did not issue is -32602.
#include <charconv>

#include "protocol/errors.h"
#include "protocol/methods.h"

namespace mcph {
namespace {

constexpr std::string_view kCursorPrefix = "mcph1:";
constexpr int64_t kListTtlMs = 60000;

// Reads params.cursor into `offset`; returns an error reply on a bad cursor.
std::optional<Answer> ReadCursor(const RequestContext& rc, const Params& p, size_t& offset) {
  offset = 0;
  const rapidjson::Value* cursor = FindMember(p, "cursor");
  if (!cursor || cursor->IsNull()) return std::nullopt;
  if (!cursor->IsString() || !DecodeCursor(StringOf(*cursor), offset))
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "Invalid cursor: pass back a nextCursor this server returned");
  return std::nullopt;
}

template <typename Entries>
MethodResult ListPage(ServerState& s, RequestContext& rc, const Params& p, const char* key,
                      const std::shared_ptr<const Catalog>& catalog, const Entries& entries) {
  size_t offset = 0;
  if (auto err = ReadCursor(rc, p, offset)) return err;
  if (offset > entries.size())
    return ErrorReply(rc.id_json, rpc::kInvalidParams, "Invalid cursor: it points past the end of the list");
  size_t page = static_cast<size_t>(s.config.page_size);
  size_t end = std::min(entries.size(), offset + page);
  Reply reply(rc);
  JsonWriter& w = reply.w();
  w.Key(key);
  w.StartArray();
  for (size_t i = offset; i < end; ++i) WriteRaw(w, entries[i].listing_json, rapidjson::kObjectType);
  w.EndArray();
  if (end < entries.size()) {
    w.Key("nextCursor");
    WriteString(w, EncodeCursor(end));
  }
  (void)catalog;  // keeps the snapshot alive while its entries are written
  return reply.Finish(s.identity, kListTtlMs);
}

}  // namespace

std::string EncodeCursor(size_t offset) { return Base64Url(std::string(kCursorPrefix) + std::to_string(offset)); }

bool DecodeCursor(std::string_view cursor, size_t& offset) {
  std::string raw;
  if (cursor.empty() || cursor.size() > 64 || !FromBase64Url(cursor, raw)) return false;
  if (raw.rfind(kCursorPrefix, 0) != 0) return false;
  std::string_view digits = std::string_view(raw).substr(kCursorPrefix.size());
  if (digits.empty()) return false;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

MethodResult ListTools(ServerState& s, RequestContext& rc, const Params& p) {
  auto c = s.snapshot();
  return ListPage(s, rc, p, "tools", c, c->tools());
}

MethodResult ListResources(ServerState& s, RequestContext& rc, const Params& p) {
  auto c = s.snapshot();
  return ListPage(s, rc, p, "resources", c, c->resources());
}

MethodResult ListResourceTemplates(ServerState& s, RequestContext& rc, const Params& p) {
  auto c = s.snapshot();
  return ListPage(s, rc, p, "resourceTemplates", c, c->templates());
}

MethodResult ListPrompts(ServerState& s, RequestContext& rc, const Params& p) {
  auto c = s.snapshot();
  return ListPage(s, rc, p, "prompts", c, c->prompts());
}

}  // namespace mcph
