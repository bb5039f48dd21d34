"""PyTorch counterparts for `npm run bench` (bench/torch.ts runs this).

Reads one JSON request on stdin (the encoded training words, the model sizes, the time budgets, the
thread counts, the matmul shapes of our hot kernels) and prints one JSON line: training targets/s of
the lecture's tree model and of an nn.Conv1d model over whole words (at both batch sizes) at each thread count, matmul
GFLOP/s at the first thread count, and this process's peak RSS. With "mode": "serve_conv" in that
request it instead answers rate requests, one JSON line each (bench/lecture-rounds.ts).
"""

import json
import os
import re
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD = -100  # F.cross_entropy's default ignore_index: padded targets do not count


def measure(work, warmup_s, measure_s):
    """Units per second of `work` over measure_s, after warmup_s; at least one call each."""
    run_for(work, warmup_s)
    return run_for(work, measure_s)


def run_for(work, seconds):
    t0 = time.perf_counter()
    units = 0
    while True:
        units += work()
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return units / elapsed


# --- the lecture's tree model: windows of 2^n characters, pairs merged n times --------------------


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        return x.squeeze(1) if x.shape[1] == 1 else x


class BatchNormLast(nn.Module):
    """nn.BatchNorm1d over the last dim, reducing over every other one, as the lecture's BatchNorm1d."""

    def __init__(self, size):
        super().__init__()
        self.bn = nn.BatchNorm1d(size)

    def forward(self, x):
        return self.bn(x.reshape(-1, x.shape[-1])).view(x.shape)


def tree_model(V, n_embd, n_hidden, n_layers):
    layers = [nn.Embedding(V, n_embd)]
    for k in range(n_layers):
        fan_in = 2 * (n_embd if k == 0 else n_hidden)
        layers += [FlattenConsecutive(2), nn.Linear(fan_in, n_hidden, bias=False), BatchNormLast(n_hidden), nn.Tanh()]
    layers.append(nn.Linear(n_hidden, V))
    return nn.Sequential(*layers)


def windows(words, block):
    xs, ys = [], []
    for w in words:
        context = [0] * block
        for ch in w + [0]:
            xs.append(context)
            ys.append(ch)
            context = context[1:] + [ch]
    return torch.tensor(xs), torch.tensor(ys)


# --- the conv counterpart of our engine: causal dilated Conv1d over whole padded words -----------


class ConvNet(nn.Module):
    """(B, 2^n + T) tokens → (B, V, T + 1) logits: valid convs shrink the 2^n − 1 left dots away."""

    def __init__(self, V, n_embd, n_hidden, n_layers):
        super().__init__()
        self.embedding = nn.Embedding(V, n_embd)
        layers = []
        for k in range(n_layers):
            c_in = n_embd if k == 0 else n_hidden
            layers += [nn.Conv1d(c_in, n_hidden, kernel_size=2, dilation=2**k, bias=False), nn.BatchNorm1d(n_hidden), nn.Tanh()]
        layers.append(nn.Conv1d(n_hidden, V, kernel_size=1))
        self.net = nn.Sequential(*layers)

    def forward(self, idx):
        return self.net(self.embedding(idx).transpose(1, 2))


def padded_words(words, left):
    """Every word left-padded with `left` dots (its receptive field), right-padded to the longest."""
    longest = max(len(w) for w in words)
    tokens = torch.zeros(len(words), left + longest, dtype=torch.long)
    targets = torch.full((len(words), longest + 1), PAD, dtype=torch.long)
    for i, w in enumerate(words):
        tokens[i, left : left + len(w)] = torch.tensor(w, dtype=torch.long)
        targets[i, : len(w) + 1] = torch.tensor(w + [0], dtype=torch.long)
    lengths = torch.tensor([len(w) for w in words])
    return tokens, targets, lengths


# --- training steps, as the lecture writes them: forward, loss, backward, SGD ---------------------


def sgd_step(model, loss, lr):
    for p in model.parameters():
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad


def tree_step(model, X, Y, batch, lr):
    ix = torch.randint(0, X.shape[0], (batch,))
    sgd_step(model, F.cross_entropy(model(X[ix]), Y[ix]), lr)
    return batch


def conv_step(model, data, left, batch, lr):
    tokens, targets, lengths = data
    ix = torch.randint(0, tokens.shape[0], (batch,))
    longest = int(lengths[ix].max())
    logits = model(tokens[ix, : left + longest])
    sgd_step(model, F.cross_entropy(logits, targets[ix, : longest + 1], ignore_index=PAD), lr)
    return int((lengths[ix] + 1).sum())  # real targets, not padding


# --- sampling from given weights, as the lecture does: the whole model on the last block per character


def load_lecture_weights(model, weights):
    """Our checkpoint's tensors as name → {shape, data} (the bench's request) into tree_model's modules."""
    lecture_from_tensors(model, {name: torch.tensor(w["data"], dtype=torch.float32).view(w["shape"]) for name, w in weights.items()})


def lecture_from_tensors(model, t):
    """Our checkpoint's tensors (name → tensor) into tree_model's modules; Linear weights are (out, in) here."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    norms = [m.bn for m in model if isinstance(m, BatchNormLast)]
    with torch.no_grad():
        model[0].weight.copy_(t["embedding.weight"])
        for k, (linear, bn) in enumerate(zip(linears, norms)):
            linear.weight.copy_(t[f"conv.{k}.weight"].T)
            for name in ("weight", "bias", "running_mean", "running_var"):
                getattr(bn, name).copy_(t[f"bn.{k}.{name}"])
        linears[-1].weight.copy_(t["head.weight"].T)
        linears[-1].bias.copy_(t["head.bias"])
    model.eval()


@torch.no_grad()
def lecture_loop(model, block, max_chars, count, g):
    """`count` names, the lecture's loop, one at a time; returns them and their characters (the final '.' not counted)."""
    chars = 0
    for _ in range(count):
        context = [0] * block
        out = []
        while True:
            logits = model(torch.tensor([context]))
            probs = F.softmax(logits, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=g).item()
            context = context[1:] + [ix]
            out.append(ix)
            if ix == 0 or len(out) >= max_chars:
                break
        chars += len(out) - (out[-1] == 0)
    return count, chars


@torch.no_grad()
def lecture_batched(model, block, max_chars, batch, count, g):
    """The same loop on `batch` contexts at once, a finished row restarting with a new name, until
    `count` names; returns the names and their characters (the final '.' not counted)."""
    context = torch.zeros(batch, block, dtype=torch.long)
    length = torch.zeros(batch, dtype=torch.long)
    names = chars = 0
    while names < count:
        probs = F.softmax(model(context), dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).squeeze(1)
        context = torch.cat([context[:, 1:], ix[:, None]], dim=1)
        length += 1
        finished = (ix == 0) | (length >= max_chars)
        done = int(finished.sum())
        if done:
            names += done
            chars += int(length[finished].sum()) - int((ix[finished] == 0).sum())
            context[finished] = 0
            length[finished] = 0
    return names, chars


def sampling_rates(model, block, gen, warmup, budget):
    """names/s of both loops, and the mean name length (it should match ours: the same weights)."""
    g = torch.Generator().manual_seed(0)

    def loop():
        return lecture_loop(model, block, gen["max_chars"], gen["names_per_single_call"], g)[0]

    def batched():
        return lecture_batched(model, block, gen["max_chars"], gen["batch"], gen["names_per_batched_call"], g)

    names, chars = batched()
    return {"loop": measure(loop, warmup, budget), "batched": measure(lambda: batched()[0], warmup, budget), "mean_chars": chars / names}


def matmul_gflops(shapes, seconds):
    pairs = [(torch.randn(m, k), torch.randn(k, n)) for m, k, n in shapes]
    flops = sum(2 * m * k * n for m, k, n in shapes)

    def work():
        for a, b in pairs:
            a @ b
        return flops

    return measure(work, min(0.3, seconds), seconds) / 1e9


def serve_conv(req, cfg, block):
    """The nn.Conv1d model's training rate per request line ({threads, batch, warmup_s, measure_s}) until
    stdin ends, after a first line with the version and the BLAS; the last line: peak RSS."""
    print(json.dumps({"version": torch.__version__, "blas": blas()}), flush=True)
    conv = ConvNet(*cfg)
    data = padded_words(req["words"], block)
    for line in sys.stdin:
        ask = json.loads(line)
        torch.set_num_threads(ask["threads"])
        rate = measure(lambda: conv_step(conv, data, block, ask["batch"], req["lr"]), ask["warmup_s"], ask["measure_s"])
        print(json.dumps({"threads": ask["threads"], "batch": ask["batch"], "targets_per_s": rate}), flush=True)
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


def blas():
    """The BLAS torch was built for and the one its process has loaded (Debian's torch links libblas.so.3, an alternative)."""
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=[^,\s]*", config)
    info = found.group(0) if found else "BLAS_INFO unknown"
    torch.ones(8, 8) @ torch.ones(8, 8)  # the library is loaded by now
    with open("/proc/self/maps") as maps:
        paths = sorted({os.path.realpath(line.split()[-1]) for line in maps if any(k in line.lower() for k in ("blas", "mkl", "blis", "atlas"))})
    names = " ".join(paths).lower() + " " + info.lower()
    kind = next((k for k in ("openblas", "mkl", "blis", "atlas") if k in names), None)
    if kind is None:
        kind = "reference" if any("libblas" in os.path.basename(p) for p in paths) else "unknown"
    return {"info": info, "libraries": paths, "kind": kind}


def main():
    req = json.loads(sys.stdin.readline())
    torch.manual_seed(req["seed"])
    cfg = (req["vocab_size"], req["n_embd"], req["n_hidden"], req["n_layers"])
    block = 2 ** req["n_layers"]
    if req.get("mode") == "serve_conv":
        serve_conv(req, cfg, block)
        return
    words, batch, lr = req["words"], req["batch"], req["lr"]
    warmup, budget = req["warmup_s"], req["measure_s"]

    tree = tree_model(*cfg)
    X, Y = windows(words, block)
    conv = ConvNet(*cfg)
    data = padded_words(words, block)
    gen = req["generation"]
    sampler = tree_model(*cfg)
    load_lecture_weights(sampler, gen["weights"])
    train = []
    sampling = []
    for threads in req["threads"]:
        torch.set_num_threads(threads)
        conv_rate = measure(lambda: conv_step(conv, data, block, batch, lr), warmup, budget)
        conv_large = measure(lambda: conv_step(conv, data, block, req["large_batch"], lr), warmup, budget)
        tree_rate = measure(lambda: tree_step(tree, X, Y, batch, lr), warmup, budget)
        train.append({"threads": threads, "conv": conv_rate, "conv_large": conv_large, "tree": tree_rate})
        sampling.append({"threads": threads, **sampling_rates(sampler, block, gen, gen["warmup_s"], gen["measure_s"])})
    torch.set_num_threads(req["threads"][0])  # matmuls at the machine's thread count
    out = {
        "version": torch.__version__,
        "train_targets_per_s": train,
        "generation_names_per_s": sampling,
        "matmul_gflops": matmul_gflops([req["matmul"]], req["kernel_s"]),
        "kernel_gflops": {name: matmul_gflops(shapes, req["kernel_s"]) for name, shapes in req["kernel_matmuls"].items()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
