/* commands.h: every `rena` subcommand. Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the process exit code. */
#ifndef RENA_COMMANDS_H
#define RENA_COMMANDS_H

int rena_cmd_generate(int argc, char **argv); /* cmd_generate.c */
int rena_cmd_merge(int argc, char **argv);    /* cmd_merge.c */
int rena_cmd_render(int argc, char **argv);   /* cmd_render.c */
int rena_cmd_train(int argc, char **argv);    /* cmd_train.c */
int rena_cmd_eval(int argc, char **argv);     /* cmd_eval.c */
int rena_cmd_ablation(int argc, char **argv); /* cmd_ablation.c */
int rena_cmd_servo(int argc, char **argv);    /* cmd_servo.c */
int rena_cmd_emu(int argc, char **argv);      /* cmd_emu.c */

#endif
