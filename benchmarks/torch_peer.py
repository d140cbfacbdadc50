#!/usr/bin/python3
"""PyTorch peer of rena's kan-attn and mlp networks, for bench_vs_torch.sh.

The same layers and widths as core/network.h: blendshape tokens (value x
per-token vector + bias + sinusoidal PE, d=8), pre-norm single-head
self-attention, a shared d->1 token projection, head pose concatenated, then
an efficient-kan style 3-layer KAN (SiLU base + cubic B-splines on tanh(x),
grid 5 on [-1,1]) 55->16->16->25, sigmoid; and the MLP 55->64->64->25.

Measures single-frame inference (batch 1, no_grad, 1 thread) and one training
epoch (7,200 samples, batch 256, Adam, MSE + 0.01 * consistency, 2 threads).
Prints JSON. Needs Debian's python3-torch; run with /usr/bin/python3.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn

N_BS, N_SERVO, D, HID_KAN, HID_MLP = 52, 25, 8, 16, 64
PAIRS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 10), (9, 11)]  # eye and brow L/R


class KANLinear(nn.Module):
    def __init__(self, n_in, n_out, grid=5, order=3, lo=-1.0, hi=1.0):
        super().__init__()
        h = (hi - lo) / grid
        knots = torch.arange(-order, grid + order + 1, dtype=torch.float32) * h + lo
        self.register_buffer("knots", knots)
        self.order, self.lo, self.hi = order, lo, hi
        nb = grid + order
        bound = 1 / math.sqrt(n_in)
        self.base = nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound))
        self.coef = nn.Parameter(torch.empty(n_out, n_in, nb).uniform_(-0.01, 0.01))
        self.scale = nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound))

    def bases(self, u):  # Cox-de Boor, as efficient-kan
        g = self.knots
        x = u.unsqueeze(-1)
        b = ((x >= g[:-1]) & (x < g[1:])).to(u.dtype)
        for k in range(1, self.order + 1):
            b = ((x - g[: -(k + 1)]) / (g[k:-1] - g[: -(k + 1)]) * b[..., :-1]) + (
                (g[k + 1:] - x) / (g[k + 1:] - g[1:(-k)]) * b[..., 1:])
        return b

    def forward(self, x):
        u = self.lo + (torch.tanh(x) + 1) * 0.5 * (self.hi - self.lo)
        base = nn.functional.linear(nn.functional.silu(x), self.base)
        w = self.coef * self.scale.unsqueeze(-1)
        spline = nn.functional.linear(self.bases(u).reshape(x.shape[0], -1),
                                      w.reshape(w.shape[0], -1))
        return base + spline


class KanAttn(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(N_BS, D))
        self.b = nn.Parameter(torch.zeros(D))
        pos = torch.arange(N_BS, dtype=torch.float32).unsqueeze(1)
        i2 = torch.arange(D) - torch.arange(D) % 2
        ang = pos / torch.pow(10000.0, i2 / D)
        pe = torch.where(torch.arange(D) % 2 == 0, torch.sin(ang), torch.cos(ang))
        self.register_buffer("pe", pe)
        self.norm = nn.LayerNorm(D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.proj = nn.Linear(D, 1)
        self.head = nn.Sequential(KANLinear(N_BS + 3, HID_KAN), KANLinear(HID_KAN, HID_KAN),
                                  KANLinear(HID_KAN, N_SERVO))

    def forward(self, x):
        t = x[:, :N_BS, None] * self.w + self.b + self.pe
        u = self.norm(t)
        a = torch.softmax(self.q(u) @ self.k(u).transpose(1, 2) / math.sqrt(D), dim=-1)
        h = t + self.o(a @ self.v(u))
        z = torch.cat([self.proj(h).squeeze(-1), x[:, N_BS:]], dim=1)
        return torch.sigmoid(self.head(z))


def mlp():
    return nn.Sequential(nn.Linear(N_BS + 3, HID_MLP), nn.SiLU(), nn.Linear(HID_MLP, HID_MLP),
                         nn.SiLU(), nn.Linear(HID_MLP, N_SERVO), nn.Sigmoid())


def loss_fn(y, t, lam=0.01):
    con = sum((y[:, l] - y[:, r]).abs() for l, r in PAIRS)
    return ((y - t) ** 2).mean() + lam * con.mean()


def measure(name, net, x, t):
    torch.set_num_threads(1)
    net.eval()
    times = []
    with torch.no_grad():
        for i in range(2000):
            f = x[i % x.shape[0]].unsqueeze(0)
            t0 = time.perf_counter()
            net(f)
            times.append(time.perf_counter() - t0)
    times.sort()
    torch.set_num_threads(2)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    epochs = []
    for _ in range(3):
        t0 = time.perf_counter()
        perm = torch.randperm(7200)
        for b in range(0, 7200, 256):
            idx = perm[b:b + 256]
            opt.zero_grad()
            loss_fn(net(x[idx]), t[idx]).backward()
            opt.step()
        epochs.append(time.perf_counter() - t0)
    return {"arch": name, "params": sum(p.numel() for p in net.parameters()),
            "median_us": 1e6 * times[len(times) // 2], "p99_us": 1e6 * times[int(0.99 * len(times))],
            "epoch_s_2t": min(epochs), "torch": torch.__version__,
            "inference_threads": 1, "training_threads": 2}


def main():
    torch.manual_seed(1)
    x = torch.rand(8000, N_BS + 3)
    t = torch.rand(8000, N_SERVO)
    out = [measure("kan-attn", KanAttn(), x, t), measure("mlp", mlp(), x, t)]
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
