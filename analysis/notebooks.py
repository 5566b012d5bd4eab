"""Execute the project's jupytext notebooks for a study, with HTML exports.

Notebooks live in ``notebooks/`` as py:percent files with a cell tagged
``parameters`` holding ``study = "demo"``. Executed copies go to
``build/<study>/notebooks/`` and are build products, never committed.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jupytext
import nbformat
import papermill

from analysis.io import write_text
from analysis.study import Study, project_root

log = logging.getLogger(__name__)


def notebook_sources(folder: Path | None = None) -> list[Path]:
    return sorted((folder or project_root() / "notebooks").glob("[0-9][0-9]_*.py"))


def execute(source: Path, study: Study, html: bool = True, kernel: str = "python3") -> Path:
    """Run ``source`` with ``study`` as parameter; write .ipynb (and .html); return the .ipynb."""
    out_dir = study.build_dir / "notebooks"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{source.stem}.ipynb"
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    log.info("executing %s for study %s", source.name, study.name)
    executed = papermill.execute_notebook(
        nb,
        None,
        parameters={"study": str(study.root)},
        kernel_name=kernel,
        cwd=str(project_root()),
        progress_bar=False,
        log_output=False,
    )
    write_text(target, nbformat.writes(executed))
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(executed)
        write_text(target.with_suffix(".html"), body)
    return target
