"""The fonts the printed briefing is set in, and the check that every character has a glyph.

Typst runs with system fonts ignored, so the PDF can only show what these fonts hold. They come
from PyPI wheels that bookgen depends on (installed with it, nothing downloaded at build time):

- Noto Serif (``fontpkg-noto-serif``): the text face; Latin, Greek, Cyrillic, upright and italic.
- Amiri (``fontpkg-amiri``): Arabic script. Chosen over Noto Sans Arabic because its PDF text reads
  back as written (pdftotext of Noto Sans Arabic doubles some letters: Typst maps a base glyph and
  its dots to the same character).
- Frank Ruhl Libre (``fontpkg-frank-ruhl-libre``): Hebrew.
- Noto Sans CJK SC (``noto-cjk-sans-otc``): Chinese, Japanese and Korean.
- Fira Code (``fontpkg-fira-code``): code, and the arrows and symbols the others lack ("↳").

Typst is told to use exactly this list (``fallback: false``), so the union of their character maps
is what prints. :class:`FontSet` reads those maps once (fontTools) and says which characters of a
text no font covers; :func:`locate_missing` finds where in the content each one was written, so the
error points at the content (``bookgen.pdf-missing-glyph``) and no character is lost silently.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from bookgen.problems import Problems


@dataclass(frozen=True)
class Face:
    family: str  # the name Typst knows it by
    package: str  # the Python package that ships it
    folder: str  # the folder inside the package that holds the files ("" for the package itself)
    files: tuple[str, ...]


FACES = (
    Face("Noto Serif", "fontpkg_noto_serif", "files", ("NotoSerif[wdth,wght].ttf", "NotoSerif-Italic[wdth,wght].ttf")),
    Face("Amiri", "fontpkg_amiri", "files", ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "Amiri-Italic.ttf",
                                             "Amiri-BoldItalic.ttf")),
    Face("Frank Ruhl Libre", "fontpkg_frank_ruhl_libre", "files", ("FrankRuhlLibre[wght].ttf",)),
    Face("Noto Sans CJK SC", "noto_cjk_sans_otc", "", ("NotoSansCJK-Regular.ttc",)),
    Face("Fira Code", "fontpkg_fira_code", "files", ("FiraCode[wght].ttf",)),
)
MONO = "Fira Code"  # code: first in its list, then the others for what it lacks
_IGNORABLE = {"Cc", "Cf", "Zl", "Zp"}  # controls and format characters: no glyph needed


class FontsMissing(Exception):
    """A font package bookgen depends on is not installed (or lacks its files)."""


def typst_list(first: str | None = None) -> str:
    """The families as a Typst array, in the order Typst tries them (``first`` before them)."""
    names = ([first] if first else []) + [f.family for f in FACES]
    return "(" + ", ".join(f'"{n}"' for n in names) + ")"


def _needs_glyph(ch: str) -> bool:
    if ch in " \t\n\r":
        return False
    if 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:  # variation selectors
        return False
    return unicodedata.category(ch) not in _IGNORABLE


@dataclass
class FontSet:
    """The shipped fonts: their folders (for Typst) and, read once on demand, their coverage."""

    faces: tuple[Face, ...] = FACES
    _covered: frozenset[int] | None = field(default=None, repr=False)

    def folders(self) -> list[Path]:
        """Each face's folder, for Typst's ``font_paths``; raises :class:`FontsMissing`."""
        out = []
        for face in self.faces:
            try:
                base = Path(str(resources.files(face.package)))
            except ModuleNotFoundError:
                raise FontsMissing(f"the font package for {face.family} ({face.package}) is not installed; "
                                   f"reinstall bookgen (pip install -e .)") from None
            folder = base / face.folder if face.folder else base
            absent = [f for f in face.files if not (folder / f).is_file()]
            if absent:
                raise FontsMissing(f"{face.family}: {', '.join(absent)} missing from {folder}")
            out.append(folder)
        return out

    def covered(self) -> frozenset[int]:
        """Every code point some face has a glyph for."""
        if self._covered is None:
            from fontTools.ttLib import TTCollection, TTFont

            points: set[int] = set()
            for face, folder in zip(self.faces, self.folders()):
                for name in face.files:
                    path = folder / name
                    if path.suffix == ".ttc":
                        fonts = [f for f in TTCollection(str(path), lazy=True).fonts
                                 if f["name"].getBestFamilyName() == face.family]
                    else:
                        fonts = [TTFont(str(path), lazy=True)]
                    for font in fonts:
                        points.update(font.getBestCmap() or {})
            self._covered = frozenset(points)
        return self._covered

    def missing(self, text: str) -> list[str]:
        """The characters of ``text`` no face covers, sorted by code point."""
        covered = self.covered()
        return sorted((ch for ch in set(text) if ord(ch) not in covered and _needs_glyph(ch)), key=ord)


def _content_files(root: Path) -> Iterable[Path]:
    """Where text on the pages comes from: source texts, content YAML, templates."""
    for folder in ("seeds", "content", "templates"):
        base = root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()
                              and "assets" not in p.relative_to(base).parts[:1])


def locate_missing(root: Path, chars: Iterable[str]) -> Problems:
    """One error per missing character per file, at its first place there (how many more follow)."""
    wanted = set(chars)
    problems = Problems()
    found: set[str] = set()
    for path in _content_files(root):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if wanted.isdisjoint(text):
            continue
        first: dict[str, tuple[int, int]] = {}
        counts: dict[str, int] = {}
        for lineno, line in enumerate(text.splitlines(), 1):
            for col, ch in enumerate(line, 1):
                if ch in wanted:
                    counts[ch] = counts.get(ch, 0) + 1
                    first.setdefault(ch, (lineno, col))
        rel = path.relative_to(root).as_posix()
        for ch, (line, col) in first.items():
            more = counts[ch] - 1
            also = f" ({more} more in this file)" if more else ""
            problems.error(rel, line, col, f"no font has a glyph for {_show(ch)}{also}; the PDF would print "
                           f"a blank box: leave it out, or write it in words", "pdf-missing-glyph")
            found.add(ch)
    for ch in sorted(wanted - found, key=ord):  # not written literally anywhere (e.g. a YAML escape)
        problems.error("content", 1, 1, f"no font has a glyph for {_show(ch)}; the PDF would print a "
                       f"blank box: find it in the content and leave it out", "pdf-missing-glyph")
    return problems


def _show(ch: str) -> str:
    return f"'{ch}' (U+{ord(ch):04X})"
