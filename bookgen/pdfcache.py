"""The brief's PDF, compiled again only when its Typst source changed (``bookgen build``).

Typst's output is a function of the document's source, the fonts and Typst's version (the PDF's
date is the book's, never the clock's: same inputs, same bytes). The last brief compiled is kept in
the page cache folder under the digest of those three; a build whose brief has the same digest
takes it from there instead of running Typst twice (pass 1 finds where references land, pass 2
prints). Only the latest brief is kept.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from pathlib import Path

from bookgen.fonts import FontSet
from bookgen.pdf import Document
from bookgen.write import atomic_write

FOLDER = "brief"


def document_key(doc: Document, fonts: FontSet) -> str:
    """The digest of everything the compiled PDF depends on."""
    h = hashlib.sha256(f"typst {importlib.metadata.version('typst')}\0".encode())
    for folder in fonts.folders():
        for f in sorted(folder.iterdir()):
            if f.is_file():
                h.update(f"{f}\0{f.stat().st_size}\0".encode())
    h.update(doc.pass1().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def kept_pdf(key: str, cache_folder: Path) -> bytes | None:
    """The PDF an earlier build compiled from a document of this ``key`` (:func:`document_key`), if
    the cache folder has it (only documents that compiled, glyph check included, are kept)."""
    kept = cache_folder / FOLDER / f"{key}.pdf"
    return kept.read_bytes() if kept.is_file() else None


def keep_pdf(key: str, data: bytes, cache_folder: Path) -> None:
    """Keep ``data``, compiled from a document of this ``key``, as the only PDF in the cache folder
    (which must be bookgen's: :meth:`bookgen.sitecache.SiteCache.prepare`). A cache: a failure to
    write is ignored."""
    folder = cache_folder / FOLDER
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.pdf"):
            old.unlink(missing_ok=True)
        atomic_write(folder / f"{key}.pdf", data)
    except OSError:
        return
