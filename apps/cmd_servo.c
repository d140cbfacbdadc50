/* cmd_servo.c: `rena servo`, the bench tool for a Feetech STS bus: scan,
 * ping, read, write, torque and calibrate, on a real adapter or on a pty
 * served by `rena emu` (or `--port emu` for an in-process emulator). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "calibration.h"
#include "cli.h"
#include "commands.h"
#include "emulator.h"
#include "hw.h"
#include "safety.h"
#include "sts_bus.h"

static const char *const CMD = "servo";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: rena servo <action> --port PORT [options]\n"
            "\n"
            "actions:\n"
            "  scan                 ping IDs --first..--last (default 0..253), list who answers\n"
            "  ping --id N          ping one servo\n"
            "  read [--id N]        state of one servo, or of all 25 face servos\n"
            "  write (--servo NAME | --id N) (--value X | --ticks T)\n"
            "                       ramp one servo there (clamped to its calibrated\n"
            "                       limits) and enable its torque\n"
            "  write --neutral      ramp the whole face to its calibrated neutral, torque on\n"
            "  torque on|off [--id N]\n"
            "                       'off' without --id is a broadcast: no scan and no\n"
            "                       calibration needed, so it works when all else fails\n"
            "  calibrate --out FILE [--duration S]\n"
            "                       torque off; sweep every horn by hand through its safe\n"
            "                       range, leave the face at rest, press Enter (or wait S s)\n"
            "\n"
            "options:\n"
            "  --port PORT          /dev/ttyUSB0, a pty printed by 'rena emu', or 'emu'\n"
            "  --baud B             1000000 (default) 500000 250000 128000 115200 76800\n"
            "                       57600 38400\n"
            "  --transport T        auto (default), serialport or termios\n"
            "  --timeout-ms N       reply timeout beyond wire time (default 20)\n"
            "  --retries N          tries after a timeout or corrupt reply (default 2)\n"
            "  --calibration FILE   calibration JSON (default: the uncalibrated table)\n"
            "  --first N, --last N  scan range\n"
            "  --wait               write: wait for the horns and print where they are\n");
}

typedef struct {
    const char *action, *port, *calibration, *out, *servo, *onoff;
    long baud, timeout_ms, retries, id, first, last, ticks;
    double value, duration;
    int has_id, has_value, has_ticks, neutral, wait;
    int transport;
} servo_args;

static int parse_value_option(const char *o, const char *v, servo_args *a)
{
    if (!strcmp(o, "--port"))
        a->port = v;
    else if (!strcmp(o, "--calibration"))
        a->calibration = v;
    else if (!strcmp(o, "--out"))
        a->out = v;
    else if (!strcmp(o, "--servo"))
        a->servo = v;
    else if (!strcmp(o, "--transport")) {
        if ((a->transport = rena_transport_kind_parse(v)) < 0)
            return rena_cli_usage_error(CMD, "--transport expects auto, serialport or termios, "
                                             "got '%s'", v);
    } else if (!strcmp(o, "--baud"))
        return rena_backend_parse_baud(CMD, o, v, &a->baud);
    else if (!strcmp(o, "--timeout-ms"))
        return rena_cli_parse_long(CMD, o, v, 1, 10000, &a->timeout_ms) ? RENA_EXIT_USAGE : 0;
    else if (!strcmp(o, "--retries"))
        return rena_cli_parse_long(CMD, o, v, 0, 20, &a->retries) ? RENA_EXIT_USAGE : 0;
    else if (!strcmp(o, "--id")) {
        a->has_id = 1;
        return rena_cli_parse_long(CMD, o, v, 0, RENA_STS_MAX_ID, &a->id) ? RENA_EXIT_USAGE : 0;
    } else if (!strcmp(o, "--first"))
        return rena_cli_parse_long(CMD, o, v, 0, RENA_STS_MAX_ID, &a->first) ? RENA_EXIT_USAGE : 0;
    else if (!strcmp(o, "--last"))
        return rena_cli_parse_long(CMD, o, v, 0, RENA_STS_MAX_ID, &a->last) ? RENA_EXIT_USAGE : 0;
    else if (!strcmp(o, "--ticks")) {
        a->has_ticks = 1;
        return rena_cli_parse_long(CMD, o, v, 0, 4095, &a->ticks) ? RENA_EXIT_USAGE : 0;
    } else if (!strcmp(o, "--value")) {
        a->has_value = 1;
        return rena_cli_parse_double(CMD, o, v, 0.0, 1.0, &a->value) ? RENA_EXIT_USAGE : 0;
    } else if (!strcmp(o, "--duration"))
        return rena_cli_parse_double(CMD, o, v, 0.01, 3600.0, &a->duration) ? RENA_EXIT_USAGE : 0;
    else
        return rena_cli_usage_error(CMD, "unknown option '%s'", o);
    return 0;
}

static int check_action(const servo_args *a)
{
    const char *x = a->action;
    if (!a->port)
        return rena_cli_usage_error(CMD, "--port PORT is required");
    if (!a->has_id && (!strcmp(x, "ping")))
        return rena_cli_usage_error(CMD, "ping needs --id N");
    if (!strcmp(x, "write") && !a->neutral) {
        if (!!a->servo + a->has_id != 1 || a->has_value + a->has_ticks != 1)
            return rena_cli_usage_error(CMD, "write needs one of --servo/--id and one of "
                                             "--value/--ticks (or --neutral)");
        if (a->servo && rena_servo_index(a->servo) < 0)
            return rena_cli_usage_error(CMD, "--servo: unknown servo '%s'", a->servo);
    }
    if (!strcmp(x, "torque") && (!a->onoff || (strcmp(a->onoff, "on") && strcmp(a->onoff, "off"))))
        return rena_cli_usage_error(CMD, "torque needs 'on' or 'off'");
    if (!strcmp(x, "calibrate") && !a->out)
        return rena_cli_usage_error(CMD, "calibrate needs --out FILE");
    if (a->first > a->last)
        return rena_cli_usage_error(CMD, "--first %ld is above --last %ld", a->first, a->last);
    return 0;
}

static int parse_args(int argc, char **argv, servo_args *a)
{
    static const char *const actions[] = {"scan", "ping", "read", "write", "torque", "calibrate"};
    memset(a, 0, sizeof *a);
    a->baud = 1000000;
    a->timeout_ms = 20;
    a->retries = 2;
    a->last = RENA_STS_MAX_ID;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(stdout);
            return -1;
        }
        if (o[0] != '-') {
            if (!a->action) {
                for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
                    if (!strcmp(o, actions[k]))
                        a->action = actions[k];
                if (!a->action)
                    return rena_cli_usage_error(CMD, "unknown action '%s'", o);
            } else if (!strcmp(a->action, "torque") && !a->onoff) {
                a->onoff = o;
            } else {
                return rena_cli_usage_error(CMD, "unexpected argument '%s'", o);
            }
        } else if (!strcmp(o, "--neutral")) {
            a->neutral = 1;
        } else if (!strcmp(o, "--wait")) {
            a->wait = 1;
        } else {
            if (i + 1 >= argc)
                return rena_cli_usage_error(CMD, "%s needs a value", o);
            int rc = parse_value_option(o, argv[++i], a);
            if (rc)
                return rc;
        }
    }
    if (!a->action)
        return rena_cli_usage_error(CMD, "give an action: scan, ping, read, write, torque or "
                                         "calibrate");
    return check_action(a);
}

/* ---- the session: the bus (and an in-process emulator for --port emu) ---- */

typedef struct {
    rena_emu *emu;
    rena_sts_bus bus;
    rena_calibration cal;
} session;

static rena_status load_calibration(const servo_args *a, session *s, rena_error *err)
{
    rena_calibration_default(&s->cal);
    return a->calibration ? rena_calibration_load(a->calibration, &s->cal, err) : RENA_OK;
}

static rena_status open_session(const servo_args *a, session *s, rena_error *err)
{
    const char *port = a->port;
    if (!strcmp(port, "emu")) {
        rena_emu_options eo;
        rena_emu_options_default(&eo);
        eo.baud = a->baud;
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            eo.ids[i] = (uint8_t)s->cal.servo[i].id;
        rena_status st = rena_emu_start(&eo, &s->emu, err);
        if (st != RENA_OK)
            return st;
        port = rena_emu_port(s->emu);
    }
    rena_sts_bus_options bo;
    rena_sts_bus_options_default(&bo);
    bo.timeout_ms = (int)a->timeout_ms;
    bo.retries = (int)a->retries;
    bo.transport = (rena_transport_kind)a->transport;
    return rena_sts_bus_open(&s->bus, port, a->baud, &bo, err);
}

static void close_session(session *s)
{
    rena_sts_bus_close(&s->bus);
    rena_emu_stop(s->emu);
    s->emu = NULL;
}

static const char *face_name(const session *s, int id)
{
    int i = rena_calibration_find_id(&s->cal, id);
    return i >= 0 ? rena_servos[i].name : "-";
}

static void sleep_s(double t)
{
    struct timespec ts = {(time_t)t, (long)((t - (double)(time_t)t) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- actions ------------------------------------------------------------- */

static rena_status do_scan(const servo_args *a, session *s, rena_error *err)
{
    uint8_t found[RENA_STS_MAX_ID + 1];
    size_t n = 0;
    fprintf(stderr, "rena servo: scanning IDs %ld..%ld on %s at %ld baud\n", a->first, a->last,
            s->bus.port.path, a->baud);
    for (long id = a->first; id <= a->last; id++) {
        size_t got = 0;
        if (rena_cli_interrupted())
            return rena_error_set(err, RENA_ERR_INTERRUPTED, "scan", "interrupted");
        rena_status st = rena_sts_bus_scan(&s->bus, (int)id, (int)id, found + n, &got, err);
        if (st != RENA_OK)
            return st;
        n += got;
    }
    printf("%4s  %5s  %s\n", "ID", "model", "face servo");
    for (size_t k = 0; k < n; k++) {
        uint8_t model[2] = {0, 0};
        rena_sts_bus_read(&s->bus, found[k], RENA_STS_REG_MODEL, 2, model, NULL, NULL);
        printf("%4u  %5u  %s\n", found[k], rena_sts_get_u16(model), face_name(s, found[k]));
    }
    int missing = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        int id = s->cal.servo[i].id, seen = 0;
        for (size_t k = 0; k < n; k++)
            seen |= found[k] == id;
        if (!seen && id >= a->first && id <= a->last) {
            printf("%smissing: %s (ID %d)", missing ? ", " : "", rena_servos[i].name, id);
            missing++;
        }
    }
    printf("%s%zu servo(s) answered; %d face servo(s) missing\n", missing ? "\n" : "", n, missing);
    return RENA_OK;
}

static rena_status do_ping(const servo_args *a, session *s, rena_error *err)
{
    uint8_t bits = 0;
    char names[96];
    rena_status st = rena_sts_bus_ping(&s->bus, (uint8_t)a->id, &bits, err);
    if (st == RENA_OK)
        printf("servo %ld (%s) answered; error bits: %s\n", a->id, face_name(s, (int)a->id),
               rena_sts_error_bits_str(bits, names, sizeof names));
    return st;
}

static void print_state_row(const session *s, const char *name, const rena_sts_servo_state *v)
{
    char bits[96];
    int i = rena_calibration_find_id(&s->cal, v->id);
    printf("%-13s %3d  %5d  %6.3f  %-3s  %6.1f%%  %4.1fV  %3dC  %s\n", name, v->id, v->position,
           i >= 0 ? rena_calibration_from_ticks(&s->cal, i, v->position) : NAN,
           v->torque == 1 ? "on" : "off", v->load / 10.0, v->voltage_dv / 10.0, v->temperature_c,
           rena_sts_error_bits_str(v->error_bits, bits, sizeof bits));
}

static rena_status do_read(const servo_args *a, session *s, rena_error *err)
{
    printf("%-13s %3s  %5s  %6s  %-3s  %7s  %5s  %4s  %s\n", "servo", "ID", "ticks", "cmd",
           "trq", "load", "volt", "temp", "errors");
    rena_sts_servo_state v;
    if (a->has_id) {
        rena_status st = rena_sts_bus_read_state(&s->bus, (uint8_t)a->id, &v, err);
        if (st == RENA_OK) {
            print_state_row(s, face_name(s, (int)a->id), &v);
            printf("model %d, baud code %d, angle limits %d..%d, goal %d, goal speed %d, "
                   "lock %d, moving %d\n",
                   v.model, v.baud_code, v.min_angle, v.max_angle, v.goal_position, v.goal_speed,
                   v.lock, v.moving);
        }
        return st;
    }
    rena_status first = RENA_OK;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        rena_error e;
        rena_status st = rena_sts_bus_read_state(&s->bus, (uint8_t)s->cal.servo[i].id, &v, &e);
        if (st == RENA_OK) {
            print_state_row(s, rena_servos[i].name, &v);
        } else {
            printf("%-13s %3d  -- %s\n", rena_servos[i].name, s->cal.servo[i].id,
                   st == RENA_ERR_TIMEOUT ? "no answer" : "garbled answer");
            if (first == RENA_OK && err)
                *err = e;
            first = first == RENA_OK ? st : first;
        }
    }
    return first;
}

/* Ramps one servo's goal from where its horn stands, max_step per 10 ms. */
static rena_status ramp_one(session *s, int servo, int target, rena_error *err)
{
    const rena_calibration_servo *c = &s->cal.servo[servo];
    uint8_t id = (uint8_t)c->id, raw[2];
    rena_status st = rena_sts_bus_read(&s->bus, id, RENA_STS_REG_PRESENT_POSITION, 2, raw, NULL,
                                       err);
    if (st != RENA_OK)
        return st;
    int at = rena_sts_from_sign_magnitude(rena_sts_get_u16(raw), 15);
    at = at < c->min_ticks ? c->min_ticks : at > c->max_ticks ? c->max_ticks : at;
    int step = (int)ceil(RENA_SAFETY_DEFAULT_MAX_STEP * (float)(c->max_ticks - c->min_ticks));
    int torque_on = 0;
    for (;;) {
        at = target > at + step ? at + step : target < at - step ? at - step : target;
        st = rena_sts_bus_write_u16(&s->bus, id, RENA_STS_REG_GOAL_POSITION,
                                    rena_sts_to_sign_magnitude(at, 15), err);
        if (st == RENA_OK && !torque_on) {
            st = rena_sts_bus_write_u8(&s->bus, id, RENA_STS_REG_TORQUE, 1, err);
            torque_on = 1;
        }
        if (st != RENA_OK || at == target)
            return st;
        if (rena_cli_interrupted())
            return rena_error_set(err, RENA_ERR_INTERRUPTED, "write", "interrupted");
        sleep_s(0.01);
    }
}

static rena_status wait_arrival(session *s, int servo, int target, rena_error *err)
{
    uint8_t id = (uint8_t)s->cal.servo[servo].id, raw[2];
    int pos = -1;
    for (int k = 0; k < 300 && !rena_cli_interrupted(); k++) {
        rena_status st = rena_sts_bus_read(&s->bus, id, RENA_STS_REG_PRESENT_POSITION, 2, raw,
                                           NULL, err);
        if (st != RENA_OK)
            return st;
        pos = rena_sts_from_sign_magnitude(rena_sts_get_u16(raw), 15);
        if (abs(pos - target) <= 8)
            break;
        sleep_s(0.01);
    }
    printf("%s (ID %u) at %d ticks (goal %d)\n", rena_servos[servo].name, id, pos, target);
    return RENA_OK;
}

static rena_status do_write_one(const servo_args *a, session *s, rena_error *err)
{
    int servo =
        a->servo ? rena_servo_index(a->servo) : rena_calibration_find_id(&s->cal, (int)a->id);
    if (servo < 0)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, "--id",
                              "ID %ld is not a face servo in the calibration", a->id);
    const rena_calibration_servo *c = &s->cal.servo[servo];
    int target = a->has_ticks ? (int)a->ticks : rena_calibration_to_ticks(&s->cal, servo,
                                                                          (float)a->value);
    if (target < c->min_ticks || target > c->max_ticks) {
        int t = target < c->min_ticks ? c->min_ticks : c->max_ticks;
        fprintf(stderr, "rena servo: %d ticks is outside %s's limits %d..%d; using %d\n", target,
                rena_servos[servo].name, c->min_ticks, c->max_ticks, t);
        target = t;
    }
    rena_status st = ramp_one(s, servo, target, err);
    if (st == RENA_OK && a->wait)
        st = wait_arrival(s, servo, target, err);
    return st;
}

/* The whole face through the actuator backend: ramped, clamped, and left
 * holding the neutral with torque on. */
static rena_status do_write_neutral(const servo_args *a, session *s, rena_error *err)
{
    rena_hw_options o;
    rena_hw_options_default(&o);
    o.port = s->emu ? rena_emu_port(s->emu) : a->port;
    o.baud = (int)a->baud;
    o.calibration = a->calibration;
    o.transport = a->transport;
    o.timeout_ms = (int)a->timeout_ms;
    o.retries = (int)a->retries;
    o.watchdog_s = 0;
    o.hold_torque = 1;
    o.settle_timeout_s = a->wait ? 3.0 : 0.0;
    rena_sts_bus_close(&s->bus); /* the backend opens the port itself */
    rena_actuator act;
    rena_status st = rena_hw_open(&o, &act, err);
    if (st != RENA_OK)
        return st;
    st = rena_actuator_reset(&act, err);
    rena_actuator_close(&act);
    if (st == RENA_OK)
        printf("face at neutral, torque on\n");
    return st;
}

/* Goal where the horn stands (inside its limits), then torque on. */
static rena_status hold_one(session *s, int servo, rena_error *err)
{
    const rena_calibration_servo *c = &s->cal.servo[servo];
    uint8_t raw[2];
    rena_status st = rena_sts_bus_read(&s->bus, (uint8_t)c->id, RENA_STS_REG_PRESENT_POSITION, 2,
                                       raw, NULL, err);
    if (st != RENA_OK)
        return st;
    int at = rena_sts_from_sign_magnitude(rena_sts_get_u16(raw), 15);
    return ramp_one(s, servo, at < c->min_ticks ? c->min_ticks : at > c->max_ticks ? c->max_ticks
                                                                                     : at,
                    err);
}

static rena_status torque_off_broadcast(session *s, rena_error *err)
{
    uint8_t zero = 0;
    for (int k = 0; k < 3; k++) { /* nothing acknowledges a broadcast: say it thrice */
        rena_status st = rena_sts_bus_write(&s->bus, RENA_STS_WRITE, RENA_STS_BROADCAST,
                                            RENA_STS_REG_TORQUE, &zero, 1, NULL, err);
        if (st != RENA_OK)
            return st;
        sleep_s(0.002);
    }
    return RENA_OK;
}

static rena_status do_torque(const servo_args *a, session *s, rena_error *err)
{
    int on = !strcmp(a->onoff, "on");
    if (!on && !a->has_id) {
        rena_status st = torque_off_broadcast(s, err);
        if (st == RENA_OK)
            printf("torque off sent to every servo on %s (broadcast)\n", s->bus.port.path);
        return st;
    }
    if (!on) {
        rena_status st = rena_sts_bus_write_u8(&s->bus, (uint8_t)a->id, RENA_STS_REG_TORQUE, 0,
                                               err);
        if (st == RENA_OK)
            printf("torque off on servo %ld (%s)\n", a->id, face_name(s, (int)a->id));
        return st;
    }
    int done = 0;
    for (int i = 0; i < RENA_NUM_SERVOS; i++) {
        if (a->has_id && s->cal.servo[i].id != a->id)
            continue;
        rena_status st = hold_one(s, i, err);
        if (st != RENA_OK)
            return st;
        done++;
    }
    if (!done)
        return rena_error_set(err, RENA_ERR_NOT_FOUND, "--id",
                              "ID %ld is not a face servo in the calibration", a->id);
    printf("torque on, holding where they stand: %d servo(s)\n", done);
    return RENA_OK;
}

/* 1 when a line (Enter) or end of file is waiting on stdin. */
static int enter_pressed(void)
{
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    return n <= 0 || memchr(buf, '\n', (size_t)n) != NULL;
}

static rena_status record_sweep(const servo_args *a, session *s, rena_calibration_recorder *r,
                                rena_error *err)
{
    uint8_t ids[RENA_NUM_SERVOS], data[2 * RENA_NUM_SERVOS];
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        ids[i] = (uint8_t)s->cal.servo[i].id;
    rena_calibration_recorder_init(r);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        if (rena_cli_interrupted())
            return rena_error_set(err, RENA_ERR_INTERRUPTED, a->out,
                                  "interrupted; nothing written");
        rena_status st = rena_sts_bus_read_many(&s->bus, RENA_STS_REG_PRESENT_POSITION, 2, ids,
                                                RENA_NUM_SERVOS, data, NULL, NULL, err);
        if (st != RENA_OK)
            return st;
        int ticks[RENA_NUM_SERVOS];
        for (int i = 0; i < RENA_NUM_SERVOS; i++)
            ticks[i] = rena_sts_from_sign_magnitude(rena_sts_get_u16(data + 2 * i), 15);
        rena_calibration_recorder_add(r, ticks);
        clock_gettime(CLOCK_MONOTONIC, &t);
        double el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) * 1e-9;
        if (a->duration > 0 ? el >= a->duration : enter_pressed())
            return RENA_OK;
        sleep_s(0.02);
    }
}

static rena_status do_calibrate(const servo_args *a, session *s, rena_error *err)
{
    rena_status st = torque_off_broadcast(s, err);
    if (st != RENA_OK)
        return st;
    fprintf(stderr,
            "rena servo: torque is off. Move every servo by hand through its full safe range,\n"
            "then leave the face at rest%s.\n",
            a->duration > 0 ? "" : " and press Enter");
    rena_calibration_recorder r;
    if ((st = record_sweep(a, s, &r, err)) != RENA_OK)
        return st;
    rena_calibration out;
    int kept[RENA_NUM_SERVOS];
    int nkept = rena_calibration_recorder_finish(&r, &s->cal, 20, &out, kept);
    if (nkept == RENA_NUM_SERVOS)
        return rena_error_set(err, RENA_ERR_RANGE, a->out,
                              "no servo was swept by 20 ticks or more in %ld samples; nothing "
                              "written",
                              r.samples);
    if ((st = rena_calibration_save(a->out, &out, err)) != RENA_OK)
        return st;
    printf("%-13s %3s  %5s  %5s  %7s\n", "servo", "ID", "min", "max", "neutral");
    for (int i = 0; i < RENA_NUM_SERVOS; i++)
        printf("%-13s %3d  %5d  %5d  %7d%s\n", rena_servos[i].name, out.servo[i].id,
               out.servo[i].min_ticks, out.servo[i].max_ticks, out.servo[i].neutral_ticks,
               kept[i] ? "  (not swept: limits kept)" : "");
    printf("%ld samples; wrote %s%s\n", r.samples, a->out,
           nkept ? "; servos marked 'not swept' kept their previous limits" : "");
    return RENA_OK;
}

static rena_status run_action(const servo_args *a, session *s, rena_error *err)
{
    const char *x = a->action;
    if (!strcmp(x, "scan"))
        return do_scan(a, s, err);
    if (!strcmp(x, "ping"))
        return do_ping(a, s, err);
    if (!strcmp(x, "read"))
        return do_read(a, s, err);
    if (!strcmp(x, "write"))
        return a->neutral ? do_write_neutral(a, s, err) : do_write_one(a, s, err);
    if (!strcmp(x, "torque"))
        return do_torque(a, s, err);
    return do_calibrate(a, s, err);
}

int rena_cmd_servo(int argc, char **argv)
{
    servo_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? RENA_EXIT_OK : rc;
    rena_error err;
    rena_error_clear(&err);
    session s;
    memset(&s, 0, sizeof s);
    /* The broadcast torque-off needs nothing but the port, so a broken
     * calibration file cannot stand in its way. Everything else reads the
     * calibration before the port is opened: bad files send no bytes. */
    int bare_torque_off = !strcmp(a.action, "torque") && !strcmp(a.onoff, "off") && !a.has_id;
    rena_status st = bare_torque_off ? (rena_calibration_default(&s.cal), RENA_OK)
                                     : load_calibration(&a, &s, &err);
    if (st == RENA_OK)
        st = open_session(&a, &s, &err);
    if (st == RENA_OK)
        st = run_action(&a, &s, &err);
    close_session(&s);
    return st == RENA_OK ? RENA_EXIT_OK : rena_cli_fail(CMD, &err);
}
