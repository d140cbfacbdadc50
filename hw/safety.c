#include "safety.h"

#include <limits.h>
#include <math.h>

int rena_safety_sanitize(const rena_calibration *cal, const float in[RENA_NUM_SERVOS],
                         float out[RENA_NUM_SERVOS])
{
    int changed = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        float v = in[i];
        if (!isfinite(v))
            v = rena_calibration_neutral(cal, i);
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; /* the neutral too, defensively */
        changed += v != in[i];
        out[i] = v;
    }
    return changed;
}

static float usable_step(float max_step)
{
    return isfinite(max_step) && max_step > 0.0f ? max_step : 1.0f;
}

int rena_safety_step(const rena_calibration *cal, const float prev[RENA_NUM_SERVOS],
                     const float target[RENA_NUM_SERVOS], float max_step,
                     float out[RENA_NUM_SERVOS])
{
    float p[RENA_NUM_SERVOS], t[RENA_NUM_SERVOS];
    float step = usable_step(max_step);
    rena_safety_sanitize(cal, prev, p);
    rena_safety_sanitize(cal, target, t);
    int reached = 1;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        float d = t[i] - p[i];
        float v = d > step ? p[i] + step : d < -step ? p[i] - step : t[i];
        out[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        reached &= out[i] == t[i];
    }
    return reached;
}

/* ceil(distance / step) as rena_safety_step counts it (in float), or INT_MAX
 * when that does not fit an int: a tiny step (1e-45) makes the quotient
 * huge or Inf, and converting such a float to int is undefined. A distance
 * so small that the quotient underflows to 0 still takes one cycle. */
static int cycles_for(float distance, float step)
{
    if (distance == 0.0f)
        return 0;
    float q = ceilf(distance / step);
    return q < 1.0f ? 1 : q < (float)INT_MAX ? (int)q : INT_MAX;
}

int rena_safety_cycles(const rena_calibration *cal, const float prev[RENA_NUM_SERVOS],
                       const float target[RENA_NUM_SERVOS], float max_step)
{
    float p[RENA_NUM_SERVOS], t[RENA_NUM_SERVOS];
    float step = usable_step(max_step);
    rena_safety_sanitize(cal, prev, p);
    rena_safety_sanitize(cal, target, t);
    int n = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int k = cycles_for(fabsf(t[i] - p[i]), step);
        n = k > n ? k : n;
    }
    return n;
}

void rena_safety_ticks(const rena_calibration *cal, const float cmd[RENA_NUM_SERVOS],
                       int ticks[RENA_NUM_SERVOS])
{
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ticks[i] = rena_calibration_to_ticks(cal, i, cmd[i]);
}

void rena_safety_watchdog_init(rena_safety_watchdog *w, double timeout_s, double now)
{
    w->timeout_s = timeout_s;
    w->last_feed = now;
    w->armed = 0;
}

void rena_safety_watchdog_feed(rena_safety_watchdog *w, double now)
{
    w->last_feed = now;
    w->armed = 1;
}

int rena_safety_watchdog_check(rena_safety_watchdog *w, double now)
{
    if (!w->armed || w->timeout_s <= 0.0 || now - w->last_feed < w->timeout_s)
        return 0;
    w->armed = 0;
    return 1;
}

double rena_safety_watchdog_remaining(const rena_safety_watchdog *w, double now)
{
    if (!w->armed || w->timeout_s <= 0.0)
        return 1e9;
    return w->timeout_s - (now - w->last_feed);
}
