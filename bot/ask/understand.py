"""A question in words → a structured `Query`: what is asked, about which meetings.

Reading order: normalise the text; find the tense and the date span (bot.timespan); then scan
the remaining words, longest phrase first, for kinds of meeting, series and short names, places
(cities, countries, regions, continents), organisations and ordinals, using the store's
vocabulary (bot.vocabulary), the gazetteer (storage.places) and rapidfuzz for typos. What is
left are free-text terms. Nothing here touches the database.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from bot.ask.anchors import read_anchor
from bot.ask.deadline_words import read_deadlines
from bot.ask.impossible import impossible_date
from bot.ask.intents import GREETING, SELECTORS, detect_intent
from bot.ask.lexicon import Entity, Lexicon, _country_phrases, lexicon
from bot.ask.names import read_unknown_names
from bot.ask.query import MAX_QUESTION, UNCONFIRMED, Query, normalise, tense_of
from bot.ask.timespan import NUMBERS, Span, find_span
from bot.ask.vocabulary import Vocabulary, squash
from bot.ask.words import (
    GENERIC_NOUNS,
    KIND_PLURALS,
    PLACE_PREPOSITIONS,
    ROLE_WORDS,
    STOPWORDS,
    KindWord,
    ordinal,
)
from storage import places
from storage.importers.enrich.names import DESIGNATION

# --- reading a question -----------------------------------------------------------------------


def _blank(text: str, ranges: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _stem(word: str) -> str:
    """A plural to its singular, roughly: meetings → meeting, parties → party."""
    if len(word) < 4 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def understand(question: str, *, vocab: Vocabulary, today: date) -> Query:
    """Read one question (any text) into a Query. Never raises on odd input."""
    text = question.strip()
    truncated = len(text) > MAX_QUESTION
    text = text[:MAX_QUESTION]
    folded = normalise(text)
    q = Query(text=text, folded=folded, today=today, truncated=truncated)
    q.longest_days = vocab.longest_days
    greeting = GREETING.match(folded)
    rest = folded[greeting.end() :].strip() if greeting else folded
    if greeting and not rest.strip(" ?!.,"):
        q.intent = "greeting"
        return q
    q.intent = detect_intent(rest)
    if q.intent in ("help", "thanks"):
        return q
    q.tense = tense_of(rest)
    impossible = impossible_date(rest, today, q.tense)
    if impossible is not None:  # "31 February 2016": answered as such (bot.ask.compose)
        q.impossible = impossible[0]
        return q
    found = find_span(rest, today, q.tense)
    q.span, q.now_words = found.span, found.now_words
    remaining = _blank(rest, found.used)
    for name, pattern in SELECTORS:
        m = pattern.search(remaining)
        if m and not (name == "last" and re.search(r"\b(?:last|past) (?:week|month|year)", rest)):
            q.selector = name
            break
    if q.selector == "final":
        remaining = _SERIES_WORDS.sub(" ", remaining)
    _read_entities(q, remaining, vocab, question)
    read_unknown_names(q, text, remaining, vocab)
    if re.search(r"\bcancell?ed\b", rest):
        q.statuses.append("cancelled")
    if re.search(r"\bpostponed\b", rest):
        q.statuses.append("postponed")
    if q.statuses and q.tense == "past" and not q.span:
        q.tense = None  # "which meetings have been cancelled": the cancelling is past, not them
    if re.search(r"\b(?:planned|scheduled)\b", rest) and q.tense is None:
        q.tense = "future"  # "planned" asks what is still to come, not the literal status
    if q.ordinal == 1 and q.selector == "first":
        q.selector = None
    m = re.search(
        r"\b(?:next|first|last|latest|upcoming|coming|previous|past)"
        r" (\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|few|couple of) (?!days?\b|weeks?\b|months?\b|years?\b)",  # noqa: E501
        rest,
    )
    if m:
        q.limit = int(m.group(1)) if m.group(1).isdigit() else NUMBERS.get(m.group(1), 3)
    plural_words = set(remaining.split()) & KIND_PLURALS
    q.plural = bool(plural_words) or bool(re.search(r"\b(?:all|any|list|which ones)\b", rest))
    if q.plural or q.intent in ("list", "count", "exists"):
        # "which meetings are not yet confirmed?" filters; "is the X meeting confirmed?" asks
        # about one meeting, whose answer gives its status
        if UNCONFIRMED.search(rest):
            q.statuses.append("planned")
        elif re.search(r"\bconfirmed\b", rest):
            q.statuses.append("confirmed")
    if _present_list(q, rest):
        # "what meetings are there in Asia?": the dated ones from today on, not all time; a
        # role's verb keeps undated ones ("which meetings does Japan fund?")
        if q.organisations:
            q.tense = "future"
        else:
            q.span, q.from_now = Span(today, None, "from now on"), True
    if q.intent == "unknown" and (q.has_subject or q.span or q.selector):
        q.intent = "list" if q.plural and not q.selector else "describe"
    if (
        q.intent == "describe"
        and not q.selector
        and (
            q.plural or (q.span and not _names_one(q)) or re.search(r"\b(?:left|remaining)\b", rest)
        )
    ):
        q.intent = "list"
    read_deadlines(q, rest)
    read_anchor(q, remaining)
    return q


_SERIES_WORDS = re.compile(r"\b(?:of|in) (?:the|this|that) (?:series|cycle|round)\b")
# A verb in the present tense: the question is about what is on now and to come.
_PRESENT = re.compile(
    r"\b(?:is|are|does|do|has|have)\b(?! (?:been|had|held|was|were))|\bhappening\b|\bgoing on\b"
)


def _present_list(q: Query, rest: str) -> bool:
    """A list question in the present tense with no time of its own ("which meetings does
    Japan fund?", "what is happening in Africa?"); bare phrases ("meetings in Kenya"),
    commands ("list the workshops") and yes-no questions ("is there anything in Montevideo?")
    keep all time."""
    if q.tense is not None or q.span or q.now_words or q.selector or q.statuses:
        return False
    return q.intent in ("list", "count") and bool(_PRESENT.search(rest))


def _names_one(q: Query) -> bool:
    """Does the question name one particular meeting (a short name, an ordinal, a series)?"""
    return bool(q.short_names or q.ordinal or q.series)


# Prefixes that make one word of two ("pre-COP" is not the COP).
_PREFIXES = {"pre", "post", "ex", "non", "anti", "inter", "intra", "co", "sub", "semi", "mid"}


def _words(text: str) -> tuple[list[str], set[int]]:
    """The question's words (dashes and slashes split them), and the positions of those in a
    prefixed compound, which name no entity on their own."""
    words: list[str] = []
    compound: set[int] = set()
    for token in text.split():
        parts = [p for p in re.split(r"[-–—/]", token) if p]
        if len(parts) == 2 and parts[0] in _PREFIXES and not parts[1].isdigit():
            compound.update((len(words), len(words) + 1))
        words.extend(parts)
    return words, compound


def _read_entities(q: Query, text: str, vocab: Vocabulary, original: str) -> None:
    lex = lexicon(vocab)
    words, compound = _words(text)
    capitalised = {places.fold(w) for w in re.findall(r"\b[A-Z][\w'’-]*", original)}
    all_caps = {places.fold(w) for w in re.findall(r"\b[A-Z]{2,}\b", original)}
    has_role = {role for role, pattern in ROLE_WORDS.items() if re.search(pattern, q.folded)}
    if "funders" in has_role and re.search(r"\bworking group of experts on financing\b", q.folded):
        has_role.discard("funders")
    used = [False] * len(words)
    i = 0
    while i < len(words):
        matched = 0
        numbered = False
        for n in range(min(lex.max_words, len(words) - i), 0, -1):
            if any(k in compound for k in range(i, i + n)):
                continue
            phrase = " ".join(words[i : i + n])
            entities = lex.phrases.get(phrase)
            if entities is None:
                entities = lex.phrases.get(
                    " ".join([*words[i : i + n - 1], _stem(words[i + n - 1])])
                )
            if entities is None and n == 2:
                entities = lex.phrases.get(squash(phrase))
            if entities is None and n == 1 and phrase in all_caps:
                entities = lex.caps_phrases.get(phrase)  # "EU", not the word "eu"
            if entities and n == 1 and phrase in STOPWORDS and phrase not in all_caps:
                entities = None  # "who" is a question word, "WHO" the organisation
            if entities:
                previous = words[i - 1] if i > 0 else ""
                series_before = len(q.series)
                if _apply(q, entities, previous, has_role, lex, phrase=phrase):
                    matched = n
                    numbered = len(q.series) > series_before
                    break
            elif n == 1 and _numbered(q, phrase, lex):
                matched = 1  # "mop99", "ipos9": a series and a number it does not have
                break
        if matched:
            for k in range(i, i + matched):
                used[k] = True
            i += matched
            after = words[i] if i < len(words) else ""
            if numbered and q.ordinal is None and after.isdigit() and len(after) <= 3:
                q.ordinal = int(after)  # "COP 35", "MOP-99": the series and its number
                used[i] = True
                i += 1
        else:
            i += 1
    _qualifying_short_names(q)
    _ordinal(q, words, used)
    leftovers = [(k, w) for k, w in enumerate(words) if not used[k]]
    _places_by_gazetteer(q, words, used, capitalised, lex)
    for k, word in leftovers:
        if used[k] or word in STOPWORDS or word.isdigit() or len(word) < 3:
            continue
        if word in KIND_PLURALS or word in GENERIC_NOUNS:
            continue
        stem = _stem(word)
        if word in vocab.words or stem in vocab.words:
            q.terms.append(stem)
            used[k] = True
    _fuzzy(q, words, used, lex)


def _numbered(q: Query, word: str, lex: Lexicon) -> bool:
    """A known series run together with a number ("mop99"): that series, that ordinal."""
    m = re.fullmatch(r"([a-z]+)(\d{1,3})", word)
    if not m or q.ordinal is not None:
        return False
    series = [e for e in lex.phrases.get(m.group(1), []) if e.type == "series"]
    if not series:
        return False
    if str(series[0].value) not in q.series:
        q.series.append(str(series[0].value))
    q.ordinal = int(m.group(2))
    return True


def _qualifying_short_names(q: Query) -> None:
    """ "The high-level segment of MOP-35": a kind of meeting that belongs to MOP-35, so its
    series and number, not MOP-35 itself."""
    if not (q.kinds or q.title_words) or not q.short_names:
        return
    for m in re.finditer(r"\bof (?:the )?([a-z]+)[\s-]?(\d{1,3})\b", q.folded):
        for short in list(q.short_names):
            own = DESIGNATION.fullmatch(short)
            if own and squash(short) == squash(m.group(1) + m.group(2)) and q.ordinal is None:
                q.short_names.remove(short)
                if own.group("series") not in q.series:
                    q.series.append(own.group("series"))
                q.ordinal = int(own.group("number"))


def _apply(
    q: Query,
    entities: list[Entity],
    previous: str,
    roles: set[str],
    lex: Lexicon,
    *,
    phrase: str = "",
) -> bool:
    """Record what a phrase names; False when it is better read as something else."""
    types = {e.type for e in entities}
    named = [e for e in entities if e.type == "series" and squash(str(e.value)) == squash(phrase)]
    whole = [e for e in entities if e.type == "short" and squash(str(e.value)) == squash(phrase)]
    if named and not whole and types <= {"series", "short", "kind"}:
        entities = named  # "OEWG" is the series, not one of its meetings that spells it
    org = next((e for e in entities if e.type == "org"), None)
    country = next((e for e in entities if e.type == "country"), None)
    if country and not org and (roles or previous == "by"):
        # "funded by the United States": the organisation is stored under another name
        org = _org_for_country(lex.vocab, str(country.value))
    only_org = types <= {"org"}
    as_org = org is not None and (
        only_org or (previous not in PLACE_PREPOSITIONS and (bool(roles) or previous == "by"))
    )
    if as_org and org is not None:
        if org.value not in q.organisations:
            q.organisations.append(str(org.value))
        q.org_role = _role(roles)
        return True
    for e in entities:
        if e.type == "short":
            if str(e.value) not in q.short_names:
                q.short_names.append(str(e.value))
            return True
    for e in entities:
        if e.type == "series":
            if str(e.value) not in q.series:
                q.series.append(str(e.value))
            return True
    for e in entities:
        if e.type == "kind":
            kw = e.value
            assert isinstance(kw, KindWord)
            q.kinds.extend(k for k in kw.kinds if k not in q.kinds)
            if kw.title_word:
                q.title_words.append(kw.title_word)
            if kw.online is not None:
                q.online = kw.online
            if kw.series and kw.series not in q.series:
                q.series.append(kw.series)
            q.kind_label = q.kind_label or kw.label
            return True
    for e in entities:
        if e.type == "city":
            if str(e.value) not in q.cities:
                q.cities.append(str(e.value))
                q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "region":
            if str(e.value) not in q.regions:
                q.regions.append(str(e.value))
                q.place_countries.extend(_region_countries(str(e.value)))
                q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "continent":
            assert isinstance(e.value, tuple)
            q.place_countries.extend(_continent_countries(e.value))
            q.place_labels.append(e.label)
            return True
    for e in entities:
        if e.type == "country":
            if str(e.value) not in q.countries:
                q.countries.append(str(e.value))
                q.place_labels.append(e.label)
            return True
    if org is not None and not (types & {"city", "country", "region", "short"}):
        if org.value not in q.organisations:
            q.organisations.append(str(org.value))
        q.org_role = _role(roles)
        return True
    return False


def _role(roles: set[str]) -> str | None:
    for role in ("funders", "hosts", "partners"):
        if role in roles:
            return role
    return None


def _org_for_country(vocab: Vocabulary, code: str) -> Entity | None:
    for name in vocab.organisations.values():
        if places.country_code(name) == code:
            return Entity("org", name, name)
    return None


@cache
def _region_countries(region: str) -> tuple[str, ...]:
    import pycountry

    return tuple(
        c.alpha_2 for c in pycountry.countries if places.country_region(c.alpha_2) == region
    )


@cache
def _continent_countries(codes: tuple[str, ...]) -> tuple[str, ...]:
    import pycountry

    return tuple(c.alpha_2 for c in pycountry.countries if places.continent(c.alpha_2) in codes)


def _ordinal(q: Query, words: list[str], used: list[bool]) -> None:
    """'third meeting of the expert group', 'seventh session', 'the 4th ICCM', 'the
    forty-sixth meeting', 'the sixteenth COP'."""
    if q.ordinal is not None:
        return
    for k, word in enumerate(words):
        if used[k]:
            continue
        following = words[k + 1] if k + 1 < len(words) and not used[k + 1] else ""
        value, size = ordinal(word, following)
        if value is None:
            continue
        after = " ".join(words[k + size : k + size + 5])
        names_series = re.match(r"(?:\w+ ){0,3}?(?:meeting|session|conference) of\b", after)
        if value == 1 and not names_series and not re.match(r"session\b", after):
            continue  # "the first meeting in 2016" picks the earliest, it is no ordinal
        q.ordinal = value
        for j in range(k, k + size):
            used[j] = True
        if (q.selector == "first" and value == 1) or (q.selector and words[k] in ("first",)):
            q.selector = None
        return


def _places_by_gazetteer(
    q: Query, words: list[str], used: list[bool], capitalised: set[str], lex: Lexicon
) -> None:
    """A real place with no meeting ('in Paris') makes the answer 'nothing', not a guess."""
    if q.has_place:
        return
    for k, word in enumerate(words):
        if used[k] or word in STOPWORDS or word.isdigit() or len(word) < 3:
            continue
        after_preposition = k > 0 and words[k - 1] in PLACE_PREPOSITIONS
        if not (after_preposition or word in capitalised):
            continue
        for n in (3, 2, 1):
            chunk = words[k : k + n]
            if len(chunk) < n or any(used[k + j] for j in range(n)):
                continue
            name = " ".join(chunk)
            code = _country_phrases().get(name)
            city = places.find_city(name) if (after_preposition or n > 1 or len(name) > 4) else None
            if code is None and city is None:
                continue
            if city is not None and city.population < 50_000 and not after_preposition:
                continue
            if name in lex.phrases:
                continue
            if not after_preposition and all(w in lex.vocab.words for w in chunk):
                continue  # "the Kigali Amendment webinar": a word of the store's titles
            stored = lex.phrases.get(places.fold(city.name)) if city is not None else None
            if stored and _apply(q, stored, words[k - 1] if k else "", set(), lex):
                for j in range(n):  # "Lusak": a typo of a city that has meetings
                    used[k + j] = True
                return
            q.unknown_place = (
                places.country_name(code) if code else city.name if city else name.title()
            )
            if code is None and city is not None:
                q.unknown_place_country = city.country
            for j in range(n):
                used[k + j] = True
            return
    # an unknown capitalised word after "in": a place we do not know at all
    for k, word in enumerate(words):
        if (
            not used[k]
            and k > 0
            and words[k - 1] in ("in", "at")
            and word in capitalised
            and word not in STOPWORDS
            and word not in lex.vocab.words
            and not word.isdigit()
            and len(word) > 2
        ):
            from rapidfuzz import process

            if process.extractOne(word, lex.fuzzy_choices.keys(), score_cutoff=85):
                continue
            q.unknown_place = word.title()
            used[k] = True
            return


def _fuzzy(q: Query, words: list[str], used: list[bool], lex: Lexicon) -> None:
    """Typos in place and kind names: 'montevido', 'jakrta', 'worshop'."""
    from rapidfuzz import fuzz, process

    choices = lex.fuzzy_choices
    for k, word in enumerate(words):
        if used[k] or word in STOPWORDS or len(word) < 5 or word.isdigit():
            continue
        if word in lex.vocab.words or _stem(word) in lex.vocab.words:
            continue
        for n in (2, 1):
            chunk = words[k : k + n]
            if len(chunk) < n or any(used[k + j] for j in range(n)):
                continue
            phrase = " ".join(chunk)
            best = process.extractOne(phrase, choices.keys(), scorer=fuzz.ratio, score_cutoff=84)
            if best is None:
                continue
            entities = lex.phrases.get(best[0])
            if entities and _apply(q, entities, words[k - 1] if k else "", set(), lex):
                for j in range(n):
                    used[k + j] = True
                if q.unknown_place:
                    q.unknown_place = None
                break
