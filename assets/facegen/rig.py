"""rig.py: the kinematic tree -- bodies at their neutral positions, the
servo horns, which joint each servo's linkage drives, and the <body> tree of
the worldbody with its joints, inertia, rigid geoms and landmark sites."""
from .mathutil import add, fmt, norm, sub
from .servos import horn_range
from .shape import EYE_R, HEAD_C, HEAD_R, JAW_PIVOT, NECK, lr


class Rig:
    """bodies: name -> (parent, global position at neutral), in creation
    order (which is the order of <body> siblings in the XML); sites: body ->
    list of (site name, global position, weight)."""

    def __init__(self):
        self.bodies = {}
        self.sites = {}

    def body(self, name, parent, pos):
        self.bodies[name] = (parent, pos)

    def pos(self, name):
        return self.bodies[name][1]

    def rel(self, name):
        parent, pos = self.bodies[name]
        ppos = (0, 0, 0) if parent == "world" else self.bodies[parent][1]
        return sub(pos, ppos)

    def children(self, name):
        return [b for b, (p, _) in self.bodies.items() if p == name]

    def add_site(self, bname, name, pos, weight):
        self.sites.setdefault(bname, []).append((name, pos, weight))


def place_bodies(shape, rig):
    rig.body("head", "world", NECK)
    for side in ("l", "r"):
        c = shape.eye_centre(side)
        rig.body("eye_" + side, "head", c)
        rig.body("lid_up_" + side, "head", c)
        rig.body("lid_lo_" + side, "head", c)
        rig.body("brow_in_" + side, "head", shape.brow_point(side, 0.0))
        rig.body("brow_out_" + side, "head", shape.brow_point(side, 1.0))
        rig.body("ulip_" + side, "head", shape.skin_at(lr(side) * 0.011, shape.mouth_zr + 0.004))
        rig.body("corner_" + side, "head", shape.corner_pos(side))
        rig.body("jaw_drive_" + side, "head", (lr(side) * 0.045, 0.02, -0.004))
    rig.body("jaw", "head", JAW_PIVOT)
    for side in ("l", "r"):
        rig.body("llip_" + side, "jaw", shape.skin_at(lr(side) * 0.011, shape.mouth_zr - 0.004))


def servo_linkages(shape):
    """servo -> dict(joint, body, type, axis, target1 = displacement at
    command 1, skew = crank phase skew in degrees, jpos = global joint
    position or None for the body origin)."""
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
        bi = shape.brow_point(side, 0.0)
        link("brow_in_" + side, "brow_in_" + side, "brow_in_" + side, "hinge", (0, s, 0), 0.26, 10,
             jpos=(bi[0] + s * 0.030, bi[1], bi[2] - 0.008))
        bo = shape.brow_point(side, 1.0)
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
    return L


def inertial(x, mass, r=0.005):
    i = 0.4 * mass * r * r
    x.leaf("inertial", pos="0 0 0", mass="%g" % mass, diaginertia="%g %g %g" % (i, i, i))


def emit_horns(x, servos, where):
    """Servo horns: hinge joints whose angle is the servo's output shaft.
    head_yaw's horn sits in the neck (world); the others inside the skull."""
    for k, s in enumerate(servos):
        in_neck = s["name"] == "head_yaw"
        if (where == "world") != in_neck:
            continue
        _, _, thn = horn_range(s)
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


def emit_body_tree(x, shape, rig, bname, body_joints, servos):
    """<body> bname and, recursively, its children. body_joints: body ->
    the linkage dicts whose driven joint it carries, in servo order."""
    x.open("body", name=bname, pos=fmt(rig.rel(bname), 6))
    for d in body_joints.get(bname, []):
        attrs = dict(name=d["joint"], type=d["type"], axis=fmt(d["axis"], 4))
        if d["jpos"] is not None:
            attrs["pos"] = fmt(sub(d["jpos"], rig.pos(bname)), 6)
        if bname == "head":
            attrs["damping"] = "0.02"
        x.leaf("joint", **attrs)
    body_visuals(x, shape, bname)
    if bname == "head":
        emit_horns(x, servos, "head")
    for name, pos, w in rig.sites.get(bname, []):
        x.leaf("site", name=name, pos=fmt(sub(pos, rig.pos(bname)), 6), user="%.5f" % w)
    for c in rig.children(bname):
        emit_body_tree(x, shape, rig, c, body_joints, servos)
    x.close("body")


def body_visuals(x, shape, bname):
    """Geoms, extra joints and inertia per body."""
    mouth_zr = shape.mouth_zr
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
               pos=fmt(sub((0, -0.046, mouth_zr - 0.004), NECK)), size="0.022 0.014 0.012",
               material="mouth")
        x.leaf("geom", name="teeth_upper", type="box",
               pos=fmt(sub((0, -0.066, mouth_zr + 0.003), NECK)), size="0.012 0.002 0.0035",
               material="teeth")
    elif bname == "jaw":
        x.leaf("joint", name="jaw_pitch", type="hinge", axis="1 0 0")
        x.leaf("joint", name="jaw_roll", type="hinge", axis="0 -1 0",
               pos=fmt(sub((0, -0.06, -0.06), JAW_PIVOT)))
        x.leaf("inertial", pos=fmt(sub((0, -0.05, -0.07), JAW_PIVOT)), mass="0.08",
               diaginertia="4e-5 4e-5 4e-5")
        x.leaf("geom", name="teeth_lower", type="box",
               pos=fmt(sub((0, -0.064, mouth_zr - 0.0045), JAW_PIVOT)), size="0.011 0.002 0.003",
               material="teeth")
        x.leaf("geom", name="tongue", type="ellipsoid",
               pos=fmt(sub((0, -0.052, mouth_zr - 0.009), JAW_PIVOT)), size="0.015 0.010 0.005",
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
