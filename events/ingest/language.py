"""Which language an article is written in, from a model that ships inside its package."""

import re
from dataclasses import dataclass
from functools import lru_cache

# The languages the reading rules are written for.
READ_LANGUAGES = frozenset({"en"})
# Below this confidence the identifier is guessing; Latin-script text is then taken as English
# (names and numbers make short news lines hard to place), anything else as undetermined.
MIN_CONFIDENCE = 0.5
UNDETERMINED = "und"
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class DetectedLanguage:
    code: str
    confidence: float

    @property
    def readable(self) -> bool:
        return self.code in READ_LANGUAGES


@lru_cache(maxsize=1)
def _identifier():
    # py3langid's model (a few MB, inside the package) loads once per process, in ~0.5 s.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> DetectedLanguage:
    """The BCP 47 code of the language text is written in, with the identifier's confidence."""
    letters = _LETTER.findall(text)
    if not letters:
        return DetectedLanguage(UNDETERMINED, 0.0)
    code, confidence = _identifier().classify(text)
    if confidence >= MIN_CONFIDENCE:
        return DetectedLanguage(code, float(confidence))
    latin = sum(1 for letter in letters if letter.isascii()) / len(letters)
    return DetectedLanguage("en" if latin > 0.9 else UNDETERMINED, float(confidence))
