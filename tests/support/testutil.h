/* testutil.h: small helpers shared by the Check suites. */
#ifndef RENA_TESTUTIL_H
#define RENA_TESTUTIL_H

#include <check.h>

/* Runs one suite and returns the process exit code (0 when all passed). */
int rena_test_run(Suite *s);
/* A fresh empty temporary directory (mkdtemp under $TMPDIR or /tmp). */
const char *rena_test_tmpdir(char *buf, unsigned long size);
/* Path inside the source tree, e.g. "scenes/face.xml". */
const char *rena_test_source_path(const char *rel, char *buf, unsigned long size);
/* The rena binary under test ($RENA_BINARY; fails the test when unset). */
const char *rena_test_binary(void);
/* Runs the formatted command with `sh -c`, $R set to the rena binary, and
 * stdout+stderr captured into out (NUL-terminated, cut at cap). Returns the
 * exit code of the last pipeline stage; a killed shell fails the test. */
int rena_test_shell(char *out, unsigned long cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 when the suite runs under ASan/UBSan (tests may shrink their sizes). */
int rena_test_sanitized(void);

#endif
