/* core/atomicfile: files and folders that appear whole or not at all, and
 * the temporary siblings ("<name>.tmp.<pid>", "<name>.old.<pid>") that
 * killed runs leave behind: removed by the next writer of the same name
 * when their process is gone, kept while it lives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "testutil.h"

static char root[512];

static void setup(void) { rena_test_tmpdir(root, sizeof root); }
static void teardown(void) { rena_remove_tree(root); }

/* The pid of a process that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(0);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    ck_assert(kill(pid, 0) == -1 && errno == ESRCH);
    return pid;
}

/* A child that sleeps until killed (stop_child). */
static pid_t live_child(void)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static void stop_child(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
}

/* Returns the first line of a file ("" when it cannot be read). */
static void read_text(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *fp = fopen(path, "r");
    if (!fp)
        return;
    if (!fgets(buf, (int)size, fp))
        buf[0] = '\0';
    fclose(fp);
}

/* A leftover folder "<root>/<name>" holding one file, as a killed run leaves it. */
static void make_leftover_dir(const char *name, char *path, size_t size)
{
    char file[700];
    snprintf(path, size, "%s/%s", root, name);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    snprintf(file, sizeof file, "%s/half.npy", path);
    write_text(file, "half written");
}

START_TEST(dead_runs_leftover_folders_go_live_ones_stay)
{
    pid_t dead = dead_pid(), live = live_child();
    char data[600], name[128], tmp[4096];
    char dead_tmp[600], dead_old[600], live_tmp[600], live_old[600];
    snprintf(data, sizeof data, "%s/data", root);
    ck_assert_int_eq(mkdir(data, 0777), 0);
    snprintf(name, sizeof name, "data.tmp.%ld", (long)dead);
    make_leftover_dir(name, dead_tmp, sizeof dead_tmp);
    snprintf(name, sizeof name, "data.old.%ld", (long)dead);
    make_leftover_dir(name, dead_old, sizeof dead_old);
    snprintf(name, sizeof name, "data.tmp.%ld", (long)live);
    make_leftover_dir(name, live_tmp, sizeof live_tmp);
    snprintf(name, sizeof name, "data.old.%ld", (long)live);
    make_leftover_dir(name, live_old, sizeof live_old);
    /* other names, even with a dead pid, are not this folder's leftovers */
    const char *decoy_fmt[] = {"data2.tmp.%ld", "other.tmp.%ld", "data.tmp.%ldx", "data.bak.%ld",
                               "data.tmp.tmp.%ld"};
    char decoys[5][600];
    for (int k = 0; k < 5; k++) {
        char decoy[128];
        snprintf(decoy, sizeof decoy, decoy_fmt[k], (long)dead);
        make_leftover_dir(decoy, decoys[k], sizeof decoys[k]);
    }

    rena_error e;
    ck_assert_msg(rena_atomic_dir_begin(data, tmp, sizeof tmp, &e) == RENA_OK, "%s", e.message);
    ck_assert(!exists(dead_tmp));
    ck_assert(!exists(dead_old));
    ck_assert(exists(live_tmp));
    ck_assert(exists(live_old));
    for (int k = 0; k < 5; k++)
        ck_assert_msg(exists(decoys[k]), "removed %s", decoys[k]);
    ck_assert(exists(tmp));
    ck_assert_int_eq(rena_atomic_dir_commit(tmp, data, &e), RENA_OK);
    /* the folder itself, the two leftovers of the live run, the decoys */
    ck_assert_int_eq(count_entries(root), 1 + 2 + 5);
    stop_child(live);
}
END_TEST

START_TEST(dead_runs_leftover_files_go_live_ones_stay)
{
    pid_t dead = dead_pid(), live = live_child();
    char path[600], dead_tmp[700], live_tmp[700], other[700], text[64];
    snprintf(path, sizeof path, "%s/face.rena", root);
    write_text(path, "previous");
    snprintf(dead_tmp, sizeof dead_tmp, "%s.tmp.%ld", path, (long)dead);
    snprintf(live_tmp, sizeof live_tmp, "%s.tmp.%ld", path, (long)live);
    snprintf(other, sizeof other, "%s/face.rena.curves.csv.tmp.%ld", root, (long)dead);
    write_text(dead_tmp, "half");
    write_text(live_tmp, "being written");
    write_text(other, "another file's leftover");

    rena_atomic_file f;
    rena_error e;
    ck_assert_int_eq(rena_atomic_open(&f, path, &e), RENA_OK);
    ck_assert(!exists(dead_tmp));
    ck_assert(exists(live_tmp));
    ck_assert(exists(other));
    fputs("next", f.fp);
    ck_assert_int_eq(rena_atomic_commit(&f, &e), RENA_OK);
    read_text(path, text, sizeof text);
    ck_assert_str_eq(text, "next");
    read_text(live_tmp, text, sizeof text);
    ck_assert_str_eq(text, "being written");
    ck_assert_int_eq(count_entries(root), 3);
    stop_child(live);
}
END_TEST

/* A run killed between moving the old folder aside and renaming the new one
 * in (the fallback without RENAME_EXCHANGE) leaves the only copy of the old
 * folder in "<name>.old.<pid>": it is kept while <name> is missing. */
START_TEST(the_only_copy_of_a_folder_is_never_removed)
{
    pid_t dead = dead_pid();
    char data[600], name[128], old[600], half[600], tmp[4096];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(name, sizeof name, "data.old.%ld", (long)dead);
    make_leftover_dir(name, old, sizeof old);
    snprintf(name, sizeof name, "data.tmp.%ld", (long)dead);
    make_leftover_dir(name, half, sizeof half);
    ck_assert_int_eq(rena_atomic_dir_begin(data, tmp, sizeof tmp, NULL), RENA_OK);
    ck_assert(exists(old));
    ck_assert(!exists(half));
    rena_remove_tree(tmp);
}
END_TEST

/* "data" holding file "v" with `text`, replaced through the atomic writer. */
static void replace_folder(const char *data, const char *text)
{
    char tmp[4096], file[4200];
    rena_error e;
    ck_assert_msg(rena_atomic_dir_begin(data, tmp, sizeof tmp, &e) == RENA_OK, "%s", e.message);
    snprintf(file, sizeof file, "%s/v", tmp);
    write_text(file, text);
    snprintf(file, sizeof file, "%s/sub", tmp);
    ck_assert_int_eq(mkdir(file, 0777), 0);
    ck_assert_msg(rena_atomic_dir_commit(tmp, data, &e) == RENA_OK, "%s", e.message);
}

START_TEST(a_replaced_folder_holds_the_new_content_and_nothing_is_left)
{
    char data[600], file[700], text[64], want[64];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(file, sizeof file, "%s/v", data);
    for (int k = 0; k < 5; k++) {
        snprintf(want, sizeof want, "version %d", k);
        replace_folder(data, want);
        read_text(file, text, sizeof text);
        ck_assert_str_eq(text, want);
        ck_assert_int_eq(count_entries(root), 1);
        ck_assert_int_eq(count_entries(data), 2);
    }
    /* a file in the way is replaced the same way */
    rena_remove_tree(data);
    write_text(data, "a file");
    replace_folder(data, "folder");
    read_text(file, text, sizeof text);
    ck_assert_str_eq(text, "folder");
    ck_assert_int_eq(count_entries(root), 1);
}
END_TEST

typedef struct {
    const char *file;
    atomic_int stop;
    long looks, missing;
} watcher;

static void *watch(void *arg)
{
    watcher *w = arg;
    while (!atomic_load(&w->stop)) {
        struct stat st;
        w->looks++;
        if (stat(w->file, &st) != 0)
            w->missing++;
    }
    return NULL;
}

/* 1 when this file system swaps two names in one step (renameat2
 * RENAME_EXCHANGE: Linux 3.15+, ext4, xfs, btrfs, tmpfs). */
static int exchange_supported(void)
{
#ifdef SYS_renameat2
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/probe_a", root);
    snprintf(b, sizeof b, "%s/probe_b", root);
    mkdir(a, 0777);
    mkdir(b, 0777);
    int ok = syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 1 << 1 /* RENAME_EXCHANGE */) == 0;
    rmdir(a);
    rmdir(b);
    return ok;
#else
    return 0;
#endif
}

/* Where the file system can swap, a reader never finds the folder missing
 * while it is replaced: a run killed at any moment leaves the old or the
 * new folder at its name, never only "<name>.old.<pid>". */
START_TEST(a_replaced_folder_is_never_missing)
{
    if (!exchange_supported()) {
        fprintf(stderr, "a_replaced_folder_is_never_missing: no RENAME_EXCHANGE here, skipped\n");
        return;
    }
    char data[600], file[700], text[32];
    snprintf(data, sizeof data, "%s/data", root);
    snprintf(file, sizeof file, "%s/v", data);
    replace_folder(data, "first");
    watcher w = {.file = file};
    atomic_init(&w.stop, 0);
    pthread_t thread;
    ck_assert_int_eq(pthread_create(&thread, NULL, watch, &w), 0);
    int rounds = rena_test_sanitized() ? 100 : 300;
    for (int k = 0; k < rounds; k++) {
        snprintf(text, sizeof text, "%d", k);
        replace_folder(data, text);
    }
    atomic_store(&w.stop, 1);
    pthread_join(thread, NULL);
    ck_assert_int_gt(w.looks, rounds);
    ck_assert_msg(w.missing == 0, "%s was missing %ld times in %ld looks", file, w.missing,
                  w.looks);
    ck_assert_int_eq(count_entries(root), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core_atomicfile");
    TCase *tc = tcase_create("atomicfile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dead_runs_leftover_folders_go_live_ones_stay);
    tcase_add_test(tc, dead_runs_leftover_files_go_live_ones_stay);
    tcase_add_test(tc, the_only_copy_of_a_folder_is_never_removed);
    tcase_add_test(tc, a_replaced_folder_holds_the_new_content_and_nothing_is_left);
    tcase_add_test(tc, a_replaced_folder_is_never_missing);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
