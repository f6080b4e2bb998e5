"""Words: jieba with a user dictionary of banking terms, so compounds stay whole.

The shipped `banking_terms.txt` holds words that must never be read as the shorter word inside
them (保险柜 is a safe, not 保险; 贷记卡 is a credit card, not 贷; 基金会 is a foundation, not 基金),
idioms that must stay one token (砸锅卖铁, 打官司), and the words customers use for our products.
A lexicon term then only matches on token boundaries (lexicon.py), which is what makes this work.

jieba's own dictionary is read without its cache file (no writes to the temporary directory) and
may be trimmed to its more frequent words: the full one costs about 100 MB in the worker and its
rare words (frequency under ~10) change neither segmentation of complaint text nor accuracy
measurably (bench/classification.py reports both).
"""

import io
import os
import warnings
from collections.abc import Iterable
from importlib.resources import files
from typing import NamedTuple

with warnings.catch_warnings():
    # jieba 0.42's source has invalid escape sequences ("\."): compiling it warns, and where
    # warnings are errors (our test run) the import would fail before any test.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba  # type: ignore[import-untyped]

BANKING_TERMS = "banking_terms.txt"
# Chosen by cross-validation on the training corpus and the memory it saves (see the bench).
DEFAULT_MIN_WORD_FREQUENCY = 10
# jieba's HMM guesses words missing from the dictionary; it costs a third of the time and the
# character n-grams already cover what it would find (chosen by cross-validation).
DEFAULT_HMM = False


class Token(NamedTuple):
    # A tuple, not a frozen dataclass: a long complaint has hundreds and each is built per read.
    text: str
    start: int
    end: int


def shipped_banking_terms() -> list[str]:
    text = files(__package__).joinpath(BANKING_TERMS).read_text(encoding="utf-8")
    return [line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _jieba_dictionary(min_frequency: int) -> io.BytesIO:
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, "rb") as source:
        kept = [line for line in source if int(line.split(b" ", 2)[1]) >= min_frequency]
    return io.BytesIO(b"".join(kept))


class Segmenter:
    """One jieba tokenizer of our own (the module-level one is global state other code may change)."""

    def __init__(
        self,
        *,
        extra_words: Iterable[str] = (),
        min_word_frequency: int = DEFAULT_MIN_WORD_FREQUENCY,
        hmm: bool = DEFAULT_HMM,
    ) -> None:
        self._hmm = hmm
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(_jieba_dictionary(min_word_frequency))
        tokenizer.initialized = True
        for word in [*shipped_banking_terms(), *extra_words]:
            # jieba's suggested frequency is the least that makes the word win over its parts.
            tokenizer.add_word(word)
        self._tokenizer = tokenizer

    def tokens(self, text: str) -> list[Token]:
        return list(map(Token._make, self._tokenizer.tokenize(text, HMM=self._hmm)))

    def is_word(self, text: str) -> bool:
        """A word of the dictionary (not just the prefix of one)."""
        return int(self._tokenizer.FREQ.get(text, 0)) > 0
