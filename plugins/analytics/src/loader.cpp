#include "loader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace analytics {

std::string LoadOptions::key() const {
  std::string k = "format=" + format + ";delimiter=";
  if (delimiter == '\t')
    k += "\\t";
  else if (delimiter)
    k += delimiter;
  k += ";header=" + std::to_string(header);
  return k;
}

namespace {

constexpr uint64_t kProgressStep = 4u << 20;  // report every 4 MiB

std::string LowerExt(std::string_view name) {
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return {};
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string DelimName(char d) {
  switch (d) {
    case '\t': return "tab";
    case ',': return "comma";
    case ';': return "semicolon";
    case '|': return "pipe";
    case ' ': return "space";
    default: return std::string(1, d);
  }
}

// ---- CSV tokenizer ---------------------------------------------------------

class CsvReader {
 public:
  CsvReader(std::string_view data, char delim) : d_(data), delim_(delim) {}

  // Reads the next record; false at the end. Blank lines are skipped.
  bool next(std::vector<std::string_view>& fields) {
    for (;;) {
      if (pos_ >= d_.size()) return false;
      record_line_ = line_;
      fields.clear();
      used_ = 0;
      bool quoted_any = false;
      for (;;) {
        std::string_view field;
        if (pos_ < d_.size() && d_[pos_] == '"') {
          quoted_any = true;
          field = quoted();
        } else {
          size_t start = pos_;
          while (pos_ < d_.size()) {
            char c = d_[pos_];
            if (c == delim_ || c == '\n' || c == '\r') break;
            ++pos_;
          }
          field = d_.substr(start, pos_ - start);
        }
        fields.push_back(field);
        if (pos_ >= d_.size()) break;
        char c = d_[pos_];
        if (c == delim_) {
          ++pos_;
          if (pos_ >= d_.size()) {
            fields.push_back(std::string_view());
            break;
          }
          continue;
        }
        // End of line.
        ++pos_;
        if (c == '\r' && pos_ < d_.size() && d_[pos_] == '\n') ++pos_;
        ++line_;
        break;
      }
      if (fields.size() == 1 && fields[0].empty() && !quoted_any) continue;  // blank line
      return true;
    }
  }
  size_t record_line() const { return record_line_; }
  size_t pos() const { return pos_; }

 private:
  std::string_view quoted() {
    size_t open_line = line_;
    ++pos_;  // opening quote
    size_t start = pos_;
    bool escaped = false;
    size_t end;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(d_.data() + pos_, '"', d_.size() - pos_));
      if (!q) {
        throw LoadError("malformed CSV: the quoted field starting on line " + std::to_string(open_line) +
                        " is never closed (a missing '\"'). Fix the quoting in the file, or load it "
                        "with a different delimiter if quotes are literal text.");
      }
      size_t qi = static_cast<size_t>(q - d_.data());
      line_ += static_cast<size_t>(std::count(d_.data() + pos_, q, '\n'));
      if (qi + 1 < d_.size() && d_[qi + 1] == '"') {
        escaped = true;
        pos_ = qi + 2;
        continue;
      }
      end = qi;
      pos_ = qi + 1;
      break;
    }
    std::string_view inner = d_.substr(start, end - start);
    // Text after the closing quote up to the delimiter is kept, as pandas does.
    size_t tail_start = pos_;
    while (pos_ < d_.size() && d_[pos_] != delim_ && d_[pos_] != '\n' && d_[pos_] != '\r') ++pos_;
    std::string_view tail = d_.substr(tail_start, pos_ - tail_start);
    if (!escaped && tail.empty()) return inner;
    if (used_ == scratch_.size()) scratch_.emplace_back();
    std::string& s = scratch_[used_++];
    s.clear();
    for (size_t i = 0; i < inner.size(); ++i) {
      s.push_back(inner[i]);
      if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
    }
    s.append(tail.data(), tail.size());
    return s;
  }

  std::string_view d_;
  char delim_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 1;
  std::vector<std::string> scratch_;
  size_t used_ = 0;
};

std::vector<std::string> HeaderNames(const std::vector<std::string_view>& first, size_t ncols, bool header) {
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < ncols; ++i) {
    std::string n;
    if (header) {
      n = i < first.size() ? std::string(first[i]) : std::string();
      if (n.empty()) n = "Unnamed: " + std::to_string(i);
    } else {
      n = "column_" + std::to_string(i + 1);
    }
    // pandas' de-duplication: a, a.1, a.2 ...
    std::string base = n;
    for (int k = 1; seen.count(n); ++k) n = base + "." + std::to_string(k);
    seen.insert(n);
    names.push_back(std::move(n));
  }
  return names;
}

// Drops the pages of a mapped file before `upto` from the process's resident
// set (they stay in the page cache and fault back in if read again): each
// pass reads the file once front to back, so the file and the columns need
// not be resident together. Only for mmap'd text: on heap memory
// MADV_DONTNEED would zero it.
void ReleaseBehind(std::string_view text, size_t upto, bool mapped) {
  if (!mapped) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t base = reinterpret_cast<uintptr_t>(text.data()) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(text.data()) + std::min(upto, text.size())) & ~(page - 1);
  if (end > base) ::madvise(reinterpret_cast<void*>(base), end - base, MADV_DONTNEED);
}

Type Narrowest(std::string_view cell) {
  TypeTracker t;
  t.observe(cell);
  return t.result();
}

DataFrame ParseCsv(std::string_view text, const LoadOptions& opt, const ProgressFn& progress,
                   size_t max_bytes, LoadInfo* info, bool mapped) {
  char delim = opt.delimiter ? opt.delimiter : SniffDelimiter(text);
  const uint64_t total = text.size() * 2;
  std::vector<std::string_view> fields;

  // Header decision on a sample: the first record against the next ones.
  bool header = opt.header != 0;
  std::vector<std::string> first_row;
  {
    CsvReader r(text, delim);
    if (!r.next(fields)) {
      DataFrame empty;
      if (info) *info = LoadInfo{"csv", delim, header, text.size()};
      return empty;
    }
    std::vector<std::string_view> first = fields;
    for (auto f : first) first_row.emplace_back(f);
    if (opt.header < 0) {
      std::vector<TypeTracker> sample(first.size());
      size_t n = 0;
      while (n < 500 && r.next(fields)) {
        for (size_t i = 0; i < fields.size() && i < sample.size(); ++i) sample[i].observe(fields[i]);
        ++n;
      }
      // Votes as Python's csv.Sniffer.has_header casts them: a typed
      // column whose first cell has another (narrowest) type votes for a
      // header ("1960" over floats too), one whose first cell has the same
      // type votes against. No votes or a tie: a header, pandas' default.
      header = true;
      if (n > 0) {
        int votes = 0, cast = 0;
        for (size_t i = 0; i < sample.size(); ++i) {
          if (!sample[i].any || IsNaToken(first_row[i])) continue;
          Type t = sample[i].result();
          if (t == Type::String) continue;
          ++cast;
          votes += Narrowest(first_row[i]) == t ? -1 : 1;
        }
        header = cast == 0 || votes >= 0;
      }
    }
  }

  // Pass 1: types, row count, shape errors.
  CsvReader r1(text, delim);
  size_t ncols = first_row.size();
  std::vector<TypeTracker> trackers(ncols);
  std::vector<size_t> text_bytes(ncols, 0);
  size_t rows = 0;
  uint64_t next_report = kProgressStep;
  size_t next_release = kProgressStep;
  bool skip_first = header;
  while (r1.next(fields)) {
    if (skip_first) {
      skip_first = false;
      continue;
    }
    if (fields.size() > ncols) {
      throw LoadError("malformed CSV line " + std::to_string(r1.record_line()) + ": expected " +
                      std::to_string(ncols) + " fields, saw " + std::to_string(fields.size()) +
                      " (delimiter: " + DelimName(delim) +
                      "). Quote fields that contain the delimiter, or pass `delimiter` explicitly if "
                      "the sniffed one is wrong.");
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      trackers[i].observe(fields[i]);
      text_bytes[i] += fields[i].size();
    }
    ++rows;
    if (r1.pos() >= next_release) {
      next_release = r1.pos() + kProgressStep;
      ReleaseBehind(text, r1.pos() - std::min<size_t>(r1.pos(), 1u << 20), mapped);
    }
    if (progress && r1.pos() >= next_report) {
      next_report = r1.pos() + kProgressStep;
      if (!progress(r1.pos(), total)) throw LoadCancelled();
    }
  }

  std::vector<Type> types(ncols);
  size_t estimate = 0;
  for (size_t i = 0; i < ncols; ++i) {
    types[i] = trackers[i].result();
    estimate += (types[i] == Type::Boolean ? 1 : 8) * rows;
    if (types[i] == Type::String || types[i] == Type::Datetime) estimate += text_bytes[i];
  }
  if (max_bytes && estimate > max_bytes) {
    throw LoadTooLarge("the dataset needs about " + std::to_string(estimate >> 20) +
                       " MiB in memory, over the limit of " + std::to_string(max_bytes >> 20) + " MiB");
  }

  // Pass 2: typed columns.
  std::vector<std::string> names = HeaderNames(
      std::vector<std::string_view>(first_row.begin(), first_row.end()), ncols, header);
  std::vector<ColumnBuilder> builders;
  builders.reserve(ncols);
  for (size_t i = 0; i < ncols; ++i) builders.emplace_back(names[i], types[i], rows, text_bytes[i]);
  CsvReader r2(text, delim);
  skip_first = header;
  next_report = kProgressStep;
  next_release = kProgressStep;
  while (r2.next(fields)) {
    if (skip_first) {
      skip_first = false;
      continue;
    }
    for (size_t i = 0; i < ncols; ++i) {
      if (i < fields.size())
        builders[i].add(fields[i]);
      else
        builders[i].add_null();
    }
    if (r2.pos() >= next_release) {
      next_release = r2.pos() + kProgressStep;
      ReleaseBehind(text, r2.pos() - std::min<size_t>(r2.pos(), 1u << 20), mapped);
    }
    if (progress && r2.pos() >= next_report) {
      next_report = r2.pos() + kProgressStep;
      if (!progress(text.size() + r2.pos(), total)) throw LoadCancelled();
    }
  }
  DataFrame df;
  df.rows = rows;
  for (auto& b : builders) df.columns.push_back(b.finish());
  if (info) *info = LoadInfo{"csv", delim, header, text.size()};
  return df;
}

// ---- JSON ----------------------------------------------------------------

struct JsonColumnState {
  std::string name;
  bool saw_int = false, saw_float = false, saw_bool = false, saw_string = false, saw_other = false;
  bool all_datetime = true;
  size_t text_bytes = 0;
  Type type() const {
    int kinds = (saw_int || saw_float) + saw_bool + saw_string + saw_other;
    if (kinds == 0) return Type::Float;
    if (kinds > 1 || saw_other) return Type::String;
    if (saw_float) return Type::Float;
    if (saw_int) return Type::Integer;
    if (saw_bool) return Type::Boolean;
    return all_datetime ? Type::Datetime : Type::String;
  }
};

std::string JsonText(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

class JsonFrameBuilder {
 public:
  // Pass 1.
  void observe(const rapidjson::Value& rec, size_t index) {
    if (!rec.IsObject()) {
      throw LoadError("JSON record " + std::to_string(index + 1) +
                      " is not an object: the file must be an array of records "
                      "([{\"col\": value, ...}, ...]) or JSON Lines (one object per line).");
    }
    for (auto& m : rec.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      auto it = index_.find(key);
      size_t c;
      if (it == index_.end()) {
        c = cols_.size();
        index_.emplace(key, c);
        cols_.push_back(JsonColumnState{key});
      } else {
        c = it->second;
      }
      JsonColumnState& s = cols_[c];
      const auto& v = m.value;
      if (v.IsNull()) continue;
      if (v.IsBool()) {
        s.saw_bool = true;
      } else if (v.IsInt64()) {
        s.saw_int = true;
      } else if (v.IsNumber()) {
        s.saw_float = true;
      } else if (v.IsString()) {
        std::string_view sv(v.GetString(), v.GetStringLength());
        s.saw_string = true;
        s.text_bytes += sv.size();
        if (s.all_datetime && !ParseDatetime(sv)) s.all_datetime = false;
      } else {
        s.saw_other = true;
        s.text_bytes += 16;
      }
    }
    ++rows_;
  }
  void start_fill(size_t max_bytes) {
    size_t estimate = 0;
    for (auto& s : cols_) {
      Type t = s.type();
      estimate += (t == Type::Boolean ? 1 : 8) * rows_;
      if (t == Type::String || t == Type::Datetime) estimate += s.text_bytes;
    }
    if (max_bytes && estimate > max_bytes) {
      throw LoadTooLarge("the dataset needs about " + std::to_string(estimate >> 20) +
                         " MiB in memory, over the limit of " + std::to_string(max_bytes >> 20) + " MiB");
    }
    for (auto& s : cols_) builders_.emplace_back(s.name, s.type(), rows_, s.text_bytes);
    seen_.assign(cols_.size(), 0);
  }
  // Pass 2.
  void fill(const rapidjson::Value& rec) {
    std::fill(seen_.begin(), seen_.end(), 0);
    for (auto& m : rec.GetObject()) {
      auto it = index_.find(std::string(m.name.GetString(), m.name.GetStringLength()));
      size_t c = it->second;
      if (seen_[c]) continue;  // duplicate key: the first wins
      seen_[c] = 1;
      ColumnBuilder& b = builders_[c];
      const auto& v = m.value;
      if (v.IsNull())
        b.add_null();
      else if (v.IsBool())
        b.add_bool(v.GetBool());
      else if (v.IsInt64())
        b.add_int(v.GetInt64());
      else if (v.IsNumber())
        b.add_float(v.GetDouble());
      else if (v.IsString())
        b.add_text(std::string_view(v.GetString(), v.GetStringLength()));
      else
        b.add_text(JsonText(v));
    }
    for (size_t c = 0; c < seen_.size(); ++c)
      if (!seen_[c]) builders_[c].add_null();
  }
  DataFrame finish() {
    DataFrame df;
    df.rows = rows_;
    for (auto& b : builders_) df.columns.push_back(b.finish());
    return df;
  }

 private:
  std::vector<JsonColumnState> cols_;
  std::unordered_map<std::string, size_t> index_;
  std::vector<ColumnBuilder> builders_;
  std::vector<uint8_t> seen_;
  size_t rows_ = 0;
};

DataFrame ParseJsonArray(std::string_view text, const ProgressFn& progress, size_t max_bytes) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    size_t off = doc.GetErrorOffset();
    size_t line = 1 + static_cast<size_t>(std::count(text.data(), text.data() + std::min(off, text.size()), '\n'));
    throw LoadError(std::string("malformed JSON on line ") + std::to_string(line) + ": " +
                    rapidjson::GetParseError_En(doc.GetParseError()) +
                    ". Fix the file; for one record per line use format \"jsonl\".");
  }
  if (!doc.IsArray()) {
    throw LoadError(
        "the JSON file is not an array of records. Supported: [{\"col\": value, ...}, ...] or JSON "
        "Lines (one object per line, format \"jsonl\").");
  }
  if (progress && !progress(text.size() / 2, text.size())) throw LoadCancelled();
  JsonFrameBuilder b;
  size_t i = 0;
  for (const auto& rec : doc.GetArray()) b.observe(rec, i++);
  b.start_fill(max_bytes);
  for (const auto& rec : doc.GetArray()) b.fill(rec);
  return b.finish();
}

template <class F>
void ForEachJsonLine(std::string_view text, const ProgressFn& progress, uint64_t base, uint64_t total, F&& f) {
  rapidjson::Document doc;
  size_t pos = 0, line = 0, index = 0;
  uint64_t next_report = kProgressStep;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view l = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (l.empty()) continue;
    doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(l.data(), l.size());
    if (doc.HasParseError()) {
      throw LoadError("malformed JSON Lines line " + std::to_string(line) + ": " +
                      rapidjson::GetParseError_En(doc.GetParseError()) +
                      ". Each line must hold one complete JSON object.");
    }
    f(doc, index++);
    if (progress && pos >= next_report) {
      next_report = pos + kProgressStep;
      if (!progress(base + pos, total)) throw LoadCancelled();
    }
  }
}

DataFrame ParseJsonLines(std::string_view text, const ProgressFn& progress, size_t max_bytes) {
  JsonFrameBuilder b;
  uint64_t total = text.size() * 2;
  ForEachJsonLine(text, progress, 0, total, [&](const rapidjson::Value& v, size_t i) { b.observe(v, i); });
  b.start_fill(max_bytes);
  ForEachJsonLine(text, progress, text.size(), total, [&](const rapidjson::Value& v, size_t) { b.fill(v); });
  return b.finish();
}

// A read-only view of a file (mmap, so the file's bytes are not heap memory).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw LoadError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw LoadError(path + " is not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (p == MAP_FAILED) {
        ::close(fd_);
        throw LoadError("cannot map " + path + ": " + std::strerror(errno));
      }
      data_ = static_cast<const char*>(p);
      ::madvise(p, size_, MADV_SEQUENTIAL);
    }
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view view() const { return std::string_view(data_ ? data_ : "", size_); }

 private:
  int fd_ = -1;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace

char SniffDelimiter(std::string_view text) {
  // Space last, and only when nothing else splits the lines: some data sets
  // (statsmodels' spector, E6) are space-separated.
  static const char kCandidates[] = {',', '\t', ';', '|', ' '};
  std::string_view sample = text.substr(0, std::min<size_t>(text.size(), 256 * 1024));
  // Drop a trailing partial line unless the sample is the whole text.
  if (sample.size() < text.size()) {
    size_t nl = sample.find_last_of('\n');
    if (nl != std::string_view::npos) sample = sample.substr(0, nl + 1);
  }
  char best = ',';
  double best_score = 0;
  std::vector<std::string_view> fields;
  for (char c : kCandidates) {
    if (c == ' ' && best_score > 0) break;
    std::map<size_t, size_t> counts;
    size_t records = 0;
    try {
      CsvReader r(sample, c);
      while (records < 50 && r.next(fields)) {
        counts[fields.size()]++;
        ++records;
      }
    } catch (const LoadError&) {
      continue;  // unbalanced quotes with this delimiter: not it
    }
    if (records == 0) continue;
    size_t mode = 0, mode_count = 0;
    for (auto [k, n] : counts)
      if (n > mode_count || (n == mode_count && k > mode)) mode = k, mode_count = n;
    if (mode < 2) continue;
    double score = 1000.0 * static_cast<double>(mode_count) / static_cast<double>(records) +
                   static_cast<double>(std::min<size_t>(mode, 999));
    if (score > best_score) best_score = score, best = c;
  }
  return best;
}

namespace {

DataFrame LoadAny(std::string_view text, std::string_view name_hint, const LoadOptions& options,
                  const ProgressFn& progress, size_t max_bytes, LoadInfo* info, bool mapped) {
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) text.remove_prefix(3);
  std::string format = options.format;
  LoadOptions opt = options;
  if (format == "auto") {
    std::string ext = LowerExt(name_hint);
    if (ext == "json") {
      format = "json";
    } else if (ext == "jsonl" || ext == "ndjson") {
      format = "jsonl";
    } else if (ext == "tsv" || ext == "tab") {
      format = "tsv";
    } else if (ext == "csv" || ext == "txt" || ext == "dat" || ext == "psv") {
      format = "csv";
    } else {
      size_t i = 0;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && text[i] == '[')
        format = "json";
      else if (i < text.size() && text[i] == '{')
        format = "jsonl";
      else
        format = "csv";
    }
    // A .json file holding one object per line is JSON Lines.
    if (format == "json") {
      size_t i = 0;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && text[i] == '{') format = "jsonl";
    }
  }
  if (format == "tsv") {
    if (!opt.delimiter) opt.delimiter = '\t';
    format = "csv";
  }
  if (format == "csv") return ParseCsv(text, opt, progress, max_bytes, info, mapped);
  DataFrame df;
  if (format == "json")
    df = ParseJsonArray(text, progress, max_bytes);
  else if (format == "jsonl")
    df = ParseJsonLines(text, progress, max_bytes);
  else
    throw LoadError("unsupported format \"" + format + "\": use auto, csv, tsv, json or jsonl");
  if (info) *info = LoadInfo{format, 0, true, text.size()};
  return df;
}

}  // namespace

DataFrame LoadText(std::string_view text, std::string_view name_hint, const LoadOptions& options,
                   const ProgressFn& progress, size_t max_bytes, LoadInfo* info) {
  return LoadAny(text, name_hint, options, progress, max_bytes, info, false);
}

DataFrame LoadFile(const std::string& path, const LoadOptions& options, const ProgressFn& progress,
                   size_t max_bytes, LoadInfo* info) {
  std::string ext = LowerExt(path);
  static const std::unordered_set<std::string> kBinary = {"xlsx", "xls", "parquet", "feather", "zip",
                                                         "gz", "bz2", "xz", "pdf", "png", "jpg", "h5"};
  if (options.format == "auto" && kBinary.count(ext)) {
    throw LoadError("unsupported file type ." + ext +
                    ": load_data reads CSV/TSV, JSON (array of records) and JSON Lines. Export the data "
                    "to CSV first.");
  }
  MappedFile f(path);
  return LoadAny(f.view(), path, options, progress, max_bytes, info, true);
}

}  // namespace analytics
