#include "atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

rena_status rena_atomic_open(rena_atomic_file *f, const char *path, rena_error *err)
{
    memset(f, 0, sizeof *f);
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "", "empty output path");
    if ((size_t)snprintf(f->path, sizeof f->path, "%s", path) >= sizeof f->path ||
        (size_t)snprintf(f->tmp_path, sizeof f->tmp_path, "%s.tmp.%ld", path, (long)getpid()) >=
            sizeof f->tmp_path)
        return rena_error_set(err, RENA_ERR_ARG, path, "path too long");
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
    rena_remove_tree(tmp);
    if (mkdir(tmp, 0777) != 0)
        return rena_error_set(err, RENA_ERR_IO, path, "cannot create output folder %s: %s", tmp,
                              strerror(errno));
    return RENA_OK;
}

rena_status rena_atomic_dir_commit(const char *tmp, const char *path, rena_error *err)
{
    char old[4200];
    int had_old = 0;
    struct stat st;
    if (stat(path, &st) == 0) {
        snprintf(old, sizeof old, "%s.old.%ld", path, (long)getpid());
        rena_remove_tree(old);
        if (rename(path, old) != 0)
            return rena_error_set(err, RENA_ERR_IO, path, "cannot move old folder aside: %s",
                                  strerror(errno));
        had_old = 1;
    }
    if (rename(tmp, path) != 0) {
        int saved = errno;
        if (had_old)
            rename(old, path);
        return rena_error_set(err, RENA_ERR_IO, path, "cannot rename %s into place: %s", tmp,
                              strerror(saved));
    }
    if (had_old)
        rena_remove_tree(old);
    char dir[4096];
    parent_dir(path, dir, sizeof dir);
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
