"""How close a short text is in meaning to intents described by words and example sentences.

Shared by the offline planner (a request -> the sections that answer it) and the
scenario checks (a criterion line -> the checks that judge it). An intent is a
name, a vocabulary (words and phrases that point to it) and example sentences;
a text scores against each intent by its nearest example (TF-IDF cosine over
word stems and stem pairs) plus the vocabulary it uses. Words are stemmed with
Snowball (`snowballstemmer`); everyday phrasings ("roll it back", "heads-up",
"on call") are folded to one token first. Hand-written because what it needs is
small (a nearest-example scorer over a few hundred sentences) and the libraries
that do more bring numpy onto the planning path.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final

import snowballstemmer  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# Words that carry no intent. Question words stay: "how" and "when" tell a
# procedure from a trigger.
_STOPWORD_TEXT: Final = (
    "a an the and or of to in on for at by with from as is are be been being was were am do "
    "does did done we our us you your i me my it its this that these those there their they "
    "them he she his her so if then than please can could would should will shall may might "
    "must just also really actually ok okay let lets let's me give show some any all "
    "about into up out over more most very quite bit need needs want like get got have has "
    "had going go not no without"
)
_STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())
# Kept as terms, but never what makes a word distinctive of one intent.
_QUESTION_WORDS: Final = ("how", "what", "when", "who", "which", "where", "whi")
# Phrases folded to one token before stemming, so every wording of a notion meets.
_PHRASES: Final = (
    (r"\broll(?:ing|ed|s)?\s+(?:it\s+|this\s+|that\s+|everything\s+)?back\b", " rollback "),
    (r"\broll\s*-?\s*backs?\b", " rollback "),
    (r"\bback(?:ing|ed)?\s+(?:it\s+|this\s+|that\s+)?out\b", " backout "),
    (r"\bgo(?:ing)?\s+back\b", " goback "),
    (r"\broll(?:ing|ed|s)?\s+(?:it\s+|this\s+)?out\b", " rollout "),
    (r"\btell\s+(?:me|us)\b", " "),
    (
        r"\b(?:did|do|have|can)\s+you\s+(?:read|find|found|see|get|got|know|understand|pick|parse)",
        " youread ",
    ),
    (r"\bon\s*-?\s*call\b", " oncall "),
    (r"\b(?:low|medium|high)[\s-]+risk\s+(?=change|feature|release|rollout|migration)", " "),
    (r"\b(?:break|split|divide|cut)\s+(?:\w+\s+){0,3}?(?:down|into|up)\b", " split "),
    (r"\bheads?\s*-?\s*ups?\b", " headsup "),
    (r"\bsign\s*-?\s*off\b", " signoff "),
    (r"\bgo\s*/\s*no\s*-?\s*go\b", " gonogo "),
    (r"\bgo\s*-?\s*live\b", " golive "),
    (r"\bwrite\s*-?\s*up\b", " writeup "),
    (r"\bkill\s*-?\s*switch\b", " killswitch "),
    (r"\bpull\s+the\s+plug\b", " abort "),
    (r"\bhit\s+the\s+brakes?\b", " abort "),
    (r"\bstep\s*-?\s*by\s*-?\s*step\b", " stepbystep "),
    (r"\bfalse\s+(?:alarms?|positives?)\b", " falsealarm "),
    (r"\bdry\s*-?\s*run\b", " simulate "),
    (r"\bmonte\s*-?\s*carlo\b", " simulate "),
    (r"\b100\s*(?:%|percent\b|per\s*cent\b)", " fullshare "),
    (r"\bper\s*cent\b|\bpercentages?\b|%", " percent "),
    (r"\bp\s*(?:50|95|99)\b", " latency "),
    (r"\bin\s+the\s+loop\b", " informed "),
    (r"\bkeep\s+(?:\w+\s+)?posted\b", " informed "),
    (r"\bkeep\s+(?:an\s+)?eyes?\s+on\b|\bkeep\s+tabs\s+on\b", " watch "),
    (r"\bwake\s+(?:\w+\s+)?up\b", " page "),
    (r"\bthe\s+old\s+(?:one|version|processor|provider|system)\b", " previous "),
)
_COMPILED_PHRASES: Final = tuple((re.compile(p, re.IGNORECASE), t) for p, t in _PHRASES)
_WORD: Final = re.compile(r"[a-z0-9]+")


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@cache
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def terms(text: str) -> list[str]:
    """Return the text's stems in order: phrases folded, stop words dropped."""
    folded = text.lower().replace("'", "")
    for pattern, token in _COMPILED_PHRASES:
        folded = pattern.sub(token, folded)
    words = [w for w in _WORD.findall(folded) if w not in _STOPWORDS and not w.isdigit()]
    return [stem for stem in map(_stem, words) if stem not in _STOPWORDS]


def features(text: str) -> Counter[str]:
    """Stems and neighbouring stem pairs, counted."""
    stems = terms(text)
    counted = Counter(stems)
    counted.update(f"{a}_{b}" for a, b in itertools.pairwise(stems))
    return counted


@dataclass(frozen=True)
class Intent:
    """What a text may mean: a name, the words that point to it, sentences that say it."""

    name: str
    vocabulary: tuple[str, ...]
    """Words or phrases; a phrase counts when all its stems are in the text."""
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """How well a text matches one intent, and the example nearest to it."""

    name: str
    value: float
    """0 (nothing in common) to about 1 (an example said again)."""
    nearest: str
    """The closest example sentence (or the vocabulary word that matched best)."""
    vocabulary: float = 0.0
    """The part of `value` that comes from the intent's vocabulary (0 when it uses none)."""
    distinctive: bool = False
    """The text uses a vocabulary word no other intent's vocabulary has."""


# Shares of a score: the nearest example, the vocabulary used, the word-by-word posterior.
EXAMPLE_WEIGHT: Final = 0.35
VOCABULARY_WEIGHT: Final = 0.35
POSTERIOR_WEIGHT: Final = 1 - EXAMPLE_WEIGHT - VOCABULARY_WEIGHT
# A vocabulary word counts as this many example words in the word-by-word model.
_VOCABULARY_COUNT: Final = 2.0
_SMOOTHING: Final = 0.1


class Matcher:
    """Scores texts against a fixed set of intents.

    Args:
        intents: the intents, in the order ties are broken.
    """

    def __init__(self, intents: Sequence[Intent]) -> None:
        self.intents = tuple(intents)
        documents = [(i.name, e, features(e)) for i in self.intents for e in i.examples]
        frequency: Counter[str] = Counter()
        for _, _, found in documents:
            frequency.update(set(found))
        total = max(len(documents), 1)
        self._idf = {
            key: math.log((1 + total) / (1 + count)) + 1 for key, count in frequency.items()
        }
        self._default_idf = math.log(1 + total) + 1
        self._examples: dict[str, list[tuple[str, dict[str, float], float]]] = {}
        for name, example, found in documents:
            vector = self._vector(found)
            self._examples.setdefault(name, []).append((example, vector, _norm(vector)))
        self._vocabulary = {
            i.name: [(word, frozenset(terms(word))) for word in i.vocabulary if terms(word)]
            for i in self.intents
        }
        self._word_counts: dict[str, dict[str, float]] = {}
        for intent in self.intents:
            counted: dict[str, float] = {}
            for example in intent.examples:
                for stem in set(terms(example)):
                    counted[stem] = counted.get(stem, 0.0) + 1
            for _, needed in self._vocabulary[intent.name]:
                for stem in needed:
                    counted[stem] = counted.get(stem, 0.0) + _VOCABULARY_COUNT
            self._word_counts[intent.name] = counted
        self._words = {w for c in self._word_counts.values() for w in c}
        owners: Counter[str] = Counter(_QUESTION_WORDS)
        for listed in self._vocabulary.values():
            owners.update({stem for _, needed in listed for stem in needed})
        phrases: Counter[frozenset[str]] = Counter()
        for listed in self._vocabulary.values():
            phrases.update({needed for _, needed in listed})
        # What only this intent's vocabulary says: a word of its own, or a phrase of its own.
        self._distinctive = {
            name: [
                needed
                for _, needed in listed
                if any(owners[s] == 1 for s in needed) or (len(needed) > 1 and phrases[needed] == 1)
            ]
            for name, listed in self._vocabulary.items()
        }

    def _vector(self, found: Counter[str]) -> dict[str, float]:
        return {
            k: (1 + math.log(v)) * self._idf.get(k, self._default_idf) for k, v in found.items()
        }

    def scores(self, text: str) -> list[Score]:
        """Every intent's score for `text`, best first (ties in intent order)."""
        found = features(text)
        vector = self._vector(found)
        norm = _norm(vector)
        stems = set(terms(text))
        posterior = self._posterior(stems)
        results = []
        for position, intent in enumerate(self.intents):
            best, nearest = 0.0, ""
            for example, other, other_norm in self._examples.get(intent.name, []):
                similarity = _cosine(vector, norm, other, other_norm)
                if similarity > best:
                    best, nearest = similarity, example
            hits = [word for word, needed in self._vocabulary[intent.name] if needed <= stems]
            weight = sum(len(self._stems_of(word)) for word in hits)
            vocabulary = 1 - math.exp(-1.5 * weight)
            value = (
                EXAMPLE_WEIGHT * best
                + VOCABULARY_WEIGHT * vocabulary
                + POSTERIOR_WEIGHT * posterior.get(intent.name, 0.0)
            )
            shown = nearest or _first(hits)
            own = any(needed <= stems for needed in self._distinctive[intent.name])
            score = Score(intent.name, value, shown, VOCABULARY_WEIGHT * vocabulary, own)
            results.append((value, -position, score))
        results.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [score for _, _, score in results]

    def _posterior(self, stems: set[str]) -> dict[str, float]:
        """P(intent | the text's known words) under a smoothed word-by-word model."""
        known = [s for s in stems if s in self._words]
        if not known:
            return {}
        logs = {}
        size = len(self._words)
        for name, counted in self._word_counts.items():
            total = sum(counted.values())
            logs[name] = sum(
                math.log((counted.get(s, 0.0) + _SMOOTHING) / (total + _SMOOTHING * size))
                for s in known
            )
        top = max(logs.values())
        weights = {name: math.exp(value - top) for name, value in logs.items()}
        whole = sum(weights.values())
        return {name: weight / whole for name, weight in weights.items()}

    def _stems_of(self, word: str) -> frozenset[str]:
        return frozenset(terms(word))


def _first(words: Iterable[str]) -> str:
    return next(iter(words), "")


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: dict[str, float], a_norm: float, b: dict[str, float], b_norm: float) -> float:
    if not a_norm or not b_norm:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(v * large.get(k, 0.0) for k, v in small.items()) / (a_norm * b_norm)
