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
int rena_cmd_mimic(int argc, char **argv);    /* cmd_mimic.c */
int rena_cmd_evaluate(int argc, char **argv); /* cmd_evaluate.c */
int rena_cmd_view(int argc, char **argv);     /* cmd_view.c */
int rena_cmd_report(int argc, char **argv);   /* cmd_report.c */
int rena_cmd_demo(int argc, char **argv);     /* cmd_demo.c */

#endif
