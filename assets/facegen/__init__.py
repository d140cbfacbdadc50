"""facegen: generator of the rena face model (MuJoCo 2.2.2 MJCF + skin
texture) and of the performer faces, parameterised by FaceParams. Plain
Python 3, no packages. Entry points: assets/gen_face.py (the robot) and
assets/gen_performers.py; docs/sim.md describes the model and the modules.

  params     FaceParams: proportions, colours, output names (robot defaults)
  shape      FaceShape: head surface, eye sockets, skin grid, mouth, brows, lids
  weights    linear-blend skin weights of the deforming bodies
  servos     servo table from core/servo.c, crank linkage polynomial fit
  rig        bodies, horns, linkage table, the <body> tree
  landmarks  the 68 iBUG landmark sites
  skins      face skin mesh and eyelid shells
  texture    skin texture and PNG encoder
  model      the whole MJCF document
  output     generate(): atomic writes of scene + texture
"""
from .output import generate, output_paths
from .params import FaceParams

__all__ = ["FaceParams", "generate", "output_paths"]
