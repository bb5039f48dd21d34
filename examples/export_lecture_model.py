"""Export a model trained with the lecture's notebook (makemore part 5) to a checkpoint that
`makemore eval|sample|info --checkpoint FILE` loads: safetensors, float32, this project's tensor
names, and the vocabulary in the metadata. Standard library + torch only (no safetensors package).

In the notebook, after training:
    from export_lecture_model import export
    export(model, itos, 'lecture.safetensors')
Or run this file to export a freshly initialised lecture model (a smoke test):
    /usr/bin/python3 examples/export_lecture_model.py /tmp/lecture.safetensors
"""
import json
import struct
import sys


def lecture_tensors(model):
    """The lecture's Sequential([Embedding, (FlattenConsecutive, Linear, BatchNorm1d, Tanh) * n, Linear])
    under this project's names. Linear weights are already (fan_in, fan_out), as we store them."""
    layers = model.layers
    out = {'embedding.weight': layers[0].weight}
    k = 0
    for i in range(1, len(layers) - 1, 4):
        _, linear, bn, _ = layers[i:i + 4]
        out[f'conv.{k}.weight'] = linear.weight
        out[f'bn.{k}.weight'] = bn.gamma
        out[f'bn.{k}.bias'] = bn.beta
        out[f'bn.{k}.running_mean'] = bn.running_mean
        out[f'bn.{k}.running_var'] = bn.running_var
        k += 1
    out['head.weight'] = layers[-1].weight
    out['head.bias'] = layers[-1].bias
    return out


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().to('cpu').float().contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)  # the format's 8-byte alignment
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))


def export(model, itos, path):
    vocab = ''.join(itos[i] for i in range(len(itos)))
    assert vocab[0] == '.', "the lecture's vocabulary puts '.' at index 0"
    write_safetensors(path, lecture_tensors(model), {'vocab': vocab})


if __name__ == '__main__':
    import torch

    class Linear:
        def __init__(self, fan_in, fan_out, bias=True):
            self.weight = torch.randn((fan_in, fan_out)) / fan_in**0.5
            self.bias = torch.zeros(fan_out) if bias else None

    class BatchNorm1d:
        def __init__(self, dim):
            self.gamma, self.beta = torch.ones(dim), torch.zeros(dim)
            self.running_mean, self.running_var = torch.zeros(dim), torch.ones(dim)

    class Embedding:
        def __init__(self, num, dim):
            self.weight = torch.randn((num, dim))

    class Placeholder:  # FlattenConsecutive and Tanh hold no tensors
        pass

    class Sequential:
        def __init__(self, layers):
            self.layers = layers

    torch.manual_seed(42)
    n_embd, n_hidden, vocab_size = 24, 128, 27
    layers = [Embedding(vocab_size, n_embd)]
    for fan_in in (n_embd * 2, n_hidden * 2, n_hidden * 2):
        layers += [Placeholder(), Linear(fan_in, n_hidden, bias=False), BatchNorm1d(n_hidden), Placeholder()]
    layers.append(Linear(n_hidden, vocab_size))
    itos = {0: '.', **{i + 1: chr(ord('a') + i) for i in range(26)}}
    export(Sequential(layers), itos, sys.argv[1] if len(sys.argv) > 1 else 'lecture.safetensors')
