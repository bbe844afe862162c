#include "store.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <rapidjson/document.h>
#include <string_view>
#include <unordered_set>

#include "json_out.h"
#include "ops.h"
#include "seal.h"
#include "stats.h"

namespace analytics {

namespace {

std::string Canonical(const std::string& p) {
  char buf[PATH_MAX];
  if (!::realpath(p.c_str(), buf)) return {};
  return buf;
}

bool Under(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

std::string Mib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

namespace {

// Distinct non-null values by open addressing (a power-of-two table of at
// least twice the values, linear probing): one pass, no node allocations,
// no sorted copy. Numbers are keyed by their 64-bit pattern (-0.0 as 0.0);
// text by row, compared by content.
uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

size_t TableSize(size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  return cap;
}

template <class Get>
size_t DistinctNumbers(const Column& c, Get get) {
  constexpr uint64_t kEmpty = 0x7ff4dead7ff4deadull;  // a NaN payload no parsed value has
  std::vector<uint64_t> table(TableSize(c.rows - c.null_count), kEmpty);
  const size_t mask = table.size() - 1;
  size_t distinct = 0;
  bool empty_key_seen = false;
  for (size_t i = 0; i < c.rows; ++i) {
    if (c.is_null(i)) continue;
    uint64_t k = get(i);
    if (k == kEmpty) {
      distinct += !empty_key_seen;
      empty_key_seen = true;
      continue;
    }
    for (size_t h = Mix(k) & mask;; h = (h + 1) & mask) {
      if (table[h] == k) break;
      if (table[h] == kEmpty) {
        table[h] = k;
        ++distinct;
        break;
      }
    }
  }
  return distinct;
}

size_t DistinctText(const Column& c) {
  std::vector<uint32_t> table(TableSize(c.rows - c.null_count), 0);  // row + 1; 0 = empty
  const size_t mask = table.size() - 1;
  std::hash<std::string_view> hash;
  size_t distinct = 0;
  for (size_t i = 0; i < c.rows; ++i) {
    if (c.is_null(i)) continue;
    std::string_view v = c.text(i);
    for (size_t h = Mix(hash(v)) & mask;; h = (h + 1) & mask) {
      if (table[h] == 0) {
        table[h] = static_cast<uint32_t>(i + 1);
        ++distinct;
        break;
      }
      if (c.text(table[h] - 1) == v) break;
    }
  }
  return distinct;
}

uint64_t Bits(double d) {
  if (d == 0) d = 0.0;  // -0.0 and 0.0 are one value
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

}  // namespace

namespace {

ColumnSchema ColumnSchemaOf(const Column& c, size_t samples) {
  ColumnSchema s;
  s.name = c.name;
  s.type = c.type;
  s.null_count = c.null_count;
  switch (c.type) {
    case Type::Integer:
      s.unique_count = DistinctNumbers(c, [&](size_t i) { return static_cast<uint64_t>(c.ints[i]); });
      break;
    case Type::Float: s.unique_count = DistinctNumbers(c, [&](size_t i) { return Bits(c.floats[i]); }); break;
    case Type::Boolean: s.unique_count = DistinctNumbers(c, [&](size_t i) { return uint64_t{c.bools[i]}; }); break;
    default:
      // Row numbers are stored in 32 bits: beyond that, a hash set.
      if (c.rows < 0xFFFFFFFFull) {
        s.unique_count = DistinctText(c);
      } else {
        std::unordered_set<std::string_view> seen;
        for (size_t i = 0; i < c.rows; ++i)
          if (!c.is_null(i)) seen.insert(c.text(i));
        s.unique_count = seen.size();
      }
  }
  // Samples: the first distinct values in row order.
  std::vector<std::string> shown;
  for (size_t i = 0; i < c.rows && s.sample_rows.size() < samples; ++i) {
    if (c.is_null(i)) continue;
    std::string d = c.display(i);
    if (std::find(shown.begin(), shown.end(), d) != shown.end()) continue;
    shown.push_back(std::move(d));
    s.sample_rows.push_back(i);
  }
  return s;
}

}  // namespace

// Columns are independent: up to four threads (as many as there are cores)
// take them in turn, so the unique counts of a wide file cost less wall time.
std::vector<ColumnSchema> DiscoverSchema(const DataFrame& df, size_t samples) {
  std::vector<ColumnSchema> out(df.columns.size());
  size_t workers = std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, df.columns.size()});
  if (df.rows < 100000) workers = 1;  // not worth a thread
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failed;  // the first exception (out of memory), rethrown here
  auto work = [&] {
    try {
      for (size_t i; (i = next.fetch_add(1)) < df.columns.size();) out[i] = ColumnSchemaOf(df.columns[i], samples);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failed) failed = std::current_exception();
      next = df.columns.size();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  if (failed) std::rethrow_exception(failed);
  return out;
}

Store::Store(StoreConfig config) : cfg_(std::move(config)) {}

bool Store::IsHandle(const std::string& s) {
  return s.size() > 8 && s.compare(0, 4, "ds1.") == 0 && s.find('.', 4) != std::string::npos;
}

bool Store::ValidDataId(const std::string& s) {
  if (s.empty() || s.size() > 64 || IsHandle(s) || s[0] == '.') return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

std::string Store::ResolvePath(const std::string& file_path) const {
  if (cfg_.roots.empty()) {
    throw UserError(
        "no data folders are configured: the analytics plugin reads files only under its `roots` config key. "
        "Ask the operator to set roots (e.g. roots: [/srv/data]) in the plugin's config.");
  }
  std::string p = file_path;
  if (p.rfind("file://", 0) == 0) p = p.substr(7);
  if (p.empty()) throw UserError("file_path is empty");
  if (p[0] != '/') p = cfg_.roots[0] + "/" + p;
  std::string canon = Canonical(p);
  std::string roots;
  for (const auto& r : cfg_.roots) roots += (roots.empty() ? "" : ", ") + r;
  if (canon.empty()) {
    throw UserError("cannot find " + file_path + " (" + std::strerror(errno) +
                    "). Paths are absolute or relative to the first root; allowed roots: " + roots + ".");
  }
  for (const auto& r : cfg_.roots)
    if (Under(canon, r)) {
      struct stat st;
      if (::stat(canon.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw UserError(file_path + " is not a regular file; give the path of a CSV, TSV, JSON or JSON Lines file.");
      return canon;
    }
  throw UserError(file_path + " is outside the allowed data folders (" + roots +
                  "). Move or copy the file under one of them, or ask the operator to add its folder to the "
                  "plugin's `roots`.");
}

size_t Store::TotalLocked() const {
  size_t n = 0;
  std::vector<const DataFrame*> seen;
  for (const auto& [id, ds] : datasets_) {
    const DataFrame* f = ds->frame.get();
    bool dup = false;
    for (auto* s : seen) dup |= s == f;
    if (dup) continue;
    seen.push_back(f);
    n += f->memory_bytes();
  }
  return n;
}

size_t Store::total_bytes() const {
  std::lock_guard lock(mu_);
  return TotalLocked();
}

std::shared_ptr<const Dataset> Store::Load(const std::string& file_path, const std::string& data_id,
                                           const LoadOptions& options, const ProgressFn& progress) {
  if (!ValidDataId(data_id)) {
    throw UserError("data_id \"" + data_id +
                    "\" is not usable: use 1-64 letters, digits, '_', '-' or '.', e.g. \"sales_2024\".");
  }
  return LoadCanonical(ResolvePath(file_path), data_id, options, progress);
}

std::shared_ptr<const Dataset> Store::LoadCanonical(const std::string& path, const std::string& data_id,
                                                    const LoadOptions& options, const ProgressFn& progress) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw UserError("cannot read " + path + ": " + std::strerror(errno));
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  std::string key = path + "|" + std::to_string(st.st_size) + "|" + std::to_string(mtime) + "|" + options.key();
  auto ds = std::make_shared<Dataset>();
  ds->data_id = data_id;
  ds->path = path;
  ds->options = options;
  ds->file_size = static_cast<uint64_t>(st.st_size);
  ds->file_mtime_ns = mtime;
  ds->handle = IsHandle(data_id) ? data_id : MakeHandle(path, options, data_id);
  size_t budget;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) ds->frame = it->second.lock();
    size_t total = TotalLocked();
    if (datasets_.size() >= cfg_.max_datasets && !datasets_.count(data_id))
      throw UserError("already " + std::to_string(datasets_.size()) + " datasets loaded (max_datasets " +
                      std::to_string(cfg_.max_datasets) + "). Call drop_data on ones you no longer need.");
    // A replaced dataset's memory is given back.
    auto old = datasets_.find(data_id);
    if (old != datasets_.end() && old->second->frame.use_count() <= 2) {
      size_t b = old->second->frame->memory_bytes();
      total = total > b ? total - b : 0;
    }
    size_t room = cfg_.max_total_bytes > total ? cfg_.max_total_bytes - total : 0;
    budget = std::min(cfg_.max_dataset_bytes, room);
  }
  auto start = std::chrono::steady_clock::now();
  if (!ds->frame) {
    LoadInfo info;
    try {
      ds->frame = std::make_shared<const DataFrame>(LoadFile(path, options, progress, budget ? budget : 1, &info));
    } catch (const LoadTooLarge& e) {
      throw UserError(std::string(e.what()) + " (max_dataset_mb " + Mib(cfg_.max_dataset_bytes) + ", max_total_mb " +
                      Mib(cfg_.max_total_bytes) + ", in use " + Mib(total_bytes()) +
                      "). Drop datasets you no longer need (drop_data), or ask the operator to raise the limits.");
    } catch (const LoadError& e) {
      throw UserError(e.what());
    }
    if (ds->frame->memory_bytes() > budget) {
      throw UserError("the dataset takes " + Mib(ds->frame->memory_bytes()) + " in memory, over the " + Mib(budget) +
                      " still allowed (max_dataset_mb / max_total_mb). Drop datasets you no longer need "
                      "(drop_data), or ask the operator to raise the limits.");
    }
    ds->info = info;
  } else {
    ds->info.format = "cached";
  }
  ds->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ds->loaded_at = std::chrono::system_clock::now();
  ds->schema = DiscoverSchema(*ds->frame);
  std::lock_guard lock(mu_);
  cache_[key] = ds->frame;
  for (auto it = cache_.begin(); it != cache_.end();) it = it->second.expired() ? cache_.erase(it) : std::next(it);
  datasets_[data_id] = ds;
  return ds;
}

std::shared_ptr<const Dataset> Store::Put(const std::string& data_id, const std::string& derived_from,
                                          DataFrame frame) {
  if (!ValidDataId(data_id))
    throw UserError("save_as \"" + data_id + "\" is not usable: use 1-64 letters, digits, '_', '-' or '.'.");
  auto ds = std::make_shared<Dataset>();
  ds->data_id = data_id;
  ds->derived_from = derived_from;
  ds->info.format = "derived";
  ds->loaded_at = std::chrono::system_clock::now();
  ds->frame = std::make_shared<const DataFrame>(std::move(frame));
  ds->schema = DiscoverSchema(*ds->frame);
  std::lock_guard lock(mu_);
  if (TotalLocked() + ds->frame->memory_bytes() > cfg_.max_total_bytes)
    throw UserError("saving " + data_id + " would exceed max_total_mb; drop datasets you no longer need first.");
  datasets_[data_id] = ds;
  return ds;
}

std::shared_ptr<const Dataset> Store::Get(const std::string& id, const ProgressFn& progress) {
  {
    std::lock_guard lock(mu_);
    auto it = datasets_.find(id);
    if (it != datasets_.end()) return it->second;
    if (IsHandle(id)) {
      for (const auto& [k, ds] : datasets_)
        if (ds->handle == id) return ds;
    }
  }
  if (IsHandle(id)) {
    std::string path, data_id;
    LoadOptions opt;
    if (!OpenHandle(id, path, opt, data_id)) {
      throw UserError(
          "this dataset handle is not valid here (altered, or sealed with another handle_secret). Load the "
          "file again with load_data(file_path, data_id).");
    }
    bool allowed = false;
    for (const auto& r : cfg_.roots) allowed |= Under(path, r);
    if (!allowed) throw UserError("the handle's file is outside this server's roots; load the file with load_data.");
    if (Canonical(path).empty())
      throw UserError("the handle's file " + path + " no longer exists; load another file with load_data.");
    // Registered under its data_id, unless that names another file here:
    // then under the handle itself.
    std::string key = data_id;
    {
      std::lock_guard lock(mu_);
      auto it = datasets_.find(data_id);
      if (data_id.empty() || (it != datasets_.end() && it->second->path != path)) key = id;
    }
    return LoadCanonical(path, key, opt, progress);
  }
  std::string names;
  {
    std::lock_guard lock(mu_);
    for (const auto& [k, ds] : datasets_) names += (names.empty() ? "" : ", ") + k;
  }
  throw UserError("no dataset \"" + id + "\" is loaded" + (names.empty() ? "" : " (loaded: " + names + ")") +
                  ". Call load_data(file_path, data_id) first, or pass the handle load_data returned.");
}

bool Store::Drop(const std::string& id) {
  std::lock_guard lock(mu_);
  if (datasets_.erase(id)) return true;
  for (auto it = datasets_.begin(); it != datasets_.end(); ++it) {
    if (it->second->handle == id) {
      datasets_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<std::shared_ptr<const Dataset>> Store::List() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const Dataset>> out;
  for (const auto& [k, ds] : datasets_) out.push_back(ds);
  return out;
}

std::string Store::MakeHandle(const std::string& path, const LoadOptions& o, const std::string& data_id) const {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  w.Key("p");
  Str(w, path);
  w.Key("i");
  Str(w, data_id);
  w.Key("f");
  Str(w, o.format);
  w.Key("d");
  w.Int(o.delimiter);
  w.Key("h");
  w.Int(o.header);
  w.EndObject();
  std::string payload = Base64Url(std::string_view(sb.GetString(), sb.GetSize()));
  auto mac = HmacSha256(cfg_.secret, "ds1." + payload);
  return "ds1." + payload + "." + Base64Url(std::string_view(reinterpret_cast<const char*>(mac.data()), 18));
}

bool Store::OpenHandle(const std::string& handle, std::string& path, LoadOptions& o, std::string& data_id) const {
  if (!IsHandle(handle)) return false;
  size_t dot = handle.rfind('.');
  if (dot <= 4) return false;
  std::string signed_part = handle.substr(0, dot);
  std::string mac_text;
  if (!FromBase64Url(std::string_view(handle).substr(dot + 1), mac_text)) return false;
  auto mac = HmacSha256(cfg_.secret, signed_part);
  if (!SameBytes(mac_text, std::string_view(reinterpret_cast<const char*>(mac.data()), 18))) return false;
  std::string payload;
  if (!FromBase64Url(std::string_view(signed_part).substr(4), payload)) return false;
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("p") || !d["p"].IsString()) return false;
  path = d["p"].GetString();
  data_id = d.HasMember("i") && d["i"].IsString() ? d["i"].GetString() : "";
  o.format = d.HasMember("f") && d["f"].IsString() ? d["f"].GetString() : "auto";
  o.delimiter = d.HasMember("d") && d["d"].IsInt() ? static_cast<char>(d["d"].GetInt()) : 0;
  o.header = d.HasMember("h") && d["h"].IsInt() ? d["h"].GetInt() : -1;
  return true;
}

}  // namespace analytics
