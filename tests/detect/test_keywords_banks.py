"""Bank files: shipped coverage, provenance, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from genguard.detect.keywords.banks import builtin_dir, expand, load_bank_file, load_banks
from genguard.errors import ConfigError
from genguard.taxonomy import get_taxonomy


def test_shipped_banks_cover_every_a1_a2_risk_and_security_category_in_both_languages() -> None:
    banks = load_banks()
    by_code: dict[str, dict[str, int]] = {}
    for b in banks:
        for lang, n in b.count_by_lang().items():
            by_code.setdefault(b.category, {}).setdefault(lang, 0)
            by_code[b.category][lang] += n
    required = [c for c in get_taxonomy().codes() if c.startswith(("A1.", "A2."))] + ["S1", "S2", "S3", "S6"]
    for code in required:
        assert by_code.get(code, {}).get("zh", 0) >= 20, code
        assert by_code.get(code, {}).get("en", 0) >= 20, code


def test_every_shipped_bank_records_provenance_and_readme_lists_it() -> None:
    readme = (builtin_dir() / "README.md").read_text(encoding="utf-8")
    for b in load_banks():
        assert "genguard project" in b.provenance, b.source
        assert Path(b.source).name in readme, b.source


def test_expand_alternations() -> None:
    assert expand("{how to|ways to} make {a |}bomb") == [
        "how to make a bomb", "how to make bomb", "ways to make a bomb", "ways to make bomb",
    ]
    assert expand("plain") == ["plain"]


def _write(tmp_path: Path, body: str | bytes, name: str = "b.yaml") -> Path:
    p = tmp_path / name
    if isinstance(body, bytes):
        p.write_bytes(body)
    else:
        p.write_text(body, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("category: A1.4\nterms: {zh: [a, b]\n", "invalid YAML"),
        ("- just a list\n", "must be a mapping"),
        ("terms: {en: [x]}\n", "key 'category'"),
        ("category: Z9\nterms: {en: [x]}\n", "key 'category': unknown or missing taxonomy code 'Z9'"),
        ("category: A1.4\nterms: [x]\n", "key 'terms'"),
        ("category: A1.4\nterms: {en: x}\n", "key 'terms.en'"),
        ("category: A1.4\nterms: {en: [ok, 3]}\n", "key 'terms.en[1]'"),
        ("category: A1.4\nterms: {en: [ok, '  ']}\n", "key 'terms.en[1]': empty term"),
        ("category: A1.4\nterms: {en: [{term: x, score: 2}]}\n", "key 'terms.en[0].score'"),
        ("category: A1.4\nscore: high\nterms: {en: [x]}\n", "key 'score'"),
        ("category: A1.4\npinyin: maybe\nterms: {en: [x]}\n", "key 'pinyin'"),
        ("category: A1.4\nterms: {en: [x]}\nallow: [ok, 5]\n", "key 'allow[1]'"),
        ("category: A1.4\nterms: {en: [x]}\nwords: [y]\n", "unknown key(s) words"),
        ("category: A1.4\nterms:\n  zh: [炸弹]\n  en: [x]\n  zh: [y]\n", "duplicate key 'terms.zh' at line 5 (first at line 3)"),
        ("category: A1.4\nterms: {en: ['</system>']}\n", "list it under 'literal'"),
        ("category: A1.4\nterms: {en: ['***']}\n", "no letters or digits"),
        ("category: A1.4\nterms: {en: ['{a|b|c|d|e|f|g|h|i|j}{a|b|c|d|e|f|g|h|i|j}{a|b|c|d|e|f|g|h|i|j}{a|b|c|d|e|f|g|h|i|j}']}\n", "expands to 10000 entries"),
    ],
)
def test_bad_bank_files_name_file_and_key(tmp_path: Path, body: str, needle: str) -> None:
    p = _write(tmp_path, body)
    with pytest.raises(ConfigError) as exc:
        load_bank_file(p)
    msg = str(exc.value)
    assert str(p) in msg and needle in msg, msg


def test_non_utf8_bank_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    p = _write(tmp_path, "category: A1.4\nterms: {zh: [制作炸弹]}\n".encode("gbk"))
    with pytest.raises(ConfigError, match=r"not UTF-8 text .* re-save it as UTF-8") as exc:
        load_bank_file(p)
    assert str(p) in str(exc.value)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = _write(tmp_path, "\ufeffcategory: A1.4\nterms: {zh: [制作炸弹]}\n")
    assert load_bank_file(p).terms == {"zh": ["制作炸弹"]}


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_banks([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match=r"holds no \*\.yaml files"):
        load_banks([tmp_path / "empty"])
