#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Signal handlers can only touch a sig_atomic_t; this is the CLI's one
 * process-wide flag, and lives in apps/, never in the libraries. */
static volatile sig_atomic_t interrupted_flag;
static int progress_line_open;

int rena_cli_fail(const char *cmd, const rena_error *err)
{
    char buf[1200];
    rena_cli_progress_done();
    fprintf(stderr, "rena %s: %s\n", cmd, rena_error_format(err, buf, sizeof buf));
    return err && err->code == RENA_ERR_INTERRUPTED ? RENA_EXIT_INTERRUPTED : RENA_EXIT_FAIL;
}

int rena_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    rena_cli_progress_done();
    fprintf(stderr, "rena %s: ", cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'rena %s --help')\n", cmd);
    return RENA_EXIT_USAGE;
}

int rena_cli_is_flag(const char *arg, const char *flag)
{
    size_t n = strlen(flag);
    return !strncmp(arg, flag, n) && (arg[n] == '\0' || arg[n] == '=');
}

const char *rena_cli_flag_value(const char *cmd, int argc, char **argv, int *i, const char *flag)
{
    const char *eq = strchr(argv[*i], '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        rena_cli_usage_error(cmd, "%s needs a value", flag);
        return NULL;
    }
    return argv[++*i];
}

int rena_cli_parse_long(const char *cmd, const char *flag, const char *text, long lo, long hi,
                        long *out)
{
    char *end = NULL;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || !*text || *end || errno || v < lo || v > hi) {
        rena_cli_usage_error(cmd, "%s expects a whole number from %ld to %ld, got '%s'", flag, lo,
                             hi, text ? text : "(nothing)");
        return 1;
    }
    *out = v;
    return 0;
}

int rena_cli_parse_u64(const char *cmd, const char *flag, const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = (text && *text != '-') ? strtoull(text, &end, 10) : 0;
    if (!text || !*text || *text == '-' || *end || errno) {
        rena_cli_usage_error(cmd, "%s expects a non-negative whole number, got '%s'", flag,
                             text ? text : "(nothing)");
        return 1;
    }
    *out = (uint64_t)v;
    return 0;
}

int rena_cli_parse_double(const char *cmd, const char *flag, const char *text, double lo,
                          double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : 0.0;
    if (!text || !*text || *end || errno || !isfinite(v) || v < lo || v > hi) {
        rena_cli_usage_error(cmd, "%s expects a number from %g to %g, got '%s'", flag, lo, hi,
                             text ? text : "(nothing)");
        return 1;
    }
    *out = v;
    return 0;
}

int rena_cli_parse_shard(const char *cmd, const char *flag, const char *text, long *index,
                         long *count)
{
    char *end = NULL;
    long i = 0, n = 0;
    if (text && *text) {
        errno = 0;
        i = strtol(text, &end, 10);
        if (*end == '/' && !errno)
            n = strtol(end + 1, &end, 10);
    }
    if (!text || !end || *end || errno || n < 1 || i < 1 || i > n) {
        rena_cli_usage_error(cmd, "%s expects I/N with 1 <= I <= N (e.g. 1/4), got '%s'", flag,
                             text ? text : "(nothing)");
        return 1;
    }
    *index = i;
    *count = n;
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted_flag = 1;
}

void rena_cli_install_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int rena_cli_interrupted(void) { return interrupted_flag != 0; }

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void draw_progress(void *user, const char *stage, long done, long total, const char *detail)
{
    static double last;
    const char *cmd = user;
    if (!isatty(STDERR_FILENO))
        return;
    double t = now_seconds();
    if (done != total && t - last < 0.1)
        return;
    last = t;
    if (total > 0)
        fprintf(stderr, "\r\033[Krena %s: %s %ld/%ld (%.0f%%)%s%s", cmd, stage, done, total,
                100.0 * (double)done / (double)total, detail ? "  " : "", detail ? detail : "");
    else
        fprintf(stderr, "\r\033[Krena %s: %s %ld%s%s", cmd, stage, done, detail ? "  " : "",
                detail ? detail : "");
    progress_line_open = 1;
}

static int check_cancelled(void *user)
{
    (void)user;
    return rena_cli_interrupted();
}

rena_progress rena_cli_progress(const char *cmd)
{
    rena_progress p = {draw_progress, check_cancelled, (void *)cmd};
    return p;
}

void rena_cli_progress_done(void)
{
    if (progress_line_open) {
        fputc('\n', stderr);
        progress_line_open = 0;
    }
}
