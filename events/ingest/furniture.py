"""Page furniture copied with an article (headings, bylines, related links, tags, footers)."""

# Set aside before reading: a related-links line ("… Talks in Moscow Can Begin January 22")
# is no report of talks in Moscow, and a byline names no actor. Each line of the text is judged
# alone; nothing is removed from the stored text, the lines are only not read for events.

import re
from dataclasses import dataclass

_BYLINE = re.compile(
    r"^\(?(?:by|written\s+by|(?:additional\s+)?reporting\s+by|writing\s+by|edit(?:ed|ing)\s+by"
    r"|compiled\s+by|story\s+by)\s+[A-Z]",
    re.IGNORECASE,
)
_TAGS = re.compile(r"^(?:tags?|topics?|keywords?|filed\s+under|categor(?:y|ies))\s*:", re.I)
_LINKS = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|see\s+also|related(?:\s+(?:articles?|stories"
    r"|coverage|news|content|posts?))?|recommended(?:\s+for\s+you)?|more\s+(?:from|on|stories)"
    r"|most\s+(?:read|popular|viewed)|you\s+may\s+(?:also\s+)?like|trending|latest\s+news"
    r"|continue\s+reading|click\s+here|watch(?:\s+video)?|video)\b",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"copyright|©|all\s+rights\s+reserved|share\s+(?:this|on)\b|click\s+to\s+(?:share|email"
    r"|print)|follow\s+us\b|subscribe\b|sign\s+up\b|newsletter|leave\s+a\s+(?:comment|reply)"
    r"|comments?\s*\(\d+\)|^advertisement$|^print$|^email$|terms\s+of\s+(?:use|service)"
    r"|privacy\s+policy",
    re.IGNORECASE,
)
_PHOTO = re.compile(
    r"^(?:photo|image|picture|file\s+photo|caption)\s*[:/(]|getty\s+images|\bafp\s+photo\b"
    r"|^\(?(?:reuters|afp|ap|anadolu)\s*/",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(
    r"^(?:published|updated|last\s+updated|posted(?:\s+on)?|first\s+published|date)\s*:?\s+"
    r"(?:on\s+)?\S*\d",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"^(?:\S*(?:https?://|www\.)\S*\s*)+$", re.IGNORECASE)
# Short lines only: a long line that mentions a newsletter is a paragraph of the report.
_SHORT = 140
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# Small words a title-case heading leaves in lower case ("Killed in One Week").
_SMALL_WORDS = frozenset(
    [
        *("a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from"),
        *("by", "with", "as", "vs", "via", "into", "over", "after"),
    ]
)


@dataclass(frozen=True)
class Furniture:
    """A line of the text that is page furniture, and what kind."""

    start: int
    end: int
    what: str


def find_furniture(text: str) -> list[Furniture]:
    """The lines of text that are page furniture, each with what it is."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        what = furniture_kind(line.group().strip())
        if what:
            found.append(Furniture(line.start(), line.end(), what))
    return found


# "(For graphic on IS convoy to move, click tmsnrt.rs/2wlya8V)": a bracketed pointer to
# something else inside a paragraph.
_POINTER = re.compile(
    r"^\((?:[^()]*\b(?:click|graphic|photo|video|see\s+also|read\s+more)\b[^()]*)\)$", re.I
)


def furniture_kind(line: str, *, inline: bool = False) -> str:
    """What kind of page furniture a line is, or "" for a line of the report; inline: judge
    a sentence inside a paragraph, where only a bracketed pointer is furniture."""
    if not line:
        return ""
    if inline:
        return "a pointer to a graphic or link" if _POINTER.match(line.strip()) else ""
    if _ADDRESS.match(line):
        return "a web address"
    if len(line) > _SHORT:
        return ""
    for pattern, what in (
        (_BYLINE, "a byline"),
        (_TAGS, "tags"),
        (_LINKS, "a related-links line"),
        (_TIMESTAMP, "a timestamp"),
        (_PHOTO, "a photo credit"),
        (_FOOTER, "share buttons or a footer"),
    ):
        if pattern.search(line):
            return what
    return "a heading" if is_heading(line) else ""


def is_heading(line: str) -> bool:
    """A line set in title case without a closing stop ("Turkish Offensive Drives Out IS")."""
    if line.rstrip().endswith((".", "?", "!", "”", '"', ":")):
        return False
    words = _WORD.findall(line)
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(content) < 2 or len(words) > 20:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.75


def masked(text: str, furniture: list[Furniture]) -> str:
    """text with its furniture blanked out (same length), for finding names in the report."""
    if not furniture:
        return text
    chars = list(text)
    for item in furniture:
        chars[item.start : item.end] = " " * (item.end - item.start)
    return "".join(chars)


def covering(furniture: list[Furniture], start: int, end: int) -> Furniture | None:
    """The furniture line a stretch of text lies in, if any."""
    return next((f for f in furniture if f.start <= start and end <= f.end), None)
