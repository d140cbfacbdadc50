/* train_print.c: the head-map lines of `rena train` (see train_print.h). */
#include "train_print.h"

#include <stdlib.h>

#include "servo_error.h"

void rena_train_print_head_map(FILE *out, const rena_model *m, int head_map_option)
{
    const rena_headmap *hm = &m->head_map;
    if (rena_arch_uses_landmarks(m->hp.arch))
        fprintf(out, "head map: none (%s reads no head pose)\n", rena_arch_name(m->hp.arch));
    else if (!head_map_option || !m->has_head_map)
        fprintf(out, "head map: off (--head-map off): the network drives head_yaw\n");
    else if (hm->degenerate)
        fprintf(out,
                "head map: head_yaw = %.5f (the yaw did not vary over %d rows: mean command, "
                "slope 0), residual RMSE %.5f\n",
                (double)hm->a, (int)hm->n, (double)hm->rmse);
    else
        fprintf(out,
                "head map: head_yaw = %.5f %+.5f * yaw (rad), residual RMSE %.5f over %d "
                "fitted rows\n",
                (double)hm->a, (double)hm->b, (double)hm->rmse, (int)hm->n);
}

/* The servo errors of m's predictions on test, into e. */
static rena_status test_error(const rena_model *m, const rena_samples *test, int threads,
                              float *pred, rena_servo_error *e, rena_error *err)
{
    rena_status st = rena_model_predict_samples(m, test, threads, pred, err);
    if (st == RENA_OK)
        st = rena_servo_error_compute(pred, test->commands, test->n, e, err);
    return st;
}

rena_status rena_train_print_head_map_test(FILE *out, const rena_model *m,
                                           const rena_samples *test, int threads,
                                           rena_error *err)
{
    if (!rena_model_uses_head_map(m) || test->n < 1)
        return RENA_OK;
    float *pred = malloc(sizeof(float) * (size_t)test->n * RENA_NUM_SERVOS);
    if (!pred)
        return rena_error_set(err, RENA_ERR_NOMEM, "head map test",
                              "no memory for %ld predictions", test->n);
    rena_model net_only = *m; /* shares the arrays, read only */
    net_only.has_head_map = 0;
    rena_servo_error with, without;
    rena_status st = test_error(m, test, threads, pred, &with, err);
    if (st == RENA_OK)
        st = test_error(&net_only, test, threads, pred, &without, err);
    if (st == RENA_OK)
        fprintf(out,
                "test error with the head map %.2f%% (head_yaw RMSE %.5f); the network's own "
                "head_yaw: %.2f%% (%.5f)\n",
                100.0 * with.rmse, with.servo_rmse[RENA_SERVO_HEAD_YAW], 100.0 * without.rmse,
                without.servo_rmse[RENA_SERVO_HEAD_YAW]);
    free(pred);
    return st;
}
