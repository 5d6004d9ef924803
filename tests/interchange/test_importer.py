"""The import machinery: bad rows, all-or-nothing, dry runs, re-imports, places, queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.interchange.dataset_files import FileError
from events.interchange.importer import import_file
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventSource,
    ExternalRecord,
    Location,
    PlaceSuggestion,
)
from tests.factories import ActorFactory
from tests.interchange.builders import (
    ACLED_DEFAULTS,
    acled_file,
    acled_rows,
    csv_bytes,
    ucdp_file,
)

pytestmark = pytest.mark.django_db


def event(external_id: str) -> Event:
    return ExternalRecord.objects.get(external_id=external_id).event


BAD_FILE = acled_file(
    {"event_id_cnty": "SYR1"},
    {"event_id_cnty": "SYR2", "event_date": "31-Feb-20"},
    {"event_id_cnty": "SYR3", "latitude": "134.5", "actor1": "Never Seen Brigade"},
    {"event_id_cnty": "SYR1", "location": "Elsewhere"},
    {"event_id_cnty": "SYR5", "fatalities": "several"},
    {"event_id_cnty": "SYR6", "event_type": "Skirmishes", "actor1": "Never Seen Either"},
    {"event_id_cnty": "SYR7"},
)


def test_bad_rows_are_reported_by_line_and_reason_and_the_rest_imported():
    report = import_file(BAD_FILE, dataset="acled")
    assert [(row.line, row.external_id) for row in report.rejected] == [
        (3, "SYR2"),
        (4, "SYR3"),
        (5, "SYR1"),
        (6, "SYR5"),
        (7, "SYR6"),
    ]
    reasons = [row.reason for row in report.rejected]
    assert reasons[0].startswith("event_date: '31-Feb-20' is not a date")
    assert reasons[1] == "latitude: 134.5 is outside -90..90 (swapped with the other coordinate?)"
    assert reasons[2] == "the id is also on line 2"
    assert reasons[3] == "fatalities: 'several' is not a number"
    assert reasons[4].startswith("event_type: 'Skirmishes' is not an event type here")
    assert sorted(ExternalRecord.objects.values_list("external_id", flat=True)) == ["SYR1", "SYR7"]
    # A rejected row leaves nothing behind: not its new actors either.
    assert not Actor.objects.filter(name__startswith="Never Seen").exists()


def test_with_atomic_one_bad_row_means_nothing_is_written():
    report = import_file(BAD_FILE, dataset="acled", atomic=True)
    assert len(report.rejected) == 5
    assert not report.written
    assert not Event.objects.exists()
    assert not Actor.objects.exists() and not Location.objects.exists()
    assert not Article.objects.exists()
    assert "--atomic: a row was rejected, so nothing was written" in report.lines()


def test_atomic_imports_a_clean_file_whole():
    report = import_file(acled_file(*acled_rows(3)), dataset="acled", atomic=True)
    assert report.written and Event.objects.count() == 3


def test_a_dry_run_writes_nothing_and_reports_what_would_happen():
    report = import_file(BAD_FILE, dataset="acled", dry_run=True, keep_outcomes=True)
    assert (report.created, len(report.rejected)) == (2, 5)
    assert [(o.line, o.action) for o in report.outcomes] == [
        (2, "create"),
        (3, "reject"),
        (4, "reject"),
        (5, "reject"),
        (6, "reject"),
        (7, "reject"),
        (8, "create"),
    ]
    assert report.new_actors == 2 and report.new_places == 4
    for model in (Event, Actor, Location, Article, ExternalRecord, EventActor, EventSource):
        assert not model.objects.exists(), model.__name__


def test_a_dry_run_of_a_file_already_imported_finds_it_unchanged():
    import_file(acled_file(*acled_rows(3)), dataset="acled")
    report = import_file(acled_file(*acled_rows(3)), dataset="acled", dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_importing_the_same_file_again_changes_nothing():
    data = acled_file(*acled_rows(4))
    import_file(data, dataset="acled")
    before = list(Event.objects.order_by("id").values())
    histories = Event.history.count()
    report = import_file(data, dataset="acled")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert list(Event.objects.order_by("id").values()) == before
    assert Event.history.count() == histories
    assert EventActor.objects.count() == 8 and EventSource.objects.count() == 4


def test_a_changed_row_updates_its_event_in_place_with_a_history_record():
    import_file(acled_file(*acled_rows(2)), dataset="acled")
    first = event("SYR1")
    newer = acled_rows(2)
    newer[0].update(fatalities="9", actor2="Islamic State", timestamp="1600000000")
    report = import_file(acled_file(*newer), dataset="acled")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed = event("SYR1")
    assert (changed.pk, changed.uid) == (first.pk, first.uid)
    assert changed.fatalities_best == 9
    assert list(changed.actor_links.order_by("id").values_list("actor__name", "role")) == [
        ("Brigade 1", "side_a"),
        ("Islamic State", "side_b"),
    ]
    assert changed.headline.endswith("Brigade 1 and Islamic State")
    assert list(changed.history.values_list("history_type", flat=True)) == ["~", "+"]
    assert changed.external_records.get().release == "1600000000"
    assert Event.objects.count() == 2


def link_history(model, event_id: int) -> list[tuple]:
    """An event's link history records: (change, the link's id, its actor or article, reason),
    sorted (records of one write share its moment)."""
    named = "actor__name" if model is EventActor else "excerpt"
    return sorted(
        model.history.filter(event_id=event_id).values_list(
            "history_type", "id", named, "history_change_reason"
        )
    )


def test_a_newer_row_that_changes_the_actors_is_recorded_in_the_links_history():
    import_file(acled_file({"timestamp": "1504137600"}), dataset="acled")
    imported = event("SYR1")
    old = dict(imported.actor_links.values_list("actor__name", "id"))
    report = import_file(
        acled_file({"timestamp": "1504137700", "actor2": "Hezbollah", "notes": "Other notes."}),
        dataset="acled",
        filename="syria.csv",
    )
    assert report.updated == 1
    new = dict(event("SYR1").actor_links.values_list("actor__name", "id"))
    assert set(new) == {"Military Forces of Syria (2000-)", "Hezbollah"}
    reason = "import of ACLED syria.csv"
    removed = [("-", pk, name, reason) for name, pk in old.items()]
    added = [("+", pk, name, reason) for name, pk in new.items()]
    assert link_history(EventActor, imported.pk) == sorted(removed + added)
    assert [change for change, *_ in link_history(EventSource, imported.pk)] == ["+", "-"]


def test_a_newer_row_that_changes_only_the_sources_records_those_alone():
    import_file(acled_file({}), dataset="acled")
    imported = event("SYR1")
    links = list(imported.actor_links.values_list("id", flat=True))
    (old,) = imported.sources.values_list("id", flat=True)
    newer = acled_file({"notes": "IS shelled Sukhna.", "timestamp": "1600000000"})
    report = import_file(newer, dataset="acled", filename="syria.csv")
    assert report.updated == 1
    (new,) = event("SYR1").sources.values_list("id", flat=True)
    assert link_history(EventSource, imported.pk) == [
        ("+", new, "IS shelled Sukhna.", "import of ACLED syria.csv"),
        ("-", old, ACLED_DEFAULTS["notes"], "import of ACLED syria.csv"),
    ]
    assert list(event("SYR1").actor_links.values_list("id", flat=True)) == links
    assert link_history(EventActor, imported.pk) == []


def test_a_re_import_that_leaves_the_links_as_they_are_records_no_link_history():
    data = acled_file(*acled_rows(2))
    import_file(data, dataset="acled")
    actors, sources = list(EventActor.objects.values()), list(EventSource.objects.values())
    import_file(data, dataset="acled")
    newer = acled_rows(2, timestamp="1600000000")
    newer[0]["fatalities"] = "9"
    report = import_file(acled_file(*newer), dataset="acled")
    assert (report.updated, report.unchanged) == (1, 1)
    assert event("SYR1").fatalities_best == 9
    assert list(EventActor.objects.values()) == actors
    assert list(EventSource.objects.values()) == sources
    assert not EventActor.history.exists() and not EventSource.history.exists()


def test_an_editors_change_survives_a_re_import_of_an_unchanged_row():
    data = acled_file(*acled_rows(1))
    import_file(data, dataset="acled")
    curated = event("SYR1")
    curated.headline = "Brigade 1 attacks the village at dawn"
    curated.save()
    import_file(data, dataset="acled")
    assert event("SYR1").headline == "Brigade 1 attacks the village at dawn"


def test_rows_that_disappeared_are_listed_and_kept():
    import_file(acled_file(*acled_rows(3)), dataset="acled")
    gone = event("SYR2")
    report = import_file(
        acled_file(*[r for r in acled_rows(3) if r["event_id_cnty"] != "SYR2"]), dataset="acled"
    )
    assert report.missing == [("SYR2", gone.pk)]
    assert Event.objects.filter(pk=gone.pk).exists()
    assert "SYR2 → event" in "\n".join(report.lines())


def test_rows_of_another_country_are_not_missing_from_this_countrys_file():
    import_file(acled_file(*acled_rows(2)), dataset="acled")
    report = import_file(acled_file({"event_id_cnty": "IRQ1", "country": "Iraq"}), dataset="acled")
    assert report.missing == []


def test_a_place_is_reused_only_on_an_exact_name_admin_path_and_coordinates():
    def row(number: int, latitude: str, longitude: str) -> dict:
        return {
            "event_id_cnty": f"SYR{number}",
            "location": "Tall Hamid",
            "latitude": latitude,
            "longitude": longitude,
        }

    report = import_file(
        acled_file(
            row(1, "33.5000", "36.3000"),
            row(2, "36.2000", "38.9000"),  # 300 km away: another place.
            row(3, "33.5030", "36.3020"),  # 300 m away: another place, maybe the same.
            row(4, "33.5000", "36.3000"),  # The first, exactly.
            {**row(5, "33.5000", "36.3000"), "admin2": "Qudsaya"},  # Another district.
        ),
        dataset="acled",
    )
    assert report.created == 5
    first, far, near, same, elsewhere = (event(f"SYR{n}").location for n in range(1, 6))
    assert same == first
    assert len({first.pk, far.pk, near.pk, elsewhere.pk}) == 4
    assert (near.latitude, near.longitude) == (33.503, 36.302)
    # Possible duplicates are suggested, never merged: the one nearby, not the one far away.
    pairs = {(s.place_id, s.same_as_id) for s in PlaceSuggestion.objects.all()}
    assert (near.pk, first.pk) in pairs
    assert not {(far.pk, first.pk), (first.pk, far.pk)} & pairs
    assert report.place_suggestions == len(pairs)


def test_an_admin_unit_is_reused_by_its_exact_name_within_its_parent_only():
    import_file(
        acled_file(
            {"event_id_cnty": "SYR1", "country": "Syria", "admin1": "Homs"},
            {
                "event_id_cnty": "LBN1",
                "country": "Lebanon",
                "admin1": "Homs",
                "latitude": "34.0",
                "longitude": "35.9",
            },
            {
                "event_id_cnty": "SYR2",
                "country": "Syria",
                "admin1": "Homs Governorate",
                "latitude": "34.9",
                "longitude": "37.0",
            },
            {"event_id_cnty": "SYR3", "country": "Syria", "admin1": "Homs", "admin2": "Tadmur"},
        ),
        dataset="acled",
    )
    governorates = Location.objects.filter(kind="governorate").order_by("id")
    assert [(g.name, g.parent.name) for g in governorates] == [
        ("Homs", "Syria"),
        ("Homs", "Lebanon"),
        ("Homs Governorate", "Syria"),
    ]
    syrian, lebanese, spelt = governorates
    # Another spelling in the same country may be the same unit; another country's is not.
    pairs = {(s.place_id, s.same_as_id) for s in PlaceSuggestion.objects.all()}
    assert (spelt.pk, syrian.pk) in pairs
    assert not {pair for pair in pairs if lebanese.pk in pair}


def test_actors_are_found_by_name_slug_or_alias_and_created_once_when_new():
    known = ActorFactory(name="Islamic State", slug="islamic-state")
    ActorAlias.objects.create(actor=known, name="Daesh")
    import_file(
        acled_file(
            {"event_id_cnty": "SYR1", "actor1": "DAESH", "actor2": "New Front"},
            {"event_id_cnty": "SYR2", "actor1": "islamic-state", "actor2": "new front"},
            {"event_id_cnty": "SYR3", "actor1": "Islamic  State", "actor2": "New Front"},
        ),
        dataset="acled",
    )
    assert set(EventActor.objects.filter(role="side_a").values_list("actor_id", flat=True)) == {
        known.pk
    }
    assert Actor.objects.filter(name__iexact="new front").count() == 1


def test_imported_events_are_published_with_a_creation_record_by_the_importer(publisher):
    import_file(acled_file(*acled_rows(1)), dataset="acled", user=publisher, filename="syria.csv")
    imported = event("SYR1")
    assert imported.status == "published" and imported.published_at is not None
    record = imported.history.get()
    assert (record.history_type, record.history_user) == ("+", publisher)
    assert record.history_change_reason == "import of ACLED syria.csv"
    assert Actor.history.filter(name="Brigade 1", history_type="+").exists()


def test_a_status_can_be_chosen_for_new_events():
    import_file(acled_file(*acled_rows(1)), dataset="acled", status="review")
    assert event("SYR1").status == "review" and event("SYR1").published_at is None


def test_imported_links_and_excerpts_are_what_the_models_would_store():
    import_file(acled_file(*acled_rows(1)), dataset="acled")
    imported = event("SYR1")
    for link in imported.actor_links.all():
        assert (link.date_earliest, link.date_latest) == (
            imported.date_earliest,
            imported.date_latest,
        )
    source = imported.sources.get()
    source.full_clean()  # The excerpt stands verbatim at its offsets in the article.
    assert source.excerpt_end == source.excerpt_start + len(source.excerpt)
    imported.full_clean()
    for place in Location.objects.all():
        place.full_clean()
        assert place.path.endswith(f"/{place.pk}/")


def test_the_queries_of_an_import_do_not_grow_with_its_rows():
    def queries(count: int, prefix: str) -> int:
        data = acled_file(*acled_rows(count, notes=f"{prefix} notes"))
        data = data.replace(b"SYR", prefix.encode()).replace(b"Village", prefix.encode())
        with CaptureQueriesContext(connection) as captured:
            report = import_file(data, dataset="acled")
        assert report.created == count
        return len(captured)

    queries(1, "WARM")  # The event types are created once, by the first import.
    # Every row brings a new event, two actors, two places and an article: 390 more rows cost
    # at most an extra statement or two (lookups go 500 ids at a time), never one per row.
    few, many = queries(10, "AAA"), queries(400, "BBB")
    assert few <= many <= few + 2


def test_updates_take_a_fixed_number_of_queries_too():
    import_file(acled_file(*acled_rows(200)), dataset="acled")

    def queries(count: int, fatalities: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            report = import_file(
                acled_file(*acled_rows(count, fatalities=fatalities)), dataset="acled"
            )
        assert report.updated == count
        return len(captured)

    assert queries(10, "7") == queries(10, "8")  # Warm: same rows, same count.
    assert queries(200, "9") <= queries(10, "10") + 2


def test_an_unchanged_re_import_takes_a_fixed_number_of_queries():
    def queries(count: int, prefix: str) -> int:
        data = acled_file(*acled_rows(count)).replace(b"SYR", prefix.encode())
        import_file(data, dataset="acled")
        with CaptureQueriesContext(connection) as captured:
            report = import_file(data, dataset="acled")
        assert report.unchanged == count
        return len(captured)

    few, many = queries(10, "AAA"), queries(400, "BBB")
    assert few <= many <= few + 2  # Ids are looked up 500 at a time, never one per row.


def test_blank_lines_and_a_byte_order_mark_are_tolerated():
    data = b"\xef\xbb\xbf" + acled_file(*acled_rows(2)).replace(b"\r\nSYR2", b"\r\n\r\n,,,\r\nSYR2")
    data = data.replace(b",,,\r\n", b"," * (len(ACLED_DEFAULTS) + 4) + b"\r\n")
    report = import_file(data, dataset="acled")
    assert (report.created, report.rejected) == (2, [])


def test_a_file_that_is_not_utf8_is_read_as_windows_1252_and_says_so():
    data = acled_file({"notes": "Caf\u00e9 shelled."}).decode().encode("cp1252")
    report = import_file(data, dataset="acled")
    assert event("SYR1").summary == "Caf\u00e9 shelled."
    assert "the file is not UTF-8: read as cp1252" in report.lines()


def test_a_ucdp_file_name_gives_the_release():
    report = import_file(ucdp_file({}), dataset="ucdp", filename="ged191.csv")
    assert report.release == "19.1"
    assert ExternalRecord.objects.get().release == "19.1"


def test_a_file_without_the_layouts_columns_is_refused_before_any_row():
    with pytest.raises(FileError, match="the header has no 'date_start' column"):
        import_file(csv_bytes(["id", "type_of_violence"], [{"id": "1"}]), dataset="ucdp")
    assert not Event.objects.exists()


def test_a_row_that_became_unreadable_is_rejected_not_listed_as_missing():
    import_file(acled_file(*acled_rows(2)), dataset="acled")
    broken = acled_rows(2)
    broken[1]["event_date"] = "2017-02-30"
    report = import_file(acled_file(*broken), dataset="acled")
    assert [row.external_id for row in report.rejected] == ["SYR2"]
    assert report.missing == []


def test_a_source_list_too_long_for_an_outlet_is_cut_with_a_warning():
    names = "; ".join(f"Local Coordination Committee {n}" for n in range(12))
    report = import_file(acled_file({"source": names}), dataset="acled")
    assert report.warnings[0][0] == 2 and report.warnings[0][1].startswith("source: ")
    outlet = event("SYR1").sources.get().article.outlet
    assert len(outlet) == 200 and outlet.endswith("…")


def test_imported_and_updated_events_are_found_by_the_words_of_their_excerpts():
    # A new event's sources are written before the event itself (so that the search index
    # takes each event once): its excerpts must still be in its search document.
    from events.search import mentioning

    import_file(acled_file(*acled_rows(3, notes="Shelling near the granary")), dataset="acled")
    assert mentioning(Event.objects.all(), "granary").count() == 3
    newer = acled_rows(3, notes="Shelling near the granary")
    newer[0]["notes"] = "Airstrike on the bakery"
    import_file(acled_file(*newer), dataset="acled")
    assert list(mentioning(Event.objects.all(), "bakery")) == [event("SYR1")]
    assert mentioning(Event.objects.all(), "granary").count() == 2
    assert Event.objects.count() == 3


def test_the_missing_records_are_those_of_the_files_countries_and_dates_only():
    dated = [
        {"event_id_cnty": "SYR1", "event_date": "2017-06-01"},
        {"event_id_cnty": "SYR2", "event_date": "2018-03-01"},
        {"event_id_cnty": "SYR3", "event_date": "2018-06-01"},
        {"event_id_cnty": "SYR4", "event_date": "2018-09-01"},
        {"event_id_cnty": "SYR5", "event_date": "2019-06-01"},
        {"event_id_cnty": "IRQ1", "event_date": "2018-06-01", "country": "Iraq"},
    ]
    import_file(acled_file(*dated), dataset="acled")
    # A file of Syria for March to September 2018 that lacks one of its rows.
    report = import_file(acled_file(dated[1], dated[3]), dataset="acled")
    assert report.missing == [("SYR3", event("SYR3").pk)]
    assert report.missing_count == 1
    assert report.scope == (["Syria"], date(2018, 3, 1), date(2018, 9, 1))
    assert "1 ACLED records of Syria dated 2018-03-01 to 2018-09-01 are not in this file" in (
        "\n".join(report.lines())
    )


def test_the_missing_records_are_counted_and_the_first_listed_in_one_statement():
    import_file(acled_file(*acled_rows(5)), dataset="acled")
    with CaptureQueriesContext(connection) as captured:
        report = import_file(acled_file(*acled_rows(1)), dataset="acled", list_missing=2)
    assert report.missing == [("SYR2", event("SYR2").pk), ("SYR3", event("SYR3").pk)]
    assert report.missing_count == 4
    # The scope is read once, for the count and the first rows alike.
    assert len([q for q in captured if "NOT EXISTS" in q["sql"]]) == 1


def test_a_date_is_converted_once_per_import_however_many_chunks_hold_it(monkeypatch):
    import_file(acled_file(*acled_rows(1)), dataset="acled")  # The event types, made once.
    converted = []
    adapt = connection.ops.adapt_datefield_value

    def counted(value):
        converted.append(value)
        return adapt(value)

    monkeypatch.setattr(connection.ops, "adapt_datefield_value", counted)

    def conversions(chunk_rows: int, prefix: str) -> int:
        converted.clear()
        data = acled_file(*acled_rows(6)).replace(b"SYR", prefix.encode())
        data = data.replace(b"Village", prefix.encode())
        assert import_file(data, dataset="acled", chunk_rows=chunk_rows).created == 6
        return len(converted)

    # Every row holds the same day: three chunks convert it no more often than one does.
    assert conversions(2, "AAA") == conversions(6, "BBB")


def test_a_date_outside_the_window_is_a_rejected_row_with_its_line():
    report = import_file(
        acled_file(
            {"event_id_cnty": "SYR1"},
            {"event_id_cnty": "SYR2", "event_date": "9999-12-31"},
            {"event_id_cnty": "SYR3", "event_date": "1700-01-01"},
        ),
        dataset="acled",
    )
    assert [(row.line, row.reason[:45]) for row in report.rejected] == [
        (3, "event_date: 9999-12-31 is outside the dates k"),
        (4, "event_date: 1700-01-01 is outside the dates k"),
    ]
    assert list(ExternalRecord.objects.values_list("external_id", flat=True)) == ["SYR1"]


def test_a_count_too_large_for_its_column_is_a_rejected_row_not_a_crash():
    data = ucdp_file({"id": "1"}, {"id": "2", "best": "99999999999999999999"}, {"id": "3"})
    report = import_file(data, dataset="ucdp")
    assert [(row.line, row.reason) for row in report.rejected] == [
        (3, "best: '99999999999999999999' is out of range (at most 2,147,483,647)")
    ]
    assert (report.created, report.stopped) == (2, "")


def refuse_events_with_summary(text: str) -> None:
    """A database that refuses one row, as a full disk or a broken constraint would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TEMP TRIGGER refuse BEFORE INSERT ON events_event "
                f"WHEN NEW.summary = '{text}' BEGIN SELECT RAISE(ABORT, 'disk is full'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.summary = '{text}' THEN RAISE EXCEPTION 'disk is full'; END IF; "
                "RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON events_event "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )


def test_a_failure_mid_file_stops_the_import_and_says_what_was_committed(allow_stop):
    refuse_events_with_summary("refused")
    data = acled_file(
        *acled_rows(5), {"event_id_cnty": "SYR6", "notes": "refused"}, *acled_rows(9)[6:]
    )
    report = import_file(data, dataset="acled", chunk_rows=3)
    assert report.committed == [(2, 4)]
    assert report.stopped.startswith("lines 5–7 (disk is full")
    assert report.stopped.endswith("nothing of these lines was written")
    assert sorted(ExternalRecord.objects.values_list("external_id", flat=True)) == [
        "SYR1",
        "SYR2",
        "SYR3",
    ]
    assert report.created == 3  # Only what was written is counted.
    assert "STOPPED at lines 5–7 (disk is full" in "\n".join(report.lines())
    assert "lines committed before it: 2–4" in "\n".join(report.lines())
    assert not report.missing  # A stopped import lists nothing as missing.


def test_a_failure_in_a_later_part_of_a_chunk_takes_back_the_whole_chunk(allow_stop, monkeypatch):
    """A chunk is one transaction, planned and written in parts: a failure in its second part
    leaves nothing of its first, and the report names the chunk's lines."""
    monkeypatch.setattr("events.interchange.importer.run.PART_ROWS", 2)
    refuse_events_with_summary("refused")
    data = acled_file(
        *acled_rows(6), {"event_id_cnty": "SYR7", "notes": "refused"}, *acled_rows(9)[7:]
    )
    report = import_file(data, dataset="acled", chunk_rows=4)
    assert report.committed == [(2, 5)]
    assert report.stopped.startswith("lines 6–9 (disk is full")
    assert sorted(ExternalRecord.objects.values_list("external_id", flat=True)) == [
        "SYR1",
        "SYR2",
        "SYR3",
        "SYR4",
    ]
    assert report.created == 4


def test_with_atomic_a_failure_mid_file_leaves_nothing(allow_stop):
    refuse_events_with_summary("refused")
    data = acled_file(*acled_rows(5), {"event_id_cnty": "SYR6", "notes": "refused"})
    report = import_file(data, dataset="acled", chunk_rows=3, atomic=True)
    assert report.stopped and not report.written
    assert not Event.objects.exists() and not Location.objects.exists()
    assert "--atomic: the import stopped" in "\n".join(report.lines())


def test_each_event_link_keeps_the_type_the_row_gave_its_actor():
    import_file(
        acled_file(
            {"event_id_cnty": "SYR1", "actor1": "4th Division", "inter1": "1"},
            {"event_id_cnty": "SYR2", "actor1": "4th Division", "inter1": "8"},
            {"event_id_cnty": "SYR3", "actor1": "4th Division", "inter1": "External/Other forces"},
        ),
        dataset="acled",
    )
    kinds = [event(ident).actor_links.get(role="side_a").kind for ident in ("SYR1", "SYR2", "SYR3")]
    assert kinds == ["state_forces", "external", "external"]
    # The actor itself keeps the kind it was first met with.
    assert Actor.objects.get(name="4th Division").kind == "state_forces"


def test_a_large_file_sets_the_search_index_aside_and_rebuilds_it(monkeypatch):
    from events import triggers
    from events.search import mentioning

    monkeypatch.setattr("events.interchange.importer.run.SET_ASIDE_ROWS", 5)
    dropped, uninstall = [], triggers.uninstall_feature

    def uninstall_and_note(feature, connection):
        dropped.append(feature.__name__)
        uninstall(feature, connection)

    monkeypatch.setattr(triggers, "uninstall_feature", uninstall_and_note)
    data = acled_file(*acled_rows(8, notes="Shelling near the granary"))
    import_file(data, dataset="acled", chunk_rows=3)
    assert "events.search" in dropped  # Set aside after the first chunk…
    # … and rebuilt: every event, from both sides of the setting aside, is found.
    assert mentioning(Event.objects.all(), "granary").count() == 8
    assert triggers.restore_triggers() == []


def test_a_re_import_that_changes_nothing_never_sets_the_index_aside(monkeypatch):
    from events import triggers

    monkeypatch.setattr("events.interchange.importer.run.SET_ASIDE_ROWS", 5)
    data = acled_file(*acled_rows(8))
    import_file(data, dataset="acled", chunk_rows=3)
    monkeypatch.setattr(triggers, "uninstall_feature", lambda *a: pytest.fail("set aside"))
    assert import_file(data, dataset="acled", chunk_rows=3).unchanged == 8


# --- What the shared write rules ask of an import ----------------------------------------------


def test_an_update_by_an_import_moves_the_events_version_on():
    import_file(acled_file(*acled_rows(1)), dataset="acled")
    read = event("SYR1").version
    import_file(acled_file(*acled_rows(1, fatalities="9", timestamp="1600000000")), dataset="acled")
    assert event("SYR1").version == read + 1, "an editor's form read before it is now stale"


NO_SOURCE = {
    "source_article": "",
    "source_office": "",
    "source_date": "",
    "source_headline": "",
    "number_of_sources": "0",
}


def test_a_row_that_cites_no_source_is_imported_for_review_not_published():
    report = import_file(ucdp_file({"id": "900001", **NO_SOURCE}), dataset="ucdp")
    imported = ExternalRecord.objects.get(external_id="900001").event
    assert imported.status == "review"
    assert not imported.sources.exists()
    assert any("cites no source" in message for _, message in report.warnings)


def test_a_newer_row_that_cites_no_source_leaves_the_events_sources_alone():
    import_file(ucdp_file({"id": "900001"}), dataset="ucdp")
    cited = list(ExternalRecord.objects.get(external_id="900001").event.sources.values("excerpt"))
    newer = ucdp_file({"id": "900001", "best": "7", "high": "7", **NO_SOURCE})
    report = import_file(newer, dataset="ucdp", release="20.1")
    assert [outcome.reason for outcome in report.rejected] == [
        "the row cites no source; the event keeps the sources it has, so the row is not "
        "applied (a published event keeps at least one source)"
    ]
    kept = ExternalRecord.objects.get(external_id="900001").event
    assert list(kept.sources.values("excerpt")) == cited
    assert kept.status == "published"


def test_line_breaks_in_a_cell_are_stored_as_newlines_and_the_row_as_written():
    notes = "Regime forces clashed with IS.\r\nTwo were killed."
    import_file(acled_file({"notes": notes}), dataset="acled")
    record = ExternalRecord.objects.get(external_id="SYR1")
    assert record.event.summary == "Regime forces clashed with IS.\nTwo were killed."
    assert "\r" not in record.event.sources.get().excerpt
    assert record.row["notes"] == notes


def test_a_nul_in_a_cell_is_a_rejected_row_naming_its_column():
    report = import_file(
        acled_file({"notes": "a\x00b"}, {"event_id_cnty": "SYR2"}), dataset="acled"
    )
    assert [(o.line, o.reason) for o in report.rejected] == [
        (2, "notes: the cell holds a NUL character, which no text may hold")
    ]
    assert report.created == 1


def test_a_large_import_sets_the_event_indexes_aside_and_builds_them_again(monkeypatch):
    from events import bulk_indexes

    monkeypatch.setattr("events.interchange.importer.run.SET_ASIDE_ROWS", 5)
    wanted = bulk_indexes.statements(connection)
    assert "events_event_chrono_idx" in wanted and "events_eventactor_chrono_idx" in wanted
    dropped, set_aside = [], bulk_indexes.set_aside

    def set_aside_and_note(*args):
        dropped.extend(set_aside(*args))
        return dropped

    monkeypatch.setattr(bulk_indexes, "set_aside", set_aside_and_note)
    import_file(acled_file(*acled_rows(8)), dataset="acled", chunk_rows=3)
    assert sorted(dropped) == sorted(wanted)
    assert bulk_indexes.restore() == []  # All built again at the end.


def test_indexes_a_killed_import_left_aside_are_built_by_the_next_large_import(monkeypatch):
    from events import bulk_indexes

    monkeypatch.setattr("events.interchange.importer.run.SET_ASIDE_ROWS", 5)
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "events_event_chrono_idx"')
    report = import_file(acled_file(*acled_rows(6, fatalities="3")), dataset="acled")
    assert report.created == 6
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, "events_event")
    assert "events_event_chrono_idx" in present
    assert bulk_indexes.restore() == []


def test_migrate_builds_an_index_a_killed_import_left_aside():
    from django.core.management import call_command

    from events import bulk_indexes

    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX "events_eventactor_chrono_idx"')
    call_command("migrate", verbosity=0, interactive=False)
    assert bulk_indexes.restore() == []


def test_a_name_created_meanwhile_by_another_writer_stops_the_chunk_and_says_so(
    allow_stop, monkeypatch
):
    """An editor adds the actor a chunk planned to create, between its planning and its
    writing: the chunk is refused whole, and the report says why and what to do."""
    from events.interchange.importer import storing

    original = storing.ChunkWriter.write_chunk

    def write_chunk(self, plans, **kwargs):
        ActorFactory(name="Brigade 1", slug="brigade-1")
        return original(self, plans, **kwargs)

    monkeypatch.setattr(storing.ChunkWriter, "write_chunk", write_chunk)
    report = import_file(acled_file(*acled_rows(1)), dataset="acled")
    assert report.committed == [] and not ExternalRecord.objects.exists()
    assert "another writer created the same names or records meanwhile" in report.stopped
    assert report.stopped.endswith("nothing of these lines was written")


def test_an_import_does_not_wait_for_another_when_told_not_to(tmp_path, monkeypatch):
    """Imports take turns; a web request (wait=False) is told at once that one is running."""
    import fcntl
    import os

    from events.interchange.importer import exclusive

    if connection.vendor != "sqlite":
        pytest.skip("the lock file is SQLite's; PostgreSQL's advisory lock is tested with threads")
    lock = tmp_path / "db.sqlite3-import.lock"
    monkeypatch.setattr(exclusive, "_lock_path", lambda: lock)
    held = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o444)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        with pytest.raises(FileError, match="another import is running"):
            import_file(acled_file(*acled_rows(1)), dataset="acled", wait=False)
        assert not ExternalRecord.objects.exists()
        # A dry run neither waits nor holds anything up.
        assert import_file(acled_file(*acled_rows(1)), dataset="acled", dry_run=True).created == 1
    finally:
        os.close(held)
    assert import_file(acled_file(*acled_rows(1)), dataset="acled", wait=False).created == 1


def test_a_bulk_load_keeps_the_index_the_public_freshness_probe_reads():
    """events_hevent_published_idx answers the public's freshness probe in one step however
    many drafts follow the newest published version: a large import, which sets the other
    history indexes aside, keeps it, or every public request walks the drafts it writes."""
    from events import bulk_indexes

    assert "events_hevent_published_idx" not in bulk_indexes.statements(connection)
    # The other history indexes still go (the set-aside is not simply off).
    tables = {table for table, _ in bulk_indexes.statements(connection).values()}
    assert "events_historicalevent" in tables
