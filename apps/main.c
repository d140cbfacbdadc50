/* main.c: `rena <command> [options]`, the dispatcher. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "plot_chart.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"generate", rena_cmd_generate, "generate an expert-strategy dataset on a face backend"},
    {"merge", rena_cmd_merge, "join dataset shards into one dataset"},
    {"render", rena_cmd_render, "render one face of the simulated robot to PNG"},
    {"train", rena_cmd_train, "train a blendshape -> servo regressor"},
    {"eval", rena_cmd_eval, "evaluate a model on a dataset's test split"},
    {"ablation", rena_cmd_ablation, "train every architecture and lambda (paper Table I)"},
    {"servo", rena_cmd_servo, "talk to a Feetech STS servo bus (scan, read, write, torque...)"},
    {"emu", rena_cmd_emu, "run the 25-servo STS bus emulator on a pseudo-terminal"},
    {"mimic", rena_cmd_mimic, "drive the face from a performer's expressions, frame by frame"},
    {"evaluate", rena_cmd_evaluate, "compare mimicry methods as paper Tables II and III"},
    {"view", rena_cmd_view, "show the simulated face live in a window, mimicking a target"},
    {"report", rena_cmd_report, "write an HTML report of a dataset, model and evaluation"},
    {"demo", rena_cmd_demo, "the whole pipeline in one go: data, training, evaluation, report"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: rena <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'rena <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return RENA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return RENA_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("rena %s\n", RENA_VERSION);
        return RENA_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            rena_cli_install_interrupt();
            int code = commands[i].run(argc - 1, argv + 1);
            /* Last: the subcommand has destroyed all its charts. */
            rena_plot_chart_release_fonts();
            return code;
        }
    fprintf(stderr, "rena: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return RENA_EXIT_USAGE;
}
