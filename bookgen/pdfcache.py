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
from bookgen.pdf import Document, compile_document, check_glyphs
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


def compile_cached(doc: Document, cache_folder: Path, fonts: FontSet | None = None) -> tuple[bytes, bool]:
    """(the PDF, whether it came from the cache); compiled when the cache has no PDF for ``doc``."""
    fonts = fonts or FontSet()
    check_glyphs(doc.title + doc.body, fonts)  # the same verdict as before, cached or not
    folder = cache_folder / FOLDER
    kept = folder / f"{document_key(doc, fonts)}.pdf"
    if kept.is_file():
        return kept.read_bytes(), True
    data = compile_document(doc, fonts)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):
        old.unlink(missing_ok=True)
    atomic_write(kept, data)
    return data, False
