// uri_template.h - RFC 6570 URI templates, the subset resource templates use:
// literal text, {var} (simple: no '/', '?', '#', '&' or ',' in the value) and
// {+var} (reserved: any characters). Values are percent-decoded for {var}.
// Immutable after Parse; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace mcph {

class UriTemplate {
 public:
  static Result<UriTemplate> Parse(std::string_view text);

  // On a match fills `vars` with (name, value) pairs in template order.
  bool Match(std::string_view uri, std::vector<std::pair<std::string, std::string>>& vars) const;

  const std::string& text() const { return text_; }
  bool HasVariable(std::string_view name) const {
    for (const Part& p : parts_)
      if (p.is_var && p.text == name) return true;
    return false;
  }
  // The literal text before the first expression: used to spot overlaps.
  const std::string& prefix() const { return parts_.empty() || parts_[0].is_var ? kEmpty : parts_[0].text; }

 private:
  struct Part {
    bool is_var = false;
    bool reserved = false;  // {+var}
    std::string text;       // literal text, or the variable name
  };
  static const std::string kEmpty;
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace mcph
