"""Text normalisation shared by alias lookups, stored texts, importers and ingestion."""

import hashlib
import re
import unicodedata

# Apostrophes, quotes and dashes that news text and transliterations use interchangeably.
_PUNCTUATION_FOLDS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u02bf": "'",
        "\u02be": "'",
        "`": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        # Letters NFKD does not decompose into a base letter plus an accent.
        "ı": "i",
        "İ": "I",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
    }
)
_WHITESPACE = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Return the lookup key for a name: case, accents, apostrophe style and spacing folded.

    "Shi‘ite", "Shi'ite" and "SHI’ITE" fold alike; so do "Raqqa" and "Raqqa " and "Raqqá".
    A missing name (None) folds to "": a model's clean() runs after its fields' checks have
    found the name missing, and says nothing more of it.
    """
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", stripped).strip().casefold()


def fingerprint(text: str) -> str:
    """sha256 of the text as stored (UTF-8), so a citation can be checked against a saved copy."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_newlines(text: str) -> str:
    """Line endings as '\\n': browsers send textareas with '\\r\\n', files come either way.

    A line ending is how a text travelled, not what its source said, so every stored text is
    normalised alike: excerpts then match their article verbatim, offsets count the same
    characters whoever typed them, and saving an untouched form changes nothing.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
