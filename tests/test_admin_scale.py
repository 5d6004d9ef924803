"""The editors' admin at scale: fixed query counts per page and an honest, bounded count."""

import datetime

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse

from events.admin.events import EventAdmin
from events.admin.list_filters import first_and_last_day
from events.admin.paging import BoundedCountPaginator
from events.models import Event
from tests.factories import (
    ActorFactory,
    EventActorFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")
REVIEW_QUEUE = reverse("admin:events_eventforreview_changelist")
MAX_QUERIES = 10  # Issue 6: the changelist and the change form, for an editor, any filter.


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 5 and a count bound of 20, so a few dozen rows exercise the bound."""
    monkeypatch.setattr(EventAdmin, "list_per_page", 5)
    monkeypatch.setattr(EventAdmin, "count_limit", 20)


@pytest.fixture
def world(db):
    """What the filters point at: an actor, a governorate with a town, a sub-type."""
    governorate = LocationFactory(kind="governorate", name="Aleppo Governorate", slug="aleppo-gov")
    return {
        "actor": ActorFactory(name="Jaish al-Nasr", slug="jaish-al-nasr"),
        "town": LocationFactory(parent=governorate, name="Ramousah", slug="ramousah"),
        "type": EventTypeFactory(name="Shelling", parent=EventTypeFactory(name="Battles")),
    }


def _add_events(world: dict, count: int) -> None:
    """Events that every filter below matches, each with two actors and a source."""
    for n in range(count):
        event = EventFactory(
            headline=f"Shelling of Ramousah {n}",
            type=world["type"],
            location=world["town"],
            status="review",
            date_earliest=datetime.date(2016, 9, 1 + n % 28),
        )
        EventActorFactory(event=event, actor=world["actor"])
        EventActorFactory(event=event, role="side_b")
        EventSourceFactory(event=event, excerpt="government forces shelled the town")


FILTERED_PAGES = [
    pytest.param(CHANGELIST, id="unfiltered"),
    pytest.param(CHANGELIST + "?status__exact=review", id="status"),
    pytest.param(CHANGELIST + "?when=2016", id="year"),
    pytest.param(CHANGELIST + "?when=2016-09", id="month"),
    pytest.param(CHANGELIST + "?date_precision__exact=day", id="precision"),
    pytest.param(CHANGELIST + "?type__id__exact={type}", id="type"),
    pytest.param(CHANGELIST + "?actor=jaish-al-nasr", id="actor"),
    pytest.param(CHANGELIST + "?actor=nobody-at-all", id="unknown-actor"),
    pytest.param(CHANGELIST + "?place=aleppo-gov", id="place"),
    pytest.param(CHANGELIST + "?q=shelled", id="search-excerpt"),
    pytest.param(CHANGELIST + "?q=jaish-al-nasr", id="search-actor"),
    pytest.param(
        CHANGELIST + "?status__exact=review&when=2016-09&date_precision__exact=day", id="mix"
    ),
    pytest.param(CHANGELIST + "?p=3", id="third-page"),
    pytest.param(CHANGELIST + "?o=1", id="oldest-first"),
    pytest.param(CHANGELIST + "?o=-8", id="recently-updated-first"),
    pytest.param(REVIEW_QUEUE, id="review-queue"),
    pytest.param(REVIEW_QUEUE + "?when=2016-09&place=aleppo-gov", id="review-queue-filtered"),
]


@pytest.mark.parametrize("url", FILTERED_PAGES)
def test_changelist_stays_within_ten_queries_past_the_count_bound(
    client, editor, world, small_pages, django_assert_max_num_queries, url
):
    client.force_login(editor)
    _add_events(world, 3)
    url = url.format(type=world["type"].pk)
    client.get(url)  # Sessions and content types settle on the first request.
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert client.get(url).status_code == 200
    _add_events(world, 25)  # Past the bound of 20: the count is capped.
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_change_form_with_actors_sources_and_links_stays_within_ten_queries(
    client, editor, world, django_assert_max_num_queries
):
    client.force_login(editor)
    event = EventFactory(type=world["type"], location=world["town"])
    for role in ("side_a", "side_b", "target"):
        EventActorFactory(event=event, role=role)
    EventSourceFactory(event=event)
    EventSourceFactory(event=event)
    event.relations_out.create(to_event=EventFactory(), kind="contradicts")
    url = reverse("admin:events_event_change", args=[event.pk])
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(url).content.decode()
    # The autocomplete widgets still show their current values, labelled as before.
    assert f'<option value="{world["type"].pk}" selected>Battles › Shelling</option>' in page
    assert f'<option value="{world["town"].pk}" selected>Ramousah</option>' in page
    for link in event.actor_links.select_related("actor"):
        assert f'<option value="{link.actor_id}" selected>{link.actor.name}</option>' in page
    for source in event.sources.select_related("article"):
        assert f'<option value="{source.article_id}" selected>' in page


def test_a_list_within_the_bound_shows_its_exact_count(client, editor, world, small_pages):
    client.force_login(editor)
    _add_events(world, 12)
    page = client.get(CHANGELIST).content.decode()
    assert '<span class="result-count">12 events</span>' in page
    assert "12+" not in page
    assert 'href="?p=3"' in page


def test_a_list_of_exactly_the_bound_is_not_shown_as_more(client, editor, world, small_pages):
    client.force_login(editor)
    _add_events(world, 20)
    page = client.get(CHANGELIST).content.decode()
    assert '<span class="result-count">20 events</span>' in page
    assert "20+" not in page


def test_a_list_past_the_bound_says_so_and_offers_pages_up_to_it(
    client, editor, world, small_pages
):
    client.force_login(editor)
    _add_events(world, 27)
    page = client.get(CHANGELIST).content.decode()
    assert '<span class="result-count">20+ events</span>' in page
    assert "Select all 20+ events" in page
    paginator = page.split('<p class="paginator">')[1].split("</p>")[0]
    assert "27" not in paginator  # No exact number it did not count.
    assert 'href="?p=4"' in page
    assert 'href="?p=5"' not in page
    last = client.get(CHANGELIST + "?p=4")
    assert last.status_code == 200
    assert len(last.context["cl"].result_list) == 5
    # Beyond the counted pages is the admin's "invalid page" redirect, never an error page.
    beyond = client.get(CHANGELIST + "?p=5")
    assert beyond.status_code == 302
    assert "e=1" in beyond["Location"]


def test_a_filtered_search_shows_its_bounded_count(client, editor, world, small_pages):
    client.force_login(editor)
    _add_events(world, 25)
    EventFactory(headline="Talks in Geneva")
    page = client.get(CHANGELIST + "?q=ramousah").content.decode()
    assert "20+ results" in page
    page = client.get(CHANGELIST + "?q=geneva").content.decode()
    assert "1 result " in page
    assert "Talks in Geneva" in page


def test_the_review_queue_counts_only_events_in_review(client, editor, world, small_pages):
    client.force_login(editor)
    _add_events(world, 3)
    EventFactory(headline="Still a draft", status="draft")
    page = client.get(REVIEW_QUEUE).content.decode()
    assert '<span class="result-count">3 events awaiting review</span>' in page
    assert "Still a draft" not in page


def test_search_finds_an_event_by_a_word_of_its_source_excerpt(client, editor):
    client.force_login(editor)
    EventSourceFactory(event__headline="Convoy halted", excerpt="government forces shelled it")
    EventFactory(headline="Unrelated")
    page = client.get(CHANGELIST + "?q=shelled").content.decode()
    assert "Convoy halted" in page
    assert "Unrelated" not in page


def test_search_finds_events_at_a_place_and_beneath_it(client, editor, world):
    client.force_login(editor)
    EventFactory(headline="In the town", location=world["town"])
    EventFactory(headline="Elsewhere", location=LocationFactory())
    page = client.get(CHANGELIST + "?q=Aleppo Governorate").content.decode()
    assert "In the town" in page
    assert "Elsewhere" not in page


def test_type_filter_lists_sub_types_under_their_type(client, editor, world):
    client.force_login(editor)
    EventFactory(type=world["type"])
    page = client.get(CHANGELIST).content.decode()
    assert f"?type__id__exact={world['type'].pk}" in page
    assert "Battles › Shelling" in page
    assert page.index(">Battles<") < page.index("Battles › Shelling")


def test_an_unknown_actor_name_is_pointed_out_beside_the_filter(client, editor, world):
    client.force_login(editor)
    page = client.get(CHANGELIST + "?actor=nobody-at-all").content.decode()
    assert "Nothing is called “nobody-at-all”" in page
    # A known actor without events gives an empty list, but no such note.
    page = client.get(CHANGELIST + "?actor=jaish-al-nasr").content.decode()
    assert "Nothing is called" not in page


def test_an_unknown_place_name_is_pointed_out_beside_the_filter(client, editor, world):
    client.force_login(editor)
    EventFactory(location=world["town"])
    page = client.get(CHANGELIST + "?place=atlantis").content.decode()
    assert "Nothing is called “atlantis”" in page


def test_only_columns_an_index_orders_can_be_sorted(client, editor, world):
    client.force_login(editor)
    _add_events(world, 2)
    page = client.get(CHANGELIST).content.decode()
    assert 'class="sortable column-display_date' in page
    assert 'class="sortable column-updated_on' in page
    for column in ("headline", "type_name", "location", "status_badge", "source_count"):
        assert f'<th scope="col" class="column-{column}">' in page


def test_a_typed_sort_by_an_unindexed_column_is_ignored(client, editor, world):
    client.force_login(editor)
    EventFactory(headline="A is first by name", date_earliest=datetime.date(2015, 1, 1))
    EventFactory(headline="Z is the latest", date_earliest=datetime.date(2017, 1, 1))
    page = client.get(CHANGELIST + "?o=2").content.decode()  # 2 is the headline column.
    assert page.index("Z is the latest") < page.index("A is first by name")


def test_the_changelist_offers_no_facet_counts(client, editor, world):
    client.force_login(editor)
    _add_events(world, 2)
    page = client.get(CHANGELIST).content.decode()
    assert "_facets" not in page


def test_first_and_last_day_come_from_one_query(django_assert_num_queries):
    EventFactory(date_earliest=datetime.date(2014, 3, 1), date_latest=datetime.date(2014, 3, 31))
    EventFactory(date_earliest=datetime.date(2019, 7, 4))
    EventFactory(date_earliest=datetime.date(2016, 1, 1), status="review")
    with django_assert_num_queries(1):
        assert first_and_last_day(Event.objects.all()) == (
            datetime.date(2014, 3, 1),
            datetime.date(2019, 7, 4),
        )
    assert first_and_last_day(Event.objects.filter(status="review")) == (
        datetime.date(2016, 1, 1),
        datetime.date(2016, 1, 1),
    )
    assert first_and_last_day(Event.objects.filter(status="retracted")) == (None, None)


def test_first_and_last_day_of_an_empty_table_are_unknown():
    assert first_and_last_day(Event.objects.all()) == (None, None)


class TestBoundedCountPaginator:
    def _paginator(self, rows: int, *, limit: int, per_page: int = 5) -> BoundedCountPaginator:
        for _ in range(rows):
            EventFactory()
        return BoundedCountPaginator(Event.objects.order_by("id"), per_page, limit=limit)

    def test_counts_exactly_up_to_the_limit(self):
        paginator = self._paginator(7, limit=10)
        assert (paginator.count, paginator.capped, paginator.count_display) == (7, False, "7")
        assert paginator.num_pages == 2

    def test_stops_counting_past_the_limit(self, django_assert_num_queries):
        paginator = self._paginator(13, limit=10)
        with django_assert_num_queries(1):
            assert paginator.count == 10
        assert paginator.capped
        assert paginator.count_display == "10+"
        assert paginator.num_pages == 2
        assert len(paginator.page(2).object_list) == 5
        with pytest.raises(EmptyPage):
            paginator.page(3)

    def test_a_later_page_holds_what_plain_slicing_gives_in_the_same_order(self):
        for day in (5, 1, 9, 3, 7, 2, 8, 4, 6, 1, 5, 9):
            EventFactory(date_earliest=datetime.date(2016, 9, day))
        events = Event.objects.order_by("-date_earliest", "-id")
        paginator = BoundedCountPaginator(events, 5, limit=10)
        assert list(paginator.page(2).object_list) == list(events[5:10])
        assert list(paginator.page(1).object_list) == list(events[:5])

    def test_shows_thousands_with_separators(self):
        paginator = self._paginator(0, limit=10_000)
        paginator.rows_seen = 10_001
        assert paginator.count_display == "10,000+"

    def test_refuses_a_limit_below_one(self):
        with pytest.raises(ValueError, match="limit"):
            BoundedCountPaginator(Event.objects.order_by("id"), 5, limit=0)


@pytest.mark.parametrize("busy_above", [0, 10_000])
def test_the_actor_filter_lists_the_same_events_for_a_busy_or_a_rare_actor(
    client, editor, world, small_pages, monkeypatch, busy_above
):
    from events.admin import list_filters

    _add_events(world, 8)
    EventFactory(headline="Without the actor", status="review")
    monkeypatch.setattr(list_filters, "BUSY_ACTOR_LINKS", busy_above)
    client.force_login(editor)
    page = client.get(CHANGELIST, {"actor": "Jaish al-Nasr"}).content.decode()
    assert page.count('name="_selected_action"') == 5  # A full first page of five.
    assert "Without the actor" not in page
    assert "8 results" in page


def test_row_links_and_boxes_are_what_the_stock_changelist_renders(client, editor, world):
    """The rows' links (reversed once per page, filters carried back without resolving each
    link) and selection boxes (without the form template engine) read as Django's own."""
    from urllib.parse import urlencode

    from django.contrib.admin import ModelAdmin, site
    from django.contrib.admin.views.main import ChangeList

    client.force_login(editor)
    _add_events(world, 3)
    event = Event.objects.order_by("id").first()
    for query in ("", "status__exact=review&q=Ramousah"):
        response = client.get(f"{CHANGELIST}?{query}")
        expected = ChangeList.url_for_result(response.context["cl"], event)
        assert expected == reverse("admin:events_event_change", args=[event.pk])
        if query:
            expected += "?" + urlencode({"_changelist_filters": query})
        assert f'href="{expected}"' in response.content.decode()
    assert response.content.decode().count('class="action-select"') == 3
    admin = site._registry[Event]
    assert admin.action_checkbox(event) == ModelAdmin.action_checkbox(admin, event)
