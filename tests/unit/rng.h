/*
 * xorshift64*: a small seeded pseudo-random generator for the unit tests, so
 * every run performs the same operations and a failure can be replayed.
 */
#ifndef CHALK_TESTS_RNG_H
#define CHALK_TESTS_RNG_H

#include <stdint.h>

static uint64_t rng_state = 1;

static inline void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1; /* zero is xorshift's one fixed point */
}

static inline uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* A value in [0, n). */
static inline uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

#endif
