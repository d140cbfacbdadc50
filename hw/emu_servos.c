#include "emu_servos.h"

#include <math.h>
#include <string.h>

enum {
    RETURN_DELAY = 7, /* register: reply delay in 2 us units (kept for realism) */
    READ_ONLY_FROM = RENA_STS_REG_PRESENT_POSITION,
    EMU_VOLTAGE_DV = 74,
    EMU_TEMPERATURE_C = 31,
    STUCK_PUSH_TICKS = 20 /* a stuck horn reports overload when pushed further than this */
};

static uint8_t servo_id(const rena_emu_servo *s) { return s->table[RENA_STS_REG_ID]; }

static int goal_of(const rena_emu_servo *s)
{
    int g = rena_sts_from_sign_magnitude(rena_sts_get_u16(s->table + RENA_STS_REG_GOAL_POSITION),
                                         15);
    int lo = rena_sts_get_u16(s->table + RENA_STS_REG_MIN_ANGLE);
    int hi = rena_sts_get_u16(s->table + RENA_STS_REG_MAX_ANGLE);
    if (lo < hi) /* both 0 would mean multi-turn mode: no clamp */
        g = g < lo ? lo : g > hi ? hi : g;
    return g;
}

static int pushed_while_stuck(const rena_emu_servo *s)
{
    return s->stuck && s->table[RENA_STS_REG_TORQUE] == 1 &&
           fabs(goal_of(s) - s->position) > STUCK_PUSH_TICKS;
}

static uint8_t status_bits(const rena_emu_servo *s)
{
    return (uint8_t)(s->error_bits | (pushed_while_stuck(s) ? RENA_STS_ERR_OVERLOAD : 0));
}

/* Mirrors the motion state into the read-only registers. */
static void refresh_registers(rena_emu_servo *s)
{
    double speed = s->speed;
    uint8_t *t = s->table;
    int pos = (int)lround(s->position);
    int moving = s->table[RENA_STS_REG_TORQUE] == 1 && !s->stuck && goal_of(s) != pos;
    int load = pushed_while_stuck(s) ? 1000 : moving ? 120 : 0;
    rena_sts_put_u16(t + RENA_STS_REG_PRESENT_POSITION, rena_sts_to_sign_magnitude(pos, 15));
    rena_sts_put_u16(t + RENA_STS_REG_PRESENT_SPEED,
                     rena_sts_to_sign_magnitude((int)lround(speed), 15));
    rena_sts_put_u16(t + RENA_STS_REG_PRESENT_LOAD, rena_sts_to_sign_magnitude(load, 10));
    t[RENA_STS_REG_VOLTAGE] = EMU_VOLTAGE_DV;
    t[RENA_STS_REG_TEMPERATURE] = EMU_TEMPERATURE_C;
    t[RENA_STS_REG_MOVING] = (uint8_t)moving;
    rena_sts_put_u16(t + RENA_STS_REG_PRESENT_CURRENT,
                     rena_sts_to_sign_magnitude(load / 4, 15));
}

void rena_emu_servos_init(rena_emu_servos *b, const uint8_t *ids, int n, int position,
                          double max_speed)
{
    memset(b, 0, sizeof *b);
    b->count = n > RENA_EMU_MAX_SERVOS ? RENA_EMU_MAX_SERVOS : n;
    b->max_speed = max_speed > 0 ? max_speed : 3000.0;
    b->sync_read = 1;
    for (int i = 0; i < b->count; i++) {
        rena_emu_servo *s = &b->servo[i];
        uint8_t *t = s->table;
        s->present = 1;
        s->position = position;
        rena_sts_put_u16(t + RENA_STS_REG_MODEL, RENA_STS_MODEL_STS3032);
        t[RENA_STS_REG_ID] = ids[i];
        t[RENA_STS_REG_BAUD] = 0;
        t[RETURN_DELAY] = 0;
        rena_sts_put_u16(t + RENA_STS_REG_MIN_ANGLE, 0);
        rena_sts_put_u16(t + RENA_STS_REG_MAX_ANGLE, 4095);
        t[RENA_STS_REG_LOCK] = 1;
        rena_sts_put_u16(t + RENA_STS_REG_GOAL_POSITION,
                         rena_sts_to_sign_magnitude(position, 15));
        refresh_registers(s);
    }
}

rena_emu_servo *rena_emu_servos_find(rena_emu_servos *b, uint8_t id)
{
    for (int i = 0; i < b->count; i++)
        if (b->servo[i].present && servo_id(&b->servo[i]) == id)
            return &b->servo[i];
    return NULL;
}

void rena_emu_servos_advance(rena_emu_servos *b, double now)
{
    double dt = now - b->time;
    if (dt < 0)
        dt = 0;
    b->time = now;
    for (int i = 0; i < b->count; i++) {
        rena_emu_servo *s = &b->servo[i];
        if (dt <= 0) {
            refresh_registers(s);
            continue;
        }
        double speed = 0.0;
        if (s->table[RENA_STS_REG_TORQUE] == 1 && !s->stuck) {
            double v = rena_sts_get_u16(s->table + RENA_STS_REG_GOAL_SPEED) & 0x7FFF;
            if (v <= 0 || v > b->max_speed)
                v = b->max_speed;
            double d = goal_of(s) - s->position;
            double step = v * dt;
            if (fabs(d) <= step)
                s->position += d;
            else
                s->position += d > 0 ? step : -step;
            speed = (fabs(d) <= step ? d : (d > 0 ? step : -step)) / dt;
        }
        s->speed = speed;
        refresh_registers(s);
    }
}

void rena_emu_servos_move_horn(rena_emu_servo *s, int ticks)
{
    s->position = ticks < 0 ? 0 : ticks > 4095 ? 4095 : ticks;
    s->speed = 0.0;
    refresh_registers(s);
}

/* A write lands byte by byte; read-only bytes are skipped, and EEPROM bytes
 * only take when the lock is open. */
static int apply_write(rena_emu_servo *s, const uint8_t *params, size_t n)
{
    if (n < 2)
        return 0;
    size_t addr = params[0];
    if (addr + (n - 1) > RENA_STS_TABLE_SIZE)
        return 0;
    for (size_t k = 1; k < n; k++, addr++) {
        int eeprom = addr < RENA_STS_REG_EEPROM_END;
        if (addr <= RENA_STS_REG_MODEL + 1 || addr >= READ_ONLY_FROM)
            continue;
        if (eeprom && s->table[RENA_STS_REG_LOCK] != 0)
            continue;
        s->table[addr] = params[k];
    }
    return 1;
}

static int add_reply(rena_emu_servo *s, uint8_t id, const uint8_t *data, size_t n,
                     rena_emu_reply *out, int count, int max_out)
{
    if (count >= max_out)
        return count;
    rena_emu_reply *r = &out[count];
    r->id = id;
    if (rena_sts_encode(r->bytes, sizeof r->bytes, id, status_bits(s), data, n, &r->len, NULL) !=
        RENA_OK)
        return count;
    return count + 1;
}

static int exec_sync_write(rena_emu_servos *b, const rena_sts_packet *pkt)
{
    if (pkt->id != RENA_STS_BROADCAST || pkt->nparams < 2)
        return 0;
    size_t len = pkt->params[1];
    size_t block = len + 1;
    if (len == 0 || (pkt->nparams - 2) % block != 0)
        return 0;
    for (size_t at = 2; at + block <= pkt->nparams; at += block) {
        rena_emu_servo *s = rena_emu_servos_find(b, pkt->params[at]);
        uint8_t w[RENA_STS_MAX_PARAMS];
        if (!s)
            continue;
        w[0] = pkt->params[0];
        memcpy(w + 1, pkt->params + at + 1, len);
        apply_write(s, w, len + 1);
    }
    return 0;
}

static int exec_sync_read(rena_emu_servos *b, const rena_sts_packet *pkt, rena_emu_reply *out,
                          int max_out)
{
    if (!b->sync_read || pkt->id != RENA_STS_BROADCAST || pkt->nparams < 3)
        return 0;
    size_t addr = pkt->params[0], len = pkt->params[1];
    if (addr + len > RENA_STS_TABLE_SIZE)
        return 0;
    int count = 0;
    for (size_t k = 2; k < pkt->nparams; k++) {
        rena_emu_servo *s = rena_emu_servos_find(b, pkt->params[k]);
        if (s)
            count = add_reply(s, pkt->params[k], s->table + addr, len, out, count, max_out);
    }
    return count;
}

static int exec_action(rena_emu_servos *b, const rena_sts_packet *pkt, rena_emu_reply *out,
                       int max_out)
{
    int count = 0;
    for (int i = 0; i < b->count; i++) {
        rena_emu_servo *s = &b->servo[i];
        if (!s->present || (pkt->id != RENA_STS_BROADCAST && servo_id(s) != pkt->id))
            continue;
        uint8_t id = servo_id(s);
        if (s->pending_len)
            apply_write(s, s->pending, s->pending_len);
        s->pending_len = 0;
        if (pkt->id != RENA_STS_BROADCAST)
            count = add_reply(s, id, NULL, 0, out, count, max_out);
    }
    return count;
}

/* Instructions addressed to one servo (or to all, for WRITE/REG_WRITE). */
static int exec_addressed(rena_emu_servos *b, const rena_sts_packet *pkt, rena_emu_reply *out,
                          int max_out)
{
    int broadcast = pkt->id == RENA_STS_BROADCAST;
    int count = 0;
    for (int i = 0; i < b->count; i++) {
        rena_emu_servo *s = &b->servo[i];
        if (!s->present || (!broadcast && servo_id(s) != pkt->id))
            continue;
        uint8_t id = servo_id(s);
        switch (pkt->code) {
        case RENA_STS_PING:
            if (pkt->nparams != 0)
                return 0;
            break;
        case RENA_STS_READ:
            if (pkt->nparams != 2 || broadcast ||
                (size_t)pkt->params[0] + pkt->params[1] > RENA_STS_TABLE_SIZE)
                return 0;
            return add_reply(s, id, s->table + pkt->params[0], pkt->params[1], out, 0, max_out);
        case RENA_STS_WRITE:
            if (!apply_write(s, pkt->params, pkt->nparams))
                return 0;
            break;
        case RENA_STS_REG_WRITE:
            if (pkt->nparams < 2)
                return 0;
            memcpy(s->pending, pkt->params, pkt->nparams);
            s->pending_len = pkt->nparams;
            break;
        default:
            return 0;
        }
        if (!broadcast)
            count = add_reply(s, id, NULL, 0, out, count, max_out);
    }
    return count;
}

int rena_emu_servos_execute(rena_emu_servos *b, const rena_sts_packet *pkt, rena_emu_reply *out,
                            int max_out)
{
    int n;
    switch (pkt->code) {
    case RENA_STS_SYNC_WRITE:
        n = exec_sync_write(b, pkt);
        break;
    case RENA_STS_SYNC_READ:
        n = exec_sync_read(b, pkt, out, max_out);
        break;
    case RENA_STS_ACTION:
        n = exec_action(b, pkt, out, max_out);
        break;
    default:
        n = exec_addressed(b, pkt, out, max_out);
        break;
    }
    /* New goals or torque change what the read-only registers say. */
    rena_emu_servos_advance(b, b->time);
    return n;
}
