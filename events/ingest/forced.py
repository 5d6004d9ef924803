"""A draft an editor asks for: a skipped sentence proposed as an event all the same."""

from datetime import timedelta

from events.dates import FuzzyDate, precision_for_span
from events.ingest.clauses import Clause
from events.ingest.context import ArticleContext, Dated, Memory
from events.ingest.dating import continued, own_date, present
from events.ingest.drafts import ProposalDraft
from events.ingest.proposals import propose
from events.ingest.view import SentenceView
from events.ingest.vocabulary import Domain, Trigger, pick
from events.models import DateBasis

# The type of a sentence with no event word: ACLED's catch-all, for the editor to refine.
OTHER = "other-strategic-development"
# An undated report speaks of something recent: the four weeks before it, approximately.
RECENT_DAYS = 28


def forced_proposal(
    view: SentenceView, memory: Memory, article: ArticleContext
) -> tuple[ProposalDraft, Dated]:
    """The whole sentence as one event: its first event word (even one reading set aside),
    its own date phrase, the date it continues, or the weeks before the report."""
    trigger = pick(list(view.words)) or Trigger(OTHER, 0, 0, "", Domain.CIVIL, 99)
    phrase = next((p for p in view.phrases if p.resolved and not p.reporting), None)
    clause = Clause([(0, len(view.text))], phrase, [trigger])
    when = (
        own_date(phrase, article)
        or continued(view, view.text[: trigger.start], memory)
        or present(view.text[: trigger.start], trigger.text, article)
        or _recent(article)
    )
    return propose(view, clause, trigger, when, memory, article), when


def _recent(article: ArticleContext) -> Dated:
    latest = article.reference
    earliest = latest - timedelta(days=RECENT_DAYS)
    fuzzy = FuzzyDate(earliest, latest, precision_for_span(earliest, latest), approximate=True)
    return Dated(
        fuzzy,
        "",
        DateBasis.REPORT,
        f"no date in the text: drafted at an editor's request with the four weeks up to the "
        f"report ({fuzzy.display}); set the date from what you know",
    )
