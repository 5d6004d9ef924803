"""Clause → date: its own phrase, a phrase of its sentence, the sentence it continues, or none."""

import dataclasses
import re
from datetime import timedelta

from events.dates import FuzzyDate, precision_for_span
from events.ingest.clauses import Clause
from events.ingest.context import ArticleContext, Dated, Memory
from events.ingest.drafts import clip
from events.ingest.phrases import DatePhrase
from events.ingest.view import SentenceView
from events.ingest.vocabulary import pick
from events.models import DateBasis

# "It also struck …", "They then …", "A second car bomb …", "Another strike …": the sentence
# goes on with the previous one's event.
CONTINUES = re.compile(
    r"^\W*(?:It|They|He|She|The\s+\w+)\s+(?:also|then|later)\b|\b(?:also|then|later\s+that\s+day"
    r"|the\s+same\s+day|another|(?:a|the)\s+(?:second|third|fourth))\b"
)
# The news of a report is the week before it (a report without a date speaks of it).
NEWS_DAYS = 7
# Told after the lead and not as news, an undated happening is the context of the news: the
# weeks before it ("recently"). The lead is the report's first sentences.
CONTEXT_DAYS = 28
LEAD_SENTENCES = 3
_PERFECT = re.compile(r"\b(?:has|have|'ve|’ve)\s+(?:\w+\s+){0,2}?(?:been\s+)?\w+(?:ed|en)\b", re.I)
# What a report says happens again and again, or has long happened: not dated news.
_HABITUAL = re.compile(
    r"\b(?:repeatedly|regularly|often|frequently|usually|routinely|long|always|continuously"
    r"|for\s+years|over\s+the\s+years|every\s+day|daily|constantly)\b",
    re.IGNORECASE,
)
# The event word itself in the perfect or a past passive ("Until now 150 have been kidnapped",
# "people who were killed"): done before the report, whatever else is still under way.
_DONE_BEFORE = re.compile(
    # ("now appear to have secured": a state of things now, not the event's day.)
    r"\b(?:(?<!\bto\s)(?:has|have|had|'ve|’ve)\s+(?:\w+ly\s+)?(?:been\s+)?"
    r"|(?:was|were)\s+(?:\w+ly\s+)?)$",
    re.IGNORECASE,
)
# The present tense: what is under way on the day of the report ("as they assault Raqqa").
_PRESENT = re.compile(
    r"\b(?:is|are|am)\s+(?:now\s+|still\s+|currently\s+)?(?:being\s+)?\w+ing\b"
    r"|\bas\s+(?:they|it|he|she|we)\s+\w+$|\b(?:now|currently|still)\b|\bcontinues?\s+to\b"
    r"|\bunder\s+way\b|\bongoing\b",
    re.IGNORECASE,
)


def own_date(phrase: DatePhrase | None, article: ArticleContext) -> Dated | None:
    """The date a clause's own phrase gives it, read back (or forward for a plan)."""
    if phrase is None or phrase.fuzzy is None:
        return None
    basis = DateBasis.FUTURE if phrase.future or phrase.planned else DateBasis.PHRASE
    return Dated(
        phrase.fuzzy,
        phrase.text,
        basis,
        phrase.explain(article.reference),
        planned=phrase.planned,
        kind=phrase.kind,
    )


def date_clauses(
    view: SentenceView, memory: Memory, article: ArticleContext
) -> list[tuple[Clause, Dated | None]]:
    """Each clause with its date: its own phrase, else one it may inherit, else None."""
    own = [own_date(clause.phrase, article) for clause in view.clauses]
    dated = []
    for index, clause in enumerate(view.clauses):
        when = own[index]
        if when is None and pick([t for t in clause.triggers if not t.modal]) is not None:
            when = inherited(view, index, own, memory, article)
        dated.append((clause, when))
    return narrow_by_earlier(dated)


def inherited(
    view: SentenceView,
    index: int,
    own: list[Dated | None],
    memory: Memory,
    article: ArticleContext,
) -> Dated | None:
    """A date for a clause without a phrase: a sibling clause's, the previous sentence's when
    it goes on with it, or the report's day for the present tense."""
    siblings = [
        (abs(i - index), when)
        for i, when in enumerate(own)
        if i != index and when is not None and not when.planned
    ]
    if siblings:
        sibling = min(siblings, key=lambda pair: pair[0])[1]
        return Dated(
            sibling.fuzzy,
            sibling.phrase,
            DateBasis.SENTENCE,
            f"no date phrase of its own: shares “{sibling.phrase}” ({sibling.fuzzy.display}) "
            "with the other clause of its sentence",
        )
    clause = view.clauses[index]
    trigger = pick(clause.triggers)
    before = view.text[clause.start : trigger.start]
    return (
        continued(view, before, memory)
        or present(before, trigger.text, article)
        or said_by_then(view)
    )


def said_by_then(view: SentenceView) -> Dated | None:
    """ "…, the army said on Thursday": what a dated statement reports happened on or before
    that day; the week before it is its news."""
    said = next((p for p in view.phrases if p.reporting and p.fuzzy and not p.planned), None)
    if said is None:
        return None
    latest = said.fuzzy.latest
    earliest = said.fuzzy.earliest - timedelta(days=NEWS_DAYS)
    fuzzy = FuzzyDate(earliest, latest, precision_for_span(earliest, latest), approximate=True)
    return Dated(
        fuzzy,
        said.text,
        DateBasis.SENTENCE,
        f"no date phrase of its own: reported as said “{said.text}” ({said.fuzzy.display}), "
        f"so on or before that day; the week before it: {fuzzy.display}",
    )


def news_recency(article: ArticleContext, before: str, *, lead: bool = True) -> Dated | None:
    """An undated report of something that happened (not a habit: "has repeatedly shelled") is
    the news of the week up to the report when the lead tells it or it is told in the present
    perfect ("have been killed"); told later in the simple past, it is the context of that
    news: the four weeks up to the report ("recently")."""
    if _HABITUAL.search(before):
        return None
    news = lead or bool(_PERFECT.search(before))
    days = NEWS_DAYS if news else CONTEXT_DAYS
    latest = article.reference
    earliest = latest - timedelta(days=days)
    fuzzy = FuzzyDate(earliest, latest, precision_for_span(earliest, latest), approximate=True)
    what = "news of the week" if news else "context of the news: the four weeks"
    return Dated(
        fuzzy,
        "",
        DateBasis.REPORT,
        f"no date phrase and none to inherit: {what} up to the report ({fuzzy.display})",
    )


def continued(view: SentenceView, before: str, memory: Memory) -> Dated | None:
    """ "It also struck …" right after a dated sentence of its paragraph: that date."""
    previous = memory.previous
    if previous is None or not memory.follows(view.sentence, previous[0]):
        return None
    if not CONTINUES.search(before):
        return None
    earlier = previous[1]
    return Dated(
        earlier.fuzzy,
        earlier.phrase,
        DateBasis.PREVIOUS,
        f"no date phrase: continues the previous sentence, dated “{earlier.phrase}” "
        f"({earlier.fuzzy.display})",
    )


def present(before: str, word: str, article: ArticleContext) -> Dated | None:
    """ "Kurdish militias are assaulting Raqqa": under way on the day of the report."""
    near = re.split(r"[,;:—–]", before)[-1]
    done = _DONE_BEFORE.search(near) and not word.lower().endswith("ing")
    if not _PRESENT.search(near + word) or done:
        return None
    today = article.report_day()
    return Dated(
        today,
        "",
        DateBasis.REPORT,
        f"no date phrase: the present tense (“{clip(near.strip(), 40)} {word}”) reports it as "
        f"under way on the day of the report, {today.display}",
    )


def narrow_by_earlier(
    dated: list[tuple[Clause, Dated | None]],
) -> list[tuple[Clause, Dated | None]]:
    """ "A deal brokered in February … fell apart earlier this year": a period that holds an
    earlier-named date of the same sentence starts no earlier than it."""
    result = list(dated)
    for later_index in range(1, len(result)):
        clause, later = result[later_index]
        if later is None or later.kind != "period" or later.basis != DateBasis.PHRASE:
            continue
        for _earlier_clause, earlier in result[:later_index]:
            if earlier is None or earlier.basis != DateBasis.PHRASE:
                continue
            inner, outer = earlier.fuzzy, later.fuzzy
            if outer.earliest < inner.earliest <= outer.latest:
                narrowed = dataclasses.replace(outer, earliest=inner.earliest, display="")
                note = (
                    f"{later.note}; not before “{earlier.phrase}” ({inner.display}), which its "
                    "sentence names first"
                )
                result[later_index] = (
                    clause,
                    dataclasses.replace(later, fuzzy=narrowed, note=note),
                )
                break
    return result
