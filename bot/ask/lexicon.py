"""The lexicon: every phrase a question may use (kinds, series, short names, regions,
continents, cities, countries, organisations), folded, with what it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from bot.ask.vocabulary import Vocabulary
from bot.ask.words import CONTINENTS, DEMONYMS, EXTRA_REGIONS, KIND_PHRASES, ORG_ALIASES, STOPWORDS
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
        for phrase, kind in KIND_PHRASES.items():
            self._add(phrase, Entity("kind", kind, kind.label))
        for folded, name in vocab.series.items():
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
        for word, code in DEMONYMS.items():
            self._add(word, Entity("country", code, places.country_name(code)))
        for folded, name in vocab.organisations.items():
            self._add(_spaced(folded), Entity("org", name, name))
        for alias, target in ORG_ALIASES.items():
            if target in vocab.organisations:
                name = vocab.organisations[target]
                self._add(alias, Entity("org", name, name))
        self.max_words = max((len(p.split()) for p in self.phrases), default=1)

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
        if len(k) > 3:
            out[_spaced(k)] = v
    for name, code in list(out.items()):  # "Trinidad and Tobago": "Trinidad" alone too
        for part in name.split(" and "):
            if part != name and len(part) > 3 and part not in out:
                out[part] = code
    out.update({"uk": "GB", "usa": "US", "drc": "CD", "uae": "AE"})
    return out


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
