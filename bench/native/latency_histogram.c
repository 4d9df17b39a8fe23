#include "latency_histogram.h"

enum { SUB_BUCKETS = 1 << HISTOGRAM_SUB_BITS, EXACT_LIMIT = 2 * SUB_BUCKETS };

/* Values below EXACT_LIMIT have their own bucket; above it, the top HISTOGRAM_SUB_BITS + 1 bits pick one. */
static unsigned bucket_of(uint64_t ns) {
  if (ns < EXACT_LIMIT) return (unsigned)ns;
  unsigned shift = (unsigned)(63 - __builtin_clzll(ns)) - HISTOGRAM_SUB_BITS;
  unsigned mantissa = (unsigned)(ns >> shift); /* in [SUB_BUCKETS, 2 * SUB_BUCKETS) */
  return EXACT_LIMIT + (shift - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

static uint64_t bucket_midpoint(unsigned bucket) {
  if (bucket < EXACT_LIMIT) return bucket;
  unsigned shift = (bucket - EXACT_LIMIT) / SUB_BUCKETS + 1;
  uint64_t mantissa = (bucket - EXACT_LIMIT) % SUB_BUCKETS + SUB_BUCKETS;
  return (mantissa << shift) + ((1ull << shift) >> 1);
}

void histogram_record(struct latency_histogram *histogram, uint64_t ns) {
  histogram->buckets[bucket_of(ns)]++;
  histogram->count++;
  if (ns > histogram->max_ns) histogram->max_ns = ns;
}

uint64_t histogram_quantile(const struct latency_histogram *histogram, double q) {
  if (histogram->count == 0) return 0;
  uint64_t rank = (uint64_t)(q * (double)histogram->count + 0.999999); /* ceil without libm */
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (unsigned bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) {
    seen += histogram->buckets[bucket];
    if (seen >= rank) {
      uint64_t value = bucket_midpoint(bucket);
      return value < histogram->max_ns ? value : histogram->max_ns;
    }
  }
  return histogram->max_ns;
}
