"""Runs of text in another script, for print: their direction and, where the script tells, language.

A passage in Arabic or Hebrew inside an English sentence is one right-to-left run, isolated from
its neighbours (Unicode isolates, RLI ... PDI): punctuation, numbers and note references next to it keep their left-to-right
places (without that, the Unicode bidi algorithm may pull a following "(28 Dec)" or "Source 3, ¶4"
into the Arabic run and print it reversed). Each run also says its language where the script
names one (Greek ``el``, Arabic ``ar``, Hebrew ``he``, Chinese ``zh``, Japanese ``ja`` when kana
occur, Korean ``ko``, Ukrainian ``uk`` when letters only Ukrainian uses occur), for hyphenation,
line breaking and the PDF's language tags; other text stays in the book's English.
"""

from __future__ import annotations

import re
import unicodedata

# Any letter outside Latin: the quick test that most text (English) fails at once.
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"
                           r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
_UKRAINIAN = set("ґєїҐЄЇ")


def _script(ch: str) -> str | None:
    """The script class of a letter ("ar", "he", "el", "cyr", "cjk", "ko", "kana"), "latin", or None
    for a character with no script of its own (spaces, digits, punctuation)."""
    o = ord(ch)
    if 0x0590 <= o <= 0x05FF or 0xFB1D <= o <= 0xFB4F:
        return "he"
    if 0x0600 <= o <= 0x08FF or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "ar" if unicodedata.category(ch)[0] in "LM" else None
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return "el" if ch.isalpha() else None
    if 0x0400 <= o <= 0x052F:
        return "cyr"
    if 0x3040 <= o <= 0x30FF:
        return "kana"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF:
        return "ko"
    if (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F) and ch.isalpha():
        return "cjk"
    if ch.isalpha():
        return "latin"
    return None


def runs(value: str) -> list[tuple[str, str | None, bool]]:
    """``value`` cut into (text, language, right_to_left) runs; plain text is (text, None, False).

    A run starts at its first letter and ends at its last, so spaces and punctuation between two
    runs stay in the surrounding text; neutral characters inside a run (spaces between Arabic
    words, digits) belong to it.
    """
    if value.isascii() or not _OTHER_SCRIPT.search(value):
        return [(value, None, False)]
    letters = [(i, s) for i, ch in enumerate(value) if (s := _script(ch)) is not None]
    groups: list[list] = []  # [script class, start, end]
    for i, s in letters:
        kind = "cjk" if s in ("kana", "ko") else s  # one East Asian run; its language from its letters
        if groups and groups[-1][0] == kind:
            groups[-1][2] = i + 1
        else:
            groups.append([kind, i, i + 1])
    out: list[tuple[str, str | None, bool]] = []
    pos = 0
    for kind, start, end in groups:
        if kind == "latin":
            continue
        if start > pos:
            out.append((value[pos:start], None, False))
        text = value[start:end]
        out.append((text, _language(kind, text), kind in ("ar", "he")))
        pos = end
    if pos < len(value):
        out.append((value[pos:], None, False))
    return _merge(out)


def _language(kind: str, text: str) -> str | None:
    if kind == "cyr":
        return "uk" if _UKRAINIAN.intersection(text) else None
    if kind == "cjk":
        scripts = {_script(ch) for ch in text}
        return "ja" if "kana" in scripts else "ko" if "ko" in scripts else "zh"
    return kind


def _merge(out: list[tuple[str, str | None, bool]]) -> list[tuple[str, str | None, bool]]:
    merged: list[tuple[str, str | None, bool]] = []
    for text, lang, rtl in out:
        if merged and merged[-1][1:] == (lang, rtl) and lang is None and not rtl:
            merged[-1] = (merged[-1][0] + text, lang, rtl)
        else:
            merged.append((text, lang, rtl))
    return merged
