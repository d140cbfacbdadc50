#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *rena_status_str(rena_status code)
{
    switch (code) {
    case RENA_OK: return "success";
    case RENA_ERR_ARG: return "invalid argument";
    case RENA_ERR_NOMEM: return "out of memory";
    case RENA_ERR_IO: return "input/output error";
    case RENA_ERR_FORMAT: return "malformed input";
    case RENA_ERR_RANGE: return "value out of range";
    case RENA_ERR_SHAPE: return "shape mismatch";
    case RENA_ERR_CHECKSUM: return "checksum mismatch";
    case RENA_ERR_VERSION: return "unsupported version or architecture";
    case RENA_ERR_BACKEND: return "backend failure";
    case RENA_ERR_TIMEOUT: return "timed out";
    case RENA_ERR_NOT_FOUND: return "not found";
    case RENA_ERR_INTERRUPTED: return "interrupted";
    case RENA_ERR_UNSUPPORTED: return "not supported by this backend";
    }
    return "unknown status";
}

void rena_error_clear(rena_error *err)
{
    if (!err)
        return;
    err->code = RENA_OK;
    err->where[0] = '\0';
    err->message[0] = '\0';
}

rena_status rena_error_set(rena_error *err, rena_status code, const char *where,
                           const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->where, sizeof err->where, "%s", where ? where : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *rena_error_format(const rena_error *err, char *buf, size_t size)
{
    if (!err || err->code == RENA_OK) {
        snprintf(buf, size, "no error");
        return buf;
    }
    if (err->where[0])
        snprintf(buf, size, "%s: %s (%s)", err->where, err->message, rena_status_str(err->code));
    else
        snprintf(buf, size, "%s (%s)", err->message, rena_status_str(err->code));
    return buf;
}
