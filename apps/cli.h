/* cli.h: what every `rena` subcommand shares: strict option parsing with
 * messages that name the flag, error printing, progress on stderr (only when
 * it is a terminal) and clean Ctrl-C handling. */
#ifndef RENA_CLI_H
#define RENA_CLI_H

#include <signal.h>
#include <stdint.h>

#include "progress.h"
#include "status.h"

/* Exit codes of the CLI. */
enum { RENA_EXIT_OK = 0, RENA_EXIT_FAIL = 1, RENA_EXIT_USAGE = 2, RENA_EXIT_INTERRUPTED = 130 };

/* Prints "rena <cmd>: <where>: <message>" to stderr and returns the exit
 * code that matches err->code (130 for interrupted, 1 otherwise). */
int rena_cli_fail(const char *cmd, const rena_error *err);
/* Prints "rena <cmd>: <message>" and a hint to run --help; returns 2. */
int rena_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 when arg is "--flag" or "--flag=value". */
int rena_cli_is_flag(const char *arg, const char *flag);
/* The value of the flag at argv[*i]: after '=' in "--flag=value", else the
 * next argument (advancing *i). NULL, after a usage message, when missing. */
const char *rena_cli_flag_value(const char *cmd, int argc, char **argv, int *i, const char *flag);

/* Strict number parsing: the whole string must be a number in [lo,hi].
 * On failure prints "rena <cmd>: <flag> expects ..." and returns non-zero. */
int rena_cli_parse_long(const char *cmd, const char *flag, const char *text, long lo, long hi,
                        long *out);
int rena_cli_parse_u64(const char *cmd, const char *flag, const char *text, uint64_t *out);
int rena_cli_parse_double(const char *cmd, const char *flag, const char *text, double lo,
                          double hi, double *out);
/* "I/N" with 1 <= I <= N. */
int rena_cli_parse_shard(const char *cmd, const char *flag, const char *text, long *index,
                         long *count);

/* Installs SIGINT/SIGTERM handlers that only set a flag. */
void rena_cli_install_interrupt(void);
int rena_cli_interrupted(void);

/* A rena_progress that draws one updating line on stderr when stderr is a
 * terminal, and is cancelled after Ctrl-C. */
rena_progress rena_cli_progress(const char *cmd);
/* Ends the progress line (newline) if one was drawn. */
void rena_cli_progress_done(void);

#endif
