#!/usr/bin/python3
"""compare.py: each figure of a benchmark result against an older one.

    benchmarks/compare.py OLD.json NEW.json

Prints every figure both results hold with its change, and flags a timing
or accuracy figure that got worse by more than the noise margin:

    worse by more than max(10% of the old value, 3 MADs)

where the MAD is the median absolute deviation of the repeated runs behind
the figure (the larger of the two results' MADs; 0 after a single run, so
then the 10% alone decides). Ratios against peers and counts are shown but
never flagged. Exit code: 0, or 3 when a figure was flagged. `benchmarks/run
--compare OLD.json` does the same right after a run. Standard library only.
"""
import json
import signal
import sys

REL_MARGIN = 0.10
MAD_MARGIN = 3.0
MARGIN_TEXT = "worse by more than max(10% of the old value, 3 MADs of the repeated runs)"
FLAGGED_KINDS = ("timing", "accuracy")


def noise_margin(old, new):
    """The change a figure may make before it is flagged, in its own unit."""
    mad = max(old.get("mad") or 0.0, new.get("mad") or 0.0)
    return max(REL_MARGIN * abs(old["value"]), MAD_MARGIN * mad)


def is_worse(old, new):
    """True when `new` is worse than `old` by more than the noise margin."""
    better = new.get("better")
    if new.get("kind") not in FLAGGED_KINDS or better not in ("lower", "higher"):
        return False
    delta = new["value"] - old["value"]
    if better == "higher":
        delta = -delta
    return delta > noise_margin(old, new)


def compare(old_result, new_result):
    """Rows (dicts) for every figure present in both results, in new's order,
    plus the ids only one side has."""
    old_by_id = {f["id"]: f for f in old_result.get("figures", [])}
    new_ids = set()
    rows = []
    for new in new_result.get("figures", []):
        new_ids.add(new["id"])
        old = old_by_id.get(new["id"])
        if old is None or old.get("value") is None or new.get("value") is None:
            continue
        change = None
        if old["value"] != 0:
            change = (new["value"] - old["value"]) / abs(old["value"])
        rows.append({"id": new["id"], "label": new["label"], "unit": new["unit"],
                     "old": old["value"], "new": new["value"], "change": change,
                     "margin": noise_margin(old, new), "worse": is_worse(old, new)})
    only_old = [i for i in old_by_id if i not in new_ids]
    only_new = [f["id"] for f in new_result.get("figures", []) if f["id"] not in old_by_id]
    return {"margin_rule": MARGIN_TEXT, "rows": rows, "only_old": only_old, "only_new": only_new,
            "old_revision": old_result.get("git", {}).get("revision"),
            "old_date": old_result.get("date"),
            "flagged": sum(1 for r in rows if r["worse"])}


def format_number(v):
    if v is None:
        return "-"
    if abs(v) >= 1000 or (v == int(v) and abs(v) < 1e15):
        return "%.0f" % v
    return "%.4g" % v


def format_change(c):
    return "-" if c is None else "%+.1f%%" % (100.0 * c)


def id_list(ids, most=8):
    more = " and %d more" % (len(ids) - most) if len(ids) > most else ""
    return "%d (%s%s)" % (len(ids), ", ".join(ids[:most]), more)


def text_report(cmp):
    lines = ["Change against %s (%s); flagged when %s." % (
        cmp["old_revision"] or "?", cmp["old_date"] or "?", cmp["margin_rule"])]
    width = max([len(r["label"]) for r in cmp["rows"]] + [10])
    for r in cmp["rows"]:
        lines.append("  %-*s %12s -> %-12s %-10s %8s%s" % (
            width, r["label"], format_number(r["old"]), format_number(r["new"]), r["unit"],
            format_change(r["change"]), "  WORSE" if r["worse"] else ""))
    if cmp["only_old"]:
        lines.append("  only in the old result: %s" % id_list(cmp["only_old"]))
    if cmp["only_new"]:
        lines.append("  new, nothing to compare with: %s" % id_list(cmp["only_new"]))
    lines.append("%d figure(s) flagged as worse." % cmp["flagged"])
    return "\n".join(lines)


def markdown_report(cmp):
    lines = ["Against revision `%s` of %s. A timing or accuracy figure is flagged when %s." % (
        cmp["old_revision"] or "?", cmp["old_date"] or "?", cmp["margin_rule"]), "",
        "| figure | old | new | unit | change | |", "|---|---:|---:|---|---:|---|"]
    for r in cmp["rows"]:
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            r["label"], format_number(r["old"]), format_number(r["new"]), r["unit"],
            format_change(r["change"]), "**worse**" if r["worse"] else ""))
    lines.append("")
    lines.append("%d figure(s) flagged as worse." % cmp["flagged"])
    return "\n".join(lines)


def load(path):
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    if not isinstance(result, dict) or not isinstance(result.get("figures"), list):
        raise ValueError("%s: not a benchmarks/run result (no 'figures' list)" % path)
    return result


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(argv) != 2 else sys.stdout)
        return 0 if len(argv) == 2 else 2
    try:
        cmp = compare(load(argv[1]), load(argv[2]))
    except (OSError, ValueError) as e:
        print("compare.py: %s" % e, file=sys.stderr)
        return 1
    print(text_report(cmp))
    return 3 if cmp["flagged"] else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main(sys.argv))
