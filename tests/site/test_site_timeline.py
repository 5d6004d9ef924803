"""The public pages' pure helpers: uncertain dates placed, histogram bars, map points, marks."""

from datetime import date
from itertools import pairwise

import pytest

from events.site.highlight import Citation, locate, paragraphs
from events.site.timeline import (
    choose_interval,
    date_notes,
    date_with_bounds,
    decorate,
    fatalities_text,
    group,
    map_legend,
    map_points,
    nice_scale,
    period_of,
    strip,
)


def entry(pk, earliest, latest=None, *, precision="day", display="", approximate=False, **extra):
    latest = latest or earliest
    return {
        "id": pk,
        "headline": f"Event {pk}",
        "date": {
            "earliest": earliest,
            "latest": latest,
            "precision": precision,
            "approximate": approximate,
            "display": display or earliest,
        },
        "type": {"slug": "armed-clash", "name": "Armed clash", "parent": None},
        "location": extra.get("location"),
        "actors": extra.get("actors", []),
        "sources": [],
        "fatalities": {"best": None, "low": None, "high": None},
    }


def place(pk, lat=36.2, lon=37.1, precision=1):
    return {
        "id": pk,
        "slug": f"place-{pk}",
        "name": f"Place {pk}",
        "kind": "city",
        "latitude": lat,
        "longitude": lon,
        "geo_precision": precision,
        "ancestors": [{"slug": "syria", "name": "Syria", "kind": "country"}],
    }


# --- Placing uncertain dates ------------------------------------------------------------------


def test_a_month_precision_event_sits_under_its_month_and_on_no_day():
    periods = group(
        [
            entry(1, "2016-02-01", "2016-02-29", precision="month", display="February 2016"),
            entry(2, "2016-02-14"),
        ]
    )
    assert [p.label for p in periods] == ["February 2016"]
    month, day = periods[0].slots
    assert (month.kind, month.label, [e["id"] for e in month.entries]) == (
        "span",
        "Day not known",
        [1],
    )
    assert (day.kind, day.label) == ("day", "Sun 14 Feb")


def test_an_early_month_span_is_labelled_with_its_own_words_under_its_month():
    periods = group(
        [entry(1, "2016-08-01", "2016-08-10", precision="month", display="early August 2016")]
    )
    assert periods[0].label == "August 2016"
    assert periods[0].slots[0].label == "early August 2016"


def test_a_year_precision_event_gets_a_period_of_its_own_and_not_january():
    periods = group(
        [
            entry(1, "2016-01-01", "2016-12-31", precision="year", display="2016"),
            entry(2, "2016-01-05"),
        ]
    )
    assert [(p.kind, p.label) for p in periods] == [("long", "2016"), ("month", "January 2016")]
    assert periods[0].slots[0].label == "Month not known"


def test_a_span_over_two_years_is_labelled_with_both_years():
    periods = group([entry(1, "2015-06-01", "2016-03-31", precision="year", display="x")])
    assert periods[0].label == "2015–2016"


def test_events_on_the_same_day_share_one_slot_and_a_later_day_starts_another():
    periods = group([entry(1, "2016-09-04"), entry(2, "2016-09-04"), entry(3, "2016-09-05")])
    slots = periods[0].slots
    assert [[e["id"] for e in slot.entries] for slot in slots] == [[1, 2], [3]]


def test_an_approximate_week_says_so_and_gives_its_bounds():
    item = entry(
        1, "2016-08-22", "2016-08-28", precision="week", display="c. 25 Aug 2016", approximate=True
    )
    assert date_notes(item) == [("approximate", "approximate"), ("bounds", "within 22–28 Aug 2016")]


def test_an_editors_wording_gets_its_bounds_but_a_plain_month_does_not_repeat_them():
    worded = entry(
        1, "2016-07-01", "2016-07-31", precision="month", display="since July 2016 (ongoing)"
    )
    plain = entry(2, "2016-07-01", "2016-07-31", precision="month", display="July 2016")
    assert date_notes(worded) == [("bounds", "within 1–31 Jul 2016")]
    assert date_notes(plain) == []


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "display", "notes"),
    [
        ("2016-08-01", "2016-08-10", "month", "early August 2016", ["within 1–10 Aug 2016"]),
        ("2016-08-22", "2016-08-28", "week", "week of 22 Aug 2016", ["within 22–28 Aug 2016"]),
        ("2016-08-01", "2016-08-10", "days", "1–10 Aug 2016", []),
        ("2011-01-01", "2011-12-31", "year", "2011", []),
        ("2015-01-01", "2016-12-31", "year", "2015–2016", []),
        ("2016-09-04", "2016-09-04", "day", "4 Sep 2016", []),
    ],
)
def test_every_uncertain_date_says_its_bounds_unless_its_text_already_does(
    earliest, latest, precision, display, notes
):
    item = entry(1, earliest, latest, precision=precision, display=display)
    assert [note for kind, note in date_notes(item) if kind == "bounds"] == notes


def test_a_date_shown_alone_carries_its_bounds_in_one_line():
    early = entry(1, "2016-08-01", "2016-08-10", precision="month", display="early August 2016")
    assert date_with_bounds(early) == "early August 2016 (within 1–10 Aug 2016)"
    assert date_with_bounds(entry(2, "2016-09-04", display="4 Sep 2016")) == "4 Sep 2016"


def test_an_events_period_is_its_month_or_its_years_never_a_made_up_day():
    year = entry(1, "2011-01-01", "2011-12-31", precision="year", display="2011")
    early = entry(2, "2016-08-01", "2016-08-10", precision="month", display="early August 2016")
    assert period_of(year) == ("2011", "2011", "2011")
    assert period_of(early) == ("August 2016", "2016-08", "2016-08")


# --- Histogram strip ----------------------------------------------------------------------------


def test_the_interval_is_the_finest_that_fits_in_ninety_bars():
    assert choose_interval(date(2016, 8, 1), date(2016, 9, 30)) == "day"
    assert choose_interval(date(2016, 1, 1), date(2016, 12, 31)) == "week"
    assert choose_interval(date(2011, 1, 1), date(2017, 8, 31)) == "month"
    assert choose_interval(date(1990, 1, 1), date(2017, 8, 31)) == "year"


def test_the_strip_fills_empty_months_and_each_bar_selects_exactly_its_bucket():
    counted = {
        "interval": "month",
        "events": 4,
        "precise_events": 3,
        "imprecise_events": 1,
        "buckets": [
            {"start": "2016-07-01", "end": "2016-07-31", "count": 1, "imprecise": 1},
            {"start": "2016-09-01", "end": "2016-09-30", "count": 2, "imprecise": 1},
        ],
    }
    drawn = strip(counted, first=date(2016, 7, 10), last=date(2016, 9, 2))
    bars = drawn.bars
    assert [(b.label, b.certain, b.possible) for b in bars] == [
        ("July 2016", 1, 1),
        ("August 2016", 0, 0),
        ("September 2016", 2, 1),
    ]
    assert bars[1].empty
    assert (bars[2].start_param, bars[2].end_param) == ("2016-09", "2016-09")
    # The axis tops at 4 (the tallest bar holds 3), so that its middle gridline reads 2.
    assert (drawn.scale, drawn.scale_half) == (4, 2)
    assert (bars[2].certain_pct, bars[2].possible_pct) == (50.0, 25.0)
    assert (bars[2].certain_top, bars[2].possible_top) == (50.0, 25.0)


@pytest.mark.parametrize(
    ("tallest", "scale"),
    [
        (0, 1),
        (1, 1),
        (2, 2),
        (3, 4),
        (5, 6),
        (9, 10),
        (11, 12),
        (13, 16),
        (41, 50),
        (101, 120),
        (999, 1000),
    ],
)
def test_the_axis_tops_at_a_round_count_that_holds_the_tallest_bar(tallest, scale):
    assert nice_scale(tallest) == scale


def test_week_bars_select_monday_to_sunday():
    counted = {"interval": "week", "events": 1, "precise_events": 1, "imprecise_events": 0}
    counted["buckets"] = [{"start": "2016-08-22", "end": "2016-08-28", "count": 1, "imprecise": 0}]
    bar = strip(counted, first=date(2016, 8, 24), last=date(2016, 8, 24)).bars[0]
    assert (bar.start_param, bar.end_param, bar.label) == (
        "2016-08-22",
        "2016-08-28",
        "week of 22 Aug 2016",
    )


# --- Map points and entry details ----------------------------------------------------------------


def test_map_points_group_events_by_place_and_skip_places_without_coordinates():
    nowhere = place(3, lat=None, lon=None)
    points = map_points(
        [
            entry(1, "2016-09-04", location=place(7)),
            entry(2, "2016-09-04", location=place(7)),
            entry(3, "2016-09-04", location=nowhere),
            entry(4, "2016-09-04"),
            entry(5, "2016-09-04", location=place(8, precision=6)),
        ]
    )
    assert [(p["id"], [e["id"] for e in p["events"]], p["area"]) for p in points] == [
        (7, [1, 2], False),
        (8, [5], True),
    ]


def test_unknown_fatalities_are_not_zero():
    assert fatalities_text({"best": None, "low": None, "high": None}) == ""
    assert fatalities_text({"best": 12, "low": 10, "high": 15}) == "12 (10–15)"
    assert fatalities_text({"best": None, "low": 10, "high": 15}) == "10–15"
    assert fatalities_text({"best": 0, "low": None, "high": None}) == "0"


def test_a_contradiction_on_the_same_page_links_to_its_anchor_and_others_to_their_page():
    item = entry(5, "2016-09-04")
    item["related"] = [
        {"id": 6, "headline": "B", "kind": "contradicts", "direction": "outgoing", "url": "/e/6/"},
        {"id": 9, "headline": "C", "kind": "follows", "direction": "incoming", "url": "/e/9/"},
    ]
    decorate(item, on_page={5, 6})
    shown = [(r["phrase"], r["href"]) for r in item["contradictions"]]
    assert shown == [("Contradicts", "#event-6")]
    assert [(r["phrase"], r["href"]) for r in item["relations"]] == [("Followed by", "/e/9/")]


def test_actors_are_grouped_by_role_in_the_roles_order():
    item = entry(
        1,
        "2016-09-04",
        actors=[
            {"slug": "b", "name": "B", "kind": "x", "role": "side_b"},
            {"slug": "a", "name": "A", "kind": "x", "role": "side_a"},
            {"slug": "c", "name": "C", "kind": "x", "role": "side_b"},
        ],
    )
    decorate(item)
    assert [(role, [a["name"] for a in actors]) for role, actors in item["roles"]] == [
        ("side A", ["A"]),
        ("side B", ["B", "C"]),
    ]


# --- Highlights ---------------------------------------------------------------------------------


def test_overlapping_excerpts_split_into_segments_naming_every_citing_event():
    text = "Alpha beta gamma delta."
    (runs,) = paragraphs(
        text, [Citation(6, 16, event_id=1), Citation(11, 22, event_id=2)], order={1: 1, 2: 2}
    )
    plain, cited, rest = runs
    assert plain.segments[0].text == "Alpha "
    assert [(s.text, s.events) for s in cited.segments] == [
        ("beta ", (1,)),
        ("gamma", (1, 2)),
        (" delta", (2,)),
    ]
    assert cited.refs == [(1, 1), (2, 2)]
    assert rest.segments[0].text == "."
    assert [s.anchors for s in cited.segments] == [[1], [2], []]


def test_paragraphs_split_at_blank_lines_and_keep_every_character_of_them():
    text = "First line\nsecond line.\n\nNext paragraph."
    found = paragraphs(text, [Citation(0, 5, event_id=1)])
    joined = ["".join(s.text for run in para for s in run.segments) for para in found]
    assert joined == ["First line\nsecond line.", "Next paragraph."]


def test_a_stale_offset_falls_back_to_finding_the_excerpt():
    text = "On Sunday, forces shelled the town."
    assert locate(text, "shelled the town", 18) == (18, 34)
    assert locate(text, "shelled the town", 2) == (18, 34)
    assert locate(text, "not in the text", 0) is None


def test_a_contradiction_recorded_both_ways_is_shown_once():
    item = entry(5, "2016-09-04")
    link = {"id": 6, "headline": "B", "kind": "contradicts", "url": "/e/6/", "note": "n"}
    item["related"] = [{**link, "direction": "outgoing"}, {**link, "direction": "incoming"}]
    decorate(item)
    assert [(r["phrase"], r["id"]) for r in item["contradictions"]] == [("Contradicts", 6)]


def test_tick_labels_under_narrow_bars_keep_their_distance():
    counted = {"interval": "week", "events": 0, "precise_events": 0, "imprecise_events": 0}
    counted["buckets"] = []
    bars = strip(counted, first=date(2016, 8, 29), last=date(2017, 8, 31)).bars
    shown = [index for index, bar in enumerate(bars) if bar.tick]
    assert bars[0].tick == "Aug 2016"
    assert all(b - a >= 4 for a, b in pairwise(shown))


def test_the_map_legend_names_the_types_shown_and_explains_only_what_is_drawn():
    point = {
        "area": False,
        "events": [
            {"family": "battles", "family_name": "Battles"},
            {"family": "diplomacy", "family_name": "Diplomacy"},
        ],
    }
    area = {"area": True, "events": [{"family": "battles", "family_name": "Battles"}]}
    one = map_legend([point])
    assert [family["name"] for family in one["families"]] == ["Battles", "Diplomacy"]
    assert (one["areas"], one["several"]) == (False, False)
    assert (map_legend([point, area])["areas"], map_legend([point, area])["several"]) == (
        True,
        True,
    )
