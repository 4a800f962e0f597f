/*
 * Shared fixture for the tests that move bytes through a ring's copier
 * (test_ringbuf.c, test_pipe_buffer.c): a copier over test memory that
 * remembers the pieces it was offered and refuses one of them, as a copy
 * to or from a bad user address would.
 */
#ifndef CHALK_TESTS_COPIER_FIXTURE_H
#define CHALK_TESTS_COPIER_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "lib/ringbuf.h"

/* A move meets the end of the storage at most once: two pieces at most. */
#define PIECES_MAX 2

struct recorder {
    char *at;       /* the caller's side: where the next piece goes or comes from */
    bool into_ring; /* direction: a write copies into the piece */
    int fail_at;    /* the piece to refuse, counting from 0; -1 for none */
    int pieces;     /* pieces offered so far */
    char *piece[PIECES_MAX];
    size_t len[PIECES_MAX];
};

static bool record(void *ctx, char *piece, size_t len)
{
    struct recorder *r = ctx;
    int i = r->pieces++;
    assert_true(i < PIECES_MAX);
    r->piece[i] = piece;
    r->len[i] = len;
    if (i == r->fail_at)
        return false;
    if (r->into_ring)
        memcpy(piece, r->at, len);
    else
        memcpy(r->at, piece, len);
    r->at += len;
    return true;
}

static struct recorder recorder(char *at, bool into_ring, int fail_at)
{
    return (struct recorder){.at = at, .into_ring = into_ring, .fail_at = fail_at};
}

static struct ringbuf_copier copier_of(struct recorder *r)
{
    return (struct ringbuf_copier){record, r};
}

#endif
