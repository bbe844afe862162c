// plugin.cpp - the filesystem plugin: the reference server's tools
// (@modelcontextprotocol/server-filesystem), a file:///{+path} resource
// template and two workflow prompts, over the confined resolver in paths.cpp.
#include "plugin.hpp"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <unordered_map>
#include <mutex>
#include <memory>

namespace fsplug {

namespace {

using rapidjson::Value;

/* ---- Arguments ---------------------------------------------------------- */

rapidjson::Document parse_args(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw mcpp::InvalidArgument("arguments must be a JSON object");
  return d;
}

std::string str_arg(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString())
    throw mcpp::InvalidArgument(std::string("missing string argument: ") + key);
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

double num_arg(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return 0;
  if (!it->value.IsNumber()) throw mcpp::InvalidArgument(std::string(key) + " must be a number");
  return it->value.GetDouble();
}

std::vector<std::string> str_list_arg(const Value& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return out;
  if (!it->value.IsArray()) throw mcpp::InvalidArgument(std::string(key) + " must be an array");
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) throw mcpp::InvalidArgument(std::string(key) + " must hold strings");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

/* Runs a handler body and turns FsError into an isError result (through the
 * helper's InvalidArgument) so the model reads the path and the reason. */
template <class F>
auto guard(F&& f) {
  return [f = std::forward<F>(f)](mcpp::Call& c, std::string_view a, mcpp::Result& r) {
    try {
      f(c, a, r);
    } catch (const FsError& e) {
      throw mcpp::InvalidArgument(e.what());
    }
  };
}

/* ---- Directory reading -------------------------------------------------- */

struct Entry {
  std::string name;
  unsigned char type;  // DT_*
};

/* Listings of unchanged directories are reused: a directory's mtime and
 * ctime change whenever an entry is added, removed or renamed. A listing is
 * kept only once those times are at least kRacySeconds old, because file
 * systems stamp them with a coarse clock: a change in the same tick as our
 * read would leave them equal (git's "racy" rule). Keyed by (device, inode);
 * bounded; shared by every instance and thread of the plugin. */
class DirCache {
 public:
  using Listing = std::shared_ptr<const std::vector<Entry>>;
  static DirCache& instance() {
    static DirCache cache;
    return cache;
  }
  Listing find(const struct stat& st) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(Key{st.st_dev, st.st_ino});
    if (it == map_.end() || !same_times(it->second.st, st)) return nullptr;
    return it->second.listing;
  }
  void keep(const struct stat& st, std::vector<Entry> entries) {
    if (::time(nullptr) - std::max(st.st_mtim.tv_sec, st.st_ctim.tv_sec) < kRacySeconds) return;
    auto listing = std::make_shared<const std::vector<Entry>>(std::move(entries));
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kMaxDirs) map_.clear();  // crude but bounded: refills from the busy ones
    map_[Key{st.st_dev, st.st_ino}] = Cached{st, std::move(listing)};
  }

 private:
  static constexpr time_t kRacySeconds = 2;
  static constexpr size_t kMaxDirs = 1024;
  struct Key {
    dev_t dev;
    ino_t ino;
    bool operator==(const Key& o) const { return dev == o.dev && ino == o.ino; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<uint64_t>()(uint64_t(k.ino) * 31 + uint64_t(k.dev)); }
  };
  struct Cached {
    struct stat st;
    Listing listing;
  };
  static bool same_times(const struct stat& a, const struct stat& b) {
    return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
           a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
  }
  std::mutex mu_;
  std::unordered_map<Key, Cached, KeyHash> map_;
};

/* Every entry of an open directory except . and .., sorted by bytes (as
 * libuv's scandir sorts). Takes ownership of fd. */
std::vector<Entry> read_dir(Fd fd, const std::string& path) {
  struct stat dir_st;
  bool cacheable = ::fstat(fd.get(), &dir_st) == 0;
  if (cacheable) {
    if (DirCache::Listing hit = DirCache::instance().find(dir_st)) return *hit;
  }
  DIR* d = ::fdopendir(fd.get());
  if (!d) throw_errno(errno, "scandir", path);
  int dfd = fd.release();
  std::vector<Entry> out;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    unsigned char t = e->d_type;
    if (t == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    out.push_back(Entry{e->d_name, t});
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  if (cacheable) DirCache::instance().keep(dir_st, out);
  return out;
}

std::string join(const std::string& base, const std::string& name) {
  return base == "/" ? "/" + name : base + "/" + name;
}

/* ---- Reading ------------------------------------------------------------ */

constexpr size_t kChunk = 64 * 1024;

std::string read_head(int fd, const std::string& path, double n, uint64_t max) {
  std::string buf;
  size_t lines = 0;
  double want = std::ceil(n);
  for (;;) {
    size_t old = buf.size();
    size_t room = static_cast<size_t>(std::min<uint64_t>(kChunk, max + 1 - old));
    buf.resize(old + room);
    ssize_t got = ::read(fd, buf.data() + old, room);
    if (got < 0) {
      buf.resize(old);
      if (errno == EINTR) continue;
      throw_errno(errno, "read", path);
    }
    buf.resize(old + static_cast<size_t>(got));
    if (got == 0) break;
    lines += static_cast<size_t>(std::count(buf.begin() + static_cast<long>(old), buf.end(), '\n'));
    if (static_cast<double>(lines) >= want) break;
    if (buf.size() > max)
      throw FsError("File too large: the first " + std::to_string(static_cast<uint64_t>(want)) +
                    " lines of " + path + " exceed the max_read_bytes limit of " +
                    std::to_string(max) + " bytes");
  }
  return head_lines(sanitize_utf8(buf), n);
}

std::string read_tail(int fd, const std::string& path, double n, uint64_t max) {
  struct stat st;
  if (::fstat(fd, &st) != 0) throw_errno(errno, "fstat", path);
  uint64_t pos = static_cast<uint64_t>(st.st_size);
  double want = std::max(1.0, std::trunc(n));
  std::vector<std::string> chunks;
  size_t lines = 0, total = 0;
  while (pos > 0 && static_cast<double>(lines) < want) {
    size_t size = static_cast<size_t>(std::min<uint64_t>(kChunk, pos));
    pos -= size;
    std::string c(size, '\0');
    size_t off = 0;
    while (off < size) {
      ssize_t got = ::pread(fd, c.data() + off, size - off, static_cast<off_t>(pos + off));
      if (got < 0) {
        if (errno == EINTR) continue;
        throw_errno(errno, "read", path);
      }
      if (got == 0) break;
      off += static_cast<size_t>(got);
    }
    c.resize(off);
    lines += static_cast<size_t>(std::count(c.begin(), c.end(), '\n'));
    total += c.size();
    chunks.push_back(std::move(c));
    if (total > max && static_cast<double>(lines) < want)
      throw FsError("File too large: the last " + std::to_string(static_cast<uint64_t>(want)) +
                    " lines of " + path + " exceed the max_read_bytes limit of " +
                    std::to_string(max) + " bytes");
  }
  std::string buf;
  buf.reserve(total);
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) buf += *it;
  return tail_lines(sanitize_utf8(buf), n);
}

std::string lower_ext(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) ||
      dot == (slash == std::string::npos ? 0 : slash + 1))
    return "";
  std::string e = path.substr(dot);
  for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

const char* media_mime(const std::string& ext) {
  static const struct {
    const char* ext;
    const char* mime;
  } map[] = {{".png", "image/png"},   {".jpg", "image/jpeg"},   {".jpeg", "image/jpeg"},
             {".gif", "image/gif"},   {".webp", "image/webp"},  {".bmp", "image/bmp"},
             {".svg", "image/svg+xml"}, {".mp3", "audio/mpeg"}, {".wav", "audio/wav"},
             {".ogg", "audio/ogg"},   {".flac", "audio/flac"}};
  for (const auto& m : map)
    if (ext == m.ext) return m.mime;
  return "application/octet-stream";
}

/* The mime type of a resource: by extension, else sniffed. */
std::string resource_mime(const std::string& path, std::string_view data, bool* text) {
  static const struct {
    const char* ext;
    const char* mime;
    bool text;
  } map[] = {{".txt", "text/plain", true},        {".log", "text/plain", true},
             {".md", "text/markdown", true},      {".markdown", "text/markdown", true},
             {".json", "application/json", true}, {".js", "text/javascript", true},
             {".mjs", "text/javascript", true},   {".ts", "text/x-typescript", true},
             {".py", "text/x-python", true},      {".c", "text/x-c", true},
             {".h", "text/x-c", true},            {".cpp", "text/x-c++", true},
             {".hpp", "text/x-c++", true},        {".cc", "text/x-c++", true},
             {".rs", "text/x-rust", true},        {".go", "text/x-go", true},
             {".java", "text/x-java", true},      {".html", "text/html", true},
             {".htm", "text/html", true},         {".css", "text/css", true},
             {".csv", "text/csv", true},          {".xml", "application/xml", true},
             {".yaml", "application/yaml", true}, {".yml", "application/yaml", true},
             {".toml", "application/toml", true}, {".sh", "text/x-shellscript", true},
             {".svg", "image/svg+xml", true},     {".pdf", "application/pdf", false},
             {".zip", "application/zip", false},  {".gz", "application/gzip", false},
             {".wasm", "application/wasm", false}};
  std::string ext = lower_ext(path);
  for (const auto& m : map) {
    if (ext == m.ext) {
      *text = m.text && valid_utf8(data);
      return m.mime;
    }
  }
  std::string media = media_mime(ext);
  if (media != "application/octet-stream") {
    *text = false;
    return media;
  }
  *text = data.find('\0') == std::string_view::npos && valid_utf8(data);
  return *text ? "text/plain" : "application/octet-stream";
}

/* ---- Schemas and annotations -------------------------------------------- */

constexpr const char* kReadOnly = R"({"readOnlyHint":true,"openWorldHint":false})";
constexpr const char* kPathSchema =
    R"({"type":"object","properties":{"path":{"type":"string"}},"required":["path"]})";
constexpr const char* kReadTextSchema =
    R"({"type":"object","properties":{"path":{"type":"string"},)"
    R"("tail":{"description":"If provided, returns only the last N lines of the file","type":"number"},)"
    R"("head":{"description":"If provided, returns only the first N lines of the file","type":"number"}},)"
    R"("required":["path"]})";
constexpr const char* kReadTextDescription =
    "Read the complete contents of a file from the file system as text. "
    "Handles various text encodings and provides detailed error messages "
    "if the file cannot be read. Use this tool when you need to examine "
    "the contents of a single file. Use the 'head' parameter to read only "
    "the first N lines of a file, or the 'tail' parameter to read only "
    "the last N lines of a file. Operates on the file as text regardless of extension. "
    "Only works within allowed directories.";

}  // namespace

/* ---- Configuration ------------------------------------------------------ */

Config parse_config(std::string_view json, std::vector<std::string>* warnings) {
  Config cfg;
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject())
    throw std::runtime_error("filesystem: the config is not a JSON object");
  for (auto& m : d.GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    const Value& v = m.value;
    if (key == "roots") {
      if (v.IsString()) {
        cfg.roots.emplace_back(v.GetString(), v.GetStringLength());
      } else if (v.IsArray()) {
        for (const auto& r : v.GetArray()) {
          if (!r.IsString()) throw std::runtime_error("filesystem: config key roots must hold strings");
          cfg.roots.emplace_back(r.GetString(), r.GetStringLength());
        }
      } else {
        throw std::runtime_error("filesystem: config key roots must be a list of directories");
      }
    } else if (key == "read_only") {
      if (!v.IsBool()) throw std::runtime_error("filesystem: config key read_only must be true or false");
      cfg.read_only = v.GetBool();
    } else if (key == "max_read_bytes" || key == "max_results") {
      if (!v.IsUint64() || v.GetUint64() == 0)
        throw std::runtime_error("filesystem: config key " + key + " must be a positive integer");
      (key == "max_read_bytes" ? cfg.max_read_bytes : cfg.max_results) = v.GetUint64();
    } else if (key == "client_roots") {
      if (!v.IsString() || !parse_client_roots_mode(v.GetString(), &cfg.client_roots))
        throw std::runtime_error("filesystem: config key client_roots must be ignore, intersect or replace");
    } else if (key == "client_roots_modern") {
      std::string m = v.IsString() ? v.GetString() : "";
      if (m != "ask" && m != "ignore")
        throw std::runtime_error("filesystem: config key client_roots_modern must be ask or ignore");
      cfg.ask_modern_roots = m == "ask";
    } else if (warnings) {
      warnings->push_back("filesystem: unknown config key \"" + key + "\" ignored");
    }
  }
  return cfg;
}

FilesystemPlugin::FilesystemPlugin(const mcpp::InitParams& params) {
  std::vector<std::string> warnings;
  cfg_ = parse_config(params.config_json(), &warnings);
  const char* home = ::getenv("HOME");
  auto configured = std::make_shared<Roots>();
  for (auto& w : configured->init(cfg_.roots, home ? home : "")) warnings.push_back(std::move(w));
  configured_ = configured;
  for (const auto& w : warnings) params.host().log(MCPP_LOG_WARNING, w);
  if (configured_->list().empty() && cfg_.client_roots != ClientRootsMode::kReplace)
    params.host().log(MCPP_LOG_ERROR,
                      "filesystem: no accessible root directory (config key roots); every tool "
                      "call will fail until one is configured");
  else if (configured_->list().empty())
    params.host().log(MCPP_LOG_INFO,
                      "filesystem: no configured root: calls are served only under roots the client shares "
                      "(client_roots: replace)");
  else
    params.host().log(MCPP_LOG_INFO, "filesystem: allowed directories: " + configured_->display_joined());
}

/* ---- Roots per call ----------------------------------------------------- */

namespace {

/* The 2026-07-28 revision and later (ISO dates compare as strings). */
bool is_modern(std::string_view protocol_version) { return protocol_version >= "2026-07-28"; }

bool declares_roots(std::string_view capabilities_json) {
  rapidjson::Document d;
  d.Parse(capabilities_json.data(), capabilities_json.size());
  return !d.HasParseError() && d.IsObject() && d.HasMember("roots");
}

/* The roots array of a roots/list answer ({"roots": [...]}) inside
 * input_responses_json ({"roots": <answer>}), serialised; "" when the answer
 * is missing or malformed (then the tool asks again). */
std::string answered_roots(std::string_view input_responses_json) {
  if (input_responses_json.empty()) return "";
  rapidjson::Document d;
  d.Parse(input_responses_json.data(), input_responses_json.size());
  if (d.HasParseError() || !d.IsObject()) return "";
  auto answer = d.FindMember("roots");
  if (answer == d.MemberEnd() || !answer->value.IsObject()) return "";
  auto list = answer->value.FindMember("roots");
  if (list == answer->value.MemberEnd() || !list->value.IsArray()) return "";
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  list->value.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::shared_ptr<const Roots> FilesystemPlugin::from_client(std::string_view roots_array_json) const {
  std::shared_ptr<const Roots> derived =
      cache_.get(roots_array_json, [this](std::string_view key) {
        RootsLog log;
        auto roots = derive_roots(*configured_, cfg_.client_roots, key, &log);
        for (const auto& [level, line] : log) host().log(level, line);
        return roots;
      });
  return derived ? derived : configured_;
}

std::shared_ptr<const Roots> FilesystemPlugin::effective_roots(mcpp::Call& call, mcpp::Result* out) const {
  if (cfg_.client_roots == ClientRootsMode::kIgnore) return configured_;
  std::string_view session_roots = call.roots_json();
  if (!session_roots.empty()) return from_client(session_roots);
  if (!cfg_.ask_modern_roots || !is_modern(call.protocol_version()) ||
      !declares_roots(call.client_capabilities_json()))
    return configured_;
  std::string answered = answered_roots(call.input_responses_json());
  if (!answered.empty()) return from_client(answered);
  if (!out) return configured_;  // prompts do not ask
  out->require_input("roots", "roots/list", "{}");
  return nullptr;
}

/* ---- Tools -------------------------------------------------------------- */

void FilesystemPlugin::read_text_file(mcpp::Call&, const Roots& roots,
                                      std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  std::string path = str_arg(a, "path");
  double head = num_arg(a, "head"), tail = num_arg(a, "tail");
  Resolved r = roots.resolve(path);
  if (head != 0 && tail != 0) throw FsError("Cannot specify both head and tail parameters simultaneously");
  Fd fd = open_regular(r);
  std::string text;
  if (tail != 0)
    text = read_tail(fd.get(), r.abs, tail, cfg_.max_read_bytes);
  else if (head != 0)
    text = read_head(fd.get(), r.abs, head, cfg_.max_read_bytes);
  else
    text = sanitize_utf8_owned(read_all(fd.get(), r.abs, cfg_.max_read_bytes));
  out.add_text(text);
}

void FilesystemPlugin::read_media_file(mcpp::Call&, const Roots& roots,
                                       std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  Fd fd = open_regular(r);
  std::string data = read_all(fd.get(), r.abs, cfg_.max_read_bytes);
  std::string mime = media_mime(lower_ext(r.abs));
  if (mime.rfind("image/", 0) == 0)
    out.add_image(mime, data.data(), data.size());
  else if (mime.rfind("audio/", 0) == 0)
    out.add_audio(mime, data.data(), data.size());
  else
    out.add_embedded_blob(file_url(r.abs), mime, data.data(), data.size());
}

void FilesystemPlugin::read_multiple_files(mcpp::Call& call, const Roots& roots, std::string_view args,
                                           mcpp::Result& out) const {
  auto a = parse_args(args);
  std::vector<std::string> paths = str_list_arg(a, "paths");
  if (paths.empty()) throw FsError("At least one file path must be provided");
  std::string text;
  uint64_t budget = cfg_.max_read_bytes;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (call.is_cancelled()) throw mcpp::Cancelled();
    if (i) text += "\n---\n";
    const std::string& p = paths[i];
    std::string shown = sanitize_utf8(p);
    try {
      Resolved r = roots.resolve(p);
      Fd fd = open_regular(r);
      std::string content = read_all(fd.get(), r.abs, budget);
      budget -= content.size();
      text += shown + ":\n" + sanitize_utf8(content) + "\n";
    } catch (const FsError& e) {
      std::string why = e.what();
      if (why.rfind("File too large", 0) == 0 && budget < cfg_.max_read_bytes)
        why += " (the limit applies to all files of one call together)";
      text += shown + ": Error - " + why;
    }
  }
  out.add_text(text);
}

void FilesystemPlugin::write_file(mcpp::Call&, const Roots& roots,
                                  std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  std::string path = str_arg(a, "path");
  std::string content = str_arg(a, "content");
  Resolved r = roots.resolve(path);
  int mode = -1;
  if (r.exists) {
    if (S_ISDIR(r.st.st_mode) || r.rest.empty()) throw_errno(EISDIR, "open", r.abs);
    if (!S_ISREG(r.st.st_mode)) throw FsError("Not a regular file: " + r.abs);
    mode = static_cast<int>(r.st.st_mode & 0777);
  } else if (r.rest.size() > 1) {
    throw_errno(ENOENT, "open", r.abs);
  }
  atomic_write(r.dir.get(), r.rest.front(), content, mode, r.abs);
  out.add_text("Successfully wrote to " + path);
}

void FilesystemPlugin::edit_file(mcpp::Call&, const Roots& roots,
                                 std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  std::string path = str_arg(a, "path");
  std::vector<Edit> edits;
  auto it = a.FindMember("edits");
  if (it == a.MemberEnd() || !it->value.IsArray()) throw mcpp::InvalidArgument("edits must be an array");
  for (const auto& e : it->value.GetArray()) {
    if (!e.IsObject()) throw mcpp::InvalidArgument("each edit is an object {oldText, newText}");
    edits.push_back(Edit{str_arg(e, "oldText"), str_arg(e, "newText")});
  }
  bool dry_run = false;
  auto dr = a.FindMember("dryRun");
  if (dr != a.MemberEnd() && dr->value.IsBool()) dry_run = dr->value.GetBool();

  Resolved r = roots.resolve(path);
  Fd fd = open_regular(r);
  std::string raw = read_all(fd.get(), r.abs, cfg_.max_read_bytes);
  fd = Fd();
  if (!valid_utf8(raw))
    throw FsError("Cannot edit " + r.abs + ": the file is not valid UTF-8 text");
  std::string content = normalize_line_endings(raw);
  std::string modified = apply_edits(content, edits);
  std::string block = format_diff_block(unified_diff(content, modified, r.abs));
  if (!dry_run) {
    // Keep CRLF line endings when the file used them throughout.
    size_t lf = std::count(raw.begin(), raw.end(), '\n');
    bool crlf = lf > 0 && raw.size() - content.size() == lf;
    std::string data = modified;
    if (crlf) {
      data.clear();
      for (char c : modified) {
        if (c == '\n') data += '\r';
        data += c;
      }
    }
    atomic_write(r.dir.get(), r.rest.front(), data, static_cast<int>(r.st.st_mode & 0777), r.abs);
  }
  out.add_text(block);
}

void FilesystemPlugin::create_directory(mcpp::Call&, const Roots& roots,
                                        std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  std::string path = str_arg(a, "path");
  Resolved r = roots.resolve(path);
  if (r.exists) {
    if (!S_ISDIR(r.st.st_mode)) throw_errno(EEXIST, "mkdir", r.abs);
  } else {
    Fd dir = std::move(r.dir);
    std::string cur = r.dir_path();
    for (const std::string& name : r.rest) {
      cur = join(cur, name);
      if (::mkdirat(dir.get(), name.c_str(), 0777) != 0 && errno != EEXIST)
        throw_errno(errno, "mkdir", cur);
      int fd = ::openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) throw_errno(errno == ENOTDIR || errno == ELOOP ? EEXIST : errno, "mkdir", cur);
      dir = Fd(fd);
    }
  }
  out.add_text("Successfully created directory " + path);
}

void FilesystemPlugin::list_directory(mcpp::Call&, const Roots& roots,
                                      std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  std::vector<Entry> entries = read_dir(open_directory(r), r.abs);
  std::string text;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) text += '\n';
    text += entries[i].type == DT_DIR ? "[DIR] " : "[FILE] ";
    text += sanitize_utf8(entries[i].name);
  }
  out.add_text(text);
}

void FilesystemPlugin::list_directory_with_sizes(mcpp::Call&, const Roots& roots, std::string_view args,
                                                 mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  std::string sort_by = "name";
  auto sb = a.FindMember("sortBy");
  if (sb != a.MemberEnd() && sb->value.IsString()) sort_by = sb->value.GetString();
  if (sort_by != "name" && sort_by != "size")
    throw mcpp::InvalidArgument("sortBy must be \"name\" or \"size\"");
  Fd dfd = open_directory(r);
  int raw_dir = ::fcntl(dfd.get(), F_DUPFD_CLOEXEC, 0);
  Fd dir_copy(raw_dir);
  std::vector<Entry> entries = read_dir(std::move(dfd), r.abs);
  struct Row {
    std::string name;
    bool is_dir;
    uint64_t size;
  };
  std::vector<Row> rows;
  rows.reserve(entries.size());
  for (const Entry& e : entries) {
    Row row{sanitize_utf8(e.name), e.type == DT_DIR, 0};
    struct stat st;
    if (e.type == DT_LNK) {
      try {  // a symlink counts with its target's size, if that is inside a root
        Resolved t = roots.resolve(join(r.abs, e.name));
        if (t.exists) row.size = static_cast<uint64_t>(t.st.st_size);
      } catch (const FsError&) {
      }
    } else if (::fstatat(dir_copy.get(), e.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      row.size = static_cast<uint64_t>(st.st_size);
    }
    rows.push_back(std::move(row));
  }
  std::vector<Row> sorted = rows;
  if (sort_by == "size")
    std::stable_sort(sorted.begin(), sorted.end(), [](const Row& x, const Row& y) { return x.size > y.size; });
  else
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Row& x, const Row& y) { return locale_compare(x.name, y.name) < 0; });
  std::string text;
  uint64_t files = 0, dirs = 0, total = 0;
  for (const Row& row : sorted) {
    text += row.is_dir ? "[DIR] " : "[FILE] ";
    text += pad_end(row.name, 30);
    text += ' ';
    if (!row.is_dir) text += pad_start(format_size(row.size), 10);
    text += '\n';
    if (row.is_dir) {
      ++dirs;
    } else {
      ++files;
      total += row.size;
    }
  }
  text += "\nTotal: " + std::to_string(files) + " files, " + std::to_string(dirs) + " directories\n";
  text += "Combined size: " + format_size(total);
  out.add_text(text);
}

void FilesystemPlugin::directory_tree(mcpp::Call& call, const Roots& roots,
                                      std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  std::vector<std::string> excludes = str_list_arg(a, "excludePatterns");
  std::vector<std::string> expanded;  // per pattern: the alternatives the reference tries
  std::vector<std::vector<std::string>> alts;
  for (const auto& p : excludes) {
    if (p.find('*') != std::string::npos)
      alts.push_back({p});
    else
      alts.push_back({p, "**/" + p, "**/" + p + "/**"});
  }
  auto excluded = [&](const std::string& rel) {
    for (const auto& group : alts)
      for (const auto& p : group)
        if (glob_match(rel, p)) return true;
    return false;
  };
  uint64_t count = 0;
  std::string text;
  // Depth-first, writing JSON.stringify(tree, null, 2) as it goes.
  std::function<void(Fd, const std::string&, const std::string&, size_t)> walk =
      [&](Fd fd, const std::string& abs, const std::string& rel, size_t indent) {
        Fd again(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
        std::vector<Entry> entries = read_dir(std::move(fd), abs);
        bool any = false;
        text += '[';
        for (const Entry& e : entries) {
          std::string erel = rel.empty() ? e.name : rel + "/" + e.name;
          if (!alts.empty() && excluded(erel)) continue;
          if (++count > cfg_.max_results)
            throw FsError("directory_tree: " + r.abs + " has more than " +
                          std::to_string(cfg_.max_results) +
                          " entries (max_results); use excludePatterns or a deeper path");
          if ((count & 255) == 0 && call.is_cancelled()) throw mcpp::Cancelled();
          text += any ? ",\n" : "\n";
          any = true;
          std::string pad(indent + 2, ' '), pad2(indent + 4, ' ');
          text += pad + "{\n" + pad2 + "\"name\": ";
          json_quote(text, sanitize_utf8(e.name));
          bool dir = e.type == DT_DIR;
          text += ",\n" + pad2 + "\"type\": \"" + (dir ? "directory" : "file") + "\"";
          if (dir) {
            text += ",\n" + pad2 + "\"children\": ";
            int cfd = ::openat(again.get(), e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (cfd < 0) throw_errno(errno, "scandir", join(abs, e.name));
            walk(Fd(cfd), join(abs, e.name), erel, indent + 4);
          }
          text += "\n" + pad + "}";
        }
        if (any) text += "\n" + std::string(indent, ' ');
        text += ']';
      };
  walk(open_directory(r), r.abs, "", 0);
  out.add_text(text);
}

void FilesystemPlugin::move_file(mcpp::Call&, const Roots& roots,
                                 std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  std::string source = str_arg(a, "source"), destination = str_arg(a, "destination");
  Resolved src = roots.resolve(source);
  Resolved dst = roots.resolve(destination);
  auto rename_error = [&](int err) {
    std::string m = errno_message(err, "rename", src.abs);
    m.insert(m.size(), " -> '" + dst.abs + "'");
    throw FsError(m);
  };
  if (!src.exists) rename_error(ENOENT);
  if (src.rest.empty()) throw FsError("Cannot move an allowed directory itself: " + src.abs);
  if (dst.exists) throw FsError("Destination already exists: " + dst.abs);
  if (dst.rest.size() > 1) rename_error(ENOENT);
  if (::renameat2(src.dir.get(), src.leaf(), dst.dir.get(), dst.rest.front().c_str(), RENAME_NOREPLACE) != 0) {
    int err = errno;
    if (err == EEXIST) throw FsError("Destination already exists: " + dst.abs);
    if (err != EINVAL && err != ENOSYS) rename_error(err);
    // The file system cannot refuse to replace: check, then rename.
    struct stat st;
    if (::fstatat(dst.dir.get(), dst.rest.front().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
      throw FsError("Destination already exists: " + dst.abs);
    if (::renameat(src.dir.get(), src.leaf(), dst.dir.get(), dst.rest.front().c_str()) != 0)
      rename_error(errno);
  }
  out.add_text("Successfully moved " + source + " to " + destination);
}

void FilesystemPlugin::search_files(mcpp::Call& call, const Roots& roots,
                                    std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  std::string pattern = str_arg(a, "pattern");
  std::vector<std::string> excludes = str_list_arg(a, "excludePatterns");
  std::vector<std::string> results;
  bool truncated = false;
  uint64_t seen = 0;
  std::function<void(Fd, const std::string&, const std::string&)> walk =
      [&](Fd fd, const std::string& abs, const std::string& rel) {
        Fd again(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
        std::vector<Entry> entries = read_dir(std::move(fd), abs);
        for (const Entry& e : entries) {
          if (truncated) return;
          if ((++seen & 255) == 0 && call.is_cancelled()) throw mcpp::Cancelled();
          std::string full = join(abs, e.name);
          if (e.type == DT_LNK) {  // only symlinks can lead outside: check them
            try {
              roots.resolve(full);
            } catch (const FsError&) {
              continue;
            }
          }
          std::string erel = rel.empty() ? e.name : rel + "/" + e.name;
          bool skip = false;
          for (const auto& x : excludes) skip = skip || glob_match(erel, x);
          if (skip) continue;
          if (glob_match(erel, pattern)) {
            if (results.size() >= cfg_.max_results) {
              truncated = true;
              return;
            }
            results.push_back(sanitize_utf8(full));
          }
          if (e.type == DT_DIR) {
            int cfd = ::openat(again.get(), e.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (cfd >= 0) {
              try {
                walk(Fd(cfd), full, erel);
              } catch (const FsError&) {
              }
            }
          }
        }
      };
  walk(open_directory(r), r.abs, "");
  std::string text;
  for (size_t i = 0; i < results.size(); ++i) {
    if (i) text += '\n';
    text += results[i];
  }
  if (results.empty()) text = "No matches found";
  if (truncated)
    text += "\n[results truncated at max_results = " + std::to_string(cfg_.max_results) +
            "; narrow the pattern]";
  out.add_text(text);
}

void FilesystemPlugin::get_file_info(mcpp::Call&, const Roots& roots,
                                     std::string_view args, mcpp::Result& out) const {
  auto a = parse_args(args);
  Resolved r = roots.resolve(str_arg(a, "path"));
  if (!r.exists) throw_errno(ENOENT, "stat", r.abs);
  struct statx sx;
  struct timespec birth = r.st.st_ctim;
  if (::statx(r.dir.get(), r.rest.empty() ? "" : r.rest.front().c_str(),
              AT_SYMLINK_NOFOLLOW | (r.rest.empty() ? AT_EMPTY_PATH : 0), STATX_BTIME, &sx) == 0 &&
      (sx.stx_mask & STATX_BTIME)) {
    birth.tv_sec = sx.stx_btime.tv_sec;
    birth.tv_nsec = sx.stx_btime.tv_nsec;
  }
  const struct stat& st = r.st;
  char perms[8];
  std::snprintf(perms, sizeof perms, "%03o", static_cast<unsigned>(st.st_mode & 0777));
  bool is_dir = S_ISDIR(st.st_mode), is_file = S_ISREG(st.st_mode);
  std::string text = "size: " + std::to_string(st.st_size) + "\ncreated: " + js_date_string(birth) +
                     "\nmodified: " + js_date_string(st.st_mtim) + "\naccessed: " +
                     js_date_string(st.st_atim) + "\nisDirectory: " + (is_dir ? "true" : "false") +
                     "\nisFile: " + (is_file ? "true" : "false") + "\npermissions: " + perms;
  out.add_text(text);
  std::string json = "{\"size\":" + std::to_string(st.st_size) + ",\"created\":\"" +
                     iso_date_string(birth) + "\",\"modified\":\"" + iso_date_string(st.st_mtim) +
                     "\",\"accessed\":\"" + iso_date_string(st.st_atim) +
                     "\",\"isDirectory\":" + (is_dir ? "true" : "false") +
                     ",\"isFile\":" + (is_file ? "true" : "false") + ",\"permissions\":\"" + perms +
                     "\",\"path\":" + json_quote(sanitize_utf8(r.abs)) + "}";
  out.set_structured_json(json);
}

void FilesystemPlugin::list_allowed_directories(mcpp::Call&, const Roots& roots, std::string_view,
                                                mcpp::Result& out) const {
  std::vector<std::string> dirs = roots.display();
  std::string text = "Allowed directories:";
  std::string json = "{\"directories\":[";
  for (size_t i = 0; i < dirs.size(); ++i) {
    text += "\n" + dirs[i];
    if (i) json += ',';
    json_quote(json, sanitize_utf8(dirs[i]));
  }
  json += "]}";
  out.add_text(sanitize_utf8(text));
  out.set_structured_json(json);
}

/* ---- Resources ---------------------------------------------------------- */

void FilesystemPlugin::read_resource(mcpp::Call&, const Roots& roots, std::string_view,
                                     std::string_view vars, mcpp::Result& out) const {
  rapidjson::Document d;
  d.Parse(vars.data(), vars.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("path") || !d["path"].IsString())
    throw mcpp::NotFound("the uri has no path");
  std::string path = "/" + percent_decode(std::string_view(d["path"].GetString(), d["path"].GetStringLength()));
  try {
    Resolved r = roots.resolve(path);
    Fd fd = open_regular(r);
    std::string data = read_all(fd.get(), r.abs, cfg_.max_read_bytes);
    bool text = false;
    std::string mime = resource_mime(r.abs, data, &text);
    if (text)
      out.add_text_contents(nullptr, mime, data);
    else
      out.add_blob_contents(nullptr, mime, data.data(), data.size());
  } catch (const FsError& e) {
    throw mcpp::NotFound(e.what());
  }
}

/* ---- Registration ------------------------------------------------------- */

void FilesystemPlugin::register_capabilities(mcpp::Registrar& reg) {
  auto add = [&](const char* name, const char* title, const char* description, const char* schema,
                 const char* annotations, const char* output_schema, auto method) {
    mcpp::ToolSpec t;
    t.name = name;
    t.title = title;
    t.description = description;
    t.input_schema_json = schema;
    t.annotations_json = annotations;
    t.output_schema_json = output_schema;
    int32_t st = reg.add_tool(t, guard([this, method](mcpp::Call& c, std::string_view a, mcpp::Result& r) {
      std::shared_ptr<const Roots> roots = effective_roots(c, &r);
      if (!roots) return;  // asked the client for its roots: called again with the answer
      (this->*method)(c, *roots, a, r);
    }));
    if (st != MCPP_OK)
      host().log(MCPP_LOG_ERROR, std::string("filesystem: tool ") + name + " refused: " +
                                     std::string(reg.last_error()));
  };

  add("read_file", "Read File (Deprecated)",
      "Read the complete contents of a file as text. DEPRECATED: Use read_text_file instead.",
      kReadTextSchema, kReadOnly, nullptr, &FilesystemPlugin::read_text_file);
  add("read_text_file", "Read Text File", kReadTextDescription, kReadTextSchema, kReadOnly, nullptr,
      &FilesystemPlugin::read_text_file);
  add("read_media_file", "Read Media File",
      "Read a file and return it as a base64-encoded content block with its MIME type. "
      "Image and audio files are returned as image/audio content; any other file type is "
      "returned as an embedded resource. Only works within allowed directories.",
      kPathSchema, kReadOnly, nullptr, &FilesystemPlugin::read_media_file);
  add("read_multiple_files", "Read Multiple Files",
      "Read the contents of multiple files simultaneously. This is more "
      "efficient than reading files one by one when you need to analyze "
      "or compare multiple files. Each file's content is returned with its "
      "path as a reference. Failed reads for individual files won't stop "
      "the entire operation. Only works within allowed directories.",
      R"({"type":"object","properties":{"paths":{"minItems":1,"type":"array","items":{"type":"string"},)"
      R"("description":"Array of file paths to read. Each path must be a string pointing to a valid file within allowed directories."}},)"
      R"("required":["paths"]})",
      kReadOnly, nullptr, &FilesystemPlugin::read_multiple_files);
  if (!cfg_.read_only) {
    add("write_file", "Write File",
        "Create a new file or completely overwrite an existing file with new content. "
        "Use with caution as it will overwrite existing files without warning. "
        "Handles text content with proper encoding. Only works within allowed directories.",
        R"({"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]})",
        R"({"readOnlyHint":false,"idempotentHint":true,"destructiveHint":true,"openWorldHint":false})",
        nullptr, &FilesystemPlugin::write_file);
    add("edit_file", "Edit File",
        "Make line-based edits to a text file. Each edit replaces exact line sequences "
        "with new content. Returns a git-style diff showing the changes made. "
        "Only works within allowed directories.",
        R"({"type":"object","properties":{"path":{"type":"string"},"edits":{"type":"array","items":{"type":"object",)"
        R"("properties":{"oldText":{"type":"string","description":"Text to search for - must match exactly"},)"
        R"("newText":{"type":"string","description":"Text to replace with"}},"required":["oldText","newText"]}},)"
        R"("dryRun":{"default":false,"description":"Preview changes using git-style diff format","type":"boolean"}},)"
        R"("required":["path","edits"]})",
        R"({"readOnlyHint":false,"idempotentHint":false,"destructiveHint":true,"openWorldHint":false})",
        nullptr, &FilesystemPlugin::edit_file);
    add("create_directory", "Create Directory",
        "Create a new directory or ensure a directory exists. Can create multiple "
        "nested directories in one operation. If the directory already exists, "
        "this operation will succeed silently. Perfect for setting up directory "
        "structures for projects or ensuring required paths exist. Only works within allowed directories.",
        kPathSchema,
        R"({"readOnlyHint":false,"idempotentHint":true,"destructiveHint":false,"openWorldHint":false})",
        nullptr, &FilesystemPlugin::create_directory);
  }
  add("list_directory", "List Directory",
      "Get a detailed listing of all files and directories in a specified path. "
      "Results clearly distinguish between files and directories with [FILE] and [DIR] "
      "prefixes. This tool is essential for understanding directory structure and "
      "finding specific files within a directory. Only works within allowed directories.",
      kPathSchema, kReadOnly, nullptr, &FilesystemPlugin::list_directory);
  add("list_directory_with_sizes", "List Directory with Sizes",
      "Get a detailed listing of all files and directories in a specified path, including sizes. "
      "Results clearly distinguish between files and directories with [FILE] and [DIR] "
      "prefixes. This tool is useful for understanding directory structure and "
      "finding specific files within a directory. Only works within allowed directories.",
      R"({"type":"object","properties":{"path":{"type":"string"},"sortBy":{"default":"name",)"
      R"("description":"Sort entries by name or size","type":"string","enum":["name","size"]}},"required":["path"]})",
      kReadOnly, nullptr, &FilesystemPlugin::list_directory_with_sizes);
  add("directory_tree", "Directory Tree",
      "Get a recursive tree view of files and directories as a JSON structure. "
      "Each entry includes 'name', 'type' (file/directory), and 'children' for directories. "
      "Files have no children array, while directories always have a children array (which may be empty). "
      "The output is formatted with 2-space indentation for readability. Only works within allowed directories.",
      R"({"type":"object","properties":{"path":{"type":"string"},"excludePatterns":{"default":[],"type":"array",)"
      R"("items":{"type":"string"}}},"required":["path"]})",
      kReadOnly, nullptr, &FilesystemPlugin::directory_tree);
  if (!cfg_.read_only)
    add("move_file", "Move File",
        "Move or rename files and directories. Can move files between directories "
        "and rename them in a single operation. If the destination exists, the "
        "operation will fail. Works across different directories and can be used "
        "for simple renaming within the same directory. Both source and destination must be within allowed directories.",
        R"({"type":"object","properties":{"source":{"type":"string"},"destination":{"type":"string"}},"required":["source","destination"]})",
        R"({"readOnlyHint":false,"idempotentHint":false,"destructiveHint":true,"openWorldHint":false})",
        nullptr, &FilesystemPlugin::move_file);
  add("search_files", "Search Files",
      "Recursively search for files and directories matching a pattern. "
      "The patterns should be glob-style patterns that match paths relative to the working directory. "
      "Use pattern like '*.ext' to match files in current directory, and '**/*.ext' to match files in all subdirectories. "
      "Returns full paths to all matching items. Great for finding files when you don't know their exact location. "
      "Only searches within allowed directories.",
      R"({"type":"object","properties":{"path":{"type":"string"},"pattern":{"type":"string"},)"
      R"("excludePatterns":{"default":[],"type":"array","items":{"type":"string"}}},"required":["path","pattern"]})",
      kReadOnly, nullptr, &FilesystemPlugin::search_files);
  add("get_file_info", "Get File Info",
      "Retrieve detailed metadata about a file or directory. Returns comprehensive "
      "information including size, creation time, last modified time, permissions, "
      "and type. This tool is perfect for understanding file characteristics "
      "without reading the actual content. Only works within allowed directories.",
      kPathSchema, kReadOnly,
      R"({"type":"object","properties":{"size":{"type":"integer"},"created":{"type":"string"},)"
      R"("modified":{"type":"string"},"accessed":{"type":"string"},"isDirectory":{"type":"boolean"},)"
      R"("isFile":{"type":"boolean"},"permissions":{"type":"string"},"path":{"type":"string"}},)"
      R"("required":["size","created","modified","accessed","isDirectory","isFile","permissions"]})",
      &FilesystemPlugin::get_file_info);
  add("list_allowed_directories", "List Allowed Directories",
      "Returns the list of directories that this server is allowed to access. "
      "Subdirectories within these allowed directories are also accessible. "
      "Use this to understand which directories and their nested paths are available "
      "before trying to access files.",
      R"({"type":"object","properties":{}})", kReadOnly,
      R"({"type":"object","properties":{"directories":{"type":"array","items":{"type":"string"}}},"required":["directories"]})",
      &FilesystemPlugin::list_allowed_directories);

  mcpp::ResourceTemplateSpec tmpl;
  tmpl.uri_template = "file:///{+path}";
  tmpl.name = "file";
  tmpl.title = "Files under the allowed directories";
  tmpl.description =
      "A file under one of the allowed directories, by absolute path (file:///srv/data/a.txt). "
      "Text files are returned as text, others as a base64 blob, with a detected MIME type.";
  reg.add_resource_template(tmpl, [this](mcpp::Call& c, std::string_view uri, std::string_view vars,
                                         mcpp::Result& r) {
    std::shared_ptr<const Roots> roots = effective_roots(c, &r);
    if (roots) read_resource(c, *roots, uri, vars, r);
  });

  mcpp::PromptSpec explore;
  explore.name = "explore_directory";
  explore.title = "Explore a directory";
  explore.description = "Survey a directory tree and summarise what it holds, using the filesystem tools.";
  explore.arguments_json =
      R"J([{"name":"path","description":"The directory to explore (default: the first allowed directory)","required":false}])J";
  reg.add_prompt(explore, [this](mcpp::Call& c, std::string_view args, mcpp::Result& r) {
    auto a = parse_args(args);
    std::shared_ptr<const Roots> roots = effective_roots(c, nullptr);
    std::string path;
    if (a.HasMember("path") && a["path"].IsString()) path = a["path"].GetString();
    if (path.empty()) path = roots->list().empty() ? "." : roots->list().front().original;
    r.set_description("Explore " + path);
    r.set_role(MCPP_ROLE_USER);
    r.add_text(
        "Explore the directory " + path +
        " and tell me what it contains.\n\n"
        "1. Call list_allowed_directories to see where you may look.\n"
        "2. Call directory_tree on " + path +
        " with excludePatterns [\"node_modules\", \".git\", \"build\"] to see its layout.\n"
        "3. Call list_directory_with_sizes on the most interesting folders (sortBy \"size\" finds the big files).\n"
        "4. Read the key files (README, build files, entry points) with read_text_file, using head: 60 "
        "for long files, or read_multiple_files for several at once.\n"
        "5. Summarise: purpose, layout, main components, and anything unusual. Do not modify any file.");
  });

  mcpp::PromptSpec edit;
  if (!cfg_.read_only) {
    edit.name = "find_and_edit";
    edit.title = "Find and edit safely";
    edit.description = "Find the files to change, preview every edit as a diff (dryRun), then apply and verify.";
    edit.arguments_json =
        R"([{"name":"pattern","description":"Glob for the files to look at, e.g. **/*.py","required":true},)"
        R"({"name":"change","description":"The change to make","required":true},)"
        R"J({"name":"path","description":"Where to search (default: the first allowed directory)","required":false}])J";
    reg.add_prompt(edit, [this](mcpp::Call& c, std::string_view args, mcpp::Result& r) {
      auto a = parse_args(args);
      std::shared_ptr<const Roots> roots = effective_roots(c, nullptr);
      auto get = [&](const char* k) {
        return a.HasMember(k) && a[k].IsString() ? std::string(a[k].GetString()) : std::string();
      };
      std::string path = get("path");
      if (path.empty()) path = roots->list().empty() ? "." : roots->list().front().original;
      r.set_description("Find " + get("pattern") + " and edit safely");
      r.set_role(MCPP_ROLE_USER);
      r.add_text(
          "Make this change: " + get("change") + "\n\n"
          "Work safely:\n"
          "1. Call search_files with path " + path + " and pattern \"" + get("pattern") +
          "\" (add excludePatterns such as [\"node_modules\", \".git\"]) to find candidate files.\n"
          "2. Read each candidate with read_text_file (or read_multiple_files) and decide which lines must change.\n"
          "3. For each file, call edit_file with dryRun: true first and show me the unified diff it returns.\n"
          "4. Only when the diff is exactly what is intended, call edit_file again with the same edits and dryRun: false.\n"
          "5. Verify with read_text_file. Never use write_file to rewrite a file you only need to edit, "
          "and never move or overwrite files that were not part of the change.");
    });
  } else {
    edit.name = "find_and_read";
    edit.title = "Find and read";
    edit.description = "Find files by glob and read the relevant ones (read-only).";
    edit.arguments_json =
        R"([{"name":"pattern","description":"Glob for the files, e.g. **/*.md","required":true},)"
        R"({"name":"question","description":"What to find out","required":false}])";
    reg.add_prompt(edit, [this](mcpp::Call&, std::string_view args, mcpp::Result& r) {
      auto a = parse_args(args);
      std::string pattern = a.HasMember("pattern") && a["pattern"].IsString() ? a["pattern"].GetString() : "";
      std::string question = a.HasMember("question") && a["question"].IsString() ? a["question"].GetString() : "";
      r.set_role(MCPP_ROLE_USER);
      r.add_text("Call search_files in each allowed directory (list_allowed_directories) with pattern \"" +
                 pattern + "\", then read the matches with read_multiple_files" +
                 (question.empty() ? std::string(".") : " and answer: " + question) +
                 " The files are read-only here.");
    });
  }

  reg.set_instructions(
      "Filesystem tools work only inside the allowed directories: call list_allowed_directories "
      "first. Preview edits with edit_file dryRun: true before applying them.");
}

}  // namespace fsplug
