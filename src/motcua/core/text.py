"""Vietnamese text helpers."""

import re
import unicodedata
from decimal import Decimal

_SPACES = re.compile(r"\s+")


def vn_fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, đ → d included.

    Unicode decomposition removes tone and vowel marks but leaves đ/Đ, which is a letter of
    its own (and SQLite's FTS5 keeps it too), so it is folded by hand: "Đăng ký đất đai" →
    "dang ky dat dai".
    """
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str) -> list[str]:
    """The folded words of a search query, in order, without punctuation."""
    return re.findall(r"[\w.]+", vn_fold(query))


def vn_number(value) -> str:
    """A number the Vietnamese way: no trailing zeros, decimal comma ("0,5", "24")."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")
