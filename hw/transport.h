/* transport.h: a byte pipe to the servo bus, with a timeout on every read.
 *
 * Two backends: libserialport for real USB-serial adapters, and plain POSIX
 * termios for pseudo-terminals (the emulator), because libserialport 0.1.1
 * looks a port up in sysfs and fails on the modem-control ioctls a pty does
 * not have. RENA_TRANSPORT_AUTO picks termios for /dev/pts/... and for any
 * device without a /sys/class/tty/<name>/device entry, libserialport
 * otherwise. Both take an advisory exclusive lock (flock) so two rena
 * processes never share one bus: the second one gets "port is busy". */
#ifndef RENA_TRANSPORT_H
#define RENA_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum {
    RENA_TRANSPORT_AUTO = 0,
    RENA_TRANSPORT_SERIALPORT, /* libserialport */
    RENA_TRANSPORT_TERMIOS     /* open() + termios, raw 8N1 */
} rena_transport_kind;

typedef struct {
    rena_status (*write)(void *impl, const uint8_t *data, size_t n, rena_error *err);
    /* Waits up to timeout_ms for the first byte, then returns what is there
     * (at most cap bytes). *got = 0 after a timeout; that is not an error. */
    rena_status (*read)(void *impl, uint8_t *buf, size_t cap, size_t *got, int timeout_ms,
                        rena_error *err);
    /* Drops bytes received but not read; returns how many (0 when the
     * backend cannot tell). */
    long (*discard_input)(void *impl);
    void (*close)(void *impl);
} rena_transport_ops;

typedef struct {
    rena_transport_kind kind; /* the one actually in use, never AUTO */
    char path[512];           /* as given by the caller */
    long baud;
    const rena_transport_ops *ops;
    void *impl;
} rena_transport;

/* Which backend AUTO resolves to for a path. */
rena_transport_kind rena_transport_pick(const char *path);
/* "auto", "serialport", "termios" -> kind; -1 if unknown. */
int rena_transport_kind_parse(const char *name);
const char *rena_transport_kind_name(rena_transport_kind kind);

/* Opens path at baud (8N1, no flow control). RENA_ERR_NOT_FOUND when the
 * port does not exist, RENA_ERR_IO when it is busy or cannot be configured;
 * the message names the path. */
rena_status rena_transport_open(const char *path, long baud, rena_transport_kind kind,
                                rena_transport *out, rena_error *err);
rena_status rena_transport_write(rena_transport *t, const uint8_t *data, size_t n,
                                 rena_error *err);
rena_status rena_transport_read(rena_transport *t, uint8_t *buf, size_t cap, size_t *got,
                                int timeout_ms, rena_error *err);
/* Drops whatever was received but not read yet; returns how many bytes
 * that was (0 when the backend cannot tell). */
long rena_transport_discard_input(rena_transport *t);
/* NULL-safe; safe to call twice. */
void rena_transport_close(rena_transport *t);

/* Backend constructors (transport_serialport.c, transport_termios.c). */
rena_status rena_transport_open_serialport(rena_transport *t, rena_error *err);
rena_status rena_transport_open_termios(rena_transport *t, rena_error *err);

/* Shared by both backends: a non-blocking exclusive flock on fd. */
rena_status rena_transport_lock_fd(int fd, const char *path, rena_error *err);

#endif
