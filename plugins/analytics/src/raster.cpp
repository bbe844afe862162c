// raster.cpp - the canvas primitives (see raster.h).
#include "raster.h"

#include <algorithm>
#include <cstdlib>

#include "font.h"

namespace analytics {

Canvas::Canvas(int width, int height, Rgb bg) : w_(width), h_(height), px_(static_cast<size_t>(width) * height * 3) {
  for (size_t i = 0; i < px_.size(); i += 3) {
    px_[i] = bg.r;
    px_[i + 1] = bg.g;
    px_[i + 2] = bg.b;
  }
}

Rgb Canvas::at(int x, int y) const {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return {};
  size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
  return {px_[i], px_[i + 1], px_[i + 2]};
}

void Canvas::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  size_t i = (static_cast<size_t>(y) * w_ + x) * 3;
  px_[i] = c.r;
  px_[i + 1] = c.g;
  px_[i + 2] = c.b;
}

void Canvas::fill(int x0, int y0, int x1, int y1, Rgb c) {
  x0 = std::max(x0, 0);
  y0 = std::max(y0, 0);
  x1 = std::min(x1, w_);
  y1 = std::min(y1, h_);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) set(x, y, c);
}

void Canvas::line(int x0, int y0, int x1, int y1, Rgb c) {
  // Bresenham.
  int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
  int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  while (true) {
    set(x0, y0, c);
    if (x0 == x1 && y0 == y1) break;
    int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

int Canvas::text_width(std::string_view s, int scale) {
  if (s.empty()) return 0;
  return (static_cast<int>(s.size()) * kGlyphAdvance - 1) * scale;
}

void Canvas::text(int x, int y, std::string_view s, Rgb c, int scale) {
  for (unsigned char ch : s) {
    const unsigned char* g = Glyph(ch);
    for (int row = 0; row < kGlyphH; ++row)
      for (int col = 0; col < kGlyphW; ++col)
        if (g[row] & (0x10 >> col)) fill(x + col * scale, y + row * scale, x + (col + 1) * scale, y + (row + 1) * scale, c);
    x += kGlyphAdvance * scale;
  }
}

void Canvas::text_up(int x, int y, std::string_view s, Rgb c, int scale) {
  // Glyph pixel (col, row) lands at (x + row, y - col): rotated CCW.
  for (unsigned char ch : s) {
    const unsigned char* g = Glyph(ch);
    for (int row = 0; row < kGlyphH; ++row)
      for (int col = 0; col < kGlyphW; ++col)
        if (g[row] & (0x10 >> col))
          fill(x + row * scale, y - (col + 1) * scale, x + (row + 1) * scale, y - col * scale, c);
    y -= kGlyphAdvance * scale;
  }
}

}  // namespace analytics
