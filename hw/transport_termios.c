/* transport_termios.c: a serial port or pseudo-terminal through plain POSIX
 * open() + termios, raw 8N1. On a pty the line speed is only recorded (the
 * kernel ignores it); on a real tty a rate without a standard B-constant is
 * refused so that a wrong speed is never set silently. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "transport.h"

typedef struct {
    int fd;
    char path[512];
} termios_port;

static speed_t speed_constant(long baud)
{
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 500000: return B500000;
    case 921600: return B921600;
    case 1000000: return B1000000;
    default: return 0;
    }
}

static rena_status termios_write(void *impl, const uint8_t *data, size_t n, rena_error *err)
{
    termios_port *p = impl;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(p->fd, data + done, n - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            struct pollfd pfd = {p->fd, POLLOUT, 0};
            if (poll(&pfd, 1, 1000) > 0)
                continue;
            return rena_error_set(err, RENA_ERR_TIMEOUT, p->path, "write stalled for 1 s");
        }
        return rena_error_set(err, RENA_ERR_IO, p->path, "write failed: %s",
                              w < 0 ? strerror(errno) : "nothing written");
    }
    return RENA_OK;
}

static rena_status termios_read(void *impl, uint8_t *buf, size_t cap, size_t *got, int timeout_ms,
                                rena_error *err)
{
    termios_port *p = impl;
    struct pollfd pfd = {p->fd, POLLIN, 0};
    for (;;) {
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue; /* a Ctrl-C flag is checked by the caller between transactions */
        if (r < 0)
            return rena_error_set(err, RENA_ERR_IO, p->path, "poll failed: %s", strerror(errno));
        if (r == 0)
            return RENA_OK;
        break;
    }
    if (pfd.revents & (POLLERR | POLLNVAL))
        return rena_error_set(err, RENA_ERR_IO, p->path, "port error (device gone?)");
    ssize_t n = read(p->fd, buf, cap);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return RENA_OK;
    if (n < 0)
        return rena_error_set(err, RENA_ERR_IO, p->path, "read failed: %s", strerror(errno));
    if (n == 0 && (pfd.revents & POLLHUP))
        return rena_error_set(err, RENA_ERR_IO, p->path, "port hung up (device gone?)");
    *got = (size_t)n;
    return RENA_OK;
}

static long termios_discard(void *impl)
{
    termios_port *p = impl;
    int waiting = 0;
    if (ioctl(p->fd, FIONREAD, &waiting) != 0 || waiting < 0)
        waiting = 0;
    tcflush(p->fd, TCIFLUSH);
    return waiting;
}

static void termios_close(void *impl)
{
    termios_port *p = impl;
    if (p->fd >= 0)
        close(p->fd);
    free(p);
}

static const rena_transport_ops termios_ops = {termios_write, termios_read, termios_discard,
                                               termios_close};

static rena_status configure_raw(termios_port *p, long baud, rena_error *err)
{
    struct termios tio;
    if (tcgetattr(p->fd, &tio) != 0)
        return rena_error_set(err, RENA_ERR_IO, p->path, "not a terminal device: %s",
                              strerror(errno));
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    speed_t sp = speed_constant(baud);
    int is_pty = rena_transport_pick(p->path) == RENA_TRANSPORT_TERMIOS;
    if (sp) {
        cfsetispeed(&tio, sp);
        cfsetospeed(&tio, sp);
    } else if (!is_pty) {
        return rena_error_set(err, RENA_ERR_ARG, p->path,
                              "baud %ld has no termios constant; use the serialport transport",
                              baud);
    }
    if (tcsetattr(p->fd, TCSANOW, &tio) != 0)
        return rena_error_set(err, RENA_ERR_IO, p->path, "cannot configure the port: %s",
                              strerror(errno));
    tcflush(p->fd, TCIOFLUSH);
    return RENA_OK;
}

rena_status rena_transport_open_termios(rena_transport *t, rena_error *err)
{
    termios_port *p = calloc(1, sizeof *p);
    if (!p)
        return rena_error_set(err, RENA_ERR_NOMEM, t->path, "out of memory");
    memcpy(p->path, t->path, sizeof p->path);
    p->fd = open(t->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    rena_status st = RENA_OK;
    if (p->fd < 0)
        st = rena_error_set(err, errno == ENOENT ? RENA_ERR_NOT_FOUND : RENA_ERR_IO, t->path,
                            "cannot open the port: %s", strerror(errno));
    if (st == RENA_OK)
        st = rena_transport_lock_fd(p->fd, t->path, err);
    if (st == RENA_OK)
        st = configure_raw(p, t->baud, err);
    if (st != RENA_OK) {
        termios_close(p);
        return st;
    }
    t->ops = &termios_ops;
    t->impl = p;
    return RENA_OK;
}
