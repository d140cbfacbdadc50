#include "sim_observe.h"

#include <math.h>

void rena_sim_project(const mjModel *m, const mjData *d, int cam, int width, int height,
                      const double p[3], float px[2])
{
    const double *pos = d->cam_xpos + 3 * cam;
    const double *R = d->cam_xmat + 9 * cam; /* columns: camera axes in the world */
    double v[3] = {p[0] - pos[0], p[1] - pos[1], p[2] - pos[2]};
    double xl = R[0] * v[0] + R[3] * v[1] + R[6] * v[2];
    double yl = R[1] * v[0] + R[4] * v[1] + R[7] * v[2];
    double zl = R[2] * v[0] + R[5] * v[1] + R[8] * v[2];
    double depth = -zl; /* the camera looks along its -z */
    if (!(depth > 1e-9)) {
        px[0] = px[1] = NAN;
        return;
    }
    double f = 0.5 * height / tan(0.5 * m->cam_fovy[cam] * M_PI / 180.0);
    px[0] = (float)(0.5 * width + f * xl / depth);
    px[1] = (float)(0.5 * height - f * yl / depth);
}

void rena_sim_landmarks(const rena_sim_model *sm, const mjData *d, int width, int height,
                        float landmarks[RENA_NUM_LANDMARKS][2])
{
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        const rena_sim_landmark *lm = &sm->landmark[k];
        double p[3] = {0, 0, 0};
        for (int j = 0; j < lm->count; j++)
            for (int a = 0; a < 3; a++)
                p[a] += lm->weight[j] * d->site_xpos[3 * lm->site[j] + a];
        rena_sim_project(sm->m, d, sm->camera, width, height, p, landmarks[k]);
    }
}

int rena_sim_pupils(const rena_sim_model *sm, const mjData *d, int width, int height,
                    float pupils[2][2])
{
    if (sm->pupil_site[0] < 0 || sm->pupil_site[1] < 0)
        return 0;
    for (int e = 0; e < 2; e++)
        rena_sim_project(sm->m, d, sm->camera, width, height, d->site_xpos + 3 * sm->pupil_site[e],
                         pupils[e]);
    return 1;
}

void rena_sim_head_pose(const rena_sim_model *sm, const mjData *d, float pose[3])
{
    const double *R = d->xmat + 9 * sm->head_body;
    /* the face looks along the head's -y; its left is +x (see gen_face.py) */
    double fx = -R[1], fy = -R[4], fz = -R[7];
    double lx = R[0], ly = R[3], lz = R[6];
    pose[0] = (float)atan2(fx, -fy);
    pose[1] = (float)atan2(fz, sqrt(fx * fx + fy * fy));
    pose[2] = (float)atan2(lz, sqrt(lx * lx + ly * ly));
}
