#!/usr/bin/python3
"""Prints the numbers CompileTests.Weights_and_outputs_match_the_pytorch_reference checks: the reference
networks of ../shared/bench/pytorch_reference.py built after torch.manual_seed(7) (dropout 0), the sums of
their parameters, the first and last values, and the eval-mode log-probabilities of sample 0 of
torch.randn(2, C, H, W) drawn after torch.manual_seed(3). Run with Debian's python3-torch (1.13)."""
import os, sys, importlib.util, torch
spec = importlib.util.spec_from_file_location("ref", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "bench", "pytorch_reference.py"))
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
torch.set_printoptions(precision=10)
for ds, cls in (("mnist", ref.Mnist8k), ("cifar10", ref.Cifar50k)):
    for norm in ("bn", "gn"):
        torch.manual_seed(7)
        m = cls(norm, 0.0)
        names = [n for n, _ in m.named_parameters()]
        s = sum(p.double().sum().item() for p in m.parameters())
        a = sum(p.double().abs().sum().item() for p in m.parameters())
        first = m.named_parameters().__next__()[1].flatten()[:4].tolist()
        last = list(m.named_parameters())[-1][1].flatten()[-3:].tolist()
        torch.manual_seed(3)
        x = torch.randn(2, *( (1,28,28) if ds=="mnist" else (3,32,32)))
        m.eval()
        with torch.no_grad(): y = m(x)
        print(ds, norm, len(names), names[:3], names[-2:], repr(s), repr(a), [repr(v) for v in first], [repr(v) for v in last], y[0].tolist())
