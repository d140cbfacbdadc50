"""servos.py: the servo table (parsed from core/servo.c, so ticks and neutral
stay in one place) and the crank linkage each horn drives, fitted as the
quartic polynomial of a MuJoCo joint equality."""
import math
import os
import re

SERVO_PATTERN = re.compile(
    r'S\("(\w+)",\s*\w+,\s*\w+,\s*[-\w]+,\s*(\d+),\s*([0-9.]+)f,\s*(\d+),\s*(\d+)\)')


def read_servos(source_root):
    path = os.path.join(source_root, "core", "servo.c")
    with open(path) as f:
        text = f.read()
    servos = []
    for m in SERVO_PATTERN.finditer(text):
        servos.append(dict(name=m.group(1), neutral=float(m.group(3)),
                           tmin=int(m.group(4)), tmax=int(m.group(5))))
    if len(servos) != 25:
        raise ValueError("%s: expected 25 servos, found %d" % (path, len(servos)))
    return servos


def tick_angle(t):
    return (t - 2048) * 2.0 * math.pi / 4096.0


def horn_range(servo):
    """(angle at tick_min, angle at tick_max, angle at neutral)."""
    th0, th1 = tick_angle(servo["tmin"]), tick_angle(servo["tmax"])
    return th0, th1, th0 + servo["neutral"] * (th1 - th0)


def lstsq_poly(us, ys, deg=4):
    """Least squares y = sum_{k=1..deg} a_k u^k (no constant term)."""
    n = deg
    A = [[0.0] * n for _ in range(n)]
    b = [0.0] * n
    for u, y in zip(us, ys):
        row = [u ** (k + 1) for k in range(n)]
        for i in range(n):
            b[i] += row[i] * y
            for j in range(n):
                A[i][j] += row[i] * row[j]
    for i in range(n):  # Gaussian elimination with partial pivoting
        p = max(range(i, n), key=lambda r: abs(A[r][i]))
        A[i], A[p] = A[p], A[i]
        b[i], b[p] = b[p], b[i]
        for r in range(i + 1, n):
            f = A[r][i] / A[i][i]
            for c in range(i, n):
                A[r][c] -= f * A[i][c]
            b[r] -= f * b[i]
    a = [0.0] * n
    for i in reversed(range(n)):
        a[i] = (b[i] - sum(A[i][j] * a[j] for j in range(i + 1, n))) / A[i][i]
    return a


def linkage(servo, target1, skew_deg):
    """Quartic polycoef mapping horn deviation (rad from its neutral angle) to
    the driven joint's displacement, from a crank A*(sin(phi0+u)-sin phi0)
    where u grows with the command. Returns (polycoef, displacement at 0, at 1)."""
    th0, th1, thn = horn_range(servo)
    sigma = 1.0 if th1 > th0 else -1.0
    u0, u1 = sigma * (th0 - thn), sigma * (th1 - thn)
    phi0 = -(u0 + u1) / 2.0 + math.radians(skew_deg)
    uref = u1 if abs(u1) > 1e-9 else u0
    A = target1 / (math.sin(phi0 + uref) - math.sin(phi0))
    us = [u0 + (u1 - u0) * k / 200.0 for k in range(201)]
    ys = [A * (math.sin(phi0 + u) - math.sin(phi0)) for u in us]
    a = lstsq_poly(us, ys)
    coef = [0.0] + [a[k] * sigma ** (k + 1) for k in range(4)]

    def poly(d):
        return sum(coef[k] * d ** k for k in range(5))
    return coef, poly(th0 - thn), poly(th1 - thn)
