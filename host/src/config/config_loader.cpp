// config_loader.cpp - YAML config -> validated HostConfig, and YAML -> JSON
// for the plugins' `config:` subtrees.
//
// Error rule: yaml-cpp and std::filesystem may throw; both are caught in the
// public functions below and become a Status. Each problem is one line
//   FILE:LINE: KEY.PATH: what is wrong (how to fix it)
// and the loader keeps going after a problem so that one run reports them all
// (up to kMaxErrors).
#include "config/config_loader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace mcph {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 64;            // nesting limit for `config:` (also stops alias cycles)
constexpr std::size_t kMaxNodes = 100000;  // node limit for `config:` (stops alias bombs)
constexpr std::size_t kMaxErrors = 20;   // problems listed before "... and more"
constexpr std::size_t kMaxPathShown = 120;  // longer key paths are cut in messages
constexpr int64_t kMaxTimeoutMs = std::numeric_limits<int32_t>::max();  // ~24.8 days

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";

// ---------------------------------------------------------------------------
// Messages

std::string DisplayName(const std::string& source_path) {
  return source_path.empty() ? "<config>" : source_path;
}

// Appends `s` as the inside of a JSON string (no quotes). Bytes >= 0x80 are
// copied as they are; callers that need valid UTF-8 check it separately.
void AppendEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
}

// "text" for messages, shortened when long.
std::string Quote(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  AppendEscaped(out, s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

// What a node is, for "got ..." in messages.
std::string Describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return Quote(n.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing (an empty value)";
  }
}

// 1-based line of a node; `fallback` when yaml-cpp has no position for it.
int LineOf(const YAML::Node& n, int fallback) {
  const YAML::Mark m = n.Mark();
  return m.is_null() ? fallback : m.line + 1;
}

// Collects problems as "FILE:LINE: PATH: message" lines.
class Errors {
 public:
  explicit Errors(const std::string& source_path) : file_(DisplayName(source_path)) {}

  void Add(int line, const std::string& path, const std::string& message) {
    ++count_;
    if (lines_.size() >= kMaxErrors) return;
    std::string s = file_ + ":" + std::to_string(std::max(line, 1)) + ": ";
    if (path.size() > kMaxPathShown) s += path.substr(0, kMaxPathShown) + "...: ";
    else if (!path.empty()) s += path + ": ";
    lines_.push_back(s + message);
  }
  bool empty() const { return count_ == 0; }
  Status ToStatus() const {
    std::string all;
    for (const auto& l : lines_) all += (all.empty() ? "" : "\n") + l;
    if (count_ > lines_.size()) {
      all += "\n... and " + std::to_string(count_ - lines_.size()) + " more problem(s)";
    }
    return Status::Error(all);
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
  std::size_t count_ = 0;
};

// Where a value sits: its key path and line.
struct Loc {
  std::string path;
  int line = 1;
};

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string Index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The closest of `known` within edit distance 2, if any.
std::optional<std::string_view> Suggest(std::string_view word,
                                        std::initializer_list<std::string_view> known) {
  std::optional<std::string_view> best;
  std::size_t best_d = 3;
  for (auto k : known) {
    const std::size_t d = EditDistance(word, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

std::string JoinList(std::initializer_list<std::string_view> words) {
  std::string s;
  for (auto w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

// ---------------------------------------------------------------------------
// Scalars: YAML 1.2 core schema typing, and JSON text for each kind

enum class Kind { kString, kNull, kBool, kInt, kFloat };

struct Typed {
  Kind kind = Kind::kString;
  std::string json;   // JSON text for null/bool/int/float
  std::string error;  // non-empty: the scalar cannot be represented
};

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctal(char c) { return c >= '0' && c <= '7'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string StripZeros(std::string_view digits) {
  const auto first = digits.find_first_not_of('0');
  return first == std::string_view::npos ? "0" : std::string(digits.substr(first));
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ -> JSON integer text.
std::optional<Typed> TypeInt(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    const bool hex = s[1] == 'x';
    const std::string_view digits = s.substr(2);
    if (!AllOf(digits, hex ? IsHex : IsOctal)) return std::nullopt;
    uint64_t v = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 8);
    if (r.ec != std::errc()) {
      return Typed{Kind::kInt, "", "integer " + Quote(s) + " does not fit in 64 bits (quote it to pass a string)"};
    }
    return Typed{Kind::kInt, std::to_string(v), ""};
  }
  const bool neg = !s.empty() && s[0] == '-';
  const std::string_view digits = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
  if (!AllOf(digits, IsDigit)) return std::nullopt;
  return Typed{Kind::kInt, (neg ? "-" : "") + StripZeros(digits), ""};
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and the .inf/.nan forms.
std::optional<Typed> TypeFloat(std::string_view s) {
  std::string_view body = s;
  const bool neg = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (body == ".inf" || body == ".Inf" || body == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN") {
    return Typed{Kind::kFloat, "", "JSON has no infinity or NaN, so " + Quote(s) +
                                       " cannot be passed on (quote it to pass a string)"};
  }
  const std::size_t exp_at = body.find_first_of("eE");
  const std::string_view mantissa = body.substr(0, exp_at);
  const std::size_t dot = mantissa.find('.');
  const std::string_view int_part = mantissa.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : mantissa.substr(dot + 1);
  if (int_part.empty() && frac.empty()) return std::nullopt;
  if (!int_part.empty() && !AllOf(int_part, IsDigit)) return std::nullopt;
  if (!frac.empty() && !AllOf(frac, IsDigit)) return std::nullopt;
  if (int_part.empty() && dot == std::string_view::npos) return std::nullopt;
  std::string json = (neg ? "-" : "") + StripZeros(int_part);
  if (!frac.empty()) json += "." + std::string(frac);
  if (exp_at != std::string_view::npos) {
    std::string_view e = body.substr(exp_at + 1);
    std::string sign;
    if (!e.empty() && (e[0] == '-' || e[0] == '+')) {
      sign = e[0] == '-' ? "-" : "";
      e.remove_prefix(1);
    }
    if (!AllOf(e, IsDigit)) return std::nullopt;
    json += "e" + sign + std::string(e);
  }
  return Typed{Kind::kFloat, json, ""};
}

// Core-schema typing of a plain scalar's text.
Typed TypePlain(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return {Kind::kNull, "null", ""};
  if (s == "true" || s == "True" || s == "TRUE") return {Kind::kBool, "true", ""};
  if (s == "false" || s == "False" || s == "FALSE") return {Kind::kBool, "false", ""};
  if (auto t = TypeInt(s)) return *t;
  if (auto t = TypeFloat(s)) return *t;
  return {Kind::kString, "", ""};
}

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kInt: return "integer";
    case Kind::kFloat: return "float";
    default: return "string";
  }
}

// Types a scalar or null node, honouring quotes and the core-schema tags.
Typed TypeNode(const YAML::Node& n) {
  if (n.IsNull()) return {Kind::kNull, "null", ""};
  const std::string& tag = n.Tag();
  const std::string& text = n.Scalar();
  if (tag == "!" || tag == kTagStr) return {Kind::kString, "", ""};
  if (tag == "?" || tag.empty()) return TypePlain(text);
  Kind want;
  if (tag == kTagInt) want = Kind::kInt;
  else if (tag == kTagFloat) want = Kind::kFloat;
  else if (tag == kTagBool) want = Kind::kBool;
  else if (tag == kTagNull) want = Kind::kNull;
  else return {Kind::kString, "", "unsupported tag " + Quote(tag) + " (remove it; quote the value to make it a string)"};
  Typed t = TypePlain(text);
  if (!t.error.empty()) return t;
  if (t.kind == want) return t;
  if (want == Kind::kFloat && t.kind == Kind::kInt) return {Kind::kFloat, t.json, ""};
  return {want, "", Quote(text) + " is not a valid " + KindName(want) + " for its tag (fix the value or remove the tag)"};
}

// ---------------------------------------------------------------------------
// JSON output

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool IsEnvNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsEnvNameChar(char c) { return IsEnvNameStart(c) || IsDigit(c); }

// Expands ${NAME}; `$${` is a literal `${`. On failure returns false with `error` set.
bool ExpandEnv(std::string_view in, std::string& out, std::string& error) {
  out.clear();
  std::size_t i = 0;
  while (i < in.size()) {
    if (in.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
    } else if (in.substr(i, 2) == "${") {
      const std::size_t close = in.find('}', i + 2);
      if (close == std::string_view::npos) {
        error = "unterminated \"${\" in " + Quote(in) + " (close it with \"}\", or write \"$${\" for a literal \"${\")";
        return false;
      }
      const std::string name(in.substr(i + 2, close - i - 2));
      if (name.empty() || !IsEnvNameStart(name[0]) || !std::all_of(name.begin(), name.end(), IsEnvNameChar)) {
        error = Quote("${" + name + "}") + " is not a valid environment variable reference "
                "(names use letters, digits and _; write \"$${\" for a literal \"${\")";
        return false;
      }
      const char* value = std::getenv(name.c_str());
      if (value == nullptr) {
        error = "environment variable " + name + " is not set (set it before starting mcp-host, "
                "or write $${" + name + "} for a literal ${" + name + "})";
        return false;
      }
      out += value;
      i = close + 1;
    } else {
      out += in[i++];
    }
  }
  return true;
}

// Writes a YAML node as JSON, collecting problems in `errors`.
class JsonWriter {
 public:
  explicit JsonWriter(Errors& errors) : errors_(errors) {}

  void Write(const YAML::Node& n, const Loc& at, int depth, std::string& out) {
    if (aborted_) return;
    if (++nodes_ > kMaxNodes) {
      errors_.Add(at.line, at.path, "more than " + std::to_string(kMaxNodes) +
                                        " values (is an alias expanding too much?); make it smaller");
      aborted_ = true;
      return;
    }
    if (depth > kMaxDepth) {
      errors_.Add(at.line, at.path, "nested more than " + std::to_string(kMaxDepth) +
                                        " levels deep (is an alias referring to itself?); flatten it");
      aborted_ = true;
      return;
    }
    switch (n.Type()) {
      case YAML::NodeType::Map: WriteMap(n, at, depth, out); break;
      case YAML::NodeType::Sequence: WriteSeq(n, at, depth, out); break;
      case YAML::NodeType::Scalar: WriteScalar(n, at, out); break;
      default: out += "null"; break;
    }
  }

 private:
  void WriteMap(const YAML::Node& n, const Loc& at, int depth, std::string& out) {
    out += '{';
    std::map<std::string, int> seen;  // key -> line
    bool first = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;  // copies: `it->` yields a temporary
      const YAML::Node value = it->second;
      const int key_line = LineOf(key, at.line);
      if (!key.IsScalar()) {
        errors_.Add(key_line, at.path, "a key must be a plain string, got " + Describe(key) + " (JSON keys are strings)");
        continue;
      }
      const std::string& k = key.Scalar();
      const Loc child{Child(at.path, k), value.IsNull() ? key_line : LineOf(value, key_line)};
      if (auto [pos, fresh] = seen.emplace(k, key_line); !fresh) {
        errors_.Add(key_line, child.path, "duplicate key (first at line " + std::to_string(pos->second) + "); keep one");
        continue;
      }
      if (!IsValidUtf8(k)) {
        errors_.Add(key_line, child.path, "key is not valid UTF-8; save the file as UTF-8");
        continue;
      }
      if (!first) out += ',';
      first = false;
      out += '"';
      AppendEscaped(out, k);
      out += "\":";
      Write(value, child, depth + 1, out);
    }
    out += '}';
  }

  void WriteSeq(const YAML::Node& n, const Loc& at, int depth, std::string& out) {
    out += '[';
    std::size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
      if (i > 0) out += ',';
      Write(*it, Loc{Index(at.path, i), LineOf(*it, at.line)}, depth + 1, out);
    }
    out += ']';
  }

  void WriteScalar(const YAML::Node& n, const Loc& at, std::string& out) {
    const Typed t = TypeNode(n);
    if (!t.error.empty()) {
      errors_.Add(at.line, at.path, t.error);
      return;
    }
    if (t.kind != Kind::kString) {
      out += t.json;
      return;
    }
    std::string expanded, error;
    if (!ExpandEnv(n.Scalar(), expanded, error)) {
      errors_.Add(at.line, at.path, error);
      return;
    }
    if (!IsValidUtf8(expanded)) {
      errors_.Add(at.line, at.path, "value is not valid UTF-8 text (save the file as UTF-8, or check the environment variable it uses)");
      return;
    }
    out += '"';
    AppendEscaped(out, expanded);
    out += '"';
  }

  Errors& errors_;
  std::size_t nodes_ = 0;
  bool aborted_ = false;
};

// ---------------------------------------------------------------------------
// Schema checking

using EntryFn = std::function<void(const std::string& key, const YAML::Node& value, const Loc& at)>;

// Visits a mapping's entries: refuses a non-mapping, non-string keys, duplicate
// and unknown keys, and calls `fn` for each known key. A null node is an empty
// mapping (all defaults).
void ForEachEntry(Errors& errors, const YAML::Node& map, const Loc& at,
                  std::initializer_list<std::string_view> known, const EntryFn& fn,
                  const std::string& shape_hint) {
  if (map.IsNull()) return;
  if (!map.IsMap()) {
    errors.Add(at.line, at.path, "expected a mapping" + (shape_hint.empty() ? "" : " " + shape_hint) + ", got " + Describe(map));
    return;
  }
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;  // copies: `it->` yields a temporary
    const YAML::Node value = it->second;
    const int key_line = LineOf(key, at.line);
    if (!key.IsScalar()) {
      errors.Add(key_line, at.path, "expected a key name, got " + Describe(key) + " (allowed here: " + JoinList(known) + ")");
      continue;
    }
    const std::string& k = key.Scalar();
    const Loc child{Child(at.path, k), value.IsNull() ? key_line : LineOf(value, key_line)};
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      if (auto s = Suggest(k, known)) {
        errors.Add(key_line, child.path, "unknown key (did you mean \"" + std::string(*s) + "\"?)");
      } else {
        errors.Add(key_line, child.path, "unknown key (allowed here: " + JoinList(known) + ")");
      }
      continue;
    }
    if (auto [pos, fresh] = seen.emplace(k, key_line); !fresh) {
      errors.Add(key_line, child.path, "duplicate key (first at line " + std::to_string(pos->second) + "); keep one");
      continue;
    }
    fn(k, value, child);
  }
}

// A string: any scalar, as written. `null_hint` explains what to write instead of nothing.
std::optional<std::string> ReadString(Errors& errors, const YAML::Node& n, const Loc& at,
                                      const std::string& null_hint = "") {
  if (n.IsScalar()) return n.Scalar();
  std::string msg = "expected a string, got " + Describe(n);
  if (n.IsNull() && !null_hint.empty()) msg += " (" + null_hint + ")";
  errors.Add(at.line, at.path, msg);
  return std::nullopt;
}

std::optional<std::string> ReadNonEmptyString(Errors& errors, const YAML::Node& n, const Loc& at,
                                              const std::string& what) {
  auto s = ReadString(errors, n, at);
  if (s && s->empty()) {
    errors.Add(at.line, at.path, "must not be empty (give " + what + ")");
    return std::nullopt;
  }
  return s;
}

// The hint for a quoted value that would have been right without quotes.
std::string QuoteHint(const YAML::Node& n, Kind want) {
  if (n.IsScalar() && n.Tag() == "!" && TypePlain(n.Scalar()).kind == want) return " (remove the quotes)";
  return "";
}

std::optional<bool> ReadBool(Errors& errors, const YAML::Node& n, const Loc& at) {
  if (n.IsScalar() || n.IsNull()) {
    const Typed t = TypeNode(n);
    if (t.error.empty() && t.kind == Kind::kBool) return t.json == "true";
  }
  errors.Add(at.line, at.path, "expected true or false, got " + Describe(n) + QuoteHint(n, Kind::kBool));
  return std::nullopt;
}

// An integer in [min, max]. `what` names the expected kind when the range is
// not the point (e.g. "a non-negative integer" for a capped timeout).
std::optional<int64_t> ReadInt(Errors& errors, const YAML::Node& n, const Loc& at, int64_t min, int64_t max,
                               const std::string& what = "") {
  constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();
  std::string range;
  if (min == 0 && max == kNoMax) range = "a non-negative integer";
  else if (max == kNoMax) range = "an integer >= " + std::to_string(min);
  else range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const std::string expected = what.empty() ? range : what;

  if (n.IsScalar()) {
    const Typed t = TypeNode(n);
    if (t.error.empty() && t.kind == Kind::kInt) {
      int64_t v = 0;
      const auto r = std::from_chars(t.json.data(), t.json.data() + t.json.size(), v);
      if (r.ec == std::errc() && v >= min && v <= max) return v;
      const bool too_small = r.ec == std::errc() ? v < min : t.json[0] == '-';
      errors.Add(at.line, at.path, "expected " + (too_small ? expected : range) + ", got " + n.Scalar() +
                                       (too_small ? "" : " (out of range)"));
      return std::nullopt;
    }
  }
  errors.Add(at.line, at.path, "expected " + expected + ", got " + Describe(n) + QuoteHint(n, Kind::kInt));
  return std::nullopt;
}

std::optional<std::string> ReadEnum(Errors& errors, const YAML::Node& n, const Loc& at,
                                    std::initializer_list<std::string_view> choices) {
  if (n.IsScalar() && std::find(choices.begin(), choices.end(), n.Scalar()) != choices.end()) return n.Scalar();
  std::string msg = "expected one of " + JoinList(choices) + ", got " + Describe(n);
  if (n.IsScalar()) {
    if (auto s = Suggest(n.Scalar(), choices)) msg += " (did you mean \"" + std::string(*s) + "\"?)";
  }
  errors.Add(at.line, at.path, msg);
  return std::nullopt;
}

// A list of non-empty strings; null = empty list.
std::optional<std::vector<std::string>> ReadStringList(Errors& errors, const YAML::Node& n, const Loc& at,
                                                       const std::string& what) {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (!n.IsSequence()) {
    errors.Add(at.line, at.path, "expected a list of " + what + " (e.g. [a, b]), got " + Describe(n));
    return std::nullopt;
  }
  bool ok = true;
  std::size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    const Loc item{Index(at.path, i), LineOf(*it, at.line)};
    if (auto s = ReadNonEmptyString(errors, *it, item, what)) out.push_back(*s);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' || c == '.' || c == '-';
}

// "HOST:PORT", host non-empty (IPv6 in brackets), port 0..65535.
bool IsListenAddress(std::string_view s) {
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
  } else if (host.find(':') != std::string_view::npos) {
    return false;
  }
  if (host.find_first_of(" \t/") != std::string_view::npos) return false;
  if (!AllOf(port, IsDigit) || port.size() > 5) return false;
  int p = 0;
  std::from_chars(port.data(), port.data() + port.size(), p);
  return p <= 65535;
}

// "scheme://host[:port]" with no path, query or user info.
bool IsOrigin(std::string_view s) {
  const std::size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (char c : s.substr(0, sep))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '+' || c == '-' || c == '.'))
      return false;
  const std::string_view rest = s.substr(sep + 3);
  return !rest.empty() && rest.find_first_of("/?#@ \t") == std::string_view::npos;
}

// Reads a whole config document into a HostConfig.
class Loader {
 public:
  Loader(Errors& errors, fs::path base_dir) : errors_(errors), base_dir_(std::move(base_dir)) {}

  void Root(const YAML::Node& root, HostConfig& cfg) {
    ForEachEntry(errors_, root, Loc{"", LineOf(root, 1)}, {"server", "plugin_dirs", "plugins"},
                 [&](const std::string& key, const YAML::Node& v, const Loc& at) {
                   if (key == "server") Server(v, at, cfg.server);
                   else if (key == "plugin_dirs") PluginDirs(v, at, cfg.plugin_dirs);
                   else Plugins(v, at, cfg.plugins);
                 },
                 "with server:, plugin_dirs: and plugins: at the top level");
  }

 private:
  void Server(const YAML::Node& node, const Loc& where, ServerConfig& s) {
    ForEachEntry(
        errors_, node, where,
        {"name", "transport", "http", "name_separator", "max_name_length", "max_message_bytes", "page_size",
         "workers", "resource_tools", "instructions", "log_level", "request_state", "input_timeout_ms",
         "max_result_bytes", "max_in_flight", "watch_config"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "name") {
            if (auto x = ReadNonEmptyString(errors_, v, at, "the server name shown to clients")) s.name = *x;
          } else if (key == "transport") {
            if (auto x = ReadEnum(errors_, v, at, {"stdio", "http"})) s.transport = *x;
          } else if (key == "http") {
            Http(v, at, s.http);
          } else if (key == "name_separator") {
            if (auto x = ReadNonEmptyString(errors_, v, at, "e.g. \"__\"")) {
              if (std::all_of(x->begin(), x->end(), IsNameChar)) s.name_separator = *x;
              else errors_.Add(at.line, at.path, "may only use A-Z a-z 0-9 _ . - (the characters allowed in MCP tool names), got " + Quote(*x));
            }
          } else if (key == "max_name_length") {
            if (auto x = ReadInt(errors_, v, at, 1, 128)) s.max_name_length = static_cast<int>(*x);
          } else if (key == "max_message_bytes") {
            if (auto x = ReadInt(errors_, v, at, 1024, std::numeric_limits<int64_t>::max())) s.max_message_bytes = *x;
          } else if (key == "page_size") {
            if (auto x = ReadInt(errors_, v, at, 1, 10000)) s.page_size = static_cast<int>(*x);
          } else if (key == "workers") {
            if (auto x = ReadInt(errors_, v, at, 0, 256)) s.workers = static_cast<int>(*x);
          } else if (key == "resource_tools") {
            if (auto x = ReadBool(errors_, v, at)) s.resource_tools = *x;
          } else if (key == "instructions") {
            if (auto x = ReadString(errors_, v, at, "write instructions: \"\" for none")) s.instructions = *x;
          } else if (key == "log_level") {
            if (auto x = ReadEnum(errors_, v, at, {"trace", "debug", "info", "warn", "error", "critical", "off"})) {
              s.log_level = *x;
            }
          } else if (key == "request_state") {
            RequestState(v, at, s);
          } else if (key == "input_timeout_ms") {
            if (auto x = ReadInt(errors_, v, at, 1000, kMaxTimeoutMs)) s.input_timeout_ms = *x;
          } else if (key == "max_result_bytes") {
            if (auto x = ReadInt(errors_, v, at, 1024, int64_t{4} << 30)) s.max_result_bytes = *x;
          } else if (key == "watch_config") {
            if (auto x = ReadBool(errors_, v, at)) s.watch_config = *x;
          } else if (key == "max_in_flight") {
            if (auto x = ReadInt(errors_, v, at, 1, 100000)) s.max_in_flight = *x;
          }
        },
        "(e.g. server: {name: mcphost, transport: stdio})");
  }

  void Http(const YAML::Node& node, const Loc& where, HttpConfig& h) {
    ForEachEntry(
        errors_, node, where,
        {"listen", "path", "allowed_hosts", "allowed_origins", "cors_origins", "auth", "session_idle_seconds",
         "max_sessions", "legacy_stateless", "max_session_requests", "header_timeout_ms", "body_timeout_ms",
         "idle_timeout_ms", "max_header_bytes", "shutdown_grace_ms", "threads", "status_page"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "listen") {
            if (auto x = ReadString(errors_, v, at)) {
              if (IsListenAddress(*x)) h.listen = *x;
              else errors_.Add(at.line, at.path, "expected \"HOST:PORT\" (e.g. \"127.0.0.1:8080\"; IPv6 as \"[::1]:8080\"), got " + Quote(*x));
            }
          } else if (key == "path") {
            if (auto x = ReadString(errors_, v, at)) {
              if (!x->empty() && (*x)[0] == '/' && x->find_first_of(" \t?#") == std::string::npos) h.path = *x;
              else errors_.Add(at.line, at.path, "expected a URL path starting with \"/\" (e.g. \"/mcp\"), got " + Quote(*x));
            }
          } else if (key == "allowed_hosts") {
            if (auto list = ReadStringList(errors_, v, at, "host names (\"host\" or \"host:port\")")) {
              for (const auto& x : *list)
                if (x.find_first_of(" \t/") != std::string::npos)
                  errors_.Add(at.line, at.path, "expected a host name like \"example.com\" or \"example.com:8080\", got " + Quote(x));
              h.allowed_hosts = std::move(*list);
            }
          } else if (key == "allowed_origins" || key == "cors_origins") {
            if (auto list = ReadStringList(errors_, v, at, "origins (e.g. \"https://app.example.com\")")) {
              for (const auto& x : *list)
                if (!IsOrigin(x))
                  errors_.Add(at.line, at.path, "expected an origin like \"https://app.example.com\" (scheme://host[:port], no path), got " + Quote(x));
              (key == "allowed_origins" ? h.allowed_origins : h.cors_origins) = std::move(*list);
            }
          } else if (key == "auth") {
            Auth(v, at, h.auth);
          } else if (key == "session_idle_seconds") {
            if (auto x = ReadInt(errors_, v, at, 1, 7 * 24 * 3600)) h.session_idle_seconds = *x;
          } else if (key == "max_sessions") {
            if (auto x = ReadInt(errors_, v, at, 1, 1000000)) h.max_sessions = *x;
          } else if (key == "legacy_stateless") {
            if (auto x = ReadBool(errors_, v, at)) h.legacy_stateless = *x;
          } else if (key == "max_session_requests") {
            if (auto x = ReadInt(errors_, v, at, 1, 100000)) h.max_session_requests = *x;
          } else if (key == "header_timeout_ms") {
            if (auto x = ReadInt(errors_, v, at, 1, kMaxTimeoutMs)) h.header_timeout_ms = *x;
          } else if (key == "body_timeout_ms") {
            if (auto x = ReadInt(errors_, v, at, 1, kMaxTimeoutMs)) h.body_timeout_ms = *x;
          } else if (key == "idle_timeout_ms") {
            if (auto x = ReadInt(errors_, v, at, 1, kMaxTimeoutMs)) h.idle_timeout_ms = *x;
          } else if (key == "max_header_bytes") {
            if (auto x = ReadInt(errors_, v, at, 1024, 1024 * 1024)) h.max_header_bytes = *x;
          } else if (key == "shutdown_grace_ms") {
            if (auto x = ReadInt(errors_, v, at, 0, kMaxTimeoutMs)) h.shutdown_grace_ms = *x;
          } else if (key == "threads") {
            if (auto x = ReadInt(errors_, v, at, 0, 256)) h.threads = static_cast<int>(*x);
          } else if (key == "status_page") {
            if (auto x = ReadBool(errors_, v, at)) h.status_page = *x;
          }
        },
        "(e.g. http: {listen: \"127.0.0.1:8080\", path: /mcp})");
  }

  // The MRTR requestState key is read here, once: from a file (its first line)
  // or an environment variable, never from the YAML itself. Every replica of
  // a deployment needs the same key.
  void RequestState(const YAML::Node& node, const Loc& where, ServerConfig& s) {
    constexpr size_t kMinKey = 32;
    auto check = [&](const Loc& at, std::string key, const std::string& from) {
      while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
      if (key.size() < kMinKey)
        errors_.Add(at.line, at.path, from + " holds " + std::to_string(key.size()) + " characters; a requestState key needs at least " +
                                          std::to_string(kMinKey) + " (e.g. the output of `openssl rand -hex 32`)");
      else s.request_state_key = std::move(key);
    };
    ForEachEntry(
        errors_, node, where, {"key_file", "key_env", "ttl_ms"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "ttl_ms") {
            if (auto x = ReadInt(errors_, v, at, 100, kMaxTimeoutMs)) s.request_state_ttl_ms = *x;
          } else if (key == "key_file") {
            if (auto x = ReadNonEmptyString(errors_, v, at, "a file holding the key")) {
              std::string path = Absolute(*x);
              std::ifstream in(path, std::ios::binary);
              std::string line;
              if (!in || !std::getline(in, line))
                errors_.Add(at.line, at.path, "cannot read the key file " + path + " (relative paths start at the config file's folder)");
              else check(at, std::move(line), "key file " + path);
            }
          } else if (auto x = ReadNonEmptyString(errors_, v, at, "the name of an environment variable")) {
            if (IsEnvNameStart((*x)[0]) && std::all_of(x->begin(), x->end(), IsEnvNameChar)) {
              const char* value = std::getenv(x->c_str());
              if (value == nullptr)
                errors_.Add(at.line, at.path, "environment variable " + *x + " is not set (set it to the requestState key)");
              else check(at, value, "environment variable " + *x);
            } else {
              errors_.Add(at.line, at.path, "expected an environment variable name (letters, digits and _; not the key itself), got " + Quote(*x));
            }
          }
        },
        "(e.g. request_state: {key_env: MCPHOST_STATE_KEY} or request_state: {key_file: state.key})");
  }

  void Auth(const YAML::Node& node, const Loc& where, HttpAuthConfig& a) {
    ForEachEntry(
        errors_, node, where, {"token_file", "token_env"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "token_file") {
            if (auto x = ReadNonEmptyString(errors_, v, at, "a file with one token per line")) {
              a.token_file = Absolute(*x);
              std::error_code ec;
              if (!fs::is_regular_file(a.token_file, ec))
                errors_.Add(at.line, at.path, "token file not found: " + a.token_file +
                                                  " (relative paths start at the config file's folder)");
            }
          } else if (auto x = ReadNonEmptyString(errors_, v, at, "the name of an environment variable")) {
            if (IsEnvNameStart((*x)[0]) && std::all_of(x->begin(), x->end(), IsEnvNameChar)) {
              a.token_env = *x;
              if (std::getenv(x->c_str()) == nullptr)
                errors_.Add(at.line, at.path, "environment variable " + *x +
                                                  " is not set (set it to the bearer token before starting mcp-host)");
            } else {
              errors_.Add(at.line, at.path, "expected an environment variable name (letters, digits and _; not the token itself), got " + Quote(*x));
            }
          }
        },
        "(e.g. auth: {token_env: MCPHOST_TOKEN} or auth: {token_file: tokens.txt})");
  }

  std::string Absolute(const std::string& p) const {
    fs::path path(p);
    if (path.is_relative()) path = base_dir_ / path;
    return path.lexically_normal().string();
  }

  void PluginDirs(const YAML::Node& v, const Loc& at, std::vector<std::string>& dirs) {
    if (auto list = ReadStringList(errors_, v, at, "folder paths")) {
      for (const auto& d : *list) dirs.push_back(Absolute(d));
    }
  }

  // What the duplicate-alias check needs to know about one entry.
  struct Exposure {
    std::string prefix;  // explicit alias, or the name when no alias is given
    Loc at;              // the alias: or name: value
    std::size_t index;
  };

  void Plugins(const YAML::Node& node, const Loc& where, std::vector<PluginConfig>& plugins) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      errors_.Add(where.line, where.path, "expected a list of plugin entries (each \"- name: ...\" or \"- path: ...\"), got " + Describe(node));
      return;
    }
    std::vector<Exposure> exposures;
    std::size_t i = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++i) {
      const Loc at{Index(where.path, i), LineOf(*it, where.line)};
      Plugin(*it, at, i, plugins, exposures);
    }
    // Two enabled entries may not share a prefix (an explicit "" is fine: the catalog checks names).
    std::map<std::string, const Exposure*> by_prefix;
    for (const auto& e : exposures) {
      auto [pos, fresh] = by_prefix.emplace(e.prefix, &e);
      if (fresh) continue;
      const Exposure& first = *pos->second;
      errors_.Add(e.at.line, e.at.path,
                  "alias " + Quote(e.prefix) + " is already used by plugins[" + std::to_string(first.index) +
                      "] (line " + std::to_string(first.at.line) +
                      "); give one of them a different alias: (alias: \"\" exposes its tools unprefixed)");
    }
  }

  void Plugin(const YAML::Node& node, const Loc& where, std::size_t index, std::vector<PluginConfig>& plugins,
              std::vector<Exposure>& exposures) {
    if (!node.IsMap()) {
      errors_.Add(where.line, where.path, "expected a plugin entry like {name: echo} or {path: ./libmy.so}, got " + Describe(node));
      return;
    }
    PluginConfig pc;
    pc.line = where.line;
    std::optional<Loc> name_at, path_at, alias_at;
    ForEachEntry(
        errors_, node, where, {"name", "path", "alias", "enabled", "config", "tools", "timeout_ms", "task_tools", "tool_timeouts",
                                 "max_concurrency", "log_rate", "isolation", "process"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "name") {
            name_at = at;
            if (auto x = ReadNonEmptyString(errors_, v, at, "the plugin's name, e.g. echo")) {
              if (x->find('/') == std::string::npos) pc.name = *x;
              else errors_.Add(at.line, at.path, Quote(*x) + " is a path, not a plugin name (use path: for a plugin file)");
            }
          } else if (key == "path") {
            path_at = at;
            if (auto x = ReadNonEmptyString(errors_, v, at, "the plugin file, e.g. ./libmcphost_echo.so")) pc.path = Absolute(*x);
          } else if (key == "alias") {
            alias_at = at;
            if (auto x = ReadString(errors_, v, at, "write alias: \"\" to expose the tools unprefixed")) {
              if (std::all_of(x->begin(), x->end(), IsNameChar)) {
                pc.alias = *x;
                pc.has_alias = true;
              } else {
                errors_.Add(at.line, at.path, "may only use A-Z a-z 0-9 _ . - (it becomes part of tool names), got " + Quote(*x));
              }
            }
          } else if (key == "enabled") {
            if (auto x = ReadBool(errors_, v, at)) pc.enabled = *x;
          } else if (key == "config") {
            if (v.IsNull()) return;
            if (!v.IsMap()) {
              errors_.Add(at.line, at.path, "expected a mapping of the plugin's own settings (e.g. config: {roots: [/srv]}), got " + Describe(v));
              return;
            }
            std::string json;
            JsonWriter(errors_).Write(v, at, 0, json);
            pc.config_json = std::move(json);
          } else if (key == "tools") {
            Tools(v, at, pc.tools);
          } else if (key == "timeout_ms") {
            if (auto x = ReadInt(errors_, v, at, 0, kMaxTimeoutMs, "a non-negative integer")) pc.timeout_ms = *x;
          } else if (key == "tool_timeouts") {
            ToolTimeouts(v, at, pc.tool_timeouts);
          } else if (key == "max_concurrency") {
            if (auto x = ReadInt(errors_, v, at, 0, 4096, "a non-negative integer (0 = all workers but one)"))
              pc.max_concurrency = static_cast<int>(*x);
          } else if (key == "log_rate") {
            if (v.IsScalar()) {
              try {
                double r = v.as<double>();
                if (r >= 0 && r <= 1e6) {
                  pc.log_rate = r;
                  return;
                }
              } catch (const YAML::Exception&) {
              }
            }
            errors_.Add(at.line, at.path, "expected log lines per second, a number from 0 (unlimited) to 1000000, got " + Describe(v));
          } else if (key == "isolation") {
            if (auto x = ReadString(errors_, v, at, "isolation: in_process (the default) or isolation: process")) {
              if (*x == "process") pc.isolation.enabled = true;
              else if (*x == "in_process") pc.isolation.enabled = false;
              else
                errors_.Add(at.line, at.path,
                            "expected in_process (the plugin runs inside mcp-host) or process (in a runner process of its "
                            "own, restarted when it crashes), got " + Quote(*x));
            }
          } else if (key == "process") {
            Process(v, at, pc.isolation);
          } else if (key == "task_tools") {
            // Tools (the plugin's own names, globs) that may run as tasks.
            if (auto list = ReadStringList(errors_, v, at, "tool name patterns, e.g. task_tools: [\"export_*\"]"))
              pc.task_tools = std::move(*list);
          }
        },
        "");

    if (name_at && path_at) {
      errors_.Add(where.line, where.path, "has both name: and path:; keep exactly one (name: looks the plugin up in plugin_dirs, path: loads that file)");
      return;
    }
    if (!name_at && !path_at) {
      errors_.Add(where.line, where.path, "needs name: (a plugin found in plugin_dirs) or path: (a plugin file)");
      return;
    }
    if (!pc.path.empty()) {
      pc.resolved_path = pc.path;
      if (pc.enabled) CheckPluginFile(pc.path, *path_at);
    }
    if (pc.enabled) {
      if (alias_at && pc.has_alias && !pc.alias.empty()) exposures.push_back({pc.alias, *alias_at, index});
      else if (!alias_at && name_at && !pc.name.empty()) exposures.push_back({pc.name, *name_at, index});
    }
    plugins.push_back(std::move(pc));
  }

  void CheckPluginFile(const std::string& path, const Loc& at) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st)) {
      errors_.Add(at.line, at.path, "plugin file not found: " + path +
                                        " (relative paths start at the config file's folder; fix the path, "
                                        "or use name: to look the plugin up in plugin_dirs)");
    } else if (fs::is_directory(st)) {
      errors_.Add(at.line, at.path, path + " is a folder, not a plugin file (name the .so file itself)");
    }
  }

  // tool_timeouts: {"glob": ms, ...}, in the YAML's order (the first match wins).
  void ToolTimeouts(const YAML::Node& node, const Loc& where, std::vector<std::pair<std::string, int64_t>>& out) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      errors_.Add(where.line, where.path, "expected a mapping of tool name patterns to milliseconds (e.g. tool_timeouts: {\"export_*\": 120000}), got " + Describe(node));
      return;
    }
    for (const auto& kv : node) {
      Loc at{Child(where.path, kv.first.Scalar()), LineOf(kv.first, where.line)};
      if (auto x = ReadInt(errors_, kv.second, at, 0, kMaxTimeoutMs, "a non-negative integer (milliseconds, 0 = none)"))
        out.emplace_back(kv.first.Scalar(), *x);
    }
  }

  // The `process:` block: the runner's limits and restart policy.
  void Process(const YAML::Node& node, const Loc& where, ProcessIsolation& p) {
    ForEachEntry(
        errors_, node, where,
        {"address_space_mb", "cpu_seconds", "open_files", "restart_initial_ms", "restart_max_ms", "kill_hung_after_ms"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (key == "address_space_mb") {
            if (auto x = ReadInt(errors_, v, at, 0, 1 << 24, "megabytes (0 = no limit)")) p.address_space_mb = *x;
          } else if (key == "cpu_seconds") {
            if (auto x = ReadInt(errors_, v, at, 0, 1LL << 32, "seconds of CPU time (0 = no limit)")) p.cpu_seconds = *x;
          } else if (key == "open_files") {
            if (auto x = ReadInt(errors_, v, at, 0, 1 << 20, "a number of file descriptors (0 = no limit)"))
              p.open_files = *x;
          } else if (key == "restart_initial_ms") {
            if (auto x = ReadInt(errors_, v, at, 1, kMaxTimeoutMs, "milliseconds")) p.restart_initial_ms = *x;
          } else if (key == "restart_max_ms") {
            if (auto x = ReadInt(errors_, v, at, 1, kMaxTimeoutMs, "milliseconds")) p.restart_max_ms = *x;
          } else if (key == "kill_hung_after_ms") {
            if (auto x = ReadInt(errors_, v, at, 0, kMaxTimeoutMs, "milliseconds (0 = never)")) p.kill_hung_after_ms = *x;
          }
        },
        "(e.g. process: {address_space_mb: 1024, open_files: 256})");
    if (p.restart_max_ms < p.restart_initial_ms) p.restart_max_ms = p.restart_initial_ms;
  }

  void Tools(const YAML::Node& node, const Loc& where, ToolFilter& tools) {
    ForEachEntry(
        errors_, node, where, {"allow", "deny"},
        [&](const std::string& key, const YAML::Node& v, const Loc& at) {
          if (auto list = ReadStringList(errors_, v, at, "tool name patterns")) {
            (key == "allow" ? tools.allow : tools.deny) = std::move(*list);
          }
        },
        "(e.g. tools: {allow: [\"read_*\"], deny: [\"*_delete\"]})");
  }

  Errors& errors_;
  fs::path base_dir_;
};

// The folder relative paths start from.
fs::path BaseDir(const std::string& source_path) {
  std::error_code ec;
  if (source_path.empty()) {
    fs::path cwd = fs::current_path(ec);
    return ec ? fs::path("/") : cwd;
  }
  fs::path abs = fs::absolute(fs::path(source_path), ec);
  if (ec) abs = fs::path(source_path);
  return abs.lexically_normal().parent_path();
}

}  // namespace

Result<std::string> YamlToJson(const YAML::Node& node, const std::string& source_path, const std::string& key_path) {
  Errors errors(source_path);
  std::string json;
  try {
    JsonWriter(errors).Write(node, Loc{key_path, LineOf(node, 1)}, 0, json);
  } catch (const std::exception& e) {
    errors.Add(LineOf(node, 1), key_path, std::string("cannot convert to JSON: ") + e.what());
  }
  if (!errors.empty()) return errors.ToStatus();
  return json;
}

namespace {

// Counts documents (and where the second starts) without building them.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++count == 2) second_line = mark.line + 1;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  int count = 0;
  int second_line = 1;
};

// Whether every line of `text` starts with a key character (A-Z a-z 0-9 _,
// a quote), a space, a tab or a comment, and the text has no NUL byte (which
// UTF-16 and UTF-32 text has). Then a root block mapping at column 0 can
// only end at the end of the text: yaml-cpp ends it earlier only at a
// directive (% at column 0) or a document marker (--- or ... at column 0),
// and a token at column 0 never pops an indentation of column 0. Nor can an
// anchor or a tag at column 0 stand before a mapping indented further. So
// the document YAML::Load parses is the only one, and nothing follows it.
bool OnlyOneDocumentPossible(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return false;
  bool line_start = true;
  for (char c : text) {
    if (line_start && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '"' || c == '\'' || c == ' ' || c == '\t' || c == '#' || c == '\n' || c == '\r'))
      return false;
    line_start = c == '\n' || c == '\r';
  }
  return true;
}

// The config's one document (null when the text has none), or 2+ documents
// counted. Not YAML::LoadAll: yaml-cpp 0.7's LoadAll never returns on some
// malformed streams (found by tests/fuzz/fuzz_config); this stops at two.
YAML::Node LoadOneDocument(const std::string& text, DocumentCounter& counter) {
  // The usual config (a block mapping at column 0, no document markers) is
  // scanned once: counting its documents first scanned the whole text a
  // second time (yaml-cpp's scanner was a third of a 200-plugin config's
  // start-up). A parse error is the same either way: it is the first error
  // in the first document, which both passes scan alike.
  if (OnlyOneDocumentPossible(text)) {
    YAML::Node doc = YAML::Load(text);
    if (doc.IsMap() && doc.Style() == YAML::EmitterStyle::Block && doc.Mark().column == 0) {
      counter.count = 1;
      return doc;
    }
  }
  std::istringstream in(text);
  YAML::Parser parser(in);
  while (counter.count < 2 && parser.HandleNextDocument(counter)) {
  }
  if (counter.count != 1) return YAML::Node();
  return YAML::Load(text);
}

}  // namespace

Result<HostConfig> ParseConfig(const std::string& yaml_text, const std::string& source_path) {
  const std::string file = DisplayName(source_path);
  std::vector<YAML::Node> docs;
  DocumentCounter counter;
  try {
    YAML::Node doc = LoadOneDocument(yaml_text, counter);
    if (counter.count == 1) docs.push_back(doc);
  } catch (const YAML::ParserException& e) {
    return Status::Error(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                         ": invalid YAML: " + e.msg + " (fix the syntax there" +
                         (yaml_text.find('\t') != std::string::npos ? "; YAML indents with spaces, never tabs" : "") + ")");
  } catch (const std::exception& e) {
    return Status::Error(file + ": cannot read the YAML: " + e.what());
  }

  Errors errors(source_path);
  HostConfig cfg;
  cfg.source_path = source_path;
  try {
    if (counter.count > 1) {
      errors.Add(counter.second_line, "", "more than one YAML document (remove the \"---\" separator; keep one document)");
    } else if (!docs.empty()) {
      Loader(errors, BaseDir(source_path)).Root(docs[0], cfg);
    }
  } catch (const std::exception& e) {
    errors.Add(1, "", std::string("cannot read the config: ") + e.what());
  }
  if (!errors.empty()) return errors.ToStatus();
  return cfg;
}

Result<HostConfig> LoadConfigFile(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::Error(path + ": is a folder, not a config file (pass the YAML file itself to --config)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::Error(path + ": cannot open the config file (" + std::strerror(errno) +
                         "); check the path given to --config");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::Error(path + ": cannot read the config file (" + std::strerror(errno) + ")");
  return ParseConfig(text.str(), path);
}

}  // namespace mcph
