"""One form for every complaint: NFKC, casefolded, Simplified, with invisible characters removed.

Everything downstream (segmentation, lexicon, model, flag detectors, branches) reads this form
only, so a Traditional or full-width complaint meets the same words as a Simplified one.
"""

import re
import unicodedata
from dataclasses import dataclass

import opencc

# Zero-width and bidi controls that input methods and copy-paste leave behind: they would split a
# word in two without being visible.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[^\W\d_]")


class Normaliser:
    """Holds the OpenCC converter (built once: it loads its dictionaries from disk)."""

    def __init__(self) -> None:
        # t2s (not tw2sp / hk2s): the complaints are Mainland banking text now and then typed or
        # pasted in Traditional characters; regional phrase conversion would rewrite words we keep.
        self._t2s = opencc.OpenCC("t2s")

    def normalise(self, text: str) -> str:
        # NFKC folds full-width letters, digits and punctuation (ＡＴＭ, １２３, ！) to their
        # ordinary forms; casefold makes English case-insensitive; t2s makes 帳單 and 账单 one word.
        folded = unicodedata.normalize("NFKC", text).casefold()
        folded = _SPACES.sub(" ", _INVISIBLE.sub("", folded))
        simplified = str(self._t2s.convert(folded)).strip()
        # t2s turns 帳 into 帐, an older form: in a bank's words it is 账 (账单, 账户, 转账), and the
        # Simplified complaints write 账. Tents and mosquito nets keep theirs.
        return simplified.replace("帐", "账").replace("账篷", "帐篷").replace("蚊账", "蚊帐")


@dataclass(frozen=True)
class Script:
    """How much of a text is in a script we have words and a model for (Chinese, English)."""

    han: int
    latin_letters: int
    other_letters: int

    @property
    def readable(self) -> bool:
        """False for empty, emoji-only, digits-only and other-language text: nothing to classify.

        A few Latin letters among Cyrillic or Thai do not make a text English: at least two
        Chinese characters, or a dozen English letters that outnumber the other letters.
        """
        if self.han >= 2:
            return True
        return self.latin_letters >= 12 and self.latin_letters > 2 * self.other_letters


def script_of(normalised: str) -> Script:
    han = len(_HAN.findall(normalised))
    latin = len(_LATIN_LETTER.findall(normalised))
    letters = len(_LETTER.findall(normalised))
    return Script(han=han, latin_letters=latin, other_letters=max(letters - han - latin, 0))


def has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None
