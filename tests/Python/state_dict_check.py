#!/usr/bin/python3
"""Does PyTorch take a Norms export as its own state_dict?

Reads a safetensors state_dict with its own parser (Debian has no safetensors module: 8-byte little-endian header length,
JSON header, raw little-endian data), builds the reference network of ../shared/bench/pytorch_reference.py, loads the
weights with load_state_dict(strict=True) (every name and shape must match; a missing, extra or reshaped tensor fails),
evaluates the images given to it (a safetensors file holding "images", F32 [N, C, H, W], already normalized) in eval mode,
and writes the log-probabilities as raw little-endian float32, N x classes, row-major.

usage: state_dict_check.py MODEL.safetensors IMAGES.safetensors OUT.f32 --dataset mnist|cifar10 --norm bn|gn|ln --reference DIR
"""
import argparse, json, os, struct, sys

import numpy as np
import torch

DTYPES = {"F32": np.dtype("<f4"), "I64": np.dtype("<i8")}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    body = data[8 + n:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("images")
    p.add_argument("out")
    p.add_argument("--dataset", required=True, choices=["mnist", "cifar10"])
    p.add_argument("--norm", required=True, choices=["bn", "gn", "ln"])
    p.add_argument("--reference", required=True, help="the folder holding pytorch_reference.py")
    a = p.parse_args()
    sys.path.insert(0, a.reference)
    from pytorch_reference import make_model

    torch.set_num_threads(1)
    model = make_model(a.dataset, a.norm, 0.0)
    model.load_state_dict(read_safetensors(a.model), strict=True)
    model.eval()
    images = read_safetensors(a.images)["images"]
    with torch.no_grad():
        out = model(images)
    with open(a.out, "wb") as f:
        f.write(out.numpy().astype("<f4").tobytes())
    print(f"ok: {len(images)} images, {sum(t.numel() for t in model.state_dict().values())} state values")


if __name__ == "__main__":
    main()
