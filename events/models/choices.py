"""The vocabularies that several models share: event status, actor roles, date basis."""

from django.db import models


class EventStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    REVIEW = "review", "in review"
    PUBLISHED = "published", "published"
    RETRACTED = "retracted", "retracted"


class ActorRole(models.TextChoices):
    SIDE_A = "side_a", "side A"
    SIDE_B = "side_b", "side B"
    ASSOCIATED_A = "associated_a", "associated with side A"
    ASSOCIATED_B = "associated_b", "associated with side B"
    PERPETRATOR = "perpetrator", "perpetrator"
    TARGET = "target", "target"
    PARTICIPANT = "participant", "participant"
    MEDIATOR = "mediator", "mediator"
    SUPPORTER = "supporter", "supporter"
    SPEAKER = "speaker", "speaker / source of a statement"


# The two opposing sides of an event, each with every role on it: a perpetrator acts from side
# A and its target is on side B (as ACLED's actor1/actor2 and the ingestion's associates read
# them). A participant, mediator, supporter or speaker is on neither.
SIDES = (
    (ActorRole.SIDE_A, ActorRole.ASSOCIATED_A, ActorRole.PERPETRATOR),
    (ActorRole.SIDE_B, ActorRole.ASSOCIATED_B, ActorRole.TARGET),
)


class DateBasis(models.TextChoices):
    """Where a machine-proposed date comes from (article ingestion)."""

    PHRASE = "phrase", "its own date phrase"
    FUTURE = "future", "its own date phrase, read forward: planned or announced"
    SENTENCE = "sentence", "the date phrase of another clause of its sentence"
    PREVIOUS = "previous", "the date of the previous sentence of its paragraph"
    REPORT = "report", "the day of the report (present tense or an undated statement)"
