#include "stats.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace analytics {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

double PairwiseSum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<size_t>(j)];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return PairwiseSum(a, n2) + PairwiseSum(a + n2, n - n2);
}

double QuantileSorted(const std::vector<double>& s, double q) {
  if (s.empty()) return kNaN;
  const double n1 = static_cast<double>(s.size() - 1);
  double virt = n1 * q;
  double prev = std::floor(virt);
  if (prev < 0) prev = 0;
  if (prev > n1) prev = n1;
  double gamma = virt - prev;
  size_t lo = static_cast<size_t>(prev);
  size_t hi = std::min(lo + 1, s.size() - 1);
  double a = s[lo], b = s[hi];
  // numpy's _lerp: symmetric formula, exact at both ends.
  double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

std::vector<double> NumericValues(const Column& c) {
  std::vector<double> v;
  v.reserve(c.rows - c.null_count);
  for (size_t i = 0; i < c.rows; ++i)
    if (!c.is_null(i)) v.push_back(c.number(i));
  return v;
}

std::vector<double> AsDoubles(const Column& c) {
  std::vector<double> v(c.rows);
  for (size_t i = 0; i < c.rows; ++i) v[i] = c.number(i);
  return v;
}

NumericSummary SummarizeNumeric(const Column& c, const std::vector<double>& percentiles, int ddof) {
  NumericSummary s;
  std::vector<double> v = NumericValues(c);
  s.count = v.size();
  if (v.empty()) {
    s.mean = s.std = s.min = s.max = kNaN;
    s.quantiles.assign(percentiles.size(), kNaN);
    return s;
  }
  // nanops.nanmean / nanvar: sum / count, then the sum of squared deviations.
  const double n = static_cast<double>(v.size());
  s.mean = PairwiseSum(v.data(), v.size()) / n;
  if (v.size() > static_cast<size_t>(ddof)) {
    std::vector<double> sq(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      double d = s.mean - v[i];
      sq[i] = d * d;
    }
    s.std = std::sqrt(PairwiseSum(sq.data(), sq.size()) / (n - ddof));
  } else {
    s.std = kNaN;
  }
  auto [mn, mx] = std::minmax_element(v.begin(), v.end());
  s.min = *mn;
  s.max = *mx;
  // Only the order statistics the quantiles touch, by successive selection
  // (no full sort); then numpy's interpolation between them.
  const double n1 = static_cast<double>(v.size() - 1);
  std::vector<size_t> need;
  for (double p : percentiles) {
    size_t lo = static_cast<size_t>(std::min(std::max(std::floor(n1 * p), 0.0), n1));
    need.push_back(lo);
    need.push_back(std::min(lo + 1, v.size() - 1));
  }
  std::sort(need.begin(), need.end());
  need.erase(std::unique(need.begin(), need.end()), need.end());
  size_t from = 0;
  for (size_t k : need) {
    std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    from = k + 1;  // keep v[k] where it is
  }
  for (double p : percentiles) {
    double virt = n1 * p;
    double prev = std::min(std::max(std::floor(virt), 0.0), n1);
    double gamma = virt - prev;
    size_t lo = static_cast<size_t>(prev), hi = std::min(lo + 1, v.size() - 1);
    double a = v[lo], b = v[hi], diff = b - a;
    s.quantiles.push_back(gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma);
  }
  return s;
}

namespace {

template <class K, class GetKey>
Factorized FactorizeBy(const Column& c, GetKey key) {
  Factorized f;
  f.codes.resize(c.rows);
  std::unordered_map<K, uint32_t> index;
  index.reserve(std::min<size_t>(c.rows, 1u << 16));
  for (size_t i = 0; i < c.rows; ++i) {
    if (c.is_null(i)) {
      f.codes[i] = kNullCode;
      continue;
    }
    auto [it, inserted] = index.try_emplace(key(i), static_cast<uint32_t>(f.first_row.size()));
    if (inserted) {
      f.first_row.push_back(i);
      f.counts.push_back(0);
    }
    f.codes[i] = it->second;
    f.counts[it->second]++;
  }
  return f;
}

}  // namespace

Factorized Factorize(const Column& c) {
  switch (c.type) {
    case Type::Integer:
      return FactorizeBy<int64_t>(c, [&](size_t i) { return c.ints[i]; });
    case Type::Float:
      return FactorizeBy<double>(c, [&](size_t i) { return c.floats[i] == 0 ? 0.0 : c.floats[i]; });
    case Type::Boolean:
      return FactorizeBy<int>(c, [&](size_t i) { return static_cast<int>(c.bools[i]); });
    default:
      return FactorizeBy<std::string_view>(c, [&](size_t i) { return c.text(i); });
  }
}

CategoricalSummary SummarizeCategorical(const Column& c) {
  CategoricalSummary s;
  Factorized f = Factorize(c);
  s.count = c.rows - c.null_count;
  s.unique = f.counts.size();
  for (size_t k = 0; k < f.counts.size(); ++k) {
    if (f.counts[k] > s.freq) {
      s.freq = f.counts[k];
      s.top_row = f.first_row[k];
    }
  }
  return s;
}

std::vector<double> AverageRanks(const std::vector<double>& v) {
  std::vector<size_t> idx;
  idx.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isnan(v[i])) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size(), kNaN);
  size_t i = 0;
  while (i < idx.size()) {
    size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    double avg = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
    for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

std::vector<double> Correlation(const std::vector<std::vector<double>>& cols, const std::string& method,
                                size_t min_periods) {
  std::vector<std::span<const double>> views(cols.begin(), cols.end());
  return Correlation(views, method, min_periods);
}

std::vector<double> Correlation(const std::vector<std::span<const double>>& cols, const std::string& method,
                                size_t min_periods) {
  const size_t K = cols.size();
  const size_t N = K ? cols[0].size() : 0;
  if (min_periods < 1) min_periods = 1;
  std::vector<double> out(K * K, kNaN);
  if (method == "pearson") {
    // pandas._libs.algos.nancorr: Welford updates over pairwise-complete rows.
    // The pairs are independent: large matrices use up to four threads
    // (each pair's arithmetic, and so its result, is the same either way).
    std::vector<std::pair<size_t, size_t>> pairs;
    for (size_t xi = 0; xi < K; ++xi)
      for (size_t yi = 0; yi <= xi; ++yi) pairs.emplace_back(xi, yi);
    auto pair_r = [&](size_t xi, size_t yi) {
      const double* X = cols[xi].data();
      const double* Y = cols[yi].data();
      size_t nobs = 0;
      double meanx = 0, meany = 0, ssqdmx = 0, ssqdmy = 0, covxy = 0;
      for (size_t i = 0; i < N; ++i) {
        double vx = X[i], vy = Y[i];
        if (std::isnan(vx) || std::isnan(vy)) continue;
        ++nobs;
        double dx = vx - meanx, dy = vy - meany;
        meanx += 1.0 / static_cast<double>(nobs) * dx;
        meany += 1.0 / static_cast<double>(nobs) * dy;
        ssqdmx += (vx - meanx) * dx;
        ssqdmy += (vy - meany) * dy;
        covxy += (vx - meanx) * dy;
      }
      double r = kNaN;
      if (nobs >= min_periods) {
        double divisor = std::sqrt(ssqdmx * ssqdmy);
        if (divisor != 0) r = covxy / divisor;
      }
      out[xi * K + yi] = out[yi * K + xi] = r;  // distinct cells per pair: no race
    };
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t p; (p = next.fetch_add(1)) < pairs.size();) pair_r(pairs[p].first, pairs[p].second);
    };
    size_t workers = N * pairs.size() >= (4u << 20) ? std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, pairs.size()}) : 1;
    std::vector<std::thread> threads;
    for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    return out;
  }
  if (method == "spearman") {
    // pandas._libs.algos.nancorr_spearman: rank each column, re-rank a pair
    // over its common rows when their missing values differ.
    std::vector<std::vector<double>> ranked(K);
    for (size_t k = 0; k < K; ++k) ranked[k] = AverageRanks(std::vector<double>(cols[k].begin(), cols[k].end()));
    std::vector<double> mx, my;
    for (size_t xi = 0; xi < K; ++xi) {
      for (size_t yi = 0; yi <= xi; ++yi) {
        mx.clear();
        my.clear();
        bool all_ranks = true;
        for (size_t i = 0; i < N; ++i) {
          bool okx = !std::isnan(cols[xi][i]), oky = !std::isnan(cols[yi][i]);
          all_ranks &= !(okx ^ oky);
          if (okx && oky) {
            mx.push_back(ranked[xi][i]);
            my.push_back(ranked[yi][i]);
          }
        }
        double r = kNaN;
        size_t nobs = mx.size();
        if (nobs >= min_periods) {
          if (!all_ranks) {
            mx = AverageRanks(mx);
            my = AverageRanks(my);
          }
          double mean = (static_cast<double>(nobs) + 1) / 2.0;
          double sumx = 0, sumxx = 0, sumyy = 0;
          for (size_t i = 0; i < nobs; ++i) {
            double vx = mx[i] - mean, vy = my[i] - mean;
            sumx += vx * vy;
            sumxx += vx * vx;
            sumyy += vy * vy;
          }
          double divisor = std::sqrt(sumxx * sumyy);
          if (divisor != 0) r = sumx / divisor;
        }
        out[xi * K + yi] = out[yi * K + xi] = r;
      }
    }
    return out;
  }
  throw std::invalid_argument("unknown correlation method \"" + method + "\": use pearson or spearman");
}

}  // namespace analytics
