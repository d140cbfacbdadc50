/* fuzz_util.h: what every harness shares.
 *
 * A harness turns a broken promise of the parser (a status outside the
 * enum, an error record left empty, a NaN or an out-of-range value handed
 * back as valid) into an abort(), which libFuzzer reports like a crash and
 * saves as a reproducer. The same harness code is replayed by the Check
 * tests test_core_fuzz_regressions.c / test_hw_fuzz_regressions.c (they
 * #include the harness with RENA_FUZZ_REPLAY defined), so every promise is
 * written down once. */
#ifndef RENA_FUZZ_UTIL_H
#define RENA_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

#define FUZZ_REQUIRE(cond, ...)                                                          \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: broken promise (%s): ", __FILE__, __LINE__, #cond);  \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* A status is one of the enum's values; a failure fills the error record
 * with the same code and says what went wrong. */
static inline void fuzz_require_status(rena_status st, const rena_error *err)
{
    FUZZ_REQUIRE(st <= RENA_OK && st >= RENA_ERR_UNSUPPORTED, "status %d is not a rena_status",
                 (int)st);
    if (st != RENA_OK && err) {
        FUZZ_REQUIRE(err->code == st, "returned %d but the error record says %d", (int)st,
                     (int)err->code);
        FUZZ_REQUIRE(err->message[0] != '\0', "status %d without a message", (int)st);
    }
}

/* A string field of a fixed-size array is NUL-terminated inside it. */
#define FUZZ_REQUIRE_TERMINATED(arr) \
    FUZZ_REQUIRE(memchr((arr), '\0', sizeof(arr)) != NULL, "%s is not terminated", #arr)

/* A private scratch folder for parsers that only read paths; removed at
 * exit. A harness runs single-threaded, so a static is enough. */
static char fuzz_scratch[256];

static inline void fuzz_scratch_remove(void)
{
    char path[512];
    static const char *const names[] = {"meta.json", "input.png", "input.bin"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", fuzz_scratch, names[i]);
        unlink(path);
    }
    rmdir(fuzz_scratch);
}

static inline const char *fuzz_scratch_dir(void)
{
    if (!fuzz_scratch[0]) {
        /* a file written per execution costs ~7 ms on a disk and ~0.2 ms in
         * memory: prefer /dev/shm unless TMPDIR says otherwise */
        const char *base = getenv("TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_scratch, sizeof fuzz_scratch, "%s/rena-fuzz-XXXXXX", base);
        if (!mkdtemp(fuzz_scratch)) {
            perror("rena fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_scratch_remove);
    }
    return fuzz_scratch;
}

/* Writes data to <scratch>/<name> (one of the names removed at exit) and
 * returns the path in buf. */
static inline const char *fuzz_scratch_file(const char *name, const uint8_t *data, size_t size,
                                            char *buf, size_t buf_size)
{
    snprintf(buf, buf_size, "%s/%s", fuzz_scratch_dir(), name);
    FILE *fp = fopen(buf, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
        perror("rena fuzz: writing the scratch file");
        abort();
    }
    return buf;
}

/* A copy of the input in a buffer of exactly its size, so ASan catches a
 * parser that reads one byte past what it was given. */
static inline uint8_t *fuzz_exact_copy(const uint8_t *data, size_t size)
{
    uint8_t *copy = calloc(size ? size : 1, 1);
    FUZZ_REQUIRE(copy != NULL, "out of memory copying %zu bytes", size);
    if (size)
        memcpy(copy, data, size);
    return copy;
}

#endif
