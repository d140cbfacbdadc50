/* sts_owed.h: replies a servo still owes the bus.
 *
 * STS packets carry no sequence number, so a reply that arrives after its
 * timeout looks exactly like the answer to the next request of the same
 * servo and length. The bus driver therefore remembers each read a servo
 * left unanswered (servo, reply length, until when a reply may still come)
 * and, while that length is owed, asks for a longer reply instead: the same
 * registers plus 1..RENA_STS_MAX_SHIFT neighbours (reads have no side
 * effects). Only a fresh reply can then match; a late one that does come
 * pays its debt. The table is plain data; time is passed in, so the rules
 * can be tested without a clock. */
#ifndef RENA_STS_OWED_H
#define RENA_STS_OWED_H

#include <stddef.h>
#include <stdint.h>

#define RENA_STS_MAX_OWED 64
#define RENA_STS_MAX_SHIFT 8 /* a read may be lengthened by up to this many bytes */

/* A read a servo left unanswered: its reply may still come until `until`. */
typedef struct {
    uint8_t id, nparams;
    int count;          /* unanswered requests of this length */
    double until;       /* monotonic seconds */
} rena_sts_owed;

typedef struct {
    rena_sts_owed e[RENA_STS_MAX_OWED];
    int n;              /* entries in use */
} rena_sts_owed_table;

/* Forgets the debts whose time ran out by `now`. */
void rena_sts_owed_expire(rena_sts_owed_table *t, double now);
/* The debt of servo `id` for replies of `nparams` bytes, or NULL. */
rena_sts_owed *rena_sts_owed_find(rena_sts_owed_table *t, uint8_t id, size_t nparams);
/* One more unanswered read; a full table forgets the debt closest to expiring. */
void rena_sts_owed_add(rena_sts_owed_table *t, uint8_t id, size_t nparams, double until);
/* A reply nobody asked for now: 1 if it paid a debt (a late reply), else 0. */
int rena_sts_owed_pay(rena_sts_owed_table *t, uint8_t id, size_t nparams);

/* The lengthening (0..RENA_STS_MAX_SHIFT bytes) of a read of `count` bytes
 * at `addr` that leaves the fewest of the servos `ids` owing a reply of the
 * resulting length (the smallest such); *owing gets that number. */
int rena_sts_owed_pick_shift(rena_sts_owed_table *t, const uint8_t *ids, size_t n, uint8_t addr,
                             uint8_t count, size_t *owing);
/* Where a read lengthened by `shift` starts (earlier registers when there
 * are enough, else later ones) and how many leading bytes of its reply to skip. */
uint8_t rena_sts_shifted_addr(uint8_t addr, int shift);
size_t rena_sts_shifted_skip(uint8_t addr, int shift);

#endif
