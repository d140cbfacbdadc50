#include "backend.h"

#include <string.h>

#include "cli.h"
#include "sts_protocol.h"

void rena_backend_options_default(rena_backend_options *opt)
{
    memset(opt, 0, sizeof *opt);
    rena_sim_options_default(&opt->sim);
    rena_hw_options_default(&opt->hw);
}

static rena_status open_sim_backend(const char *scene, const rena_backend_options *opt,
                                    rena_actuator *out, rena_error *err)
{
    rena_sim_options so = opt->sim;
    if (scene)
        so.scene_path = scene;
    return rena_sim_open(&so, out, err);
}

/* ---- hardware backends ------------------------------------------------------
 * HW HELPER: fill this in. `port` is NULL for "emu" and the text after
 * "serial:" otherwise; opt->hw holds baud, calibration and watchdog. */
static rena_status open_hw_backend(const char *spec, const char *port,
                                   const rena_backend_options *opt, rena_actuator *out,
                                   rena_error *err)
{
    rena_hw_options ho = opt->hw;
    (void)spec; /* rena_hw_open names the port or file in its errors */
    ho.port = port;
    ho.emulate = port == NULL;
    return rena_hw_open(&ho, out, err);
}
/* ---------------------------------------------------------------------------- */

rena_status rena_backend_open(const char *spec, const rena_backend_options *opt,
                              rena_actuator *out, rena_error *err)
{
    rena_backend_options defaults;
    if (!opt) {
        rena_backend_options_default(&defaults);
        opt = &defaults;
    }
    if (!out)
        return rena_error_set(err, RENA_ERR_ARG, "backend", "no actuator to fill");
    memset(out, 0, sizeof *out);
    if (!spec || !*spec)
        return rena_error_set(err, RENA_ERR_ARG, "backend",
                              "empty backend name (expected sim, sim:SCENE.xml, emu or serial:PORT)");
    if (!strcmp(spec, "sim"))
        return open_sim_backend(NULL, opt, out, err);
    if (!strncmp(spec, "sim:", 4)) {
        if (!spec[4])
            return rena_error_set(err, RENA_ERR_ARG, spec, "sim: needs a scene file after the colon");
        return open_sim_backend(spec + 4, opt, out, err);
    }
    if (!strcmp(spec, "emu"))
        return open_hw_backend(spec, NULL, opt, out, err);
    if (!strncmp(spec, "serial:", 7)) {
        if (!spec[7])
            return rena_error_set(err, RENA_ERR_ARG, spec, "serial: needs a port after the colon");
        return open_hw_backend(spec, spec + 7, opt, out, err);
    }
    return rena_error_set(err, RENA_ERR_ARG, spec,
                          "unknown backend (expected sim, sim:SCENE.xml, emu or serial:PORT)");
}

int rena_backend_is_sim(const char *spec)
{
    return spec && (!strcmp(spec, "sim") || !strncmp(spec, "sim:", 4));
}

int rena_backend_parse_baud(const char *cmd, const char *flag, const char *text, long *out)
{
    if (rena_cli_parse_long(cmd, flag, text, 1, 4000000, out))
        return RENA_EXIT_USAGE;
    if (rena_sts_baud_code(*out) < 0)
        return rena_cli_usage_error(cmd, "%s %ld is not a rate STS servos use (1000000 500000 "
                                         "250000 128000 115200 76800 57600 38400)",
                                    flag, *out);
    return 0;
}

int rena_backend_parse_hw_flag(const char *cmd, int argc, char **argv, int *i,
                               rena_backend_hw_args *a)
{
    const char *arg = argv[*i], *v;
    if (rena_cli_is_flag(arg, "--calibration")) {
        if (!(v = rena_cli_flag_value(cmd, argc, argv, i, "--calibration")))
            return RENA_EXIT_USAGE;
        if (!*v)
            return rena_cli_usage_error(cmd, "--calibration needs a file");
        a->calibration = v;
        return 1;
    }
    if (rena_cli_is_flag(arg, "--baud")) {
        if (!(v = rena_cli_flag_value(cmd, argc, argv, i, "--baud")))
            return RENA_EXIT_USAGE;
        return rena_backend_parse_baud(cmd, "--baud", v, &a->baud) ? RENA_EXIT_USAGE : 1;
    }
    return 0;
}

int rena_backend_check_hw_args(const char *cmd, const char *spec, const rena_backend_hw_args *a)
{
    if (!rena_backend_is_sim(spec))
        return 0;
    if (a->calibration)
        return rena_cli_usage_error(cmd, "--calibration is for the servo bus (--backend emu or "
                                         "serial:PORT); the %s backend has no servos to calibrate",
                                    spec);
    if (a->baud)
        return rena_cli_usage_error(cmd, "--baud is for the servo bus (--backend emu or "
                                         "serial:PORT), not for the %s backend",
                                    spec);
    return 0;
}

void rena_backend_apply_hw_args(const rena_backend_hw_args *a, rena_backend_options *opt)
{
    if (a->calibration)
        opt->hw.calibration = a->calibration;
    if (a->baud)
        opt->hw.baud = (int)a->baud;
}
