// uri_template.cpp - see uri_template.h. Matching is a small backtracking
// walk over the parts: a variable takes the shortest run that lets the rest
// match, which for real templates (variables separated by literals) is linear.
#include "catalog/uri_template.h"

#include <cctype>

#include "util/utf8.h"

namespace mcph {

const std::string UriTemplate::kEmpty;

namespace {

bool IsVarChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '%';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = HexValue(s[i + 1]);
      int l = HexValue(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool SimpleValueChar(char c) { return c != '/' && c != '?' && c != '#' && c != '&' && c != ','; }

}  // namespace

Result<UriTemplate> UriTemplate::Parse(std::string_view text) {
  UriTemplate t;
  t.text_ = std::string(text);
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == std::string_view::npos) open = text.size();
    if (open > i) {
      if (text.substr(i, open - i).find('}') != std::string_view::npos)
        return Status::Error("uri template '" + t.text_ + "': unmatched '}'");
      t.parts_.push_back({false, false, std::string(text.substr(i, open - i))});
    }
    if (open == text.size()) break;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos)
      return Status::Error("uri template '" + t.text_ + "': unmatched '{'");
    std::string_view expr = text.substr(open + 1, close - open - 1);
    Part p;
    p.is_var = true;
    if (!expr.empty() && expr[0] == '+') {
      p.reserved = true;
      expr.remove_prefix(1);
    }
    if (expr.empty())
      return Status::Error("uri template '" + t.text_ + "': empty expression");
    // A leading '.' is RFC 6570's label operator; '%' must start a pct-encoding.
    if (expr[0] == '.')
      return Status::Error("uri template '" + t.text_ + "': expression {" + std::string(expr) +
                           "} is not supported (only {var} and {+var})");
    for (size_t k = 0; k < expr.size(); ++k) {
      if (expr[k] == '%' && (k + 2 >= expr.size() || HexValue(expr[k + 1]) < 0 || HexValue(expr[k + 2]) < 0))
        return Status::Error("uri template '" + t.text_ + "': bad percent-encoding in {" + std::string(expr) + "}");
    }
    for (char c : expr) {
      if (!IsVarChar(c))
        return Status::Error("uri template '" + t.text_ + "': expression {" + std::string(expr) +
                             "} is not supported (only {var} and {+var})");
    }
    if (!t.parts_.empty() && t.parts_.back().is_var)
      return Status::Error("uri template '" + t.text_ + "': two variables need a literal between them");
    p.text = std::string(expr);
    t.parts_.push_back(std::move(p));
    i = close + 1;
  }
  return t;
}

bool UriTemplate::Match(std::string_view uri,
                        std::vector<std::pair<std::string, std::string>>& vars) const {
  vars.clear();
  size_t pos = 0;
  for (size_t k = 0; k < parts_.size(); ++k) {
    const Part& p = parts_[k];
    if (!p.is_var) {
      if (uri.substr(pos, p.text.size()) != p.text) return false;
      pos += p.text.size();
      continue;
    }
    // Variables are always followed by a literal or the end (Parse enforces it).
    size_t end;
    if (k + 1 == parts_.size()) {
      end = uri.size();
    } else {
      const std::string& next = parts_[k + 1].text;
      // Reserved expansion takes the longest run (paths), simple the shortest.
      end = p.reserved ? uri.rfind(next) : uri.find(next, pos);
      if (end == std::string_view::npos || end < pos) return false;
    }
    std::string_view value = uri.substr(pos, end - pos);
    if (value.empty()) return false;
    if (!p.reserved) {
      for (char c : value)
        if (!SimpleValueChar(c)) return false;
    }
    std::string decoded = p.reserved ? std::string(value) : PercentDecode(value);
    if (!IsValidUtf8(decoded)) return false;  // plugins only ever see UTF-8
    vars.emplace_back(p.text, std::move(decoded));
    pos = end;
  }
  return pos == uri.size();
}

}  // namespace mcph
