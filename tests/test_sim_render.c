/* Offscreen renders of the simulated face: not blank, change with the
 * command, line up with the landmarks, bit-identical for the same command,
 * and independent renderers work in parallel threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "testutil.h"

typedef struct {
    int width, height;
    float cmd[RENA_NUM_SERVOS];
    rena_image image; /* copied out, owned */
    rena_features features;
    rena_status status;
} render_job;

static void *render(void *arg)
{
    render_job *job = arg;
    rena_sim_options opt;
    rena_sim_options_default(&opt);
    opt.width = job->width;
    opt.height = job->height;
    rena_actuator a;
    rena_observation obs;
    job->status = rena_sim_open(&opt, &a, NULL);
    if (job->status != RENA_OK)
        return NULL;
    job->status = rena_actuator_write(&a, job->cmd, NULL, NULL);
    if (job->status == RENA_OK)
        job->status = rena_actuator_observe(&a, RENA_OBS_FEATURES | RENA_OBS_IMAGE, &obs, NULL);
    if (job->status == RENA_OK && obs.has_image) {
        size_t n = (size_t)obs.image.width * obs.image.height * 3;
        job->image = obs.image;
        job->image.rgb = malloc(n);
        memcpy(job->image.rgb, obs.image.rgb, n);
        job->features = obs.features;
    }
    rena_actuator_close(&a);
    return NULL;
}

static render_job job_for(int servo, float value)
{
    render_job j;
    memset(&j, 0, sizeof j);
    rena_servo_neutral(j.cmd);
    if (servo >= 0)
        j.cmd[servo] = value;
    return j;
}

static void run(render_job *j)
{
    render(j);
    ck_assert_int_eq(j->status, RENA_OK);
    ck_assert_ptr_nonnull(j->image.rgb);
}

static const unsigned char *pixel(const rena_image *img, float x, float y)
{
    int px = (int)x, py = (int)y;
    ck_assert(px >= 0 && py >= 0 && px < img->width && py < img->height);
    return img->rgb + ((size_t)py * img->width + px) * 3;
}

START_TEST(render_is_a_face_not_a_blank)
{
    render_job j = job_for(-1, 0);
    run(&j);
    ck_assert_int_eq(j.image.width, 640);
    ck_assert_int_eq(j.image.height, 480);
    double sum = 0, sum2 = 0;
    size_t n = (size_t)640 * 480 * 3;
    for (size_t i = 0; i < n; i++) {
        sum += j.image.rgb[i];
        sum2 += (double)j.image.rgb[i] * j.image.rgb[i];
    }
    double var = sum2 / n - (sum / n) * (sum / n);
    ck_assert_double_gt(var, 200.0);
    /* the landmarks sit on the face: skin at the nose bridge (red > green >
     * blue), the dark pupils cannot be skin, and the image corners are
     * background, not skin */
    const unsigned char *skin = pixel(&j.image, j.features.landmarks[28][0], j.features.landmarks[28][1]);
    ck_assert_int_gt(skin[0], skin[1]);
    ck_assert_int_gt(skin[1], skin[2]);
    const unsigned char *corner = pixel(&j.image, 2, 2);
    ck_assert_int_le(corner[0], corner[2] + 5);
    free(j.image.rgb);
}
END_TEST

START_TEST(render_follows_the_command_and_the_mouth_opens_dark)
{
    render_job n = job_for(-1, 0), o = job_for(RENA_SERVO_JAW_L, 1.0f);
    o.cmd[RENA_SERVO_JAW_R] = 1.0f;
    run(&n);
    run(&o);
    size_t changed = 0, total = (size_t)640 * 480;
    for (size_t i = 0; i < total; i++)
        changed += memcmp(n.image.rgb + 3 * i, o.image.rgb + 3 * i, 3) != 0;
    ck_assert_uint_gt(changed, total / 100);
    /* between the parted inner lips (62 above, 66 below) lies the dark mouth */
    float x = 0.5f * (o.features.landmarks[62][0] + o.features.landmarks[66][0]);
    float y = 0.5f * (o.features.landmarks[62][1] + o.features.landmarks[66][1]);
    const unsigned char *inside = pixel(&o.image, x, y);
    const unsigned char *skin = pixel(&o.image, o.features.landmarks[28][0], o.features.landmarks[28][1]);
    ck_assert_int_lt(inside[0] + inside[1] + inside[2], skin[0] + skin[1] + skin[2] - 150);
    free(n.image.rgb);
    free(o.image.rgb);
}
END_TEST

START_TEST(same_command_renders_bit_identical_and_sizes_are_honoured)
{
    render_job a = job_for(RENA_SERVO_CORNER_UP_L, 0.8f), b = a;
    run(&a);
    run(&b);
    ck_assert_mem_eq(a.image.rgb, b.image.rgb, (size_t)640 * 480 * 3);
    ck_assert_mem_eq(&a.features, &b.features, sizeof a.features);
    render_job s = a;
    s.width = 320;
    s.height = 240;
    s.image.rgb = NULL;
    run(&s);
    ck_assert_int_eq(s.image.width, 320);
    ck_assert_int_eq(s.image.height, 240);
    /* landmarks are in the image's own pixels: half the size, half the coordinates */
    ck_assert_float_eq_tol(s.features.landmarks[30][0], 0.5f * a.features.landmarks[30][0], 0.01f);
    free(a.image.rgb);
    free(b.image.rgb);
    free(s.image.rgb);
}
END_TEST

/* Two faces with their own GL contexts render at the same time in two threads
 * and get exactly what each renders alone. */
START_TEST(renderers_work_in_parallel_threads)
{
    render_job alone[2] = {job_for(RENA_SERVO_BLINK_L, 1.0f), job_for(RENA_SERVO_HEAD_YAW, 0.9f)};
    render_job both[2] = {alone[0], alone[1]};
    run(&alone[0]);
    run(&alone[1]);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, render, &both[i]), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(both[i].status, RENA_OK);
        ck_assert_mem_eq(both[i].image.rgb, alone[i].image.rgb, (size_t)640 * 480 * 3);
        free(both[i].image.rgb);
        free(alone[i].image.rgb);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sim_render");
    TCase *tc = tcase_create("render");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, render_is_a_face_not_a_blank);
    tcase_add_test(tc, render_follows_the_command_and_the_mouth_opens_dark);
    tcase_add_test(tc, same_command_renders_bit_identical_and_sizes_are_honoured);
    tcase_add_test(tc, renderers_work_in_parallel_threads);
    suite_add_tcase(s, tc);
    return rena_test_run(s);
}
