"""texture.py: the skin texture (skin tone, warmer cheeks, lips, brows,
nostrils) painted on the same (theta, phi) grid as the skin's texcoords, and
a minimal PNG encoder (RGB8, zlib level 9) so no imaging package is needed."""
import math
import struct
import zlib

from .mathutil import gauss, smoothstep
from .shape import BROW_Z, PH_MAX, PH_MIN, TH_MAX, TH_MIN, base_point

LIP_RGB = (0.74, 0.38, 0.38)
BROW_RGB = (0.24, 0.16, 0.11)
CHEEK_RGB = (0.90, 0.62, 0.56)
NOSTRIL_RGB = (0.35, 0.2, 0.18)


def png_bytes(w, h, rgb_rows):
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return png


def texture_colour(shape, th, ph):
    x, _, z = base_point(th, ph)
    ax = abs(x)
    col = list(shape.params.skin_rgb)
    corner_x = shape.corner_x

    def mix(c, t):
        for k in range(3):
            col[k] = col[k] * (1 - t) + c[k] * t
    # cheeks: a little warmer
    mix(CHEEK_RGB, 0.35 * gauss(ax, z, 0.042, -0.012, 0.016, 0.013))
    # lips: lens-shaped vermilion, thicker at the centre
    if ax < corner_x + 0.001:
        t = max(0.0, 1.0 - (ax / (corner_x + 0.001)) ** 2)
        up = 0.0062 * t ** 0.5 + 0.0006
        dn = 0.0072 * t ** 0.5 + 0.0006
        # cupid's bow
        up -= 0.0012 * math.exp(-(x / 0.0035) ** 2)
        dz = z - shape.mouth_zr
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
            mix(NOSTRIL_RGB, 0.85)
    return col


def texture_png(shape, n=512):
    """The n x n skin texture as PNG bytes."""
    rows = []
    for j in range(n):
        ph = PH_MIN + (PH_MAX - PH_MIN) * (j + 0.5) / n   # MuJoCo maps PNG row 0 to v = 0
        row = []
        for i in range(n):
            th = TH_MIN + (TH_MAX - TH_MIN) * (i + 0.5) / n
            c = texture_colour(shape, th, ph)
            row += [int(max(0, min(255, round(255 * v)))) for v in c]
        rows.append(row)
    return png_bytes(n, n, rows)
