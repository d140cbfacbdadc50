/* transport_serialport.c: a real USB-serial adapter through libserialport.
 * Reads poll the port's file descriptor and then read without blocking, as
 * libserialport's documentation advises for programs with signal handlers,
 * so Ctrl-C is never stuck behind a blocking read. */
#include <errno.h>
#include <libserialport.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "transport.h"

typedef struct {
    struct sp_port *port;
    int fd;
    int open;
    int exclusive; /* we set TIOCEXCL and must clear it */
    char path[512];
} serial_port;

static rena_status sp_failure(const char *path, const char *what, enum sp_return r,
                              rena_error *err)
{
    if (r == SP_ERR_FAIL) {
        char *msg = sp_last_error_message();
        rena_status st = rena_error_set(err, RENA_ERR_IO, path, "%s: %s", what, msg ? msg : "?");
        sp_free_error_message(msg);
        return st;
    }
    return rena_error_set(err, r == SP_ERR_MEM ? RENA_ERR_NOMEM : RENA_ERR_IO, path,
                          "%s: libserialport error %d", what, (int)r);
}

static rena_status serial_write(void *impl, const uint8_t *data, size_t n, rena_error *err)
{
    serial_port *p = impl;
    enum sp_return r = sp_blocking_write(p->port, data, n, 1000);
    if (r < 0)
        return sp_failure(p->path, "write failed", r, err);
    if ((size_t)r < n)
        return rena_error_set(err, RENA_ERR_TIMEOUT, p->path, "write stalled for 1 s");
    return RENA_OK;
}

static rena_status serial_read(void *impl, uint8_t *buf, size_t cap, size_t *got, int timeout_ms,
                               rena_error *err)
{
    serial_port *p = impl;
    struct pollfd pfd = {p->fd, POLLIN, 0};
    int r;
    do
        r = poll(&pfd, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return rena_error_set(err, RENA_ERR_IO, p->path, "poll failed: %s", strerror(errno));
    if (r == 0)
        return RENA_OK;
    if (pfd.revents & (POLLERR | POLLNVAL | POLLHUP))
        return rena_error_set(err, RENA_ERR_IO, p->path, "port error (adapter unplugged?)");
    enum sp_return n = sp_nonblocking_read(p->port, buf, cap);
    if (n < 0)
        return sp_failure(p->path, "read failed", n, err);
    *got = (size_t)n;
    return RENA_OK;
}

static long serial_discard(void *impl)
{
    serial_port *p = impl;
    enum sp_return waiting = sp_input_waiting(p->port);
    sp_flush(p->port, SP_BUF_INPUT);
    return waiting > 0 ? (long)waiting : 0;
}

static void serial_close(void *impl)
{
    serial_port *p = impl;
    if (p->exclusive)
        ioctl(p->fd, TIOCNXCL);
    if (p->open)
        sp_close(p->port);
    if (p->port)
        sp_free_port(p->port);
    free(p);
}

static const rena_transport_ops serial_ops = {serial_write, serial_read, serial_discard,
                                              serial_close};

static rena_status configure(serial_port *p, long baud, rena_error *err)
{
    enum sp_return r;
    if ((r = sp_set_baudrate(p->port, (int)baud)) != SP_OK)
        return sp_failure(p->path, "cannot set the baud rate", r, err);
    if ((r = sp_set_bits(p->port, 8)) != SP_OK ||
        (r = sp_set_parity(p->port, SP_PARITY_NONE)) != SP_OK ||
        (r = sp_set_stopbits(p->port, 1)) != SP_OK ||
        (r = sp_set_flowcontrol(p->port, SP_FLOWCONTROL_NONE)) != SP_OK)
        return sp_failure(p->path, "cannot set 8N1 without flow control", r, err);
    return RENA_OK;
}

rena_status rena_transport_open_serialport(rena_transport *t, rena_error *err)
{
    serial_port *p = calloc(1, sizeof *p);
    if (!p)
        return rena_error_set(err, RENA_ERR_NOMEM, t->path, "out of memory");
    memcpy(p->path, t->path, sizeof p->path);
    p->fd = -1;
    enum sp_return r = sp_get_port_by_name(t->path, &p->port);
    rena_status st = RENA_OK;
    if (r != SP_OK)
        st = sp_failure(t->path, "not a serial port libserialport knows (try --transport termios)",
                        r, err);
    if (st == RENA_OK && (r = sp_open(p->port, SP_MODE_READ_WRITE)) != SP_OK)
        st = sp_failure(t->path, "cannot open the port", r, err);
    p->open = st == RENA_OK;
    if (st == RENA_OK && (r = sp_get_port_handle(p->port, &p->fd)) != SP_OK)
        st = sp_failure(t->path, "no file descriptor for the port", r, err);
    if (st == RENA_OK)
        st = rena_transport_lock_fd(p->fd, t->path, err);
    if (st == RENA_OK) /* keep programs that do not flock (terminals, other tools) out too */
        p->exclusive = ioctl(p->fd, TIOCEXCL) == 0;
    if (st == RENA_OK)
        st = configure(p, t->baud, err);
    if (st != RENA_OK) {
        serial_close(p);
        return st;
    }
    sp_flush(p->port, SP_BUF_BOTH);
    t->ops = &serial_ops;
    t->impl = p;
    return RENA_OK;
}
