"""Forward passes of a sentence-transformers model: torch, or ONNX Runtime (fp32 / int8).

A runner turns a batch of tokenised texts (same-length rows, no padding) into
unit-length vectors. The ONNX models are exported locally from the installed model
(never downloaded) and cached under ``<cache dir>/onnx/``; the int8 model is ONNX
Runtime's dynamic quantisation of that export.

Row independence: with one intra-op thread, a torch CPU forward pass gives every row the
same bits whatever the other rows are, once a matrix product has at least
``MIN_ROWS`` rows (``benchmarks/encoding.py`` shows the measurement; below 16 rows, and
with two threads for some shapes, MKL picks other kernels). Dynamic int8 quantisation
scales activations per tensor, so there a row depends on its companions: the int8
runner is never row-independent and encodes texts one at a time in the exact scheme.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BACKENDS = ("torch", "onnx", "onnx-int8")
MIN_ROWS = 16  # token rows per matrix product from which MKL's sgemm is row-independent


def single_thread() -> None:
    """Pin the calling thread's torch/OpenMP/MKL pools to one thread."""
    import torch

    torch.set_num_threads(1)


class TorchRunner:
    row_independent = True

    def __init__(self, model: Any, device: str):
        self.model = model
        self.device = device

    def __call__(self, features: dict[str, Any]) -> np.ndarray:
        import torch

        with torch.inference_mode():
            batch = {k: v.to(self.device) for k, v in features.items()}
            out = self.model(batch)["sentence_embedding"]
            out = torch.nn.functional.normalize(out, p=2, dim=1)
            return out.float().cpu().numpy()


class OnnxRunner:
    """The model's transformer in ONNX Runtime, its pooling (and any later module) in torch."""

    def __init__(self, model: Any, onnx_path: Path, int8: bool):
        import onnxruntime as ort

        self.model = model
        self.row_independent = not int8
        opts = ort.SessionOptions()
        # One thread per call: calls run in parallel from the encoder's worker threads,
        # which keeps rows independent and never oversubscribes the cores.
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(
            str(onnx_path), opts, providers=["CPUExecutionProvider"]
        )
        self.inputs = [i.name for i in self.session.get_inputs()]

    def __call__(self, features: dict[str, Any]) -> np.ndarray:
        import torch

        feeds = {name: features[name].numpy().astype(np.int64) for name in self.inputs}
        (tokens,) = self.session.run(["token_embeddings"], feeds)
        with torch.inference_mode():
            out: dict[str, Any] = {
                "token_embeddings": torch.from_numpy(tokens),
                "attention_mask": features["attention_mask"],
            }
            for module in list(self.model)[1:]:
                out = module(out)
            emb = torch.nn.functional.normalize(out["sentence_embedding"], p=2, dim=1)
            return emb.float().numpy()


def onnx_model_path(model: Any, model_id: str, cache_dir: Path, int8: bool) -> Path:
    """Export (once) the model's transformer to ONNX under ``cache_dir/onnx/``."""
    import torch

    try:
        import onnxruntime
    except ImportError as exc:
        from analysis.errors import ModelUnavailableError

        raise ModelUnavailableError(
            "embedding.backend onnx needs ONNX Runtime, which is not installed",
            hint="pip install onnxruntime onnx  (or run `make install`), or use backend: torch",
        ) from exc

    tag = hashlib.sha256(
        f"{model_id}\n{torch.__version__}\n{onnxruntime.__version__}".encode()
    ).hexdigest()[:16]
    folder = cache_dir / "onnx" / tag
    fp32 = folder / "model.onnx"
    int8_path = folder / "model-int8.onnx"
    if not fp32.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _export(model, fp32)
    if int8 and not int8_path.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = int8_path.with_name(f".{int8_path.name}.{os.getpid()}.tmp")
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
        os.replace(tmp, int8_path)
        log.info("quantised %s to int8: %s", model_id, int8_path)
    return int8_path if int8 else fp32


def _export(model: Any, target: Path) -> None:
    import torch

    transformer = model[0].auto_model
    names = ["input_ids", "attention_mask"]
    if getattr(transformer.config, "type_vocab_size", 0):
        names.append("token_type_ids")

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(names, args, strict=True))).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["token_embeddings"] = {0: "batch", 1: "tokens"}
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with torch.inference_mode():
        torch.onnx.export(
            Wrapped(transformer).eval(),
            example,
            str(tmp),
            input_names=names,
            output_names=["token_embeddings"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, target)
    log.info("exported the model to ONNX: %s", target)
