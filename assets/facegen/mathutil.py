"""mathutil.py: small vector and shaping helpers, and the number format of
the generated XML."""
import math


def add(a, b):
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def norm(a):
    n = math.sqrt(a[0] ** 2 + a[1] ** 2 + a[2] ** 2)
    return (a[0] / n, a[1] / n, a[2] / n)


def fmt(v, nd=5):
    """Numbers for an XML attribute: nd decimals, trailing zeros dropped."""
    return " ".join(("%.*f" % (nd, x)).rstrip("0").rstrip(".") if x != 0 else "0" for x in v)


def smoothstep(e0, e1, x):
    t = min(1.0, max(0.0, (x - e0) / (e1 - e0)))
    return t * t * (3 - 2 * t)


def gauss(x, z, cx, cz, sx, sz):
    return math.exp(-((x - cx) / sx) ** 2 - ((z - cz) / sz) ** 2)


def spow(v, e):
    return math.copysign(abs(v) ** e, v)
