// raster.h - a small RGB canvas for the charts: rectangles, lines, dots and
// text in the embedded bitmap font. Coordinates are pixels, (0,0) top left;
// drawing outside the canvas is clipped. Not thread-safe per canvas (each
// chart draws its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace analytics {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);
  int width() const { return w_; }
  int height() const { return h_; }
  const std::vector<uint8_t>& rgb() const { return px_; }  // row-major, 3 bytes a pixel
  Rgb at(int x, int y) const;

  void set(int x, int y, Rgb c);
  // [x0, x1) x [y0, y1)
  void fill(int x0, int y0, int x1, int y1, Rgb c);
  void line(int x0, int y0, int x1, int y1, Rgb c);
  // Text with its top-left corner at (x, y), each font pixel scale x scale.
  void text(int x, int y, std::string_view s, Rgb c, int scale = 1);
  // Text turned 90 degrees counter-clockwise (reads bottom to top); (x, y)
  // is the bottom-left corner of the first glyph.
  void text_up(int x, int y, std::string_view s, Rgb c, int scale = 1);
  static int text_width(std::string_view s, int scale = 1);

 private:
  int w_, h_;
  std::vector<uint8_t> px_;
};

}  // namespace analytics
