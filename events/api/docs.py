"""The OpenAPI descriptions of the endpoints: the rules a client relies on, in words."""

from events.chronology.histogram import HISTOGRAM_RULE, MAX_BUCKETS
from events.chronology.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from events.chronology.summary import SUMMARY_RULE

PAGING = (
    "Pages are keyset pages on a unique order: follow `next` and `previous` as given (the "
    "cursor is opaque). No page skips or repeats an event, even when thousands share a date; "
    "page 10,000 costs what page 1 costs; there is no cap on how far one can page. "
    f"`page_size` is 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}). A cursor carries its "
    "query's filters and order: send it alone, or with the same ones (others are a 400). "
    "No total count unless count=true; the histogram gives counts."
)

ERRORS = (
    'Bad input is a 400 with a body `{"errors": {"<parameter>": ["message"]}}`: a malformed '
    "or impossible date, start after end, an unknown actor, place, type or article, a bbox "
    "without four numbers, coordinates out of range, a misspelt or repeated parameter."
)

CACHING = (
    "Responses carry an ETag and Last-Modified; send If-None-Match or If-Modified-Since to "
    "get a 304 when nothing changed."
)

FORMATS = (
    "`?format=` (which wins over Accept) or the Accept header, or the format's own URL "
    "(`timeline.csv` is `timeline/?format=csv`): `json` (default, the paged envelope), or "
    "the whole "
    "filtered set streamed (no paging) as `csv` (text/csv: ACLED-like columns plus our "
    "bounds and precision), `geojson` (application/geo+json: an RFC 7946 FeatureCollection, "
    "coordinates [longitude, latitude], events without coordinates kept with a null "
    "geometry), `timelinejs` (application/vnd.timelinejs+json: Knight Lab TimelineJS JSON) or "
    "`ics` (text/calendar: one all-day VEVENT per event spanning its possible days; DTEND is "
    "exclusive), or in the field's own layouts: `acled` (ACLED's CSV columns) and `ucdp` (UCDP "
    "GED's CSV columns), which `manage.py import_events` reads back. An event imported from "
    "the dataset and unchanged is its row as the dataset gave it. The layouts leave out events "
    "they have no type for (talks, statements, milestones, planned events) and say how many in "
    "the `X-Events-Left-Out` header; `include_unmapped=true` writes them too."
)

TIMELINE = f"""Published events in chronological order: by the earliest possible day, then
more precise first (narrower bounds: the latest possible day ascending), then id. `order`
asks for another: `-chronological` (newest first), `updated` or `-updated` (by last change),
`fatalities` or `-fatalities` (the best estimate, else the low one; unknown ones last in both
directions). Every order is keyset-paged, and exports write in it.

Dates are honest: `date.earliest` and `date.latest` bound when the event can have happened
and `date.precision` says how exactly it is known; nothing is placed on an invented day.
`date_mode=overlaps` (default) keeps events that possibly fall in [start, end];
`date_mode=within` keeps those that certainly do. A month-precision event of February 2016
appears for start=2016-02-10&end=2016-02-12 with overlaps, not with within.

{PAGING}

{FORMATS}

{ERRORS}

{CACHING}

Sync: pass `updated_since` (the time your previous sync started, less a minute) and apply
`events/removed/?since=` for the same time first, then the updates."""

HISTOGRAM = f"""Counts of published events per bucket for the same filters as the timeline.

{HISTOGRAM_RULE}

`interval` is day, week, month (default) or year. With start or end given, imprecise events
are spread only over the buckets inside the requested range. A histogram holds at most
{MAX_BUCKETS:,} buckets (a month histogram of any period fits): a longer day or week one is a
400 naming `interval`; give start and end, or a longer interval.

{ERRORS}"""

SUMMARY = f"""Event counts and fatality sums per group, for the same filters as the timeline:
`by` is actor, location, admin1, type or month. `?format=csv` gives the groups as a table.

{SUMMARY_RULE}

{ERRORS}"""

EVENTS = f"""Events with the timeline's filters and order. Anonymous clients see published
events only; editors (session or token authentication) see every status, with `status` and a
`history_url` on each event. Each event also lists its typed links to other events it can
see (`related`).

{PAGING}

{FORMATS}

{ERRORS}"""

EVENT = """The full event: the chronology entry plus typed links to other events and, for
editors, its status, a link to its history in the admin and the history records (who changed
it, when, and why). Anonymous clients get 404 for an event that is not published."""

WRITING_SAFELY = """Writing safely: every event response (detail, create, PUT, PATCH,
transition) carries an ETag naming the event's version, e.g. `"42-v7-…"`. PUT, PATCH and
`transition/` need it back as `If-Match`: without the header the answer is a 428, and when the
event has changed since (another editor saved first) a 412 with `{"errors": {"If-Match":
[...]}, "current": <the event now>}` and the current ETag, to compare and retry against.
`If-Match: *` writes whatever the event holds now (still field by field, under a lock).
Creating (POST) needs no If-Match."""

EVENT_WRITE = f"""Editors only (the add/change event permission). The event and, when given,
its actor links and source excerpts (each replacing the current ones) are checked by the same
validation as the admin (the models' full_clean()) and written in one transaction: on any
error nothing is written and the 400 names each field, e.g. `sources[1].excerpt`. Dates are
given as `date_earliest`, `date_latest` and `date_precision` (plus `date_approximate`,
`date_display`), or as `when`: a date or news phrase as in the admin ("early August 2016",
"on Sunday" with `when_reference`), between 1 January 1800 and two years from today (as the
server is configured). A PATCH writes only the fields it is given; the event is read again
under a lock first, so a concurrent change to another field is kept. New events are drafts;
status changes go through `transition/`. A published event keeps at least one source. Each
change is recorded in the history under the requesting user.

{WRITING_SAFELY}"""

TRANSITION = f"""Move the event to another status: draft → review → published → retracted (or
back to review). Publishing and retracting need the publish permission; publishing needs a
source excerpt. Leaving `published` writes a tombstone to `events/removed/`. Body:
`{{"status": "review", "reason": "optional note for the history", "expected_status": "draft"}}`.
The move is a compare-and-set: it happens only if the event still has the version in If-Match
and, when given, `expected_status`; otherwise a 412 with the event as it is now. Only the
status changes.

{WRITING_SAFELY}"""

REMOVED = f"""Tombstones for keeping a copy in sync: events deleted, retracted or sent back
from published to review at or after `since` (ISO 8601), oldest first. Tombstones are written
by Event.transition() when an event leaves `published` and by every delete (Event.delete()
and QuerySet.delete()), in the same transaction as the change.

Anonymous clients get the ids and uids of events that were published and are not published
again now; editors get every removal with the status the event had.

Recipe: remember when a sync starts; next time, read this feed with `since` = that time
less a minute and delete those ids, then read `timeline/?updated_since=` the same time and
upsert by id (or uid). Both feeds are idempotent, so the overlap is harmless.

{PAGING}"""

ACTORS = """Actors with their aliases, the number of published events they take part in and
a link to their chronology (`timeline/?actor=<slug>`). `q` searches slugs, names and aliases
(case and accents folded): `?q=daesh` finds the Islamic State."""

LOCATIONS = """Places with their aliases, the number of published events here or anywhere
beneath, and a link to their chronology (`timeline/?location=<slug>`). `q` searches names and
aliases."""

EVENT_TYPES = """The two-level event taxonomy with the number of published events of each
type (including its sub-types) and a link to its chronology (`timeline/?type=<slug>`)."""

ARTICLES = """The news reports events cite, newest first, with the number of published
events citing each and a link to their chronology (`timeline/?article=<id>`). The full text is
not served; excerpts are quoted in each event's sources and `sha256` verifies a copy."""
