/* status.h: the one status type every fallible rena call returns, and an
 * error record that says where (file, line, field) a failure came from.
 * Nothing in the rena libraries prints or exits; callers print the record. */
#ifndef RENA_STATUS_H
#define RENA_STATUS_H

#include <stddef.h>

typedef enum {
    RENA_OK = 0,
    RENA_ERR_ARG = -1,         /* invalid argument from the caller */
    RENA_ERR_NOMEM = -2,       /* allocation failed */
    RENA_ERR_IO = -3,          /* read/write/open/rename failed (errno in message) */
    RENA_ERR_FORMAT = -4,      /* malformed input file or stream */
    RENA_ERR_RANGE = -5,       /* value out of range, NaN or Inf */
    RENA_ERR_SHAPE = -6,       /* array shapes or sample counts do not match */
    RENA_ERR_CHECKSUM = -7,    /* stored checksum does not match the content */
    RENA_ERR_VERSION = -8,     /* file of another version or architecture */
    RENA_ERR_BACKEND = -9,     /* simulator, renderer or bus failure */
    RENA_ERR_TIMEOUT = -10,    /* no answer in time (bus, stream) */
    RENA_ERR_NOT_FOUND = -11,  /* file, servo ID or name not present */
    RENA_ERR_INTERRUPTED = -12,/* stopped by a signal (Ctrl-C) */
    RENA_ERR_UNSUPPORTED = -13 /* the backend cannot do this */
} rena_status;

/* A short, static, human-readable name for a status code. Never NULL. */
const char *rena_status_str(rena_status code);

/* Details of the last failure. `where` names the file, line or field
 * (e.g. "data/train/commands.npy" or "calib.json: servos[3].min"). */
typedef struct {
    rena_status code;
    char where[512];
    char message[512];
} rena_error;

/* Clears the record (code RENA_OK, empty strings). NULL is allowed. */
void rena_error_clear(rena_error *err);

/* Fills err (if not NULL) and returns code, so a function can write
 * `return rena_error_set(err, RENA_ERR_FORMAT, path, "bad magic");`. */
rena_status rena_error_set(rena_error *err, rena_status code, const char *where,
                           const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "where: message (status name)" into buf; returns buf. */
const char *rena_error_format(const rena_error *err, char *buf, size_t size);

#endif
