/* A log-linear histogram of nanosecond durations: exact below 256 ns, then 128 buckets per power of two
 * (under 0.8 % error), so percentiles of millions of samples cost a fixed 58 KiB and no sorting. */
#ifndef BENCH_LATENCY_HISTOGRAM_H
#define BENCH_LATENCY_HISTOGRAM_H

#include <stdint.h>

enum { HISTOGRAM_SUB_BITS = 7, HISTOGRAM_BUCKETS = 2 * (1 << HISTOGRAM_SUB_BITS) + 56 * (1 << HISTOGRAM_SUB_BITS) };

struct latency_histogram {
  uint64_t count;
  uint64_t max_ns;
  uint64_t buckets[HISTOGRAM_BUCKETS];
};

void histogram_record(struct latency_histogram *histogram, uint64_t ns);

/* The value (bucket midpoint, ns) at or below which a fraction q of the samples fall; 0 if empty. */
uint64_t histogram_quantile(const struct latency_histogram *histogram, double q);

#endif
