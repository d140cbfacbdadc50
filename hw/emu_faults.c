#include "emu_faults.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sts_protocol.h"

void rena_emu_faults_none(rena_emu_faults *f)
{
    memset(f, 0, sizeof *f);
    f->drop_id = f->corrupt_id = f->delay_id = -1;
    f->seed = 1;
}

static int parse_num(const char *s, const char *end, double lo, double hi, double *out)
{
    char tmp[64];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(tmp, &stop);
    if (*stop || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_id(const char *s, const char *end, int *id)
{
    double v;
    if (parse_num(s, end, 0, RENA_STS_MAX_ID, &v) != 0 || v != (double)(int)v)
        return -1;
    *id = (int)v;
    return 0;
}

/* "P[@ID]" or "MS[@ID]". */
static int parse_scoped(const char *v, const char *end, double hi, double *value, int *id)
{
    const char *at = memchr(v, '@', (size_t)(end - v));
    *id = -1;
    if (at && parse_id(at + 1, end, id) != 0)
        return -1;
    return parse_num(v, at ? at : end, 0, hi, value);
}

/* "ID[+ID...]" into a flag table. */
static int parse_id_list(const char *v, const char *end, uint8_t *flags)
{
    while (v < end) {
        const char *plus = memchr(v, '+', (size_t)(end - v));
        const char *stop = plus ? plus : end;
        int id;
        if (parse_id(v, stop, &id) != 0)
            return -1;
        flags[id] = 1;
        v = plus ? plus + 1 : end;
    }
    return 0;
}

static int parse_item(const char *item, const char *end, rena_emu_faults *f)
{
    const char *eq = memchr(item, '=', (size_t)(end - item));
    size_t klen = (size_t)((eq ? eq : end) - item);
    const char *v = eq ? eq + 1 : end;
#define KEY(name) (klen == strlen(name) && strncmp(item, name, klen) == 0)
    if (!eq)
        return KEY("nosyncread") ? (f->no_sync_read = 1, 0) : KEY("none") ? 0 : -1;
    if (KEY("drop"))
        return parse_scoped(v, end, 1.0, &f->drop, &f->drop_id);
    if (KEY("corrupt"))
        return parse_scoped(v, end, 1.0, &f->corrupt, &f->corrupt_id);
    if (KEY("delay"))
        return parse_scoped(v, end, 10000.0, &f->delay_ms, &f->delay_id);
    if (KEY("garbage"))
        return parse_num(v, end, 0.0, 1.0, &f->garbage);
    if (KEY("absent"))
        return parse_id_list(v, end, f->absent);
    if (KEY("stuck"))
        return parse_id_list(v, end, f->stuck);
    if (KEY("seed")) {
        double s;
        if (parse_num(v, end, 0, 9007199254740992.0, &s) != 0 || s != (double)(uint64_t)s)
            return -1;
        f->seed = (uint64_t)s;
        return 0;
    }
    if (KEY("error")) {
        const char *colon = memchr(v, ':', (size_t)(end - v));
        int id;
        double bits;
        if (!colon || parse_id(v, colon, &id) != 0 ||
            parse_num(colon + 1, end, 0, 255, &bits) != 0 || bits != (double)(int)bits)
            return -1;
        f->error_bits[id] = (uint8_t)bits;
        return 0;
    }
#undef KEY
    return -1;
}

rena_status rena_emu_faults_parse(const char *spec, rena_emu_faults *f, rena_error *err)
{
    rena_emu_faults tmp;
    rena_emu_faults_none(&tmp);
    const char *s = spec ? spec : "";
    while (*s) {
        const char *comma = strchr(s, ',');
        const char *end = comma ? comma : s + strlen(s);
        if (end > s && parse_item(s, end, &tmp) != 0)
            return rena_error_set(err, RENA_ERR_ARG, "--faults",
                                  "cannot read '%.*s' (expected drop=P[@ID], corrupt=P[@ID], "
                                  "garbage=P, delay=MS[@ID], absent=ID[+ID], stuck=ID[+ID], "
                                  "error=ID:BITS, nosyncread, seed=N)",
                                  (int)(end - s), s);
        s = comma ? comma + 1 : end;
    }
    *f = tmp;
    return RENA_OK;
}
