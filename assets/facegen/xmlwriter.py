"""xmlwriter.py: Xml, an indented MJCF line writer. Attributes keep their
keyword order; a trailing underscore in a keyword is dropped (for names
that are Python keywords)."""


class Xml:
    def __init__(self):
        self.lines = []
        self.ind = 0

    def open(self, tag, **attrs):
        self.lines.append("  " * self.ind + "<%s%s>" % (tag, self.attrs(attrs)))
        self.ind += 1

    def close(self, tag):
        self.ind -= 1
        self.lines.append("  " * self.ind + "</%s>" % tag)

    def leaf(self, tag, **attrs):
        self.lines.append("  " * self.ind + "<%s%s/>" % (tag, self.attrs(attrs)))

    def raw(self, s):
        self.lines.append("  " * self.ind + s)

    def text(self):
        return "\n".join(self.lines) + "\n"

    @staticmethod
    def attrs(a):
        out = ""
        for k, v in a.items():
            k = k.rstrip("_")
            out += ' %s="%s"' % (k, v)
        return out
