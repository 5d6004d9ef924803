"""Input that once answered 500: each is now a 400 naming the parameter (or a 404), on every
database. Found by hand and by fuzzing (bench/fuzz.py, tests/test_fuzz.py)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from events.models import Event
from tests.api.helpers import errors
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    EventFactory,
    EventSourceFactory,
    EventTypeFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "%C2%B2"  # "²": str.isdigit() is true, int() fails.
ARABIC_2016 = "%D9%A2%D9%A0%D9%A1%D9%A6"  # "٢٠١٦": int() reads it as 2016.
FULL_WIDTH_2 = "%EF%BC%92"  # "２"
HUGE = "99999999999999999999"  # Past the 64-bit range of every id column.


@pytest.fixture
def refs(db) -> dict:
    isis = ActorFactory(slug="islamic-state", name="Islamic State")
    ActorAliasFactory(actor=isis, name="ISIS")
    place = LocationFactory(slug="aleppo")
    kind = EventTypeFactory(slug="shelling")
    event = EventFactory(type=kind, location=place, status=Event.Status.PUBLISHED)
    source = EventSourceFactory(event=event)
    return {"actor": isis, "place": place, "type": kind, "event": event, "article": source.article}


API_CASES = [
    # Digits of other scripts: never read as numbers, never a 500.
    (f"timeline/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"timeline/?type={SUPERSCRIPT_TWO}", "type"),
    (f"timeline/?location={SUPERSCRIPT_TWO}", "location"),
    (f"timeline/?article={SUPERSCRIPT_TWO}", "article"),
    (f"timeline/?actor={SUPERSCRIPT_TWO}", "actor"),
    (f"timeline/?start={ARABIC_2016}", "start"),
    (f"timeline/?end={FULL_WIDTH_2}", "end"),
    (f"timeline/?fatalities_min={FULL_WIDTH_2}", "fatalities_min"),
    (f"timeline/histogram/?start={ARABIC_2016}", "start"),
    (f"events/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"events/removed/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"actors/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"locations/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"event-types/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"articles/?page_size={SUPERSCRIPT_TWO}", "page_size"),
    (f"locations/?parent={SUPERSCRIPT_TWO}", "parent"),
    # Ranges of the columns, on both databases.
    (f"timeline/?fatalities_min={HUGE}", "fatalities_min"),
    ("timeline/?fatalities_min=2147483648", "fatalities_min"),
    (f"timeline/?page_size={HUGE}", "page_size"),
    # A "%" in the value, echoed by the message.
    ("event-types/?top_level=%25", "top_level"),
    ("locations/?parent=%25s", "parent"),
    ("events/removed/?since=%25", "since"),
    ("actors/?kind=%25s", "kind"),
    ("timeline/?include_members=%25s", "include_members"),
    # Date-times beyond the calendar once converted to UTC.
    ("timeline/?updated_since=0001-01-01T00:00:00%2B14:00", "updated_since"),
    ("timeline/?updated_since=9999-12-31T23:59:59-14:00", "updated_since"),
    ("events/removed/?since=0001-01-01T00:00:00%2B14:00", "since"),
    # NUL, which PostgreSQL refuses in text.
    ("timeline/?actor=isis%00", "actor"),
    ("timeline/?q=a%00b", "q"),
    ("actors/?q=%00", "q"),
    ("timeline/?cursor=%00", "cursor"),
    ("actors/isis%00/", "path"),
]


@pytest.mark.parametrize(("url", "parameter"), API_CASES, ids=[case[0] for case in API_CASES])
def test_bad_api_input_is_a_400_naming_the_parameter(api, refs, url, parameter):
    found = errors(api.get(f"/api/v1/{url}"))
    assert parameter in found, found


@pytest.mark.parametrize(("url", "parameter"), API_CASES[:8], ids=[c[0] for c in API_CASES[:8]])
def test_editors_get_the_same_400(editor_api, refs, url, parameter):
    assert parameter in errors(editor_api.get(f"/api/v1/{url}"))


def test_a_percent_in_a_value_is_echoed_as_typed(api, refs):
    assert "'%s'" in errors(api.get("/api/v1/locations/?parent=%25s"))["parent"][0]


def test_an_offset_beyond_postgresqls_is_read_as_the_utc_instant_it_names(api, refs):
    # +18:00 is a valid offset; the database sees 2019-12-31T06:00Z.
    response = api.get("/api/v1/timeline/?updated_since=2020-01-01T00:00:00%2B18:00")
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [refs["event"].pk]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/events/{HUGE}/",
        f"/api/v1/articles/{HUGE}/",
        "/api/v1/events/%D9%A2/",  # "٢": \d would have read it as event 2.
        f"/events/{HUGE}/",
        f"/articles/{HUGE}/",
        "/events/%D9%A2/",
    ],
)
def test_an_id_no_column_holds_or_in_another_script_is_a_404(api, refs, url):
    assert api.get(url).status_code == 404


# --- Editors' input (POST and PATCH bodies) -----------------------------------------------------


def _payload(refs, **changes) -> dict:
    data = {
        "headline": "Shelling",
        "type": "shelling",
        "location": "aleppo",
        "when": "2016-09-04",
        "actors": [{"actor": "islamic-state", "role": "perpetrator"}],
        "sources": [{"article": refs["article"].pk, "excerpt": "government forces shelled"}],
    }
    data.update(changes)
    return data


BODY_CASES = [
    ({"type": "²"}, "type"),
    ({"type": "٢"}, "type"),
    ({"type": HUGE}, "type"),
    ({"location": "²"}, "location"),
    ({"location": HUGE}, "location"),
    ({"fatalities_best": "²"}, "fatalities_best"),
    ({"fatalities_best": "٣"}, "fatalities_best"),
    ({"fatalities_best": 2**31}, "fatalities_best"),
    ({"fatalities_low": 10**30}, "fatalities_low"),
    ({"fatalities_high": True}, "fatalities_high"),
    ({"date_earliest": "٢٠١٦-٠٩-٠٤", "when": None}, "date_earliest"),
    ({"when": "٢٠١٦"}, "when"),
    ({"headline": "a\x00b"}, "headline"),
]


@pytest.mark.parametrize(("change", "field"), BODY_CASES, ids=[str(c[0]) for c in BODY_CASES])
def test_bad_ids_and_numbers_in_a_body_are_a_400_naming_the_field(editor_api, refs, change, field):
    data = {key: value for key, value in _payload(refs, **change).items() if value is not None}
    assert field in errors(editor_api.post("/api/v1/events/", data, format="json"))
    event = refs["event"].pk
    patched = editor_api.patch(f"/api/v1/events/{event}/", change, format="json", HTTP_IF_MATCH="*")
    assert field in errors(patched)


@pytest.mark.parametrize("article", ["²", "٢", HUGE, True, 1.5, "1e3", [1]])
def test_a_source_article_is_an_id_in_ascii_digits(editor_api, refs, article):
    ArticleFactory()  # Article 2 may exist: "٢" must still not name it.
    sources = [{"article": article, "excerpt": "government forces shelled"}]
    data = _payload(refs, sources=sources)
    assert "sources[0].article" in errors(editor_api.post("/api/v1/events/", data, format="json"))


@pytest.mark.parametrize("actor", ["²", "٢", HUGE, "isis\x00"])
def test_an_actor_link_names_an_actor_in_ascii(editor_api, refs, actor):
    data = _payload(refs, actors=[{"actor": actor, "role": "perpetrator"}])
    assert "actors[0].actor" in errors(editor_api.post("/api/v1/events/", data, format="json"))


# --- The public pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        (f"actor={SUPERSCRIPT_TWO}", "actor"),
        (f"type={SUPERSCRIPT_TWO}", "type"),
        (f"article={SUPERSCRIPT_TWO}", "article"),
        (f"start={ARABIC_2016}", "start"),
        (f"fatalities_min={HUGE}", "fatalities_min"),
        ("updated_since=0001-01-01T00:00:00%2B14:00", "updated_since"),
        ("location=x%00", "location"),
        ("q=%00", "q"),
    ],
)
def test_bad_page_filters_are_a_400_naming_the_parameter(client, refs, query, parameter):
    pages = {"/": None, f"/actors/{refs['actor'].slug}/": "actor"}
    pages[f"/places/{refs['place'].slug}/"] = "location"
    for url, fixed in pages.items():
        if parameter == fixed:
            continue  # The page's own actor or place: the parameter is not read there.
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, response.status_code)
        assert parameter in response.content.decode()


def test_a_nul_in_a_page_address_is_a_400(client, refs):
    assert client.get("/actors/isis%00/").status_code == 400


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"?actor={SUPERSCRIPT_TWO}",
        f"?place={SUPERSCRIPT_TWO}",
        f"?q={SUPERSCRIPT_TWO}",
        f"?q={HUGE}",
        f"?actor={HUGE}",
        f"?type__id__exact={HUGE}",
        f"?type__id__exact={SUPERSCRIPT_TWO}",
        f"?p={SUPERSCRIPT_TWO}",
        f"?o={SUPERSCRIPT_TWO}",
    ],
)
def test_admin_filters_read_other_digits_and_huge_ids_as_names_that_match_nothing(
    superuser_client, refs, url
):
    response = superuser_client.get(reverse("admin:events_event_changelist") + url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [f"?when={SUPERSCRIPT_TWO}", "?when=0000", f"?when={HUGE}"],
)
def test_bad_admin_filter_values_get_the_admins_own_redirect(superuser_client, refs, url):
    response = superuser_client.get(reverse("admin:events_event_changelist") + url)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("event", "date_earliest__year=99999"),
        ("event", "headline__regex=%28"),
        ("actor", "created__year=99999"),
        ("location", "latitude__gt=x"),
        ("article", "publication_date__year=0"),
        ("eventtype", "id__in=%C2%B2"),
        ("externalrecord", "imported_at__year=99999"),
    ],
)
def test_a_lookup_no_list_filter_declares_is_left_out_with_a_message(
    superuser_client, model, query
):
    changelist = reverse(f"admin:events_{model}_changelist")
    response = superuser_client.get(f"{changelist}?{query}&q=x")
    assert response.status_code == 302
    assert response["Location"] == f"{changelist}?q=x"
    page = superuser_client.get(response["Location"])
    name = query.split("=")[0]
    assert f"This list has no filter &#x27;{name}&#x27;" in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/events/event/{HUGE}/change/",
        f"/admin/events/event/{HUGE}/history/",
        f"/admin/events/event/{SUPERSCRIPT_TWO}/history/",
        f"/admin/events/actor/{SUPERSCRIPT_TWO}/history/",
        f"/admin/events/location/{HUGE}/history/",
        f"/admin/events/eventtype/1/history/{SUPERSCRIPT_TWO}/",
        f"/admin/events/actor/{HUGE}/change/",
        "/admin/events/event/x%00/change/",
    ],
)
def test_admin_object_ids_no_column_holds_are_not_found(superuser_client, refs, url):
    assert superuser_client.get(url).status_code in (302, 400, 404)
