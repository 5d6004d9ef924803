import pytest
from django.db import connection
from events.chronology import parse, plan
from events.chronology.orders import ORDERS
from events.chronology.paging import _from_key
from events.models import Event
from django.http import QueryDict
from tests.api.helpers import D, day

pytestmark = pytest.mark.django_db

def test_explain():
    for n in range(30):
        day(D(2016, 1, 1 + n % 5), fatalities_best=(None if n % 4 == 0 else n % 3))
    for o in ORDERS:
        for extra in ("", "&start=2016-01-02"):
            q = parse(QueryDict(f"order={o}{extra}"))
            p = plan(q, Event.objects.published())
            for cursor in (None,):
                qs = _from_key(p.events, p.keyset, None, False)[:101]
                print(o, extra, qs.values("id").explain())
            key = p.keyset.key_of  # noqa
