#include "transport.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

rena_transport_kind rena_transport_pick(const char *path)
{
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    if (strncmp(p, "/dev/pts/", 9) == 0 || strcmp(p, "/dev/ptmx") == 0)
        return RENA_TRANSPORT_TERMIOS;
    /* A tty that the kernel does not attach to a device in sysfs (a pty, a
     * pipe, a FIFO) is something libserialport 0.1.1 cannot open. */
    const char *base = strrchr(p, '/');
    base = base ? base + 1 : p;
    char sys[PATH_MAX + 32];
    struct stat st;
    snprintf(sys, sizeof sys, "/sys/class/tty/%s/device", base);
    if (stat(sys, &st) != 0)
        return RENA_TRANSPORT_TERMIOS;
    return RENA_TRANSPORT_SERIALPORT;
}

int rena_transport_kind_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcmp(name, "auto"))
        return RENA_TRANSPORT_AUTO;
    if (!strcmp(name, "serialport") || !strcmp(name, "libserialport"))
        return RENA_TRANSPORT_SERIALPORT;
    if (!strcmp(name, "termios"))
        return RENA_TRANSPORT_TERMIOS;
    return -1;
}

const char *rena_transport_kind_name(rena_transport_kind kind)
{
    switch (kind) {
    case RENA_TRANSPORT_SERIALPORT:
        return "serialport";
    case RENA_TRANSPORT_TERMIOS:
        return "termios";
    default:
        return "auto";
    }
}

rena_status rena_transport_lock_fd(int fd, const char *path, rena_error *err)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return RENA_OK;
    if (errno == EWOULDBLOCK)
        return rena_error_set(err, RENA_ERR_IO, path,
                              "port is busy: another program has it open (close it first)");
    return rena_error_set(err, RENA_ERR_IO, path, "cannot lock the port: %s", strerror(errno));
}

rena_status rena_transport_open(const char *path, long baud, rena_transport_kind kind,
                                rena_transport *out, rena_error *err)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return rena_error_set(err, RENA_ERR_ARG, "port", "no serial port given");
    if (baud <= 0)
        return rena_error_set(err, RENA_ERR_ARG, path, "baud rate %ld is not positive", baud);
    if (strlen(path) >= sizeof out->path)
        return rena_error_set(err, RENA_ERR_ARG, "port", "path is too long");
    if (stat(path, &st) != 0)
        return rena_error_set(err, errno == ENOENT ? RENA_ERR_NOT_FOUND : RENA_ERR_IO, path,
                              "no such serial port (%s)", strerror(errno));
    if (!S_ISCHR(st.st_mode))
        return rena_error_set(err, RENA_ERR_ARG, path,
                              "not a serial port (not a character device)");
    snprintf(out->path, sizeof out->path, "%s", path);
    out->baud = baud;
    out->kind = kind == RENA_TRANSPORT_AUTO ? rena_transport_pick(path) : kind;
    rena_status st_open = out->kind == RENA_TRANSPORT_SERIALPORT
                              ? rena_transport_open_serialport(out, err)
                              : rena_transport_open_termios(out, err);
    if (st_open != RENA_OK)
        memset(out, 0, sizeof *out);
    return st_open;
}

rena_status rena_transport_write(rena_transport *t, const uint8_t *data, size_t n,
                                 rena_error *err)
{
    if (!t || !t->ops)
        return rena_error_set(err, RENA_ERR_ARG, "transport", "port is not open");
    return t->ops->write(t->impl, data, n, err);
}

rena_status rena_transport_read(rena_transport *t, uint8_t *buf, size_t cap, size_t *got,
                                int timeout_ms, rena_error *err)
{
    *got = 0;
    if (!t || !t->ops)
        return rena_error_set(err, RENA_ERR_ARG, "transport", "port is not open");
    return t->ops->read(t->impl, buf, cap, got, timeout_ms < 0 ? 0 : timeout_ms, err);
}

long rena_transport_discard_input(rena_transport *t)
{
    return t && t->ops ? t->ops->discard_input(t->impl) : 0;
}

void rena_transport_close(rena_transport *t)
{
    if (t && t->ops)
        t->ops->close(t->impl);
    if (t)
        memset(t, 0, sizeof *t);
}
