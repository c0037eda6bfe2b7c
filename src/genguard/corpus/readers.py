"""Streaming corpus readers: JSONL, CSV/TSV, Parquet and plain text, optionally gzip/zstd.

Every reader yields either a :class:`Document` or a :class:`Malformed` record, never raises on
bad data and never skips a record silently: a line that is not valid JSON, not UTF-8, lacks the
text/source field or is longer than ``max_record_bytes`` comes back as ``Malformed`` with its
file and line so audits and cleaning can count and list it. Memory stays bounded: lines are read
with a length cap, Parquet in row batches, CSV row by row.

Large uncompressed line-based files (JSONL, text one-doc-per-line) can be split into byte-range
shards so that several workers read one file; line numbers stay absolute.
"""

from __future__ import annotations

import codecs
import csv
import glob
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import orjson

from genguard.errors import InputError, invalid_json

COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
FORMATS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".csv": "csv", ".tsv": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
    ".txt": "text", ".text": "text", ".md": "text",
}
LINE_FORMATS = {"jsonl", "text"}


@dataclass(frozen=True)
class ReaderConfig:
    """How records map to documents.

    ``text_field``/``source_field`` name the JSON key or CSV/Parquet column; without a source
    field every document of a file belongs to ``default_source`` or, if unset, to the file's
    stem (``web.jsonl.gz`` -> ``web``). ``text_mode`` applies to plain-text files: ``line`` makes
    each non-blank line a document, ``file`` makes the whole file one document.
    """

    text_field: str = "text"
    source_field: str | None = None
    default_source: str | None = None
    text_mode: str = "line"
    encoding: str = "utf-8"
    max_record_bytes: int = 4 * 1024 * 1024
    format: str | None = None  # force a format instead of guessing from the suffix

    def __post_init__(self) -> None:
        check_encoding(self.encoding)

    def fingerprint(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


def check_encoding(name: str) -> None:
    """Reject encodings the line readers cannot handle, before any file is opened.

    Records are split on the byte ``0x0A``, so the encoding must write ``\\n`` as that one byte
    (UTF-8, GB18030, GBK, Big5, Latin-1 ... do; UTF-16/32 do not: convert those first).
    """
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(f"unknown text encoding {name!r} (e.g. utf-8, gb18030, gbk, big5, latin-1)") from None
    enc = codecs.getincrementalencoder(name)()
    enc.encode("a")  # a byte-order mark, if the codec writes one, comes out here
    if enc.encode("\n") != b"\n":
        raise InputError(f"encoding {name!r} is not supported: lines are split on the byte 0x0A; "
                         "convert the files to UTF-8 first (e.g. iconv -f UTF-16 -t UTF-8)")


@dataclass
class Document:
    doc_id: str
    text: str
    source: str
    file: str
    line: int
    nbytes: int


@dataclass
class Malformed:
    file: str
    line: int
    problem: str
    source: str | None = None

    @property
    def doc_id(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Shard:
    """A unit of work: a whole file, or a byte range ``[start, end)`` of an uncompressed line file."""

    index: int
    file: str
    size: int
    start: int = 0
    end: int = -1  # -1: to the end of the file
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def nbytes(self) -> int:
        return (self.end if self.end >= 0 else self.size) - self.start

    @property
    def key(self) -> str:
        return f"{self.file}@{self.start}-{self.end}"


def split_name(path: str | Path) -> tuple[str, str | None]:
    """(format, compression) guessed from the suffixes, e.g. ``a.jsonl.zst`` -> (jsonl, zstd)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    comp = None
    if suffixes and suffixes[-1] in COMPRESSIONS:
        comp = COMPRESSIONS[suffixes.pop()]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    return fmt or "", comp


@lru_cache(maxsize=4096)
def source_from_name(path: str | Path) -> str:
    """The source a file's records belong to by default: its name without format and
    compression extensions. Cached: every record of a file asks (2 % of a full scan's time)."""
    name = Path(path).name
    for _ in range(3):
        stem, dot, ext = name.rpartition(".")
        if dot and ("." + ext.lower() in COMPRESSIONS or "." + ext.lower() in FORMATS):
            name = stem
    return name


# Files genguard writes into an output folder; a folder holding one of REPORT_NAMES is one.
REPORT_NAMES = frozenset({"audit.json", "clean.json", "annotation_qa.json"})
OUTPUT_NAMES = REPORT_NAMES | {
    "audit.md", "malformed.jsonl", "sample_ids.jsonl", "cleaned.jsonl", "manifest.jsonl", "dedup-index.sqlite",
    "audit.html", "audit.zh.html", "clean.html", "clean.zh.html", "annotation_qa.html", "annotation_qa.zh.html",
}


@dataclass
class Inputs:
    """The files to read, and what a directory walk or pattern left out with the reason why.

    ``skipped`` goes into the console output and the reports, so no file under the inputs is
    left out without a word.
    """

    files: list[str]
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"path", "reason"}


def expand_paths(paths: list[str | Path], cfg: ReaderConfig | None = None,
                 exclude: list[str | Path] | tuple[str | Path, ...] = ()) -> list[str]:
    """The files of :func:`collect_inputs` (without the list of skipped ones)."""
    return collect_inputs(paths, cfg, exclude).files


def collect_inputs(paths: list[str | Path], cfg: ReaderConfig | None = None,
                   exclude: list[str | Path] | tuple[str | Path, ...] = ()) -> Inputs:
    """Files named by ``paths`` (files, directories walked recursively, glob patterns), sorted.

    A path that matches nothing is an error, as is a directory with no readable corpus file:
    a typo must not turn into an empty, "clean" audit. A directory walk leaves out what is not
    the user's corpus, and says so in ``skipped``: hidden (dot-prefixed) files and folders (e.g.
    ``.checkpoints``), the ``exclude`` folders (the run's own ``--out``), genguard's output files
    in any output folder (``cleaned.jsonl``, ``manifest.jsonl`` ... next to a ``clean.json`` or
    ``audit.json``), which would otherwise be read back as corpus on the next run, and files of
    an unknown type. Glob matches skip the same output folders and files. A file named
    directly is always read.
    """
    out: list[str] = []
    skipped: list[dict[str, str]] = []
    excluded = {Path(e).resolve() for e in exclude}
    for p in paths:
        s = str(p)
        if any(ch in s for ch in "*?["):
            matches = sorted(m for m in glob.glob(s, recursive=True) if Path(m).is_file())
            if not matches:
                raise InputError(f"pattern {s!r} matches no file")
            for m in matches:
                reason = _output_reason(Path(m), excluded)
                if reason:
                    skipped.append({"path": m, "reason": reason})
                else:
                    out.append(m)
        elif Path(s).is_dir():
            found, left_out = _walk(Path(s), excluded)
            skipped.extend(left_out)
            if not found:
                what = f"; skipped: {_skipped_summary(left_out)}" if left_out else ""
                raise InputError(f"directory {s!r} holds no corpus file "
                                 f"(.jsonl .csv .tsv .parquet .txt, optionally .gz/.zst){what}")
            out.extend(found)
        elif Path(s).is_file():
            out.append(s)
        else:
            raise InputError(f"input {s!r} does not exist")
    forced = cfg.format if cfg else None
    for f in out:
        fmt, _ = split_name(f)
        if not (forced or fmt):
            raise InputError(f"{f}: unknown file type; use .jsonl/.csv/.tsv/.parquet/.txt (optionally .gz/.zst) or --format")
    seen: set[str] = set()
    files = [f for f in out if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
    taken = set(files)
    return Inputs(files, [k for k in skipped if k["path"] not in taken])


def _output_reason(path: Path, excluded: set[Path]) -> str:
    """Why a file a pattern matched is genguard's own output ("" if it is not).

    Only the output files themselves: a pattern reaches into ``.checkpoints`` only when it
    names hidden folders explicitly, and anything else in an output folder is the user's.
    """
    if path.name not in OUTPUT_NAMES:
        return ""
    if path.resolve().parent in excluded or any((path.parent / r).is_file() for r in REPORT_NAMES):
        return "genguard output file"
    return ""


def _walk(root: Path, excluded: set[Path]) -> tuple[list[str], list[dict[str, str]]]:
    """Corpus files under ``root`` and what was skipped (see :func:`collect_inputs`)."""
    found: list[str] = []
    skipped: list[dict[str, str]] = []
    root_is_out = root.resolve() in excluded  # --out given as the input folder itself
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith("."):
                skipped.append({"path": str(sub), "reason": "hidden folder"})
            elif sub.resolve() in excluded:
                skipped.append({"path": str(sub), "reason": "this run's --out folder"})
            else:
                keep.append(d)
        dirnames[:] = keep
        is_output = (root_is_out and here == root) or any(r in filenames for r in REPORT_NAMES)
        own = sorted(n for n in filenames if is_output and n in OUTPUT_NAMES)
        if own:  # one entry per output folder, naming its files
            skipped.append({"path": str(here), "reason": f"genguard output files: {', '.join(own)}"})
        for name in sorted(filenames):
            f = here / name
            if name.startswith("."):
                skipped.append({"path": str(f), "reason": "hidden file"})
            elif name in own:
                continue
            elif not f.is_file():
                continue  # a broken link or a socket: not a file at all
            elif not split_name(f)[0]:
                skipped.append({"path": str(f), "reason": "unknown file type; name it directly with --format to read it"})
            else:
                found.append(str(f))
    return sorted(found), sorted(skipped, key=lambda k: k["path"])


def _skipped_summary(skipped: list[dict[str, str]], limit: int = 5) -> str:
    shown = ", ".join(f"{k['path']} ({k['reason']})" for k in skipped[:limit])
    more = len(skipped) - limit
    return shown + (f" ... and {more} more" if more > 0 else "")


def plan_shards(files: list[str], cfg: ReaderConfig, shard_bytes: int = 64 * 1024 * 1024) -> list[Shard]:
    """Cut files into shards; only uncompressed line formats are split by byte range."""
    shards: list[Shard] = []
    for f in files:
        size = Path(f).stat().st_size
        fmt, comp = split_name(f)
        fmt = cfg.format or fmt
        splittable = comp is None and fmt in LINE_FORMATS and not (fmt == "text" and cfg.text_mode == "file")
        if not splittable or size <= shard_bytes:
            shards.append(Shard(len(shards), f, size))
            continue
        for start in range(0, size, shard_bytes):
            end = min(size, start + shard_bytes)
            shards.append(Shard(len(shards), f, size, start, end if end < size else -1))
    return shards


# ---------------------------------------------------------------------------------------- opening
def _open_binary(path: str, comp: str | None) -> IO[bytes]:
    if comp == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if comp == "zstd":
        return io.BufferedReader(_ZstdStream(path), buffer_size=1 << 20)
    return open(path, "rb")


class _ZstdStream(io.RawIOBase):
    """Decompressed bytes of a zstd file, every frame of it; a file cut short raises ``EOFError``.

    zstandard's ``stream_reader`` ends quietly (``b""``) when the input stops inside a frame and,
    by default, after the first frame, so a truncated download or a multi-frame file (pzstd,
    ``cat a.zst b.zst``) lost records without a word. Here each frame gets its own
    ``decompressobj``, whose ``eof`` says whether the frame was complete, and the next frame
    starts from its ``unused_data``. Input is fed in ``FEED``-byte pieces, only when the
    previous piece's output has been read, to keep memory bounded.
    """

    FEED = 1 << 16

    def __init__(self, path: str) -> None:
        import zstandard

        super().__init__()
        self._raw = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._started = False  # bytes of the current frame have been fed
        self._pending = b""  # compressed input not yet fed
        self._out = memoryview(b"")  # decompressed output not yet handed out

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._out:
            data = self._pending or self._raw.read(self.FEED)
            self._pending = b""
            if not data:
                if self._started:
                    raise EOFError("zstd stream ends inside a frame (file truncated)")
                return 0
            self._out = memoryview(self._feed(data))
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _feed(self, data: bytes) -> bytes:
        self._started = True
        out = self._obj.decompress(data)
        if self._obj.eof:  # frame complete: what follows belongs to the next frame
            self._pending = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
            self._started = False
        return out

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def _count_newlines(path: str, upto: int) -> int:
    n = 0
    with open(path, "rb") as fh:
        left = upto
        while left > 0:
            chunk = fh.read(min(left, 8 << 20))
            if not chunk:
                break
            n += chunk.count(b"\n")
            left -= len(chunk)
    return n


def _iter_lines(fh: IO[bytes], limit: int, budget: int | None) -> Iterator[tuple[bytes | None, int]]:
    """(line bytes or None when over ``limit``, bytes consumed); stops after ``budget`` bytes."""
    used = 0
    while budget is None or used < budget:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        consumed = len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            # over-long record: drain the rest of the line without holding it
            while True:
                more = fh.readline(1 << 20)
                consumed += len(more)
                if not more or more.endswith(b"\n"):
                    break
            used += consumed
            yield None, consumed
            continue
        used += consumed
        yield raw, consumed


def iter_shard(shard: Shard, cfg: ReaderConfig) -> Iterator[Document | Malformed]:
    """Documents and malformed records of one shard, in file order."""
    fmt, comp = split_name(shard.file)
    fmt = cfg.format or fmt
    last = 0  # last record line handed out, to say where an unreadable file broke off
    try:
        if fmt == "parquet":
            records = _iter_parquet(shard, cfg)
        elif fmt in ("csv", "tsv"):
            records = _iter_csv(shard, cfg, comp, "\t" if fmt == "tsv" else ",")
        elif fmt == "text" and cfg.text_mode == "file":
            records = _iter_text_file(shard, cfg, comp)
        elif fmt in LINE_FORMATS:
            records = _iter_line_records(shard, cfg, comp, fmt)
        else:
            yield Malformed(shard.file, 0, f"unknown format {fmt!r}", _file_source(cfg, shard.file))
            return
        for rec in records:
            last = max(last, rec.line)
            yield rec
    except _unreadable() as exc:
        # truncated gzip, corrupt zstd frame, unreadable parquet footer...: the rest of the file
        # is reported as one malformed record instead of aborting the run.
        where = f" after line {last}" if last else ""
        yield Malformed(shard.file, last + 1 if last else 0,
                        f"file unreadable{where}: {exc.__class__.__name__}: {exc}".rstrip(": "),
                        _file_source(cfg, shard.file))


def _unreadable() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "this file cannot be read (any further)", not a bug."""
    import zstandard

    return (OSError, EOFError, ValueError, zstandard.ZstdError)


def _source(cfg: ReaderConfig, file: str) -> str:
    return cfg.default_source or source_from_name(file)


def _file_source(cfg: ReaderConfig, file: str) -> str | None:
    """Source of a record that could not be parsed: the one the file's readable records get.

    Without a source field that is the run's ``--source`` or the file stem, so malformed records
    count under their real source (``clean.json``'s ``by_source``) instead of an unknown bucket;
    with a source field it is unknown (the field could not be read), hence ``None``.
    """
    return None if cfg.source_field is not None else _source(cfg, file)


def _decode(raw: bytes, cfg: ReaderConfig) -> str:
    try:
        return raw.decode(cfg.encoding)
    except UnicodeDecodeError as exc:
        raise _Bad(f"not {cfg.encoding} (invalid byte at offset {exc.start})") from None


class _Bad(Exception):
    pass


@lru_cache(maxsize=16)
def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _fast_record(raw: bytes, cfg: ReaderConfig) -> dict[str, Any] | None:
    """A JSON-lines record parsed by orjson straight from its UTF-8 bytes, when that is certainly
    what decoding it and ``json.loads`` would give for the fields a document reads: an object
    whose text (and source) field is a string. Anything else - invalid JSON or UTF-8, a byte-order
    mark, a blank line, a lone surrogate escape, NaN, a non-string field (orjson turns integers
    past 64 bits into floats) - is None, and the standard path decides and words the problem.

    Why: decoding each line and parsing the text with the json module took ~3 % of a full corpus
    scan's time (7 KB documents; 0.43 CPU-s per 134 MB); orjson parses the bytes in one pass
    (0.26 CPU-s)."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get(cfg.text_field), str):
        return None
    if cfg.source_field is not None and not isinstance(obj.get(cfg.source_field), str):
        return None
    return obj


def _from_mapping(obj: Any, cfg: ReaderConfig, file: str, line: int, nbytes: int) -> Document | Malformed:
    if not isinstance(obj, dict):
        return Malformed(file, line, f"record is a JSON {type(obj).__name__}, not an object", _file_source(cfg, file))
    src = _source(cfg, file)
    if cfg.source_field is not None:
        val = obj.get(cfg.source_field)
        if val is None or val == "":
            return Malformed(file, line, f"missing source field {cfg.source_field!r}", _file_source(cfg, file))
        src = str(val)
    if cfg.text_field not in obj or obj[cfg.text_field] is None:
        return Malformed(file, line, f"missing text field {cfg.text_field!r}", src)
    text = obj[cfg.text_field]
    if not isinstance(text, str):
        return Malformed(file, line, f"text field {cfg.text_field!r} is a {type(text).__name__}, not a string", src)
    return Document(f"{file}:{line}", text, src, file, line, nbytes)


def _iter_line_records(shard: Shard, cfg: ReaderConfig, comp: str | None, fmt: str) -> Iterator[Document | Malformed]:
    line_no = _count_newlines(shard.file, shard.start) if shard.start else 0
    with _open_binary(shard.file, comp) as fh:
        budget = None
        if shard.start:
            fh.seek(shard.start - 1)
            # a shard starts at the first line that begins inside its range
            if fh.read(1) != b"\n":
                skipped = fh.readline()
                line_no += 1
                budget_base = shard.start + len(skipped)
            else:
                budget_base = shard.start
        else:
            budget_base = 0
        if shard.end >= 0:
            budget = max(0, shard.end - budget_base)
        fast = fmt != "text" and _is_utf8(cfg.encoding)
        for raw, consumed in _iter_lines(fh, cfg.max_record_bytes, budget):
            line_no += 1
            if raw is None:
                yield Malformed(shard.file, line_no, f"record longer than {cfg.max_record_bytes:,} bytes", _file_source(cfg, shard.file))
                continue
            if fast and (obj := _fast_record(raw, cfg)) is not None:
                yield _from_mapping(obj, cfg, shard.file, line_no, consumed)
                continue
            try:
                text = _decode(raw, cfg)
            except _Bad as exc:
                yield Malformed(shard.file, line_no, str(exc), _file_source(cfg, shard.file))
                continue
            if line_no == 1 and text.startswith("\ufeff"):
                text = text[1:]  # a UTF-8 byte-order mark opens the file, not the first record
            if not text.strip():
                continue  # blank lines are not records
            if fmt == "text":
                body = text.rstrip("\r\n")
                yield Document(f"{shard.file}:{line_no}", body, _source(cfg, shard.file), shard.file, line_no, consumed)
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Malformed(shard.file, line_no, invalid_json(exc.msg, exc.colno), _file_source(cfg, shard.file))
                continue
            yield _from_mapping(obj, cfg, shard.file, line_no, consumed)


def _iter_text_file(shard: Shard, cfg: ReaderConfig, comp: str | None) -> Iterator[Document | Malformed]:
    with _open_binary(shard.file, comp) as fh:
        raw = fh.read(cfg.max_record_bytes + 1)
    if len(raw) > cfg.max_record_bytes:
        yield Malformed(shard.file, 1, f"file longer than {cfg.max_record_bytes:,} bytes (one-document-per-file mode)", _file_source(cfg, shard.file))
        return
    try:
        text = _decode(raw, cfg).removeprefix("\ufeff")
    except _Bad as exc:
        yield Malformed(shard.file, 1, str(exc), _file_source(cfg, shard.file))
        return
    if text.strip():
        yield Document(f"{shard.file}:1", text, _source(cfg, shard.file), shard.file, 1, len(raw))


class _LineDecoder:
    """Text stream over binary lines for the csv module; undecodable lines become errors."""

    def __init__(self, fh: IO[bytes], cfg: ReaderConfig) -> None:
        self.fh, self.cfg = fh, cfg
        self.line_no = 0
        self.bad: list[tuple[int, str]] = []
        self.bytes_read = 0
        self.yielded: list[int] = []  # line numbers handed to the csv reader since the last row

    def __iter__(self) -> Iterator[str]:
        for raw, consumed in _iter_lines(self.fh, self.cfg.max_record_bytes, None):
            self.line_no += 1
            self.bytes_read += consumed
            if raw is None:
                self.bad.append((self.line_no, f"line longer than {self.cfg.max_record_bytes:,} bytes"))
                continue
            try:
                text = _decode(raw, self.cfg)
            except _Bad as exc:
                self.bad.append((self.line_no, str(exc)))
                continue
            self.yielded.append(self.line_no)
            yield text


def _iter_csv(shard: Shard, cfg: ReaderConfig, comp: str | None, delimiter: str) -> Iterator[Document | Malformed]:
    csv.field_size_limit(cfg.max_record_bytes)
    with _open_binary(shard.file, comp) as fh:
        lines = _LineDecoder(fh, cfg)
        # strict: an unterminated quote or stray text after a closing quote is an error (reported
        # as malformed with its lines) instead of silently swallowing the following rows
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Malformed(shard.file, 1, f"bad CSV header: {exc}", _file_source(cfg, shard.file))
            return
        header = [h.lstrip("\ufeff").strip() for h in header]
        if cfg.text_field not in header:
            yield Malformed(shard.file, 1, f"missing text column {cfg.text_field!r} (columns: {', '.join(header)})", _file_source(cfg, shard.file))
            return
        if cfg.source_field is not None and cfg.source_field not in header:
            yield Malformed(shard.file, 1, f"missing source column {cfg.source_field!r} (columns: {', '.join(header)})", _file_source(cfg, shard.file))
            return
        ti = header.index(cfg.text_field)
        si = header.index(cfg.source_field) if cfg.source_field is not None else None
        lines.yielded.clear()
        last_bytes = lines.bytes_read
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                first = lines.yielded[0] if lines.yielded else lines.line_no
                span = f" (lines {first}-{lines.yielded[-1]})" if len(lines.yielded) > 1 else ""
                yield Malformed(shard.file, first, f"bad CSV{span}: {exc}", _file_source(cfg, shard.file))
                lines.yielded.clear()
                last_bytes = lines.bytes_read
                continue
            while lines.bad:
                ln, problem = lines.bad.pop(0)
                yield Malformed(shard.file, ln, problem, _file_source(cfg, shard.file))
            start = lines.yielded[0] if lines.yielded else lines.line_no
            lines.yielded.clear()
            nbytes = lines.bytes_read - last_bytes
            last_bytes = lines.bytes_read
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) <= ti or (si is not None and len(row) <= si):
                yield Malformed(shard.file, start, f"row has {len(row)} columns, header has {len(header)}", _file_source(cfg, shard.file))
                continue
            src = row[si] if si is not None else _source(cfg, shard.file)
            if si is not None and not src:
                yield Malformed(shard.file, start, f"missing source field {cfg.source_field!r}", _file_source(cfg, shard.file))
                continue
            if not row[ti].strip():
                yield Malformed(shard.file, start, f"empty text field {cfg.text_field!r}", src)
                continue
            yield Document(f"{shard.file}:{start}", row[ti], src, shard.file, start, nbytes)
        while lines.bad:
            ln, problem = lines.bad.pop(0)
            yield Malformed(shard.file, ln, problem, _file_source(cfg, shard.file))


def _iter_parquet(shard: Shard, cfg: ReaderConfig) -> Iterator[Document | Malformed]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(shard.file)
    names = pf.schema_arrow.names
    if cfg.text_field not in names:
        yield Malformed(shard.file, 0, f"missing text column {cfg.text_field!r} (columns: {', '.join(names)})", _file_source(cfg, shard.file))
        return
    cols = [cfg.text_field]
    if cfg.source_field is not None:
        if cfg.source_field not in names:
            yield Malformed(shard.file, 0, f"missing source column {cfg.source_field!r} (columns: {', '.join(names)})", _file_source(cfg, shard.file))
            return
        cols.append(cfg.source_field)
    row = 0
    for batch in pf.iter_batches(batch_size=2048, columns=cols):
        texts = batch.column(0).to_pylist()
        sources = batch.column(1).to_pylist() if len(cols) > 1 else [None] * len(texts)
        for text, src in zip(texts, sources, strict=True):
            row += 1  # parquet "line" = 1-based row number
            source = str(src) if src not in (None, "") else None
            if cfg.source_field is not None and source is None:
                yield Malformed(shard.file, row, f"missing source field {cfg.source_field!r}", _file_source(cfg, shard.file))
                continue
            source = source or _source(cfg, shard.file)
            if text is None:
                yield Malformed(shard.file, row, f"missing text field {cfg.text_field!r}", source)
                continue
            if not isinstance(text, str):
                yield Malformed(shard.file, row, f"text column {cfg.text_field!r} is {type(text).__name__}, not a string", source)
                continue
            yield Document(f"{shard.file}:{row}", text, source, shard.file, row, len(text.encode("utf-8", "replace")))
