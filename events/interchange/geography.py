"""Columns the datasets derive from a place: ISO codes, regions, Gleditsch–Ward ids, PRIO-GRID."""

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# Country names the datasets write that pycountry's lookup does not know (it knows "Syria",
# "Iran", "Vietnam", …, and the ISO names): ACLED's and UCDP's spellings → ISO 3166 alpha-3.
COUNTRY_NAMES = {
    "russia": "RUS",
    "turkey": "TUR",
    "palestine": "PSE",
    "democratic republic of congo": "COD",
    "dr congo": "COD",
    "republic of congo": "COG",
    "ivory coast": "CIV",
    "bosnia-herzegovina": "BIH",
    "bosnia and herzegovina": "BIH",
    "kyrgyzstan": "KGZ",
    "moldova": "MDA",
    "north macedonia": "MKD",
    "eswatini": "SWZ",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "laos": "LAO",
    "north korea": "PRK",
    "east timor": "TLS",
    "cape verde": "CPV",
    "micronesia": "FSM",
    "vatican city": "VAT",
}

# ACLED's region of each country we meet (its codebook's region names): the Middle East and
# its neighbours, and the states whose forces act there.
_REGION_MEMBERS = {
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Northern Africa": "DZA EGY LBY MAR TUN SDN",
    "Eastern Africa": "ETH ERI SOM SSD KEN DJI UGA",
    "Western Africa": "MLI NER NGA BFA TCD MRT",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "AFG PAK IND BGD NPL LKA",
    "Europe": "RUS UKR BLR CYP GRC BGR ROU GBR FRA DEU ITA ESP NLD BEL POL AUT SWE NOR DNK",
    "North America": "USA CAN",
    "East Asia": "CHN JPN KOR PRK",
}
ACLED_REGIONS = {
    alpha_3: region for region, members in _REGION_MEMBERS.items() for alpha_3 in members.split()
}

# Gleditsch & Ward's state numbers (K. S. Gleditsch and M. D. Ward, "Interstate System
# Membership: A Revised List of the Independent States since 1816", International Interactions
# 25, 1999; the list as kept at ksgleditsch.com/data-4.html), which UCDP's country_id, gwnoa and
# gwnob use: the countries we meet.
GLEDITSCH_WARD = {
    "USA": 2,
    "CAN": 20,
    "GBR": 200,
    "NLD": 210,
    "BEL": 211,
    "FRA": 220,
    "ESP": 230,
    "DEU": 260,
    "POL": 290,
    "AUT": 305,
    "ITA": 325,
    "GRC": 350,
    "CYP": 352,
    "BGR": 355,
    "ROU": 360,
    "RUS": 365,
    "UKR": 369,
    "BLR": 370,
    "ARM": 371,
    "GEO": 372,
    "AZE": 373,
    "SWE": 380,
    "NOR": 385,
    "DNK": 390,
    "MLI": 432,
    "NER": 436,
    "BFA": 439,
    "NGA": 475,
    "TCD": 483,
    "KEN": 501,
    "UGA": 500,
    "SOM": 520,
    "DJI": 522,
    "ETH": 530,
    "ERI": 531,
    "MAR": 600,
    "DZA": 615,
    "TUN": 616,
    "LBY": 620,
    "SDN": 625,
    "SSD": 626,
    "IRN": 630,
    "TUR": 640,
    "IRQ": 645,
    "EGY": 651,
    "SYR": 652,
    "LBN": 660,
    "JOR": 663,
    "ISR": 666,
    "SAU": 670,
    "YEM": 678,
    "KWT": 690,
    "BHR": 692,
    "QAT": 694,
    "ARE": 696,
    "OMN": 698,
    "AFG": 700,
    "TKM": 701,
    "TJK": 702,
    "KGZ": 703,
    "UZB": 704,
    "KAZ": 705,
    "CHN": 710,
    "PRK": 731,
    "KOR": 732,
    "JPN": 740,
    "IND": 750,
    "PAK": 770,
    "BGD": 771,
    "LKA": 780,
    "NPL": 790,
}

# UCDP's region of a state, from its Gleditsch–Ward number (the GED codebook's ranges).
UCDP_REGIONS = (
    (range(2, 200), "Americas"),
    (range(200, 400), "Europe"),
    (range(400, 627), "Africa"),
    (range(630, 700), "Middle East"),
    (range(700, 1000), "Asia"),
)

# PRIO-GRID: half-degree cells numbered from 1 at (-90, -180), row by row eastwards.
GRID_DEGREES = 0.5
GRID_COLUMNS = 720


@dataclass(frozen=True)
class Country:
    """What a country name stands for in the datasets' codes (empty where unknown)."""

    alpha_3: str = ""
    numeric: str = ""
    acled_region: str = ""
    gleditsch_ward: int | None = None

    @property
    def ucdp_region(self) -> str:
        if self.gleditsch_ward is None:
            return ""
        return next((name for numbers, name in UCDP_REGIONS if self.gleditsch_ward in numbers), "")


@lru_cache(maxsize=1024)
def country(name: str, iso_code: str = "") -> Country:
    """The codes of a country, by its ISO code when known, else its name as the datasets
    write it ("Syria", "Russia (Soviet Union)", "Democratic Republic of Congo")."""
    record = _pycountry(iso_code) if iso_code else None
    if record is None and name:
        plain = re.sub(r"\s*\(.*\)\s*$", "", name).strip()
        record = _pycountry(COUNTRY_NAMES.get(plain.casefold(), plain))
    if record is None:
        return Country()
    alpha_3 = record.alpha_3
    return Country(
        alpha_3=alpha_3,
        numeric=str(int(record.numeric)),
        acled_region=ACLED_REGIONS.get(alpha_3, ""),
        gleditsch_ward=GLEDITSCH_WARD.get(alpha_3),
    )


def _pycountry(text: str):
    try:
        return pycountry.countries.lookup(text)
    except LookupError:
        return None


def priogrid_gid(latitude: float, longitude: float) -> int:
    """The PRIO-GRID cell of a point: 0.5° cells, 1 at the south-west corner of the world,
    numbered along each row eastwards (720 cells a row), rows northwards."""
    row = min(math.floor((latitude + 90) / GRID_DEGREES), 359)
    column = min(math.floor((longitude + 180) / GRID_DEGREES), GRID_COLUMNS - 1)
    return row * GRID_COLUMNS + column + 1


def government_of(side: str) -> Country | None:
    """UCDP names a state's side "Government of Syria": that country, else None."""
    match = re.match(r"^\s*government of (.+?)\s*$", side, re.IGNORECASE)
    if not match:
        return None
    found = country(match[1])
    return found if found.alpha_3 else None


def number_text(value: float) -> str:
    """A coordinate as the datasets write it: shortest exact decimal, no trailing ".0"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
