// png_decode.h - test helper: decode a PNG (libpng's simplified API) into
// RGB pixels, to check what the charts drew.
#pragma once

#include <png.h>

#include <cstdint>
#include <cstring>
#include <vector>

struct DecodedPng {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  bool ok = false;
  bool is(int x, int y, uint8_t r, uint8_t g, uint8_t b) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return false;
    const uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
    return p[0] == r && p[1] == g && p[2] == b;
  }
  const uint8_t* at(int x, int y) const { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
};

inline DecodedPng DecodePng(const std::vector<uint8_t>& data) {
  DecodedPng out;
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, data.data(), data.size())) return out;
  img.format = PNG_FORMAT_RGB;
  out.rgb.resize(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, out.rgb.data(), 0, nullptr)) return out;
  out.width = static_cast<int>(img.width);
  out.height = static_cast<int>(img.height);
  out.ok = true;
  return out;
}
