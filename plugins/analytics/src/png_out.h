// png_out.h - PNG encoding (libpng) of a Canvas, into memory.
// Throws std::runtime_error when libpng fails (out of memory).
#pragma once

#include <cstdint>
#include <vector>

#include "raster.h"

namespace analytics {

std::vector<uint8_t> EncodePng(const Canvas& canvas);

}  // namespace analytics
