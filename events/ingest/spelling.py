"""Transliterations folded: Raqqa ~ Raqa ~ Al-Raqqah, Deir ez-Zor ~ Dayr az Zawr, Idlib ~ Idleb."""

# Arabic names reach English text in many spellings: articles assimilated or dropped (al-, ar-,
# ez-), long vowels doubled or not (ee, ou), a final h or not, q or k, letters doubled or single.
# The key keeps what the spellings agree on: each word's consonants in order, its first letter
# whatever it is, and how many vowel groups (syllables) it has, so "Homs" (hms, 1) and "Hamas"
# (hms, 2) stay apart. A key is a second chance for a capitalised name no exact name matched.

import re
from functools import lru_cache

from events.text import fold

# Definite articles as transliterations write them, alone or before a hyphen.
_ARTICLE_WORDS = "al el il ul ar er as es ash esh at et ad ed az ez an en adh ath aal"
_ARTICLES = frozenset(_ARTICLE_WORDS.split())
_DIGRAPHS = (("dh", "z"), ("th", "t"), ("gh", "g"), ("kh", "k"), ("ph", "f"), ("q", "k"))
_VOWELS = "aeiouyw"
# "Deir" and "Dayr" (a monastery, in many place names) agree on their consonants already.
_ASSIMILATED = re.compile(r"^[ae]([dlnrstz])\1")


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|az|ez|an|at) (?=\S)")


def plain_key(folded: str) -> str:
    """A folded name without apostrophes, hyphens or a leading article: "al-Bab" and "Al Bāb"
    (folded) are both "bab", where a spelling key is too short to be safe."""
    plain = re.sub(r"[-\s]+", " ", re.sub(r"['’‘ʿʾ`]", "", folded)).strip()
    return _LEADING_ARTICLE.sub("", plain)


def spelling_key(name: str) -> str:
    """The key transliterations of name share; "" for a name too short to key safely."""
    return folded_spelling_key(fold(name))


@lru_cache(maxsize=65536)
def folded_spelling_key(folded: str) -> str:
    """spelling_key of a name already folded by events.text.fold."""
    words = [w for w in re.split(r"[\s\-]+", re.sub(r"['’ʿʾ`.]", "", folded)) if w]
    keyed = []
    for position, word in enumerate(words):
        if word in _ARTICLES and position < len(words) - 1:
            continue
        if position > 0 and _ASSIMILATED.match(word):
            # "Deir Ezzor": an article run into its noun.
            word = word[2:]
        keyed.append(_word_key(word))
    key = " ".join(k for k in keyed if k)
    # A name of one or two letters ("IS", "US", "UN") is an abbreviation, spelled one way: its
    # key would join it to every other ("IS" and "US" both key as a vowel and an s).
    letters = sum(len(word) for word in words)
    return key if len(key.replace(" ", "")) >= 3 and letters >= 3 else ""


def _word_key(word: str) -> str:
    if not word.isalpha():
        return word
    if len(word) > 3 and word.endswith("h") and word[-2] in _VOWELS:
        word = word[:-1]
    for digraph, single in _DIGRAPHS:
        word = word.replace(digraph, single)
    syllables = len(re.findall(f"[{_VOWELS}]+", word[1:] if word[0] in _VOWELS else word))
    if word[0] in _VOWELS:
        syllables += 1
    # An initial vowel is kept as a vowel, whichever: "Afrin" ~ "Efrin", "Idlib" ~ "Edlib".
    first = "V" if word[0] in _VOWELS else word[0]
    consonants = re.sub(r"(.)\1+", r"\1", first + re.sub(f"[{_VOWELS}]", "", word[1:]))
    return f"{consonants}{syllables}"
