"""weights.py: the linear-blend skin weights -- how much each deforming
body (lips, jaw, mouth corners, brows, the head for the rest) moves the skin
at a point. Landmarks use the same weights, so they ride on the skin."""
import math

from .mathutil import smoothstep
from .shape import brow_z


def raw_weights(shape, x, z, upper_side_of_slit=None):
    """Unnormalised influence of each deforming bone at skin point (x, z).
    upper_side_of_slit picks the lip for points on the mouth slit itself."""
    w = {}
    ax = abs(x)
    side = "l" if x >= 0 else "r"
    corner_x, mouth_zr = shape.corner_x, shape.mouth_zr
    # lips: bands above/below the mouth line inside the mouth width
    lip_x = 1.0 - smoothstep(corner_x - 0.012, corner_x + 0.004, ax)
    if upper_side_of_slit is None:
        upper = z >= mouth_zr
    else:
        upper = upper_side_of_slit
    dz = z - mouth_zr
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
    if not upper or z < mouth_zr:
        jz = smoothstep(mouth_zr + 0.004, mouth_zr - 0.010, z)
        jx = 1.0 - smoothstep(0.030, 0.072, ax)
        # below the chin and along the jaw line the skin follows the jaw fully
        if jz * jx > 0:
            w["jaw"] = jz * jx * (1.0 - w.get("llip_l", 0) - w.get("llip_r", 0))
    # mouth corners: radial influence
    for s in ("l", "r"):
        c = shape.corner_pos(s)
        d2 = ((x - c[0]) / 0.011) ** 2 + ((z - c[2]) / 0.010) ** 2
        g = math.exp(-d2)
        if g > 0.01:
            w["corner_" + s] = 1.6 * g
    # brows: inner and outer ends blended along the arch
    if ax < 0.066:
        frac = min(1.0, max(0.0, (ax - 0.011) / 0.043))
        dzb = z - brow_z(frac)
        vert = math.exp(-(dzb / 0.014) ** 2) if dzb > 0 else math.exp(-(dzb / 0.0065) ** 2)
        edge = smoothstep(0.0, 0.014, ax) * (1.0 - smoothstep(0.056, 0.066, ax))
        g = vert * edge
        if g > 0.01:
            w["brow_in_" + side] = g * (1.0 - smoothstep(0.1, 0.9, frac))
            w["brow_out_" + side] = g * smoothstep(0.1, 0.9, frac)
    return w


def weights_at(shape, x, z, upper_side_of_slit=None):
    """Weights that sum to 1: negligible ones dropped, an excess normalised
    away, a deficit given to the head."""
    w = {k: v for k, v in raw_weights(shape, x, z, upper_side_of_slit).items() if v > 1e-4}
    s = sum(w.values())
    if s > 1.0:
        w = {k: v / s for k, v in w.items()}
        s = 1.0
    if s < 1.0:
        w["head"] = 1.0 - s
    return w
