"""What a browser would submit for a form of a rendered page: the tests' stand-in for a user."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = self._select = None
        self._option_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None, None]  # name, selected, first option
        elif tag == "option" and self._select is not None:
            self._option_value = attrs.get("value", "")
            if self._select[2] is None:
                self._select[2] = self._option_value
            if "selected" in attrs:
                self._select[1] = self._option_value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline that follows <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, selected, first = self._select
            value = selected if selected is not None else first
            if value is not None:
                self.fields.append((name, value))
            self._select = None


def submitted(html: str, form_id: str) -> dict[str, str]:
    """The name → value pairs a browser posts for the form, line endings as CRLF (browsers
    normalise every submitted value so); template rows (__prefix__) left out."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {
        name: value.replace("\r\n", "\n").replace("\n", "\r\n")
        for name, value in reader.fields
        if "__prefix__" not in name
    }


def change_url(obj) -> str:
    """The admin change page of a record."""
    from django.urls import reverse

    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def opened(client, obj) -> dict[str, str]:
    """The record's admin change form as the browser holds it after loading the page."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return submitted(response.content.decode(), f"{obj._meta.model_name}_form")
