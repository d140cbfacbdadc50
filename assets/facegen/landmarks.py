"""landmarks.py: the 68 iBUG landmarks as sites. Landmark k is the weighted
mean of sites lmKK, lmKK_1, ... on the bodies whose skin weight at that point
is the site's user[0] -- the same linear blend the skin vertex there gets,
so the landmarks ride on the skin. Eye landmarks sit on the rigid lids."""
import math

from .shape import CANTHUS_AZ, EYE_Z, PH_LIST, lo_margin, lr, param_of, up_margin
from .weights import weights_at


def add_landmark(rig, k, pos, weights):
    for n, (b, w) in enumerate(sorted(weights.items(), key=lambda kv: -kv[1])):
        if w < 0.005:
            continue
        name = "lm%02d" % k if n == 0 else "lm%02d_%d" % (k, n)
        rig.add_site(b, name, pos, w)


def skin_landmark(shape, rig, k, xx, zz, upper=None):
    p = shape.skin_at(xx, zz)
    add_landmark(rig, k, p, weights_at(shape, p[0], p[2], upper))


def on_skin(shape, rig, k, p):
    add_landmark(rig, k, p, weights_at(shape, p[0], p[2]))


def build_landmarks(shape, rig):
    jaw_line(shape, rig)
    brows_and_nose(shape, rig)
    for side, base in (("r", 36), ("l", 42)):
        eye(shape, rig, side, base)
    outer_lips(shape, rig)
    inner_lips(shape, rig)


def jaw_line(shape, rig):
    """0..16, image left = robot's right = -x."""
    for k in range(17):
        # on the front of the face (the ellipsoid's own outline lies far back)
        psi = math.radians(165 + (375 - 165) * k / 16.0)
        xx = 0.066 * math.cos(psi)
        zz = -0.006 + shape.jaw_line_rz * math.sin(psi)
        skin_landmark(shape, rig, k, xx, zz)


def brows_and_nose(shape, rig):
    # brows 17..21 (robot's right, outer to inner) and 22..26 (left, inner to outer)
    for n in range(5):
        frac = 1.0 - n / 4.0
        on_skin(shape, rig, 17 + n, shape.brow_point("r", frac))
        on_skin(shape, rig, 22 + n, shape.brow_point("l", n / 4.0))
    # nose bridge 27..30 and base 31..35
    for n in range(4):
        skin_landmark(shape, rig, 27 + n, 0.0, EYE_Z - 0.004 - n * 0.0135)
    for n in range(5):
        skin_landmark(shape, rig, 31 + n, -0.011 + 0.0055 * n, -0.024 + 0.0025 * (1 - abs(n - 2) / 2.0))


def eye(shape, rig, side, base):
    """Corners on the head, lid points on the lids (rigidly)."""
    s = lr(side)
    outer_az, inner_az = s * CANTHUS_AZ, -s * CANTHUS_AZ
    el_c = up_margin(CANTHUS_AZ)
    corner_out = shape.lid_point(side, "lo", outer_az, el_c)
    corner_in = shape.lid_point(side, "lo", inner_az, el_c)
    up_out = shape.lid_point(side, "up", s * 20, up_margin(20))
    up_in = shape.lid_point(side, "up", -s * 20, up_margin(20))
    lo_in = shape.lid_point(side, "lo", -s * 20, lo_margin(20))
    lo_out = shape.lid_point(side, "lo", s * 20, lo_margin(20))
    lu, ll = "lid_up_" + side, "lid_lo_" + side
    if side == "r":   # 36 outer, 37-38 upper (outer first), 39 inner, 40-41 lower (inner first)
        pts = [(corner_out, "head"), (up_out, lu), (up_in, lu), (corner_in, "head"),
               (lo_in, ll), (lo_out, ll)]
    else:             # 42 inner, 43-44 upper (inner first), 45 outer, 46-47 lower (outer first)
        pts = [(corner_in, "head"), (up_in, lu), (up_out, lu), (corner_out, "head"),
               (lo_out, ll), (lo_in, ll)]
    for n, (p, b) in enumerate(pts):
        add_landmark(rig, base + n, p, {b: 1.0})


def outer_lips(shape, rig):
    """48..59 along the vermilion border drawn by the texture."""
    corner_x, mouth_zr = shape.corner_x, shape.mouth_zr
    on_skin(shape, rig, 48, shape.corner_pos("r"))
    for n, xx in enumerate((-0.015, -0.006, 0.0, 0.006, 0.015)):      # 49..53 upper outer
        t = max(0.0, 1.0 - (abs(xx) / (corner_x + 0.001)) ** 2)
        up = 0.0062 * t ** 0.5 + 0.0006 - 0.0012 * math.exp(-(xx / 0.0035) ** 2)
        skin_landmark(shape, rig, 49 + n, xx, mouth_zr + up, upper=True)
    on_skin(shape, rig, 54, shape.corner_pos("l"))
    for n, xx in enumerate((0.015, 0.006, 0.0, -0.006, -0.015)):      # 55..59 lower outer
        t = max(0.0, 1.0 - (abs(xx) / (corner_x + 0.001)) ** 2)
        dn = 0.0072 * t ** 0.5 + 0.0006
        skin_landmark(shape, rig, 55 + n, xx, mouth_zr - dn, upper=False)


def inner_lips(shape, rig):
    """60..67: points on the two edges of the slit; the inner corners are
    shared by both lips."""
    inner_c = shape.corner_x - 0.003

    def slit(xx, upper):
        th, _ = param_of(xx, shape.mouth_zr)
        p = shape.skin_surface(th, PH_LIST[shape.mouth_row])
        return p, weights_at(shape, p[0], p[2], upper)

    def blend(a, b):
        out = {}
        for w in (a, b):
            for k2, v in w.items():
                out[k2] = out.get(k2, 0) + 0.5 * v
        return out
    p_up, w_up = slit(-inner_c, True)
    _, w_dn = slit(-inner_c, False)
    add_landmark(rig, 60, p_up, blend(w_up, w_dn))
    for n, xx in enumerate((-0.008, 0.0, 0.008)):
        p, w = slit(xx, True)
        add_landmark(rig, 61 + n, p, w)
    p_up, w_up = slit(inner_c, True)
    _, w_dn = slit(inner_c, False)
    add_landmark(rig, 64, p_up, blend(w_up, w_dn))
    for n, xx in enumerate((0.008, 0.0, -0.008)):
        p, w = slit(xx, False)
        add_landmark(rig, 65 + n, p, w)
