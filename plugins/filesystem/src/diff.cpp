// diff.cpp - the edit algorithm of the reference server (exact match first,
// then whitespace-tolerant line matching that keeps indentation) and a
// unified diff in jsdiff's createTwoFilesPatch format (context 4).
#include <algorithm>
#include <unordered_map>

#include "fs_internal.hpp"

namespace fsplug {

namespace {

/* Lines including their '\n' (the last one may lack it), as jsdiff tokenises. */
std::vector<std::string_view> split_lines_keep(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find('\n', i);
    if (j == std::string_view::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, j - i + 1));
    i = j + 1;
  }
  return out;
}

enum class Op { Equal, Removed, Added };
struct Segment {
  Op op;
  std::vector<std::string_view> lines;
};

/* Myers O(ND) on the middle after stripping the common prefix and suffix;
 * beyond kMaxD edits the middle is reported as one replacement. */
std::vector<Segment> diff_lines(const std::vector<std::string_view>& a,
                                const std::vector<std::string_view>& b) {
  std::unordered_map<std::string_view, int> ids;
  auto id = [&](std::string_view s) {
    auto it = ids.emplace(s, static_cast<int>(ids.size()));
    return it.first->second;
  };
  std::vector<int> A, B;
  A.reserve(a.size());
  B.reserve(b.size());
  for (auto s : a) A.push_back(id(s));
  for (auto s : b) B.push_back(id(s));
  size_t pre = 0;
  while (pre < A.size() && pre < B.size() && A[pre] == B[pre]) ++pre;
  size_t suf = 0;
  while (suf < A.size() - pre && suf < B.size() - pre &&
         A[A.size() - 1 - suf] == B[B.size() - 1 - suf])
    ++suf;
  const int N = static_cast<int>(A.size() - pre - suf), M = static_cast<int>(B.size() - pre - suf);
  auto a_at = [&](int i) { return A[pre + static_cast<size_t>(i)]; };
  auto b_at = [&](int j) { return B[pre + static_cast<size_t>(j)]; };

  // ops on the middle: sequence of (op) per line
  std::vector<Op> ops;
  constexpr int kMaxD = 1000;
  const int maxD = std::min(N + M, kMaxD);
  bool solved = false;
  if (N == 0 || M == 0) {
    for (int i = 0; i < N; ++i) ops.push_back(Op::Removed);
    for (int j = 0; j < M; ++j) ops.push_back(Op::Added);
    solved = true;
  } else {
    const int off = maxD + 1;
    std::vector<int> V(static_cast<size_t>(2 * maxD + 3), 0);
    std::vector<std::vector<int>> trace;
    int found_d = -1;
    for (int d = 0; d <= maxD && found_d < 0; ++d) {
      trace.push_back(V);
      for (int k = -d; k <= d; k += 2) {
        int x;
        if (k == -d || (k != d && V[static_cast<size_t>(off + k - 1)] < V[static_cast<size_t>(off + k + 1)]))
          x = V[static_cast<size_t>(off + k + 1)];
        else
          x = V[static_cast<size_t>(off + k - 1)] + 1;
        int y = x - k;
        while (x < N && y < M && a_at(x) == b_at(y)) {
          ++x;
          ++y;
        }
        V[static_cast<size_t>(off + k)] = x;
        if (x >= N && y >= M) {
          found_d = d;
          break;
        }
      }
    }
    if (found_d >= 0) {
      // backtrack
      std::vector<Op> rev;
      int x = N, y = M;
      for (int d = found_d; d > 0; --d) {
        const std::vector<int>& Vp = trace[static_cast<size_t>(d)];
        int k = x - y;
        int prev_k;
        if (k == -d || (k != d && Vp[static_cast<size_t>(off + k - 1)] < Vp[static_cast<size_t>(off + k + 1)]))
          prev_k = k + 1;
        else
          prev_k = k - 1;
        int prev_x = Vp[static_cast<size_t>(off + prev_k)];
        int prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
          rev.push_back(Op::Equal);
          --x;
          --y;
        }
        rev.push_back(prev_k == k + 1 ? Op::Added : Op::Removed);
        x = prev_x;
        y = prev_y;
      }
      while (x > 0 && y > 0) {
        rev.push_back(Op::Equal);
        --x;
        --y;
      }
      ops.assign(rev.rbegin(), rev.rend());
      solved = true;
    }
  }
  if (!solved) {
    ops.clear();
    for (int i = 0; i < N; ++i) ops.push_back(Op::Removed);
    for (int j = 0; j < M; ++j) ops.push_back(Op::Added);
  }

  // Build segments; within each change block, removals come before additions.
  std::vector<Segment> segs;
  auto push = [&](Op op, std::string_view line) {
    if (segs.empty() || segs.back().op != op) segs.push_back(Segment{op, {}});
    segs.back().lines.push_back(line);
  };
  for (size_t i = 0; i < pre; ++i) push(Op::Equal, a[i]);
  size_t ai = pre, bi = pre;
  for (size_t i = 0; i < ops.size();) {
    if (ops[i] == Op::Equal) {
      push(Op::Equal, a[ai++]);
      ++bi;
      ++i;
      continue;
    }
    std::vector<std::string_view> rem, add;
    while (i < ops.size() && ops[i] != Op::Equal) {
      if (ops[i] == Op::Removed)
        rem.push_back(a[ai++]);
      else
        add.push_back(b[bi++]);
      ++i;
    }
    for (auto l : rem) push(Op::Removed, l);
    for (auto l : add) push(Op::Added, l);
  }
  for (size_t i = A.size() - suf; i < A.size(); ++i) push(Op::Equal, a[i]);
  return segs;
}

bool js_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Length of the leading whitespace (/^\s*​/), ASCII plus NBSP and BOM. */
size_t indent_len(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (js_space(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.compare(i, 2, "\xC2\xA0") == 0) {
      i += 2;
    } else if (s.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      i += 3;
    } else {
      break;
    }
  }
  return i;
}
size_t trailing_space_start(std::string_view s) {
  size_t e = s.size();
  for (;;) {
    if (e > 0 && js_space(static_cast<unsigned char>(s[e - 1]))) {
      --e;
    } else if (e >= 2 && s.compare(e - 2, 2, "\xC2\xA0") == 0) {
      e -= 2;
    } else if (e >= 3 && s.compare(e - 3, 3, "\xEF\xBB\xBF") == 0) {
      e -= 3;
    } else {
      break;
    }
  }
  return e;
}
std::string_view trim(std::string_view s) {
  size_t b = indent_len(s);
  if (b == s.size()) return {};
  return s.substr(b, trailing_space_start(s) - b);
}
size_t utf16_units(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;
  }
  return n;
}

std::vector<std::string> split_nl(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  for (;;) {
    size_t j = s.find('\n', i);
    if (j == std::string_view::npos) {
      out.emplace_back(s.substr(i));
      break;
    }
    out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string unified_diff(std::string_view a_in, std::string_view b_in, std::string_view name) {
  std::string a = normalize_line_endings(a_in), b = normalize_line_endings(b_in);
  auto la = split_lines_keep(a), lb = split_lines_keep(b);
  std::vector<Segment> diff = diff_lines(la, lb);
  diff.push_back(Segment{Op::Equal, {}});
  const size_t context = 4;

  struct Hunk {
    size_t old_start, old_lines, new_start, new_lines;
    std::vector<std::string> lines;
  };
  std::vector<Hunk> hunks;
  size_t old_range_start = 0, new_range_start = 0, old_line = 1, new_line = 1;
  std::vector<std::string> cur;
  // Built by append, not `"x" + std::string`: GCC 12 at -O3 reports a false
  // -Wrestrict on the latter.
  auto prefixed = [](char mark, std::string_view l) {
    std::string out;
    out.reserve(l.size() + 1);
    out.push_back(mark);
    out.append(l);
    return out;
  };
  auto ctx = [&](std::string_view l) { return prefixed(' ', l); };
  for (size_t i = 0; i < diff.size(); ++i) {
    const Segment& s = diff[i];
    if (s.op != Op::Equal) {
      if (!old_range_start) {
        old_range_start = old_line;
        new_range_start = new_line;
        if (i > 0) {
          const auto& prev = diff[i - 1].lines;
          size_t from = prev.size() > context ? prev.size() - context : 0;
          cur.clear();
          for (size_t k = from; k < prev.size(); ++k) cur.push_back(ctx(prev[k]));
          old_range_start -= cur.size();
          new_range_start -= cur.size();
        }
      }
      for (auto l : s.lines) cur.push_back(prefixed(s.op == Op::Added ? '+' : '-', l));
      if (s.op == Op::Added)
        new_line += s.lines.size();
      else
        old_line += s.lines.size();
    } else {
      if (old_range_start) {
        if (s.lines.size() <= context * 2 && i + 2 < diff.size()) {
          for (auto l : s.lines) cur.push_back(ctx(l));
        } else {
          size_t n = std::min(s.lines.size(), context);
          for (size_t k = 0; k < n; ++k) cur.push_back(ctx(s.lines[k]));
          hunks.push_back(Hunk{old_range_start, old_line - old_range_start + n, new_range_start,
                               new_line - new_range_start + n, std::move(cur)});
          cur.clear();
          old_range_start = new_range_start = 0;
        }
      }
      old_line += s.lines.size();
      new_line += s.lines.size();
    }
  }
  std::string out = "Index: ";
  out.append(name);
  out += "\n===================================================================\n--- ";
  out.append(name);
  out += "\toriginal\n+++ ";
  out.append(name);
  out += "\tmodified\n";
  for (Hunk& h : hunks) {
    size_t os = h.old_lines == 0 ? h.old_start - 1 : h.old_start;
    size_t ns = h.new_lines == 0 ? h.new_start - 1 : h.new_start;
    out += "@@ -" + std::to_string(os) + "," + std::to_string(h.old_lines) + " +" +
           std::to_string(ns) + "," + std::to_string(h.new_lines) + " @@\n";
    for (std::string& l : h.lines) {
      if (!l.empty() && l.back() == '\n') {
        l.pop_back();
        out += l;
        out += '\n';
      } else {
        out += l;
        out += "\n\\ No newline at end of file\n";
      }
    }
  }
  return out;
}

std::string format_diff_block(const std::string& diff) {
  size_t n = 3;
  while (diff.find(std::string(n, '`')) != std::string::npos) ++n;
  std::string fence(n, '`');
  return fence + "diff\n" + diff + fence + "\n\n";
}

std::string apply_edits(const std::string& content, const std::vector<Edit>& edits) {
  std::string modified = content;
  for (const Edit& e : edits) {
    std::string old_text = normalize_line_endings(e.old_text);
    std::string new_text = normalize_line_endings(e.new_text);
    size_t pos = modified.find(old_text);
    if (pos != std::string::npos) {
      modified.replace(pos, old_text.size(), new_text);
      continue;
    }
    std::vector<std::string> old_lines = split_nl(old_text);
    std::vector<std::string> lines = split_nl(modified);
    bool found = false;
    for (size_t i = 0; old_lines.size() <= lines.size() && i <= lines.size() - old_lines.size(); ++i) {
      bool match = true;
      for (size_t j = 0; j < old_lines.size() && match; ++j)
        match = trim(old_lines[j]) == trim(lines[i + j]);
      if (!match) continue;
      std::string original_indent = lines[i].substr(0, indent_len(lines[i]));
      std::vector<std::string> new_lines = split_nl(new_text);
      for (size_t j = 0; j < new_lines.size(); ++j) {
        std::string& line = new_lines[j];
        size_t nind = indent_len(line);
        if (j == 0) {
          line = original_indent + line.substr(nind);
          continue;
        }
        std::string_view old_indent =
            j < old_lines.size() ? std::string_view(old_lines[j]).substr(0, indent_len(old_lines[j]))
                                 : std::string_view();
        if (!old_indent.empty() && nind > 0) {
          long rel = static_cast<long>(utf16_units(std::string_view(line).substr(0, nind))) -
                     static_cast<long>(utf16_units(old_indent));
          line = original_indent + std::string(static_cast<size_t>(std::max(0L, rel)), ' ') +
                 line.substr(nind);
        }
      }
      lines.erase(lines.begin() + static_cast<long>(i),
                  lines.begin() + static_cast<long>(i + old_lines.size()));
      lines.insert(lines.begin() + static_cast<long>(i), new_lines.begin(), new_lines.end());
      modified.clear();
      for (size_t k = 0; k < lines.size(); ++k) {
        if (k) modified += '\n';
        modified += lines[k];
      }
      found = true;
      break;
    }
    if (!found) throw FsError("Could not find exact match for edit:\n" + e.old_text);
  }
  return modified;
}

}  // namespace fsplug
