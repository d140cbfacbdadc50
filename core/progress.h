/* progress.h: how long-running core work (generation, training) reports
 * progress and learns that it should stop. The core never prints; the CLI
 * supplies callbacks that draw on stderr when it is a terminal and watch for
 * Ctrl-C. A NULL rena_progress* means "silent, never cancelled". */
#ifndef RENA_PROGRESS_H
#define RENA_PROGRESS_H

typedef struct {
    /* Called now and then; `detail` may be NULL. */
    void (*report)(void *user, const char *stage, long done, long total, const char *detail);
    /* Returns non-zero when the work should stop (RENA_ERR_INTERRUPTED). */
    int (*cancelled)(void *user);
    void *user;
} rena_progress;

static inline void rena_progress_report(const rena_progress *p, const char *stage, long done,
                                        long total, const char *detail)
{
    if (p && p->report)
        p->report(p->user, stage, done, total, detail);
}

static inline int rena_progress_cancelled(const rena_progress *p)
{
    return p && p->cancelled && p->cancelled(p->user);
}

#endif
