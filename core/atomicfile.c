#include "atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1) /* linux/fs.h; glibc declares it only with _GNU_SOURCE */
#endif

static void parent_dir(const char *path, char *dir, size_t size)
{
    snprintf(dir, size, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
}

rena_status rena_fsync_dir(const char *dir, rena_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return rena_error_set(err, RENA_ERR_IO, dir, "cannot open folder: %s", strerror(errno));
    int rc = fsync(fd);
    close(fd);
    if (rc != 0 && errno != EINVAL)
        return rena_error_set(err, RENA_ERR_IO, dir, "fsync failed: %s", strerror(errno));
    return RENA_OK;
}

/* ---- leftovers of killed runs ---------------------------------------------- */

/* The pid in a sibling name "<base><tag><digits>" (tag ".tmp." or ".old."),
 * or 0 when the name is not of that form. */
static long leftover_pid(const char *name, const char *base, const char *tag)
{
    size_t base_len = strlen(base), tag_len = strlen(tag);
    if (strncmp(name, base, base_len) != 0 || strncmp(name + base_len, tag, tag_len) != 0)
        return 0;
    long pid = 0;
    int digits = 0;
    for (const char *c = name + base_len + tag_len; *c; c++, digits++) {
        if (*c < '0' || *c > '9' || digits == 9) /* pids have at most 7 digits on Linux */
            return 0;
        pid = pid * 10 + (*c - '0');
    }
    return pid;
}

/* kill(pid, 0) fails with ESRCH only when no such process exists; EPERM
 * (another user's process) counts as alive. */
static int process_gone(long pid)
{
    return pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

/* 1 when `dir` lies inside a folder this process is building (a component
 * "<name>.tmp.<own pid>"): rena_atomic_dir_begin created it empty, so no
 * other run left anything there, and not scanning it keeps writing
 * thousands of images into a dataset linear. */
static int inside_own_build(const char *dir)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".tmp.%ld", (long)getpid());
    size_t n = strlen(suffix);
    for (const char *p = strstr(dir, suffix); p; p = strstr(p + 1, suffix))
        if (p[n] == '/' || p[n] == '\0')
            return 1;
    return 0;
}

/* Removes the siblings "<path>.tmp.<pid>" and "<path>.old.<pid>" left by
 * runs that were killed (their process no longer exists). A ".old." one is
 * removed only while `path` exists: if a replace was interrupted after
 * moving the old version aside, it is the only copy. Best effort. */
static void remove_dead_leftovers(const char *path)
{
    char dir[4096];
    parent_dir(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || inside_own_build(dir))
        return;
    struct stat st;
    int path_exists = lstat(path, &st) == 0;
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        long pid = leftover_pid(e->d_name, base, ".tmp.");
        if (!pid && path_exists)
            pid = leftover_pid(e->d_name, base, ".old.");
        char child[8192];
        if (process_gone(pid) &&
            (size_t)snprintf(child, sizeof child, "%s/%s", dir, e->d_name) < sizeof child)
            rena_remove_tree(child);
    }
    closedir(d);
}

rena_status rena_atomic_open(rena_atomic_file *f, const char *path, rena_error *err)
{
    memset(f, 0, sizeof *f);
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty output path");
    if ((size_t)snprintf(f->path, sizeof f->path, "%s", path) >= sizeof f->path ||
        (size_t)snprintf(f->tmp_path, sizeof f->tmp_path, "%s.tmp.%ld", path, (long)getpid()) >=
            sizeof f->tmp_path)
        return rena_error_set(err, RENA_ERR_ARG, path, "path too long");
    remove_dead_leftovers(path);
    f->fp = fopen(f->tmp_path, "wb");
    if (!f->fp)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot create: %s", strerror(errno));
    return RENA_OK;
}

rena_status rena_atomic_commit(rena_atomic_file *f, rena_error *err)
{
    if (!f->fp)
        return rena_error_set(err, RENA_ERR_ARG, f->path, "file is not open");
    int bad = ferror(f->fp) || fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0;
    int saved = errno;
    bad |= fclose(f->fp) != 0;
    f->fp = NULL;
    if (bad) {
        unlink(f->tmp_path);
        return rena_error_set(err, RENA_ERR_IO, f->path, "write failed: %s", strerror(saved));
    }
    if (rename(f->tmp_path, f->path) != 0) {
        saved = errno;
        unlink(f->tmp_path);
        return rena_error_set(err, RENA_ERR_IO, f->path, "rename failed: %s", strerror(saved));
    }
    char dir[4096];
    parent_dir(f->path, dir, sizeof dir);
    return rena_fsync_dir(dir, err);
}

void rena_atomic_abort(rena_atomic_file *f)
{
    if (f->fp) {
        fclose(f->fp);
        f->fp = NULL;
        unlink(f->tmp_path);
    }
}

rena_status rena_atomic_write(const char *path, const void *data, size_t size, rena_error *err)
{
    rena_atomic_file f;
    rena_status st = rena_atomic_open(&f, path, err);
    if (st != RENA_OK)
        return st;
    if (size && fwrite(data, 1, size, f.fp) != size) {
        int saved = errno;
        rena_atomic_abort(&f);
        return rena_error_set(err, RENA_ERR_IO, path, "write failed: %s", strerror(saved));
    }
    return rena_atomic_commit(&f, err);
}

rena_status rena_read_file(const char *path, unsigned char **data, size_t *size, rena_error *err)
{
    *data = NULL;
    *size = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return rena_error_set(err, errno == ENOENT ? RENA_ERR_NOT_FOUND : RENA_ERR_IO, path,
                              "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        unsigned char *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = ferror(fp);
    fclose(fp);
    if (!buf)
        return rena_error_set(err, RENA_ERR_NOMEM, path, "out of memory reading file");
    if (failed) {
        free(buf);
        return rena_error_set(err, RENA_ERR_IO, path, "read failed");
    }
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return RENA_OK;
}

rena_status rena_atomic_dir_begin(const char *path, char *tmp, size_t tmp_size, rena_error *err)
{
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty output folder");
    if ((size_t)snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid()) >= tmp_size)
        return rena_error_set(err, RENA_ERR_ARG, path, "path too long");
    remove_dead_leftovers(path);
    rena_remove_tree(tmp);
    if (mkdir(tmp, 0777) != 0)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot create output folder %s: %s", tmp,
                              strerror(errno));
    return RENA_OK;
}

/* Swaps two names in one step (Linux renameat2 RENAME_EXCHANGE, 3.15+);
 * -1 when the kernel, the file system or a sandbox refuses. */
static int exchange_names(const char *a, const char *b)
{
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    (void)a;
    (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

/* Without an exchange: move the old folder aside, rename the new one in,
 * remove the old. A kill between the two renames leaves the old version
 * only in "<path>.old.<pid>" (which remove_dead_leftovers then keeps). */
static rena_status move_aside_and_rename(const char *tmp, const char *path, rena_error *err)
{
    char old[4200];
    snprintf(old, sizeof old, "%s.old.%ld", path, (long)getpid());
    rena_remove_tree(old);
    if (rename(path, old) != 0)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot move old folder aside: %s",
                              strerror(errno));
    if (rename(tmp, path) != 0) {
        int saved = errno;
        rename(old, path);
        return rena_error_set(err, RENA_ERR_IO, path, "cannot rename %s into place: %s", tmp,
                              strerror(saved));
    }
    rena_remove_tree(old);
    return RENA_OK;
}

rena_status rena_atomic_dir_commit(const char *tmp, const char *path, rena_error *err)
{
    char dir[4096];
    parent_dir(path, dir, sizeof dir);
    struct stat st;
    if (lstat(path, &st) == 0) {
        /* one step: at every moment `path` is the old folder or the new one */
        if (exchange_names(tmp, path) == 0) {
            rena_status synced = rena_fsync_dir(dir, err);
            rena_remove_tree(tmp); /* the old folder, now under the temporary name */
            return synced;
        }
        /* any refusal (EINVAL: file system; ENOSYS: kernel; EPERM: seccomp)
         * left both names as they were; the old way reports real errors */
        rena_status moved = move_aside_and_rename(tmp, path, err);
        return moved != RENA_OK ? moved : rena_fsync_dir(dir, err);
    }
    if (rename(tmp, path) != 0)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot rename %s into place: %s", tmp,
                              strerror(errno));
    return rena_fsync_dir(dir, err);
}

void rena_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char child[4096];
                if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) < sizeof child)
                    rena_remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
