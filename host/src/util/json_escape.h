// json_escape.h - writes a JSON string (quoted, escaped) into a RapidJSON
// StringBuffer, byte-for-byte as rapidjson::Writer<StringBuffer> does, but
// scanning 16 bytes at a time (SSE2) or 8 (portable SWAR) for the bytes that
// need an escape (< 0x20, '"', '\\') and copying the clean runs between them
// in one block. RapidJSON's own loop tests every byte against a table and
// reserves 6x the input up front (a 1 MB text cost ~3.5 ms and 6 MB of
// buffer, issue 5); here the buffer grows by the input's size plus escapes.
//
// Never reads outside [s, s + n): the last partial block is copied to a
// local buffer first (ASan-clean; RAPIDJSON_SSE2 stays off for that reason).
// No validation: like the Writer without kWriteValidateEncodingFlag, bytes
// >= 0x80 pass through (callers validate UTF-8 where they must). No state,
// thread-safe.
#pragma once

#include <rapidjson/stringbuffer.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mcph {
namespace json_escape {

// Escape for each byte below 0x20, as RapidJSON writes them: the short
// forms for \b \t \n \f \r, \u00XX (upper-case hex) for the rest.
inline char ShortEscape(unsigned char c) {
  switch (c) {
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\f': return 'f';
    case '\r': return 'r';
    case '"': return '"';
    case '\\': return '\\';
    default: return 0;
  }
}

inline bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Appends the escape sequence of `c` (a byte for which NeedsEscape holds).
inline void PutEscape(rapidjson::StringBuffer& os, unsigned char c) {
  if (char e = ShortEscape(c)) {
    char* o = os.Push(2);
    o[0] = '\\';
    o[1] = e;
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* o = os.Push(6);
  o[0] = '\\';
  o[1] = 'u';
  o[2] = '0';
  o[3] = '0';
  o[4] = kHex[c >> 4];
  o[5] = kHex[c & 15];
}

inline void PutRun(rapidjson::StringBuffer& os, const char* p, size_t n) {
  if (n) std::memcpy(os.Push(n), p, n);
}

// Index of the first byte in [p, p + 8) needing an escape, or 8.
inline size_t FirstInWord(const unsigned char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  // A byte below 0x20; a zero byte of x ^ '"' or x ^ '\\'. Each test may flag
  // bytes above a true hit (borrows run upwards) but never one below it, so
  // "is there any" is exact; the loop below then finds which.
  uint64_t q = x ^ (kOnes * '"'), b = x ^ (kOnes * '\\');
  uint64_t hit = ((x - kOnes * 0x20) & ~x) | ((q - kOnes) & ~q) | ((b - kOnes) & ~b);
  if (!(hit & kHigh)) return 8;
  for (size_t i = 0; i < 8; ++i)
    if (NeedsEscape(p[i])) return i;
  return 8;  // not reached: the test above has no false alarm without a hit
}

// Index of the first byte needing an escape in [p, p + n) for n a multiple
// of the block size, or n; the portable 8-byte version.
inline size_t ScanSwar(const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    size_t k = FirstInWord(p + i);
    if (k < 8) return i + k;
  }
  return n;
}

#if defined(__SSE2__)
// The same with SSE2, 16 bytes per step (n a multiple of 16).
inline size_t ScanSse2(const unsigned char* p, size_t n) {
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), max_ctl = _mm_set1_epi8(0x1F);
  for (size_t i = 0; i < n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Unsigned v <= 0x1F  <=>  min(v, 0x1F) == v.
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, max_ctl), v);
    __m128i hit = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (int mask = _mm_movemask_epi8(hit)) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
  return n;
}
constexpr size_t kBlock = 16;
inline size_t Scan(const unsigned char* p, size_t n) { return ScanSse2(p, n); }
#else
constexpr size_t kBlock = 8;
inline size_t Scan(const unsigned char* p, size_t n) { return ScanSwar(p, n); }
#endif

// Escapes [s, s + n) with ScanFn (ScanSse2 or ScanSwar) in blocks of kBlockSize.
template <size_t (*ScanFn)(const unsigned char*, size_t), size_t kBlockSize>
void AppendEscapedWith(rapidjson::StringBuffer& os, const char* s, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  // Room for a few escapes too (text has a newline every line): growing a
  // large buffer again later would copy it all.
  os.Reserve(n + n / 16 + 8);
  os.Put('"');
  size_t i = 0;
  // Whole blocks inside the input.
  while (n - i >= kBlockSize) {
    size_t whole = (n - i) / kBlockSize * kBlockSize;
    size_t k = ScanFn(p + i, whole);
    PutRun(os, s + i, k);
    i += k;
    if (k == whole) break;
    PutEscape(os, p[i]);
    ++i;
  }
  // The tail (< one block), scanned from a padded copy so nothing past the
  // end is read; padding bytes ('a') never need an escape.
  while (i < n) {
    unsigned char tail[kBlockSize];
    size_t left = n - i;
    std::memset(tail, 'a', kBlockSize);
    std::memcpy(tail, p + i, left);
    size_t k = ScanFn(tail, kBlockSize);
    if (k >= left) {
      PutRun(os, s + i, left);
      break;
    }
    PutRun(os, s + i, k);
    PutEscape(os, p[i + k]);
    i += k + 1;
  }
  os.Put('"');
}

}  // namespace json_escape

// Appends `s` as a quoted JSON string to `os`, the same bytes that
// rapidjson::Writer<StringBuffer>::String would write.
inline void AppendJsonString(rapidjson::StringBuffer& os, const char* s, size_t n) {
  json_escape::AppendEscapedWith<json_escape::Scan, json_escape::kBlock>(os, s, n);
}

}  // namespace mcph
