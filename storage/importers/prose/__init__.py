"""Meetings read out of prose documents (.txt, .docx, .pdf): the reader and its parts."""

from storage.importers.prose.assemble import ProseResult, extract, read_prose

__all__ = ["ProseResult", "extract", "read_prose"]
