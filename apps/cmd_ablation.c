/* PLACEHOLDER: replaced by the owner of 'rena ablation'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_ablation(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena ablation: not built yet\n");
    return RENA_EXIT_FAIL;
}
