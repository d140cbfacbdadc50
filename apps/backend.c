#include "backend.h"

#include <string.h>

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
