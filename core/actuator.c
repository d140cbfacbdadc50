#include "actuator.h"

#include <string.h>

rena_status rena_actuator_write(rena_actuator *a, const float cmd[RENA_NUM_SERVOS],
                                float sent[RENA_NUM_SERVOS], rena_error *err)
{
    if (!a || !a->write)
        return rena_error_set(err, RENA_ERR_ARG, "actuator", "backend is not open");
    return a->write(a->ctx, cmd, sent, err);
}

rena_status rena_actuator_reset(rena_actuator *a, rena_error *err)
{
    if (!a || !a->reset)
        return rena_error_set(err, RENA_ERR_ARG, "actuator", "backend is not open");
    return a->reset(a->ctx, err);
}

rena_status rena_actuator_read(rena_actuator *a, float pos[RENA_NUM_SERVOS], rena_error *err)
{
    if (!a || !a->read)
        return rena_error_set(err, RENA_ERR_ARG, "actuator", "backend is not open");
    return a->read(a->ctx, pos, err);
}

rena_status rena_actuator_observe(rena_actuator *a, unsigned want, rena_observation *obs,
                                  rena_error *err)
{
    if (!a || !a->observe)
        return rena_error_set(err, RENA_ERR_ARG, "actuator", "backend is not open");
    memset(obs, 0, sizeof *obs);
    return a->observe(a->ctx, want, obs, err);
}

void rena_actuator_close(rena_actuator *a)
{
    if (a && a->close)
        a->close(a->ctx);
    if (a)
        memset(a, 0, sizeof *a);
}
