// chart_test.cpp - the charts through PNG encoding and decoding: picture
// size, histogram bins (numpy's) and bar heights proportional to counts,
// scatter points at their mapped pixels, heat-map colours ordered by r, and
// the bitmap font drawing text.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "charts.h"
#include "font.h"
#include "ops.h"
#include "png_out.h"
#include "png_decode.h"

using namespace analytics;

namespace {

bool Is(const DecodedPng& p, int x, int y, Rgb c) { return p.is(x, y, c.r, c.g, c.b); }

// Bar pixels in column x from the plot's top to its bottom.
int BarHeight(const DecodedPng& p, const Chart& ch, int x) {
  int n = 0;
  for (int y = ch.area.top; y < ch.area.bottom; ++y) n += Is(p, x, y, kBarColour);
  return n;
}

}  // namespace

TEST_CASE("charts: histogram bins as numpy and bars proportional to counts", "[analytics][charts]") {
  // Counts 10, 20, 5, 40 in four bins over [0, 4].
  std::vector<double> v;
  const int want[4] = {10, 20, 5, 40};
  for (int b = 0; b < 4; ++b)
    for (int i = 0; i < want[b]; ++i) v.push_back(b + (i + 0.5) / want[b] * 0.999);
  v[0] = 0.0;                 // the minimum: edges 0, 1, 2, 3, 4
  v.push_back(4.0);           // the maximum goes into the last bin (numpy's closed last bin)
  v.push_back(std::nan(""));  // ignored
  ChartStyle st;
  st.width = 500;
  st.height = 360;
  st.title = "Histogram of v";
  Histogram h = DrawHistogram(v, 4, st);
  REQUIRE(h.counts.size() == 4);
  CHECK(h.counts[0] == 10);
  CHECK(h.counts[1] == 20);
  CHECK(h.counts[2] == 5);
  CHECK(h.counts[3] == 41);
  CHECK(h.edges.front() == 0.0);
  CHECK(h.edges[1] == 1.0);
  CHECK(h.edges.back() == 4.0);
  std::vector<uint8_t> png = EncodePng(h.chart.canvas);
  DecodedPng p = DecodePng(png);
  REQUIRE(p.ok);
  CHECK(p.width == 500);
  CHECK(p.height == 360);
  const Chart& ch = h.chart;
  double px_per_count = (ch.area.bottom - ch.area.top) / (ch.y_hi - ch.y_lo);
  for (size_t b = 0; b < 4; ++b) {
    int x = (ch.px(h.edges[b]) + ch.px(h.edges[b + 1])) / 2;
    int height = BarHeight(p, ch, x);
    INFO("bin " << b << " x " << x);
    CHECK(std::abs(height - h.counts[b] * px_per_count) <= 1.0);
  }
  // Taller count, taller bar; and nothing drawn right of the last edge.
  CHECK(BarHeight(p, ch, ch.px(h.edges[4]) + 3) == 0);
  // The title is drawn (dark pixels in the title band).
  int ink = 0;
  for (int y = 4; y < 30; ++y)
    for (int x = 0; x < p.width; ++x) ink += p.at(x, y)[0] < 100;
  CHECK(ink > 50);
}

TEST_CASE("charts: numpy edge cases: one value, the last edge", "[analytics][charts]") {
  ChartStyle st;
  Histogram h = DrawHistogram({3, 3, 3}, 0, st);  // numpy: range [2.5, 3.5]
  CHECK(h.edges.front() == 2.5);
  CHECK(h.edges.back() == 3.5);
  size_t total = 0;
  for (size_t c : h.counts) total += c;
  CHECK(total == 3);
  CHECK(SturgesBins(1000) == 11);
  CHECK_THROWS_AS(DrawHistogram({std::nan("")}, 3, st), UserError);
}

TEST_CASE("charts: scatter points sit at their mapped pixels", "[analytics][charts]") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-50, 120);
  std::vector<double> x, y;
  for (int i = 0; i < 40; ++i) {
    x.push_back(u(rng));
    y.push_back(0.5 * x.back() + u(rng) / 10);
  }
  x.push_back(std::nan(""));
  y.push_back(1);
  ChartStyle st;
  st.width = 700;
  st.height = 500;
  Scatter s = DrawScatter(x, y, st);
  CHECK(s.points == 40);
  const Chart& ch = s.chart;
  CHECK(ch.x_lo <= -50);
  CHECK(ch.x_hi >= 120);
  DecodedPng p = DecodePng(EncodePng(ch.canvas));
  REQUIRE(p.ok);
  CHECK(p.width == 700);
  CHECK(p.height == 500);
  for (int i = 0; i < 40; ++i) {
    int px = ch.px(x[static_cast<size_t>(i)]), py = ch.py(y[static_cast<size_t>(i)]);
    // Mapping by hand, as charts.h documents it.
    double fx = (x[static_cast<size_t>(i)] - ch.x_lo) / (ch.x_hi - ch.x_lo);
    CHECK(std::abs(px - (ch.area.left + fx * (ch.area.right - ch.area.left))) <= 0.5);
    CHECK(px >= ch.area.left);
    CHECK(px <= ch.area.right);
    CHECK(Is(p, px, py, kPointColour));
  }
  // The corner of the plot away from the data (top left: y grows with x) is empty.
  CHECK_FALSE(Is(p, ch.area.left + 3, ch.area.top + 3, kPointColour));
}

TEST_CASE("charts: heat-map cell colours follow r", "[analytics][charts]") {
  std::vector<std::string> names = {"a", "b", "c", "d"};
  // A symmetric matrix with distinct off-diagonal values.
  std::vector<double> r = {1, 0.8, -0.6, 0.1,  0.8, 1, 0.3, -0.95,  -0.6, 0.3, 1, std::nan(""),
                           0.1, -0.95, std::nan(""), 1};
  ChartStyle st;
  Heatmap h = DrawHeatmap(names, r, st);
  DecodedPng p = DecodePng(EncodePng(h.chart.canvas));
  REQUIRE(p.ok);
  CHECK(p.width == 640);
  struct Cell {
    double r;
    int redness;
  };
  std::vector<Cell> cells;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      int x = h.chart.area.left + j * h.cell_w + 2, y = h.chart.area.top + i * h.cell_h + 2;
      const uint8_t* c = p.at(x, y);
      double v = r[static_cast<size_t>(i * 4 + j)];
      if (std::isnan(v)) {
        CHECK(Is(p, x, y, kNanColour));
        continue;
      }
      Rgb want = DivergingColour(v);
      CHECK(Is(p, x, y, want));
      cells.push_back({v, int(c[0]) - int(c[2])});
    }
  std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.r < b.r; });
  for (size_t k = 1; k < cells.size(); ++k) {
    INFO("r " << cells[k - 1].r << " -> " << cells[k].r);
    if (cells[k].r > cells[k - 1].r) CHECK(cells[k].redness > cells[k - 1].redness);
  }
  CHECK(cells.front().redness < 0);  // -0.95 is blue
  CHECK(cells.back().redness > 0);   // 1 is red
}

TEST_CASE("charts: the bitmap font draws every printable character", "[analytics][charts]") {
  for (int c = 33; c < 127; ++c) {
    const unsigned char* g = Glyph(static_cast<unsigned char>(c));
    int on = 0;
    for (int row = 0; row < kGlyphH; ++row) on += __builtin_popcount(g[row] & 0x1F);
    INFO(static_cast<char>(c));
    CHECK(on > 0);
  }
  Canvas cv(40, 12, {255, 255, 255});
  cv.text(1, 1, "1", {0, 0, 0});
  // '1': the stem in the middle column, rows 0-6.
  for (int row = 0; row < 7; ++row) CHECK(cv.at(1 + 2, 1 + row) == Rgb{0, 0, 0});
  CHECK(Canvas::text_width("abc") == 17);
}
