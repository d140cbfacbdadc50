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
/* 1 when the suite runs under ASan/UBSan (tests may shrink their sizes). */
int rena_test_sanitized(void);

#endif
