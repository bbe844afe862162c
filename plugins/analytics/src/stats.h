// stats.h - the numeric kernels, written to give pandas' numbers:
// describe() (nanops mean/std, numpy 'linear' quantiles), DataFrame.corr()
// (pairwise-complete Pearson with Welford updates, Spearman with per-pair
// re-ranking), value factorisation for counts and groups.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frame.h"

namespace analytics {

// numpy's pairwise summation (the order np.add.reduce uses).
double PairwiseSum(const double* v, size_t n);
// numpy 'linear' quantile of sorted values (q in [0, 1]); NaN when empty.
double QuantileSorted(const std::vector<double>& sorted, double q);

// The non-null values of a numeric (or boolean) column.
std::vector<double> NumericValues(const Column& c);

struct NumericSummary {
  size_t count = 0;
  double mean = 0, std = 0, min = 0, max = 0;
  std::vector<double> quantiles;  // one per requested percentile
};
NumericSummary SummarizeNumeric(const Column& c, const std::vector<double>& percentiles, int ddof = 1);

// Values numbered by first occurrence; codes[i] == kNullCode for nulls.
constexpr uint32_t kNullCode = 0xFFFFFFFFu;
struct Factorized {
  std::vector<uint32_t> codes;
  std::vector<size_t> first_row;  // per code: a row holding the value
  std::vector<size_t> counts;     // per code: rows holding it
};
Factorized Factorize(const Column& c);

struct CategoricalSummary {
  size_t count = 0, unique = 0, freq = 0;
  size_t top_row = 0;  // a row holding the most frequent value (first seen on ties)
};
CategoricalSummary SummarizeCategorical(const Column& c);

// Average ranks (1-based) of the values; NaN stays NaN.
std::vector<double> AverageRanks(const std::vector<double>& v);

// K x K matrix (row-major) of DataFrame.corr(method) over `cols` (each a
// column of doubles with NaN for missing). method: pearson | spearman.
std::vector<double> Correlation(const std::vector<std::vector<double>>& cols, const std::string& method,
                                size_t min_periods);
// The same over views (a float column's own array can be passed as is).
std::vector<double> Correlation(const std::vector<std::span<const double>>& cols, const std::string& method,
                                size_t min_periods);

// The column as doubles, NaN for nulls.
std::vector<double> AsDoubles(const Column& c);

}  // namespace analytics
