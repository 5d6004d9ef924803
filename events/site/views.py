"""The public pages: the chronology, one event, an article with its excerpts, an actor, a place."""

from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from events import search
from events.chronology import describe, entries_of
from events.chronology.details import related_by_event
from events.models import Actor, ActorMembership, Article, Event, EventSource, Location
from events.site import filter_form, listing
from events.site.embed import embed_url
from events.site.highlight import Citation, locate, paragraphs
from events.site.timeline import (
    date_with_bounds,
    decorate,
    group,
    map_legend,
    map_points,
    period_of,
)


def _without_empty_fields(request: HttpRequest) -> HttpResponse | None:
    """A GET form sends its empty fields too: redirect to the URL without them, so that the
    address a reader shares says only what was asked."""
    if not filter_form.has_empty(request.GET):
        return None
    kept = request.GET.copy()
    for name, values in list(kept.lists()):
        values = [value for value in values if value.strip()]
        if values:
            kept.setlist(name, values)
        else:
            del kept[name]
    return redirect(f"{request.path}{filter_form.query(kept)}".rstrip("?"))


def _chronology_response(
    request: HttpRequest, template: str, *, fixed: dict[str, str] | None = None, **context
) -> HttpResponse:
    try:
        return _chronology_page(request, template, fixed=fixed, **context)
    except DatabaseError as exc:
        if not search.index_missing(exc):
            raise
        # A bulk load has the full-text index set aside: said plainly, not a 500.
        response = render(
            request, "site/search_unavailable.html", {"message": search.REBUILDING}, status=503
        )
        response["Retry-After"] = str(search.REBUILDING_RETRY)
        return response


def _chronology_page(
    request: HttpRequest, template: str, *, fixed: dict[str, str] | None, **context
) -> HttpResponse:
    found = listing.build(request.GET, fixed=fixed)
    types = filter_form.type_options()
    context.update(
        listing=found,
        types=types,
        values=found.values(),
        field_errors={error.name: error for error in found.errors},
        fixed=fixed or {},
        suggestions=filter_form.suggestions(found.params, {error.name for error in found.errors})
        if found.errors
        else [],
        chips=[] if found.errors else filter_form.chips(found.params, found.query, types=types),
        exports=[] if found.errors else filter_form.export_links(found.data),
        embed_url=embed_url(request, found.data),
        title=_title(found),
    )
    # Bad filters are the reader's to fix: a 400 with the page and the message, never a 500.
    return render(request, template, context, status=400 if found.errors else 200)


def _title(found: listing.Listing) -> str:
    """ "Islamic State, August 2017": the API's export title, for bookmarks and tabs."""
    if found.errors or not found.params:
        return ""
    title = describe(found.query)
    return "" if title == "Chronology" else title


def chronology(request: HttpRequest) -> HttpResponse:
    return _without_empty_fields(request) or _chronology_response(request, "site/chronology.html")


def _not_found(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "site/not_found.html", {"what": what}, status=404)


def event(request: HttpRequest, pk: int) -> HttpResponse:
    published = Event.objects.published()
    found = entries_of(published.filter(pk=pk), url_for=listing.event_url)
    if not found:
        return _not_found(request, "event")
    entry = found[0]
    entry["related"] = related_by_event(
        [pk], visible=published, url_for=listing.event_url, hidden_kinds=listing.HIDDEN_RELATIONS
    ).get(pk, [])
    decorate(entry)
    points = map_points([entry])
    return render(
        request,
        "site/event.html",
        {
            "entry": entry,
            "periods": group([entry]),
            "points": points,
            "legend": map_legend(points),
            "period": period_of(entry),
        },
    )


def article(request: HttpRequest, pk: int) -> HttpResponse:
    # The text is public only as the evidence of published events.
    art = Article.objects.select_related("dateline").filter(pk=pk).first()
    cited = list(
        entries_of(
            Event.objects.published().filter(sources__article_id=pk).distinct().chronological(),
            url_for=listing.event_url,
        )
    )
    if art is None or not cited:
        return _not_found(request, "article")
    number = {entry["id"]: index for index, entry in enumerate(cited, start=1)}
    for entry in cited:
        entry["when"] = date_with_bounds(entry)
    sources = EventSource.objects.filter(article_id=pk, event_id__in=number).values_list(
        "event_id", "excerpt", "excerpt_start"
    )
    citations, unplaced = [], []
    for event_id, excerpt, start in sources:
        span = locate(art.text, excerpt, start)
        if span is None:
            unplaced.append((event_id, excerpt))
        else:
            citations.append(Citation(span[0], span[1], event_id))
    return render(
        request,
        "site/article.html",
        {
            "article": art,
            "paragraphs": paragraphs(art.text, citations, order=number),
            "cited": cited,
            "number": number,
            "unplaced": unplaced,
            "excerpt_count": len(citations),
        },
    )


def actor(request: HttpRequest, slug: str) -> HttpResponse:
    found = (
        Actor.objects.select_related("country")  # The country's name in the header.
        .prefetch_related(
            "aliases",  # Every other name: one query.
            # Alliances it belongs to and members it has, each with the actor at the other end.
            Prefetch(
                "alliance_memberships",
                queryset=ActorMembership.objects.select_related("alliance").order_by(
                    "alliance__name"
                ),
            ),
            Prefetch(
                "memberships",
                queryset=ActorMembership.objects.select_related("member").order_by("member__name"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if found is None:
        return _not_found(request, "actor")
    if redirected := _without_empty_fields(request):
        return redirected
    return _chronology_response(
        request, "site/actor.html", fixed={"actor": found.slug}, actor=found
    )


def place(request: HttpRequest, slug: str) -> HttpResponse:
    found = (
        Location.objects.prefetch_related(
            "aliases",  # Every other name: one query.
            Prefetch("children", queryset=Location.objects.order_by("name")),  # One query.
        )
        .filter(slug=slug)
        .first()
    )
    if found is None:
        return _not_found(request, "place")
    if redirected := _without_empty_fields(request):
        return redirected
    return _chronology_response(
        request,
        "site/place.html",
        fixed={"location": found.slug},
        place=found,
        ancestors=found.ancestors(),
    )
