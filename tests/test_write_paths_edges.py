"""Every write path at its edges: verbatim excerpts, repeated citations, names claimed at once,
reasons and names longer than their columns, records changed between a check and a commit."""

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event, EventSource
from tests.browser_form import change_url, opened, submitted
from tests.factories import ArticleFactory, EventTypeFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


@pytest.fixture
def two_editors(transactional_db):
    """Two members of the Editor group, for a real race (PostgreSQL only)."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from tests.conftest import _staff

    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL (DATABASE_URL=postgres://…)")
    importlib.import_module("events.migrations.0002_editorial_groups").create_groups(apps, None)
    return _staff("ed", "Editor"), _staff("ed2", "Editor")


def _cited_shelling(editor_api, **source) -> tuple[Event, object]:
    """An event stored through the API citing an excerpt of a new article (source: its
    excerpt and any other field of the citation)."""
    article = ArticleFactory(text="Report. On Sunday, government forces shelled the town. Rebels.")
    EventTypeFactory(slug="shelling")
    created = editor_api.post(
        EVENTS,
        {
            "headline": "Shelling",
            "type": "shelling",
            "when": "2016-09-04",
            "sources": [{"article": article.pk, **source}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    return Event.objects.get(pk=created.json()["id"]), article


def test_editing_a_sources_attribution_in_the_admin_keeps_its_excerpt_verbatim(
    client, editor, editor_api
):
    # Changing only a source's attribution in the admin keeps its verbatim excerpt, a space
    # at its end included, as the API stored it.
    excerpt = "government forces shelled the town. "
    event, _ = _cited_shelling(editor_api, excerpt=excerpt)

    client.force_login(editor)
    form = opened(client, event)
    response = client.post(
        change_url(event), {**form, "sources-0-attributed_to": "Rebels", "_continue": "Save"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    source = EventSource.objects.get(event=event)
    assert source.attributed_to == "Rebels"
    assert source.excerpt == excerpt


def test_an_alias_and_another_actors_rename_to_it_racing_in_the_admin_cannot_both_win(
    monkeypatch, two_editors
):
    # Two admin saves race: one adds the alias "Nusra" to actor A, the other renames actor B
    # to "Nusra". Both check the other's table again under the name's lock, so one of them
    # is refused: one name never means two actors. (PostgreSQL only.)
    from events.models import Actor, ActorAlias
    from tests.concurrency.helpers import Gate, in_thread, settle

    ed, ed2 = two_editors
    a = Actor.objects.create(name="Jabhat al-Nusra", slug="jabhat-al-nusra", kind="rebel_group")
    b = Actor.objects.create(name="Tahrir al-Sham", slug="tahrir-al-sham", kind="rebel_group")

    first, second = Client(), Client()
    first.force_login(ed)
    second.force_login(ed2)
    form_a, form_b = opened(first, a), opened(second, b)
    form_a.update(
        {
            "aliases-TOTAL_FORMS": str(int(form_a["aliases-TOTAL_FORMS"]) + 1),
            f"aliases-{form_a['aliases-TOTAL_FORMS']}-name": "Nusra",
            f"aliases-{form_a['aliases-TOTAL_FORMS']}-language": "",
            f"aliases-{form_a['aliases-TOTAL_FORMS']}-actor": str(a.pk),
            f"aliases-{form_a['aliases-TOTAL_FORMS']}-id": "",
        }
    )
    gate = Gate()
    monkeypatch.setattr(ActorAlias, "save", gate.wrap(ActorAlias.save))  # after its clean()
    adding = in_thread(
        lambda: first.post(change_url(a), {**form_a, "_continue": "Save"}).status_code
    )
    gate.wait()
    renamed = second.post(change_url(b), {**form_b, "name": "Nusra", "_continue": "Save"})
    settle(0.2)
    gate.open()
    answers = (adding.result(), renamed.status_code)

    taken_as_alias = ActorAlias.objects.filter(name="Nusra", actor=a).exists()
    taken_as_name = Actor.objects.filter(pk=b.pk, name="Nusra").exists()
    assert not (taken_as_alias and taken_as_name), answers


def _add_alias(form: dict[str, str], actor, name: str) -> dict[str, str]:
    row = form["aliases-TOTAL_FORMS"]
    return {
        **form,
        "aliases-TOTAL_FORMS": str(int(row) + 1),
        f"aliases-{row}-name": name,
        f"aliases-{row}-language": "",
        f"aliases-{row}-actor": str(actor.pk),
        f"aliases-{row}-id": "",
        "_continue": "Save",
    }


@pytest.mark.django_db(transaction=True)
def test_one_alias_added_to_two_actors_at_once_in_the_admin_is_refused_not_a_500(
    monkeypatch, two_editors
):
    # Two editors add the alias "HTS" to two actors at once: the later insert meets the
    # unique index, and the admin says nothing was saved (a message, not a 500).
    from events.models import Actor, ActorAlias
    from tests.concurrency.helpers import Gate, in_thread

    ed, ed2 = two_editors
    a = Actor.objects.create(name="Jabhat al-Nusra", slug="jabhat-al-nusra", kind="rebel_group")
    b = Actor.objects.create(name="Tahrir al-Sham", slug="tahrir-al-sham", kind="rebel_group")
    first, second = Client(raise_request_exception=False), Client(raise_request_exception=False)
    first.force_login(ed)
    second.force_login(ed2)
    form_a, form_b = opened(first, a), opened(second, b)

    gate = Gate()
    original_save = ActorAlias.save
    monkeypatch.setattr(ActorAlias, "save", gate.wrap(original_save))  # after its clean()
    adding = in_thread(lambda: first.post(change_url(a), _add_alias(form_a, a, "HTS")))
    gate.wait()
    monkeypatch.setattr(ActorAlias, "save", original_save)
    assert second.post(change_url(b), _add_alias(form_b, b, "HTS")).status_code == 302
    gate.open()
    answer = adding.result()

    assert answer.status_code in (200, 302), answer.status_code
    assert ActorAlias.objects.filter(name="HTS").count() == 1


def test_the_admin_refuses_one_excerpt_cited_twice_with_one_attribution_as_the_api_does(
    client, editor, editor_api
):
    # The admin refuses the same excerpt with the same attribution twice, as the API does
    # (events.validators.repeated_citations), so the event round-trips through the API.
    excerpt = "government forces shelled the town"
    event, article = _cited_shelling(editor_api, excerpt=excerpt, attributed_to="Rebels")

    client.force_login(editor)
    form = opened(client, event)
    row = form["sources-TOTAL_FORMS"]
    form.update(
        {
            "sources-TOTAL_FORMS": str(int(row) + 1),
            f"sources-{row}-article": str(article.pk),
            f"sources-{row}-excerpt": excerpt,
            f"sources-{row}-attributed_to": "Rebels",
            f"sources-{row}-date_phrase": "",
            f"sources-{row}-excerpt_start": "",
            f"sources-{row}-event": str(event.pk),
            f"sources-{row}-id": "",
        }
    )
    client.post(change_url(event), {**form, "_continue": "Save"})

    assert EventSource.objects.filter(event=event).count() == 1


def test_a_transition_reason_longer_than_the_history_keeps_is_a_400_not_a_500(editor_api):
    # A transition's reason is recorded as given: one longer than the history's column is a
    # 400 naming reason, never a 500 (PostgreSQL enforces the length; SQLite does not).
    from tests.factories import EventSourceFactory

    event = EventSourceFactory().event
    editor_api.raise_request_exception = False
    answer = editor_api.post(
        f"{EVENTS}{event.pk}/transition/",
        {"status": "review", "reason": "r" * 101},
        format="json",
        HTTP_IF_MATCH="*",
    )
    assert answer.status_code in (200, 400), answer.status_code
    event.refresh_from_db()
    if answer.status_code == 200:
        # Kept as it was said: the reason the editor gave is the one recorded.
        assert event.history.latest("history_date").history_change_reason == "r" * 101
    else:
        assert "reason" in answer.json()["errors"]
        assert event.status == "draft"


def test_deleting_a_place_with_a_long_name_that_an_actor_names_as_its_country_works(
    client, django_user_model
):
    # Deleting a place clears it from its actors with a history reason naming the place; a
    # long name is cut to fit the history's column (events.change_reasons), never a 500.
    from events.models import Actor, Location

    admin_user = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    place = Location.objects.create(name="Governorate " + "x" * 68, slug="long", kind="country")
    actor = Actor.objects.create(name="Army", slug="army", kind="state_forces", country=place)
    client.force_login(admin_user)
    client.raise_request_exception = False
    url = reverse("admin:events_location_delete", args=[place.pk])
    answer = client.post(url, {"post": "yes"})

    assert answer.status_code == 302, answer.status_code
    assert not Location.objects.filter(pk=place.pk).exists()
    actor.refresh_from_db()
    assert actor.country is None


def test_an_actor_name_that_folds_longer_than_its_column_is_refused_on_the_name_not_a_500(
    client, django_user_model
):
    # A name within 200 characters can fold longer ("ß" → "ss"): its folded lookup key must
    # fit its column too, so the add form names the field instead of failing (PostgreSQL).
    from events.models import Actor

    admin_user = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin_user)
    client.raise_request_exception = False
    name = "Straße " * 28  # 196 characters; folded: 224.
    url = reverse("admin:events_actor_add")
    form = submitted(client.get(url).content.decode(), "actor_form")
    answer = client.post(
        url, {**form, "name": name, "slug": "strasse", "kind": "rebel_group", "_save": "Save"}
    )

    assert answer.status_code in (200, 302), answer.status_code
    if answer.status_code == 302:
        assert Actor.objects.get(slug="strasse").name == name.strip()
    else:
        assert "name" in answer.context["adminform"].form.errors


def test_an_import_row_whose_actor_name_folds_too_long_is_rejected_alone():
    # An ACLED actor1 whose folded name overflows its column is that row's rejection, naming
    # actor1; the good rows around it are imported.
    from events.interchange.importer import import_file
    from tests.interchange.builders import acled_file, acled_rows

    rows = acled_rows(3)
    rows[1]["actor1"] = "Straße " * 28
    report = import_file(acled_file(*rows), dataset="acled")

    assert not report.stopped, report.stopped
    imported = set(
        Event.objects.filter(external_records__isnull=False).values_list("pk", flat=True)
    )
    assert len(imported) >= 2
    assert len(imported) == 3 or any("actor1" in o.reason for o in report.rejected)


@pytest.mark.django_db(transaction=True)
def test_an_api_citation_and_an_article_edit_racing_never_leave_an_excerpt_the_text_lacks(
    monkeypatch, two_editors
):
    # An API POST citing an excerpt while an editor rewrites that article's text: each checks
    # again under a lock on the article, so no citation quotes words the article no longer
    # holds. (PostgreSQL only.)
    from events.models import Article, EventSource
    from tests.concurrency.helpers import Gate, api_for, in_thread, settle

    ed, ed2 = two_editors
    article = ArticleFactory(text="Report. On Sunday, government forces shelled the town. Rebels.")
    EventTypeFactory(slug="shelling")
    excerpt = "government forces shelled the town"

    admin = Client(raise_request_exception=False)
    admin.force_login(ed2)
    form = opened(admin, article)

    gate = Gate()
    original_save = EventSource.save
    monkeypatch.setattr(EventSource, "save", gate.wrap(original_save))  # after its full_clean()
    citing = in_thread(
        lambda: (
            api_for(ed)
            .post(
                EVENTS,
                {
                    "headline": "Shelling",
                    "type": "shelling",
                    "when": "2016-09-04",
                    "sources": [{"article": article.pk, "excerpt": excerpt}],
                },
                format="json",
            )
            .status_code
        )
    )
    gate.wait()
    monkeypatch.setattr(EventSource, "save", original_save)
    edited = admin.post(
        change_url(article),
        {**form, "text": "Report. On Sunday, rebels shelled the town.", "_continue": "Save"},
    )
    settle(0.3)
    gate.open()
    answers = (citing.result(), edited.status_code)

    text = Article.objects.get(pk=article.pk).text
    for source in EventSource.objects.filter(article=article):
        assert text[source.excerpt_start : source.excerpt_end] == source.excerpt, answers


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [("--title", "T" * 301, "title"), ("--language", "en-GB-x-oxendict", "language")],
)
def test_ingest_article_refuses_a_title_or_language_too_long_instead_of_cutting_it(
    tmp_path, option, value, field
):
    # ingest_article stores a --title and a --language as given, or refuses them naming the
    # option, never cuts them silently.
    from django.core.management import CommandError, call_command

    from events.models import Article

    path = tmp_path / "article.txt"
    path.write_text("On Sunday, government forces shelled Aleppo.\n", encoding="utf-8")
    try:
        call_command("ingest_article", str(path), "--published", "2016-09-04", option, value)
    except CommandError as exc:
        assert field in str(exc)
        assert not Article.objects.exists()
    else:
        assert getattr(Article.objects.get(), field) == value


@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_naming_a_place_deleted_meanwhile_is_refused_not_a_500(
    monkeypatch, two_editors
):
    # A place deleted between the admin form's check and its commit: the admin says nothing
    # was saved (a message, not a 500), as the API answers a 409.
    from events.models import Location
    from tests.concurrency.helpers import Gate, in_thread, settle
    from tests.factories import EventFactory, LocationFactory

    editor, _ = two_editors
    event = EventFactory()
    place = LocationFactory(slug="soon-gone")
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    form = opened(client, event)

    gate = Gate()
    monkeypatch.setattr(Event, "save", gate.wrap(Event.save))  # after the form's validation
    saving = in_thread(
        lambda: client.post(
            change_url(event), {**form, "location": str(place.pk), "_continue": "Save"}
        )
    )
    gate.wait()
    Location.objects.filter(pk=place.pk).delete()
    settle(0.2)
    gate.open()
    answer = saving.result()

    assert answer.status_code in (200, 302), answer.status_code


def _saved_at_once(monkeypatch, model, first, second) -> list[list[str]]:
    """Two writers: first (in a thread) checks its record and stops as its save() begins,
    second checks and saves its own, then first goes on; each returns its record, checked
    and unsaved. The messages of the saves refused, in no particular order."""
    from django.core.exceptions import ValidationError

    from tests.concurrency.helpers import Gate, in_thread, settle

    def save(make) -> list[str] | None:
        record = make()
        record.full_clean()
        try:
            record.save()
        except ValidationError as exc:
            return exc.messages
        return None

    gate = Gate()
    original_save = model.save
    monkeypatch.setattr(model, "save", gate.wrap(original_save))  # after full_clean()
    running = in_thread(lambda: save(first))
    gate.wait()
    monkeypatch.setattr(model, "save", original_save)
    answer = save(second)
    settle(0.2)
    gate.open()
    return [refused for refused in (running.result(), answer) if refused]


def test_two_alliances_joining_each_other_at_once_never_make_a_cycle(monkeypatch, two_editors):
    # Alliance A takes B as a member while B takes A: each checks the memberships again under
    # the alliances' lock as it is written, so the later one is refused. (PostgreSQL only.)
    from events.models import Actor, ActorMembership

    a = Actor.objects.create(name="Northern Front", slug="northern-front", kind="alliance")
    b = Actor.objects.create(name="Southern Front", slug="southern-front", kind="alliance")
    refused = _saved_at_once(
        monkeypatch,
        ActorMembership,
        lambda: ActorMembership(alliance=a, member=b),
        lambda: ActorMembership(alliance=b, member=a),
    )

    assert ActorMembership.objects.count() == 1
    assert len(refused) == 1 and "members of each other" in refused[0][0]


def test_a_type_given_a_parent_while_it_gains_a_sub_type_never_makes_three_levels(
    monkeypatch, two_editors
):
    # Type X is given the parent P while type Y is given the parent X, at once: each checks
    # the two levels again under the types' lock as it is written, so the later one is
    # refused and no type is a sub-type of a sub-type. (PostgreSQL only.)
    from events.models import EventType

    top = EventTypeFactory(slug="violence")
    middle, low = EventTypeFactory(slug="shelling"), EventTypeFactory(slug="mortar-fire")

    def given_parent(child, parent):
        def make():
            record = EventType.objects.get(pk=child.pk)
            record.parent = parent
            return record

        return make

    refused = _saved_at_once(
        monkeypatch, EventType, given_parent(middle, top), given_parent(low, middle)
    )

    assert len(refused) == 1
    assert not EventType.objects.filter(parent__parent__isnull=False).exists()


def test_two_events_citing_two_articles_in_opposite_orders_at_once_both_land(
    monkeypatch, two_editors
):
    # Each citation holds its article against edits of the text while it is saved; two events
    # citing articles A then B, and B then A, saved at once, both land: the holds are shared,
    # so neither waits for the other and no deadlock ends one. (PostgreSQL only.)
    import threading

    from events.models import EventSource
    from tests.concurrency.helpers import TIMEOUT, api_for, in_thread, settle

    ed, ed2 = two_editors
    first = ArticleFactory(text="Report. Government forces shelled the town. Rebels.")
    second = ArticleFactory(text="Bulletin. Government forces shelled the town. Monitor.")
    EventTypeFactory(slug="shelling")
    excerpt = "Government forces shelled the town."

    def post(user, articles):
        sources = [{"article": article.pk, "excerpt": excerpt} for article in articles]
        body = {"headline": "Shelling", "type": "shelling", "when": "2016-09-04"}
        return api_for(user).post(EVENTS, {**body, "sources": sources}, format="json")

    # The first writer stops between its two citations, holding its first article.
    between, go, calls = threading.Event(), threading.Event(), []
    original_save = EventSource.save

    def save_second_later(source, *args, **kwargs):
        calls.append(source.article_id)
        if len(calls) == 2:
            between.set()
            assert go.wait(TIMEOUT)
        return original_save(source, *args, **kwargs)

    monkeypatch.setattr(EventSource, "save", save_second_later)
    citing = in_thread(lambda: post(ed, [first, second]))
    assert between.wait(TIMEOUT)
    monkeypatch.setattr(EventSource, "save", original_save)
    other = in_thread(lambda: post(ed2, [second, first]))
    settle(0.5)
    go.set()
    answers = [citing.result().status_code, other.result().status_code]

    assert answers == [201, 201]
    assert EventSource.objects.count() == 4
