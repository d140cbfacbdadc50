#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

int rena_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *rena_test_tmpdir(char *buf, unsigned long size)
{
    const char *base = getenv("TMPDIR");
    snprintf(buf, size, "%s/rena-test-XXXXXX", base && *base ? base : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(buf));
    return buf;
}

const char *rena_test_source_path(const char *rel, char *buf, unsigned long size)
{
    const char *root = getenv("RENA_SOURCE_DIR");
    snprintf(buf, size, "%s/%s", root && *root ? root : RENA_SOURCE_DIR, rel);
    return buf;
}

int rena_test_sanitized(void)
{
    const char *v = getenv("RENA_TEST_SANITIZED");
    return v && *v && *v != '0';
}
