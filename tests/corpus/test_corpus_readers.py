"""Readers: every format, compression, field mapping; malformed records reported by file and line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from genguard.corpus.readers import Document, Malformed, ReaderConfig, expand_paths, iter_shard, plan_shards
from genguard.errors import InputError


def read_all(paths: list, cfg: ReaderConfig | None = None, shard_bytes: int = 1 << 30) -> tuple[list[Document], list[Malformed]]:
    cfg = cfg or ReaderConfig()
    docs: list[Document] = []
    bad: list[Malformed] = []
    for shard in plan_shards(expand_paths(paths, cfg), cfg, shard_bytes):
        for r in iter_shard(shard, cfg):
            (docs if isinstance(r, Document) else bad).append(r)  # type: ignore[arg-type]
    return docs, bad


def test_all_formats_and_compressions(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    recs = [{"body": f"文档 {i}", "site": "s1" if i % 2 else "s2"} for i in range(5)]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
    (tmp_path / "a.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(lines)
    (tmp_path / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(lines.encode()))
    (tmp_path / "d.csv").write_text("site,body\n" + "".join(f"{r['site']},{r['body']}\n" for r in recs), encoding="utf-8")
    (tmp_path / "e.tsv").write_text("site\tbody\n" + "".join(f"{r['site']}\t{r['body']}\n" for r in recs), encoding="utf-8")
    pq.write_table(pa.table({"body": [r["body"] for r in recs], "site": [r["site"] for r in recs]}), tmp_path / "f.parquet")
    cfg = ReaderConfig(text_field="body", source_field="site")
    docs, bad = read_all([tmp_path], cfg)
    assert not bad
    assert len(docs) == 30
    assert {d.source for d in docs} == {"s1", "s2"}
    by_file: dict[str, list[str]] = {}
    for d in docs:
        by_file.setdefault(Path(d.file).name, []).append(d.text)
    assert all(v == [r["body"] for r in recs] for v in by_file.values()), by_file
    # CSV line numbers count the header; parquet "lines" are 1-based rows
    assert [d.line for d in docs if d.file.endswith("d.csv")] == [2, 3, 4, 5, 6]
    assert [d.line for d in docs if d.file.endswith("f.parquet")] == [1, 2, 3, 4, 5]


def test_plain_text_line_and_file_modes_and_default_source(tmp_path: Path) -> None:
    (tmp_path / "web.txt").write_text("第一行\n\n second line \n", encoding="utf-8")
    docs, _ = read_all([tmp_path / "web.txt"])
    assert [(d.text, d.line, d.source) for d in docs] == [("第一行", 1, "web"), (" second line ", 3, "web")]
    docs, _ = read_all([tmp_path / "web.txt"], ReaderConfig(text_mode="file", default_source="crawl"))
    assert len(docs) == 1 and docs[0].text.startswith("第一行") and docs[0].source == "crawl"


def test_malformed_records_reported_by_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_bytes(
        b'{"text": "ok one"}\n'
        b'{"text": "broken\n'                       # 2: bad JSON
        b'{"text": "caf\xe9 latin-1"}\n'             # 3: wrong encoding
        b'{"title": "no text"}\n'                    # 4: missing field
        b'\n'                                        # 5: blank, not a record
        b'{"text": 42}\n'                            # 6: wrong type
        b'["a", "list"]\n'                           # 7: not an object
        b'{"text": "' + b"x" * 300 + b'"}\n'         # 8: longer than the limit
        b'{"text": "ok two"}'                        # 9: no trailing newline
    )
    docs, bad = read_all([f], ReaderConfig(max_record_bytes=200))
    assert [d.line for d in docs] == [1, 9]
    got = [(m.line, m.problem.split(" ")[0]) for m in bad]
    assert got == [(2, "invalid"), (3, "not"), (4, "missing"), (6, "text"), (7, "record"), (8, "record")]
    assert all(m.file == str(f) for m in bad)
    assert "utf-8" in bad[1].problem and "'text'" in bad[2].problem


def test_csv_multiline_fields_bad_rows_and_missing_columns(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(b'id,text\n1,"first\nspans two lines"\n2\n3,\xff\xfe bad bytes\n4,fine\n')
    docs, bad = read_all([f])
    assert [(d.line, d.text) for d in docs] == [(2, "first\nspans two lines"), (6, "fine")]
    assert sorted((m.line, m.problem.split(" ")[0]) for m in bad) == [(4, "row"), (5, "not")]
    g = tmp_path / "g.csv"
    g.write_text("id,body\n1,x\n", encoding="utf-8")
    _, bad = read_all([g])
    assert len(bad) == 1 and bad[0].line == 1 and "missing text column 'text'" in bad[0].problem


def test_missing_source_field_is_malformed_not_dropped(tmp_path: Path) -> None:
    f = tmp_path / "s.jsonl"
    f.write_text('{"text": "a", "src": "x"}\n{"text": "b"}\n', encoding="utf-8")
    docs, bad = read_all([f], ReaderConfig(source_field="src"))
    assert len(docs) == 1 and bad[0].line == 2 and "source field" in bad[0].problem


def test_corrupt_compressed_file_is_reported_not_raised(tmp_path: Path) -> None:
    f = tmp_path / "t.jsonl.gz"
    data = gzip.compress(b"".join(b'{"text": "doc %d"}\n' % i for i in range(2000)))
    f.write_bytes(data[: len(data) // 2])
    docs, bad = read_all([f])
    assert 0 < len(docs) < 2000 and len(bad) == 1 and "unreadable" in bad[0].problem


def test_paths_errors_and_globs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        expand_paths([tmp_path / "nope.jsonl"])
    with pytest.raises(InputError, match="matches no file"):
        expand_paths([str(tmp_path / "*.jsonl")])
    (tmp_path / "x.bin").write_text("?")
    with pytest.raises(InputError, match="unknown file type"):
        expand_paths([tmp_path / "x.bin"])
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_text('{"text": "a"}\n')
    (tmp_path / "sub" / "b.txt").write_text("b\n")
    assert [Path(p).name for p in expand_paths([str(tmp_path / "sub" / "*")])] == ["a.jsonl", "b.txt"]


def test_byte_range_shards_cover_every_line_once(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    f.write_text("".join(json.dumps({"text": f"doc {i} " + "z" * (i % 97)}) + "\n" for i in range(3000)), encoding="utf-8")
    cfg = ReaderConfig()
    shards = plan_shards([str(f)], cfg, shard_bytes=4096)
    assert len(shards) > 20
    docs, bad = read_all([f], cfg, shard_bytes=4096)
    assert not bad and [d.line for d in docs] == list(range(1, 3001))
    assert [d.text.split()[1] for d in docs] == [str(i) for i in range(3000)]


def test_csv_unterminated_quote_is_reported_with_its_lines(tmp_path: Path) -> None:
    # without strict parsing one stray quote would silently swallow every following row
    f = tmp_path / "q.csv"
    f.write_text('text,src\nfine,a\n"unterminated,b\nrow three,c\nrow four,d\n', encoding="utf-8")
    docs, bad = read_all([f])
    assert [(d.line, d.text) for d in docs] == [(2, "fine")]
    assert len(bad) == 1 and bad[0].line == 3 and "lines 3-5" in bad[0].problem and "unexpected end" in bad[0].problem
    g = tmp_path / "g.csv"
    g.write_text('text,src\n"quoted"tail,a\nok,b\n', encoding="utf-8")
    docs, bad = read_all([g])
    assert [d.text for d in docs] == ["ok"] and [m.line for m in bad] == [2]


def test_corrupt_zstd_and_truncated_gzip_say_where(tmp_path: Path) -> None:
    (tmp_path / "z.jsonl.zst").write_bytes(b"definitely not zstd")
    docs, bad = read_all([tmp_path / "z.jsonl.zst"])
    assert not docs and len(bad) == 1 and "ZstdError" in bad[0].problem
    f = tmp_path / "t.jsonl.gz"
    data = gzip.compress(b"".join(b'{"text": "doc %d"}\n' % i for i in range(2000)))
    f.write_bytes(data[: len(data) // 2])
    docs, bad = read_all([f])
    assert bad[0].line == docs[-1].line + 1 and f"after line {docs[-1].line}" in bad[0].problem


def test_byte_order_mark_is_not_part_of_the_first_record(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_bytes(b'\xef\xbb\xbf{"text": "first"}\n{"text": "second"}\n')
    (tmp_path / "b.txt").write_bytes(b"\xef\xbb\xbfline one\nline two\n")
    docs, bad = read_all([tmp_path / "b.jsonl", tmp_path / "b.txt"])
    assert not bad and [d.text for d in docs] == ["first", "second", "line one", "line two"]


def test_encodings_checked_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown text encoding 'latin-9x'"):
        ReaderConfig(encoding="latin-9x")
    with pytest.raises(InputError, match="convert the files to UTF-8"):
        ReaderConfig(encoding="utf-16")
    f = tmp_path / "gbk.txt"
    f.write_bytes("第一行\n第二行\n".encode("gb18030"))
    docs, bad = read_all([f], ReaderConfig(encoding="gb18030"))
    assert [d.text for d in docs] == ["第一行", "第二行"] and not bad
    docs, bad = read_all([f])  # read as UTF-8: every line reported, none dropped
    assert not docs and [m.line for m in bad] == [1, 2] and all("not utf-8" in m.problem for m in bad)


def test_truncated_zstd_is_reported_not_lost(tmp_path: Path) -> None:
    # zstandard's stream_reader returns b"" when the input stops inside a frame: a cut inside the
    # first block lost every record without a word, a later cut lost the tail
    import zstandard

    cctx = zstandard.ZstdCompressor()
    small = cctx.compress(b"".join(b'{"text": "doc %d"}\n' % i for i in range(50)))
    (tmp_path / "s.jsonl.zst").write_bytes(small[: len(small) // 2])
    docs, bad = read_all([tmp_path / "s.jsonl.zst"])
    assert not docs and len(bad) == 1 and "unreadable" in bad[0].problem and "truncated" in bad[0].problem
    assert bad[0].source == "s"
    big = cctx.compress(b"".join(b'{"text": "doc %d %d"}\n' % (i, i * 7919 % 10007) for i in range(30000)))
    (tmp_path / "b.jsonl.zst").write_bytes(big[: len(big) // 2])
    docs, bad = read_all([tmp_path / "b.jsonl.zst"])
    assert 0 < len(docs) < 30000 and [d.line for d in docs] == list(range(1, len(docs) + 1))
    assert len(bad) == 1 and bad[0].line == docs[-1].line + 1 and f"after line {docs[-1].line}" in bad[0].problem
    # complete files, one frame or several (pzstd, cat a.zst b.zst), still read whole
    (tmp_path / "m.jsonl.zst").write_bytes(small + cctx.compress(b'{"text": "second frame"}\n'))
    docs, bad = read_all([tmp_path / "m.jsonl.zst"])
    assert not bad and len(docs) == 51 and docs[-1].text == "second frame"


def test_malformed_records_carry_the_file_source(tmp_path: Path) -> None:
    # the source the file's readable records get, so per-source counts include the bad ones
    (tmp_path / "mal.jsonl").write_bytes(b'{"text": "ok"}\n{"text": "unterminated\n[1, 2]\n')
    (tmp_path / "gbk.txt").write_bytes("春天的公园\n".encode("gbk"))
    (tmp_path / "rows.csv").write_text('text,x\nfine,1\n"open quote,2\n', encoding="utf-8")
    _, bad = read_all([tmp_path / "mal.jsonl", tmp_path / "gbk.txt", tmp_path / "rows.csv"])
    assert [(Path(m.file).name, m.line, m.source) for m in bad] == [
        ("mal.jsonl", 2, "mal"), ("mal.jsonl", 3, "mal"), ("gbk.txt", 1, "gbk"), ("rows.csv", 3, "rows")]
    _, bad = read_all([tmp_path / "mal.jsonl"], ReaderConfig(default_source="crawl"))
    assert {m.source for m in bad} == {"crawl"}
    _, bad = read_all([tmp_path / "mal.jsonl"], ReaderConfig(source_field="site"))  # the field is unreadable
    assert {m.source for m in bad} == {None}


def test_directory_walk_skips_hidden_outputs_and_unknown_types_and_says_so(tmp_path: Path) -> None:
    from genguard.corpus.readers import collect_inputs

    d = tmp_path / "data"
    for rel in ("a.jsonl", "sub/b.txt", ".hidden.jsonl", ".cache/c.jsonl", "out/cleaned.jsonl", "out/manifest.jsonl",
                "out/.checkpoints/clean-x/intermediate/shard-00000.jsonl", "audit/audit.json", "audit/malformed.jsonl",
                "audit/audit.md", "audit/mine.jsonl", "weird.xyz", "x.jsonl.bz2", "noext"):
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text('{"text": "t"}\n', encoding="utf-8")
    got = collect_inputs([d], exclude=[d / "out"])
    assert [Path(f).relative_to(d).as_posix() for f in got.files] == ["a.jsonl", "audit/mine.jsonl", "sub/b.txt"]
    skipped = {Path(k["path"]).relative_to(d).as_posix(): k["reason"] for k in got.skipped}
    assert skipped == {
        ".cache": "hidden folder", ".hidden.jsonl": "hidden file", "out": "this run's --out folder",
        "audit": "genguard output files: audit.json, audit.md, malformed.jsonl", "weird.xyz": skipped["weird.xyz"],
        "x.jsonl.bz2": skipped["x.jsonl.bz2"], "noext": skipped["noext"]}
    assert all(skipped[k].startswith("unknown file type") for k in ("weird.xyz", "x.jsonl.bz2", "noext"))
    # --out given as the input folder itself: its own output files are skipped, the corpus is not
    (d / "out" / "x.jsonl").write_text('{"text": "t"}\n', encoding="utf-8")
    got = collect_inputs([d / "out"], exclude=[d / "out"])
    assert [Path(f).name for f in got.files] == ["x.jsonl"]
    # a pattern skips genguard output files too; a file named directly is always read
    got = collect_inputs([str(d / "audit" / "*.json*")])
    assert [Path(f).name for f in got.files] == ["mine.jsonl"] and len(got.skipped) == 2
    assert collect_inputs([d / "audit" / "malformed.jsonl"]).files == [str(d / "audit" / "malformed.jsonl")]
    (tmp_path / "only").mkdir()
    (tmp_path / "only" / "weird.xyz").write_text("x")
    with pytest.raises(InputError, match=r"holds no corpus file.*weird.xyz \(unknown file type"):
        collect_inputs([tmp_path / "only"])


EDGE_LINES = [
    b'\xef\xbb\xbf{"text": "after a byte-order mark"}\n',
    b'{"text": "plain", "src": "a"}\n',
    b'  \r\n',                                                      # blank: no record
    b'{"text": "dup", "text": "last wins", "src": "b"}\n',
    b'{"text": NaN, "src": "c"}\n',                                 # json accepts NaN (a float): wrong type
    b'{"text": "big source", "src": 123456789012345678901234567890}\n',  # orjson: a float; json: the int
    b'{"text": "lone \\ud800 surrogate", "src": "d"}\n',            # orjson refuses; json keeps it
    b'{"text": "pair \\ud83d\\ude00 \\u00e9 \\/", "src": "e"}\n',
    b'{"text": "tab\tinside", "src": "f"}\n',                       # raw control character: invalid
    b'{"text": "\xed\xa0\x80", "src": "g"}\n',                      # UTF-8 of a surrogate: undecodable
    b'{"text": "trailing", "src": "h"} x\n',
    b'{"text": "inf", "src": 1e400}\n',
    b'{"src": "i"}\n',
    b'{"text": null, "src": "j"}\n',
    b'"just a string"\n',
    b'{"text": "last line, no newline", "src": "k"}',
]


@pytest.mark.parametrize("source_field", [None, "src"])
def test_fast_json_path_reads_exactly_what_the_standard_path_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source_field: str | None
) -> None:
    """JSON lines are parsed by orjson from their bytes (readers._fast_record) and fall back to
    decode + json.loads whenever the two could differ: every record and every problem must be
    the same as with the standard path alone."""
    import genguard.corpus.readers as readers

    f = tmp_path / "edge.jsonl"
    f.write_bytes(b"".join(EDGE_LINES))
    cfg = ReaderConfig(source_field=source_field)
    fast = read_all([f], cfg)
    served = [line for line in range(1, len(EDGE_LINES) + 1)
              if readers._fast_record(EDGE_LINES[line - 1], cfg) is not None]
    monkeypatch.setattr(readers, "_fast_record", lambda raw, cfg: None)
    standard = read_all([f], cfg)
    assert fast == standard
    assert len(served) >= 3  # the fast path really served the ordinary lines
    docs, bad = standard
    assert "\ud800" in next(d.text for d in docs if d.text.startswith("lone"))
    if source_field:
        assert any(d.source == "123456789012345678901234567890" for d in docs)
        assert any(d.text == "last wins" and d.source == "b" for d in docs)
    assert {m.line for m in bad} >= {5, 9, 10, 11, 13, 14, 15}
