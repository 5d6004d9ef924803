"""Each row keeps its own place; likely duplicates are suggested, and merged only by an editor."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.interchange.importer import import_file
from events.interchange.places import merge_place
from events.models import Event, ExternalRecord, Location, LocationAlias, PlaceSuggestion
from tests.factories import LocationFactory
from tests.interchange.builders import ACLED_EDGES, UCDP_SAMPLE, acled_file, exported

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("admin:events_placesuggestion_changelist")


def place_of(external_id: str) -> Location:
    return ExternalRecord.objects.get(external_id=external_id).event.location


def path(place: Location) -> list[str]:
    return [p.name for p in [*place.ancestors(), place]]


def test_a_place_of_one_name_in_two_governorates_is_two_places_with_their_own_names():
    import_file(ACLED_EDGES, dataset="acled")
    markada, sur = place_of("SYR9004"), place_of("SYR9005")
    assert path(markada) == ["Syria", "Al Hasakeh", "Al Hasakeh", "Markada", "Hssein"]
    assert path(sur) == ["Syria", "Deir ez Zor", "Deir ez Zor", "Sur", "Hssein"]
    assert (markada.latitude, markada.longitude) == (35.743, 40.625)
    # 1.6 km apart: a suggestion for an editor, never a merge.
    suggestion = PlaceSuggestion.objects.get(place=sur)
    assert (suggestion.same_as, suggestion.reason) == (markada, "a like name 1.6 km away")
    out = exported("acled")
    assert (out["SYR9004"]["admin1"], out["SYR9004"]["admin3"]) == ("Al Hasakeh", "Markada")
    assert (out["SYR9005"]["admin1"], out["SYR9005"]["admin3"]) == ("Deir ez Zor", "Sur")


def test_the_same_name_path_and_point_is_one_place():
    import_file(ACLED_EDGES, dataset="acled")
    madaya = place_of("SYR9006")
    assert place_of("SYR9007") == madaya
    # Named as its deepest admin unit, the sub-district: that unit, with the rows' point.
    assert (madaya.kind, madaya.latitude) == ("subdistrict", 33.6875)
    assert Location.objects.filter(name="Madaya").count() == 1


def test_a_town_coded_to_its_region_stays_the_town_of_the_row_not_the_governorate():
    import_file(ACLED_EDGES, dataset="acled")
    aleppo = place_of("SYR9008")
    assert path(aleppo) == ["Syria", "Aleppo", "Jebel Saman", "Aleppo"]
    assert (aleppo.kind, aleppo.latitude, aleppo.geo_precision) == ("region", 36.2, 4)


def test_a_ucdp_row_coded_to_a_province_is_at_that_province_which_takes_its_point():
    import_file(UCDP_SAMPLE, dataset="ucdp", release="19.1")
    province = place_of("303257")
    assert path(province) == ["Syria", "Quneitra Governorate"]
    assert (province.latitude, province.longitude) == (33.03333, 35.78333)
    # The country, named by where_coordinates at where_prec 6, is the country itself.
    assert place_of("219246") == Location.objects.get(name="Syria", kind="country")


def test_a_row_is_never_snapped_to_a_known_place_nearby(seeded):
    import_file(acled_file({"location": "Sukhna", "latitude": "34.8900"}), dataset="acled")
    place = place_of("SYR1")
    assert (place.name, place.latitude, place.longitude) == ("Sukhna", 34.89, 38.8721)
    assert place != Location.objects.get(slug="sukhnah")
    assert PlaceSuggestion.objects.filter(place=place, same_as__slug="sukhnah").exists()


def test_merging_moves_the_events_and_keeps_the_rows_own_names(publisher):
    import_file(ACLED_EDGES, dataset="acled")
    sur, markada = place_of("SYR9005"), place_of("SYR9004")
    merged = sur.pk
    moved = merge_place(sur, markada, user=publisher)
    assert moved == 1
    event = ExternalRecord.objects.get(external_id="SYR9005").event
    assert event.location == markada
    record = event.history.first()
    assert (record.history_user, record.history_change_reason) == (
        publisher,
        f"place Hssein (#{merged}) merged into Hssein (#{markada.pk})",
    )
    assert not Location.objects.filter(pk=merged).exists()
    assert not PlaceSuggestion.objects.exists()
    # The dataset said Sur: its export still does, the event being where the import put it.
    row = exported("acled")["SYR9005"]
    assert (row["admin3"], row["latitude"]) == ("Sur", "35.7350")


def test_merging_gives_the_place_the_merged_names_as_aliases_and_its_children():
    syria = Location.objects.create(name="Syria", slug="syria", kind="country")
    homs = Location.objects.create(name="Homs", slug="homs", kind="governorate", parent=syria)
    spelt = Location.objects.create(
        name="Homs Governorate", slug="homs-gov", kind="governorate", parent=syria
    )
    town = Location.objects.create(name="Tadmur", slug="tadmur", kind="city", parent=spelt)
    LocationAlias.objects.create(location=spelt, name="Hims")
    merge_place(spelt, homs)
    town.refresh_from_db()
    assert (town.parent, town.path) == (homs, f"{homs.path}{town.pk}/")
    assert sorted(homs.aliases.values_list("name", flat=True)) == ["Hims", "Homs Governorate"]
    with pytest.raises(ValidationError, match="lies inside"):
        merge_place(homs, town)


def test_the_admin_lists_suggestions_and_an_editor_merges_them(client, editor):
    import_file(ACLED_EDGES, dataset="acled")
    client.force_login(editor)
    page = client.get(SUGGESTIONS).content.decode()
    assert "Hssein</a> in Sur (35.735, 40.64)" in page
    assert "a like name 1.6 km away" in page
    suggestion = PlaceSuggestion.objects.get(place__name="Hssein")
    response = client.post(
        SUGGESTIONS,
        {"action": "merge", "index": 0, "_selected_action": [suggestion.pk]},
        follow=True,
    )
    assert "1 places merged; 1 events moved." in response.content.decode()
    assert Event.objects.filter(location__name="Hssein").count() == 2
    assert Location.objects.filter(name="Hssein").count() == 1


def test_staff_who_may_not_change_places_cannot_merge(client):
    from django.contrib.auth.models import Permission, User

    import_file(ACLED_EDGES, dataset="acled")
    viewer = User.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_location"))
    client.force_login(viewer)
    suggestion = PlaceSuggestion.objects.get(place__name="Hssein")
    page = client.get(SUGGESTIONS).content.decode()
    assert "Hssein" in page and 'value="merge"' not in page
    client.post(SUGGESTIONS, {"action": "merge", "index": 0, "_selected_action": [suggestion.pk]})
    assert Location.objects.filter(name="Hssein").count() == 2


def _merge_newest_first(client, first: PlaceSuggestion, second: PlaceSuggestion):
    """One merge action over two suggestions, which the list (and so the action) takes newest
    first: `first`, then `second`."""
    PlaceSuggestion.objects.filter(pk=second.pk).update(created=first.created - timedelta(hours=1))
    return client.post(
        SUGGESTIONS, {"action": "merge", "_selected_action": [first.pk, second.pk]}, follow=True
    )


def _assert_a_tree() -> None:
    """Every place reaches a root by its parents, and its path spells that way."""
    by_id = {place.pk: place for place in Location.objects.all()}
    for place in by_id.values():
        seen, at = [], place
        while at.parent_id is not None:
            assert at.pk not in seen, f"a parent cycle through {seen}"
            seen.append(at.pk)
            at = by_id[at.parent_id]
        assert place.path == "/" + "".join(f"{pk}/" for pk in [at.pk, *reversed(seen)])


def test_merge_action_never_merges_a_place_into_what_has_become_its_descendant(client, editor):
    """The first merge moves Zville (under Xville) beneath Yville; the second would merge
    Yville into Zville, its own child by then."""
    client.force_login(editor)
    x = LocationFactory(name="Xville")
    y = LocationFactory(name="Yville")
    z = LocationFactory(name="Zville", parent=x)
    second = PlaceSuggestion.objects.create(place=y, same_as=z, reason="close")
    first = PlaceSuggestion.objects.create(place=x, same_as=y, reason="close")
    response = _merge_newest_first(client, first, second)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Merged Xville (#{x.pk}) into Yville (#{y.pk}): 0 events moved." in page
    assert f"Not merged Yville (#{y.pk}) into Zville (#{z.pk}): Zville lies inside Yville" in page
    assert sorted(Location.objects.values_list("name", "parent__name")) == [
        ("Yville", None),
        ("Zville", "Yville"),
    ]
    _assert_a_tree()


def test_merge_action_leaves_no_parent_cycle_through_a_grandchild(client, editor):
    client.force_login(editor)
    x = LocationFactory(name="Xville")
    y = LocationFactory(name="Yville")
    c = LocationFactory(name="Cville", parent=x)
    w = LocationFactory(name="Wville", parent=c)
    second = PlaceSuggestion.objects.create(place=y, same_as=w, reason="close")
    first = PlaceSuggestion.objects.create(place=x, same_as=y, reason="close")
    page = _merge_newest_first(client, first, second).content.decode()
    assert "Wville lies inside Yville; merge the other way round." in page
    assert "1 places merged; 0 events moved." in page
    _assert_a_tree()
    assert PlaceSuggestion.objects.filter(pk=second.pk).exists(), "a refusal changes nothing"


def test_merging_a_place_into_its_descendant_is_refused_on_the_place_as_it_is_now():
    """The caller's copy of the target is stale: it was moved beneath the place since."""
    x = LocationFactory(name="Xville")
    z = LocationFactory(name="Zville")
    stale = Location.objects.get(pk=z.pk)
    z.parent = x
    z.save()
    with pytest.raises(ValidationError, match="Zville lies inside Xville"):
        merge_place(x, stale)
    assert Location.objects.get(pk=z.pk).parent == x


def test_merging_a_place_keeps_its_other_suggestions_for_the_place_it_became(client, editor):
    client.force_login(editor)
    p = LocationFactory(name="Tell Abyad")
    q = LocationFactory(name="Tal Abyad")
    r = LocationFactory(name="Tell Abiad")
    s = LocationFactory(name="Tall Abyad")
    merged = PlaceSuggestion.objects.create(place=p, same_as=q, reason="close")
    PlaceSuggestion.objects.create(place=p, same_as=r, reason="a like name")
    PlaceSuggestion.objects.create(place=s, same_as=p, reason="a like name")
    PlaceSuggestion.objects.create(place=q, same_as=s, reason="close")  # Q ~ S is there already.
    client.post(SUGGESTIONS, {"action": "merge", "_selected_action": [merged.pk]})
    assert sorted(
        PlaceSuggestion.objects.values_list("place__name", "same_as__name", "reason")
    ) == [
        ("Tal Abyad", "Tall Abyad", "close"),
        ("Tal Abyad", "Tell Abiad", "a like name"),
    ]
