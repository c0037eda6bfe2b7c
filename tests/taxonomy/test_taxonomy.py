import json

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.taxonomy import get_taxonomy

APPENDIX_A = [f"A1.{i}" for i in range(1, 9)] + [f"A2.{i}" for i in range(1, 10)] + [
    f"A3.{i}" for i in range(1, 6)
] + [f"A4.{i}" for i in range(1, 8)] + ["A5.1", "A5.2"]


def test_appendix_a_has_exactly_31_risks_with_exact_codes() -> None:
    tax = get_taxonomy()
    assert len(APPENDIX_A) == 31
    assert tax.codes(appendix_a_only=True) == APPENDIX_A
    assert [c.code for c in tax.classes][:5] == ["A1", "A2", "A3", "A4", "A5"]


def test_every_entry_is_bilingual_and_security_categories_exist() -> None:
    tax = get_taxonomy()
    for r in tax.risks:
        assert r.zh and r.en and r.description_zh and r.description_en, r.code
    names = {r.en.lower() for r in tax.risks if r.code.startswith("S")}
    for needed in ("prompt injection", "jailbreak", "system-prompt leak", "personal information",
                   "secrets and credentials", "malicious code or url"):
        assert needed in names


def test_mappings_use_known_vocabularies() -> None:
    tax = get_taxonomy()
    imda = {"robustness", "factuality", "bias", "toxicity", "data_governance"}
    ail = {"vcr", "ncr", "src", "cse", "iwp", "ssh", "hte", "spc", "prv", "ipv", "elc", "dfm", "sxc"}
    for r in tax.risks:
        assert set(r.imda) <= imda, r.code
        assert set(r.ailuminate) <= ail, r.code
        assert all(o.startswith("LLM") and 1 <= int(o[3:]) <= 10 for o in r.owasp_llm), r.code
    assert tax.get("S1").owasp_llm == ["LLM01"]


def test_class_matching() -> None:
    tax = get_taxonomy()
    assert tax.class_of("A1.4") == "A1" and tax.class_of("S4") == "S"
    assert tax.matches("A1", "A1.4") and not tax.matches("A2", "A1.4") and tax.matches("*", "S2")


def test_cli_taxonomy_json_lists_all_codes() -> None:
    res = CliRunner().invoke(app, ["taxonomy", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    codes = [r["code"] for r in data["risks"]]
    assert set(APPENDIX_A) <= set(codes)
    assert {"S1", "S2", "S3", "S4", "S5", "S6"} <= set(codes)


def test_cli_taxonomy_table_renders() -> None:
    res = CliRunner().invoke(app, ["taxonomy", "--lang", "zh"])
    assert res.exit_code == 0 and "歧视性内容" in res.stdout
