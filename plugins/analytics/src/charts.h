// charts.h - histogram, scatter plot and correlation heat map drawn on a
// Canvas with axes, tick labels and a title. Each returns the picture and
// the geometry that maps data to pixels, so callers (and tests) can say
// where every mark is:
//   px(x) = area.left + (x - x_lo) / (x_hi - x_lo) * (area.right - area.left)
//   py(y) = area.bottom - (y - y_lo) / (y_hi - y_lo) * (area.bottom - area.top)
// (rounded to the nearest pixel). Pure functions; throw UserError for data
// that cannot be drawn (no values).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "raster.h"

namespace analytics {

struct PlotRect {
  int left = 0, top = 0, right = 0, bottom = 0;
};

struct Chart {
  Canvas canvas{1, 1, {}};
  PlotRect area;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  int px(double x) const;
  int py(double y) const;
};

struct ChartStyle {
  int width = 640, height = 480;
  std::string title, x_label, y_label;
};

// Colours the tests look for.
inline constexpr Rgb kBarColour{70, 130, 180};
inline constexpr Rgb kPointColour{214, 39, 40};
inline constexpr Rgb kNanColour{190, 190, 190};

// numpy.histogram(values, bins): equal-width bins over [min, max] (the last
// bin closed), [v - 0.5, v + 0.5] when all values are equal. Bar i fills
// x in [px(edge i), px(edge i+1)) and the rows [py(count), area.bottom).
struct Histogram {
  Chart chart;
  std::vector<double> edges;
  std::vector<size_t> counts;
};
Histogram DrawHistogram(const std::vector<double>& values, size_t bins, const ChartStyle& style);

// Points (x[i], y[i]) where both are finite, each a 5x5 square centred on
// (px, py). Axes extend [min, max] to whole tick steps.
struct Scatter {
  Chart chart;
  size_t points = 0;
};
Scatter DrawScatter(const std::vector<double>& x, const std::vector<double>& y, const ChartStyle& style);

// A K x K matrix (row-major) of r in [-1, 1]: cell (i, j) fills
// [left + j*cell_w, left + (j+1)*cell_w) x [top + i*cell_h, ...), coloured
// blue (-1) through near-white (0) to red (+1); NaN grey. The value is
// printed in the cell's centre when it fits.
struct Heatmap {
  Chart chart;
  int cell_w = 0, cell_h = 0;
};
Heatmap DrawHeatmap(const std::vector<std::string>& names, const std::vector<double>& r, const ChartStyle& style);
Rgb DivergingColour(double r);

// Sturges' rule, as numpy's "sturges": ceil(log2(n)) + 1.
size_t SturgesBins(size_t n);

}  // namespace analytics
