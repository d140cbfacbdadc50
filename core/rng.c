#include "rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rena_rng_init(rena_rng *r, uint64_t seed, uint64_t index)
{
    /* Mix index through its own splitmix step so (seed, i) and (seed+1, i-1)
     * do not collide. */
    uint64_t k = index;
    uint64_t x = seed ^ splitmix64(&k);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rena_rng_next(rena_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rena_rng_uniform(rena_rng *r) { return (double)(rena_rng_next(r) >> 11) * 0x1.0p-53; }

double rena_rng_range(rena_rng *r, double lo, double hi) { return lo + (hi - lo) * rena_rng_uniform(r); }

uint32_t rena_rng_below(rena_rng *r, uint32_t n)
{
    return (uint32_t)(((rena_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

double rena_rng_normal(rena_rng *r)
{
    double u1 = rena_rng_uniform(r);
    double u2 = rena_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
