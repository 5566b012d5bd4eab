"""Which compute device and how many threads a model runs on.

One small function each, shared by every model the project runs (the sentence encoder,
a fine-tuned scorer): :func:`select_device` and :func:`available_threads`.

``select_device("auto")`` must stay cheap, because the device class is part of every
embedding cache key and so is needed even on a warm run that loads no model. It imports
torch only when the machine shows a sign of a GPU (an NVIDIA device node, or Apple
silicon), and otherwise answers ``"cpu"`` at once.
"""

from __future__ import annotations

import glob
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass

from analysis.errors import FramingError

DEVICES = ("auto", "cpu", "cuda", "mps")


class DeviceUnavailableError(FramingError):
    """A device was asked for by name but this machine (or this torch build) lacks it."""


@dataclass(frozen=True)
class DeviceProbe:
    """What the machine offers; a test replaces it with a fake machine."""

    gpu_hint: Callable[[], bool]
    cuda: Callable[[], bool]
    mps: Callable[[], bool]


def _gpu_hint() -> bool:
    apple_silicon = platform.system() == "Darwin" and platform.machine() == "arm64"
    return apple_silicon or bool(glob.glob("/dev/nvidia[0-9]*"))


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _mps() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


MACHINE = DeviceProbe(gpu_hint=_gpu_hint, cuda=_cuda, mps=_mps)


def select_device(requested: str = "auto", probe: DeviceProbe | None = None) -> str:
    """The device class to run on: ``cpu``, ``cuda`` or ``mps``.

    ``auto`` takes a CUDA GPU, else Apple's MPS, else the CPU. Naming a device that is
    absent is an error (never a silent fallback: the device class is part of the
    embedding scheme, so a silent change would re-encode a corpus under another key).
    """
    probe = probe or MACHINE
    if requested not in DEVICES:
        raise DeviceUnavailableError(
            f"unknown device {requested!r}", hint=f"use one of {', '.join(DEVICES)}"
        )
    if requested == "cpu":
        return "cpu"
    if requested == "auto":
        if not probe.gpu_hint():
            return "cpu"
        if probe.cuda():
            return "cuda"
        return "mps" if probe.mps() else "cpu"
    available = probe.cuda() if requested == "cuda" else probe.mps()
    if not available:
        raise DeviceUnavailableError(
            f"embedding.device is {requested!r} but this machine (or its torch build) has no "
            f"{requested.upper()} device",
            hint="set `embedding: {device: auto}` (or cpu) in study.yaml",
        )
    return requested


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, e.g. under taskset or SLURM)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity mask
        return max(1, os.cpu_count() or 1)


def available_threads(requested: int | None = None) -> int:
    """Worker threads: ``requested``, else ``OMP_NUM_THREADS``, else the usable CPUs.

    Never more than the CPUs this process may use: more threads than cores only make
    them wait on each other, and on a shared machine that is what makes a job crawl.
    """
    cpus = available_cpus()
    if requested is None:
        env = os.environ.get("OMP_NUM_THREADS", "").strip()
        requested = int(env) if env.isdigit() and int(env) > 0 else cpus
    return max(1, min(int(requested), cpus))
