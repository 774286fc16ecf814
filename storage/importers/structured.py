"""YAML and JSON: a list of meetings, or a mapping with `meetings:` (and optional `document:`
used as every meeting's source document). JSON is read by the YAML parser so rows keep lines."""

from __future__ import annotations

from typing import Any

import yaml

from storage.importers import ImportFormatError, Row


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so an impossible date is a row error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_rows(text: str) -> list[Row]:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ImportFormatError(mark.line + 1 if mark else 1, f"cannot parse: {e}") from None
    if root is None:
        return []
    document: str | None = None
    items = root
    if isinstance(root, yaml.MappingNode):
        top = {k.value: v for k, v in root.value}
        if "meetings" not in top:
            raise ImportFormatError(root.start_mark.line + 1, "expected a `meetings:` list")
        items = top["meetings"]
        doc_node = top.get("document")
        document = yaml.load(yaml.serialize(doc_node), Loader=_Loader) if doc_node else None
    if not isinstance(items, yaml.SequenceNode):
        raise ImportFormatError(items.start_mark.line + 1, "expected a list of meetings")
    rows: list[Row] = []
    for node in items.value:
        line = node.start_mark.line + 1
        raw: Any = yaml.load(yaml.serialize(node), Loader=_Loader)
        if not isinstance(raw, dict):
            raise ImportFormatError(line, "each meeting must be a mapping of fields")
        if document and isinstance(raw.get("source", {}), dict):
            raw.setdefault("source", {})
            raw["source"].setdefault("document", document)
        rows.append((line, raw))
    return rows
