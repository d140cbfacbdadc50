"""output.py: generate(), which writes one face's scene and texture, each
atomically (a temporary "<name>.tmp.<pid>" in the same folder, fsync, rename)
so an interrupted run leaves the previous files."""
import os

from .model import model_xml
from .shape import FaceShape
from .texture import texture_png


def write_atomic(path, data):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def output_paths(params, out_root):
    """(scene path, texture path): <out_root>/scenes/<scene_file> and
    <out_root>/assets/<texture_file>, the layout the scene's texturedir expects."""
    return (os.path.join(out_root, "scenes", params.scene_file),
            os.path.join(out_root, "assets", params.texture_file))


def generate(params, out_root, source_root):
    """Writes the face described by params under out_root (creating scenes/
    and assets/ as needed); reads the servo table from source_root. Returns
    the two paths written."""
    scene, texture = output_paths(params, out_root)
    xml = model_xml(params, source_root)
    png = texture_png(FaceShape(params))
    for path, data in ((scene, xml.encode("ascii")), (texture, png)):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, data)
    return scene, texture
