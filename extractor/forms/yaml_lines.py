"""YAML with line numbers, turned into frozen dataclasses with every key checked.

`load_yaml` keeps the line of every mapping, so a validation error can say `full_h30.yaml:42`.
`build(cls, data, where)` makes a dataclass from a mapping: unknown keys, missing required keys
and values of the wrong shape fail loudly with the file and line.  Nested dataclasses, tuples,
`dict[str, X]` and `X | None` are built from their annotations.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from extractor.errors import SpecError

T = TypeVar("T")


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers the line it starts on (1-based)."""

    line: int = 0


# libyaml's parser when PyYAML has it (about 8x faster; the marks, so the lines, are the same)
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    data = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    data.line = node.start_mark.line + 1
    return data


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.2 booleans only: `no:` (a risk's number) is a key, not False, and `なし` stays text.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path.name}: not valid YAML: {exc}") from exc


def where(path: str, data: object) -> str:
    """`file.yaml:12` for a mapping read by `load_yaml`, else just the file name."""
    line = getattr(data, "line", 0)
    return f"{path}:{line}" if line else path


def build(cls: type[T], data: object, path: str, hints: dict[str, Any] | None = None) -> T:
    """A `cls` dataclass from a YAML mapping; every key must be a field of `cls`."""
    at = where(path, data)
    if not isinstance(data, dict):
        raise SpecError(f"{at}: expected a mapping for {cls.__name__}, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise SpecError(f"{at}: unknown key(s) {unknown} in {cls.__name__}; allowed: {sorted(fields)}")
    hints = hints or type_hints(cls)
    values = {}
    for name, f in fields.items():
        if name in data:
            values[name] = convert(hints[name], data[name], path, f"{at} {name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SpecError(f"{at}: {cls.__name__} needs the key {name!r}")
    return cls(**values)


def type_hints(cls: type) -> dict[str, Any]:
    """`typing.get_type_hints(cls)`, resolved once per class (it evaluates every annotation); read only."""
    return _type_hints(cls)


_type_hints = functools.cache(typing.get_type_hints)


def convert(hint: Any, value: Any, path: str, at: str) -> Any:
    """`value` converted to the annotated type `hint` (dataclass, tuple, dict, scalar, optional)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return convert(inner, value, path, at)
    if origin is typing.Literal:
        if value not in args:
            raise SpecError(f"{at}: {value!r} is not one of {list(args)}")
        return value
    if dataclasses.is_dataclass(hint):
        return build(hint, value, path)  # type: ignore[arg-type]
    if origin is tuple:
        items = value if isinstance(value, list) else [value]
        item_type = args[0]
        return tuple(convert(item_type, v, path, at) for v in items)
    if origin is dict:
        if not isinstance(value, dict):
            raise SpecError(f"{at}: expected a mapping, got {type(value).__name__}")
        return {str(k): convert(args[1], v, path, f"{at}.{k}") for k, v in value.items()}
    return _scalar(hint, value, at)


def _scalar(hint: Any, value: Any, at: str) -> Any:
    if hint is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is bool and isinstance(value, bool):
        return value
    if hint is Any:
        return value
    raise SpecError(f"{at}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
