"""PyTorch side of `npm run bench -- --time-to-dev X` (bench/time-to-dev.ts runs this).

Reads one JSON request on stdin: the lecture split's train and dev words, the model sizes, the
initial weights our engine starts from (same tensors, same names), and the recipe (AdamW, words per
step, learning rate and its step decay, evaluation interval, target dev loss). Trains the nn.Conv1d
counterpart of our conv engine with that recipe until its dev loss reaches the target (or the steps
run out) and prints one JSON line: wall seconds, steps, the dev loss reached.
"""

import json
import sys
import time

import torch
import torch.nn.functional as F

from torch_models import PAD, ConvNet, padded_words


def load_weights(net, params, n_layers):
    """Our tensors into the nn.Conv1d model: conv.k.weight (2·Cin, H) rows [j·Cin, (j+1)·Cin) are tap j."""
    with torch.no_grad():
        net.embedding.weight.copy_(torch.tensor(params["embedding.weight"]))
        for k in range(n_layers):
            conv, bn = net.net[3 * k], net.net[3 * k + 1]
            w = torch.tensor(params[f"conv.{k}.weight"])  # (2·Cin, H)
            c_in = w.shape[0] // 2
            conv.weight.copy_(w.reshape(2, c_in, -1).permute(2, 1, 0))
            for ours, theirs in (("weight", "weight"), ("bias", "bias"), ("running_mean", "running_mean"), ("running_var", "running_var")):
                getattr(bn, theirs).copy_(torch.tensor(params[f"bn.{k}.{ours}"]))
        head = net.net[3 * n_layers]
        head.weight.copy_(torch.tensor(params["head.weight"]).t().unsqueeze(2))
        head.bias.copy_(torch.tensor(params["head.bias"]))


def dev_loss(net, dev, left, chunk=512):
    net.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(dev), chunk):
            tokens, targets, _ = padded_words(dev[i : i + chunk], left)
            logits = net(tokens)
            total += float(F.cross_entropy(logits, targets, ignore_index=PAD, reduction="sum"))
            count += int((targets != PAD).sum())
    net.train()
    return total / count


def train_to_dev(opt, step, dev_loss, req):
    """The race: step() under opt, at lr until decay_at of the steps then lr/10, dev_loss() every
    eval_every steps and at the last, until it is at most the target or the steps run out. Returns
    the JSON answer (wall seconds, steps, the dev loss reached); torch_wavenet.py races with it too."""
    steps, lr = req["steps"], req["lr"]
    decay_at = int(req["decay_at"] * steps)
    t0 = time.perf_counter()
    loss = float("inf")
    done = 0
    while done < steps:
        for group in opt.param_groups:
            group["lr"] = lr if done < decay_at else lr / 10
        step()
        done += 1
        if done % req["eval_every"] == 0 or done == steps:
            loss = dev_loss()
            if loss <= req["target"]:
                break
    return {"seconds": time.perf_counter() - t0, "steps": done, "dev_loss": loss, "reached": loss <= req["target"], "version": torch.__version__}


def main():
    req = json.load(sys.stdin)
    torch.manual_seed(req["seed"])
    torch.set_num_threads(req["threads"])
    n_layers = req["n_layers"]
    left = 2**n_layers
    net = ConvNet(req["vocab_size"], req["n_embd"], req["n_hidden"], n_layers)
    load_weights(net, req["params"], n_layers)
    tokens, targets, lengths = padded_words(req["train"], left)
    batch = req["batch"]
    opt = torch.optim.AdamW(net.parameters(), lr=req["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=req["weight_decay"])

    def step():
        ix = torch.randint(0, tokens.shape[0], (batch,))
        longest = int(lengths[ix].max())
        logits = net(tokens[ix, : left + longest])
        out = F.cross_entropy(logits, targets[ix, : longest + 1], ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()

    print(json.dumps(train_to_dev(opt, step, lambda: dev_loss(net, req["dev"], left), req)))


if __name__ == "__main__":
    main()
