/* PLACEHOLDER: replaced by the owner of 'rena render'. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int rena_cmd_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "rena render: not built yet\n");
    return RENA_EXIT_FAIL;
}
