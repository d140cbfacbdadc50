/* sts_owed.c: the table of replies silent servos may still send. */
#include "sts_owed.h"

#include "sts_protocol.h"

void rena_sts_owed_expire(rena_sts_owed_table *t, double now)
{
    for (int i = 0; i < t->n;) {
        if (t->e[i].until <= now)
            t->e[i] = t->e[--t->n];
        else
            i++;
    }
}

rena_sts_owed *rena_sts_owed_find(rena_sts_owed_table *t, uint8_t id, size_t nparams)
{
    for (int i = 0; i < t->n; i++)
        if (t->e[i].id == id && t->e[i].nparams == nparams)
            return &t->e[i];
    return NULL;
}

static rena_sts_owed *closest_to_expiring(rena_sts_owed_table *t)
{
    rena_sts_owed *o = &t->e[0];
    for (int i = 1; i < t->n; i++)
        if (t->e[i].until < o->until)
            o = &t->e[i];
    return o;
}

void rena_sts_owed_add(rena_sts_owed_table *t, uint8_t id, size_t nparams, double until)
{
    rena_sts_owed *o = rena_sts_owed_find(t, id, nparams);
    if (!o) {
        o = t->n < RENA_STS_MAX_OWED ? &t->e[t->n++] : closest_to_expiring(t);
        o->id = id;
        o->nparams = (uint8_t)nparams;
        o->count = 0;
    }
    o->count++;
    o->until = until;
}

int rena_sts_owed_pay(rena_sts_owed_table *t, uint8_t id, size_t nparams)
{
    rena_sts_owed *o = rena_sts_owed_find(t, id, nparams);
    if (!o)
        return 0;
    if (--o->count <= 0)
        *o = t->e[--t->n];
    return 1;
}

static int shift_fits(uint8_t addr, uint8_t count, int shift)
{
    if (count + shift > RENA_STS_MAX_PARAMS)
        return 0;
    return addr >= shift || addr + count + shift <= RENA_STS_TABLE_SIZE;
}

uint8_t rena_sts_shifted_addr(uint8_t addr, int shift)
{
    return addr >= shift ? (uint8_t)(addr - shift) : addr;
}

size_t rena_sts_shifted_skip(uint8_t addr, int shift)
{
    return addr >= shift ? (size_t)shift : 0;
}

int rena_sts_owed_pick_shift(rena_sts_owed_table *t, const uint8_t *ids, size_t n, uint8_t addr,
                             uint8_t count, size_t *owing)
{
    int best = 0;
    *owing = n + 1;
    for (int v = 0; v <= RENA_STS_MAX_SHIFT && *owing > 0; v++) {
        if (!shift_fits(addr, count, v))
            continue;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += rena_sts_owed_find(t, ids[i], (size_t)count + (size_t)v) != NULL;
        if (k < *owing) {
            *owing = k;
            best = v;
        }
    }
    return best;
}
