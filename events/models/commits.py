"""Commit counters: a number per audience that moves after each committed write it may see."""

from django.db import models


class CommitCounter(models.Model):
    """How many write transactions have committed that this audience's responses may show.

    Moved by events.commits after each commit, so in commit order: a reader that sees a new
    value also sees the write it counts, whichever write took its ids first.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", "anonymous readers (published events)"
        EVERYONE = "everyone", "signed-in editors (every status)"

    audience = models.CharField(max_length=8, choices=Audience.choices, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.audience}: {self.value}"
