#!/usr/bin/env python3
"""gen_face.py: writes the rena face model scenes/face.xml and its skin texture
assets/face_skin.png. Plain Python 3 (no numpy); the build never runs it, its
output is committed. Run from anywhere:  python3 assets/gen_face.py

The model (documented in docs/sim.md):
  * 25 servo horns (hinge joints named horn_<servo>) with one position-style
    actuator each, named exactly as the servo table in core/servo.c (parsed
    from that file, so ticks and neutral stay in one place);
  * each horn drives a face part through a crank linkage, modelled by a
    joint equality whose quartic polynomial is fitted to the crank curve
    A*(sin(phi0+u)-sin(phi0));
  * the jaw is driven by two horns through a fixed-tendon equality (pitch is
    their mean, roll their difference) and pulls the mouth corners down and
    in through a quadratic joint equality;
  * a textured <skin> (MuJoCo 2.2.2 linear-blend skin) over the face, bound to
    the head, jaw, lips, corners and brows; eyelids are rigid skin shells;
  * 68 iBUG landmarks as sites: landmark k is the weighted mean of sites
    lmKK, lmKK_1, ... whose weight is site user[0] -- the same linear blend
    the skin vertex at that point gets, so landmarks ride on the skin.
"""
import math
import os
import re
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# --------------------------------------------------------------------------
# servo table (parsed from core/servo.c)


def read_servos():
    text = open(os.path.join(ROOT, "core", "servo.c")).read()
    pat = re.compile(r'S\("(\w+)",\s*\w+,\s*\w+,\s*[-\w]+,\s*(\d+),\s*([0-9.]+)f,\s*(\d+),\s*(\d+)\)')
    servos = []
    for m in pat.finditer(text):
        servos.append(dict(name=m.group(1), neutral=float(m.group(3)),
                           tmin=int(m.group(4)), tmax=int(m.group(5))))
    assert len(servos) == 25, "expected 25 servos in core/servo.c, found %d" % len(servos)
    return servos


def tick_angle(t):
    return (t - 2048) * 2.0 * math.pi / 4096.0


# --------------------------------------------------------------------------
# small vector helpers


def add(a, b):
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a, s):
    return (a[0] * s, a[1] * s, a[2] * s)


def norm(a):
    n = math.sqrt(a[0] ** 2 + a[1] ** 2 + a[2] ** 2)
    return (a[0] / n, a[1] / n, a[2] / n)


def fmt(v, nd=5):
    return " ".join(("%.*f" % (nd, x)).rstrip("0").rstrip(".") if x != 0 else "0" for x in v)


def smoothstep(e0, e1, x):
    t = min(1.0, max(0.0, (x - e0) / (e1 - e0)))
    return t * t * (3 - 2 * t)


def gauss(x, z, cx, cz, sx, sz):
    return math.exp(-((x - cx) / sx) ** 2 - ((z - cz) / sz) ** 2)


# --------------------------------------------------------------------------
# face geometry (metres, world frame at the neutral pose: x = robot's left,
# y = backwards (the face looks toward -y), z = up)

HEAD_C = (0.0, 0.006, 0.006)      # centre of the head ellipsoid
HEAD_R = (0.074, 0.090, 0.112)    # its semi-axes
NECK = (0.0, 0.025, -0.105)       # head yaw axis passes through here
EYE_X, EYE_Z = 0.032, 0.030       # eye centres at (+-EYE_X, ., EYE_Z)
EYE_R = 0.0125                    # eyeball radius
LID_UP_R, LID_LO_R = 0.0137, 0.0132
MOUTH_Z = -0.046                  # mouth line
JAW_PIVOT = (0.0, 0.020, -0.004)  # jaw hinge (temporomandibular axis)
BROW_Z = 0.052


def spow(v, e):
    return math.copysign(abs(v) ** e, v)


def base_point(th, ph):
    """The head: an ellipsoid whose front is flattened (exponents < 1), as a
    face is flatter than an egg -- the chin and the lips stay in front."""
    return (HEAD_R[0] * math.cos(ph) * math.sin(th),
            HEAD_C[1] - HEAD_R[1] * spow(math.cos(ph), 0.55) * spow(math.cos(th), 0.75),
            HEAD_C[2] + HEAD_R[2] * math.sin(ph))


def relief(x, z):
    """Forward displacement (m) of the skin: nose, sockets, brows, lips, chin."""
    d = 0.0
    # nose: ridge growing toward the tip, alae beside it
    t = smoothstep(0.030, -0.012, z) if z > -0.012 else 1.0
    ridge_w = 0.0045 + 0.006 * t
    if -0.030 < z < 0.036:
        fall = smoothstep(-0.030, -0.016, z) if z < -0.016 else 1.0
        d += 0.024 * (0.25 + 0.75 * t) * fall * math.exp(-(x / ridge_w) ** 2)
    d += 0.007 * gauss(abs(x), z, 0.011, -0.018, 0.0055, 0.0055)
    # brow ridge (the eyes are carved in by eye_socket below)
    d += 0.0035 * gauss(abs(x), z, 0.030, BROW_Z, 0.024, 0.008)
    # cheeks
    d += 0.005 * gauss(abs(x), z, 0.040, -0.010, 0.018, 0.016)
    # lips and the philtrum, the chin
    d += 0.0055 * gauss(x, z, 0.0, MOUTH_Z + 0.0045, 0.020, 0.0042)
    d += 0.0060 * gauss(x, z, 0.0, MOUTH_Z - 0.0055, 0.018, 0.0050)
    d += 0.0025 * gauss(x, z, 0.0, -0.030, 0.006, 0.007)
    d += 0.0060 * gauss(x, z, 0.0, -0.088, 0.017, 0.011)
    return d


def face_surface(th, ph):
    p = base_point(th, ph)
    front = max(0.0, math.cos(th)) * max(0.0, math.cos(ph))
    return (p[0], p[1] - relief(p[0], p[2]) * front ** 0.5, p[2])


HUG_R = 0.0141        # skin over the eye: just outside the lid shells
EYE_PROUD = 0.003     # how far the covered eyeball bulges in front of the face
APERTURE = (0.0128, 0.0088, 0.0098)   # almond opening: half width, up, down


def eye_socket(p, c):
    """Moves a face point near eye centre c: the skin wraps the eyeball just
    outside the lids, and inside the almond aperture drops behind the eye so
    that the eyeball and the lid margins show through."""
    dx, dz = p[0] - c[0], p[2] - c[2]
    d = math.hypot(dx, dz)
    if d > 0.021:
        return p
    dd = min(d, 0.0125)
    y_hug = c[1] - math.sqrt(HUG_R ** 2 - dd ** 2)
    w = 1.0 - smoothstep(0.0115, 0.018, d)
    y = p[1] * (1 - w) + y_hug * w
    az = APERTURE[1] if dz > 0 else APERTURE[2]
    q = math.hypot(dx / APERTURE[0], dz / az)
    a = 1.0 - smoothstep(0.86, 1.0, q)
    y = y * (1 - a) + (c[1] + 0.002) * a
    return (p[0], y, p[2])


_EYE_C = {}


def eye_centre(side):
    if side in _EYE_C:
        return _EYE_C[side]
    _EYE_C[side] = _eye_centre(side)
    return _EYE_C[side]


def _eye_centre(side):
    x = lr(side) * EYE_X
    sy = face_surface(*param_of(x, EYE_Z))[1]
    return (x, sy + HUG_R - EYE_PROUD, EYE_Z)


def skin_surface(th, ph):
    p = face_surface(th, ph)
    for side in ("l", "r"):
        p = eye_socket(p, eye_centre(side))
    return p


def param_of(x, z):
    """(theta, phi) of the base ellipsoid point with these x and z."""
    ph = math.asin(max(-1.0, min(1.0, (z - HEAD_C[2]) / HEAD_R[2])))
    r = HEAD_R[0] * math.cos(ph)
    th = math.asin(max(-1.0, min(1.0, x / r)))
    return th, ph


# --------------------------------------------------------------------------
# grid of the face skin

def graded(lo, hi, coarse, fine, fine_lo, fine_hi):
    """Grid values from lo to hi (radians), `fine` apart inside [fine_lo,
    fine_hi] and `coarse` apart elsewhere, symmetric steps so that 0 is a
    grid value when the range is symmetric."""
    vals, v = [lo], lo
    while v < hi - 1e-9:
        step = fine if fine_lo - 1e-9 <= v < fine_hi - 1e-9 else coarse
        v = min(hi, v + step)
        vals.append(v)
    return vals


# finer around the eyes (sockets and lids curve sharply), coarser elsewhere
R = math.radians
TH_LIST = graded(-R(108), R(108), R(1.8), R(0.9), -R(45), R(45))
PH_LIST = graded(-R(76), R(84), R(1.0), R(0.5), R(1), R(26))
TH_MIN, TH_MAX, PH_MIN, PH_MAX = TH_LIST[0], TH_LIST[-1], PH_LIST[0], PH_LIST[-1]
NTH, NPH = len(TH_LIST), len(PH_LIST)


def th_of(i):
    return TH_LIST[i]


def ph_of(j):
    return PH_LIST[j]


# the mouth slit runs along grid row MOUTH_ROW between columns CORNER_I0..I1
def _nearest(values, v):
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


MOUTH_ROW = _nearest(PH_LIST, math.asin((MOUTH_Z - HEAD_C[2]) / HEAD_R[2]))
_mph = ph_of(MOUTH_ROW)
CORNER_I1 = _nearest(TH_LIST, math.asin(0.0245 / (HEAD_R[0] * math.cos(_mph))))
CORNER_I0 = NTH - 1 - CORNER_I1
MOUTH_ZR = base_point(0, _mph)[2]                  # exact z of the slit row
CORNER_X = base_point(th_of(CORNER_I1), _mph)[0]  # exact |x| of the corners
assert abs(th_of(NTH // 2)) < 1e-9


# --------------------------------------------------------------------------
# bodies: name -> (parent, global position at neutral)

BODIES = {}


def body(name, parent, pos):
    BODIES[name] = (parent, pos)


def lr(side):
    return 1.0 if side == "l" else -1.0


def corner_pos(side):
    th = th_of(CORNER_I1 if side == "l" else CORNER_I0)
    return skin_surface(th, ph_of(MOUTH_ROW))


def brow_point(side, frac):
    """Point on the brow arch: frac 0 = inner end, 1 = outer end."""
    x = lr(side) * (0.011 + 0.043 * frac)
    z = BROW_Z - 0.004 + 0.010 * math.sin(math.pi * (0.25 + 0.75 * frac)) - 0.006 * frac
    return skin_surface(*param_of(x, z))


# --------------------------------------------------------------------------
# skin weights: raw influence of each deforming bone at a skin point


def raw_weights(x, z, upper_side_of_slit=None):
    w = {}
    ax = abs(x)
    side = "l" if x >= 0 else "r"
    in_mouth = ax < CORNER_X
    # lips: bands above/below the mouth line inside the mouth width
    lip_x = 1.0 - smoothstep(CORNER_X - 0.012, CORNER_X + 0.004, ax)
    if upper_side_of_slit is None:
        upper = z >= MOUTH_ZR
    else:
        upper = upper_side_of_slit
    dz = z - MOUTH_ZR
    fl = smoothstep(-0.018, 0.018, x)
    if upper:
        band = 1.0 - smoothstep(0.006, 0.020, dz)
        if band * lip_x > 0:
            w["ulip_l"] = band * lip_x * fl
            w["ulip_r"] = band * lip_x * (1 - fl)
    else:
        band = 1.0 - smoothstep(0.007, 0.018, -dz)
        if band * lip_x > 0:
            w["llip_l"] = band * lip_x * fl
            w["llip_r"] = band * lip_x * (1 - fl)
    # jaw: the lower face below the mouth, fading into the cheeks
    if not upper or z < MOUTH_ZR:
        jz = smoothstep(MOUTH_ZR + 0.004, MOUTH_ZR - 0.010, z)
        jx = 1.0 - smoothstep(0.030, 0.072, ax)
        # below the chin and along the jaw line the skin follows the jaw fully
        if jz * jx > 0:
            w["jaw"] = jz * jx * (1.0 - w.get("llip_l", 0) - w.get("llip_r", 0))
    # mouth corners: radial influence
    for s in ("l", "r"):
        c = corner_pos(s)
        d2 = ((x - c[0]) / 0.011) ** 2 + ((z - c[2]) / 0.010) ** 2
        g = math.exp(-d2)
        if g > 0.01:
            w["corner_" + s] = 1.6 * g
    # brows: inner and outer ends blended along the arch
    if ax < 0.066:
        frac = min(1.0, max(0.0, (ax - 0.011) / 0.043))
        bz = BROW_Z - 0.004 + 0.010 * math.sin(math.pi * (0.25 + 0.75 * frac)) - 0.006 * frac
        dzb = z - bz
        vert = math.exp(-(dzb / 0.014) ** 2) if dzb > 0 else math.exp(-(dzb / 0.0065) ** 2)
        edge = smoothstep(0.0, 0.014, ax) * (1.0 - smoothstep(0.056, 0.066, ax))
        g = vert * edge
        if g > 0.01:
            w["brow_in_" + side] = g * (1.0 - smoothstep(0.1, 0.9, frac))
            w["brow_out_" + side] = g * smoothstep(0.1, 0.9, frac)
    return w


def weights_at(x, z, upper_side_of_slit=None):
    w = {k: v for k, v in raw_weights(x, z, upper_side_of_slit).items() if v > 1e-4}
    s = sum(w.values())
    if s > 1.0:
        w = {k: v / s for k, v in w.items()}
        s = 1.0
    if s < 1.0:
        w["head"] = 1.0 - s
    return w


# --------------------------------------------------------------------------
# the servo linkages: servo -> (driven joint, body, type, axis, joint pos
# offset, displacement at command 1, crank phase skew in degrees)


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
    th0, th1 = tick_angle(servo["tmin"]), tick_angle(servo["tmax"])
    thn = th0 + servo["neutral"] * (th1 - th0)
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


# --------------------------------------------------------------------------
# PNG writer (for the skin texture)


def write_png(path, w, h, rgb_rows):
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


SKIN_RGB = (0.89, 0.72, 0.62)
LIP_RGB = (0.74, 0.38, 0.38)
BROW_RGB = (0.24, 0.16, 0.11)


def texture_colour(th, ph):
    x, _, z = base_point(th, ph)
    ax = abs(x)
    col = list(SKIN_RGB)

    def mix(c, t):
        for k in range(3):
            col[k] = col[k] * (1 - t) + c[k] * t
    # cheeks: a little warmer
    mix((0.90, 0.62, 0.56), 0.35 * gauss(ax, z, 0.042, -0.012, 0.016, 0.013))
    # eye sockets: slightly shaded
    # lips: lens-shaped vermilion, thicker at the centre
    if ax < CORNER_X + 0.001:
        t = max(0.0, 1.0 - (ax / (CORNER_X + 0.001)) ** 2)
        up = 0.0062 * t ** 0.5 + 0.0006
        dn = 0.0072 * t ** 0.5 + 0.0006
        # cupid's bow
        up -= 0.0012 * math.exp(-(x / 0.0035) ** 2)
        dz = z - MOUTH_ZR
        inside = -dn < dz < up
        if inside:
            edge = min(up - dz, dz + dn) / 0.0012
            mix(LIP_RGB, min(1.0, edge))
    # brows: a tapered dark arch
    if 0.008 < ax < 0.058:
        frac = (ax - 0.011) / 0.043
        bz = BROW_Z - 0.004 + 0.010 * math.sin(math.pi * (0.25 + 0.75 * max(0, frac))) - 0.006 * frac
        half = 0.0034 * (1.0 - 0.55 * max(0.0, frac)) + 0.0008
        if abs(z - bz) < half:
            e = min(1.0, (half - abs(z - bz)) / 0.0009)
            e *= smoothstep(0.008, 0.012, ax) * (1 - smoothstep(0.052, 0.058, ax))
            mix(BROW_RGB, 0.95 * e)
    # nostrils
    for s in (-1, 1):
        if gauss(x, z, s * 0.0085, -0.0215, 0.0032, 0.0017) > 0.5:
            mix((0.35, 0.2, 0.18), 0.85)
    return col


def make_texture(path, n=512):
    rows = []
    for j in range(n):
        ph = PH_MIN + (PH_MAX - PH_MIN) * (j + 0.5) / n   # MuJoCo maps PNG row 0 to v = 0
        row = []
        for i in range(n):
            th = TH_MIN + (TH_MAX - TH_MIN) * (i + 0.5) / n
            c = texture_colour(th, ph)
            row += [int(max(0, min(255, round(255 * v)))) for v in c]
        rows.append(row)
    write_png(path, n, n, rows)


# --------------------------------------------------------------------------
# build the MJCF


class Xml:
    def __init__(self):
        self.lines = []
        self.ind = 0

    def open(self, tag, **attrs):
        self.lines.append("  " * self.ind + "<%s%s>" % (tag, self.attrs(attrs)))
        self.ind += 1

    def close(self, tag):
        self.ind -= 1
        self.lines.append("  " * self.ind + "</%s>" % tag)

    def leaf(self, tag, **attrs):
        self.lines.append("  " * self.ind + "<%s%s/>" % (tag, self.attrs(attrs)))

    def raw(self, s):
        self.lines.append("  " * self.ind + s)

    @staticmethod
    def attrs(a):
        out = ""
        for k, v in a.items():
            k = k.rstrip("_")
            out += ' %s="%s"' % (k, v)
        return out


def main():
    servos = read_servos()
    S = {s["name"]: s for s in servos}

    # ---- bodies
    body("head", "world", NECK)
    for side in ("l", "r"):
        c = eye_centre(side)
        body("eye_" + side, "head", c)
        body("lid_up_" + side, "head", c)
        body("lid_lo_" + side, "head", c)
        body("brow_in_" + side, "head", brow_point(side, 0.0))
        body("brow_out_" + side, "head", brow_point(side, 1.0))
        body("ulip_" + side, "head", skin_surface(*param_of(lr(side) * 0.011, MOUTH_ZR + 0.004)))
        body("corner_" + side, "head", corner_pos(side))
        body("jaw_drive_" + side, "head", (lr(side) * 0.045, 0.02, -0.004))
    body("jaw", "head", JAW_PIVOT)
    for side in ("l", "r"):
        body("llip_" + side, "jaw", skin_surface(*param_of(lr(side) * 0.011, MOUTH_ZR - 0.004)))

    # ---- linkages: servo -> driven joint
    # (joint, body, type, axis, joint pos (global), target displacement at cmd 1, skew deg)
    L = {}

    def link(servo, joint, bname, jtype, axis, target1, skew, jpos=None):
        L[servo] = dict(joint=joint, body=bname, type=jtype, axis=axis, target1=target1,
                        skew=skew, jpos=jpos)
    for side in ("l", "r"):
        s = lr(side)
        link("eye_h_" + side, "eye_yaw_" + side, "eye_" + side, "hinge", (0, 0, 1), 0.42, 8)
        link("eye_v_" + side, "eye_pitch_" + side, "eye_" + side, "hinge", (-1, 0, 0), 0.30, -6)
        link("blink_" + side, "lid_blink_" + side, "lid_up_" + side, "hinge", (1, 0, 0), 1.2, 12)
        link("eyeopen_" + side, "lid_lo_" + side, "lid_lo_" + side, "hinge", (1, 0, 0), 0.20, -10)
        bi = brow_point(side, 0.0)
        link("brow_in_" + side, "brow_in_" + side, "brow_in_" + side, "hinge", (0, s, 0), 0.26, 10,
             jpos=(bi[0] + s * 0.030, bi[1], bi[2] - 0.008))
        bo = brow_point(side, 1.0)
        link("brow_out_" + side, "brow_out_" + side, "brow_out_" + side, "hinge", (0, -s, 0), 0.22, -8,
             jpos=(bo[0] - s * 0.026, bo[1], bo[2] - 0.004))
        link("upper_lip_" + side, "ulip_" + side, "ulip_" + side, "slide", (0, -0.25, 1), 0.0065, 15)
        link("lower_lip_" + side, "llip_" + side, "llip_" + side, "slide", (0, -0.2, -1), 0.0070, 15)
        link("corner_up_" + side, "corner_up_" + side, "corner_" + side, "slide",
             norm((s * 0.38, 0.35, 0.86)), 0.0100, 12)
        link("corner_dn_" + side, "corner_dn_" + side, "corner_" + side, "slide",
             norm((s * 0.25, 0.1, -1.0)), 0.0080, -10)
        link("corner_out_" + side, "corner_out_" + side, "corner_" + side, "slide",
             norm((s * 1.0, 0.25, 0.0)), 0.0065, 10)
        link("jaw_" + side, "jaw_drive_" + side, "jaw_drive_" + side, "hinge", (1, 0, 0), 0.25, 15)
    link("head_yaw", "head_yaw", "head", "hinge", (0, 0, 1), 0.55, 0)

    # joints per body in the order they are applied
    body_joints = {}
    for sname in [s["name"] for s in servos]:
        d = L[sname]
        body_joints.setdefault(d["body"], []).append(d)

    x = Xml()
    x.raw("<!-- Generated by assets/gen_face.py: edit that script, not this file. -->")
    x.open("mujoco", model="rena_face")
    x.leaf("compiler", angle="radian", texturedir="../assets/", autolimits="true")
    x.open("option", timestep="0.002", iterations="30", tolerance="1e-10", integrator="Euler")
    x.leaf("flag", contact="disable", gravity="disable")
    x.close("option")
    x.leaf("size", nuser_site="1")
    x.open("visual")
    x.leaf("global", offwidth="640", offheight="480", fovy="28")
    x.leaf("quality", shadowsize="0", offsamples="0")
    x.leaf("headlight", ambient="0.35 0.35 0.35", diffuse="0.45 0.45 0.45", specular="0.05 0.05 0.05")
    x.leaf("map", znear="0.05", zfar="5")
    x.close("visual")
    x.open("default")
    x.leaf("geom", contype="0", conaffinity="0", group="1")
    x.leaf("site", group="5", size="0.001")
    x.leaf("joint", damping="0.002", armature="2e-5")
    x.leaf("equality", solref="0.004 1", solimp="0.99 0.999 0.001")
    x.close("default")

    # ---- assets
    x.open("asset")
    x.leaf("texture", name="sky", type="skybox", builtin="gradient", rgb1="0.80 0.82 0.86",
           rgb2="0.55 0.58 0.63", width="64", height="64")
    x.leaf("texture", name="face", type="2d", file="face_skin.png")
    x.leaf("material", name="skin", texture="face", specular="0.15", shininess="0.2")
    x.leaf("material", name="skin_plain", rgba=fmt(SKIN_RGB + (1,), 3), specular="0.15",
           shininess="0.2")
    x.leaf("material", name="eye_white", rgba="0.96 0.95 0.92 1", specular="0.6", shininess="0.8")
    x.leaf("material", name="iris", rgba="0.30 0.45 0.62 1", specular="0.6", shininess="0.8")
    x.leaf("material", name="pupil", rgba="0.03 0.03 0.03 1", specular="0.8", shininess="0.9")
    x.leaf("material", name="hair", rgba="0.22 0.15 0.10 1", specular="0.1", shininess="0.1")
    x.leaf("material", name="mouth", rgba="0.35 0.10 0.12 1")
    x.leaf("material", name="teeth", rgba="0.95 0.94 0.88 1", specular="0.4")
    x.leaf("material", name="lash", rgba="0.12 0.08 0.06 1")
    x.leaf("material", name="steel", rgba="0.6 0.6 0.65 1")
    emit_face_skin(x)
    for side in ("l", "r"):
        emit_lid_skins(x, side)
    x.close("asset")

    # ---- world
    x.open("worldbody")
    x.leaf("light", name="key", pos="0.25 -0.6 0.45", dir="-0.35 0.8 -0.5", diffuse="0.55 0.55 0.55",
           specular="0.1 0.1 0.1", castshadow="false", directional="true")
    x.leaf("camera", name="front", pos="0 -0.62 0.0", xyaxes="1 0 0 0 0 1", fovy="28")
    x.leaf("geom", name="neck", type="capsule", fromto=fmt((0, 0.030, -0.26) + (0, 0.030, -0.08)),
           size="0.036", material="skin_plain")
    x.leaf("geom", name="shoulders", type="ellipsoid", pos="0 0.04 -0.27", size="0.16 0.07 0.045",
           rgba="0.25 0.32 0.45 1")
    emit_horns(x, servos, "world", S)
    emit_body_tree(x, "head", body_joints, servos, S, L)
    x.close("worldbody")

    # ---- actuators
    x.open("actuator")
    tau_max, k_joint = 0.44, 4.4   # STS3032-class: ~4.5 kg.cm stall, ~0.1 rad to saturate
    for s in servos:
        th0, th1 = tick_angle(s["tmin"]), tick_angle(s["tmax"])
        g = 1.0 / (th1 - th0)
        kp = k_joint / g ** 2
        fmax = tau_max / abs(g)
        x.leaf("general", name=s["name"], joint="horn_" + s["name"], gear="%.6g" % g,
               ctrllimited="true", ctrlrange="0 1", forcelimited="true",
               forcerange="%.6g %.6g" % (-fmax, fmax), gaintype="fixed", gainprm="%.6g" % kp,
               biastype="affine", biasprm="%.6g %.6g 0" % (kp * g * th0, -kp))
    x.close("actuator")

    # ---- tendons and equalities
    x.open("tendon")
    x.open("fixed", name="jaw_pitch_mean")
    x.leaf("joint", joint="jaw_pitch", coef="1")
    x.leaf("joint", joint="jaw_drive_l", coef="-0.5")
    x.leaf("joint", joint="jaw_drive_r", coef="-0.5")
    x.close("fixed")
    x.open("fixed", name="jaw_roll_diff")
    x.leaf("joint", joint="jaw_roll", coef="1")
    x.leaf("joint", joint="jaw_drive_l", coef="-0.35")
    x.leaf("joint", joint="jaw_drive_r", coef="0.35")
    x.close("fixed")
    x.close("tendon")

    x.open("equality")
    for s in servos:
        d = L[s["name"]]
        coef, _, _ = linkage(s, d["target1"], d["skew"])
        x.leaf("joint", name="link_" + s["name"], joint1=d["joint"], joint2="horn_" + s["name"],
               polycoef=" ".join("%.6g" % c for c in coef))
    x.leaf("tendon", name="jaw_pitch_link", tendon1="jaw_pitch_mean")
    x.leaf("tendon", name="jaw_roll_link", tendon1="jaw_roll_diff")
    for side in ("l", "r"):
        # opening the lower lid (wide) lifts the upper lid a little; squinting lowers it
        x.leaf("joint", name="lid_raise_" + side, joint1="lid_raise_" + side,
               joint2="lid_lo_" + side, polycoef="0 -0.8 0 0 0")
        # the jaw drags the corners down and in, more than linearly
        x.leaf("joint", name="corner_jaw_" + side, joint1="corner_jaw_" + side, joint2="jaw_pitch",
               polycoef="0 0.014 0.03 0 0")
    x.close("equality")

    x.close("mujoco")
    out = os.path.join(ROOT, "scenes", "face.xml")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    open(out, "w").write("\n".join(x.lines) + "\n")
    make_texture(os.path.join(HERE, "face_skin.png"))
    print("wrote", out, "and assets/face_skin.png")


# --------------------------------------------------------------------------
# body tree, horns, landmarks


def rel(bname):
    parent, pos = BODIES[bname]
    ppos = (0, 0, 0) if parent == "world" else BODIES[parent][1]
    return sub(pos, ppos)


def children(bname):
    return [b for b, (p, _) in BODIES.items() if p == bname]


def inertial(x, mass, r=0.005):
    i = 0.4 * mass * r * r
    x.leaf("inertial", pos="0 0 0", mass="%g" % mass, diaginertia="%g %g %g" % (i, i, i))


def emit_horns(x, servos, where, S):
    """Servo horns: hinge joints whose angle is the servo's output shaft.
    head_yaw's horn sits in the neck (world); the others inside the skull."""
    for k, s in enumerate(servos):
        in_neck = s["name"] == "head_yaw"
        if (where == "world") != in_neck:
            continue
        th0, th1 = tick_angle(s["tmin"]), tick_angle(s["tmax"])
        thn = th0 + s["neutral"] * (th1 - th0)
        if in_neck:
            pos = (0.0, 0.03, -0.20)
        else:
            col, row = k % 6, k // 6
            pos = (-0.03 + 0.012 * col, 0.03 + 0.01 * (row % 2), 0.05 - 0.018 * row)
            pos = sub(pos, NECK)
        x.open("body", name="hornbody_" + s["name"], pos=fmt(pos))
        x.leaf("joint", name="horn_" + s["name"], type="hinge", axis="0 1 0",
               ref="%.6f" % thn, damping="0.038", armature="1e-4")
        inertial(x, 0.002)
        x.leaf("geom", type="box", size="0.008 0.002 0.0015", pos="0.006 0 0", material="steel",
               group="3")
        x.close("body")


LANDMARK_SITES = {}   # body -> list of (site name, global pos, weight)


def add_landmark(k, pos, weights):
    for n, (b, w) in enumerate(sorted(weights.items(), key=lambda kv: -kv[1])):
        if w < 0.005:
            continue
        name = "lm%02d" % k if n == 0 else "lm%02d_%d" % (k, n)
        LANDMARK_SITES.setdefault(b, []).append((name, pos, w))


def skin_landmark(k, xx, zz, upper=None):
    th, ph = param_of(xx, zz)
    p = skin_surface(th, ph)
    add_landmark(k, p, weights_at(p[0], p[2], upper))


def lid_sphere(c, r, az_deg, el_deg):
    """Point on the sphere (c, r) parametrised around the lids' hinge (the x
    axis): el turns from the front (-y) up toward +z, az leans out toward +x.
    A blink of angle a maps el to el - a exactly, and no pole lies inside
    the lids (|az| < 90), so the shells never turn inside out."""
    az, el = math.radians(az_deg), math.radians(el_deg)
    return add(c, (r * math.sin(az), -r * math.cos(az) * math.cos(el), r * math.cos(az) * math.sin(el)))


def lid_point(side, which, az_deg, el_deg):
    r = LID_UP_R if which == "up" else LID_LO_R
    return lid_sphere(eye_centre(side), r, az_deg, el_deg)


UP_MARGIN = 21.0      # upper lid margin elevation at the centre (deg)
LO_MARGIN = -24.0     # lower lid margin elevation at the centre (deg)
UP_ARCH = 0.0075      # elevation drop per deg^2 of azimuth
LO_ARCH = 0.0040
CANTHUS_AZ = 52.0     # where the two margins meet


def up_margin(az):
    return UP_MARGIN - UP_ARCH * az * az


def lo_margin(az):
    return LO_MARGIN + LO_ARCH * az * az


def build_landmarks():
    LANDMARK_SITES.clear()
    # jaw line 0..16 (image left = robot's right = -x)
    for k in range(17):
        # on the front of the face (the ellipsoid's own outline lies far back)
        psi = math.radians(165 + (375 - 165) * k / 16.0)
        xx = 0.066 * math.cos(psi)
        zz = -0.006 + 0.083 * math.sin(psi)
        skin_landmark(k, xx, zz)
    # brows 17..21 (robot's right, outer to inner) and 22..26 (left, inner to outer)
    for n in range(5):
        frac = 1.0 - n / 4.0
        p = brow_point("r", frac)
        add_landmark(17 + n, p, weights_at(p[0], p[2]))
        q = brow_point("l", n / 4.0)
        add_landmark(22 + n, q, weights_at(q[0], q[2]))
    # nose bridge 27..30 and base 31..35
    for n in range(4):
        skin_landmark(27 + n, 0.0, EYE_Z - 0.004 - n * 0.0135)
    for n in range(5):
        skin_landmark(31 + n, -0.011 + 0.0055 * n, -0.024 + 0.0025 * (1 - abs(n - 2) / 2.0))
    # eyes: corners on the head, lid points on the lids (rigidly)
    for side, base in (("r", 36), ("l", 42)):
        s = lr(side)
        outer_az, inner_az = s * CANTHUS_AZ, -s * CANTHUS_AZ
        el_c = up_margin(CANTHUS_AZ)
        corner_out = lid_point(side, "lo", outer_az, el_c)
        corner_in = lid_point(side, "lo", inner_az, el_c)
        up_out = lid_point(side, "up", s * 20, up_margin(20))
        up_in = lid_point(side, "up", -s * 20, up_margin(20))
        lo_in = lid_point(side, "lo", -s * 20, lo_margin(20))
        lo_out = lid_point(side, "lo", s * 20, lo_margin(20))
        lu, ll = "lid_up_" + side, "lid_lo_" + side
        if side == "r":   # 36 outer, 37-38 upper (outer first), 39 inner, 40-41 lower (inner first)
            pts = [(corner_out, "head"), (up_out, lu), (up_in, lu), (corner_in, "head"),
                   (lo_in, ll), (lo_out, ll)]
        else:             # 42 inner, 43-44 upper (inner first), 45 outer, 46-47 lower (outer first)
            pts = [(corner_in, "head"), (up_in, lu), (up_out, lu), (corner_out, "head"),
                   (lo_out, ll), (lo_in, ll)]
        for n, (p, b) in enumerate(pts):
            add_landmark(base + n, p, {b: 1.0})
    # outer lips 48..59, inner lips 60..67
    cr, cl = corner_pos("r"), corner_pos("l")
    add_landmark(48, cr, weights_at(cr[0], cr[2]))
    for n, xx in enumerate((-0.015, -0.006, 0.0, 0.006, 0.015)):      # 49..53 upper outer
        t = max(0.0, 1.0 - (abs(xx) / (CORNER_X + 0.001)) ** 2)
        up = 0.0062 * t ** 0.5 + 0.0006 - 0.0012 * math.exp(-(xx / 0.0035) ** 2)
        skin_landmark(49 + n, xx, MOUTH_ZR + up, upper=True)
    add_landmark(54, cl, weights_at(cl[0], cl[2]))
    for n, xx in enumerate((0.015, 0.006, 0.0, -0.006, -0.015)):      # 55..59 lower outer
        t = max(0.0, 1.0 - (abs(xx) / (CORNER_X + 0.001)) ** 2)
        dn = 0.0072 * t ** 0.5 + 0.0006
        skin_landmark(55 + n, xx, MOUTH_ZR - dn, upper=False)
    # inner lips: points on the two edges of the slit
    inner_c = CORNER_X - 0.003

    def slit(xx, upper):
        th, ph = param_of(xx, MOUTH_ZR)
        p = skin_surface(th, ph_of(MOUTH_ROW))
        return p, weights_at(p[0], p[2], upper)

    def blend(a, b):
        out = {}
        for w in (a, b):
            for k2, v in w.items():
                out[k2] = out.get(k2, 0) + 0.5 * v
        return out
    p_up, w_up = slit(-inner_c, True)
    _, w_dn = slit(-inner_c, False)
    add_landmark(60, p_up, blend(w_up, w_dn))
    for n, xx in enumerate((-0.008, 0.0, 0.008)):
        p, w = slit(xx, True)
        add_landmark(61 + n, p, w)
    p_up, w_up = slit(inner_c, True)
    _, w_dn = slit(inner_c, False)
    add_landmark(64, p_up, blend(w_up, w_dn))
    for n, xx in enumerate((0.008, 0.0, -0.008)):
        p, w = slit(xx, False)
        add_landmark(65 + n, p, w)


def emit_sites(x, bname):
    bpos = BODIES[bname][1]
    for name, pos, w in LANDMARK_SITES.get(bname, []):
        x.leaf("site", name=name, pos=fmt(sub(pos, bpos), 6), user="%.5f" % w)


def emit_body_tree(x, bname, body_joints, servos, S, L):
    x.open("body", name=bname, pos=fmt(rel(bname), 6))
    for d in body_joints.get(bname, []):
        attrs = dict(name=d["joint"], type=d["type"], axis=fmt(d["axis"], 4))
        if d["jpos"] is not None:
            attrs["pos"] = fmt(sub(d["jpos"], BODIES[bname][1]), 6)
        if bname == "head":
            attrs["damping"] = "0.02"
        x.leaf("joint", **attrs)
    extra_visuals(x, bname)
    if bname == "head":
        emit_horns(x, servos, "head", S)
        build_landmarks()
    emit_sites(x, bname)
    for c in children(bname):
        emit_body_tree(x, c, body_joints, servos, S, L)
    x.close("body")


def extra_visuals(x, bname):
    """Geoms, extra joints and inertia per body."""
    if bname == "head":
        inertial(x, 1.0, 0.08)
        hx, hy, hz = HEAD_R
        x.leaf("geom", name="skull", type="ellipsoid", pos=fmt(sub(add(HEAD_C, (0, 0.03, 0)), NECK)),
               size=fmt((hx - 0.004, hy - 0.03, hz - 0.004)), material="skin_plain")
        x.leaf("geom", name="hair", type="ellipsoid", pos=fmt(sub((0, 0.024, 0.030), NECK)),
               size="0.0775 0.088 0.1", material="hair")
        for s in (-1, 1):
            x.leaf("geom", name="ear_" + ("l" if s > 0 else "r"), type="ellipsoid",
                   pos=fmt(sub((s * 0.073, 0.012, 0.018), NECK)), size="0.008 0.014 0.022",
                   material="skin_plain")
        # the mouth cavity and upper teeth
        x.leaf("geom", name="mouth_cavity", type="ellipsoid",
               pos=fmt(sub((0, -0.046, MOUTH_ZR - 0.004), NECK)), size="0.022 0.014 0.012",
               material="mouth")
        x.leaf("geom", name="teeth_upper", type="box",
               pos=fmt(sub((0, -0.066, MOUTH_ZR + 0.003), NECK)), size="0.012 0.002 0.0035",
               material="teeth")
    elif bname == "jaw":
        x.leaf("joint", name="jaw_pitch", type="hinge", axis="1 0 0")
        x.leaf("joint", name="jaw_roll", type="hinge", axis="0 -1 0",
               pos=fmt(sub((0, -0.06, -0.06), JAW_PIVOT)))
        x.leaf("inertial", pos=fmt(sub((0, -0.05, -0.07), JAW_PIVOT)), mass="0.08",
               diaginertia="4e-5 4e-5 4e-5")
        x.leaf("geom", name="teeth_lower", type="box",
               pos=fmt(sub((0, -0.064, MOUTH_ZR - 0.0045), JAW_PIVOT)), size="0.011 0.002 0.003",
               material="teeth")
        x.leaf("geom", name="tongue", type="ellipsoid",
               pos=fmt(sub((0, -0.052, MOUTH_ZR - 0.009), JAW_PIVOT)), size="0.015 0.010 0.005",
               rgba="0.62 0.28 0.30 1")
    elif bname.startswith("eye_"):
        inertial(x, 0.006, EYE_R)
        x.leaf("geom", type="sphere", size="%g" % EYE_R, material="eye_white")
        x.leaf("geom", type="ellipsoid", pos="0 %g 0" % -(EYE_R - 0.0012),
               size="0.0056 0.0018 0.0056", material="iris")
        x.leaf("geom", type="ellipsoid", pos="0 %g 0" % -(EYE_R - 0.0006),
               size="0.0025 0.0014 0.0025", material="pupil")
        x.leaf("site", name="pupil_" + bname[-1], pos="0 %g 0" % -(EYE_R + 0.0008))
    elif bname.startswith("corner_"):
        s = lr(bname[-1])
        x.leaf("joint", name="corner_jaw_" + bname[-1], type="slide",
               axis=fmt(norm((-s * 0.35, 0.2, -1.0)), 4))
        inertial(x, 0.002)
    elif bname.startswith("lid_up_"):
        x.leaf("joint", name="lid_raise_" + bname[-1], type="hinge", axis="1 0 0")
        inertial(x, 0.002)
    else:
        inertial(x, 0.002 if not bname.startswith("jaw_drive") else 0.004)


# --------------------------------------------------------------------------
# skins


def emit_skin(x, name, verts, faces, bones, material=None, rgba=None, texcoord=None):
    """bones: body -> (vertex ids, weights). Vertices in global coordinates."""
    attrs = dict(name=name, vertex=" ".join(fmt(v, 5) for v in verts),
                 face=" ".join("%d %d %d" % f for f in faces))
    if texcoord is not None:
        attrs["texcoord"] = " ".join(fmt(t, 4) for t in texcoord)
    if material:
        attrs["material"] = material
    if rgba:
        attrs["rgba"] = rgba
    x.open("skin", **attrs)
    for b, (ids, ws) in bones.items():
        x.leaf("bone", body=b, bindpos=fmt(BODIES[b][1], 6), bindquat="1 0 0 0",
               vertid=" ".join(str(i) for i in ids), vertweight=" ".join("%.4f" % w for w in ws))
    x.close("skin")


def emit_face_skin(x):
    verts, tex, faces = [], [], []
    bones = {}
    index = {}

    def add_vertex(i, j, upper=None):
        th, ph = th_of(i), ph_of(j)
        p = skin_surface(th, ph)
        vid = len(verts)
        verts.append(p)
        tex.append(((th - TH_MIN) / (TH_MAX - TH_MIN), (ph - PH_MIN) / (PH_MAX - PH_MIN)))
        for b, w in weights_at(p[0], p[2], upper).items():
            ids, ws = bones.setdefault(b, ([], []))
            ids.append(vid)
            ws.append(w)
        return vid

    for j in range(NPH):
        for i in range(NTH):
            if j == MOUTH_ROW and CORNER_I0 < i < CORNER_I1:
                index[(i, j, "up")] = add_vertex(i, j, True)
                index[(i, j, "dn")] = add_vertex(i, j, False)
            else:
                index[(i, j)] = add_vertex(i, j)

    def vid(i, j, upper):
        if (i, j) in index:
            return index[(i, j)]
        return index[(i, j, "up" if upper else "dn")]

    for j in range(NPH - 1):
        for i in range(NTH - 1):
            # the quad between rows j (below) and j+1 (above); on the slit row the
            # quads above use the upper copy, the quads below the lower copy
            a = vid(i, j, True)
            b = vid(i + 1, j, True)
            c = vid(i + 1, j + 1, False)
            d = vid(i, j + 1, False)
            # outward normal points to -y (towards the camera): counter-clockwise seen from front
            faces.append((a, b, c))
            faces.append((a, c, d))
    emit_skin(x, "face", verts, faces, bones, material="skin", texcoord=tex)


def emit_lid_skins(x, side):
    """Upper and lower eyelids: rigid shells around the eye (one bone each)
    and a dark lash line along each margin."""
    c = eye_centre(side)

    def shell(which, r, az_range, el_fn, el_far, steps=24, rows=10, lash=False):
        verts, faces = [], []
        az0, az1 = az_range
        for a in range(steps + 1):
            az = az0 + (az1 - az0) * a / steps
            e0 = el_fn(az)
            if lash:
                e1 = e0 + (1.4 if which == "up" else -1.0)
            else:
                e1 = el_far
            for k in range(rows + 1):
                el = math.radians(e0 + (e1 - e0) * k / rows)
                rr = r + (0.0002 if lash else 0.0)
                # the margin is rounded: the first row sits a little inside
                if not lash and k == 0:
                    rr = r - 0.0005
                verts.append(lid_sphere(c, rr, az, math.degrees(el)))
        for a in range(steps):
            for k in range(rows):
                p0 = a * (rows + 1) + k
                p1 = (a + 1) * (rows + 1) + k
                q = (p0, p1, p1 + 1, p0 + 1)
                # counter-clockwise seen from the front when rows climb (upper
                # lid); the lower lid's rows descend, so its winding flips
                tri = [(q[0], q[1], q[2]), (q[0], q[2], q[3])]
                if which == "lo":
                    tri = [(t[0], t[2], t[1]) for t in tri]
                faces += tri
        return verts, faces

    for which, r, el_fn, far in (("up", LID_UP_R, up_margin, 150.0), ("lo", LID_LO_R, lo_margin, -110.0)):
        bname = "lid_%s_%s" % (which, side)
        verts, faces = shell(which, r, (-76.0, 76.0), el_fn, far, steps=32, rows=24)
        bones = {bname: (list(range(len(verts))), [1.0] * len(verts))}
        # the face texture at the same place, so lid and skin match in colour
        tex = []
        for v in verts:
            th, ph = param_of(v[0], v[2])
            tex.append(((th - TH_MIN) / (TH_MAX - TH_MIN), (ph - PH_MIN) / (PH_MAX - PH_MIN)))
        emit_skin(x, "lid_%s_%s" % (which, side), verts, faces, bones, material="skin",
                  texcoord=tex)
        lv, lf = shell(which, r, (-CANTHUS_AZ - 4, CANTHUS_AZ + 4), el_fn, 0, steps=20, rows=1,
                       lash=True)
        bones = {bname: (list(range(len(lv))), [1.0] * len(lv))}
        emit_skin(x, "lash_%s_%s" % (which, side), lv, lf, bones, material="lash")


if __name__ == "__main__":
    main()
