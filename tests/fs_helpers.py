"""Read-only folders and full disks for tests, for root as for anyone else.

Root ignores file permissions, so for root a folder is made read-only with a read-only
bind mount, and a small full disk is a tmpfs of a few kilobytes. Both are undone when
the block ends; where mounting is not allowed the test is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _umount(folder: Path) -> None:
    # lazily: a file the test left open must not leave the mount behind
    subprocess.run(["umount", "-l", str(folder)], check=True, capture_output=True)


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` read-only for this process, root included (a read-only bind mount)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        for p in [folder, *folder.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p in [folder, *folder.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
            folder.chmod(mode)
        return
    mounted = False
    try:
        subprocess.run(
            ["mount", "--bind", str(folder), str(folder)], check=True, capture_output=True
        )
        mounted = True
        subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        pytest.skip(f"cannot make a read-only folder as root here ({exc})")
    try:
        yield
    finally:
        # lazily: a connection the test failed to close must not leave the mount behind
        subprocess.run(["umount", "-l", str(folder)], check=True)


@contextlib.contextmanager
def full_disk(folder: Path, size_kb: int = 16):
    """Mount a tiny tmpfs on ``folder`` (root only), so writes there run out of space."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a tmpfs mount, which needs root")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here ({exc})")
    try:
        yield
    finally:
        _umount(folder)
