// charts.cpp - the three charts (see charts.h): layout, nice tick steps,
// numpy-compatible histogram bins, the diverging colour map.
#include "charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ops.h"

namespace analytics {

namespace {

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kInk{30, 30, 30};
constexpr Rgb kGrid{228, 228, 228};
constexpr int kMinSize = 120;

// A step of 1, 2 or 5 times a power of ten giving about `target` ticks.
double NiceStep(double range, int target) {
  if (!(range > 0) || !std::isfinite(range)) return 1;
  double raw = range / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double f = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return f * mag;
}

std::string TickLabel(double v, double step) {
  if (std::fabs(v) < step * 1e-9) v = 0;
  char buf[40];
  double a = std::fabs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-4)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 8), v);
  }
  return buf;
}

std::vector<double> Ticks(double lo, double hi, double step) {
  std::vector<double> t;
  double first = std::ceil(lo / step - 1e-9) * step;
  for (int i = 0; i < 50; ++i) {
    double v = first + i * step;
    if (v > hi + step * 1e-9) break;
    t.push_back(v);
  }
  return t;
}

std::string Clip(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 2) + ".."; }

void Title(Canvas& c, const std::string& title) {
  int scale = Canvas::text_width(title, 2) <= c.width() - 16 ? 2 : 1;
  std::string t = Clip(title, static_cast<size_t>(std::max(4, (c.width() - 16) / (6 * scale))));
  c.text((c.width() - Canvas::text_width(t, scale)) / 2, 8, t, kInk, scale);
}

// Sets the area for a chart with numeric axes, draws grid, axes, ticks and
// labels. y ticks from `y_step`, x ticks from `x_step`.
void Frame(Chart& ch, const ChartStyle& st, double x_step, double y_step) {
  Canvas& c = ch.canvas;
  std::vector<double> yt = Ticks(ch.y_lo, ch.y_hi, y_step), xt = Ticks(ch.x_lo, ch.x_hi, x_step);
  int label_w = 0;
  for (double v : yt) label_w = std::max(label_w, Canvas::text_width(TickLabel(v, y_step)));
  ch.area.left = 8 + (st.y_label.empty() ? 0 : 12) + label_w + 8;
  ch.area.top = 36;
  ch.area.right = c.width() - 20;
  ch.area.bottom = c.height() - 40;
  Title(c, st.title);
  for (double v : yt) {
    int y = ch.py(v);
    c.fill(ch.area.left, y, ch.area.right + 1, y + 1, kGrid);
    std::string s = TickLabel(v, y_step);
    c.fill(ch.area.left - 5, y, ch.area.left - 1, y + 1, kInk);
    c.text(ch.area.left - 7 - Canvas::text_width(s), y - 3, s, kInk);
  }
  int last_right = -1000;
  for (double v : xt) {
    int x = ch.px(v);
    c.fill(x, ch.area.bottom + 1, x + 1, ch.area.bottom + 6, kInk);
    std::string s = TickLabel(v, x_step);
    int w = Canvas::text_width(s);
    if (x - w / 2 > last_right + 6) {  // skip labels that would overlap
      c.text(x - w / 2, ch.area.bottom + 9, s, kInk);
      last_right = x - w / 2 + w;
    }
  }
  if (!st.x_label.empty()) {
    std::string s = Clip(st.x_label, static_cast<size_t>(c.width() / 6));
    c.text((ch.area.left + ch.area.right - Canvas::text_width(s)) / 2, c.height() - 14, s, kInk);
  }
  if (!st.y_label.empty()) {
    std::string s = Clip(st.y_label, static_cast<size_t>((ch.area.bottom - ch.area.top) / 6));
    c.text_up(6, (ch.area.top + ch.area.bottom + Canvas::text_width(s)) / 2, s, kInk);
  }
}

void Axes(Chart& ch) {
  // Drawn last so marks never hide them: the x axis is the row below the
  // plot area, the y axis the column left of it.
  ch.canvas.fill(ch.area.left - 1, ch.area.top, ch.area.left, ch.area.bottom + 2, kInk);
  ch.canvas.fill(ch.area.left - 1, ch.area.bottom + 1, ch.area.right + 1, ch.area.bottom + 2, kInk);
}

void CheckSize(const ChartStyle& st) {
  if (st.width < kMinSize || st.height < kMinSize || st.width > 4000 || st.height > 4000)
    throw UserError("width and height must be between 120 and 4000 pixels");
}

}  // namespace

int Chart::px(double x) const {
  double f = (x - x_lo) / (x_hi - x_lo);
  return area.left + static_cast<int>(std::lround(f * (area.right - area.left)));
}

int Chart::py(double y) const {
  double f = (y - y_lo) / (y_hi - y_lo);
  return area.bottom - static_cast<int>(std::lround(f * (area.bottom - area.top)));
}

size_t SturgesBins(size_t n) {
  if (n < 2) return 1;
  return static_cast<size_t>(std::ceil(std::log2(static_cast<double>(n)))) + 1;
}

Histogram DrawHistogram(const std::vector<double>& values, size_t bins, const ChartStyle& st) {
  CheckSize(st);
  std::vector<double> v;
  v.reserve(values.size());
  for (double x : values)
    if (std::isfinite(x)) v.push_back(x);
  if (v.empty()) throw UserError("the column has no finite values to draw");
  if (bins == 0) bins = SturgesBins(v.size());
  auto [mn, mx] = std::minmax_element(v.begin(), v.end());
  double lo = *mn, hi = *mx;
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  Histogram h;
  // numpy: edges = linspace(lo, hi, bins + 1); index = (v - lo) * bins / (hi - lo)
  // truncated, the maximum in the last bin, then corrected against the edges.
  h.edges.resize(bins + 1);
  double step = (hi - lo) / static_cast<double>(bins);
  for (size_t i = 0; i <= bins; ++i) h.edges[i] = lo + static_cast<double>(i) * step;
  h.edges[bins] = hi;
  h.counts.assign(bins, 0);
  double norm = static_cast<double>(bins) / (hi - lo);
  for (double x : v) {
    auto idx = static_cast<long long>((x - lo) * norm);
    if (idx >= static_cast<long long>(bins)) idx = static_cast<long long>(bins) - 1;
    if (idx < 0) idx = 0;
    if (x < h.edges[static_cast<size_t>(idx)] && idx > 0) --idx;
    if (idx + 1 < static_cast<long long>(bins) && x >= h.edges[static_cast<size_t>(idx) + 1]) ++idx;
    ++h.counts[static_cast<size_t>(idx)];
  }
  size_t top = *std::max_element(h.counts.begin(), h.counts.end());
  Chart& ch = h.chart;
  ch.canvas = Canvas(st.width, st.height, kWhite);
  ch.x_lo = lo;
  ch.x_hi = hi;
  ch.y_lo = 0;
  double ystep = NiceStep(static_cast<double>(std::max<size_t>(top, 1)), 5);
  if (ystep < 1) ystep = 1;  // counts are whole
  ch.y_hi = std::ceil(static_cast<double>(std::max<size_t>(top, 1)) / ystep) * ystep;
  Frame(ch, st, NiceStep(hi - lo, 6), ystep);
  for (size_t i = 0; i < bins; ++i) {
    int x0 = ch.px(h.edges[i]), x1 = ch.px(h.edges[i + 1]);
    if (x1 - x0 > 3) --x1;  // a one-pixel gap between bars when there is room
    if (h.counts[i]) ch.canvas.fill(x0, ch.py(static_cast<double>(h.counts[i])), std::max(x1, x0 + 1), ch.area.bottom, kBarColour);
  }
  Axes(ch);
  return h;
}

Scatter DrawScatter(const std::vector<double>& x, const std::vector<double>& y, const ChartStyle& st) {
  CheckSize(st);
  Scatter s;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    xlo = std::min(xlo, x[i]);
    xhi = std::max(xhi, x[i]);
    ylo = std::min(ylo, y[i]);
    yhi = std::max(yhi, y[i]);
    ++s.points;
  }
  if (!s.points) throw UserError("no row has finite values in both columns");
  auto widen = [](double& lo, double& hi) {
    if (lo == hi) {
      double d = lo == 0 ? 1 : std::fabs(lo) * 0.1;
      lo -= d;
      hi += d;
    }
    double step = NiceStep(hi - lo, 6);
    lo = std::floor(lo / step) * step;
    hi = std::ceil(hi / step) * step;
    return step;
  };
  Chart& ch = s.chart;
  ch.canvas = Canvas(st.width, st.height, kWhite);
  double xs = widen(xlo, xhi), ys = widen(ylo, yhi);
  ch.x_lo = xlo;
  ch.x_hi = xhi;
  ch.y_lo = ylo;
  ch.y_hi = yhi;
  Frame(ch, st, xs, ys);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    int cx = ch.px(x[i]), cy = ch.py(y[i]);
    ch.canvas.fill(cx - 2, cy - 2, cx + 3, cy + 3, kPointColour);
  }
  Axes(ch);
  return s;
}

Rgb DivergingColour(double r) {
  if (!std::isfinite(r)) return kNanColour;
  r = std::clamp(r, -1.0, 1.0);
  // Blue (59,76,192) -> near-white (240,240,240) -> red (180,4,38).
  const double lo[3] = {59, 76, 192}, mid[3] = {240, 240, 240}, hi[3] = {180, 4, 38};
  const double* b = r < 0 ? lo : hi;
  double t = std::fabs(r);
  auto mix = [&](int k) { return static_cast<uint8_t>(std::lround(mid[k] + (b[k] - mid[k]) * t)); };
  return {mix(0), mix(1), mix(2)};
}

Heatmap DrawHeatmap(const std::vector<std::string>& names, const std::vector<double>& r, const ChartStyle& st) {
  CheckSize(st);
  size_t k = names.size();
  if (k == 0 || r.size() != k * k) throw UserError("the heat map needs at least one numeric column");
  Heatmap h;
  Chart& ch = h.chart;
  ch.canvas = Canvas(st.width, st.height, kWhite);
  Canvas& c = ch.canvas;
  size_t longest = 0;
  for (const auto& n : names) longest = std::max(longest, std::min<size_t>(n.size(), 14));
  int label = static_cast<int>(longest) * 6 + 8;
  ch.area.left = label + 6;
  ch.area.top = 36;
  ch.area.right = c.width() - 70;  // room for the colour bar
  ch.area.bottom = c.height() - label - 6;
  if (ch.area.right - ch.area.left < static_cast<int>(k) || ch.area.bottom - ch.area.top < static_cast<int>(k))
    throw UserError("too many columns for this picture size; pass fewer `columns` or a larger width/height");
  h.cell_w = (ch.area.right - ch.area.left) / static_cast<int>(k);
  h.cell_h = (ch.area.bottom - ch.area.top) / static_cast<int>(k);
  ch.area.right = ch.area.left + h.cell_w * static_cast<int>(k);
  ch.area.bottom = ch.area.top + h.cell_h * static_cast<int>(k);
  ch.x_lo = 0;
  ch.x_hi = static_cast<double>(k);
  ch.y_lo = 0;
  ch.y_hi = static_cast<double>(k);
  Title(c, st.title);
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) {
      int x0 = ch.area.left + static_cast<int>(j) * h.cell_w, y0 = ch.area.top + static_cast<int>(i) * h.cell_h;
      double v = r[i * k + j];
      Rgb col = DivergingColour(v);
      c.fill(x0, y0, x0 + h.cell_w, y0 + h.cell_h, col);
      char buf[16];
      if (std::isfinite(v))
        std::snprintf(buf, sizeof buf, "%.2f", std::fabs(v) < 0.005 ? 0.0 : v);  // no "-0.00"
      else
        std::snprintf(buf, sizeof buf, "n/a");
      int tw = Canvas::text_width(buf);
      if (tw + 6 <= h.cell_w && h.cell_h >= 11) {
        double lum = 0.299 * col.r + 0.587 * col.g + 0.114 * col.b;
        c.text(x0 + (h.cell_w - tw) / 2, y0 + (h.cell_h - 7) / 2, buf, lum < 128 ? kWhite : kInk);
      }
    }
    std::string n = Clip(names[i], 14);
    int cy = ch.area.top + static_cast<int>(i) * h.cell_h + h.cell_h / 2;
    c.text(ch.area.left - 6 - Canvas::text_width(n), cy - 3, n, kInk);
    int cx = ch.area.left + static_cast<int>(i) * h.cell_w + h.cell_w / 2;
    c.text_up(cx - 3, ch.area.bottom + 6 + Canvas::text_width(n), n, kInk);
  }
  // Colour bar: +1 at the top, -1 at the bottom.
  int bx = ch.area.right + 14, bh = ch.area.bottom - ch.area.top;
  for (int y = 0; y < bh; ++y) {
    double v = 1.0 - 2.0 * y / std::max(1, bh - 1);
    c.fill(bx, ch.area.top + y, bx + 14, ch.area.top + y + 1, DivergingColour(v));
  }
  c.text(bx + 18, ch.area.top, "1", kInk);
  c.text(bx + 18, ch.area.top + bh / 2 - 3, "0", kInk);
  c.text(bx + 18, ch.area.bottom - 7, "-1", kInk);
  return h;
}

}  // namespace analytics
