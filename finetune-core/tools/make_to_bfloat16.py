"""Writes finetune-core's bfloat16 cast: a TorchScript module whose forward is x.to(torch.bfloat16).

DJL 0.35.1's PyTorch engine has no bfloat16 data type in its native layer (naming one ends the
JVM), so the library makes its bf16 tensors by running this module; autograd records the cast.
Run with any torch >= 1.10 (the checked-in file was written by Debian's torch 1.13):

    python3 finetune-core/tools/make_to_bfloat16.py
"""
import pathlib

import torch


class ToBfloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


if __name__ == "__main__":
    out = pathlib.Path(__file__).resolve().parent.parent / (
        "src/main/resources/dev/finetune/core/model/to_bfloat16.pt")
    torch.jit.script(ToBfloat16()).save(str(out))
    print("wrote", out)
