// client_roots.cpp - see client_roots.hpp.
#include "client_roots.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mcphost/mcp_plugin.h>
#include <rapidjson/document.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace fsplug {

bool parse_client_roots_mode(std::string_view s, ClientRootsMode* out) {
  if (s == "ignore") *out = ClientRootsMode::kIgnore;
  else if (s == "intersect") *out = ClientRootsMode::kIntersect;
  else if (s == "replace") *out = ClientRootsMode::kReplace;
  else return false;
  return true;
}

const char* client_roots_mode_name(ClientRootsMode m) {
  switch (m) {
    case ClientRootsMode::kIgnore: return "ignore";
    case ClientRootsMode::kIntersect: return "intersect";
    case ClientRootsMode::kReplace: return "replace";
  }
  return "?";
}

bool file_uri_to_path(std::string_view uri, std::string* path, std::string* why) {
  constexpr std::string_view kScheme = "file://";
  if (uri.size() < kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), uri.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    *why = "not a file:// URI";
    return false;
  }
  std::string_view rest = uri.substr(kScheme.size());
  // Like the WHATWG URL parser: the query and the fragment are not the path.
  rest = rest.substr(0, std::min(rest.find('?'), rest.find('#')));
  size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") {
    *why = "a file:// URI with a host (" + std::string(host) + ") names another machine";
    return false;
  }
  if (slash == std::string_view::npos) {
    *why = "a file:// URI without a path";
    return false;
  }
  std::string_view raw = rest.substr(slash);
  for (size_t i = 0; i + 2 < raw.size(); ++i)
    if (raw[i] == '%' && raw[i + 1] == '2' && (raw[i + 2] == 'f' || raw[i + 2] == 'F')) {
      *why = "the path contains an encoded '/' (%2F)";  // fileURLToPath refuses it too
      return false;
    }
  std::string decoded = percent_decode(raw);
  try {
    check_path_string(decoded);  // NUL, UTF-8, lengths
  } catch (const FsError& e) {
    *why = e.what();
    return false;
  }
  *path = normalize_abs(decoded);
  return true;
}

namespace {

bool inside(std::string_view abs, std::string_view dir) {
  if (dir == "/") return !abs.empty() && abs[0] == '/';
  return abs.size() >= dir.size() && abs.compare(0, dir.size(), dir) == 0 &&
         (abs.size() == dir.size() || abs[dir.size()] == '/');
}

/* A client root under intersect: opened by walking from the configured root
 * that holds it (O_NOFOLLOW at each step), never by its path, so a symlink
 * swapped in after realpath cannot make the descriptor point outside. */
bool open_below(const Roots& configured, const std::string& real, Fd* fd, std::string* why) {
  try {
    Resolved r = configured.resolve_existing(real);
    if (!S_ISDIR(r.st.st_mode)) {
      *why = "not a directory";
      return false;
    }
    if (r.rest.empty()) {
      *fd = r.dir.dup();
      return true;
    }
    int f = ::openat(r.dir.get(), r.leaf(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0) {
      *why = errno_message(errno, "open", real);
      return false;
    }
    *fd = Fd(f);
    return true;
  } catch (const FsError& e) {
    *why = e.what();
    return false;
  }
}

}  // namespace

std::shared_ptr<const Roots> derive_roots(const Roots& configured, ClientRootsMode mode,
                                          std::string_view roots_json, RootsLog* log) {
  if (mode == ClientRootsMode::kIgnore) return nullptr;
  rapidjson::Document d;
  d.Parse(roots_json.data(), roots_json.size());
  if (d.HasParseError() || !d.IsArray()) {
    log->emplace_back(MCPP_LOG_WARNING,
                      "filesystem: the client's roots are not a JSON array; keeping the configured roots");
    return nullptr;
  }
  std::vector<Root> out;
  size_t usable = 0;
  auto add = [&](Root r) {
    for (const Root& o : out)
      if (o.real == r.real) return;
    out.push_back(std::move(r));
  };
  for (const auto& item : d.GetArray()) {
    if (!item.IsObject() || !item.HasMember("uri") || !item["uri"].IsString()) {
      log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping a client root without a uri string");
      continue;
    }
    std::string uri(item["uri"].GetString(), item["uri"].GetStringLength());
    std::string path, why;
    if (!file_uri_to_path(uri, &path, &why)) {
      log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping client root " + uri + ": " + why);
      continue;
    }
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) {
      log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping client root " + uri + ": " +
                                               errno_message(errno, "realpath", path));
      continue;
    }
    std::string real = buf;
    struct stat st;
    if (::stat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping client root " + uri + ": not a directory");
      continue;
    }
    ++usable;
    if (mode == ClientRootsMode::kReplace) {
      int f = ::open(real.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (f < 0) {
        log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping client root " + uri + ": " +
                                                 errno_message(errno, "open", real));
        --usable;
        continue;
      }
      add(Root{path, real, Fd(f)});
      continue;
    }
    // intersect: the client root when it lies in a configured root ...
    bool within = false;
    for (const Root& c : configured.list()) within = within || inside(real, c.real);
    if (within) {
      Fd f;
      if (!open_below(configured, real, &f, &why)) {
        log->emplace_back(MCPP_LOG_WARNING, "filesystem: skipping client root " + uri + ": " + why);
        continue;
      }
      add(Root{path, real, std::move(f)});
      continue;
    }
    // ... otherwise the configured roots that lie in it.
    bool any = false;
    for (const Root& c : configured.list())
      if (inside(c.real, real)) {
        add(Root{c.original, c.real, c.fd.dup()});
        any = true;
      }
    if (!any)
      log->emplace_back(MCPP_LOG_WARNING, "filesystem: client root " + uri + " (" + real +
                                              ") is outside the configured roots; not allowed "
                                              "(client_roots: intersect)");
  }
  if (usable == 0) {
    log->emplace_back(MCPP_LOG_WARNING,
                      "filesystem: no valid root directory provided by the client; keeping the configured "
                      "roots");
    return nullptr;
  }
  auto roots = std::make_shared<Roots>();
  std::string reason = "none of the client's roots lies inside the configured roots (" +
                       configured.display_joined() + "; client_roots: intersect)";
  roots->adopt(std::move(out), configured.home(), std::move(reason));
  log->emplace_back(MCPP_LOG_INFO, "filesystem: allowed directories follow the client's roots (" +
                                       std::string(client_roots_mode_name(mode)) + "): " +
                                       (roots->list().empty() ? std::string("none") : roots->display_joined()));
  return roots;
}

std::shared_ptr<const Roots> RootsCache::get(std::string_view key, const Builder& build) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : entries_)
    if (e.first == key) return e.second;
  std::shared_ptr<const Roots> value = build(key);
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  entries_.emplace_back(std::string(key), value);
  return value;
}

size_t RootsCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace fsplug
