#!/bin/sh
# bench_vs_torch.sh BUILD_DIR: rena's C networks against the same networks in
# PyTorch (Debian python3-torch), measured in one run. Inference: one frame,
# one thread on both sides. Training: one epoch of 7,200 samples, batch 256,
# two threads on both sides. Prints the figures and the ratios.
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
c_json=$("$build/benchmarks/bench_model" --json --frames 5000 --arch kan-attn)
c_json_mlp=$("$build/benchmarks/bench_model" --json --frames 5000 --arch mlp)
t_json=$(/usr/bin/python3 "$here/torch_peer.py")
/usr/bin/python3 - "$c_json" "$c_json_mlp" "$t_json" <<'PY'
import json, sys
c = {r["arch"]: r for r in json.loads(sys.argv[1]) + json.loads(sys.argv[2])}
t = {r["arch"]: r for r in json.loads(sys.argv[3])}
print("%-9s %8s %8s | %12s %12s %8s | %10s %10s %8s" % (
    "arch", "params", "torch", "rena us", "torch us", "speedup", "rena s/ep", "torch s/ep", "speedup"))
for a in ("kan-attn", "mlp"):
    rc, rt = c[a], t[a]
    print("%-9s %8d %8d | %12.2f %12.2f %7.1fx | %10.3f %10.3f %7.1fx" % (
        a, rc["params"], rt["params"], rc["median_us"], rt["median_us"],
        rt["median_us"] / rc["median_us"], rc["epoch_s_2t"], rt["epoch_s_2t"],
        rt["epoch_s_2t"] / rc["epoch_s_2t"]))
print("inference: 1 thread each (median of single frames); training: 2 threads each; torch",
      t["mlp"]["torch"])
PY
