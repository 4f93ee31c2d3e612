"""Captions for the text-conditioned sequence task: one fixed word vocabulary shared by the
data generators (training) and the models (inference).

A caption becomes a fixed-length row of token ids (0 = padding). Words the vocabulary lacks
raise InputError with the vocabulary listed, so a user learns what the models understand.
Structure words ("the", "is", "a", ...) are kept: the bottleneck sees the whole sentence.
"""

from __future__ import annotations

import re

from animators.core.base import InputError

DIGIT_WORDS = tuple(str(d) for d in range(10))
MOTION_WORDS = ("up", "down", "left", "right")
SPEED_WORDS = ("slowly", "quickly")
SHAPES = ("circle", "square", "triangle", "star", "diamond")
COLORS = ("red", "green", "blue", "yellow", "white", "purple")
STRUCTURE = ("the", "a", "an", "digit", "digits", "is", "are", "moving", "and", "then")
PEOPLE = ("person", "walking")

VOCABULARY: tuple[str, ...] = (
    ("<pad>",) + STRUCTURE + DIGIT_WORDS + MOTION_WORDS + SPEED_WORDS + SHAPES + COLORS + PEOPLE
)
WORD_TO_ID = {word: index for index, word in enumerate(VOCABULARY)}
MAX_WORDS = 12


def words(caption: str) -> list[str]:
    """Lower-case words of a caption; punctuation is ignored ("Digit 3, moving up!")."""
    return re.findall(r"[a-z0-9]+", str(caption).lower())


def tokenize(caption: str, length: int = MAX_WORDS) -> list[int]:
    """Caption -> `length` token ids (right-padded with 0).

    Raises InputError for an empty caption, unknown words (listing the vocabulary) or a
    caption longer than `length` words.
    """
    found = words(caption)
    if not found:
        raise InputError("Write a caption, e.g. 'the digit 3 is moving up and down'.")
    unknown = sorted({word for word in found if word not in WORD_TO_ID})
    if unknown:
        known = ", ".join(VOCABULARY[1:])
        raise InputError(
            f"Unknown word{'s' if len(unknown) > 1 else ''} {', '.join(repr(w) for w in unknown)}; "
            f"the models know: {known}."
        )
    if len(found) > length:
        raise InputError(f"The caption has {len(found)} words; use at most {length}.")
    return [WORD_TO_ID[word] for word in found] + [0] * (length - len(found))
