"""ingest_article: the article and its draft proposals stored in one go, or nothing at all."""

from datetime import date

import pytest

from events.ingest.pipeline import (
    MAX_TEXT_CHARS,
    DuplicateArticle,
    IngestError,
    decode_text,
    ingest_article,
)
from events.models import Article, Event, EventRelation, EventSource
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SUN_4_SEP_2016 = date(2016, 9, 4)
TEXT = (
    "BEIRUT (Reuters) – On Sunday, government forces and their allies drove insurgents out of "
    "the Ramousah military complex in Aleppo, according to a monitoring group.\n"
    "Kerry said the two sides would resume talks on Monday."
)


def ingest(text: str = TEXT, **overrides):
    values = {
        "text": text,
        "publication_date": SUN_4_SEP_2016,
        "outlet": "Test Wire",
        "new_outlet": True,
    }
    return ingest_article(**(values | overrides))


def test_the_article_and_draft_proposals_are_stored_with_verbatim_excerpts(seeded):
    Event.objects.all().delete()
    before = Article.objects.count()
    result = ingest()
    article = result.article
    assert Article.objects.count() == before + 1
    assert article.dateline.slug == "beirut" and article.original_agency == "Reuters"
    events = {e.headline: e for e in (p.event for p in result.proposals)}
    assert all(e.status == Event.Status.DRAFT for e in events.values())
    retaken = next(e for e in events.values() if e.type.slug == "government-regains-territory")
    assert (retaken.date_earliest, retaken.location.slug) == (
        SUN_4_SEP_2016,
        "ramousah-military-complex",
    )
    (source,) = retaken.sources.all()
    assert article.text[source.excerpt_start : source.excerpt_end] == source.excerpt
    assert source.machine_proposed
    assert source.date_phrase == "On Sunday"
    assert source.date_basis == EventSource.DateBasis.PHRASE
    assert "counted back from the publication date 4 Sep 2016" in source.date_resolution
    assert source.attributed_to == "a monitoring group"
    # "government forces and their allies": the army, and the alliance it belongs to.
    assert {link.actor.slug for link in retaken.actor_links.all()} == {
        "syrian-army",
        "pro-government-alliance",
        "syrian-armed-opposition",
    }


def test_a_planned_event_is_stored_forward_and_says_it_is_planned(seeded):
    result = ingest()
    planned = [p.event for p in result.proposals if p.draft.planned]
    assert [(e.type.slug, e.date_earliest) for e in planned] == [("negotiations", date(2016, 9, 5))]
    assert planned[0].headline.startswith("Planned:")
    assert planned[0].sources.get().date_basis == EventSource.DateBasis.FUTURE


def test_a_proposal_like_an_existing_event_is_flagged_as_a_possible_duplicate(seeded):
    result = ingest()
    retaken = next(
        p.event for p in result.proposals if p.event.type.slug == "government-regains-territory"
    )
    links = EventRelation.objects.filter(
        from_event=retaken, kind=EventRelation.Kind.POSSIBLE_DUPLICATE
    ).order_by("id")
    # The closest first: the curated event of the same recapture.
    best = links[0]
    assert best.to_event.headline.startswith("Government forces and allies drive insurgents")
    assert "similar wording" in best.note


def test_unrelated_events_are_not_flagged(seeded):
    result = ingest(
        "On Sunday, government forces drove insurgents out of the Ramousah military complex.",
        publication_date=date(2015, 3, 1),
    )
    assert not EventRelation.objects.filter(
        from_event__in=[p.event for p in result.proposals],
        kind=EventRelation.Kind.POSSIBLE_DUPLICATE,
    ).exists()


def test_the_same_text_twice_is_refused_and_names_the_stored_article(seeded):
    first = ingest().article
    with pytest.raises(DuplicateArticle, match=f"article #{first.pk}") as caught:
        ingest(outlet="Another Wire")
    assert caught.value.field == "text"
    assert Article.objects.filter(sha256=first.sha256).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": "   \n "}, "text", "empty"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text", "limit"),
        ({"publication_date": None}, "publication_date", "required"),
        ({"publication_date": date(2999, 1, 1)}, "publication_date", "future"),
        ({"outlet": "Reuter", "new_outlet": False}, "outlet", "no stored article comes from"),
        ({"url": "not a url"}, "url", "valid URL"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(overrides, field, message):
    ArticleFactory(outlet="Reuters")
    articles, events = Article.objects.count(), Event.objects.count()
    with pytest.raises(IngestError, match=message) as caught:
        ingest(**overrides)
    assert caught.value.field == field
    assert (Article.objects.count(), Event.objects.count()) == (articles, events)


def test_a_known_outlet_needs_no_confirmation_whatever_its_case():
    ArticleFactory(outlet="Reuters")
    assert ingest(outlet="reuters", new_outlet=False).article.outlet == "reuters"


def test_without_an_outlet_the_article_is_from_an_unknown_outlet():
    assert ingest(outlet="").article.outlet == "unknown outlet"


def test_bytes_that_are_not_utf8_are_refused_with_the_position():
    with pytest.raises(IngestError, match=r"not UTF-8 text \(byte 0xe9 at position 3\)"):
        decode_text("Caf\u00e9".encode("latin-1"))


def test_a_byte_order_mark_is_not_part_of_the_text():
    assert decode_text("\ufeffOn Sunday".encode()) == "On Sunday"


def test_a_stored_proposal_says_which_rule_placed_it_and_keeps_a_retelling(seeded):
    Event.objects.all().delete()
    text = (
        "Turkish-backed fighters drove Islamic State from the areas along its border on Sunday.\n"
        "In a separate battle, militants backed by Turkey drove IS militants from all areas "
        "along the Syrian-Turkish border, according to the militants and Ankara."
    )
    (stored,) = ingest(text).proposals
    event = stored.event
    assert event.location.slug == "syria-turkey-border-strip"
    assert "where the report tells it again" in event.proposal_note
    assert "(Rule: where the report puts what the event concerns" in event.proposal_note
    assert event.summary == ""
    first, retold = event.sources.order_by("excerpt_start")
    assert (first.date_basis, retold.date_basis) == (EventSource.DateBasis.PHRASE, "")
    assert text[retold.excerpt_start : retold.excerpt_end] == retold.excerpt
    assert {link.actor.slug for link in event.actor_links.all()} == {
        "turkish-backed-rebels",
        "islamic-state",
        "turkish-military",
    }


def test_the_language_is_detected_and_stored_and_an_unread_one_is_said_plainly():
    text = "قصفت القوات الحكومية السورية مدينة حلب يوم الأحد. وقتل عشرة مدنيين في الغارات."
    result = ingest(text)
    assert result.article.language == "ar"
    assert result.proposals == []
    assert any("language ingestion does not read (ar)" in line for line in result.summary_lines())


def test_an_english_article_is_stored_as_english():
    assert ingest().article.language == "en"


def test_a_doer_taken_from_another_sentence_is_linked_and_its_note_says_where_from(seeded):
    Event.objects.all().delete()
    text = (
        "Russian warplanes struck a market in Aleppo on Sunday morning. "
        "At least 20 civilians were killed in the strikes."
    )
    strike, toll = (stored.event for stored in ingest(text).proposals)
    doers = {link.actor.slug for link in toll.actor_links.filter(role="perpetrator")}
    assert doers == {link.actor.slug for link in strike.actor_links.filter(role="perpetrator")}
    assert doers
    assert "Actors from another sentence: " in toll.proposal_note
    assert "Actors from another sentence" not in strike.proposal_note
