"""An article's text cannot change under the excerpts its citations quote: not by an edit,
not by a revert, and the refusal names the text field."""

import pytest
from django.core.exceptions import ValidationError

from events import validators
from events.models import EventSource
from tests.browser_form import opened
from tests.factories import ArticleFactory, EventSourceFactory
from tests.test_admin_concurrency import _save, ed  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_model_refuses_a_text_that_no_longer_holds_a_citation():
    article = ArticleFactory(text="Rebels said government forces shelled the town on Sunday.")
    source = EventSourceFactory(article=article, excerpt="government forces shelled the town")
    article.text = "Rebels said nothing happened on Sunday."
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    message = refused.value.message_dict["text"][0]
    assert f"event #{source.event_id}" in message and "government forces shelled" in message


def test_a_text_that_still_holds_every_citation_where_it_stands_is_accepted():
    text = "Rebels said government forces shelled the town on Sunday."
    article = ArticleFactory(text=text)
    EventSourceFactory(article=article, excerpt="government forces shelled the town")
    article.text = text + " More was reported later."
    article.full_clean()  # the excerpt still stands at its offset


def test_a_text_that_moves_a_citation_is_refused():
    """The excerpt still occurs, but not where the citation says it stands."""
    text = "Rebels said government forces shelled the town on Sunday."
    article = ArticleFactory(text=text)
    excerpt = "government forces shelled the town"
    EventSourceFactory(article=article, excerpt=excerpt, excerpt_start=text.index(excerpt))
    article.text = "Earlier, " + text
    with pytest.raises(ValidationError):
        article.full_clean()


def test_the_text_of_a_cited_article_cannot_be_changed_under_its_excerpts(ed):  # noqa: F811
    """Excerpts must stay verbatim article text (data-model.md): the article admin lets an
    editor rewrite the text every excerpt of it quotes."""
    article = ArticleFactory(text="Rebels said government forces shelled the town on Sunday.")
    source = EventSourceFactory(article=article, excerpt="government forces shelled the town")
    form = opened(ed, article)
    ed.raise_request_exception = False
    response = _save(ed, article, form, text="Rebels said nothing happened on Sunday.")
    assert response.status_code != 500  # a form error naming the field, not a server error
    article.refresh_from_db()
    source = EventSource.objects.get(pk=source.pk)
    # Either the change is refused, or every excerpt still stands verbatim where it says.
    assert response.status_code == 200 or source.excerpt in article.text, article.text
    validators.locate_excerpt(article.text, source.excerpt, source.excerpt_start)


def test_reverting_an_article_never_leaves_its_excerpts_quoting_text_it_no_longer_holds(ed):  # noqa: F811
    """History revert is an edit 'checked the same way' (editors-guide.md); here the article's
    text goes back to a version that no longer holds what its citations quote."""
    from django.urls import reverse

    from tests.browser_form import submitted

    article = ArticleFactory(text="A first draft of the report.")
    first = article.history.earliest("history_date")
    article.text = "Rebels said government forces shelled the town on Sunday."
    article.save()
    source = EventSourceFactory(article=article, excerpt="government forces shelled the town")
    url = reverse("admin:events_article_simple_history", args=[article.pk, first.history_id])
    page = ed.get(url)
    assert page.status_code == 200
    form = submitted(page.content.decode(), "historicalarticle_form")
    ed.raise_request_exception = False
    response = ed.post(url, form)
    assert response.status_code != 500
    article.refresh_from_db()
    source = EventSource.objects.get(pk=source.pk)
    assert source.excerpt in article.text, (response.status_code, article.text)
