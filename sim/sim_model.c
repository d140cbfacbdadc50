#include "sim_model.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- MuJoCo error hooks ---------------------------------------------------
 * mju_user_error / mju_user_warning are process-wide function pointers in
 * MuJoCo 2.2.2; without them mju_error prints and calls exit(). Ours keep the
 * message and jump back to the innermost rena_sim_guard of the same thread.
 * These thread-locals are the only state: they exist because MuJoCo offers no
 * per-call error channel. */
static _Thread_local jmp_buf *guard_jump;
static _Thread_local char guard_message[512];
static _Thread_local char warning_message[512];
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void on_mujoco_error(const char *msg)
{
    snprintf(guard_message, sizeof guard_message, "%s", msg ? msg : "MuJoCo error");
    if (guard_jump)
        longjmp(*guard_jump, 1);
    /* Outside a guard there is nowhere to go back to; MuJoCo then carries on
     * with its own recovery. Every rena call into MuJoCo is guarded. */
}

static void on_mujoco_warning(const char *msg)
{
    snprintf(warning_message, sizeof warning_message, "%s", msg ? msg : "MuJoCo warning");
}

static void install_hooks(void)
{
    mju_user_error = on_mujoco_error;
    mju_user_warning = on_mujoco_warning;
}

rena_status rena_sim_guard(void (*fn)(void *arg), void *arg, const char *where, rena_error *err)
{
    pthread_once(&hooks_once, install_hooks);
    jmp_buf here;
    jmp_buf *volatile outer = guard_jump;
    if (setjmp(here)) {
        guard_jump = outer;
        return rena_error_set(err, RENA_ERR_BACKEND, where, "MuJoCo: %s", guard_message);
    }
    guard_jump = &here;
    fn(arg);
    guard_jump = outer;
    return RENA_OK;
}

const char *rena_sim_last_warning(void)
{
    return warning_message;
}

/* ---- loading -------------------------------------------------------------- */

typedef struct {
    const char *path;
    char error[1000];
    mjModel *m;
} load_job;

static void load_xml(void *arg)
{
    load_job *job = arg;
    job->m = mj_loadXML(job->path, NULL, job->error, sizeof job->error);
}

/* MuJoCo's messages end with a newline or two; the error record is one line. */
static void one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

static rena_status find_actuators(rena_sim_model *sm, const char *path, rena_error *err)
{
    const mjModel *m = sm->m;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int id = mj_name2id(m, mjOBJ_ACTUATOR, rena_servos[i].name);
        if (id < 0)
            return rena_error_set(err, RENA_ERR_FORMAT, path, "no actuator named '%s'",
                                  rena_servos[i].name);
        /* read() inverts force = kp*ctrl + b0 + b1*length: it needs that shape */
        if (m->actuator_trntype[id] != mjTRN_JOINT || m->actuator_gaintype[id] != mjGAIN_FIXED ||
            m->actuator_biastype[id] != mjBIAS_AFFINE || !(m->actuator_gainprm[id * mjNGAIN] > 0) ||
            !(m->actuator_biasprm[id * mjNBIAS + 1] < 0))
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "actuator '%s' must be a position-style actuator on a joint "
                                  "(fixed gain kp > 0, affine bias with -kp on the length)",
                                  rena_servos[i].name);
        sm->actuator[i] = id;
    }
    return RENA_OK;
}

/* Site names "lmNN" and "lmNN_K" feed landmark NN with weight user[0]. */
static rena_status find_landmarks(rena_sim_model *sm, const char *path, rena_error *err)
{
    const mjModel *m = sm->m;
    memset(sm->landmark, 0, sizeof sm->landmark);
    for (int s = 0; s < m->nsite; s++) {
        const char *name = mj_id2name(m, mjOBJ_SITE, s);
        if (!name || strncmp(name, "lm", 2) != 0)
            continue;
        char *end = NULL;
        long k = strtol(name + 2, &end, 10);
        if (end == name + 2 || (*end && *end != '_') || k < 0 || k >= RENA_NUM_LANDMARKS)
            return rena_error_set(err, RENA_ERR_FORMAT, path, "site '%s' is not a landmark name",
                                  name);
        rena_sim_landmark *lm = &sm->landmark[k];
        if (lm->count == RENA_SIM_MAX_BLEND)
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "landmark %ld blends more than %d sites", k, RENA_SIM_MAX_BLEND);
        double w = m->nuser_site > 0 ? m->site_user[s * m->nuser_site] : 1.0;
        if (!(w > 0.0) || !(w <= 1.0 + 1e-9))
            return rena_error_set(err, RENA_ERR_FORMAT, path,
                                  "site '%s': weight (user[0]) %g is not in (0,1]", name, w);
        lm->site[lm->count] = s;
        lm->weight[lm->count] = w;
        lm->count++;
    }
    for (int k = 0; k < RENA_NUM_LANDMARKS; k++) {
        rena_sim_landmark *lm = &sm->landmark[k];
        if (lm->count == 0)
            return rena_error_set(err, RENA_ERR_FORMAT, path, "no site for landmark %d (lm%02d)",
                                  k, k);
        double sum = 0;
        for (int j = 0; j < lm->count; j++)
            sum += lm->weight[j];
        for (int j = 0; j < lm->count; j++)
            lm->weight[j] /= sum;
    }
    return RENA_OK;
}

static rena_status find_parts(rena_sim_model *sm, const char *path, rena_error *err)
{
    const mjModel *m = sm->m;
    sm->pupil_site[0] = mj_name2id(m, mjOBJ_SITE, "pupil_l");
    sm->pupil_site[1] = mj_name2id(m, mjOBJ_SITE, "pupil_r");
    sm->camera = mj_name2id(m, mjOBJ_CAMERA, "front");
    if (sm->camera < 0 && m->ncam > 0)
        sm->camera = 0;
    if (sm->camera < 0)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "no camera (expected one named 'front')");
    sm->head_body = mj_name2id(m, mjOBJ_BODY, "head");
    if (sm->head_body < 0)
        return rena_error_set(err, RENA_ERR_FORMAT, path, "no body named 'head'");
    return RENA_OK;
}

rena_status rena_sim_model_load(const char *path, rena_sim_model *out, rena_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "scene", "no scene file given");
    if (access(path, R_OK) != 0)
        return rena_error_set(err, errno == ENOENT ? RENA_ERR_NOT_FOUND : RENA_ERR_IO, path,
                              "cannot read scene file: %s", strerror(errno));
    load_job job = {path, "", NULL};
    rena_error fatal;
    if (rena_sim_guard(load_xml, &job, path, &fatal) != RENA_OK)
        /* a fatal MuJoCo error while compiling is still a bad scene */
        return rena_error_set(err, RENA_ERR_FORMAT, path, "MuJoCo cannot load the scene: %s",
                              fatal.message);
    if (!job.m) {
        one_line(job.error);
        return rena_error_set(err, RENA_ERR_FORMAT, path, "MuJoCo cannot load the scene: %s",
                              job.error[0] ? job.error : "unknown error");
    }
    out->m = job.m;
    rena_status st = find_actuators(out, path, err);
    if (st == RENA_OK)
        st = find_landmarks(out, path, err);
    if (st == RENA_OK)
        st = find_parts(out, path, err);
    if (st != RENA_OK)
        rena_sim_model_free(out);
    return st;
}

void rena_sim_model_free(rena_sim_model *sm)
{
    if (!sm)
        return;
    if (sm->m)
        mj_deleteModel(sm->m);
    sm->m = NULL;
}

double rena_sim_model_command_of(const rena_sim_model *sm, int servo, double length)
{
    const mjModel *m = sm->m;
    int id = sm->actuator[servo];
    const double *b = m->actuator_biasprm + id * mjNBIAS;
    return -(b[0] + b[1] * length) / m->actuator_gainprm[id * mjNGAIN];
}
