"""Execute the project's jupytext notebooks for a study, with HTML exports.

Notebooks live in ``notebooks/`` as py:percent files with a cell tagged
``parameters`` holding ``study = "demo"``. Executed copies go to
``build/<study>/notebooks/`` and are build products, never committed.

Beside each executed notebook goes ``<name>.d``, a make rule naming the tables the
notebook read (recorded by :func:`analysis.pipeline.load_table`), so ``make`` re-runs a
notebook only when its source or one of those tables changes, the way a compiler's
``-MD`` files work.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import jupytext
import nbformat
import papermill

from analysis import paths
from analysis.io import write_text
from analysis.study import Study

log = logging.getLogger(__name__)


# nbconvert's lab template without the require.js, MathJax, mermaid and widget scripts it
# would load from CDNs when the page is opened (issue 11): the HTML makes no request.
OFFLINE_TEMPLATE = Path(__file__).with_name("templates") / "offline.html.j2"


def notebook_sources(folder: Path | None = None) -> list[Path]:
    return sorted((folder or paths.project_root() / "notebooks").glob("[0-9][0-9]_*.py"))


def execute(source: Path, study: Study, html: bool = True, kernel: str = "python3") -> Path:
    """Run ``source`` with ``study`` as parameter; write .ipynb, .html and .d; return .ipynb."""
    out_dir = study.build_dir / "notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{source.stem}.ipynb"
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    log.info("executing %s for study %s", source.name, study.name)
    reads = out_dir / f".{source.stem}.reads"
    reads.unlink(missing_ok=True)
    # The kernel inherits the environment: it records the tables it reads, and reads them
    # from this study's build root (not necessarily the default ``build/``).
    # No progress bars in a kernel: tqdm's notebook bar needs ipywidgets and otherwise
    # writes "IProgress not found" into every executed notebook.
    kernel_env = {
        paths.RECORD_READS_ENV: str(reads),
        paths.BUILD_DIR_ENV: str(study.build_root),
        "TQDM_DISABLE": "1",
    }
    previous = {key: os.environ.get(key) for key in kernel_env}
    os.environ.update(kernel_env)
    try:
        with tempfile.TemporaryDirectory(prefix="framing-kernel-") as sockets:
            executed = papermill.execute_notebook(
                nb,
                None,
                parameters={"study": str(study.root)},
                kernel_name=kernel,
                cwd=str(paths.project_root()),
                progress_bar=False,
                log_output=False,
                config=_local_sockets(Path(sockets)),
            )
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    _strip_volatile(executed)
    write_text(target, nbformat.writes(executed))
    if html:
        write_text(target.with_suffix(".html"), notebook_html(executed))
    tables = sorted(set(reads.read_text(encoding="utf-8").split())) if reads.exists() else []
    reads.unlink(missing_ok=True)
    write_text(out_dir / f"{source.stem}.d", _make_rule(target, source, tables))
    return target


MAX_SOCKET_BASE = 80  # bytes; leaves room for "-<pid>-<channel>" under the 104-byte cap


def _local_sockets(folder: Path):
    """Kernel channels over Unix sockets in ``folder``, not TCP ports on localhost: no
    other user or process on the machine can reach the kernel, no port can be taken by a
    parallel run, and the kernel does not warn about unencrypted TCP on every notebook."""
    from traitlets.config import Config

    base = folder / "kernel"
    # ZeroMQ's ipc transport is for Unix sockets, whose paths hold at most ~104 bytes
    # ("<base>-<pid>-<n>" is appended): elsewhere, or under a long TMPDIR, keep TCP.
    if os.name != "posix" or len(os.fsencode(base)) > MAX_SOCKET_BASE:
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": str(base)}})


def _make_rule(target: Path, source: Path, tables: list[str]) -> str:
    """``target: source tables…`` (the Makefile's pattern rule says how tables are made)."""
    deps = [paths.for_make(source), *(paths.for_make(Path(t)) for t in tables)]
    return f"{paths.for_make(target)}: {' '.join(deps)}\n"


def _strip_volatile(nb) -> None:
    """Drop execution timestamps so re-running on unchanged inputs gives the same file."""
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"  # jupytext and papermill assign random ids
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def notebook_html(notebook) -> str:
    """``notebook`` as a self-contained HTML page that loads nothing from the network."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_file=str(OFFLINE_TEMPLATE)).from_notebook_node(notebook)
    return body
