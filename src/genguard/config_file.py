"""Reading a user's YAML file into a Pydantic model, with errors that name the file and the key.

Policies, gates, self-assessments, food labels and answer banks are all hand-written YAML; a
mistake in any of them must read the same way: ``<file>: key 'a.b': <problem>``, exit non-zero.
They are all parsed with :func:`load_yaml`, which also refuses a key given twice.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from genguard.errors import ConfigError, GenguardError

M = TypeVar("M", bound=BaseModel)

_MERGE_TAG = "tag:yaml.org,2002:merge"


def load_yaml(text: str, source: str | Path) -> Any:
    """``yaml.safe_load(text)``, except that a key repeated in one mapping is a :class:`ConfigError`
    naming ``source``, the key and both lines.

    Plain YAML keeps the last of two equal keys without a word: a second ``A1:`` rule with
    ``action: allow`` further down a policy would silently switch a refusal off. Keys brought
    in by a merge (``<<: *base``) may still be overridden; that is what merges are for.
    YAML syntax errors are raised as ``yaml.YAMLError``, as from ``safe_load``."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _reject_duplicate_keys(loader, node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _reject_duplicate_keys(loader: yaml.SafeLoader, root: yaml.Node, source: str | Path) -> None:
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    visited: set[int] = set()  # an alias is the same node: walk it once (and never loop)
    while stack:
        node, path = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[Any, yaml.Node] = {}
            for key_node, value in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    stack.append((value, path))
                    continue
                key = loader.construct_object(key_node)
                where = f"{path}.{key}" if path else str(key)
                if key in first:
                    again, before = key_node.start_mark, first[key].start_mark
                    column = again.line == before.line  # a flow mapping {a: 1, a: 2}: the columns tell them apart
                    raise ConfigError(
                        f"{source}: duplicate key '{where}' at {_position(again, column)} "
                        f"(first at {_position(before, column)}); "
                        "a key may appear only once, the later one would silently replace the earlier"
                    )
                first[key] = key_node
                stack.append((value, where))


def validation_problems(exc: ValidationError) -> str:
    """``key 'a.b': msg; key 'c': msg`` for every error of a Pydantic validation."""
    return "; ".join(
        f"key '{'.'.join(str(p) for p in e['loc']) or '(top level)'}': {e['msg']}" for e in exc.errors()
    )


def unknown_options(factory: Callable[..., Any], options: Mapping[str, Any], internal: Collection[str] = ()) -> str | None:
    """``unknown option 'x'; known: a, b`` when ``options`` (from a config file) holds a name that
    ``factory`` does not take, else ``None``.

    Calling the factory with it would raise ``TypeError: _mask() got an unexpected keyword
    argument``, which names a Python function, not the user's options. ``internal`` are
    parameters the caller supplies itself (not options a user may set)."""
    params = inspect.signature(factory).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    known = [n for n, p in params.items()
             if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY) and n not in internal]
    bad = sorted(set(options) - set(known))
    if not bad:
        return None
    return f"unknown option{'s' if len(bad) > 1 else ''} {', '.join(map(repr, bad))}; known: {', '.join(known) or '(none)'}"


def _position(mark: yaml.Mark, column: bool) -> str:
    return f"line {mark.line + 1}" + (f" column {mark.column + 1}" if column else "")


def read_user_file(path: Path, what: str, error: type[GenguardError] = ConfigError) -> str:
    """The text of a file the user named (UTF-8, a leading BOM dropped), else ``error`` saying
    what is wrong in one line: missing, a directory, unreadable, or not UTF-8. ``what`` names
    the file ("answer bank", "decisions file"...)."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise error(f"{what} {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} {str(path)!r} is a directory; give a file") from None
    except UnicodeDecodeError as exc:
        raise error(f"{what} {str(path)!r}: cannot read: not UTF-8 text (invalid byte at offset {exc.start})") from None
    except OSError as exc:
        raise error(f"{what} {str(path)!r}: cannot read ({exc.strerror or exc})") from None


def load_yaml_model(path: Path, model: type[M], what: str) -> M:
    """``model`` validated from the YAML file at ``path``; ``what`` names the file in errors
    ("gates file", "food-label file"...)."""
    text = read_user_file(path, what)
    try:
        raw = load_yaml(text, path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_problems(exc)}") from None
