"""Admin input that is no id, in an autocomplete field, a selection for an action or a list of
related rows: a form error or a message, never a server error."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from events.models import Actor, Event, Location
from tests.browser_form import submitted
from tests.factories import EventFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db) -> Client:
    user = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _post_form(client: Client, url: str, form_id: str, **changes: str):
    data = submitted(client.get(url).content.decode(), form_id)
    data.update(changes)
    return client.post(url, data)


# An autocomplete field given a value that is no id: the form finds it invalid, then the
# widget's re-render filters by it (django/contrib/admin/widgets.py AutocompleteMixin.optgroups)
# and raises ValueError (or OverflowError past 64 bits on SQLite).
AUTOCOMPLETE = [
    ("/admin/events/actor/add/", "actor_form", "country"),
    ("/admin/events/location/add/", "location_form", "parent"),
    ("/admin/events/event/add/", "event_form", "location"),
]


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", " "])
@pytest.mark.parametrize(("url", "form_id", "field"), AUTOCOMPLETE)
def test_autocomplete_field_with_a_non_id_is_a_form_error(root, url, form_id, field, value):
    LocationFactory(slug="syria")
    before = (Actor.objects.count(), Location.objects.count(), Event.objects.count())
    response = _post_form(root, url, form_id, **{field: value})
    assert response.status_code == 200, response.status_code
    assert field in response.context["adminform"].form.errors
    assert (Actor.objects.count(), Location.objects.count(), Event.objects.count()) == before


def test_group_permissions_past_64_bits_is_a_form_error(root):
    response = _post_form(
        root,
        "/admin/auth/group/add/",
        "group_form",
        name="g",
        permissions="99999999999999999999",
    )
    assert response.status_code == 200, response.status_code


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("selected", ["abc", "99999999999999999999"])
@pytest.mark.parametrize("action", ["publish", "send_for_review", "delete_selected"])
def test_action_on_a_selection_that_is_no_id(root, action, selected):
    event = EventFactory(status=Event.Status.REVIEW)
    response = root.post(
        "/admin/events/event/",
        {"action": action, "_selected_action": [selected], "index": "0"},
    )
    assert response.status_code < 500, response.status_code
    event.refresh_from_db()
    assert event.status == Event.Status.REVIEW
