"""YAML, JSON and JSON lines: a list of meetings, or a mapping with `meetings:` (and optional
`document:` used as every meeting's source document); JSON lines, one meeting a line.

All three are read a meeting at a time, each row keeping the line it starts on: YAML through
PyYAML's event API (one meeting's nodes composed at a time), JSON with the standard library's
`raw_decode` walking the list value by value through a window on the file (ijson streams too,
but tells no positions, and FILE:LINE is what a bad row is reported as), JSON lines line by
line. When `document:` comes after `meetings:`, YAML holds the meetings until it is read; JSON
reads them again from where they start.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

import yaml

from storage.importers import Found, ImportFormatError, Row


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so an impossible date is a row error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_rows(text: str) -> list[Row]:
    """The rows of a YAML document (JSON is YAML too, but `read_json` reads it far faster)."""
    return list(stream_yaml(text))


def _with_document(line: int, raw: Any, document: Any) -> Row:
    if not isinstance(raw, dict):
        raise ImportFormatError(line, "each meeting must be a mapping of fields")
    if document and isinstance(raw.get("source", {}), dict):
        raw.setdefault("source", {})
        raw["source"].setdefault("document", document)
    return line, raw


# --- YAML --------------------------------------------------------------------------------------


def stream_yaml(stream: str | TextIO) -> Iterator[Row]:
    """The rows of a YAML document, composed and read one meeting at a time."""
    loader = _Loader(stream)
    try:
        yield from _yaml_rows(loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ImportFormatError(mark.line + 1 if mark else 1, f"cannot parse: {e}") from None
    finally:
        loader.dispose()


def _yaml_rows(loader: _Loader) -> Iterator[Row]:
    loader.get_event()  # StreamStart
    if loader.check_event(yaml.StreamEndEvent):
        return
    loader.get_event()  # DocumentStart
    if loader.check_event(yaml.ScalarEvent) and loader.peek_event().value in ("", "~", "null"):
        return  # an empty document
    if loader.check_event(yaml.SequenceStartEvent):
        yield from _yaml_items(loader, None)
    elif loader.check_event(yaml.MappingStartEvent):
        start = loader.get_event().start_mark
        document: Any = None
        held: list[Row] | None = None
        while not loader.check_event(yaml.MappingEndEvent):
            key = loader.construct_object(_node(loader))
            if key == "document":
                document = loader.construct_object(_node(loader), deep=True)
            elif key == "meetings" and held is None:
                if not loader.check_event(yaml.SequenceStartEvent):
                    line = loader.peek_event().start_mark.line + 1
                    raise ImportFormatError(line, "expected a list of meetings")
                if document is not None:
                    yield from _yaml_items(loader, document)
                    held = []
                else:  # the document may come after the meetings: hold them until the end
                    held = list(_yaml_items(loader, None))
            else:
                _node(loader)
        if held is None:
            raise ImportFormatError(start.line + 1, "expected a `meetings:` list")
        for line, raw in held:
            yield _with_document(line, raw, document)
    else:
        line = loader.peek_event().start_mark.line + 1
        raise ImportFormatError(line, "expected a list of meetings")


def _node(loader: _Loader) -> yaml.Node:
    """The next node, composed with its children (and nothing after it)."""
    node = loader.compose_node(None, None)  # type: ignore[arg-type]
    assert node is not None
    return node


def _yaml_items(loader: _Loader, document: Any) -> Iterator[Row]:
    loader.get_event()  # SequenceStart
    while not loader.check_event(yaml.SequenceEndEvent):
        node = _node(loader)
        raw = loader.construct_object(node, deep=True)
        loader.constructed_objects.clear()  # keep memory flat: nothing refers back
        yield _with_document(node.start_mark.line + 1, raw, document)
    loader.get_event()  # SequenceEnd


# --- JSON --------------------------------------------------------------------------------------

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"
CHUNK = 1 << 20  # characters of a JSON stream read at a time


def read_json(text: str) -> Found:
    """The rows of a JSON document, decoded one meeting at a time (`progress` tells how far)."""
    stream = io.StringIO(text)
    found = stream_json(stream)
    found.progress = lambda: stream.tell() / max(len(text), 1)
    return found


def stream_json(stream: TextIO) -> Found:
    """The rows of a JSON stream (seekable: meetings before their `document:` are read twice),
    holding about one chunk of its text at a time."""
    return Found(stream=_JsonWalk(stream).rows())


class _JsonWalk:
    """Walks a JSON stream value by value, knowing each value's line. `text` is a window on
    the stream: `at` is a position in it, `start` where it begins in the stream."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.eof = stream, False
        self.text, self.at, self.start = "", 0, 0
        self._line, self._line_at = 1, 0  # the line at window position `_line_at`

    def line(self, at: int) -> int:
        self._line += self.text.count("\n", self._line_at, at)
        self._line_at = at
        return self._line

    def more(self) -> bool:
        """Read on (at least as much again as the window holds); drop what was passed."""
        if self.eof:
            return False
        chunk = self.stream.read(max(CHUNK, len(self.text) - self.at))
        if not chunk:
            self.eof = True
            return False
        self.line(self.at)
        self.text, self.start = self.text[self.at :] + chunk, self.start + self.at
        self._line_at, self.at = 0, 0
        return True

    def goto(self, offset: int, line: int) -> None:
        """Read on from `offset` characters into the stream, on `line`."""
        self.stream.seek(0)
        passed = 0
        while passed < offset and (chunk := self.stream.read(min(CHUNK, offset - passed))):
            passed += len(chunk)
        self.text, self.at, self.start, self.eof = "", 0, offset, False
        self._line, self._line_at = line, 0

    def skip(self) -> str:
        """Skip white space; the next character ("" at the end)."""
        while True:
            text, at = self.text, self.at
            while at < len(text) and text[at] in _SPACE:
                at += 1
            self.at = at
            if at < len(text) or not self.more():
                return text[at : at + 1] if at < len(text) else ""

    def value(self) -> Any:
        self.skip()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError as e:
                if self.more():
                    continue  # the value goes on past the window
                line = self.line(self.at) + self.text.count("\n", self.at, e.pos)
                raise ImportFormatError(line, f"cannot parse: {e.msg}") from None
            if end < len(self.text) or not self.more():  # a number may go on past the window
                self.at = end
                return value

    def expect(self, char: str) -> None:
        if self.skip() != char:
            raise ImportFormatError(self.line(self.at), f"cannot parse: expected {char!r}")
        self.at += 1

    def rows(self) -> Iterator[Row]:
        first = self.skip()
        if first == "":
            return
        if first == "[":
            yield from self.items(None)
        elif first == "{":
            yield from self.mapping()
        else:
            raise ImportFormatError(self.line(self.at), "expected a list of meetings")
        if self.skip() != "":
            raise ImportFormatError(self.line(self.at), "cannot parse: extra data after the end")

    def items(self, document: Any) -> Iterator[Row]:
        self.expect("[")
        if self.skip() == "]":
            self.at += 1
            return
        while True:
            self.skip()
            line = self.line(self.at)
            yield _with_document(line, self.value(), document)
            if self.skip() == "]":
                self.at += 1
                return
            self.expect(",")

    def mapping(self) -> Iterator[Row]:
        start = self.line(self.at)
        self.expect("{")
        document: Any = None
        meetings_at: tuple[int, int] | None = None  # (offset, line)
        streamed = False
        while self.skip() != "}":
            key = self.value()
            self.expect(":")
            if key == "meetings" and meetings_at is None:
                if self.skip() != "[":
                    raise ImportFormatError(self.line(self.at), "expected a list of meetings")
                meetings_at = self.start + self.at, self.line(self.at)
                if document is not None:
                    yield from self.items(document)
                    streamed = True
                else:  # the document may follow: skip the meetings now, read them after it
                    self.skip_value()
            elif key == "document":
                document = self.value()
            else:
                self.skip_value()
            if self.skip() == ",":
                self.at += 1
            elif self.skip() != "}":
                raise ImportFormatError(self.line(self.at), "cannot parse: expected ',' or '}'")
        self.at += 1
        if meetings_at is None:
            raise ImportFormatError(start, "expected a `meetings:` list")
        if not streamed:
            end = self.start + self.at, self.line(self.at)
            self.goto(*meetings_at)
            yield from self.items(document)
            self.goto(*end)

    def skip_value(self) -> None:
        """Pass over one value, a list's items one at a time (never the whole list at once)."""
        if self.skip() != "[":
            self.value()
            return
        self.at += 1
        while self.skip() != "]":
            self.value()
            if self.skip() == ",":
                self.at += 1
            elif self.skip() != "]":
                raise ImportFormatError(self.line(self.at), "cannot parse: expected ',' or ']'")
        self.at += 1


# --- JSON lines --------------------------------------------------------------------------------


def stream_lines(stream: TextIO, errors: list[tuple[int, str]]) -> Iterator[Row]:
    """One meeting per line; a line that is not a JSON object is added to `errors`."""
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as e:
            errors.append((line, f"cannot parse: {e.msg} (column {e.colno})"))
            continue
        if not isinstance(raw, dict):
            errors.append((line, "each meeting must be a JSON object of fields"))
            continue
        yield line, raw


def stream_json_lines(stream: TextIO) -> Found:
    found = Found()
    found.stream = stream_lines(stream, found.errors)
    return found
