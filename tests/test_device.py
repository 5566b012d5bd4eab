"""Device, backend and thread selection, on faked machines."""

from __future__ import annotations

import pytest

from analysis import device as D
from analysis.device import DeviceProbe, DeviceUnavailableError, available_threads, select_device
from analysis.embed import encoding_scheme, text_key
from analysis.study import EmbeddingConfig


def machine(gpu=False, cuda=False, mps=False) -> DeviceProbe:
    def boom():
        raise AssertionError("torch must not be asked when there is no sign of a GPU")

    return DeviceProbe(
        gpu_hint=lambda: gpu,
        cuda=(lambda: cuda) if gpu else boom,
        mps=(lambda: mps) if gpu else boom,
    )


def test_auto_takes_a_gpu_when_present():
    assert select_device("auto", machine()) == "cpu"
    assert select_device("auto", machine(gpu=True, cuda=True)) == "cuda"
    assert select_device("auto", machine(gpu=True, mps=True)) == "mps"
    assert select_device("auto", machine(gpu=True)) == "cpu"  # a driver node but no usable GPU


def test_a_named_device_that_is_absent_is_an_error():
    assert select_device("cuda", machine(gpu=True, cuda=True)) == "cuda"
    with pytest.raises(DeviceUnavailableError, match="no CUDA device"):
        select_device("cuda", machine(gpu=True))
    with pytest.raises(DeviceUnavailableError, match="unknown device"):
        select_device("tpu", machine())


def test_the_device_class_is_part_of_the_scheme_and_key(monkeypatch):
    cpu = EmbeddingConfig().identity()["scheme"]
    monkeypatch.setattr(D, "MACHINE", machine(gpu=True, cuda=True))
    gpu = EmbeddingConfig().identity()["scheme"]
    assert cpu.endswith("/cpu") and gpu.endswith("/cuda")
    assert text_key("m", "a", cpu) != text_key("m", "a", gpu)
    # ONNX Runtime runs on the CPU whatever the machine has.
    assert EmbeddingConfig(backend="onnx").identity()["scheme"].endswith("/onnx/cpu")


def test_backend_and_mode_are_part_of_the_scheme():
    schemes = {
        encoding_scheme(32, exact=True, backend="torch"),
        encoding_scheme(32, exact=True, backend="onnx"),
        encoding_scheme(32, exact=True, backend="onnx-int8"),
        encoding_scheme(32, exact=False, backend="torch"),
        encoding_scheme(16, exact=False, backend="torch"),
    }
    assert len(schemes) == 5
    # exact vectors do not depend on the batch size, so neither does their key
    assert encoding_scheme(1) == encoding_scheme(64)
    with pytest.raises(ValueError, match="unknown backend"):
        encoding_scheme(backend="tensorrt")


def test_threads_follow_config_env_and_affinity(monkeypatch):
    monkeypatch.setattr(D.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert available_threads() == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert available_threads() == 2
    assert available_threads(1) == 1
    assert available_threads(8) == 3  # never more than the CPUs this process may use
    monkeypatch.setenv("OMP_NUM_THREADS", "16")
    assert available_threads() == 3
