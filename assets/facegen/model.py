"""model.py: model_xml(), the whole MJCF document of one face: options,
materials and skins, the worldbody, one position-servo actuator per servo,
the jaw's tendons and the linkage equalities."""
from .landmarks import build_landmarks
from .mathutil import fmt
from .rig import Rig, emit_body_tree, emit_horns, place_bodies, servo_linkages
from .servos import linkage, read_servos, tick_angle
from .shape import FaceShape
from .skins import emit_face_skin, emit_lid_skins
from .xmlwriter import Xml

TAU_MAX, K_JOINT = 0.44, 4.4   # STS3032-class: ~4.5 kg.cm stall, ~0.1 rad to saturate


def model_xml(params, source_root):
    """The MJCF text (ending with a newline) of the face described by
    params; source_root is the repository holding core/servo.c."""
    servos = read_servos(source_root)
    shape = FaceShape(params)
    rig = Rig()
    place_bodies(shape, rig)
    build_landmarks(shape, rig)
    links = servo_linkages(shape)

    x = Xml()
    x.raw("<!-- %s -->" % params.header)
    x.open("mujoco", model=params.model_name)
    emit_settings(x)
    emit_assets(x, shape, rig)
    emit_world(x, shape, rig, servos, links)
    emit_actuators(x, servos)
    emit_tendons(x)
    emit_equalities(x, servos, links)
    x.close("mujoco")
    return x.text()


def emit_settings(x):
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


def emit_assets(x, shape, rig):
    p = shape.params
    x.open("asset")
    x.leaf("texture", name="sky", type="skybox", builtin="gradient", rgb1="0.80 0.82 0.86",
           rgb2="0.55 0.58 0.63", width="64", height="64")
    x.leaf("texture", name="face", type="2d", file=p.texture_file)
    x.leaf("material", name="skin", texture="face", specular="0.15", shininess="0.2")
    x.leaf("material", name="skin_plain", rgba=fmt(tuple(p.skin_rgb) + (1,), 3), specular="0.15",
           shininess="0.2")
    x.leaf("material", name="eye_white", rgba="0.96 0.95 0.92 1", specular="0.6", shininess="0.8")
    x.leaf("material", name="iris", rgba=p.iris_rgba, specular="0.6", shininess="0.8")
    x.leaf("material", name="pupil", rgba="0.03 0.03 0.03 1", specular="0.8", shininess="0.9")
    x.leaf("material", name="hair", rgba=p.hair_rgba, specular="0.1", shininess="0.1")
    x.leaf("material", name="mouth", rgba="0.35 0.10 0.12 1")
    x.leaf("material", name="teeth", rgba="0.95 0.94 0.88 1", specular="0.4")
    x.leaf("material", name="lash", rgba="0.12 0.08 0.06 1")
    x.leaf("material", name="steel", rgba="0.6 0.6 0.65 1")
    emit_face_skin(x, shape, rig)
    for side in ("l", "r"):
        emit_lid_skins(x, shape, rig, side)
    x.close("asset")


def emit_world(x, shape, rig, servos, links):
    # joints per body in the order they are applied
    body_joints = {}
    for s in servos:
        d = links[s["name"]]
        body_joints.setdefault(d["body"], []).append(d)
    x.open("worldbody")
    x.leaf("light", name="key", pos="0.25 -0.6 0.45", dir="-0.35 0.8 -0.5", diffuse="0.55 0.55 0.55",
           specular="0.1 0.1 0.1", castshadow="false", directional="true")
    x.leaf("camera", name="front", pos="0 -0.62 0.0", xyaxes="1 0 0 0 0 1", fovy="28")
    x.leaf("geom", name="neck", type="capsule", fromto=fmt((0, 0.030, -0.26) + (0, 0.030, -0.08)),
           size="0.036", material="skin_plain")
    x.leaf("geom", name="shoulders", type="ellipsoid", pos="0 0.04 -0.27", size="0.16 0.07 0.045",
           rgba="0.25 0.32 0.45 1")
    emit_horns(x, servos, "world")
    emit_body_tree(x, shape, rig, "head", body_joints, servos)
    x.close("worldbody")


def emit_actuators(x, servos):
    """Position servos: force = kp*ctrl + b0 - kp*length with length = gear*q,
    so ctrl in [0, 1] maps linearly onto the horn angle over the tick range."""
    x.open("actuator")
    for s in servos:
        th0, th1 = tick_angle(s["tmin"]), tick_angle(s["tmax"])
        g = 1.0 / (th1 - th0)
        kp = K_JOINT / g ** 2
        fmax = TAU_MAX / abs(g)
        x.leaf("general", name=s["name"], joint="horn_" + s["name"], gear="%.6g" % g,
               ctrllimited="true", ctrlrange="0 1", forcelimited="true",
               forcerange="%.6g %.6g" % (-fmax, fmax), gaintype="fixed", gainprm="%.6g" % kp,
               biastype="affine", biasprm="%.6g %.6g 0" % (kp * g * th0, -kp))
    x.close("actuator")


def emit_tendons(x):
    """The jaw's pitch is the mean of its two drive horns, its roll their difference."""
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


def emit_equalities(x, servos, links):
    x.open("equality")
    for s in servos:
        d = links[s["name"]]
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
