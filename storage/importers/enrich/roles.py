"""Who hosts, funds or co-organises a meeting, from its description: "Hosted by the Government
of Kenya", "Funded by Germany and the European Union", "with the generous support of Japan",
"at the invitation of …", "in cooperation with …". Names are cut at the first word that
starts another clause ("… through the Japan Biodiversity Fund", "… at its headquarters"), and
"the Government of X" is X when X is a country."""

from __future__ import annotations

import re

from storage.importers.enrich import gazetteer

_CUES = {
    "hosts": r"hosted\s+by|at\s+the\s+(?:kind\s+)?invitation\s+of|host(?:s|ed)?\s*:",
    "funders": (
        r"(?:co-?)?funded\s+by|financed\s+by|sponsored\s+by|paid\s+for\s+by|supported\s+by"
        r"|with\s+(?:the\s+)?(?:generous\s+|kind\s+|financial\s+)*(?:support|funding|contribution"
        r"|sponsorship)s?\s+(?:of|from)|thanks\s+to\s+(?:the\s+)?(?:generous\s+)?"
        r"(?:support|funding|contribution)s?\s+(?:of|from)|funding\s+from"
    ),
    "partners": (
        r"(?:co-?)?organi[sz]ed\s+(?:jointly\s+)?(?:by|with)|in\s+(?:close\s+)?(?:cooperation"
        r"|collaboration|partnership)\s+with|jointly\s+with"
    ),
}
_CUE = re.compile("|".join(f"(?P<{role}>{cue})" for role, cue in _CUES.items()), re.I)
# A name ends at a clause break, or a word that starts a new clause.
_END = re.compile(
    r"[.;:\n]|,\s+(?!(?:and\s+)?(?:the\s+)?[A-Z])|\s(?:through|at|in|for(?!\s+[A-Z])|to|under|who|which"
    r"|as|on|during|via|from|since|with|while|where|whose|hosted|funded|organi[sz]ed"
    r"|supported|sponsored)\s"
)
_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_GOVERNMENT = re.compile(
    r"^(?:the\s+)?(?:Government|Governments|Republic)\s+of\s+(?:the\s+)?", re.I
)


def _clean(name: str) -> str | None:
    name = re.sub(r"\s*\([^)]*\)", "", name).strip(" ,.;:'\"")
    bare = _GOVERNMENT.sub("", name)
    if bare != name and gazetteer.country(bare):
        name = bare
    name = re.sub(r"^the\s+", "", name, flags=re.I)
    if not name or not name[:1].isupper() or len(name) > 120:
        return None
    return name


def _names(text: str) -> list[str]:
    text = re.sub(r"\s*\([^)]*\)", "", text)
    ends = [m.start() for m in (_END.search(text), _CUE.search(text)) if m]
    phrase = re.sub(r"(?:\s+(?:and|or)|,)+$", "", text[: min(ends, default=len(text))])
    whole = _clean(phrase)
    if whole and gazetteer.country(whole):  # "Trinidad and Tobago"
        return [whole]
    return [n for n in (_clean(p) for p in _SPLIT.split(phrase)) if n]


def read_roles(text: str) -> dict[str, list[str]]:
    """{"hosts": [...], "funders": [...], "partners": [...]} named in a description."""
    out: dict[str, list[str]] = {}
    for m in _CUE.finditer(text):
        role = m.lastgroup or ""
        for name in _names(text[m.end() :].lstrip()):
            found = out.setdefault(role, [])
            if name not in found:
                found.append(name)
    return out
