"""report.py: what benchmarks/run records about the machine and how it writes
its results: Markdown (results.md) and a plain-text table for the terminal.
Standard library only."""
import os
import platform
import re
import subprocess

import compare

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


# ---------------------------------------------------------------- machine and build

def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, universal_newlines=True).stdout.strip()
    except OSError:
        return ""


def cache_value(build, key):
    m = re.search(r"^%s:[A-Z]+=(.*)$" % re.escape(key),
                  read_text(os.path.join(build, "CMakeCache.txt")), re.M)
    return m.group(1) if m else None


def machine(build):
    cpu = re.search(r"^model name\s*:\s*(.*)$", read_text("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read_text("/proc/meminfo"), re.M)
    osr = re.search(r'^PRETTY_NAME="?([^"\n]*)', read_text("/etc/os-release"), re.M)
    cc = cache_value(build, "CMAKE_C_COMPILER")
    cc_version = ""
    if cc:
        try:
            cc_version = subprocess.run([cc, "--version"], stdout=subprocess.PIPE,
                                        universal_newlines=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            pass
    return {"cpu": cpu.group(1).strip() if cpu else platform.processor() or "?",
            "cores": os.cpu_count(),
            "memory_gib": round(int(mem.group(1)) / 1048576, 1) if mem else None,
            "os": osr.group(1) if osr else platform.system(),
            "kernel": platform.release(), "arch": platform.machine(), "compiler": cc_version}


def load_average():
    """The 1, 5 and 15 minute load averages: timings mean little on a busy machine."""
    return read_text("/proc/loadavg").split()[:3]


# ---------------------------------------------------------------- reports

def fmt(v):
    return compare.format_number(v)


def markdown(result, cmp):
    m = result["machine"]
    lines = ["# rena benchmarks", "",
             "- date: %s" % result["date"],
             "- revision: `%s`%s" % (result["git"]["revision"] or "?",
                                    " (uncommitted changes)" if result["git"]["dirty"] else ""),
             "- machine: %s, %s cores, %s GiB, %s (kernel %s, %s)" % (
                 m["cpu"], m["cores"], m["memory_gib"], m["os"], m["kernel"], m["arch"]),
             "- build: %s, %s" % (result["build"]["type"], m["compiler"] or "?"),
             "- load average (1, 5, 15 min): %s at the start, %s at the end" % (
                 " ".join(m["load_average_start"]), " ".join(m["load_average_end"])),
             "- mode: %s, each figure the median of %d run(s) (± is the MAD)" % (
                 "quick" if result["options"]["quick"] else "full", result["options"]["repeat"]),
             ""]
    for group, figures in by_group(result["figures"]):
        if group == "peers":
            continue
        lines += ["## %s" % group, "", "| figure | value | unit | ± |", "|---|---:|---|---:|"]
        lines += ["| %s | %s | %s | %s |" % (f["label"], fmt(f["value"]), f["unit"],
                                             fmt(f["mad"]) if f["mad"] else "")
                  for f in figures]
        lines.append("")
    if result["peers"]:
        lines += ["## Peers measured in the same run", "",
                  "Speed ratio: how many times faster the first named is than the second "
                  "(> 1: the first is ahead).", "",
                  "| comparison | first | second | unit | speed ratio | threads |",
                  "|---|---:|---:|---|---:|---|"]
        for p in result["peers"]:
            lines.append("| %s | %s | %s | %s | %.2fx | %s |" % (
                p["what"], fmt(p["rena"]), fmt(p["peer"]), p["unit"], p["ratio"],
                p["threads"]))
    if result["checks"]:
        lines += ["", "## Checks", ""]
        lines += ["- %s: **%s** (%s)" % (c["name"], "ok" if c["ok"] else "FAILED", c["detail"])
                  for c in result["checks"]]
    if result["unavailable"]:
        lines += ["", "## Not measured", ""]
        lines += ["- %s: %s" % (u["suite"], u["reason"]) for u in result["unavailable"]]
    if result["notes"]:
        lines += ["", "## Notes", ""] + ["- " + n for n in result["notes"]]
    if cmp:
        lines += ["", "## Change against the older result", "", compare.markdown_report(cmp)]
    return "\n".join(lines) + "\n"


def by_group(figures):
    """(group, figures) pairs, groups in the order they first appear."""
    groups = {}
    for f in figures:
        groups.setdefault(f["group"], []).append(f)
    return list(groups.items())


def text_table(result):
    width = max([len(f["label"]) for f in result["figures"]] + [10])
    lines = []
    for group, figures in by_group(result["figures"]):
        lines.append("%s:" % group)
        lines += ["  %-*s %12s %-10s %s" % (width, f["label"], fmt(f["value"]), f["unit"],
                                            ("± " + fmt(f["mad"])) if f["mad"] else "")
                  for f in figures]
    for u in result["unavailable"]:
        lines.append("%s: %s" % (u["suite"], u["reason"]))
    for c in result["checks"]:
        lines.append("check %s: %s (%s)" % (c["name"], "ok" if c["ok"] else "FAILED",
                                            c["detail"]))
    return "\n".join(lines)
