#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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

const char *rena_test_binary(void)
{
    const char *b = getenv("RENA_BINARY");
    ck_assert_msg(b && *b, "RENA_BINARY is not set");
    return b;
}

int rena_test_shell(char *out, unsigned long cap, const char *fmt, ...)
{
    char text[8192], cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "R='%s'; { %s ; } 2>&1", rena_test_binary(), text);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    /* drain what did not fit so the command never blocks on a full pipe */
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0)
        ;
    int status = pclose(p);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}
