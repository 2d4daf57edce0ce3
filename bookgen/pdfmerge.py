"""Join the full book's part PDFs (each compiled by Typst on its own) into one PDF, part by part.

Memory stays that of one part: each part is read (pypdf), its objects written out at once with new
numbers, and dropped; what is kept across parts is a handful of integers per page and per link
target. The result is one document, not a stack of files:

- one page tree (each part's page tree hangs under a common root, pages in order);
- one tagged structure: every part's structure elements under one ``Document`` element, the
  parent tree's keys shifted per part, element ids (``/ID``, and the table ``/Headers`` that name
  them) prefixed per part so none repeats;
- the bookmarks, written here from the headings the caller lists (Typst's per-part ones dropped);
- links across parts: a page reference a part could not resolve is a ``bookgen:LABEL`` URI link
  in that part (:mod:`bookgen.pdfparts`); here it becomes a jump to a named destination at the
  label's position;
- the catalog of the first part (language, viewer preferences, metadata with the page count), with
  ``/MarkInfo << /Marked true >>`` (no ``/Suspects false``: see :func:`bookgen.pdf.quiet_mark_info`).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence

from pypdf import PdfReader
from pypdf.generic import (ArrayObject, BooleanObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NullObject, NumberObject, PdfObject, TextStringObject)

LINK_SCHEME = "bookgen:"
_LEAF = 256  # entries per leaf of the name and number trees written here


@dataclass(frozen=True)
class Heading:
    """A bookmark: its level (1 = chapter), title and where it is (page from 1, y from the top)."""

    level: int
    title: str
    page: int
    y: float


@dataclass
class _Writer:
    out: BinaryIO
    offsets: list[int] = field(default_factory=lambda: [0])  # by object number; -1 = free

    def reserve(self) -> int:
        self.offsets.append(-1)
        return len(self.offsets) - 1

    def block(self, size: int) -> int:
        """Reserve ``size`` numbers; returns the base to add to a part's own object numbers."""
        base = len(self.offsets) - 1
        self.offsets.extend([-1] * size)
        return base

    def write(self, num: int, obj: PdfObject) -> None:
        self.offsets[num] = self.out.tell()
        self.out.write(f"{num} 0 obj\n".encode())
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def write_raw(self, num: int, body: bytes) -> None:
        self.offsets[num] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    def add(self, obj: PdfObject) -> IndirectObject:
        num = self.reserve()
        self.write(num, obj)
        return _ref(num)


def _ref(num: int) -> IndirectObject:
    return IndirectObject(num, 0, None)  # type: ignore[arg-type]


@dataclass
class _Part:
    """What one part adds to the whole, once its objects are written."""

    pages: list[int]  # new object numbers of its pages, in order
    elements: list[IndirectObject]  # its top structure elements (under its Document element)
    parent_tree: list[tuple[int, PdfObject]]
    dests: list[tuple[str, PdfObject]]
    ids: list[tuple[str, PdfObject]]
    next_key: int
    pages_node: int  # new number of its page tree's root


class _Copier:
    """Copies the objects reachable from one part's pages and structure, renumbered.

    The bulk of a part (pages, content streams, fonts, structure elements) is copied as bytes, each
    object's references renumbered and its few bookgen-specific keys adjusted by one regular
    expression (:data:`_TOKEN`; pypdf's parser took 0.5 ms an object, most of the time of a big
    book). An object the expression cannot read with certainty (a string with parentheses nested
    deeper than it knows) goes through pypdf instead.
    """

    def __init__(self, reader: PdfReader, writer: _Writer, prefix: str, key_offset: int,
                 overrides: dict[int, int], data: bytes) -> None:
        self.reader, self.writer = reader, writer
        self.prefix, self.key_offset = prefix, key_offset
        self.base = writer.block(int(reader.trailer["/Size"]))
        self.overrides = overrides  # old number -> new number, for objects replaced by the whole's
        self.seen: set[int] = set()
        self.todo: list[int] = []
        self.data = data
        self.spans = _spans(data)

    def number(self, idnum: int) -> int:
        if idnum in self.overrides:
            return self.overrides[idnum]
        if idnum not in self.seen:
            self.seen.add(idnum)
            self.todo.append(idnum)
        return self.base + idnum

    def ref(self, ref: IndirectObject) -> IndirectObject:
        return _ref(self.number(ref.idnum))

    def value(self, obj: PdfObject, key: str = "") -> PdfObject:
        if isinstance(obj, IndirectObject):
            return self.ref(obj)
        if isinstance(obj, DictionaryObject):
            for k, v in list(dict.items(obj)):
                obj[NameObject(k)] = self.value(v, k)
            self._adjust(obj)
            return obj
        if isinstance(obj, ArrayObject):
            for i, v in enumerate(list(obj)):
                obj[i] = self.value(v, key)
            if key == "/Headers" and self.prefix:
                obj[:] = [self._id(v) if isinstance(v, (TextStringObject, ByteStringObject)) else v for v in obj]
            return obj
        return obj

    def _id(self, value: PdfObject) -> PdfObject:
        return ByteStringObject(self.prefix.encode() + _string_bytes(value))

    def _adjust(self, obj: DictionaryObject) -> None:
        for key in ("/StructParents", "/StructParent"):
            if key in obj and isinstance(dict.__getitem__(obj, key), NumberObject):
                obj[NameObject(key)] = NumberObject(int(dict.__getitem__(obj, key)) + self.key_offset)
        if self.prefix and "/ID" in obj and isinstance(dict.__getitem__(obj, "/ID"),
                                                       (TextStringObject, ByteStringObject)):
            obj[NameObject("/ID")] = self._id(dict.__getitem__(obj, "/ID"))
        action = _get(obj, "/A")
        if obj.get("/Subtype") == "/Link" and isinstance(action, DictionaryObject):
            uri = action.get("/URI")
            if isinstance(uri, (TextStringObject, ByteStringObject)):
                name = _string_bytes(uri)
                if name.startswith(LINK_SCHEME.encode()):
                    del obj["/A"]
                    obj[NameObject("/Dest")] = ByteStringObject(name)

    def drain(self) -> None:
        """Write every object queued so far (and what they reach)."""
        while self.todo:
            old = self.todo.pop()
            raw = self._raw(old)
            if raw is None:
                obj = self.reader.get_object(old)
                self.writer.write(self.base + old, NullObject() if obj is None else self.value(obj))
            else:
                self.writer.write_raw(self.base + old, raw)

    def _raw(self, old: int) -> bytes | None:
        """The object renumbered and adjusted, as bytes; None if it must go through pypdf."""
        span = self.spans.get(old)
        if span is None:
            return None
        at, end = span
        header = _OBJ.match(self.data, at, end)
        end = self.data.rfind(b"endobj", at, end)
        if header is None or int(header.group(1)) != old or end < header.end():
            return None
        start = header.end()
        while end > start and self.data[end - 1] in b" \t\r\n":
            end -= 1
        stream = _STREAM.search(self.data, start, end)
        head_end = stream.start() + 2 if stream else end
        head = self.data[start:head_end]
        out = _TOKEN.sub(self._token, head)
        if b"(" in out or b")" in out:
            bare = _STRINGS.sub(b"", out)
            if b"(" in bare or b")" in bare:
                return None  # parentheses the expression did not pair: let pypdf read it
        return out + self.data[head_end:end]

    def _token(self, m: re.Match[bytes]) -> bytes:
        kind = m.lastgroup
        if kind == "ref":
            return b"%d 0 R" % self.number(int(m.group("num")))
        if kind == "sp":
            return m.group("spkey") + b"%d" % (int(m.group("spn")) + self.key_offset)
        if kind == "id" and self.prefix:
            return b"/ID" + self._raw_id(m.group("idv"))
        if kind == "hdr" and self.prefix:
            return b"/Headers[" + _ANY_STRING.sub(lambda s: self._raw_id(s.group(0)), m.group("hdrv")) + b"]"
        if kind == "uri":
            return b"/Dest(" + m.group("lbl") + b")"
        return m.group(0)

    def _raw_id(self, string: bytes) -> bytes:
        """A PDF string (literal or hex) with the part's prefix in front."""
        if string.startswith(b"<"):
            return b"<" + self.prefix.encode().hex().encode() + string[1:]
        return b"(" + self.prefix.encode() + string[1:]


_LIT = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))*\)"  # nesting up to 3
_HEX = rb"<[0-9A-Fa-f\s]*>"
_STRINGS = re.compile(_LIT + rb"|" + _HEX, re.S)
_ANY_STRING = _STRINGS
_TOKEN = re.compile(
    rb"(?P<str>" + _LIT + rb")"
    rb"|(?P<uri>/A\s*<<\s*(?:/Type\s*/Action\s*)?/S\s*/URI\s*/URI\s*\((?P<lbl>bookgen:(?:[^()\\]|\\.)*)\)\s*>>)"
    rb"|(?P<hex>" + _HEX + rb")"
    rb"|(?P<ref>(?<![\w.#/+-])(?P<num>\d+)\s+0\s+R(?![\w#]))"
    rb"|(?P<sp>(?P<spkey>/StructParents?\s*)(?P<spn>\d+))"
    rb"|(?P<id>/ID\s*(?P<idv>" + _LIT + rb"|" + _HEX + rb"))"
    rb"|(?P<hdr>/Headers\s*\[(?P<hdrv>(?:\s*(?:" + _LIT + rb"|" + _HEX + rb"))*\s*)\])", re.S)
_OBJ = re.compile(rb"\s*(\d+)\s+0\s+obj\b\s*")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def _spans(data: bytes) -> dict[int, tuple[int, int]]:
    """Object number -> (start, end) of its bytes, from the part's cross-reference table (an
    object ends where the next one in the file starts); empty if the table is not a plain one."""
    m = _XREF.search(data, max(0, len(data) - 1024))
    if m is None:
        return {}
    at = int(m.group(1))
    if data[at:at + 4] != b"xref":
        return {}  # a cross-reference stream: every object through pypdf
    lines = data[at:data.index(b"trailer", at)].split(b"\n")[1:]
    offsets: dict[int, int] = {}
    i = 0
    while i < len(lines) and lines[i].strip():
        first, count = (int(x) for x in lines[i].split())
        for n in range(count):
            entry = lines[i + 1 + n].split()
            if len(entry) == 3 and entry[2] == b"n":
                offsets[first + n] = int(entry[0])
        i += 1 + count
    ordered = sorted(offsets.items(), key=lambda kv: kv[1])
    ends = [o for _, o in ordered[1:]] + [at]
    return {num: (start, end) for (num, start), end in zip(ordered, ends)}


def merge(parts: Iterable[Path], out: BinaryIO, headings: Sequence[Heading],
          targets: dict[str, tuple[int, float, float]]) -> int:
    """Write the parts as one PDF to ``out``, taking each as it comes (the caller may still be
    making the next ones); returns its page count.

    ``targets``: label -> (page from 1, x, y from the top) for every ``bookgen:LABEL`` link.
    """
    w = _Writer(out)
    w.out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    pages_root, struct_root, document = w.reserve(), w.reserve(), w.reserve()
    done: list[_Part] = []
    first_catalog: DictionaryObject | None = None
    ids: list[bytes] = []
    metadata = None
    height, first_info = 0.0, {}
    first: Path | None = None
    for index, path in enumerate(parts):
        first = first or path
        data = Path(path).read_bytes()
        reader = PdfReader(io.BytesIO(data), strict=True)  # Typst's own files: no repairs to look for
        catalog = reader.trailer["/Root"]
        ids.append(_string_bytes(reader.trailer["/ID"][0]) if "/ID" in reader.trailer else b"")
        if index == 0:
            first_catalog = catalog
            height = float(reader.pages[0].mediabox.height)
            source_info = reader.trailer.get("/Info")
            first_info = dict(source_info.get_object().items()) if source_info is not None else {}
            metadata = _get(catalog, "/Metadata")
            metadata = metadata.get_data() if metadata is not None else None
        done.append(_copy_part(reader, w, index, pages_root, struct_root, document,
                               sum(p.next_key for p in done), data))
        del reader
    page_ids = [n for p in done for n in p.pages]
    total = len(page_ids)
    if first is None:
        raise ValueError("no parts to join")
    w.write(pages_root, DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"), NameObject("/Count"): NumberObject(total),
        NameObject("/Kids"): ArrayObject(_ref(p.pages_node) for p in done)}))
    w.write(document, DictionaryObject({
        NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
        NameObject("/P"): _ref(struct_root), NameObject("/K"): ArrayObject(e for p in done for e in p.elements)}))
    struct = DictionaryObject({
        NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): ArrayObject([_ref(document)]),
        NameObject("/ParentTree"): _number_tree(w, [kv for p in done for kv in p.parent_tree]),
        NameObject("/ParentTreeNextKey"): NumberObject(sum(p.next_key for p in done))})
    assert first_catalog is not None
    source_struct = _get(first_catalog, "/StructTreeRoot")
    if source_struct is not None and "/RoleMap" in source_struct:
        struct[NameObject("/RoleMap")] = DictionaryObject(
            {NameObject(k): NameObject(str(v)) for k, v in source_struct["/RoleMap"].items()})
    element_ids = [kv for p in done for kv in p.ids]
    if element_ids:
        struct[NameObject("/IDTree")] = _name_tree(w, element_ids)
    w.write(struct_root, struct)
    dests = [kv for p in done for kv in p.dests]
    for label, (page, x, y) in targets.items():
        dests.append((LINK_SCHEME + label, _xyz(page_ids, page, x, height - y)))
    catalog = DictionaryObject({
        NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): _ref(pages_root),
        NameObject("/StructTreeRoot"): _ref(struct_root),
        NameObject("/MarkInfo"): DictionaryObject({NameObject("/Marked"): _true()}),
        NameObject("/Names"): DictionaryObject({NameObject("/Dests"): _name_tree(w, dests)}),
        NameObject("/PageLabels"): DictionaryObject({NameObject("/Nums"): ArrayObject([
            NumberObject(0), DictionaryObject({NameObject("/S"): NameObject("/D")})])}),
    })
    for key in ("/Lang", "/ViewerPreferences"):
        if key in first_catalog:
            catalog[NameObject(key)] = _plain(first_catalog[key])
    if headings:
        catalog[NameObject("/Outlines")] = _outline(w, headings, page_ids, height)
    if metadata is not None:
        xmp = re.sub(rb"<xmpTPg:NPages>\d+</xmpTPg:NPages>", f"<xmpTPg:NPages>{total}</xmpTPg:NPages>".encode(),
                     metadata)
        stream = DecodedStreamObject()
        stream.set_data(xmp)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        catalog[NameObject("/Metadata")] = w.add(stream)
    root = w.add(catalog)
    info = w.add(DictionaryObject({NameObject(k): _plain(v) for k, v in first_info.items()}))
    _finish(w, root, info, hashlib.sha256(b"".join(ids)).digest()[:16])
    return total


def _copy_part(reader: PdfReader, w: _Writer, index: int, pages_root: int, struct_root: int, document: int,
               key_offset: int, data: bytes) -> _Part:
    catalog = reader.trailer["/Root"]
    pages_ref = dict.__getitem__(catalog, "/Pages")
    struct_ref = dict.get(catalog, "/StructTreeRoot")
    overrides = {}
    if isinstance(struct_ref, IndirectObject):
        overrides[struct_ref.idnum] = struct_root
    struct = _get(catalog, "/StructTreeRoot")
    top = list(dict.get(struct, "/K", ArrayObject())) if struct is not None else []
    documents = [r for r in top if isinstance(r, IndirectObject) and r.get_object().get("/S") == "/Document"]
    for r in documents:
        overrides[r.idnum] = document  # the part's Document element becomes the whole's
    copier = _Copier(reader, w, f"P{index}." if index else "", key_offset, overrides, data)
    copier.seen.add(pages_ref.idnum)  # written below, with its parent
    pages = [copier.ref(p.indirect_reference).idnum for p in reader.pages]
    copier.drain()
    node = copier.value(reader.get_object(pages_ref.idnum))
    node[NameObject("/Parent")] = _ref(pages_root)  # the part's page tree hangs under the root
    w.write(copier.base + pages_ref.idnum, node)
    elements: list[IndirectObject] = []
    for r in top:
        if isinstance(r, IndirectObject) and r.idnum in overrides:
            elements += [copier.value(k) for k in list(dict.get(r.get_object(), "/K", ArrayObject()))]
        else:
            elements.append(copier.value(r))
    parent_tree, ids, next_key = [], [], 0
    if struct is not None:
        parent_tree = [(k + key_offset, copier.value(v)) for k, v in _number_leaves(_get(struct, "/ParentTree"))]
        next_key = int(_get(struct, "/ParentTreeNextKey") or 0) or (max((k for k, _ in parent_tree), default=-1)
                                                               - key_offset + 1)
        ids = [(copier.prefix + name, copier.value(v)) for name, v in _name_leaves(_get(struct, "/IDTree"))]
    names = _get(catalog, "/Names")
    dests = [(n, copier.value(v)) for n, v in _name_leaves(_get(names, "/Dests") if names is not None else None)]
    copier.drain()
    return _Part(pages, elements, parent_tree, dests, ids, next_key, copier.base + pages_ref.idnum)


def _leaves(tree: PdfObject | None, entries: str) -> Iterator[tuple[PdfObject, PdfObject]]:
    """The (key, value) pairs of a PDF number tree (``/Nums``) or name tree (``/Names``)."""
    if tree is None:
        return
    tree = tree.get_object()
    pairs = list(dict.get(tree, entries, ArrayObject()))
    for i in range(0, len(pairs) - 1, 2):
        yield pairs[i], pairs[i + 1]
    for kid in dict.get(tree, "/Kids", ArrayObject()):
        yield from _leaves(kid, entries)


def _number_leaves(tree: PdfObject | None) -> Iterator[tuple[int, PdfObject]]:
    return ((int(k), v) for k, v in _leaves(tree, "/Nums"))


def _name_leaves(tree: PdfObject | None) -> Iterator[tuple[str, PdfObject]]:
    return ((_string_bytes(k).decode("latin-1"), v) for k, v in _leaves(tree, "/Names"))


def _name_tree(w: _Writer, entries: list[tuple[str, PdfObject]]) -> DictionaryObject:
    entries = sorted(entries, key=lambda kv: kv[0].encode("latin-1"))
    kids = ArrayObject()
    for i in range(0, len(entries), _LEAF):
        chunk = entries[i:i + _LEAF]
        flat = ArrayObject()
        for name, value in chunk:
            flat += [ByteStringObject(name.encode("latin-1")), value]
        kids.append(w.add(DictionaryObject({
            NameObject("/Names"): flat,
            NameObject("/Limits"): ArrayObject([ByteStringObject(chunk[0][0].encode("latin-1")),
                                                ByteStringObject(chunk[-1][0].encode("latin-1"))])})))
    return DictionaryObject({NameObject("/Kids"): kids}) if kids else DictionaryObject(
        {NameObject("/Names"): ArrayObject()})


def _number_tree(w: _Writer, entries: list[tuple[int, PdfObject]]) -> DictionaryObject:
    entries = sorted(entries, key=lambda kv: kv[0])
    kids = ArrayObject()
    for i in range(0, len(entries), _LEAF):
        chunk = entries[i:i + _LEAF]
        flat = ArrayObject()
        for key, value in chunk:
            flat += [NumberObject(key), value]
        kids.append(w.add(DictionaryObject({
            NameObject("/Nums"): flat,
            NameObject("/Limits"): ArrayObject([NumberObject(chunk[0][0]), NumberObject(chunk[-1][0])])})))
    return DictionaryObject({NameObject("/Kids"): kids}) if kids else DictionaryObject(
        {NameObject("/Nums"): ArrayObject()})


def _xyz(page_ids: list[int], page: int, x: float, y: float) -> ArrayObject:
    page = min(max(page, 1), len(page_ids))
    return ArrayObject([_ref(page_ids[page - 1]), NameObject("/XYZ"), FloatObject(round(x, 3)),
                        FloatObject(round(y, 3)), NullObject()])


def _outline(w: _Writer, headings: Sequence[Heading], page_ids: list[int], height: float) -> IndirectObject:
    """Bookmarks, nested by level: a heading's children are the deeper ones that follow it."""
    root = w.reserve()
    nums = [w.reserve() for _ in headings]
    parent: list[int] = []  # per heading: its parent's index, or -1 for the root
    stack: list[int] = []
    for i, h in enumerate(headings):
        while stack and headings[stack[-1]].level >= h.level:
            stack.pop()
        parent.append(stack[-1] if stack else -1)
        stack.append(i)
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parent):
        children.setdefault(p, []).append(i)
    for i, h in enumerate(headings):
        siblings = children[parent[i]]
        at = siblings.index(i) if len(siblings) < 64 else _position(siblings, i)
        item = DictionaryObject({
            NameObject("/Title"): TextStringObject(h.title),
            NameObject("/Parent"): _ref(root if parent[i] < 0 else nums[parent[i]]),
            NameObject("/Dest"): _xyz(page_ids, h.page, 0, height - h.y)})
        if at > 0:
            item[NameObject("/Prev")] = _ref(nums[siblings[at - 1]])
        if at + 1 < len(siblings):
            item[NameObject("/Next")] = _ref(nums[siblings[at + 1]])
        kids = children.get(i)
        if kids:
            item[NameObject("/First")] = _ref(nums[kids[0]])
            item[NameObject("/Last")] = _ref(nums[kids[-1]])
            item[NameObject("/Count")] = NumberObject(-len(kids) if h.level >= 2 else len(kids))
        w.write(nums[i], item)
    top = children.get(-1, [])
    w.write(root, DictionaryObject({
        NameObject("/Type"): NameObject("/Outlines"), NameObject("/First"): _ref(nums[top[0]]),
        NameObject("/Last"): _ref(nums[top[-1]]), NameObject("/Count"): NumberObject(len(top))}))
    return _ref(root)


def _position(siblings: list[int], i: int) -> int:
    lo, hi = 0, len(siblings)
    while lo < hi:
        mid = (lo + hi) // 2
        if siblings[mid] < i:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _get(obj: PdfObject, key: str) -> PdfObject | None:
    """``obj[key]`` resolved, or None."""
    value = dict.get(obj.get_object(), key)
    return None if value is None else value.get_object()


def _string_bytes(value: PdfObject) -> bytes:
    """The bytes of a PDF string as written in the file."""
    if isinstance(value, TextStringObject):
        return value.original_bytes
    return bytes(value)  # a ByteStringObject


def _plain(obj: PdfObject) -> PdfObject:
    """A copy of a direct value with no references (catalog entries taken from a part)."""
    obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        return DictionaryObject({NameObject(k): _plain(v) for k, v in obj.items()})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_plain(v) for v in obj)
    return obj


def _true() -> PdfObject:
    return BooleanObject(True)


def _finish(w: _Writer, root: IndirectObject, info: IndirectObject, doc_id: bytes) -> None:
    for num, offset in enumerate(w.offsets):
        if num and offset < 0:  # a part's object not carried over (its catalog, bookmarks...)
            w.write(num, NullObject())
    start = w.out.tell()
    w.out.write(f"xref\n0 {len(w.offsets)}\n".encode())
    w.out.write(b"0000000000 65535 f \n")
    for offset in w.offsets[1:]:
        w.out.write(f"{offset:010d} 00000 n \n".encode())
    hexid = doc_id.hex().upper()
    w.out.write(f"trailer\n<< /Size {len(w.offsets)} /Root {root.idnum} 0 R /Info {info.idnum} 0 R "
                f"/ID [<{hexid}> <{hexid}>] >>\nstartxref\n{start}\n%%EOF\n".encode())
