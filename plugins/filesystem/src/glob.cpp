// glob.cpp - minimatch(path, pattern, {dot: true}) as the reference server
// uses it: brace expansion, leading-! negation, "#" comments, ** globstar
// segments, and per-segment *, ?, [...] classes with backslash escapes.
// Extglobs (+(a|b) and friends) are matched literally.
#include <cctype>
#include <cstring>

#include "fs_internal.hpp"

namespace fsplug {

namespace {

/* {a,b} expansion, nested; a brace group without a comma stays literal. */
void expand_braces(const std::string& p, std::vector<std::string>& out, int depth = 0) {
  if (depth > 16 || out.size() > 4096) {
    out.push_back(p);
    return;
  }
  size_t open = std::string::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] != '{') continue;
    // find the matching close and top-level commas
    int level = 0;
    std::vector<size_t> commas;
    size_t close = std::string::npos;
    for (size_t j = i; j < p.size(); ++j) {
      if (p[j] == '\\') {
        ++j;
        continue;
      }
      if (p[j] == '{') {
        ++level;
      } else if (p[j] == '}') {
        if (--level == 0) {
          close = j;
          break;
        }
      } else if (p[j] == ',' && level == 1) {
        commas.push_back(j);
      }
    }
    if (close == std::string::npos) break;
    if (commas.empty()) continue;
    open = i;
    std::string pre = p.substr(0, open), post = p.substr(close + 1);
    size_t start = open + 1;
    commas.push_back(close);
    for (size_t c : commas) {
      expand_braces(pre + p.substr(start, c - start) + post, out, depth + 1);
      start = c + 1;
    }
    return;
  }
  out.push_back(p);
}

std::vector<std::string_view> split_slash(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  for (;;) {
    size_t j = s.find('/', i);
    if (j == std::string_view::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_literal(std::string_view p) {
  for (char c : p)
    if (c == '*' || c == '?' || c == '[' || c == '\\') return false;
  return true;
}

/* A [...] class at p[i] (p[i] == '['). Returns the index after ']' or npos
 * when the class is not closed (then '[' is literal). */
size_t match_class(std::string_view p, size_t i, unsigned char c, bool* matched) {
  size_t j = i + 1;
  bool neg = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    neg = true;
    ++j;
  }
  bool hit = false;
  bool first = true;
  while (j < p.size() && (p[j] != ']' || first)) {
    first = false;
    if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      size_t end = p.find(":]", j + 2);
      if (end != std::string_view::npos) {
        std::string_view name = p.substr(j + 2, end - j - 2);
        int ic = c;
        bool r = name == "alpha"   ? std::isalpha(ic)
                 : name == "digit" ? std::isdigit(ic)
                 : name == "alnum" ? std::isalnum(ic)
                 : name == "upper" ? std::isupper(ic)
                 : name == "lower" ? std::islower(ic)
                 : name == "space" ? std::isspace(ic)
                 : name == "punct" ? std::ispunct(ic)
                 : name == "xdigit" ? std::isxdigit(ic)
                                    : false;
        hit = hit || r;
        j = end + 2;
        continue;
      }
    }
    unsigned char lo = static_cast<unsigned char>(p[j]);
    if (lo == '\\' && j + 1 < p.size()) lo = static_cast<unsigned char>(p[++j]);
    ++j;
    unsigned char hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      hi = static_cast<unsigned char>(p[j + 1]);
      if (hi == '\\' && j + 2 < p.size()) {
        hi = static_cast<unsigned char>(p[j + 2]);
        ++j;
      }
      j += 2;
    }
    if (c >= lo && c <= hi) hit = true;
  }
  if (j >= p.size()) return std::string_view::npos;
  *matched = hit != neg;
  return j + 1;
}

/* One path segment against one pattern segment (no '/'). Iterative with
 * single-star backtracking: linear in practice. */
bool match_segment(std::string_view s, std::string_view p) {
  if (is_literal(p)) return s == p;
  if (s == "." || s == "..") return false;
  if (s.empty()) return false;
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        star_p = pi;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++si;
        ++pi;
        continue;
      }
      if (pc == '[') {
        bool m = false;
        size_t next = match_class(p, pi, static_cast<unsigned char>(s[si]), &m);
        if (next != std::string_view::npos) {
          if (m) {
            ++si;
            pi = next;
            continue;
          }
        } else if (s[si] == '[') {
          ++si;
          ++pi;
          continue;
        }
      } else {
        char lit = pc;
        size_t adv = 1;
        if (pc == '\\' && pi + 1 < p.size()) {
          lit = p[pi + 1];
          adv = 2;
        }
        if (s[si] == lit) {
          ++si;
          pi += adv;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

constexpr std::string_view kGlobstar = "\x01**";

bool match_one(const std::vector<std::string_view>& file, size_t fi,
               const std::vector<std::string_view>& pat, size_t pi) {
  size_t fl = file.size(), pl = pat.size();
  for (; fi < fl && pi < pl; ++fi, ++pi) {
    std::string_view p = pat[pi];
    std::string_view f = file[fi];
    if (p == kGlobstar) {
      size_t pr = pi + 1;
      if (pr == pl) {
        for (; fi < fl; ++fi)
          if (file[fi] == "." || file[fi] == "..") return false;
        return true;
      }
      for (size_t fr = fi; fr < fl; ++fr) {
        if (match_one(file, fr, pat, pr)) return true;
        if (file[fr] == "." || file[fr] == "..") break;
      }
      return false;
    }
    if (!match_segment(f, p)) return false;
  }
  if (fi == fl && pi == pl) return true;
  if (fi == fl) return false;
  return fi == fl - 1 && file[fi].empty();
}

}  // namespace

bool glob_match(std::string_view path, std::string_view pattern) {
  if (!pattern.empty() && pattern[0] == '#') return false;
  bool negate = false;
  size_t k = 0;
  while (k < pattern.size() && pattern[k] == '!') {
    negate = !negate;
    ++k;
  }
  pattern = pattern.substr(k);
  std::vector<std::string> alts;
  expand_braces(std::string(pattern), alts);
  std::vector<std::string_view> file = split_slash(path);
  bool hit = false;
  for (const std::string& alt : alts) {
    if (alt.empty()) {
      hit = hit || path.empty();
      continue;
    }
    std::vector<std::string_view> pat;
    for (std::string_view seg : split_slash(alt)) {
      if (seg == "**") {
        if (!pat.empty() && pat.back() == kGlobstar) continue;
        pat.push_back(kGlobstar);
      } else {
        pat.push_back(seg);
      }
    }
    if (match_one(file, 0, pat, 0)) {
      hit = true;
      break;
    }
  }
  return hit != negate;
}

}  // namespace fsplug
