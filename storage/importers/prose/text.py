"""From a file (.txt, .docx, .pdf) to the blocks of a document: headings, paragraphs, list items.

Each block knows its line in the text, its paragraph number (the document's own "15." when it
numbers paragraphs, else the block's rank), the section heading above it and, for a list item,
the sentence that introduces the list ("… were held as follows:").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from storage.importers.prose.dates import normalise

PROSE_FORMATS = ("txt", "docx", "pdf")


class UnreadableDocument(ValueError):
    pass


def read_document_text(path: Path, fmt: str) -> str:
    """The plain text of a .txt, .docx or .pdf file (tables as one row a line)."""
    if fmt == "txt":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise UnreadableDocument("not UTF-8 or Windows-1252 text")
    if fmt == "docx":
        return _docx_text(path)
    if fmt == "pdf":
        return _pdf_text(path)
    raise UnreadableDocument(f"not a prose format: {fmt}")


def _docx_text(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as e:
        raise UnreadableDocument(f"not a Word document ({e})") from None
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style = (item.style.name if item.style is not None else "") or ""
            text = item.text.strip()
            if style.lower().startswith(("heading", "title")) and text:
                lines.append("")  # a heading always starts a block
            lines.append(text)
            if style.lower().startswith(("heading", "title")):
                lines.append("")
        elif isinstance(item, Table):
            lines.append("")
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # merged cells repeat
                        cells.append(text)
                lines.append(" | ".join(cells))
            lines.append("")
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not our errors

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise UnreadableDocument(f"not a readable PDF ({e})") from None
    return "\n\n".join(pages)


@dataclass
class Block:
    kind: str  # heading | para | item
    text: str
    line: int
    number: str | None = None
    heading: str | None = None
    intro: str | None = None
    section: int = 0  # index of the heading this block sits under


@dataclass
class Document:
    name: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    symbol: str | None = None


_NUMBERED = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})+|\d{1,3}(?=\.))\.?\s+(?=\S)")  # "15.", "2.1"
_BULLET = re.compile(r"^\s*(?:[•\-*–▪◦·●]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\))\s+")
_MARKER_ONLY = re.compile(r"^\s*(?:[IVXLC]{1,6}|[A-Z]|\d{1,2}(?:\.\d{1,2})*)\.?\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A labelled field of a meeting's record: "Date: 22-24 April 2024", "Venue: Tashkent"
FIELD_LINE = re.compile(
    r"^\s*(?P<label>Dates?|Venue|Place|Location|Lieu|Fecha|Lugar)\s*:\s*(?P<value>\S.*)$", re.I
)
_HEADING_MARKER = re.compile(r"^(?:[IVXLC]{1,6}|[A-H])\.\s+(?=[A-Z])")
_SYMBOL = re.compile(r"^\s*([A-Z][A-Za-z()]*(?:/[A-Za-z0-9().\-]+){2,})\s*$")


def _is_heading(text: str, *, marked: bool = False) -> bool:
    """A short line without closing punctuation; longer when it follows "II." or "A."."""
    words = text.split()
    if not words or len(words) > (30 if marked else 18) or len(text) > (240 if marked else 140):
        return False
    if text.rstrip().endswith((".", ";", ",")) and not _MARKER_ONLY.match(text):
        return False
    if re.search(r"[.!?]\s+[A-Z]", text) or (text.rstrip().endswith(":") and len(words) > 5):
        return False  # sentences, or the lead-in of a list
    if text.isupper() and len(words) <= 12:
        return True
    return text[0].isupper() or text[0].isdigit()


def _lines_to_blocks(lines: list[str]) -> list[tuple[int, str]]:
    """Join hard-wrapped lines into blocks; keep one block a line when lines are long."""
    lengths = sorted(len(x) for x in lines if x.strip())
    typical = lengths[int(len(lengths) * 0.9)] if lengths else 0
    wrapped = 0 < typical <= 200
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            blocks.append((start, " ".join(s.strip() for s in current)))
            current.clear()

    for no, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        new_block = (
            not current
            or not wrapped
            or _NUMBERED.match(line) is not None
            or _BULLET.match(line) is not None
            or _MD_HEADING.match(line) is not None
            or "|" in line
            or FIELD_LINE.match(line) is not None
        )
        if current and wrapped and not new_block:
            prev = current[-1].rstrip()
            ends_sentence = prev.endswith((".", ":", ";", "!", "?"))
            short_prev = len(prev) < 0.7 * typical
            if (ends_sentence and short_prev and stripped[0].isupper()) or (
                _is_heading(prev) and short_prev and not prev.endswith((",", "-"))
            ):
                new_block = True
        if new_block:
            flush()
            start = no
        current.append(stripped)
    flush()
    return blocks


def parse_document(text: str, *, name: str) -> Document:
    """Split normalised text into headings, paragraphs and list items."""
    text = normalise(text)
    doc = Document(name=name, text=text)
    raw = _lines_to_blocks(text.split("\n"))
    for _, block_text in raw[:15]:
        m = _SYMBOL.match(block_text)
        if m:
            doc.symbol = m.group(1)
            break
    numbered = any(_NUMBERED.match(t) for _, t in raw)
    heading: str | None = None
    section = 0
    pending_marker = ""
    intro: str | None = None
    bulleted = False  # the current list's items have bullets, so a line without one ends it
    last_number: str | None = None
    rank = 0
    for line, block_text in raw:
        stripped = _MD_HEADING.sub("", block_text).strip()
        if (marker := _HEADING_MARKER.match(stripped)) and _is_heading(stripped[marker.end() :]):
            stripped = stripped[marker.end() :]  # "I. Opening of the meeting"
            pending_marker = marker.group(0)
        if _MARKER_ONLY.match(stripped):
            pending_marker = stripped
            continue
        m = _NUMBERED.match(stripped)
        number = m.group(1) if m else None
        body = stripped[m.end() :].strip() if m else stripped
        bullet = _BULLET.match(body)
        if bullet:
            body = body[bullet.end() :].strip()
        if bulleted and bullet is None:
            intro = None  # "- the Forum, …;" then a paragraph: the list is over
        is_item = bullet is not None or (
            intro is not None and (number is None or number == last_number) and len(body) < 400
        )
        marked = bool(pending_marker)
        numbered_title = (
            number is not None and len(body.split()) <= 8 and not re.search(r"\d", body)
        )
        if (
            not is_item
            and (number is None or numbered_title)  # "2. Outreach" is a heading
            and _is_heading(body, marked=marked)
            and "|" not in body
        ):
            heading = body
            section += 1
            doc.blocks.append(Block("heading", body, line, heading=body, section=section))
            intro = None
            pending_marker = ""
            continue
        pending_marker = ""
        if number is None and not numbered:
            rank += 1
            number = str(rank)
        elif number is None:
            number = last_number
        kind = "item" if is_item and intro is not None else "para"
        if bullet is not None and intro is None:
            kind = "item"
        doc.blocks.append(
            Block(kind, body, line, number=number, heading=heading,
                  intro=intro if kind == "item" else None, section=section)
        )  # fmt: skip
        bulleted = kind == "item" and bullet is not None
        if kind == "para":
            intro = _last_sentence(body) if body.rstrip().endswith(":") else None
        last_number = number
    return doc


def line_of(doc: Document, block: Block, sentence: str) -> int:
    """The line of the document where `sentence` of `block` begins (the block's first line
    when the sentence is not written as such, e.g. a title and dates put together)."""
    lines = doc.text.split("\n")
    start = " ".join(sentence.split()[:4])
    for no in range(block.line, min(block.line + 60, len(lines) + 1)):
        if start and start in " ".join(lines[no - 1].split()):
            return no
    return block.line


def _last_sentence(text: str) -> str:
    parts = split_sentences(text)
    return parts[-1] if parts else text


_ABBREV = re.split(
    r"\s+",
    "Mr Mrs Ms Dr No Nos St Mt Ft para paras e.g i.e etc Corr Rev Add Vol Ref art arts Inc Ltd "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec approx cf vs Amb Prof H.E U.S U.K",
)
_ABBREV_RE = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in _ABBREV) + r")\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a ';' ends one too: list items are often run together)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start : m.start()]
        if _ABBREV_RE.search(piece) or re.search(r"\b[A-Z]\.$", piece):
            continue
        out.append(piece.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]
