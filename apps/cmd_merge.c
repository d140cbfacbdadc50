/* cmd_merge.c: `rena merge`, joining the shard folders of one dataset into
 * the dataset an unsharded `rena generate` would have written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"

#define CMD "merge"

static void usage(FILE *out)
{
    fprintf(out, "usage: rena merge --out DIR SHARD_DIR...\n"
                 "\n"
                 "Joins the folders written by 'rena generate --shard I/N' (all N of them, any\n"
                 "order) into one dataset, identical to what a single run would have written.\n"
                 "\n"
                 "  --out DIR   merged dataset folder; built aside and renamed into place\n");
}

int rena_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char **shards = calloc((size_t)argc, sizeof *shards);
    int n = 0;
    if (!shards)
        return RENA_EXIT_FAIL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int rc = -1;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            rc = RENA_EXIT_OK;
        } else if (!strncmp(arg, "--out=", 6)) {
            out = arg + 6;
        } else if (!strcmp(arg, "--out")) {
            if (i + 1 < argc)
                out = argv[++i];
            else
                rc = rena_cli_usage_error(CMD, "--out needs a value");
        } else if (arg[0] == '-') {
            rc = rena_cli_usage_error(CMD, "unknown option '%s'", arg);
        } else {
            shards[n++] = arg;
        }
        if (rc >= 0) {
            free(shards);
            return rc;
        }
    }
    int rc = -1;
    if (!out || !*out)
        rc = rena_cli_usage_error(CMD, "--out DIR is required");
    else if (n == 0)
        rc = rena_cli_usage_error(CMD, "no shard folders given");
    if (rc >= 0) {
        free(shards);
        return rc;
    }
    rena_progress progress = rena_cli_progress(CMD);
    rena_error err;
    rena_error_clear(&err);
    rena_status st = rena_dataset_merge(out, shards, n, &progress, &err);
    rena_cli_progress_done();
    free(shards);
    if (st != RENA_OK)
        return rena_cli_fail(CMD, &err);
    rena_dataset_meta m;
    if (rena_dataset_read_meta(out, &m, &err) != RENA_OK)
        return rena_cli_fail(CMD, &err);
    printf("rena merge: joined %d shards into %s (%ld samples: %ld train, %ld test%s%s)\n", n, out,
           m.total, m.n_train, m.n_test, m.images ? ", with images" : "",
           m.features ? "" : ", commands and positions only");
    return RENA_EXIT_OK;
}
