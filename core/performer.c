#include "performer.h"

#include <stdio.h>
#include <string.h>

/* Two performers with different faces (see assets/gen_performers.py) and
 * different styles: Ana acts more with her left side and quickly; Ben acts
 * with his right side, with big brows, a restrained mouth and slower. */
const rena_performer rena_performers[RENA_NUM_PERFORMERS] = {
    {"ana", "performer_ana.xml", 0.35f, 1.0f, 1.0f, 1.0f, 8, 15, 12, 18, 8, 12},
    {"ben", "performer_ben.xml", -0.40f, 0.9f, 1.25f, 0.85f, 8, 20, 10, 24, 8, 9},
};

static const char *const emotion_names[RENA_NUM_EMOTIONS] = {
    "happiness", "sadness", "surprise", "fear", "anger", "disgust"};

/* Emotions in the abrupt sequence: each one far from the one before. */
static const rena_emotion abrupt_order[RENA_NUM_EMOTIONS] = {
    RENA_EMOTION_HAPPINESS, RENA_EMOTION_ANGER,   RENA_EMOTION_SURPRISE,
    RENA_EMOTION_SADNESS,   RENA_EMOTION_DISGUST, RENA_EMOTION_FEAR};

/* ---- emotion apexes --------------------------------------------------------
 * Symmetric targets of the left servo of each pair (the right one mirrors it)
 * and of the centre servos, after the FACS action units of each emotion.
 * Servos not listed stay neutral. */

typedef struct {
    int servo; /* left servo of a pair, or a centre servo; -1 ends the list */
    float value;
} target;

#define MAX_TARGETS 9
#define END {-1, 0.0f}

static const target apex[RENA_NUM_EMOTIONS][MAX_TARGETS] = {
    /* AU6+12: smile with cheek raise (lower lid up), lips apart, outer brows a little up */
    [RENA_EMOTION_HAPPINESS] = {{RENA_SERVO_CORNER_UP_L, 0.85f}, {RENA_SERVO_CORNER_OUT_L, 0.45f},
                                {RENA_SERVO_UPPER_LIP_L, 0.25f}, {RENA_SERVO_JAW_L, 0.20f},
                                {RENA_SERVO_EYEOPEN_L, 0.25f}, {RENA_SERVO_BROW_OUT_L, 0.60f},
                                END},
    /* AU1+4+15: inner brows up while the outer ends sink, corners down, lids droop */
    [RENA_EMOTION_SADNESS] = {{RENA_SERVO_BROW_IN_L, 0.90f}, {RENA_SERVO_BROW_OUT_L, 0.30f},
                              {RENA_SERVO_CORNER_DN_L, 0.80f}, {RENA_SERVO_LOWER_LIP_L, 0.30f},
                              {RENA_SERVO_BLINK_L, 0.30f}, {RENA_SERVO_EYE_V_L, 0.35f},
                              {RENA_SERVO_JAW_L, 0.05f}, END},
    /* AU1+2+5+26: brows up, eyes wide, jaw dropped */
    [RENA_EMOTION_SURPRISE] = {{RENA_SERVO_BROW_IN_L, 0.95f}, {RENA_SERVO_BROW_OUT_L, 0.95f},
                               {RENA_SERVO_EYEOPEN_L, 1.0f}, {RENA_SERVO_JAW_L, 0.75f},
                               {RENA_SERVO_LOWER_LIP_L, 0.30f}, {RENA_SERVO_UPPER_LIP_L, 0.10f},
                               END},
    /* AU1+2+4+5+20+26: inner brows up, eyes wide, lips stretched without smiling */
    [RENA_EMOTION_FEAR] = {{RENA_SERVO_BROW_IN_L, 0.95f}, {RENA_SERVO_BROW_OUT_L, 0.60f},
                           {RENA_SERVO_EYEOPEN_L, 0.95f}, {RENA_SERVO_CORNER_OUT_L, 0.80f},
                           {RENA_SERVO_LOWER_LIP_L, 0.55f}, {RENA_SERVO_JAW_L, 0.30f},
                           {RENA_SERVO_CORNER_DN_L, 0.20f}, END},
    /* AU4+5+7+23: brows pulled down, lids tightened, lips tight */
    [RENA_EMOTION_ANGER] = {{RENA_SERVO_BROW_IN_L, 0.0f}, {RENA_SERVO_BROW_OUT_L, 0.40f},
                            {RENA_SERVO_EYEOPEN_L, 0.20f}, {RENA_SERVO_BLINK_L, 0.20f},
                            {RENA_SERVO_CORNER_DN_L, 0.30f}, {RENA_SERVO_CORNER_OUT_L, 0.25f},
                            {RENA_SERVO_UPPER_LIP_L, 0.15f}, END},
    /* AU9+10+15: upper lip raised (sneer), brows down, lids narrowed */
    [RENA_EMOTION_DISGUST] = {{RENA_SERVO_UPPER_LIP_L, 0.80f}, {RENA_SERVO_BROW_IN_L, 0.25f},
                              {RENA_SERVO_BROW_OUT_L, 0.45f}, {RENA_SERVO_EYEOPEN_L, 0.25f},
                              {RENA_SERVO_CORNER_DN_L, 0.45f}, {RENA_SERVO_LOWER_LIP_L, 0.35f},
                              {RENA_SERVO_CORNER_OUT_L, 0.15f}, END},
};
#undef END

static float clamp01(double v) { return v < 0.0 ? 0.0f : v > 1.0 ? 1.0f : (float)v; }

/* The performer's own gain for a servo: intensity, region gain and side. */
static double servo_gain(const rena_performer *p, int servo)
{
    const rena_servo_info *s = &rena_servos[servo];
    double g = p->intensity;
    if (s->region == RENA_REGION_EYEBROW)
        g *= p->brow_gain;
    else if (s->region == RENA_REGION_MOUTH)
        g *= p->mouth_gain;
    /* the eyeballs stay conjugate and the jaw level: asymmetry is in the soft tissue */
    int lateral = s->side != RENA_SIDE_CENTER && s->region != RENA_REGION_EYEBALL &&
                  servo != RENA_SERVO_JAW_L && servo != RENA_SERVO_JAW_R;
    if (lateral)
        g *= s->side == RENA_SIDE_LEFT ? 1.0 + p->asymmetry : 1.0 - p->asymmetry;
    return g;
}

/* The performer's face at `amount` (0 neutral .. 1 apex) of emotion e. */
static void emotion_at(const rena_performer *p, rena_emotion e, double amount,
                       float cmd[RENA_NUM_SERVOS])
{
    rena_servo_neutral(cmd);
    for (int k = 0; k < MAX_TARGETS && apex[e][k].servo >= 0; k++) {
        int left = apex[e][k].servo;
        int right = rena_servos[left].mirror;
        double dev = apex[e][k].value - rena_servos[left].neutral;
        cmd[left] = clamp01(rena_servos[left].neutral + amount * servo_gain(p, left) * dev);
        if (right >= 0)
            cmd[right] =
                clamp01(rena_servos[right].neutral + amount * servo_gain(p, right) * dev);
    }
}

void rena_performer_peak(const rena_performer *p, rena_emotion e, float cmd[RENA_NUM_SERVOS])
{
    if (!p || (unsigned)e >= RENA_NUM_EMOTIONS) {
        rena_servo_neutral(cmd);
        return;
    }
    emotion_at(p, e, 1.0, cmd);
}

/* ---- timing ---------------------------------------------------------------- */

static double smoothstep(double t)
{
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    return t * t * (3.0 - 2.0 * t);
}

static long emotion_frames(const rena_performer *p)
{
    return (long)p->lead + p->rise + p->hold + p->fall + p->tail;
}

static long abrupt_frames(const rena_performer *p)
{
    return (long)p->lead + (long)RENA_NUM_EMOTIONS * p->abrupt_hold + p->tail;
}

double rena_performer_envelope(const rena_performer *p, long frame)
{
    if (!p || frame < p->lead || frame >= emotion_frames(p))
        return 0.0;
    long f = frame - p->lead;
    if (f < p->rise)
        return smoothstep((double)f / p->rise);
    f -= p->rise;
    if (f < p->hold)
        return 1.0;
    f -= p->hold;
    if (f < p->fall)
        return 1.0 - smoothstep((double)(f + 1) / p->fall);
    return 0.0;
}

long rena_performer_frames(const rena_performer *p, int seq)
{
    if (!p || seq < 0 || seq >= RENA_PERFORMER_NUM_SEQUENCES)
        return 0;
    return seq == RENA_PERFORMER_SEQ_ABRUPT ? abrupt_frames(p) : emotion_frames(p);
}

rena_status rena_performer_command(const rena_performer *p, int seq, long frame,
                                   float cmd[RENA_NUM_SERVOS], rena_error *err)
{
    if (!p || !cmd)
        return rena_error_set(err, RENA_ERR_ARG, "performer", "no performer or command given");
    if (seq < 0 || seq >= RENA_PERFORMER_NUM_SEQUENCES)
        return rena_error_set(err, RENA_ERR_ARG, p->name, "unknown sequence %d", seq);
    long n = rena_performer_frames(p, seq);
    if (frame < 0 || frame >= n)
        return rena_error_set(err, RENA_ERR_RANGE, p->name, "frame %ld outside 0..%ld of '%s'",
                              frame, n - 1, rena_performer_sequence_name(seq));
    if (seq != RENA_PERFORMER_SEQ_ABRUPT) {
        emotion_at(p, (rena_emotion)seq, rena_performer_envelope(p, frame), cmd);
        return RENA_OK;
    }
    long f = frame - p->lead;
    if (f < 0 || f >= (long)RENA_NUM_EMOTIONS * p->abrupt_hold)
        rena_servo_neutral(cmd);
    else
        emotion_at(p, abrupt_order[f / p->abrupt_hold], 1.0, cmd);
    return RENA_OK;
}

/* ---- names ----------------------------------------------------------------- */

const rena_performer *rena_performer_find(const char *name)
{
    for (int i = 0; name && i < RENA_NUM_PERFORMERS; i++)
        if (!strcmp(rena_performers[i].name, name))
            return &rena_performers[i];
    return NULL;
}

const char *rena_emotion_name(rena_emotion e)
{
    return (unsigned)e < RENA_NUM_EMOTIONS ? emotion_names[e] : "?";
}

const char *rena_performer_sequence_name(int seq)
{
    if (seq == RENA_PERFORMER_SEQ_ABRUPT)
        return "abrupt";
    return rena_emotion_name((rena_emotion)seq);
}

int rena_performer_sequence_parse(const char *name)
{
    for (int s = 0; name && s < RENA_PERFORMER_NUM_SEQUENCES; s++)
        if (!strcmp(rena_performer_sequence_name(s), name))
            return s;
    return -1;
}

rena_status rena_performer_parse(const char *spec, const rena_performer **performer, int *seq,
                                 rena_error *err)
{
    if (!spec || !performer || !seq)
        return rena_error_set(err, RENA_ERR_ARG, "performer", "nothing to parse");
    const char *slash = strchr(spec, '/');
    const char *seq_name = slash ? slash + 1 : spec;
    const rena_performer *p = &rena_performers[0];
    if (slash) {
        char name[64];
        size_t len = (size_t)(slash - spec);
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
                 spec);
        if (!(p = rena_performer_find(name))) {
            char known[256] = "";
            for (int i = 0; i < RENA_NUM_PERFORMERS; i++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                         i ? ", " : "", rena_performers[i].name);
            return rena_error_set(err, RENA_ERR_NOT_FOUND, spec,
                                  "no performer '%s' (known: %s)", name, known);
        }
    }
    int s = rena_performer_sequence_parse(seq_name);
    if (s < 0)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, spec,
                              "no sequence '%s' (known: happiness, sadness, surprise, fear, "
                              "anger, disgust, abrupt)",
                              seq_name);
    *performer = p;
    *seq = s;
    return RENA_OK;
}
