#include <stdlib.h>
#include <unistd.h>

#include "sim.h"

#ifndef RENA_SOURCE_DIR
#define RENA_SOURCE_DIR "."
#endif

const char *rena_sim_default_scene(void)
{
    const char *env = getenv("RENA_SCENE");
    if (env && *env)
        return env;
    static const char *const candidates[] = {
        "scenes/face.xml",
        RENA_SOURCE_DIR "/scenes/face.xml",
        "/usr/local/share/rena/scenes/face.xml",
        "/usr/share/rena/scenes/face.xml",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return candidates[1];
}
