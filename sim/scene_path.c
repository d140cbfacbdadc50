#include <stdlib.h>
#include <unistd.h>

#include "sim.h"

#include <mujoco/mujoco.h>

#ifndef RENA_SOURCE_DIR
#define RENA_SOURCE_DIR "."
#endif
#ifndef RENA_DATADIR
#define RENA_DATADIR "/usr/local/share/rena"
#endif

const char *rena_sim_default_scene(void)
{
    const char *env = getenv("RENA_SCENE");
    if (env && *env)
        return env;
    static const char *const candidates[] = {
        "scenes/face.xml",
        RENA_SOURCE_DIR "/scenes/face.xml",
        RENA_DATADIR "/scenes/face.xml",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return candidates[1];
}

const char *rena_sim_mujoco_version(void) { return mj_versionString(); }
