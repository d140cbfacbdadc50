/* rng.h: a small deterministic random generator. A stream is keyed by
 * (seed, index), so sample i of a dataset draws the same numbers whichever
 * shard, thread or process generates it. splitmix64 keying + xoshiro256**. */
#ifndef RENA_RNG_H
#define RENA_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} rena_rng;

/* Starts the stream for (seed, index). Any values are valid. */
void rena_rng_init(rena_rng *r, uint64_t seed, uint64_t index);

uint64_t rena_rng_next(rena_rng *r);
/* Uniform in [0,1). */
double rena_rng_uniform(rena_rng *r);
/* Uniform in [lo,hi). */
double rena_rng_range(rena_rng *r, double lo, double hi);
/* Uniform integer in [0,n), n > 0. */
uint32_t rena_rng_below(rena_rng *r, uint32_t n);
/* Standard normal (Box-Muller, no cached state so streams stay simple). */
double rena_rng_normal(rena_rng *r);

#endif
