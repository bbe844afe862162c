// font.h - the embedded 5x7 bitmap font for chart text.
#pragma once

namespace analytics {

constexpr int kGlyphW = 5, kGlyphH = 7, kGlyphAdvance = 6;

// Seven rows for byte `c` (bit 4 = leftmost pixel); a box for bytes outside
// printable ASCII. Never null.
const unsigned char* Glyph(unsigned char c);

}  // namespace analytics
