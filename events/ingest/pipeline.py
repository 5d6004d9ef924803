"""Ingest an article: check it, store it, read it and save its proposed events as drafts."""

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from events.ingest.duplicates import DuplicateMatch, flag_possible_duplicates
from events.ingest.gazetteer import Gazetteer
from events.ingest.language import detect_language
from events.ingest.reading import ProposalDraft, Reading, read_article
from events.ingest.storing import StoringError, date_refusal, save_checked, write_proposal
from events.models import Article, Event, EventType
from events.text import fingerprint, fold

# A long feature runs to about 50,000 characters; anything far beyond is not one article.
MAX_TEXT_CHARS = 200_000
# What an article without a named outlet is stored under (the seeds use the same words).
UNKNOWN_OUTLET = "unknown outlet"


class IngestError(Exception):
    """Input that cannot be ingested; names the field at fault. Nothing has been stored."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DuplicateArticle(IngestError):
    """The exact text is already stored (same fingerprint)."""

    def __init__(self, article: Article) -> None:
        super().__init__(
            "text",
            f"this exact text is already stored as article #{article.pk}: “{article.title}” "
            f"({article.outlet}, {article.publication_date:%d %b %Y})",
        )
        self.article = article


@dataclass
class StoredProposal:
    """A draft event saved from a proposal, with the events it may duplicate."""

    event: Event
    draft: ProposalDraft
    duplicates: list[DuplicateMatch] = field(default_factory=list)


@dataclass
class IngestResult:
    article: Article
    reading: Reading
    proposals: list[StoredProposal]
    # Proposals not saved, with the reason (an event type missing from the database).
    skipped: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """What an editor needs to know, one line each, for the command and the admin."""
        article = self.article
        lines = [
            f"Article #{article.pk} stored: “{article.title}” ({article.outlet}, "
            f"{article.publication_date:%d %b %Y}).",
            f"{len(self.proposals)} draft event(s) proposed:",
        ]
        if not self.reading.readable:
            lines.insert(1, language_warning(article.language))
        for stored in self.proposals:
            event, draft = stored.event, stored.draft
            place = event.location.name if event.location_id else "no place"
            actors = ", ".join(actor.name for actor, _ in draft.actors) or "no actors"
            phrase = draft.sources[0].date_phrase or "no date phrase"
            lines.append(
                f"  #{event.pk} {event.display_date} · {event.type.name} · {place} · {actors} "
                f"· “{phrase}” ({draft.sources[0].basis})" + (" · PLANNED" if draft.planned else "")
            )
            for match in stored.duplicates:
                lines.append(f"      may duplicate #{match.event.pk} {match.event}: {match.note}")
        if self.reading.candidates:
            names = ", ".join(f"{c.name} ({c.count})" for c in self.reading.candidates[:30])
            lines.append(
                f"Names not recognised (create them as actors or places if they are): {names}"
            )
        if self.reading.undated:
            lines.append(
                f"{len(self.reading.undated)} sentence(s) report something without a date the "
                "text supports; they are left to the editor."
            )
        for note in self.reading.unresolved:
            lines.append(f"Unresolved date phrase: {note}")
        lines.extend(f"Skipped: {note}" for note in self.skipped)
        return lines


def language_warning(language: str) -> str:
    """What an editor is told of an article in a language the rules do not read."""
    return (
        f"The article is in a language ingestion does not read ({language}): nothing is "
        "proposed from it. Add its events by hand, or ingest an English version."
    )


def decode_text(data: bytes, *, field: str = "file") -> str:
    """The bytes of an uploaded or read file as text; refuses what is too big or not UTF-8."""
    # Four bytes per character at most in UTF-8: anything larger cannot fit once decoded.
    if len(data) > MAX_TEXT_CHARS * 4:
        raise IngestError(
            field,
            f"the file is {len(data):,} bytes; an article is at most {MAX_TEXT_CHARS:,} characters",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            field,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8 and try again",
        ) from exc


def clean_text(raw: str) -> str:
    """The text as stored: line endings made '\\n', surrounding whitespace removed."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def check_input(
    *,
    text: str,
    publication_date: date | None,
    outlet: str,
    new_outlet: bool,
    today: date,
) -> None:
    """Refuse what cannot be ingested, naming the field: nothing is stored on a refusal."""
    if not text:
        raise IngestError("text", "the article is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(
            "text",
            f"the article is {len(text):,} characters long; the limit is {MAX_TEXT_CHARS:,} "
            "(is this one article?)",
        )
    if "\x00" in text:
        raise IngestError("text", "the article contains NUL characters: it is not plain text")
    if publication_date is None:
        raise IngestError("publication_date", "is required: relative dates are resolved against it")
    if publication_date > today:
        raise IngestError(
            "publication_date",
            f"{publication_date.isoformat()} is in the future (today is {today.isoformat()})",
        )
    if outlet and not new_outlet and not Article.objects.filter(outlet__iexact=outlet).exists():
        # Only on a refusal: the outlets editors have used, to help spot the misspelling.
        outlets = Article.objects.order_by("outlet").values_list("outlet", flat=True).distinct()
        known = list(outlets[:50])
        if fold(outlet) not in {fold(name) for name in known}:
            listed = ", ".join(known[:10]) or "none yet"
            raise IngestError(
                "outlet",
                f"no stored article comes from {outlet!r} (known outlets: {listed}); check the "
                "spelling, or confirm that it is a new outlet",
            )


def ingest_article(
    *,
    text: str,
    publication_date: date | None,
    title: str = "",
    outlet: str = "",
    url: str = "",
    original_agency: str = "",
    language: str | None = None,
    new_outlet: bool = False,
    today: date | None = None,
    gazetteer: Gazetteer | None = None,
    user=None,
) -> IngestResult:
    """Store the article and its proposed events (status draft), all in one transaction.

    Raises IngestError (DuplicateArticle for a text already stored) and stores nothing when
    the input is refused. Nothing is published: each proposal waits for an editor. language
    None: detected from the text; in a language the rules do not read nothing is proposed.
    """
    text = clean_text(text)
    outlet = outlet.strip()
    check_input(
        text=text,
        publication_date=publication_date,
        outlet=outlet,
        new_outlet=new_outlet,
        today=today or date.today(),
    )
    same = Article.objects.filter(sha256=fingerprint(text)).first()
    if same is not None:
        raise DuplicateArticle(same)
    gazetteer = gazetteer or Gazetteer.current()
    language = (language or "").strip() or detect_language(text).code
    reading = read_article(
        text, publication_date=publication_date, gazetteer=gazetteer, language=language
    )
    article = Article(
        # A title given is stored as given (too long: refused on its field); one taken from
        # the first line is that line's start.
        title=title.strip()
        or text.split("\n", 1)[0][: Article._meta.get_field("title").max_length],
        outlet=outlet or UNKNOWN_OUTLET,
        original_agency=original_agency.strip() or reading.agency,
        url=url.strip(),
        publication_date=publication_date,
        language=language,
        text=text,
        dateline_id=reading.dateline.id if reading.dateline else None,
    )
    try:
        with transaction.atomic():
            _save_article(article, user)
            proposals, skipped = _save_proposals(article, reading, gazetteer, user)
    except IntegrityError as exc:
        # Another ingestion stored the same text between our check and our insert.
        same = Article.objects.filter(sha256=fingerprint(text)).first()
        if same is not None:
            raise DuplicateArticle(same) from exc
        raise
    return IngestResult(article, reading, proposals, skipped)


def _save_article(article: Article, user) -> None:
    try:
        save_checked(article, user)
    except StoringError as exc:
        raise IngestError(exc.field, exc.message) from exc


def _save_proposals(
    article: Article, reading: Reading, gazetteer: Gazetteer, user
) -> tuple[list[StoredProposal], list[str]]:
    types = event_types(reading.proposals)
    stored, skipped = [], []
    for draft in reading.proposals:
        event_type = types.get(draft.type_slug)
        if event_type is None:
            skipped.append(
                f"“{draft.excerpt[:80]}”: no event type {draft.type_slug!r} in the database"
            )
            continue
        refusal = date_refusal(draft, article.publication_date)
        if refusal:
            skipped.append(f"“{draft.excerpt[:80]}”: {refusal}")
            continue
        event = write_proposal(
            None,
            article=article,
            draft=draft,
            event_type=event_type,
            gazetteer=gazetteer,
            user=user,
        )
        duplicates = flag_possible_duplicates(event)
        stored.append(StoredProposal(event, draft, duplicates))
    return stored, skipped


def event_types(drafts: list[ProposalDraft]) -> dict[str, EventType]:
    """The event types the drafts name, by slug (one query)."""
    slugs = {draft.type_slug for draft in drafts}
    return {t.slug: t for t in EventType.objects.filter(slug__in=slugs)}
