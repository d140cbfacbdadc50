#!/usr/bin/env python3
"""gen_face.py: writes the rena face model scenes/face.xml and its skin texture
assets/face_skin.png. Plain Python 3 (no numpy); the build never runs it, its
output is committed (tests/test_sim_facegen.c checks that the generator still
reproduces the committed files byte for byte). Run from anywhere:

    python3 assets/gen_face.py [--out DIR]

--out DIR writes DIR/scenes/face.xml and DIR/assets/face_skin.png instead of
the repository's files. The generator lives in assets/facegen/ (one module per
concept, see its __init__.py and docs/sim.md); this script runs it with the
robot's FaceParams.

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
import argparse
import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import facegen  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="Writes scenes/face.xml and assets/face_skin.png.")
    ap.add_argument("--out", metavar="DIR", default=ROOT,
                    help="write DIR/scenes/ and DIR/assets/ (default: the repository)")
    args = ap.parse_args(argv)
    try:
        scene, texture = facegen.generate(facegen.FaceParams(), args.out, ROOT)
    except (OSError, ValueError) as e:
        sys.exit("gen_face.py: %s" % e)
    print("wrote", scene, "and", texture)


if __name__ == "__main__":
    main()
