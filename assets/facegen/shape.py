"""shape.py: FaceShape, the face's geometry for one FaceParams -- the head
surface with its relief and eye sockets, the (theta, phi) grid the skin mesh
and texture are laid on, the mouth slit, the brow arch and the eyelid
spheres. Metres, world frame at the neutral pose: x = robot's left,
y = backwards (the face looks toward -y), z = up."""
import math

from .mathutil import add, gauss, smoothstep, spow

HEAD_C = (0.0, 0.006, 0.006)      # centre of the head ellipsoid
HEAD_R = (0.074, 0.090, 0.112)    # its semi-axes
NECK = (0.0, 0.025, -0.105)       # head yaw axis passes through here
EYE_Z = 0.030                     # eye centres at (+-eye_x, ., EYE_Z)
EYE_R = 0.0125                    # eyeball radius
LID_UP_R, LID_LO_R = 0.0137, 0.0132
MOUTH_Z = -0.046                  # mouth line
JAW_PIVOT = (0.0, 0.020, -0.004)  # jaw hinge (temporomandibular axis)
BROW_Z = 0.052
JAW_LINE_RZ = 0.083               # vertical radius of the jaw line landmarks (robot)
CHIN_Z = -0.088                   # height of the chin's bulge (robot)

HUG_R = 0.0141        # skin over the eye: just outside the lid shells
EYE_PROUD = 0.003     # how far the covered eyeball bulges in front of the face
APERTURE = (0.0128, 0.0088, 0.0098)   # almond opening: half width, up, down

UP_MARGIN = 21.0      # upper lid margin elevation at the centre (deg)
LO_MARGIN = -24.0     # lower lid margin elevation at the centre (deg)
UP_ARCH = 0.0075      # elevation drop per deg^2 of azimuth
LO_ARCH = 0.0040
CANTHUS_AZ = 52.0     # where the two margins meet


def lr(side):
    return 1.0 if side == "l" else -1.0


def base_point(th, ph):
    """The head: an ellipsoid whose front is flattened (exponents < 1), as a
    face is flatter than an egg -- the chin and the lips stay in front."""
    return (HEAD_R[0] * math.cos(ph) * math.sin(th),
            HEAD_C[1] - HEAD_R[1] * spow(math.cos(ph), 0.55) * spow(math.cos(th), 0.75),
            HEAD_C[2] + HEAD_R[2] * math.sin(ph))


def param_of(x, z):
    """(theta, phi) of the base ellipsoid point with these x and z."""
    ph = math.asin(max(-1.0, min(1.0, (z - HEAD_C[2]) / HEAD_R[2])))
    r = HEAD_R[0] * math.cos(ph)
    th = math.asin(max(-1.0, min(1.0, x / r)))
    return th, ph


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


def brow_z(frac):
    """Height of the brow arch: frac 0 = inner end, 1 = outer end."""
    return BROW_Z - 0.004 + 0.010 * math.sin(math.pi * (0.25 + 0.75 * frac)) - 0.006 * frac


def lid_sphere(c, r, az_deg, el_deg):
    """Point on the sphere (c, r) parametrised around the lids' hinge (the x
    axis): el turns from the front (-y) up toward +z, az leans out toward +x.
    A blink of angle a maps el to el - a exactly, and no pole lies inside
    the lids (|az| < 90), so the shells never turn inside out."""
    az, el = math.radians(az_deg), math.radians(el_deg)
    return add(c, (r * math.sin(az), -r * math.cos(az) * math.cos(el), r * math.cos(az) * math.sin(el)))


def up_margin(az):
    return UP_MARGIN - UP_ARCH * az * az


def lo_margin(az):
    return LO_MARGIN + LO_ARCH * az * az


# --------------------------------------------------------------------------
# the (theta, phi) grid of the face skin and its texture


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
assert abs(TH_LIST[NTH // 2]) < 1e-9


def texcoord(th, ph):
    return ((th - TH_MIN) / (TH_MAX - TH_MIN), (ph - PH_MIN) / (PH_MAX - PH_MIN))


def nearest(values, v):
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


# --------------------------------------------------------------------------


class FaceShape:
    """The geometry that depends on FaceParams. Attributes:
      chin_z, jaw_line_rz   chin bulge height and jaw line radius (jaw_scale)
      mouth_row             grid row of the mouth slit
      corner_i0, corner_i1  grid columns of the right and left mouth corners
      mouth_zr, corner_x    exact z of the slit row, |x| of the corners"""

    def __init__(self, params):
        self.params = params
        # rounded to 10 um like the robot's own dimensions, so a scaled jaw
        # gives the same numbers whatever the float noise of the product
        self.chin_z = round(CHIN_Z * params.jaw_scale, 5)
        self.jaw_line_rz = round(JAW_LINE_RZ * params.jaw_scale, 5)
        self._eye_c = {side: self._eye_centre(side) for side in ("l", "r")}
        # the mouth slit runs along grid row mouth_row between columns corner_i0..i1
        self.mouth_row = nearest(PH_LIST, math.asin((MOUTH_Z - HEAD_C[2]) / HEAD_R[2]))
        mph = PH_LIST[self.mouth_row]
        self.corner_i1 = nearest(TH_LIST, math.asin(params.mouth_half / (HEAD_R[0] * math.cos(mph))))
        self.corner_i0 = NTH - 1 - self.corner_i1
        self.mouth_zr = base_point(0, mph)[2]
        self.corner_x = base_point(TH_LIST[self.corner_i1], mph)[0]

    def relief(self, x, z):
        """Forward displacement (m) of the skin: nose, sockets, brows, lips, chin."""
        d = 0.0
        # nose: ridge growing toward the tip, alae beside it
        t = smoothstep(0.030, -0.012, z) if z > -0.012 else 1.0
        ridge_w = 0.0045 + 0.006 * t
        if -0.030 < z < 0.036:
            fall = smoothstep(-0.030, -0.016, z) if z < -0.016 else 1.0
            d += 0.024 * (0.25 + 0.75 * t) * fall * math.exp(-(x / ridge_w) ** 2)
        d += 0.007 * gauss(abs(x), z, 0.011, -0.018, 0.0055, 0.0055)
        # brow ridge (the eyes are carved in by eye_socket)
        d += 0.0035 * gauss(abs(x), z, 0.030, BROW_Z, 0.024, 0.008)
        # cheeks
        d += 0.005 * gauss(abs(x), z, 0.040, -0.010, 0.018, 0.016)
        # lips and the philtrum, the chin
        d += 0.0055 * gauss(x, z, 0.0, MOUTH_Z + 0.0045, 0.020, 0.0042)
        d += 0.0060 * gauss(x, z, 0.0, MOUTH_Z - 0.0055, 0.018, 0.0050)
        d += 0.0025 * gauss(x, z, 0.0, -0.030, 0.006, 0.007)
        d += 0.0060 * gauss(x, z, 0.0, self.chin_z, 0.017, 0.011)
        return d

    def face_surface(self, th, ph):
        """The head with its relief, before the eye sockets."""
        p = base_point(th, ph)
        front = max(0.0, math.cos(th)) * max(0.0, math.cos(ph))
        return (p[0], p[1] - self.relief(p[0], p[2]) * front ** 0.5, p[2])

    def _eye_centre(self, side):
        x = lr(side) * self.params.eye_x
        sy = self.face_surface(*param_of(x, EYE_Z))[1]
        return (x, sy + HUG_R - EYE_PROUD, EYE_Z)

    def eye_centre(self, side):
        return self._eye_c[side]

    def skin_surface(self, th, ph):
        """The skin: the face surface wrapped around both eyes."""
        p = self.face_surface(th, ph)
        for side in ("l", "r"):
            p = eye_socket(p, self.eye_centre(side))
        return p

    def skin_at(self, x, z):
        return self.skin_surface(*param_of(x, z))

    def corner_pos(self, side):
        th = TH_LIST[self.corner_i1 if side == "l" else self.corner_i0]
        return self.skin_surface(th, PH_LIST[self.mouth_row])

    def brow_point(self, side, frac):
        """Point on the brow arch: frac 0 = inner end, 1 = outer end."""
        x = lr(side) * (0.011 + 0.043 * frac)
        return self.skin_at(x, brow_z(frac))

    def lid_point(self, side, which, az_deg, el_deg):
        r = LID_UP_R if which == "up" else LID_LO_R
        return lid_sphere(self.eye_centre(side), r, az_deg, el_deg)
