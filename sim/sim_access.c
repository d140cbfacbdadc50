/* sim_access.c: see sim_access.h. */
#include "sim_access.h"

#include "sim.h"
#include "sim_instance.h"

rena_status rena_sim_access(const rena_actuator *face, const rena_sim_model **model,
                            mjData **data, rena_error *err)
{
    /* rena_sim_perception_calib accepts exactly the actuators rena_sim_open
     * made (it checks sim.c's own close function), so it doubles as the
     * type check that makes the cast below safe. */
    rena_perception_calib calib;
    if (!model || !data || rena_sim_perception_calib(face, &calib, NULL) != RENA_OK)
        return rena_error_set(err, RENA_ERR_ARG, "sim", "not an open simulated face");
    rena_sim_instance *s = face->ctx;
    *model = &s->model;
    *data = s->d;
    return RENA_OK;
}
