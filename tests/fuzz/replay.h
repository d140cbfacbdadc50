/* replay.h: replays saved inputs through a fuzz harness inside a Check
 * test (tests/test_core_fuzz_regressions.c, tests/test_hw_fuzz_regressions.c).
 * Every file of tests/fuzz/corpus/<parser>/ (the seeds) and of
 * tests/fuzz/regressions/<parser>/ (inputs that once crashed a parser) goes
 * through the harness's own checks, which abort on a broken promise; Check
 * runs each parser in its own process and reports the abort with the file
 * named on stderr. */
#ifndef RENA_FUZZ_REPLAY_H
#define RENA_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "status.h"
#include "testutil.h"

typedef rena_status (*fuzz_replay_fn)(const uint8_t *data, size_t size);

typedef struct {
    const char *parser; /* folder name under corpus/ and regressions/ */
    fuzz_replay_fn one; /* the harness's per-input function */
} fuzz_replay_target;

typedef struct {
    int files;    /* inputs replayed */
    int accepted; /* of which the parser accepted (RENA_OK or a clean end) */
} fuzz_replay_count;

static int fuzz_replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of tests/fuzz/<kind>/<parser>/ in name order; a
 * missing folder replays nothing. */
static fuzz_replay_count fuzz_replay_folder(const fuzz_replay_target *t, const char *kind)
{
    fuzz_replay_count c = {0, 0};
    char rel[512], dir[4096];
    snprintf(rel, sizeof rel, "tests/fuzz/%s/%s", kind, t->parser);
    rena_test_source_path(rel, dir, sizeof dir);
    DIR *d = opendir(dir);
    if (!d)
        return c;
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1024)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], fuzz_replay_cmp);
    for (int i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unsigned char *data;
        size_t size;
        rena_error err;
        ck_assert_msg(rena_read_file(path, &data, &size, &err) == RENA_OK, "%s: %s", path,
                      err.message);
        fprintf(stderr, "replaying %s\n", path); /* names the input if the harness aborts */
        rena_status st = t->one(data, size);
        free(data);
        ck_assert_msg(st <= RENA_OK && st >= RENA_ERR_UNSUPPORTED, "%s: status %d", path, (int)st);
        c.files++;
        c.accepted += st == RENA_OK || st == RENA_ERR_NOT_FOUND;
        free(names[i]);
    }
    return c;
}

/* The seeds must exist and at least one must be accepted, so the harness's
 * checks on accepted input really ran; regressions need only not crash. */
static void fuzz_replay_target_check(const fuzz_replay_target *t)
{
    fuzz_replay_count seeds = fuzz_replay_folder(t, "corpus");
    ck_assert_msg(seeds.files > 0, "no seeds in tests/fuzz/corpus/%s", t->parser);
    ck_assert_msg(seeds.accepted > 0, "no seed of %s is accepted", t->parser);
    fuzz_replay_folder(t, "regressions");
}

#endif
