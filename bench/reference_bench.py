"""Time each reference list and detail in-process against a database, beside the 50 ms limit."""

# Reproduce (from the project root, on a migrated copy of a generated database):
#   DATABASE_URL=sqlite:////tmp/copy.sqlite3 SECRET_KEY=x .venv/bin/python bench/reference_bench.py
# Each URL is asked once to warm the caches, then --runs times; the details are the heaviest
# subject of each kind (most links, the root place, the parent type with most events).

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflicttracker.settings")
os.environ.setdefault("API_ANON_RATE", "1000000/minute")

LIMIT_MS = 50.0


def urls() -> list[str]:
    from django.db.models import Count

    from events.models import Actor, Article, EventType, Location

    actor = Actor.objects.annotate(n=Count("event_links")).order_by("-n").first()
    article = Article.objects.annotate(n=Count("citations")).order_by("-n").first()
    parent = EventType.objects.filter(parent__isnull=True).annotate(n=Count("subtypes"))
    place = Location.objects.filter(parent__isnull=True).order_by("id").first()
    return [
        "/api/v1/actors/",
        "/api/v1/locations/",
        "/api/v1/event-types/",
        "/api/v1/articles/",
        f"/api/v1/actors/{actor.slug}/",
        f"/api/v1/locations/{place.slug}/",
        f"/api/v1/event-types/{parent.order_by('-n').first().slug}/",
        f"/api/v1/articles/{article.pk}/",
    ]


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    from django.test import Client

    client = Client()
    print(f"{'URL':<52} {'p50 ms':>9} {'max ms':>9} {'limit':>7}")
    for url in urls():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        p50 = statistics.median(times)
        print(f"{url:<52} {p50:>9.1f} {max(times):>9.1f} {LIMIT_MS:>7.0f} ({p50 / LIMIT_MS:.2f}×)")


if __name__ == "__main__":
    main()
