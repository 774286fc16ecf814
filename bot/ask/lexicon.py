"""The lexicon: every phrase a question may use (kinds, series, short names, regions,
continents, cities, countries, organisations), folded, with what it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from bot.ask.vocabulary import Vocabulary
from bot.ask.words import CONTINENTS, EXTRA_REGIONS, KIND_PHRASES, STOPWORDS
from storage import places


@dataclass(frozen=True)
class Entity:
    type: str  # kind | series | short | region | continent | city | country | org
    value: object
    label: str


class Lexicon:
    """Every phrase a question may use, folded, with what it names."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.phrases: dict[str, list[Entity]] = {}
        self.caps_phrases: dict[str, list[Entity]] = {}  # only when written in capitals
        for phrase, kind in KIND_PHRASES.items():
            self._add(phrase, Entity("kind", kind, kind.label))
        for folded, name in vocab.series.items():
            self._add(_spaced(folded), Entity("series", name, name))
        for folded, name in vocab.series_names.items():
            self._add(_spaced(folded), Entity("series", name, name))
        for squashed, name in vocab.short_names.items():
            self._add(_spaced(places.fold(name)), Entity("short", name, name))
            self._add(squashed, Entity("short", name, name))
            split = re.match(r"^([a-z]+)(\d+)$", squashed)
            if split:
                self._add(f"{split.group(1)} {split.group(2)}", Entity("short", name, name))
            for word in _spaced(places.fold(name)).split():
                if len(word) >= 3 and word not in STOPWORDS:
                    self._add(word, Entity("short", name, name))
        for alias, region in {**places.REGION_ALIASES, **EXTRA_REGIONS}.items():
            if region != places.GLOBAL:
                self._add(_spaced(alias), Entity("region", region, region))
        for region in places.REGIONS:
            if region != places.GLOBAL:
                self._add(_spaced(places.fold(region)), Entity("region", region, region))
        for name, codes in CONTINENTS.items():
            self._add(name, Entity("continent", codes, name.title()))
        for folded, city in vocab.cities.items():
            self._add(_spaced(folded), Entity("city", city, city))
        for key, code in _country_phrases().items():
            self._add(key, Entity("country", code, places.country_name(code)))
        for code in self._store_countries():
            for word in demonyms(places.country_name(code)):
                if word not in STOPWORDS and word not in vocab.words:
                    self._add(word, Entity("country", code, places.country_name(code)))
        for folded, name in vocab.organisations.items():
            self._add(_spaced(folded), Entity("org", name, name))
        for name in vocab.organisations.values():
            for alias, caps_only in org_aliases(name):
                entity = Entity("org", name, name)
                if caps_only:
                    self.caps_phrases.setdefault(alias, []).append(entity)
                elif alias not in self.phrases:
                    self._add(alias, entity)
        self.max_words = max((len(p.split()) for p in self.phrases), default=1)

    def _store_countries(self) -> set[str]:
        """The countries of the store's meetings and organisations."""
        codes = set(self.vocab.countries)
        codes.update(c for n in self.vocab.organisations.values() if (c := places.country_code(n)))
        return codes

    def _add(self, phrase: str, entity: Entity) -> None:
        phrase = phrase.strip()
        if not phrase:
            return
        entities = self.phrases.setdefault(phrase, [])
        if entity not in entities:
            entities.append(entity)

    @cached_property
    def fuzzy_choices(self) -> dict[str, str]:
        """Names worth correcting typos towards (cities, countries in the store, regions);
        built once per vocabulary."""
        choices = {_spaced(k): k for k in self.vocab.cities}
        for code in self.vocab.countries:
            choices[_spaced(places.fold(places.country_name(code)))] = code
        for alias in [*places.REGION_ALIASES, *EXTRA_REGIONS, *CONTINENTS]:
            if len(alias) > 4:
                choices[_spaced(alias)] = alias
        for phrase in KIND_PHRASES:
            if len(phrase) > 5:
                choices[phrase] = phrase
        return choices


_SUFFIXES = ("n", "an", "ian", "ese", "i", "ish")


def demonyms(country: str) -> set[str]:
    """English adjective forms of a country's name, by the usual suffixes: Kenya → Kenyan,
    Jordan → Jordanian, Japan → Japanese, Thailand → Thai, Sweden → Swedish, Czechia → Czech.
    Forms English does not use are harmless: nobody asks with them."""
    spaced = _spaced(places.fold(country))
    if not spaced or spaced.count(" ") > 1:
        return set()
    # "South Africa": "south african"; "Viet Nam": "vietnamese"
    name = spaced if spaced.startswith(("south ", "north ")) else spaced.replace(" ", "")
    stems = {name}
    for ending in ("ia", "a", "o", "e", "y", "i", "land", "en", "ey"):
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            stems.add(name[: -len(ending)])
    forms = {stem + suffix for stem in stems for suffix in _SUFFIXES}
    forms.update(stem for stem in stems if stem != name and name.endswith(("ia", "land", "y")))
    forms.discard(name)
    return forms


def org_aliases(name: str) -> list[tuple[str, bool]]:
    """Shorter names of an organisation from its own name: a capitalised token in it ("BRS"
    for "BRS Secretariat"), and its initials, which count only when written in capitals
    ("EU" for "European Union"). Pairs (alias, capitals only)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    out: list[tuple[str, bool]] = []
    if len(words) > 1:
        out += [(places.fold(w), False) for w in words if len(w) >= 3 and w.isupper()]
    content = [w for w in words if w[:1].isupper()]
    if len(content) >= 2 and len(content) == len(
        [w for w in words if w.lower() not in ("of", "the", "and", "for", "on")]
    ):
        out.append(("".join(w[0] for w in content).lower(), True))
    return out


def _spaced(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def _country_phrases() -> dict[str, str]:
    """Country names (not bare codes, which collide with words like 'in' and 'it')."""
    from storage.places import _COUNTRY_ALIASES, _country_index

    out = {
        _spaced(k): v for k, v in _country_index().items() if len(k) > 3 and not re.search(r"\d", k)
    }
    for k, v in _COUNTRY_ALIASES.items():
        if len(k) > 3 or (len(k) > 1 and k not in STOPWORDS):
            out[_spaced(k)] = v
    for name, code in list(out.items()):  # "Trinidad and Tobago": "Trinidad" alone too
        for part in name.split(" and "):
            if part != name and len(part) > 3 and part not in out:
                out[part] = code
    for code, initials in _initials().items():
        out.setdefault(initials, code)
    return out


@cache
def _initials() -> dict[str, str]:
    """ "usa", "uae", "drc", "uk": the initials of country names of two capitalised words or
    more (one only per set of initials)."""
    import pycountry

    seen: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            words = re.findall(r"[A-Z][a-z]+", getattr(c, attr, "") or "")
            if len(words) >= 2:
                seen.setdefault("".join(w[0] for w in words).lower(), set()).add(c.alpha_2)
    return {
        k: next(iter(v))
        for k, v in seen.items()
        if len(v) == 1 and len(k) >= 2 and k not in STOPWORDS  # "us" is a pronoun
    }


_lexicons: dict[int, tuple[Vocabulary, Lexicon]] = {}


def lexicon(vocab: Vocabulary) -> Lexicon:
    hit = _lexicons.get(id(vocab))
    if hit and hit[0] is vocab:
        return hit[1]
    built = Lexicon(vocab)
    if len(_lexicons) > 8:
        _lexicons.clear()
    _lexicons[id(vocab)] = (vocab, built)
    return built
