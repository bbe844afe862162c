// sql.cpp - SQLite over the columnar frames: a read-only virtual table module
// ("frame"), an authorizer that allows only reading, a progress handler for
// cancellation and deadlines, and the result as {columns, types, rows}.
#include "sql.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <set>

#include "json_out.h"
#include "ops.h"

namespace analytics {

namespace {

// ---- The virtual table ------------------------------------------------------

struct FrameVtab {
  sqlite3_vtab base;  // first: SQLite casts to and from it
  const DataFrame* df;
};

struct FrameCursor {
  sqlite3_vtab_cursor base;
  const DataFrame* df;
  size_t row;
  std::string buf;  // a rewritten datetime
};

const char* DeclType(Type t) {
  switch (t) {
    case Type::Integer: return "INTEGER";
    case Type::Float: return "REAL";
    case Type::Boolean: return "BOOLEAN";            // NUMERIC affinity; 0/1
    case Type::Datetime: return "DATETIME TEXT";     // TEXT affinity (ISO text compares as text)
    case Type::String: return "TEXT";
  }
  return "TEXT";
}

std::string QuoteIdent(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A name as SQL needs it: plain identifiers as they are, others quoted.
std::string AsIdent(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  plain &= !sqlite3_keyword_check(name.data(), static_cast<int>(name.size()));  // "when", "order" ...
  return plain ? name : QuoteIdent(name);
}

// SQL column names of a frame: SQLite compares identifiers without case, so
// a later "A" beside "a" becomes "A_2".
std::vector<std::string> SqlNames(const DataFrame& df) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& c : df.columns) {
    std::string name = c.name.empty() ? "column" : c.name;
    std::string cand = name;
    for (int k = 2; seen.count(lower(cand)); ++k) cand = name + "_" + std::to_string(k);
    seen.insert(lower(cand));
    out.push_back(cand);
  }
  return out;
}

// argv[3] is the index of the table in the module's aux vector.
int VtabConnect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out, char** err) {
  const auto& tables = *static_cast<const std::vector<SqlTable>*>(aux);
  size_t idx = argc > 3 ? static_cast<size_t>(std::strtoull(argv[3], nullptr, 10)) : tables.size();
  if (idx >= tables.size()) {
    *err = sqlite3_mprintf("frame: no such dataset");
    return SQLITE_ERROR;
  }
  const DataFrame& df = *tables[idx].frame;
  std::vector<std::string> names = SqlNames(df);
  std::string decl = "CREATE TABLE x(";
  for (size_t i = 0; i < df.columns.size(); ++i)
    decl += (i ? ", " : "") + QuoteIdent(names[i]) + " " + DeclType(df.columns[i].type);
  if (df.columns.empty()) decl += "\"(no columns)\" TEXT HIDDEN";
  decl += ")";
  int rc = sqlite3_declare_vtab(db, decl.c_str());
  if (rc != SQLITE_OK) {
    *err = sqlite3_mprintf("frame: %s", sqlite3_errmsg(db));
    return rc;
  }
  auto* v = static_cast<FrameVtab*>(sqlite3_malloc(sizeof(FrameVtab)));
  if (!v) return SQLITE_NOMEM;
  std::memset(v, 0, sizeof *v);
  v->df = &df;
  *out = &v->base;
  return SQLITE_OK;
}

int VtabDisconnect(sqlite3_vtab* v) {
  sqlite3_free(v);
  return SQLITE_OK;
}

// Always a full scan: SQLite applies the WHERE itself. The cost tells the
// planner how big the table is, so joins put the small side inside.
int VtabBestIndex(sqlite3_vtab* v, sqlite3_index_info* info) {
  const auto* t = reinterpret_cast<FrameVtab*>(v);
  info->estimatedCost = static_cast<double>(t->df->rows) + 1.0;
  info->estimatedRows = static_cast<sqlite3_int64>(t->df->rows);
  return SQLITE_OK;
}

int VtabOpen(sqlite3_vtab* v, sqlite3_vtab_cursor** out) {
  auto* c = new (std::nothrow) FrameCursor{};
  if (!c) return SQLITE_NOMEM;
  c->df = reinterpret_cast<FrameVtab*>(v)->df;
  *out = &c->base;
  return SQLITE_OK;
}

int VtabClose(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<FrameCursor*>(c);
  return SQLITE_OK;
}

int VtabFilter(sqlite3_vtab_cursor* c, int, const char*, int, sqlite3_value**) {
  reinterpret_cast<FrameCursor*>(c)->row = 0;
  return SQLITE_OK;
}

int VtabNext(sqlite3_vtab_cursor* c) {
  ++reinterpret_cast<FrameCursor*>(c)->row;
  return SQLITE_OK;
}

int VtabEof(sqlite3_vtab_cursor* c) {
  auto* fc = reinterpret_cast<FrameCursor*>(c);
  return fc->row >= fc->df->rows;
}

int VtabColumn(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int i) {
  auto* fc = reinterpret_cast<FrameCursor*>(c);
  if (i < 0 || static_cast<size_t>(i) >= fc->df->columns.size()) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  const Column& col = fc->df->columns[static_cast<size_t>(i)];
  size_t r = fc->row;
  if (col.is_null(r)) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  switch (col.type) {
    case Type::Integer: sqlite3_result_int64(ctx, col.ints[r]); break;
    case Type::Float:
      if (std::isnan(col.floats[r]))
        sqlite3_result_null(ctx);
      else
        sqlite3_result_double(ctx, col.floats[r]);
      break;
    case Type::Boolean: sqlite3_result_int(ctx, col.bools[r] ? 1 : 0); break;
    case Type::Datetime: {
      std::string_view s = IsoDatetime(col.text(r), fc->buf);
      sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      break;
    }
    case Type::String: {
      std::string_view s = col.text(r);
      // The frame outlives the statement: no copy.
      sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      break;
    }
  }
  return SQLITE_OK;
}

int VtabRowid(sqlite3_vtab_cursor* c, sqlite3_int64* out) {
  *out = static_cast<sqlite3_int64>(reinterpret_cast<FrameCursor*>(c)->row);
  return SQLITE_OK;
}

// No xUpdate: SQLite refuses INSERT/UPDATE/DELETE on these tables itself;
// the authorizer refuses them earlier with a clearer message.
sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 1;
  m.xCreate = VtabConnect;
  m.xConnect = VtabConnect;
  m.xBestIndex = VtabBestIndex;
  m.xDisconnect = VtabDisconnect;
  m.xDestroy = VtabDisconnect;
  m.xOpen = VtabOpen;
  m.xClose = VtabClose;
  m.xFilter = VtabFilter;
  m.xNext = VtabNext;
  m.xEof = VtabEof;
  m.xColumn = VtabColumn;
  m.xRowid = VtabRowid;
  return m;
}
const sqlite3_module kModule = MakeModule();

// ---- Authorizer and progress handler ---------------------------------------

struct Guard {
  std::string denied;  // what was refused, for the error message
  bool setting_up = true;
  const SqlOptions* opt = nullptr;
  bool deadline_hit = false;
  bool cancel_hit = false;
};

const char* ActionName(int action) {
  switch (action) {
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_TRANSACTION: return "transactions";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_ANALYZE: return "ANALYZE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_VTABLE: return "DROP TABLE";
    default: break;
  }
  if (action >= SQLITE_CREATE_INDEX && action <= SQLITE_DROP_VIEW) return "CREATE/DROP";
  return "this statement";
}

int Authorize(void* ud, int action, const char* a1, const char* a2, const char*, const char*) {
  auto* g = static_cast<Guard*>(ud);
  if (g->setting_up) return SQLITE_OK;
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION: {
      std::string_view fn = a2 ? a2 : "";
      if (fn == "load_extension" || fn == "fts3_tokenizer" || fn == "readfile" || fn == "writefile" ||
          fn == "edit") {
        g->denied = "the function " + std::string(fn) + "()";
        return SQLITE_DENY;
      }
      return SQLITE_OK;
    }
    case SQLITE_PRAGMA: {
      // Informational pragmas that only read; every other pragma (and any
      // assignment) is refused.
      std::string_view p = a1 ? a1 : "";
      if (p == "table_info" || p == "table_xinfo" || p == "table_list" || p == "function_list" ||
          p == "collation_list" || p == "module_list")
        return SQLITE_OK;
      g->denied = "PRAGMA " + std::string(p) + (a2 ? " with a value" : "");
      return SQLITE_DENY;
    }
    default:
      g->denied = ActionName(action);
      return SQLITE_DENY;
  }
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int Progress(void* ud) {
  auto* g = static_cast<Guard*>(ud);
  if (g->opt->cancelled && g->opt->cancelled()) {
    g->cancel_hit = true;
    return 1;
  }
  if (g->opt->deadline_unix_ms > 0 && NowUnixMs() >= g->opt->deadline_unix_ms) {
    g->deadline_hit = true;
    return 1;
  }
  return 0;
}

struct Db {
  sqlite3* db = nullptr;
  ~Db() {
    if (db) sqlite3_close_v2(db);
  }
};
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() {
    if (s) sqlite3_finalize(s);
  }
};

bool OnlySpaceAndComments(const char* tail) {
  // What sqlite3_complete-style scanning would skip: whitespace, ';',
  // -- comments and /* */ comments.
  const char* p = tail;
  while (*p) {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ';') {
      ++p;
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p && *p != '\n') ++p;
    } else if (p[0] == '/' && p[1] == '*') {
      const char* e = std::strstr(p + 2, "*/");
      if (!e) return true;
      p = e + 2;
    } else {
      return false;
    }
  }
  return true;
}

std::string ValueText(sqlite3_stmt* st, int i, bool boolean) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return "";
    case SQLITE_INTEGER: {
      sqlite3_int64 v = sqlite3_column_int64(st, i);
      if (boolean && (v == 0 || v == 1)) return v ? "True" : "False";
      return std::to_string(v);
    }
    case SQLITE_FLOAT: {
      double v = sqlite3_column_double(st, i);
      if (!std::isfinite(v)) return "";
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.10g", v);
      return buf;
    }
    case SQLITE_BLOB: return "<" + std::to_string(sqlite3_column_bytes(st, i)) + " bytes>";
    default: {
      const unsigned char* t = sqlite3_column_text(st, i);
      return ToValidUtf8(std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(st, i))));
    }
  }
}

}  // namespace

std::string_view IsoDatetime(std::string_view s, std::string& buf) {
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  if (digit(0) && digit(1) && digit(2) && digit(3) && s.size() >= 10 && s[4] == '-' && digit(5) && digit(6) &&
      s[7] == '-' && digit(8) && digit(9) && (s.size() == 10 || s[10] == 'T' || s[10] == ' '))
    return s;
  double epoch = 0;
  if (!ParseDatetime(s, &epoch)) return s;
  double whole = std::floor(epoch);
  std::time_t tt = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[48];
  bool has_time = s.find(':') != std::string_view::npos;
  if (!has_time) {
    std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  } else {
    size_t n = std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
    int micros = static_cast<int>(std::lround((epoch - whole) * 1e6));
    if (micros > 0 && micros < 1000000) {
      std::snprintf(out + n, sizeof out - n, ".%06d", micros);
      std::string_view o(out);
      while (o.back() == '0') o.remove_suffix(1);
      buf.assign(o);
      return buf;
    }
  }
  buf.assign(out);
  return buf;
}

std::string DescribeTables(const std::vector<SqlTable>& tables) {
  if (tables.empty()) return "(no datasets are loaded; call load_data first)";
  std::string s;
  size_t shown = 0;
  for (const auto& t : tables) {
    if (shown++ == 20) {
      s += "; ... (" + std::to_string(tables.size()) + " tables in all)";
      break;
    }
    if (!s.empty()) s += "; ";
    s += AsIdent(t.name) + "(";
    std::vector<std::string> names = SqlNames(*t.frame);
    for (size_t i = 0; i < names.size(); ++i) {
      if (i == 30) {
        s += ", ...";
        break;
      }
      std::string decl = DeclType(t.frame->columns[i].type);
      for (char& c : decl) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      s += (i ? ", " : "") + AsIdent(names[i]) + " " + decl;
    }
    s += ")";
  }
  return s;
}

SqlResult RunQuery(const std::string& sql, const std::vector<SqlTable>& tables, const SqlOptions& opt) {
  Db db;
  if (sqlite3_open_v2(":memory:", &db.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    throw std::runtime_error("cannot open an SQLite connection");
  sqlite3_db_config(db.db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db.db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_limit(db.db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(db.db, SQLITE_LIMIT_LENGTH, 64 << 20);  // no gigabyte zeroblob()/printf()
  sqlite3_limit(db.db, SQLITE_LIMIT_SQL_LENGTH, 1 << 20);
  Guard guard;
  guard.opt = &opt;
  sqlite3_set_authorizer(db.db, Authorize, &guard);
  if (sqlite3_create_module_v2(db.db, "frame", &kModule, const_cast<std::vector<SqlTable>*>(&tables), nullptr) !=
      SQLITE_OK)
    throw std::runtime_error(std::string("cannot register the frame module: ") + sqlite3_errmsg(db.db));
  for (size_t i = 0; i < tables.size(); ++i) {
    std::string ddl = "CREATE VIRTUAL TABLE main." + QuoteIdent(tables[i].name) + " USING frame(" + std::to_string(i) + ")";
    char* err = nullptr;
    if (sqlite3_exec(db.db, ddl.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("cannot expose dataset " + tables[i].name + ": " + msg);
    }
  }
  guard.setting_up = false;
  sqlite3_progress_handler(db.db, 4000, Progress, &guard);

  auto sql_error = [&](const std::string& what) {
    return UserError("SQL error: " + what + ". Tables: " + DescribeTables(tables) +
                     ". Write one SELECT; quote names that are not plain identifiers with double quotes "
                     "(\"my-data\"); booleans are 0/1, datetimes ISO text (compare with '2024-01-31' or date()).");
  };
  auto stopped = [&]() -> QueryStopped {
    if (guard.cancel_hit) return QueryStopped("the query was cancelled", false);
    return QueryStopped("the query ran past its deadline and was stopped; narrow it (WHERE, LIMIT) or aggregate", true);
  };

  Stmt st;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db.db, sql.c_str(), static_cast<int>(sql.size()), &st.s, &tail);
  auto denied = [&](const std::string& what) {
    return UserError(what + " is not allowed: query is read-only (one SELECT over the datasets; PRAGMA "
                     "table_info(name) to see a table's columns). Tables: " + DescribeTables(tables) + ".");
  };
  if (rc != SQLITE_OK) {
    if (!guard.denied.empty()) throw denied(guard.denied);
    // Writes to the frame tables fail before the authorizer is asked (the
    // module has no xUpdate): name the statement all the same.
    if (std::strstr(sqlite3_errmsg(db.db), "may not be modified")) {
      std::string verb;
      for (char c : sql) {
        if (std::isalpha(static_cast<unsigned char>(c)))
          verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        else if (!verb.empty())
          break;
      }
      throw denied(verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" || verb == "REPLACE" ? verb : "writing");
    }
    if (guard.cancel_hit || guard.deadline_hit) throw stopped();
    throw sql_error(sqlite3_errmsg(db.db));
  }
  if (!st.s) throw sql_error("the query is empty");
  if (tail && !OnlySpaceAndComments(tail)) throw sql_error("only one statement per call (found more after the first ';')");
  if (!sqlite3_stmt_readonly(st.s))
    throw UserError("query is read-only: only SELECT (and read-only PRAGMAs) may run. Tables: " +
                    DescribeTables(tables) + ".");

  SqlResult out;
  const int ncols = sqlite3_column_count(st.s);
  std::vector<bool> is_bool(static_cast<size_t>(ncols), false);
  std::vector<std::string> decl(static_cast<size_t>(ncols));
  for (int i = 0; i < ncols; ++i) {
    const char* n = sqlite3_column_name(st.s, i);
    out.columns.emplace_back(n ? n : "");
    const char* d = sqlite3_column_decltype(st.s, i);
    decl[static_cast<size_t>(i)] = d ? d : "";
    is_bool[static_cast<size_t>(i)] = decl[static_cast<size_t>(i)] == "BOOLEAN";
  }
  // Seen storage classes per column: bit 1 int, 2 float, 4 text, 8 blob.
  std::vector<int> seen(static_cast<size_t>(ncols), 0);
  std::vector<std::vector<std::string>> table;
  table.push_back(out.columns);

  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartArray();
  while (true) {
    rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if (rc == SQLITE_INTERRUPT || guard.cancel_hit || guard.deadline_hit) throw stopped();
      throw sql_error(sqlite3_errmsg(db.db));
    }
    if (out.row_count == opt.max_rows) {
      out.truncated = true;
      break;
    }
    ++out.row_count;
    w.StartArray();
    std::vector<std::string> line;
    bool keep_text = table.size() <= opt.text_rows;
    for (int i = 0; i < ncols; ++i) {
      size_t k = static_cast<size_t>(i);
      switch (sqlite3_column_type(st.s, i)) {
        case SQLITE_NULL: w.Null(); break;
        case SQLITE_INTEGER: {
          sqlite3_int64 v = sqlite3_column_int64(st.s, i);
          seen[k] |= 1;
          if (is_bool[k] && (v == 0 || v == 1))
            w.Bool(v != 0);
          else
            w.Int64(v);
          break;
        }
        case SQLITE_FLOAT: seen[k] |= 2; Num(w, sqlite3_column_double(st.s, i)); break;
        case SQLITE_BLOB: {
          seen[k] |= 8;
          // Blobs (rare: randomblob(), x'..') as lowercase hex text.
          const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st.s, i));
          int n = sqlite3_column_bytes(st.s, i);
          std::string hex;
          static const char* kHex = "0123456789abcdef";
          for (int j = 0; j < n; ++j) {
            hex += kHex[b[j] >> 4];
            hex += kHex[b[j] & 15];
          }
          w.String(hex.data(), static_cast<rapidjson::SizeType>(hex.size()));
          break;
        }
        default: {
          seen[k] |= 4;
          const unsigned char* t = sqlite3_column_text(st.s, i);
          Str(w, std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(st.s, i))));
          break;
        }
      }
      if (keep_text) line.push_back(ValueText(st.s, i, is_bool[k]));
    }
    w.EndArray();
    if (keep_text) table.push_back(std::move(line));
  }
  w.EndArray();
  out.rows_json.assign(sb.GetString(), sb.GetSize());

  for (int i = 0; i < ncols; ++i) {
    size_t k = static_cast<size_t>(i);
    const std::string& d = decl[k];
    std::string t;
    if (d == "INTEGER") t = "integer";
    else if (d == "REAL") t = "float";
    else if (d == "BOOLEAN") t = "boolean";
    else if (d == "DATETIME TEXT") t = "datetime";
    else if (d == "TEXT") t = "string";
    else if (seen[k] == 0) t = "null";
    else if (seen[k] == 1) t = "integer";
    else if (seen[k] == 2 || seen[k] == 3) t = "float";
    else if (seen[k] == 4) t = "string";
    else if (seen[k] == 8) t = "blob";
    else t = "mixed";
    out.types.push_back(t);
  }

  out.text = TextTable(table);
  if (out.row_count + 1 > table.size())
    out.text += "(" + std::to_string(table.size() - 1) + " of " + std::to_string(out.row_count) +
                " rows shown here; all of them are in structuredContent)\n";
  out.text += std::to_string(out.row_count) + (out.row_count == 1 ? " row" : " rows");
  if (out.truncated)
    out.text += " (truncated at max_rows = " + std::to_string(opt.max_rows) +
                "; add LIMIT/OFFSET or aggregate to see the rest)";
  out.text += "\n";
  return out;
}

}  // namespace analytics
