"""The reference of ``study.yaml``, generated from the pydantic models so it cannot drift.

Every model reachable from :class:`analysis.study.StudyConfig` becomes a section; every
field a row with its key, type, default and the one-sentence ``description`` it is
declared with. ``framing config-reference`` (or ``make config-reference``) rewrites
``corpora/study-yaml-reference.md``; a test fails when that file is stale or a field has no
description.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from analysis.paths import project_root
from analysis.study import StudyConfig

REFERENCE_PATH = "corpora/study-yaml-reference.md"


@dataclass(frozen=True)
class Section:
    path: str  # dotted key of the model in study.yaml ("" for the top level)
    model: type[BaseModel]


def sections(root: type[BaseModel] = StudyConfig) -> list[Section]:
    """Every model reachable from ``root``, depth first, each once at its first path."""
    out: list[Section] = []
    seen: set[type[BaseModel]] = set()

    def visit(path: str, model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        out.append(Section(path, model))
        for name, info in model.model_fields.items():
            for sub, suffix in _models_in(info.annotation):
                visit(_join(path, name) + suffix, sub)

    visit("", root)
    return out


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _models_in(annotation: Any, suffix: str = "") -> Iterator[tuple[type[BaseModel], str]]:
    """Models inside an annotation, with how the key continues ("[]" for list items)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, suffix
        return
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple, set):
        for arg in args:
            yield from _models_in(arg, suffix + "[]")
    elif origin is dict:
        yield from _models_in(args[1], suffix + ".<key>")
    elif origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _models_in(arg, suffix)


def missing_descriptions(root: type[BaseModel] = StudyConfig) -> list[str]:
    """Dotted keys of fields declared without a description."""
    return [
        _join(section.path, name)
        for section in sections(root)
        for name, info in section.model.model_fields.items()
        if not (info.description or "").strip()
    ]


def type_name(annotation: Any) -> str:
    """A short, YAML-minded name of a field's type."""
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "mapping"
        return {
            str: "string",
            int: "integer",
            float: "number",
            bool: "boolean",
            date: "date (YYYY-MM-DD)",
        }.get(annotation, annotation.__name__)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Literal:
        return " | ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is tuple:
        return f"[{', '.join(type_name(a) for a in args)}]"
    if origin is dict:
        return f"mapping {type_name(args[0])} → {type_name(args[1])}"
    return str(annotation)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.default_factory() if info.default_factory is not None else info.default
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, BaseModel):
        return "see below"
    return f"`{_yaml_value(value)}`"


def _yaml_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, str):
        return (
            json.dumps(value, ensure_ascii=False)
            if value == "" or value != value.strip()
            else value
        )
    return json.dumps(value, ensure_ascii=False, default=str)


def constraints(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        if isinstance(meta, Ge):
            parts.append(f"≥ {meta.ge}")
        elif isinstance(meta, Gt):
            parts.append(f"> {meta.gt}")
        elif isinstance(meta, Le):
            parts.append(f"≤ {meta.le}")
        elif isinstance(meta, Lt):
            parts.append(f"< {meta.lt}")
        elif isinstance(meta, MinLen):
            parts.append(f"at least {meta.min_length}")
        elif isinstance(meta, MaxLen):
            parts.append(f"at most {meta.max_length}")
        elif getattr(meta, "pattern", None):
            parts.append(f"matches `{meta.pattern}`")
    return ", ".join(parts)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped, and angle brackets outside
    code spans escaped (Markdown renderers would read ``<name>`` as an HTML tag)."""
    parts = " ".join(text.split()).replace("|", "\\|").split("`")
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts)


def _anchor(path: str) -> str:
    return "".join(c for c in (path or "top-level").lower() if c.isalnum() or c in "-_")


def render(root: type[BaseModel] = StudyConfig) -> str:
    """The whole reference as Markdown."""
    secs = sections(root)
    where = {sec.model: sec.path for sec in secs}
    lines = [
        "# `study.yaml` reference",
        "",
        "<!-- Generated by `framing config-reference` from the pydantic models in",
        "analysis/study.py; do not edit by hand (tests/test_config_reference.py checks it). -->",
        "",
        "Every key a study's `study.yaml` may hold, with its type, default and meaning. Unknown",
        "keys are errors, so a typo never falls back to a default silently. Keys of a section",
        "are written nested (`scoring: {method: supervised}`); `[]` marks the items of a list",
        "and `<key>` the values of a mapping. See `corpora/demo/study.yaml` for a commented",
        "example.",
        "",
        "Sections:",
        "",
    ]
    for sec in secs:
        lines.append(f"- [`{sec.path or '(top level)'}`](#{_anchor(sec.path)})")
    for sec in secs:
        doc = (sec.model.__doc__ or "").strip()
        if sec.model.__doc__ == BaseModel.__doc__:
            doc = ""
        lines += ["", f'<a id="{_anchor(sec.path)}"></a>', ""]
        lines += [f"## `{sec.path or '(top level)'}`", ""]
        if doc:
            lines += [" ".join(doc.split("\n\n")[0].split()).replace("``", "`"), ""]
        lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
        for name, info in sec.model.model_fields.items():
            key = _join(sec.path, name)
            kind = type_name(info.annotation)
            limits = constraints(info)
            if limits:
                kind += f" ({limits})"
            meaning = _cell(info.description or "")
            for model, _ in _models_in(info.annotation):
                meaning += f" See [`{where[model]}`](#{_anchor(where[model])})."
            lines.append(f"| `{key}` | {_cell(kind)} | {_cell(default_text(info))} | {meaning} |")
    return "\n".join(lines) + "\n"


def reference_file() -> str:
    return str(project_root() / REFERENCE_PATH)
