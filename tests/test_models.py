"""Constraints, the shared validation path, alias and place lookups, and the workflow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from events.dates import Precision
from events.models import (
    Actor,
    ActorAlias,
    ActorMembership,
    Article,
    Event,
    EventActor,
    EventSource,
    EventType,
    Location,
    LocationAlias,
)
from events.text import fingerprint, fold
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _errors(exc: ValidationError) -> dict[str, str]:
    return {name: " ".join(messages) for name, messages in exc.message_dict.items()}


# -- dates and fatalities --------------------------------------------------------------------


def test_database_refuses_latest_before_earliest():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(date_latest=D(2016, 9, 1))
    event.refresh_from_db()
    assert event.date_latest == D(2016, 9, 4)


def test_validation_names_the_bound_at_fault():
    event = EventFactory.build(
        type=EventTypeFactory(), date_earliest=D(2016, 9, 4), date_latest=D(2016, 9, 1)
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "before the earliest" in _errors(caught.value)["date_latest"]


def test_day_precision_must_be_a_single_day():
    event = EventFactory.build(
        type=EventTypeFactory(),
        date_earliest=D(2016, 9, 1),
        date_latest=D(2016, 9, 3),
        date_precision=Event.Precision.DAY,
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "one day" in _errors(caught.value)["date_precision"]


@pytest.mark.parametrize(
    ("low", "best", "high", "field"),
    [(5, 3, 10, "fatalities_low"), (1, 12, 10, "fatalities_high"), (9, None, 4, "fatalities_high")],
)
def test_fatality_estimates_must_be_ordered(low, best, high, field):
    event = EventFactory.build(
        type=EventTypeFactory(), fatalities_low=low, fatalities_best=best, fatalities_high=high
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert field in caught.value.message_dict


def test_database_refuses_unordered_fatalities():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(fatalities_low=10, fatalities_best=2)


def test_unknown_fatalities_stay_null_not_zero():
    event = EventFactory()
    event.refresh_from_db()
    assert (event.fatalities_best, event.fatalities_low, event.fatalities_high) == (None,) * 3


def test_display_is_generated_from_the_bounds_when_empty():
    event = EventFactory(
        date_earliest=D(2016, 2, 1), date_latest=D(2016, 2, 29), date_precision="month"
    )
    assert event.date_display == "February 2016"


def test_model_precision_choices_match_the_dates_module():
    assert set(Event.Precision.values) == {p.value for p in Precision}


# -- places ----------------------------------------------------------------------------------


def test_database_refuses_out_of_range_coordinates():
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(latitude=95.0)


def test_validation_hints_at_swapped_coordinates():
    place = LocationFactory.build(latitude=120.0, longitude=36.0)
    with pytest.raises(ValidationError) as caught:
        place.full_clean()
    assert "swap" in _errors(caught.value)["latitude"]


def test_coordinates_come_in_pairs():
    place = LocationFactory.build(latitude=36.0, longitude=None)
    with pytest.raises(ValidationError) as caught:
        place.full_clean()
    assert "longitude" in caught.value.message_dict


def test_a_place_without_coordinates_is_allowed():
    LocationFactory.build(latitude=None, longitude=None).full_clean()


def test_subtree_includes_the_place_and_everything_below():
    syria = LocationFactory(kind="country", slug="syria")
    aleppo_gov = LocationFactory(kind="governorate", parent=syria)
    aleppo = LocationFactory(parent=aleppo_gov)
    hama = LocationFactory(parent=syria)
    assert set(Location.objects.subtree(aleppo_gov)) == {aleppo_gov, aleppo}
    assert set(Location.objects.subtree(syria)) == {syria, aleppo_gov, aleppo, hama}
    assert aleppo.ancestors() == [syria, aleppo_gov]
    assert aleppo.depth == 2


def test_moving_a_place_moves_its_whole_subtree():
    syria, turkey = LocationFactory(kind="country"), LocationFactory(kind="country")
    region = LocationFactory(kind="region", parent=syria)
    town = LocationFactory(parent=region)
    region.parent = turkey
    region.save()
    town.refresh_from_db()
    assert town.path == f"/{turkey.pk}/{region.pk}/{town.pk}/"
    assert town in Location.objects.subtree(turkey)
    assert town not in Location.objects.subtree(syria)


def test_a_place_cannot_be_moved_under_its_own_descendant():
    country = LocationFactory(kind="region")
    town = LocationFactory(parent=country)
    country.parent = town
    with pytest.raises(ValidationError) as caught:
        country.full_clean()
    assert "own ancestor" in _errors(caught.value)["parent"]


def test_places_sharing_a_name_are_both_found():
    LocationFactory(name="Maan", slug="maan-hama")
    LocationFactory(name="Ma'an", slug="maan-jordan")
    LocationFactory(name="Maan", slug="maan-other")
    assert Location.objects.matching("MAAN").count() == 2


# -- actors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["IS", "isis", "ISIL", "Daesh", "islamic state", "islamic-state"])
def test_any_alias_finds_the_actor_case_insensitively(text):
    actor = ActorFactory(name="Islamic State", slug="islamic-state")
    for alias in ("IS", "ISIS", "ISIL", "Daesh"):
        ActorAliasFactory(actor=actor, name=alias)
    assert Actor.objects.resolve(text) == actor


def test_an_unknown_name_resolves_to_nothing():
    ActorFactory(name="Hezbollah", slug="hezbollah")
    assert Actor.objects.resolve("Hizbullah Nope") is None


def test_folding_ignores_accents_apostrophe_style_and_case():
    assert fold("Shi‘ite  Group") == fold("SHI'ITE group")
    assert fold("Karkamış") == fold("karkamis")


def test_an_alias_cannot_name_two_actors():
    first, second = ActorFactory(), ActorFactory()
    ActorAliasFactory(actor=first, name="Nusra")
    with pytest.raises(ValidationError) as caught:
        ActorAlias(actor=second, name="NUSRA").full_clean()
    assert first.name in _errors(caught.value)["name"]


def test_an_alias_cannot_be_another_actors_name():
    ActorFactory(name="Hezbollah")
    other = ActorFactory()
    with pytest.raises(ValidationError) as caught:
        ActorAlias(actor=other, name="hezbollah").full_clean()
    assert "name" in caught.value.message_dict


@pytest.mark.parametrize("owner", ["actor", "location"])
def test_an_alias_folding_like_another_of_its_owner_is_refused_on_its_name(owner):
    model, factory = (
        (ActorAlias, ActorFactory) if owner == "actor" else (LocationAlias, LocationFactory)
    )
    named = factory(name="Aleppo")
    model.objects.create(**{owner: named}, name="Halab")
    with pytest.raises(ValidationError) as caught:
        model(**{owner: named}, name="HALAB").full_clean()
    assert _errors(caught.value)["name"] == "'HALAB' reads as 'Halab', already an alias of Aleppo."


def test_alliance_expands_to_its_members():
    alliance = ActorFactory(kind=Actor.Kind.ALLIANCE)
    army, hezbollah, outsider = ActorFactory(), ActorFactory(), ActorFactory()
    ActorMembership.objects.create(alliance=alliance, member=army)
    ActorMembership.objects.create(alliance=alliance, member=hezbollah)
    assert Actor.objects.with_members([alliance.pk]) == {alliance.pk, army.pk, hezbollah.pk}
    assert outsider.pk not in Actor.objects.with_members([alliance.pk])


def test_only_an_alliance_can_have_members():
    group, member = ActorFactory(kind=Actor.Kind.REBEL_GROUP), ActorFactory()
    with pytest.raises(ValidationError) as caught:
        ActorMembership(alliance=group, member=member).full_clean()
    assert "not an alliance" in _errors(caught.value)["alliance"]


def test_events_linked_to_an_actor_in_a_role():
    army, rebels = ActorFactory(), ActorFactory()
    attack = EventActorFactory(actor=army, role="perpetrator").event
    EventActorFactory(event=attack, actor=rebels, role="target")
    EventActorFactory(actor=rebels, role="perpetrator")
    assert list(Event.objects.linked_to([army.pk])) == [attack]
    assert list(Event.objects.linked_to([rebels.pk], role="target")) == [attack]
    assert Event.objects.linked_to([rebels.pk]).count() == 2


def test_changing_event_dates_updates_the_link_copies():
    link = EventActorFactory()
    event = link.event
    event.date_earliest, event.date_latest = D(2016, 8, 1), D(2016, 8, 10)
    event.date_precision = "month"
    event.save()
    link.refresh_from_db()
    assert (link.date_earliest, link.date_latest) == (D(2016, 8, 1), D(2016, 8, 10))


# -- event types -----------------------------------------------------------------------------


def test_event_types_have_two_levels():
    top = EventTypeFactory()
    sub = EventTypeFactory(parent=top)
    with pytest.raises(ValidationError) as caught:
        EventType(name="Too deep", slug="too-deep", parent=sub).full_clean()
    assert "two levels" in _errors(caught.value)["parent"]


# -- articles and sources --------------------------------------------------------------------


def test_article_fingerprint_is_the_sha256_of_its_text():
    article = ArticleFactory(text="Verbatim text.")
    assert article.sha256 == fingerprint("Verbatim text.")
    assert len(article.sha256) == 64


def test_the_same_text_cannot_be_stored_twice():
    original = ArticleFactory(text="Same words.")
    with pytest.raises(ValidationError) as caught:
        Article(
            title="Copy", outlet="X", publication_date=D(2016, 1, 1), text="Same words."
        ).full_clean()
    assert f"#{original.pk}" in _errors(caught.value)["text"]


def test_excerpt_offsets_are_found_when_not_given():
    source = EventSourceFactory.build(
        event=EventFactory(), article=ArticleFactory(text="Intro. The town fell on Sunday.")
    )
    source.excerpt = "The town fell on Sunday."
    source.date_phrase = "on Sunday"
    source.full_clean()
    assert (source.excerpt_start, source.excerpt_end) == (7, 31)


def test_an_excerpt_that_is_not_verbatim_is_refused():
    source = EventSourceFactory.build(event=EventFactory(), article=ArticleFactory())
    source.excerpt = "government forces shelled the city"
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "verbatim" in _errors(caught.value)["excerpt"]


def test_wrong_offsets_are_refused_naming_the_offset():
    source = EventSourceFactory.build(event=EventFactory(), article=ArticleFactory())
    source.excerpt_start = 0
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "offset 0" in _errors(caught.value)["excerpt_start"]


def test_a_date_phrase_must_come_from_the_article():
    source = EventSourceFactory.build(event=EventFactory(), article=ArticleFactory())
    source.date_phrase = "last Tuesday"
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "date_phrase" in caught.value.message_dict


# -- workflow --------------------------------------------------------------------------------


def test_draft_goes_to_review_then_published(publisher):
    event = EventSourceFactory().event
    event.transition(Event.Status.REVIEW, user=publisher)
    event.transition(Event.Status.PUBLISHED, user=publisher)
    event.refresh_from_db()
    assert event.status == "published"
    assert event.published_at is not None


def test_a_draft_cannot_be_published_directly(publisher):
    event = EventSourceFactory().event
    with pytest.raises(ValidationError) as caught:
        event.transition(Event.Status.PUBLISHED, user=publisher)
    assert "cannot become published" in _errors(caught.value)["status"]


def test_an_editor_without_the_permission_cannot_publish(editor):
    event = EventSourceFactory(event__status=Event.Status.REVIEW).event
    with pytest.raises(PermissionDenied):
        event.transition(Event.Status.PUBLISHED, user=editor)
    event.refresh_from_db()
    assert event.status == "review"


def test_an_event_without_sources_cannot_be_published(publisher):
    event = EventFactory(status=Event.Status.REVIEW)
    with pytest.raises(ValidationError) as caught:
        event.transition(Event.Status.PUBLISHED, user=publisher)
    assert "source" in _errors(caught.value)["status"]


def test_status_changes_are_recorded_in_history_with_user_and_reason(publisher):
    event = EventSourceFactory().event
    event.transition(Event.Status.REVIEW, user=publisher)
    event.transition(Event.Status.PUBLISHED, user=publisher, reason="checked against SOHR")
    records = list(event.history.order_by("history_date"))
    assert [r.status for r in records] == ["draft", "review", "published"]
    assert records[-1].history_user == publisher
    assert records[-1].history_change_reason == "checked against SOHR"


def test_actor_and_source_changes_are_recorded_in_history():
    link = EventActorFactory()
    source = EventSourceFactory(event=link.event)
    link.role = EventActor.Role.TARGET
    link.save()
    source.delete()
    assert [r.history_type for r in link.history.order_by("history_date")] == ["+", "~"]
    history = EventSource.history.filter(event_id=link.event_id).order_by("history_date")
    assert [r.history_type for r in history] == ["+", "-"]


def test_visible_to_anonymous_is_published_only(editor):
    from django.contrib.auth.models import AnonymousUser

    published = EventFactory(status="published")
    EventFactory(status="draft")
    EventFactory(status="retracted")
    assert list(Event.objects.visible_to(AnonymousUser())) == [published]
    assert Event.objects.visible_to(editor).count() == 3


# -- date filters ----------------------------------------------------------------------------


def test_a_month_event_overlaps_but_is_not_within_a_few_days_of_it():
    february = EventFactory(
        date_earliest=D(2016, 2, 1), date_latest=D(2016, 2, 29), date_precision="month"
    )
    start, end = D(2016, 2, 10), D(2016, 2, 12)
    assert list(Event.objects.overlapping(start, end)) == [february]
    assert not Event.objects.within(start, end).exists()
    assert list(Event.objects.within(D(2016, 2, 1), D(2016, 2, 29))) == [february]


def test_chronological_order_puts_narrower_bounds_first():
    month = EventFactory(
        date_earliest=D(2016, 8, 1), date_latest=D(2016, 8, 31), date_precision="month"
    )
    day = EventFactory(date_earliest=D(2016, 8, 1), date_latest=D(2016, 8, 1))
    earlier = EventFactory(date_earliest=D(2016, 7, 31), date_latest=D(2016, 7, 31))
    assert list(Event.objects.chronological()) == [earlier, day, month]
