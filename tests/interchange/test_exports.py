"""Exports that mean what the datasets mean: the crosswalk, derived columns, left-out events."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from events.interchange import acled, crosswalk, geography, ucdp
from events.interchange.crosswalk import TypeNames
from events.interchange.importer import import_file
from events.models import Actor, Event, EventActor, EventType, ExternalRecord
from tests.interchange.builders import (
    ACLED_CURRENT,
    ACLED_EDGES,
    UCDP_SAMPLE,
    exported,
    file_rows,
    read_csv,
)

pytestmark = pytest.mark.django_db


# --- The crosswalk -----------------------------------------------------------------------------

# Our own types, as the documented crosswalk gives them.
OWN_TYPES = {
    ("Military operations", "Siege imposed"): (
        ("Strategic developments", "Strategic developments", "Other"),
        None,
    ),
    ("Military operations", "Troop or convoy movement"): (
        ("Strategic developments", "Strategic developments", "Change to group/activity"),
        None,
    ),
    ("Humanitarian and population movements", "Evacuation under a deal"): (
        ("Strategic developments", "Strategic developments", "Other"),
        None,
    ),
    ("Diplomacy and negotiations", "Negotiations or talks"): (None, None),
    ("Statements and claims", "Press briefing or news conference"): (None, None),
    ("Conflict milestones", "Conflict onset"): (None, None),
    ("Organised violence", "State-based conflict"): (
        ("Political violence", "Battles", "Armed clash"),
        1,
    ),
    ("Organised violence", "One-sided violence"): (
        ("Political violence", "Violence against civilians", "Attack"),
        3,
    ),
}


@pytest.mark.parametrize(("names", "expected"), OWN_TYPES.items(), ids=str)
def test_our_types_cross_to_the_datasets_as_documented(names, expected):
    acled_type, violence = expected
    assert crosswalk.acled_type(TypeNames(*names)) == acled_type
    assert crosswalk.ucdp_violence(TypeNames(*names), []) == violence


def test_acleds_own_types_keep_their_disorder_type():
    assert crosswalk.acled_type(TypeNames("Riots", "Mob violence"))[0] == "Political violence"
    assert crosswalk.acled_type(TypeNames("Protests", "Excessive force against protesters"))[0] == (
        "Political violence; Demonstrations"
    )
    # An editor's own sub-type is exported as its ACLED parent.
    assert crosswalk.acled_type(TypeNames("Battles", "Dogfight")) == (
        "Political violence",
        "Battles",
        "",
    )
    assert crosswalk.acled_type(TypeNames("Something else")) is None


STATE = {"role": "side_a", "kind": "state_forces"}
REBELS = {"role": "side_b", "kind": "rebel_group"}
CIVILIANS = {"role": "side_b", "kind": "civilians"}


@pytest.mark.parametrize(
    ("names", "actors", "violence"),
    [
        (("Battles", "Armed clash"), [STATE, REBELS], 1),
        (("Battles", "Armed clash"), [REBELS, {"role": "side_a", "kind": "rebel_group"}], 2),
        (("Explosions/Remote violence", "Air/drone strike"), [STATE, REBELS], 1),
        (("Explosions/Remote violence", "Air/drone strike"), [STATE, CIVILIANS], 3),
        (("Violence against civilians", "Attack"), [REBELS], 3),
        (("Protests", "Peaceful protest"), [], None),
        (("Riots", "Mob violence"), [], None),
        (("Strategic developments", "Agreement"), [STATE], None),
    ],
)
def test_ucdps_type_of_violence_comes_from_the_type_and_who_fights(names, actors, violence):
    assert crosswalk.ucdp_violence(TypeNames(*names), actors) == violence


def test_civilian_targeting_comes_from_the_type_and_the_targets_kind():
    attack = TypeNames("Violence against civilians", "Attack")
    shelling = TypeNames("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert crosswalk.civilian_targeting(attack, []) == "Civilian targeting"
    assert crosswalk.civilian_targeting(shelling, [STATE, CIVILIANS]) == "Civilian targeting"
    assert crosswalk.civilian_targeting(shelling, [STATE, REBELS]) == ""
    assert crosswalk.civilian_targeting(TypeNames("Protests", "Peaceful protest"), []) == ""


# --- Derived columns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "numeric", "gw", "acled_region", "ucdp_region"),
    [
        ("Syria", "760", 652, "Middle East", "Middle East"),
        ("Iraq", "368", 645, "Middle East", "Middle East"),
        ("Turkey", "792", 640, "Middle East", "Middle East"),
        ("Russia (Soviet Union)", "643", 365, "Europe", "Europe"),
        ("Egypt", "818", 651, "Northern Africa", "Middle East"),
        ("United States", "840", 2, "North America", "Americas"),
        ("Afghanistan", "4", 700, "South Asia", "Asia"),
        ("Democratic Republic of Congo", "180", None, "", ""),
        ("Atlantis", "", None, "", ""),
    ],
)
def test_country_codes_come_from_pycountry_and_the_gleditsch_ward_list(
    name, numeric, gw, acled_region, ucdp_region
):
    country = geography.country(name)
    assert (country.numeric, country.gleditsch_ward) == (numeric, gw)
    assert (country.acled_region, country.ucdp_region) == (acled_region, ucdp_region)


@pytest.mark.parametrize(
    ("latitude", "longitude", "cell"),
    [
        (-90, -180, 1),
        (-89.9, -179.6, 1),
        (-89.9, -179.4, 2),
        (-89.4, -180, 721),
        (89.99, 179.99, 259200),
        (90, 180, 259200),
        (34.802462, 36.707602, 179714),
        (0, 0, 129961),
    ],
)
def test_priogrid_cells_are_half_degrees_numbered_from_the_south_west(latitude, longitude, cell):
    assert geography.priogrid_gid(latitude, longitude) == cell


def derived_export(dataset: str) -> dict[str, dict]:
    """The layout's export with every column derived from the events (as for our own events),
    keyed by the dataset id the event was imported with."""
    idents = dict(ExternalRecord.objects.values_list("event_id", "external_id"))
    ExternalRecord.objects.all().delete()
    rows = exported(dataset, include_unmapped="true")
    if dataset == "ucdp":
        return {idents[int(key) - ucdp.OWN_ID_OFFSET]: row for key, row in rows.items()}
    return {idents[int(key[2:])]: row for key, row in rows.items()}


# Columns an event of ours derives exactly as UCDP wrote them, for every row of the sample.
UCDP_DERIVED = [
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "date_prec",
    "date_start",
    "date_end",
    "best",
    "number_of_sources",
]


def test_the_derived_ged_columns_of_every_sample_event_are_what_ucdp_wrote():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    rows = {row["id"]: row for row in file_rows(UCDP_SAMPLE, ucdp)}
    derived = derived_export("ucdp")
    assert sorted(derived) == sorted(rows)
    for ident, row in rows.items():
        ours = derived[ident]
        for column in UCDP_DERIVED:
            assert ours[column] == row[column], (ident, column)
        assert float(ours["latitude"]) == float(row["latitude"])
        assert float(ours["longitude"]) == float(row["longitude"])
        # The same point, written the dataset's way ("POINT (38 35)"); GED's geom_wkt can hold
        # a digit more than its latitude and longitude, which are what an event keeps.
        point = ours["geom_wkt"].removeprefix("POINT (").removesuffix(")").split()
        given = row["geom_wkt"].removeprefix("POINT (").removesuffix(")").split()
        assert [float(v) for v in point] == pytest.approx([float(v) for v in given], abs=1e-6)
        assert (
            ours["geom_wkt"].startswith("POINT (") and "." not in ours["geom_wkt"]
        ) or "." in row["geom_wkt"]
        # GED's deaths add up to best; ours too (all of unknown status unless one-sided).
        deaths = [ours[c] for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")]
        assert sum(map(int, deaths)) == int(row["best"])
        assert int(ours["id"]) > ucdp.OWN_ID_OFFSET and ours["relid"]


# Columns of ACLED's that our events derive as ACLED wrote them (inter codes: numeric rows).
ACLED_DERIVED = [
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "geo_precision",
]


@pytest.mark.parametrize("path", [ACLED_CURRENT, ACLED_EDGES], ids=["current", "edges"])
def test_the_derived_acled_columns_of_every_row_are_what_acled_wrote(path):
    import_file(path, dataset="acled")
    rows = {row["event_id_cnty"]: row for row in file_rows(path, acled)}
    derived = derived_export("acled")
    for ident, row in rows.items():
        ours = derived[ident]
        for column in ACLED_DERIVED:
            assert ours[column] == row[column], (ident, column)
        assert float(ours["latitude"]) == float(row["latitude"])
        assert ours["notes"] == row["notes"].strip()  # The event's summary is trimmed.
        assert ours["fatalities"] == (row["fatalities"] or "0")  # ACLED has no "unknown".
        if row["inter1"].isdigit():
            assert (ours["inter1"], ours["inter2"]) == (row["inter1"], row["inter2"] or "")
            assert ours["interaction"] == row["interaction"], ident
        if row["time_precision"] == "1":
            assert ours["event_date"] == row["event_date"]


def test_an_actor_keeps_the_type_each_row_gave_it_on_that_events_link():
    import_file(ACLED_EDGES, dataset="acled")
    division = Actor.objects.get(name="Military Forces of Syria (2000-) 4th Armored Division")
    kinds = dict(
        EventActor.objects.filter(actor=division).values_list(
            "event__external_records__external_id", "kind"
        )
    )
    assert kinds == {"SYR9006": "state_forces", "SYR9007": "external"}
    derived = derived_export("acled")
    assert (derived["SYR9006"]["inter1"], derived["SYR9007"]["inter1"]) == ("1", "8")
    assert (derived["SYR9006"]["interaction"], derived["SYR9007"]["interaction"]) == ("13", "88")


def test_our_own_events_get_integer_ged_ids_and_what_ged_derives(seeded):
    rows = exported("ucdp")
    event = Event.objects.published().exclude(type__parent__name="Diplomacy and negotiations")
    assert all(int(ident) == ucdp.OWN_ID_OFFSET + int(ident) - ucdp.OWN_ID_OFFSET for ident in rows)
    assert {int(ident) - ucdp.OWN_ID_OFFSET for ident in rows} <= set(
        event.values_list("id", flat=True)
    )
    for ident, row in rows.items():
        pk = int(ident) - ucdp.OWN_ID_OFFSET
        assert row["relid"] == str(Event.objects.get(pk=pk).uid)
        assert row["type_of_violence"] in {"1", "2", "3"}
        if row["latitude"]:
            assert row["priogrid_gid"] and row["country_id"] == "652"


# --- What a layout leaves out, and says so ---------------------------------------------------


def test_the_layouts_leave_out_events_without_an_equivalent_and_say_how_many(seeded):
    published = Event.objects.published().select_related("type__parent")
    unmapped = [
        event
        for event in published
        if (event.type.parent or event.type).name
        in {"Diplomacy and negotiations", "Statements and claims", "Conflict milestones"}
        or event.date_earliest > date.today()
    ]
    assert unmapped
    response = APIClient().get("/api/v1/timeline/", {"format": "acled"})
    rows = read_csv(b"".join(response.streaming_content))
    assert response["X-Events-Left-Out"] == str(len(unmapped))
    assert len(rows) == published.count() - len(unmapped)
    assert {row["event_id_cnty"] for row in rows}.isdisjoint({f"CT{e.pk}" for e in unmapped})
    everything = APIClient().get(
        "/api/v1/timeline/", {"format": "acled", "include_unmapped": "true"}
    )
    assert "X-Events-Left-Out" not in everything
    assert len(read_csv(b"".join(everything.streaming_content))) == published.count()


def test_the_ucdp_layout_leaves_out_non_violent_events(seeded):
    import_file(ACLED_CURRENT, dataset="acled")
    response = APIClient().get("/api/v1/timeline/", {"format": "ucdp", "type": "protests"})
    assert response["X-Events-Left-Out"] == "1"
    assert read_csv(b"".join(response.streaming_content)) == []


def test_one_event_says_when_it_is_left_out(seeded):
    talks = Event.objects.published().filter(type__parent__name="Diplomacy and negotiations")[0]
    response = APIClient().get(f"/api/v1/events/{talks.pk}/", {"format": "acled"})
    assert (response.status_code, response["X-Events-Left-Out"]) == (200, "1")
    assert read_csv(response.content) == []


def test_include_unmapped_takes_true_or_false_only(seeded):
    response = APIClient().get("/api/v1/timeline/", {"format": "acled", "include_unmapped": "yes"})
    assert response.status_code == 400
    assert "include_unmapped" in response.json()["errors"]
    histogram = APIClient().get("/api/v1/timeline/histogram/", {"include_unmapped": "true"})
    assert histogram.status_code == 400


# --- event_date means one thing in every CSV layout ------------------------------------------


def test_event_date_is_the_acled_rows_day_in_every_csv_layout_until_its_dates_change():
    import_file(ACLED_EDGES, dataset="acled")
    client = APIClient()
    csv_rows = {
        row["event_id_cnty"]: row
        for row in read_csv(
            b"".join(client.get("/api/v1/timeline/", {"format": "csv"}).streaming_content)
        )
    }
    month = ExternalRecord.objects.get(external_id="SYR9002").event
    ours = csv_rows[f"CT{month.pk}"]
    assert (ours["event_date"], ours["year"], ours["date_earliest"]) == (
        "2022-09-25",
        "2022",
        "2022-09-01",
    )
    assert exported("acled")["SYR9002"]["event_date"] == "2022-09-25"
    # Once an editor dates it otherwise, the row's day no longer holds: the earliest day does.
    month.date_earliest, month.date_latest = date(2022, 9, 10), date(2022, 9, 12)
    month.date_precision = "days"
    month.save()
    after = {
        row["event_id_cnty"]: row
        for row in read_csv(
            b"".join(client.get("/api/v1/timeline/", {"format": "csv"}).streaming_content)
        )
    }
    assert after[f"CT{month.pk}"]["event_date"] == "2022-09-10"
    assert exported("acled")["SYR9002"]["event_date"] == "2022-09-10"


def test_event_date_of_our_own_events_is_the_earliest_day_in_every_csv_layout(seeded):
    event = Event.objects.published().filter(date_precision="month").first()
    event.type = EventType.objects.get(name="Armed clash")
    event.save()
    client = APIClient()
    params = {"start": event.date_earliest.isoformat(), "end": event.date_latest.isoformat()}
    plain = read_csv(
        b"".join(client.get("/api/v1/timeline/", {**params, "format": "csv"}).streaming_content)
    )
    layout = read_csv(
        b"".join(client.get("/api/v1/timeline/", {**params, "format": "acled"}).streaming_content)
    )
    day = event.date_earliest.isoformat()
    assert {row["event_date"] for row in plain if row["event_id_cnty"] == f"CT{event.pk}"} == {day}
    assert {row["event_date"] for row in layout if row["event_id_cnty"] == f"CT{event.pk}"} == {day}
