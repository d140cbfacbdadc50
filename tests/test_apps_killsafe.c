/* Kill tests: `rena generate` and `rena train` killed with SIGKILL at
 * random (seeded) moments must never leave a partial file where a user looks
 * for their data. After every kill each entry of the output folder is either
 * the complete previous version (byte-identical to a copy taken before),
 * the complete new version (the run finished before the kill), or absent;
 * only temporary siblings ("*.tmp.*", "*.old.*") may hold anything else, and
 * they must not break the next run, which has to finish and write exactly
 * what an uninterrupted run writes. docs/trust.md describes the design.
 *
 * Kill moments: half uniform over a whole run, half during the commit: from
 * the moment the run's first file appears in a temporary sibling (polled
 * every 0.5 ms) to 1.5 times the commit's measured length after it, so
 * kills land while files are written, synced and renamed into place.
 * 20 kills per command normally, 5 under the sanitizers (where every run is
 * several times slower). */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "rng.h"
#include "testutil.h"

#define KILL_SEED 20240611u

static char root[512];

static void setup(void) { rena_test_tmpdir(root, sizeof root); }
static void teardown(void) { rena_remove_tree(root); }

static int kills_per_command(void) { return rena_test_sanitized() ? 5 : 20; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- running rena ---------------------------------------------------------- */

typedef struct {
    int killed;      /* 1: still running at the deadline, killed with SIGKILL */
    int exit_code;   /* when it finished by itself */
    double seconds;  /* from start to exit */
    double commit_s; /* from the first file of its commit to exit; -1 if none seen */
} run_result;

/* When to kill: `after` seconds from the start (< 0: never), or, with
 * on_commit, `after` seconds after the run starts writing its output. */
typedef struct {
    double after;
    int on_commit;
} kill_plan;

static int has_regular_file(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (S_ISREG(st.st_mode))
        return 1;
    if (!S_ISDIR(st.st_mode) || depth == 0)
        return 0;
    DIR *d = opendir(path);
    int found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        found = has_regular_file(child, depth - 1);
    }
    if (d)
        closedir(d);
    return found;
}

/* 1 once process `pid` has a file in a temporary sibling of its own
 * ("<name>.tmp.<pid>", a file or a folder with a file in it): the atomic
 * writers fill these only when they commit. */
static int commit_started(const char *work, pid_t pid)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".tmp.%ld", (long)pid);
    size_t m = strlen(suffix);
    DIR *d = opendir(work);
    int found = 0;
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > m && !strcmp(e->d_name + n - m, suffix)) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", work, e->d_name);
            found = has_regular_file(path, 2);
        }
    }
    if (d)
        closedir(d);
    return found;
}

/* Runs `rena args...` (NULL-terminated) with output to DIR/log, in its own
 * process group, and kills the group with SIGKILL as `plan` says; `work` is
 * the folder it writes into. */
static run_result run_rena(kill_plan plan, const char *work, char *const args[])
{
    const char *bin = getenv("RENA_BINARY");
    ck_assert_msg(bin && *bin, "RENA_BINARY is not set");
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)bin;
    while (args[argc - 1] && argc < 31) {
        argv[argc] = args[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    char log[600];
    snprintf(log, sizeof log, "%s/log", root);
    double start = now_s();
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(bin, argv);
        _exit(127);
    }
    setpgid(pid, pid);
    run_result r = {0, -1, 0.0, -1.0};
    int status = 0;
    double committing = -1.0; /* when the commit was first seen */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (work && committing < 0 && commit_started(work, pid))
            committing = now_s();
        double from = plan.on_commit ? committing : start; /* when the `after` clock starts */
        if (plan.after >= 0 && from >= 0 && now_s() - from >= plan.after) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            r.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
            break;
        }
        /* 0.5 ms: fine enough to land between two renames of a commit */
        struct timespec nap = {0, 500000};
        nanosleep(&nap, NULL);
    }
    r.seconds = now_s() - start;
    if (committing >= 0)
        r.commit_s = now_s() - committing;
    if (!r.killed)
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

/* The tail of DIR/log, for failure messages. */
static const char *log_tail(char *buf, size_t size)
{
    char path[600];
    snprintf(path, sizeof path, "%s/log", root);
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (!fp)
        return buf;
    fseek(fp, 0, SEEK_END);
    long end = ftell(fp);
    fseek(fp, end > (long)size - 1 ? end - (long)size + 1 : 0, SEEK_SET);
    size_t n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static run_result run_to_completion(const char *work, char *const args[])
{
    kill_plan never = {-1.0, 0};
    run_result r = run_rena(never, work, args);
    char tail[2048];
    ck_assert_msg(r.exit_code == 0, "rena %s exited %d: %s", args[0], r.exit_code,
                  log_tail(tail, sizeof tail));
    return r;
}

/* ---- comparing trees ------------------------------------------------------------ */

static int is_temporary(const char *name) { return strstr(name, ".tmp.") || strstr(name, ".old."); }

static int sorted_entries(const char *dir, char **names, int cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < cap)
            names[n++] = strdup(e->d_name);
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: folders hold a handful of names */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    return n;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* Drops the column named `name` from CSV text in place; returns the new
 * length. `rena train`'s MODEL.curves.csv records the wall-clock seconds of
 * every epoch, the one thing two runs of the same seed do not share. */
static size_t drop_csv_column(unsigned char *text, size_t size, const char *name)
{
    int drop = -1, col = 0;
    size_t start = 0;
    for (size_t j = 0; j <= size; j++) { /* the column's index, from the header */
        if (j < size && text[j] != ',' && text[j] != '\n')
            continue;
        if (j - start == strlen(name) && !memcmp(text + start, name, j - start)) {
            drop = col;
            break;
        }
        if (j == size || text[j] == '\n')
            break;
        col++;
        start = j + 1;
    }
    if (drop < 0)
        return size;
    size_t out = 0; /* never past `start`: the text only shrinks */
    int first = 1;
    col = 0;
    start = 0;
    for (size_t j = 0; j <= size; j++) {
        if (j < size && text[j] != ',' && text[j] != '\n')
            continue;
        if (col != drop) { /* field [start, j) is column col */
            if (!first)
                text[out++] = ',';
            memmove(text + out, text + start, j - start);
            out += j - start;
            first = 0;
        }
        if (j == size)
            break;
        if (text[j] == '\n') {
            text[out++] = '\n';
            col = 0;
            first = 1;
        } else {
            col++;
        }
        start = j + 1;
    }
    return out;
}

static int files_equal(const char *a, const char *b)
{
    unsigned char *da, *db;
    size_t na, nb;
    if (rena_read_file(a, &da, &na, NULL) != RENA_OK)
        return 0;
    if (rena_read_file(b, &db, &nb, NULL) != RENA_OK) {
        free(da);
        return 0;
    }
    if (ends_with(a, ".curves.csv")) {
        na = drop_csv_column(da, na, "seconds");
        nb = drop_csv_column(db, nb, "seconds");
    }
    int same = na == nb && !memcmp(da, db, na);
    free(da);
    free(db);
    return same;
}

/* 1 when a and b are the same file or the same tree, byte for byte. */
static int trees_equal(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0 || S_ISDIR(sa.st_mode) != S_ISDIR(sb.st_mode))
        return 0;
    if (!S_ISDIR(sa.st_mode))
        return files_equal(a, b);
    char *na[256], *nb[256];
    int ca = sorted_entries(a, na, 256), cb = sorted_entries(b, nb, 256);
    int same = ca == cb && ca >= 0;
    for (int i = 0; same && i < ca; i++) {
        char pa[4096], pb[4096];
        snprintf(pa, sizeof pa, "%s/%s", a, na[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, nb[i]);
        same = !strcmp(na[i], nb[i]) && trees_equal(pa, pb);
    }
    for (int i = 0; i < ca; i++)
        free(na[i]);
    for (int i = 0; i < cb; i++)
        free(nb[i]);
    return same;
}

static void copy_tree(const char *from, const char *to)
{
    struct stat st;
    ck_assert_int_eq(stat(from, &st), 0);
    if (!S_ISDIR(st.st_mode)) {
        unsigned char *data;
        size_t size;
        ck_assert_int_eq(rena_read_file(from, &data, &size, NULL), RENA_OK);
        ck_assert_int_eq(rena_atomic_write(to, data, size, NULL), RENA_OK);
        free(data);
        return;
    }
    ck_assert_int_eq(mkdir(to, 0777), 0);
    char *names[256];
    int n = sorted_entries(from, names, 256);
    for (int i = 0; i < n; i++) {
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/%s", from, names[i]);
        snprintf(b, sizeof b, "%s/%s", to, names[i]);
        copy_tree(a, b);
        free(names[i]);
    }
}

/* ---- the check after a kill ------------------------------------------------------ */

typedef struct {
    int killed, finished;     /* kills that landed while running / runs that beat the kill */
    int previous, next, absent; /* state of the watched entries afterwards */
    int temporaries;          /* temporary siblings left behind (after the last kill) */
} kill_tally;

/* Every entry of `dir` (the folder the command writes into) is temporary or
 * byte-identical to the same name in `previous` or in `next` (complete
 * reference copies); an entry of `previous` may be absent. Restores the
 * previous version afterwards so every kill starts from it. */
static void check_after_kill(const char *dir, const char *previous, const char *next,
                             const char *what, kill_tally *t)
{
    char *names[256], tail[1024];
    int n = sorted_entries(dir, names, 256);
    ck_assert_int_ge(n, 0);
    t->temporaries = 0;
    for (int i = 0; i < n; i++) {
        char at[4096], was[4096], will[4096];
        snprintf(at, sizeof at, "%s/%s", dir, names[i]);
        snprintf(was, sizeof was, "%s/%s", previous, names[i]);
        snprintf(will, sizeof will, "%s/%s", next, names[i]);
        if (is_temporary(names[i])) {
            t->temporaries += is_temporary(names[i]);
        } else if (trees_equal(at, was)) {
            t->previous++;
        } else {
            ck_assert_msg(trees_equal(at, will),
                          "%s: after a kill %s is neither the previous nor the new version "
                          "(partial?); rena said: %s",
                          what, at, log_tail(tail, sizeof tail));
            t->next++;
            rena_remove_tree(at);
            copy_tree(was, at);
        }
        free(names[i]);
    }
    /* what the previous version had and the folder lost */
    n = sorted_entries(previous, names, 256);
    for (int i = 0; i < n; i++) {
        char at[4096], was[4096];
        snprintf(at, sizeof at, "%s/%s", dir, names[i]);
        snprintf(was, sizeof was, "%s/%s", previous, names[i]);
        if (access(at, F_OK) != 0) {
            t->absent++;
            copy_tree(was, at);
        }
        free(names[i]);
    }
}

/* How long a run takes, and how long its commit (from the first file
 * written to exit), as measured on the reference run. */
typedef struct {
    double run_s, commit_s;
} run_timing;

/* When to kill run k: the even ones anywhere in a whole run, the odd ones
 * during the commit (writing, fsyncing and renaming the files) or just
 * after it, the moment that matters. */
static kill_plan kill_moment(int k, run_timing t)
{
    rena_rng r;
    rena_rng_init(&r, KILL_SEED, (uint64_t)k);
    double u = rena_rng_uniform(&r);
    if (k % 2 && t.commit_s > 0) {
        kill_plan p = {1.5 * t.commit_s * u, 1};
        return p;
    }
    /* odd ones without a commit seen (a file system where it takes less than
     * the polling interval): the last fifth of a run instead */
    kill_plan p = {t.run_s * (k % 2 ? 0.8 + 0.2 * u : u), 0};
    return p;
}

static void report(const char *what, const kill_tally *t)
{
    fprintf(stderr,
            "killsafe %s: %d killed while running, %d finished first; afterwards %d previous, "
            "%d new, %d absent; %d temporary siblings left behind\n",
            what, t->killed, t->finished, t->previous, t->next, t->absent, t->temporaries);
}

/* Kills `args` (which writes into work/) kills_per_command() times and
 * checks the folder after each; then runs it to the end once more, which
 * must succeed and write what `next` holds. */
static void kill_repeatedly(const char *what, const char *work, const char *previous,
                            const char *next, run_timing timing, char *const args[])
{
    kill_tally t = {0, 0, 0, 0, 0, 0};
    int kills = kills_per_command();
    for (int k = 0; k < kills; k++) {
        run_result r = run_rena(kill_moment(k, timing), work, args);
        if (r.killed)
            t.killed++;
        else
            t.finished++;
        check_after_kill(work, previous, next, what, &t);
    }
    report(what, &t);
    /* kills must land while rena runs, or this tested nothing; a quarter
     * leaves room for a machine busy with other work */
    ck_assert_msg(t.killed * 4 >= kills, "%s: only %d of %d kills landed while it ran", what,
                  t.killed, kills);
    /* the leftovers of killed runs must not break the next one */
    run_to_completion(work, args);
    char *names[256];
    int n = sorted_entries(next, names, 256);
    for (int i = 0; i < n; i++) {
        char at[4096], will[4096];
        snprintf(at, sizeof at, "%s/%s", work, names[i]);
        snprintf(will, sizeof will, "%s/%s", next, names[i]);
        ck_assert_msg(trees_equal(at, will), "%s: the run after the kills wrote a different %s",
                      what, names[i]);
        free(names[i]);
    }
}

/* Runs the command once with the previous seed and once with the next one,
 * both writing into work/ (so any path they record is the same), and keeps
 * complete copies of what each left there. Returns how long the faster run
 * and the commit of the second took, and leaves work/ holding the previous
 * version. */
static run_timing reference_runs(const char *work, const char *previous, const char *next,
                                 char *const prev_args[], char *const next_args[])
{
    run_result first = run_to_completion(work, prev_args);
    copy_tree(work, previous);
    run_result second = run_to_completion(work, next_args);
    copy_tree(work, next);
    ck_assert_msg(!trees_equal(previous, next), "%s: two seeds wrote the same output",
                  next_args[0]);
    rena_remove_tree(work);
    copy_tree(previous, work);
    /* the faster run, so time-based kills land before the end */
    run_timing t = {first.seconds < second.seconds ? first.seconds : second.seconds,
                    second.commit_s};
    return t;
}

/* ---- rena generate ------------------------------------------------------------------ */

START_TEST(generate_killed_leaves_previous_dataset_or_new_one)
{
    char work[600], previous[600], next[600], out[700];
    snprintf(work, sizeof work, "%s/work", root);
    snprintf(previous, sizeof previous, "%s/previous", root);
    snprintf(next, sizeof next, "%s/next", root);
    ck_assert_int_eq(mkdir(work, 0777), 0);
    snprintf(out, sizeof out, "%s/data", work);
    char *prev_args[] = {"generate", "--out", out, "--samples", "60", "--seed", "1", NULL};
    char *args[] = {"generate", "--out", out, "--samples", "60", "--seed", "2", NULL};
    run_timing t = reference_runs(work, previous, next, prev_args, args);
    kill_repeatedly("generate", work, previous, next, t, args);
}
END_TEST

/* ---- rena train ---------------------------------------------------------------------- */

START_TEST(train_killed_leaves_previous_model_or_new_one)
{
    char data[600], work[600], previous[600], next[600], out[700];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(work, sizeof work, "%s/work", root);
    snprintf(previous, sizeof previous, "%s/previous", root);
    snprintf(next, sizeof next, "%s/next", root);
    ck_assert_int_eq(mkdir(work, 0777), 0);
    snprintf(out, sizeof out, "%s/face.rena", work);
    char *gen[] = {"generate", "--out", data, "--samples", "60", "--seed", "3", NULL};
    run_to_completion(NULL, gen);
    char *epochs = rena_test_sanitized() ? "3" : "20";
    char *prev_args[] = {"train", "--data", data, "--out",  out, "--arch", "mlp",
                         "--epochs", epochs, "--seed", "1", NULL};
    char *args[] = {"train", "--data", data, "--out",  out, "--arch", "mlp",
                    "--epochs", epochs, "--seed", "2", NULL};
    run_timing t = reference_runs(work, previous, next, prev_args, args);
    kill_repeatedly("train", work, previous, next, t, args);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("apps_killsafe");
    TCase *tc = tcase_create("kill");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, generate_killed_leaves_previous_dataset_or_new_one);
    tcase_add_test(tc, train_killed_leaves_previous_model_or_new_one);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
