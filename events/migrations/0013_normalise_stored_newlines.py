"""Stored texts with '\\r\\n' or '\\r' line endings (admin textareas sent them) get '\\n', as every
write now stores them; articles get their fingerprint again and their excerpts' offsets moved."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

from events.text import fingerprint, normalise_newlines

# The text fields events.fields normalises, by model (history tables alike).
TEXT_FIELDS = {
    "event": ["headline", "summary", "date_display"],
    "eventsource": ["excerpt", "attributed_to", "date_phrase", "date_resolution"],
    "eventrelation": ["note"],
    "actor": ["name", "description"],
    "actoralias": ["name"],
    "actormembership": ["note"],
    "location": ["name"],
    "locationalias": ["name"],
    "eventtype": ["name", "description"],
    "article": ["title", "outlet", "original_agency", "publication_date_note"],
}


def _normalised(field: str):
    return Replace(Replace(F(field), Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))


def normalise(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        for name in (model_name, f"historical{model_name}"):
            try:
                model = apps.get_model("events", name)
            except LookupError:
                continue  # Not every model keeps history.
            for field in fields:
                # One scan per column; only rows holding a '\r' are written.
                model._base_manager.filter(**{f"{field}__contains": "\r"}).update(
                    **{field: _normalised(field)}
                )
    _normalise_articles(apps)


def _normalise_articles(apps) -> None:
    Article = apps.get_model("events", "Article")
    EventSource = apps.get_model("events", "EventSource")
    for article in Article._base_manager.filter(text__contains="\r").iterator():
        old_text = article.text
        text = normalise_newlines(old_text)
        digest = fingerprint(text)
        if Article._base_manager.filter(sha256=digest).exclude(pk=article.pk).exists():
            # The same text is stored already with other line endings: keep this copy as it
            # is rather than break the uniqueness of texts (an editor merges them).
            continue
        Article._base_manager.filter(pk=article.pk).update(text=text, sha256=digest)
        for source in EventSource._base_manager.filter(article_id=article.pk):
            excerpt = normalise_newlines(source.excerpt)
            start = source.excerpt_start
            if start is not None:
                start = len(normalise_newlines(old_text[:start]))
                if text[start : start + len(excerpt)] != excerpt:
                    start = text.find(excerpt)
                    start = None if start < 0 else start
            EventSource._base_manager.filter(pk=source.pk).update(
                excerpt=excerpt,
                excerpt_start=start,
                excerpt_end=None if start is None else start + len(excerpt),
            )
    HistoricalArticle = apps.get_model("events", "HistoricalArticle")
    HistoricalArticle._base_manager.filter(text__contains="\r").update(text=_normalised("text"))


class Migration(migrations.Migration):
    dependencies = [("events", "0012_record_versions")]

    # Going back leaves the '\n' line endings: they are what the texts say.
    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
