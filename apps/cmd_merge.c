/* PLACEHOLDER: replaced by the owner of 'rena merge'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena merge: not built yet\n");
    return RENA_EXIT_FAIL;
}
