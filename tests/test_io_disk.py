"""Outputs on a read-only folder or a full disk: the project's error, naming the file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.errors import OutputError
from analysis.io import atomic_path, write_table
from tests.fs_helpers import full_disk, read_only


def test_a_read_only_build_folder_names_the_file_and_the_remedy(tmp_path):
    build = tmp_path / "build"
    build.mkdir()
    target = build / "demo" / "articles.parquet"
    with read_only(build), pytest.raises(OutputError, match="FRAMING_BUILD_DIR") as info:
        write_table(pd.DataFrame({"a": [1]}), target, {"stage": "test"})
    assert str(target) in info.value.message


def test_a_full_disk_names_the_file_and_the_remedy(tmp_path):
    disk = tmp_path / "disk"
    target = disk / "demo" / "big.parquet"
    big = pd.DataFrame({"x": np.random.default_rng(0).normal(size=100_000)})
    with full_disk(disk), pytest.raises(OutputError, match="free some space") as info:
        write_table(big, target, {"stage": "test"})
    assert str(target) in info.value.message
    assert not target.exists()


def test_other_errors_inside_the_block_are_not_disguised(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "out.txt"):
        (tmp_path / "missing" / "input.txt").read_text()
    assert not (tmp_path / "out.txt").exists()
