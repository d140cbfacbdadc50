"""skins.py: the MuJoCo <skin> meshes -- the textured face skin on the
(theta, phi) grid, cut open along the mouth slit and bound to the head, jaw,
lips, corners and brows; the eyelids as rigid shells with a lash line."""
import math

from .mathutil import fmt
from .shape import (CANTHUS_AZ, LID_LO_R, LID_UP_R, NPH, NTH, PH_LIST, TH_LIST, lid_sphere,
                    lo_margin, param_of, texcoord, up_margin)
from .weights import weights_at


def emit_skin(x, rig, name, verts, faces, bones, material=None, rgba=None, tex=None):
    """bones: body -> (vertex ids, weights). Vertices in global coordinates."""
    attrs = dict(name=name, vertex=" ".join(fmt(v, 5) for v in verts),
                 face=" ".join("%d %d %d" % f for f in faces))
    if tex is not None:
        attrs["texcoord"] = " ".join(fmt(t, 4) for t in tex)
    if material:
        attrs["material"] = material
    if rgba:
        attrs["rgba"] = rgba
    x.open("skin", **attrs)
    for b, (ids, ws) in bones.items():
        x.leaf("bone", body=b, bindpos=fmt(rig.pos(b), 6), bindquat="1 0 0 0",
               vertid=" ".join(str(i) for i in ids), vertweight=" ".join("%.4f" % w for w in ws))
    x.close("skin")


def emit_face_skin(x, shape, rig):
    verts, tex, faces = [], [], []
    bones = {}
    index = {}

    def add_vertex(i, j, upper=None):
        th, ph = TH_LIST[i], PH_LIST[j]
        p = shape.skin_surface(th, ph)
        vid = len(verts)
        verts.append(p)
        tex.append(texcoord(th, ph))
        for b, w in weights_at(shape, p[0], p[2], upper).items():
            ids, ws = bones.setdefault(b, ([], []))
            ids.append(vid)
            ws.append(w)
        return vid

    # on the slit the vertices between the corners are doubled: one for each lip
    for j in range(NPH):
        for i in range(NTH):
            if j == shape.mouth_row and shape.corner_i0 < i < shape.corner_i1:
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
    emit_skin(x, rig, "face", verts, faces, bones, material="skin", tex=tex)


def lid_shell(c, which, r, az_range, el_fn, el_far, steps, rows, lash=False):
    """Vertices and faces of a lid (or its lash line) on the sphere (c, r):
    columns over azimuth, rows from the margin el_fn(az) to el_far (the lash
    line: a narrow band just outside the margin)."""
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


def emit_lid_skins(x, shape, rig, side):
    """Upper and lower eyelids: rigid shells around the eye (one bone each)
    and a dark lash line along each margin."""
    c = shape.eye_centre(side)
    for which, r, el_fn, far in (("up", LID_UP_R, up_margin, 150.0), ("lo", LID_LO_R, lo_margin, -110.0)):
        bname = "lid_%s_%s" % (which, side)
        verts, faces = lid_shell(c, which, r, (-76.0, 76.0), el_fn, far, steps=32, rows=24)
        bones = {bname: (list(range(len(verts))), [1.0] * len(verts))}
        # the face texture at the same place, so lid and skin match in colour
        tex = [texcoord(*param_of(v[0], v[2])) for v in verts]
        emit_skin(x, rig, "lid_%s_%s" % (which, side), verts, faces, bones, material="skin", tex=tex)
        lv, lf = lid_shell(c, which, r, (-CANTHUS_AZ - 4, CANTHUS_AZ + 4), el_fn, 0, steps=20, rows=1,
                           lash=True)
        bones = {bname: (list(range(len(lv))), [1.0] * len(lv))}
        emit_skin(x, rig, "lash_%s_%s" % (which, side), lv, lf, bones, material="lash")
