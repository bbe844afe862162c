// png_out.cpp - libpng writing to a byte vector. libpng reports errors by
// longjmp: nothing with a destructor is created between setjmp and the end.
#include "png_out.h"

#include <png.h>

#include <stdexcept>

namespace analytics {

namespace {

void WriteToVector(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}

void NoFlush(png_structp) {}

// Returns false when libpng longjmp'd (an error).
bool Encode(const Canvas& c, std::vector<uint8_t>* out, std::vector<png_bytep>* rows) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return false;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, WriteToVector, NoFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(c.width()), static_cast<png_uint_32>(c.height()), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level(png, 6);
  png_write_info(png, info);
  png_write_image(png, rows->data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

std::vector<uint8_t> EncodePng(const Canvas& canvas) {
  std::vector<uint8_t> out;
  out.reserve(static_cast<size_t>(canvas.width()) * canvas.height() / 4 + 1024);
  std::vector<png_bytep> rows(static_cast<size_t>(canvas.height()));
  auto* base = const_cast<uint8_t*>(canvas.rgb().data());  // libpng's API is not const; it only reads
  for (int y = 0; y < canvas.height(); ++y) rows[static_cast<size_t>(y)] = base + static_cast<size_t>(y) * canvas.width() * 3;
  if (!Encode(canvas, &out, &rows)) throw std::runtime_error("PNG encoding failed");
  return out;
}

}  // namespace analytics
