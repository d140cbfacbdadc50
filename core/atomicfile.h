/* atomicfile.h: files and directories that appear whole or not at all.
 * Write to a temporary name in the same folder, fsync, rename over the final
 * name, fsync the folder. A crash or Ctrl-C leaves the previous version.
 *
 * Leftovers: a run killed before its commit leaves "<name>.tmp.<pid>" (and,
 * for folders replaced without RENAME_EXCHANGE, "<name>.old.<pid>"). The
 * next rena_atomic_open / rena_atomic_dir_begin of the same name removes
 * those whose process no longer exists (kill(pid, 0) fails with ESRCH); a
 * ".old." one only while <name> exists, since otherwise it holds the only
 * copy of the previous version. Pids are those of this machine and pid
 * namespace: do not let two machines (or containers) write the same name in
 * a shared folder at the same time. */
#ifndef RENA_ATOMICFILE_H
#define RENA_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

typedef struct {
    FILE *fp;               /* write through this between open and commit */
    char path[4096];        /* final name */
    char tmp_path[4096];    /* "<path>.tmp.<pid>" */
} rena_atomic_file;

/* Removes dead runs' leftovers of `path` (above), then creates the temporary file. */
rena_status rena_atomic_open(rena_atomic_file *f, const char *path, rena_error *err);
/* Flushes, fsyncs, closes and renames into place. On failure the temporary
 * file is removed and the old file (if any) is untouched. */
rena_status rena_atomic_commit(rena_atomic_file *f, rena_error *err);
/* Closes and removes the temporary file. Safe to call after commit. */
void rena_atomic_abort(rena_atomic_file *f);

/* Whole-buffer convenience: writes data to path atomically. */
rena_status rena_atomic_write(const char *path, const void *data, size_t size, rena_error *err);

/* Reads a whole file into a malloc'd buffer (NUL-terminated for text use). */
rena_status rena_read_file(const char *path, unsigned char **data, size_t *size, rena_error *err);

/* Removes dead runs' leftovers of `path` (above), then creates a temporary
 * sibling directory "<path>.tmp.<pid>" for building a directory in place of
 * `path`; fills tmp (size >= 4096). */
rena_status rena_atomic_dir_begin(const char *path, char *tmp, size_t tmp_size, rena_error *err);
/* Renames the finished temporary directory over path. An existing entry at
 * path is swapped with it in one step (renameat2 RENAME_EXCHANGE), then
 * removed from under the temporary name, so a kill at any moment leaves the
 * old or the new version at path. Where the kernel or file system cannot
 * swap, the old entry is moved aside to "<path>.old.<pid>" first and
 * removed once the new one is in place. */
rena_status rena_atomic_dir_commit(const char *tmp, const char *path, rena_error *err);
/* Removes a temporary directory tree (best effort). */
void rena_remove_tree(const char *path);

/* fsyncs a directory so a rename inside it is durable. */
rena_status rena_fsync_dir(const char *dir, rena_error *err);

#endif
