"""Place names no stored name matches: other spellings of stored places, and reference places."""

# A capitalised name is read as a place not yet stored only where the text treats it as one:
# after a preposition or noun of place ("in Saraqeb", "the town of Khan Sheikhoun"), before a
# word of place ("Idlib countryside"), or as a name of two words or more; and towns are looked
# for only in the countries the report is about, so "Hope" in a report about Syria stays a word.

import dataclasses
import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from events.dates import CALENDAR_WORDS
from events.ingest import reference
from events.ingest.gazetteer import COUNTRY, Gazetteer, Mention, Place, opens_sentence
from events.ingest.nameforms import DEMONYM_KEYS
from events.ingest.reference import SUBDIVISION, TOWN, RefPlace
from events.ingest.spelling import spelling_key
from events.text import fold

REFERENCE = "reference"
_CONNECTOR = r"(?:(?:al|el|ad|as|ash|ar|az|ez|an|at|bin|ibn|abu|umm|de|of|the)[-\s]+)?"
_ARTICLE = r"(?:(?:al|el|ar|as|ash|ad|az|ez|an|at)-)?"
# A capitalised word; a stop inside it ("U.S.") but not after it.
_WORD = r"[A-Z](?:[\w'’-]|\.(?=\w))*"
_RUN = re.compile(rf"(?<![\w'’-]){_ARTICLE}{_WORD}(?:\s+{_CONNECTOR}{_ARTICLE}{_WORD})*")
_CUE_BEFORE = re.compile(
    r"\b(?:in|near|at|from|to|into|on|outside|around|towards?|across|of|through|between|and"
    r"|village|town|city|district|areas?|province|governorate|countryside|suburbs?|outskirts"
    r"|neighbourhood|neighborhood)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}$"
)
_PLACE_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?P<word>province|governorate|countryside|region|district|city|town|village"
    r"|area|suburbs?|outskirts)\b",
    re.IGNORECASE,
)
_DIVISION_WORDS = frozenset({"province", "governorate", "countryside", "region"})
# Capitalised words that are no place whatever a gazetteer says ("Mayor", "Reuters").
_NOT_PLACES = frozenset(
    {
        "president",
        "minister",
        "army",
        "state",
        "government",
        "forces",
        "reuters",
        "observatory",
        "monday",
        "sunday",
        "council",
        "security",
    }
)
_MAX_WORDS = 5
# "Syrian border", "Turkish territory": a country adjective, not a town spelt like it.
_ADJECTIVE = re.compile(r"(?:ian|ean|ish|ese)$", re.IGNORECASE)
# Peoples' and faiths' adjectives that towns are also called ("the war-torn Arab country").
_PEOPLES = frozenset(
    [
        "arab",
        "turkmen",
        "druze",
        "alawite",
        "sunni",
        "shiite",
        "shia",
        "yazidi",
        "muslim",
        "islamic",
        "christian",
    ]
)
# A spelling matches only a name with this many consonants: fewer and "Aug" finds a town.
_MIN_SPELLED_CONSONANTS = 3


def find_place_names(text: str, gazetteer: Gazetteer, taken: list[Mention]) -> list[Mention]:
    """Places in text that the stored names miss: countries and, in the countries the report
    is mostly about, stored places spelt otherwise, subdivisions and towns."""
    runs = [m for m in _RUN.finditer(text) if not _covered(taken, *m.span())]
    found: list[Mention] = []
    for run in runs:
        found += _in_run(text, run, taken + found, lambda span: _country(gazetteer, span))
    codes = report_countries(gazetteer, taken + found)
    named = _named_countries(gazetteer, taken + found)
    for run in runs:
        found += _in_run(
            text,
            run,
            taken + found,
            lambda span: _place(text, gazetteer, codes, span, elsewhere=named),
            part_cued=True,
        )
    return found


def _named_countries(gazetteer: Gazetteer, mentions: list[Mention]) -> list[str]:
    """ISO alpha-2 codes of every country the text names."""
    codes = []
    for mention in mentions:
        if mention.place is not None and mention.place.kind == COUNTRY:
            code = _alpha_2(mention.place)
            if code and code not in codes:
                codes.append(code)
    return codes


# "the border town of Kilis": a town by the text's own word, in any country the text names.
_TOWN_OF = re.compile(r"\b(?:town|city|village)\s+of\s+$")


# "Damascus province", "Hama's governorate": the division, whatever else the name may be.
_DIVISION_AFTER = re.compile(r"^(?:['’]s)?\s+(?:province|governorate)\b", re.IGNORECASE)


def as_divisions(text: str, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """Names followed by "province" or "governorate" read as the first-level division named
    after them: not the town ("Damascus province" is not the city) nor the government a
    capital stands for ("Damascus" said)."""
    codes: list[str] | None = None
    found = []
    for mention in mentions:
        if _DIVISION_AFTER.match(text[mention.end :]) and not (
            mention.place is not None and mention.place.kind == SUBDIVISION
        ):
            if codes is None:
                codes = report_countries(gazetteer, mentions)
            division = division_named(gazetteer, mention, codes)
            if division is not None:
                inferred = mention.inferred if division.stored else REFERENCE
                mention = dataclasses.replace(
                    mention, actors=(), places=(division,), inferred=inferred
                )
        found.append(mention)
    return found


def division_named(gazetteer: Gazetteer, mention: Mention, codes: list[str]) -> Place | None:
    """The governorate a name stands for: a stored one so called (or containing a town so
    called and spelt alike), else one of the reference gazetteer in the report's countries."""
    surface = re.sub(r"['’]s$", "", mention.surface)
    key = spelling_key(surface)
    for suffix in ("", " Governorate", " Province"):
        stored = [p for p in gazetteer.lookup(surface + suffix)[1] if p.kind == SUBDIVISION]
        if len(stored) == 1:
            return stored[0]
    for place in mention.places:
        for pk in reversed(place.ancestor_ids[:-1]):
            ancestor = gazetteer.places.get(pk)
            if ancestor is not None and ancestor.kind == SUBDIVISION:
                words = re.sub(r"\s+(?:governorate|province)$", "", ancestor.name, flags=re.I)
                if spelling_key(words) == key:
                    return ancestor
                break
    for code in codes:
        index = reference.places_in(code)
        named = index.named(surface) + index.lookup_spelled(surface)
        divisions = [p for p in named if p.kind == SUBDIVISION]
        if divisions:
            return adopt(gazetteer, divisions[0])
    return None


def _in_run(
    text: str, run: re.Match, taken: list[Mention], look, *, part_cued: bool = False
) -> list[Mention]:
    """The longest stretches of a capitalised run that look finds a place for. part_cued:
    a stretch shorter than its run must be cued as a place, or follow a place of the run
    ("Qasim" in "commander Qasim Halabouni" is a man; "Hama" in "in Homs Hama and Idlib")."""
    words = [(m.start() + run.start(), m.end() + run.start()) for m in _words(run.group())]
    found: list[Mention] = []
    for size in range(min(len(words), _MAX_WORDS), 0, -1):
        for first in range(len(words) - size + 1):
            start, end = words[first][0], words[first + size - 1][1]
            if _bound_to_neighbour(text, words, first, first + size):
                # "Khan" in "Khan Al-Assal", "Al Sham" in "Busra Al Sham": an article binds
                # the words into one longer name that nobody has recorded.
                continue
            surface = re.sub(r"['’]s$", "", text[start:end])
            end = start + len(surface)
            if _covered(taken + found, start, end) or not _may_name_a_place(text, surface, end):
                continue
            if part_cued and size < len(words) and not _part_cued(text, start, end, taken + found):
                continue
            place = look((start, end, surface))
            if place is not None:
                inferred = "" if place.stored else REFERENCE
                found.append(Mention(start, end, surface, (), (place,), inferred=inferred))
    return found


# A preposition or noun of place right before a name ("in Tal Tamr", "the town of").
_RIGHT_BEFORE = re.compile(
    r"\b(?i:in|near|at|from|into|outside|around|across|inside|towards?|of|village|town|city"
    r"|district|province|governorate|countryside|suburbs?|outskirts|neighbou?rhood)\s+"
    r"(?:the\s+)?$"
)


def _part_cued(text: str, start: int, end: int, places: list[Mention]) -> bool:
    before = text[max(0, start - 40) : start]
    after_place = any(0 <= start - m.end <= 2 and m.place is not None for m in places)
    cued = _RIGHT_BEFORE.search(before) or _PLACE_AFTER.match(text[end:])
    return bool(cued or after_place)


_BINDING_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|ar|az|ez|an|at)(?:[-\s]|$)", re.IGNORECASE)


# Nouns Arabic place names open with ("Tal Shamiran": the hill of Shamiran): bound to the
# word after them, never a name of their own there.
_BINDING_NOUN_WORDS = (
    "tal tall tell tel deir dayr khan kafr kfar ain ayn jabal jebel jisr ras bab beit bayt wadi"
    " umm qasr bir marj maarat maaret hayy sheikh"
)
_BINDING_NOUNS = frozenset(_BINDING_NOUN_WORDS.split())


def _bound_to_neighbour(text: str, words: list[tuple[int, int]], first: int, last: int) -> bool:
    """Whether words[first:last] is part of a longer name its run binds with an Arabic article
    (the word after it opens with one, or it opens with one after another word) or with a
    noun such names open with ("Tal" in "Tal Hurmoz")."""
    after = last < len(words) and _BINDING_ARTICLE.match(text[words[last][0] : words[last][1]])
    before = first > 0 and _BINDING_ARTICLE.match(text[words[first][0] : words[first][1]])
    noun = last < len(words) and fold(text[words[last - 1][0] : words[last - 1][1]]) in (
        _BINDING_NOUNS
    )
    return bool(after or before or noun)


_DATELINE_WORD_LIST = "last updated update published posted on at date of publication"
_DATELINE_WORDS = frozenset(_DATELINE_WORD_LIST.split())


def without_dateline(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "Last updated at Feb 02 2015 Beirut Syrian government air strikes …": a town after
    nothing but the report's date at the head of the text is where it was filed."""
    kept = []
    for mention in mentions:
        head = text[: mention.start]
        words = re.findall(r"[A-Za-z]+", head)
        dateline = (
            mention.actor is None
            and mention.place is not None
            and mention.place.kind != COUNTRY
            and len(head) <= 60
            and re.search(r"\d", head)
            and all(fold(w) in CALENDAR_WORDS or fold(w) in _DATELINE_WORDS for w in words)
        )
        if not dateline:
            kept.append(mention)
    return kept


def _may_name_a_place(text: str, surface: str, end: int) -> bool:
    folded = fold(surface)
    if folded in _NOT_PLACES or folded in CALENDAR_WORDS or folded in DEMONYM_KEYS:
        return False
    adjective = " " not in surface and (_ADJECTIVE.search(surface) or folded in _PEOPLES)
    return not (adjective and re.match(r"\s+[a-z]", text[end:]))


def _spelled_enough(name: str) -> bool:
    key = spelling_key(name)
    return len(re.sub(r"[V\d ]", "", key)) >= _MIN_SPELLED_CONSONANTS


def _words(run: str) -> list[re.Match]:
    return list(re.finditer(rf"{_CONNECTOR}{_ARTICLE}{_WORD}", run))


def _covered(mentions: list[Mention], start: int, end: int) -> bool:
    return any(m.overlaps(start, end) for m in mentions)


def _country(gazetteer: Gazetteer, span: tuple[int, int, str]) -> Place | None:
    countries = reference.country_index().exact.get(fold(span[2]), [])
    if len(countries) != 1 or (len(span[2]) <= 3 and not span[2].isupper()):
        return None
    return adopt(gazetteer, countries[0])


def report_countries(gazetteer: Gazetteer, mentions: list[Mention]) -> list[str]:
    """ISO alpha-2 codes of the countries the report is about: the one it names most (itself
    or by a place within it), and a second one it names a place within."""
    counts: Counter[str] = Counter()
    within: set[str] = set()
    for mention in mentions:
        country = gazetteer.country_of(mention.place) if mention.place else None
        code = _alpha_2(country) if country else ""
        if code:
            counts[code] += 1
            if mention.place.kind != COUNTRY:
                within.add(code)
    ranked = [code for code, _ in counts.most_common()]
    return ranked[:1] + [code for code in ranked[1:] if code in within][:1]


def _alpha_2(country: Place) -> str:
    return _alpha_2_of(country.iso_code, fold(country.name))


@lru_cache(maxsize=1024)
def _alpha_2_of(alpha_3: str, folded_name: str) -> str:
    for code, ref in reference.countries().items():
        if (alpha_3 and ref.iso_code == alpha_3) or folded_name in map(fold, ref.names):
            return code
    return ""


def _place(
    text: str,
    gazetteer: Gazetteer,
    codes: list[str],
    span: tuple[int, int, str],
    *,
    elsewhere: tuple[str, ...] | list[str] = (),
) -> Place | None:
    start, end, surface = span
    if _TOWN_OF.search(text[:start]):
        codes = [*codes, *(code for code in elsewhere if code not in codes)]
    if gazetteer.lookup(surface)[0]:
        return None  # an actor's name
    after = _PLACE_AFTER.match(text[end:])
    cued = bool(_CUE_BEFORE.search(text[:start]) or after or " " in surface.strip())
    spelled = _spelled_enough(surface)
    stored = gazetteer.spelled_places(surface) if spelled else []
    if len(stored) == 1:
        return stored[0]
    division = after is not None and after["word"].lower() in _DIVISION_WORDS
    # A name as a gazetteer spells it may stand anywhere but at a sentence's start; another
    # spelling of it only where the text treats it as a place.
    exact_ok = len(surface) >= 4 and not opens_sentence(text, start)
    for code in codes:
        index = reference.places_in(code)
        found = index.named(surface) if (exact_ok or cued) else []
        if cued and spelled and (division or not found):
            # "Idleb countryside": the province, which only a spelling of its name may find;
            # a spelling must stay close to a name ("Golan" is no spelling of "Gilon").
            found = found + [
                p
                for p in index.lookup_spelled(surface)
                if p not in found and _close(surface, p.names)
            ]
        place = _best(found, division=division)
        if place is not None:
            return adopt(gazetteer, place)
    return None


def _close(surface: str, names: tuple[str, ...]) -> bool:
    wanted = fold(surface)
    return any(SequenceMatcher(None, wanted, fold(name)).ratio() >= 0.75 for name in names)


def _best(candidates: list[RefPlace], *, division: bool) -> RefPlace | None:
    """A subdivision before the town it is named after ("Idlib" may be either: the province
    holds the town); the most populous town when several share a name."""
    if not candidates:
        return None
    divisions = [c for c in candidates if c.kind == SUBDIVISION]
    if divisions:
        return divisions[0]
    if division:
        return None
    return max(candidates, key=lambda c: c.population)


def adopt(gazetteer: Gazetteer, ref: RefPlace) -> Place:
    """The stored place a reference place is, or the reference place under its stored (or
    reference) ancestors, known to the gazetteer from now on."""
    if ref.kind == COUNTRY:
        stored = gazetteer.country_by_iso(ref.iso_code) or next(
            (p for p in gazetteer.lookup(ref.name)[1] if p.kind == COUNTRY), None
        )
        parent = None
    else:
        parent = adopt(gazetteer, _parent(ref))
        stored = _stored_within(gazetteer, ref, parent)
    if stored is not None:
        return stored
    pk = ref.stable_id
    path = f"{parent.path if parent else '/'}{pk}/"
    depth = parent.depth + 1 if parent else 0
    place = Place(
        pk,
        ref.name,
        ref.kind,
        depth,
        path,
        ref.latitude,
        ref.longitude,
        ref.iso_code if ref.kind != TOWN else "",
        ref.source,
        ref.names,
    )
    return gazetteer.adopt(place)


def _parent(ref: RefPlace) -> RefPlace:
    if ref.kind == TOWN and ref.parent != ref.country:
        division = next(
            (d for d in reference.subdivisions(ref.country) if d.code == ref.parent), None
        )
        if division is not None:
            return division
    return reference.countries()[ref.country]


def _stored_within(gazetteer: Gazetteer, ref: RefPlace, parent: Place) -> Place | None:
    """A stored place within parent known by one of ref's names or their spellings."""
    kinds = ("governorate",) if ref.kind == SUBDIVISION else ("city", "village", "district")
    for name in ref.names:
        for place in gazetteer.lookup(name)[1] + gazetteer.spelled_places(name):
            if place.kind in kinds and gazetteer.contains(parent, place) and place.stored:
                return place
    return None
