"""Import third-party test sets into genguard banks.

``import_table`` reads any CSV/JSONL with a column mapping. The named importers know the
layouts of the public research sets (JADE, Flames, CValues, XSTest, GPTFuzz) and map their
categories onto taxonomy codes. The category mappings are the project's own reading of each
dataset's labels; questions whose label has no sensible Appendix A code keep ``risk: null``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from genguard.assess.bank import BankItem, BankType, parse_items, read_text
from genguard.errors import InputError

FIELDS = ("id", "question", "language", "risk", "bank", "expected", "source")


def _rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    text = read_text(path)
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}: line {n}: invalid JSON ({exc.msg})") from None
                if not isinstance(rec, dict):
                    raise InputError(f"{path}: line {n}: expected a JSON object")
                yield f"line {n}", rec
    elif path.suffix.lower() in (".csv", ".tsv"):
        yield from _table_rows(path, text)
    else:
        raise InputError(f"{path}: unsupported table format {path.suffix!r} (use .csv, .tsv or .jsonl)")


MAX_ROW_ERRORS_SHOWN = 20


def _table_rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    """The records of a CSV/TSV, each checked against the header's shape.

    A row with more or fewer fields than the header, or a quote left open to the end of the file
    (which swallows every following row into one field), is reported by line, and nothing is
    imported, rather than losing or merging questions silently."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if path.suffix.lower() == ".tsv" else ",",
                        strict=True)
    header: list[str] | None = None
    records: list[tuple[str, dict[str, Any]]] = []
    errors: list[str] = []
    n = 1  # records numbered from the header's row 1, as before ("row 2" is the first question)
    start = 1
    while True:
        start = reader.line_num + 1  # the physical line the next row starts on
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            why = ("unterminated quoted field (the quote opened here runs to the end of the file)"
                   if "unexpected end of data" in str(exc) else f"malformed CSV ({exc})")
            errors.append(f"line {start}: {why}")
            break
        if not row:
            continue
        if header is None:
            header = [h.strip() for h in row]
            continue
        n += 1
        if all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            errors.append(f"line {start}: {len(row)} fields, header has {len(header)}")
            continue
        records.append((f"row {n}", dict(zip(header, row, strict=True))))
    if errors:
        shown = " | ".join(errors[:MAX_ROW_ERRORS_SHOWN])
        more = f" (and {len(errors) - MAX_ROW_ERRORS_SHOWN} more)" if len(errors) > MAX_ROW_ERRORS_SHOWN else ""
        raise InputError(f"{path}: {len(errors)} malformed row(s), nothing imported: {shown}{more}")
    return records


def import_table(
    path: str | Path,
    mapping: dict[str, str],
    defaults: dict[str, Any] | None = None,
    transform: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any] | None] | None = None,
) -> list[BankItem]:
    """Map columns onto bank fields: ``mapping = {"question": "prompt", "risk": "code"}``."""
    p = Path(path)
    bad = [k for k in mapping if k not in FIELDS]
    if bad:
        raise InputError(f"column mapping names unknown bank field(s) {bad}; fields are {list(FIELDS)}")
    if "question" not in mapping:
        raise InputError("column mapping needs 'question' (e.g. --map question=prompt)")
    records: list[tuple[str, Any]] = []
    first = True
    for where, row in _rows(p):
        if first:
            missing = [c for c in mapping.values() if c not in row]
            if missing:
                raise InputError(f"{p}: column(s) {missing} not found; columns are {list(row)}")
            first = False
        rec: dict[str, Any] = {**(defaults or {})}
        for field, col in mapping.items():
            val = row.get(col)
            if val not in (None, ""):
                rec[field] = val.strip() if isinstance(val, str) else val
        rec.setdefault("source", f"{p.name}:{where}")
        if transform is not None:
            out = transform(row, rec)
            if out is None:
                continue
            rec = out
        records.append((where, rec))
    return parse_items(records, str(p))


# -- dataset-specific label mappings (project's reading of each dataset's categories) -------
JADE_SUBCATEGORY = {
    "宣扬恐怖主义、极端主义": "A1.4", "危害国家利益、损害国家形象": "A1.2", "宣扬民族歧视": "A2.1",
    "民族歧视内容": "A2.1", "宣扬暴力、淫秽色情": "A1.6", "宣扬暴力": "A1.6", "宣扬淫秽色情": "A1.6",
    "传播虚假有害信息": "A1.7", "信仰歧视内容": "A2.2", "国别歧视内容": "A2.3", "地域歧视内容": "A2.4",
    "性别歧视内容": "A2.5", "年龄歧视内容": "A2.6", "职业歧视内容": "A2.7", "健康歧视内容": "A2.8",
    "其他方面歧视内容": "A2.9", "肤色歧视内容": "A2.1", "服装歧视内容": "A2.9", "违反商业道德": "A3.2",
    "泄露他人商业秘密": "A3.3", "侵犯他人知识产权": "A3.1", "危害他人身心健康": "A4.1",
    "侵害他人身心健康": "A4.1", "侵害他人肖像权": "A4.2", "侵害他人名誉权": "A4.3", "侵害他人荣誉权": "A4.4",
    "侵害他人隐私权": "A4.5", "侵害他人个人信息权益": "A4.6", "非法获取私人信息": "A4.6",
    "侵害他人其他合法权益": "A4.7", "侵犯他人其他合法权益": "A4.7", "故意伤害他人": "A1.6",
}
FLAMES_SUBCOMPONENT = {
    "Bias and discrimination": "A2.9", "Toxic language": "A4.3", "Chinese values": "A1.8",
    "Disobey social norm": "A1.8", "Physical harm": "A4.1", "Mental harm": "A4.1", "Property safety": "A1.8",
    "Law violation": "A1.8", "Personal data": "A4.6", "Sensitive information": "A4.5",
    "Non-environmental friendly": "A1.8", "Non-anthropomorphism": "A5.2",
}
CVALUES_DOMAIN = {
    "psychology": "A4.1", "law": "A1.8", "intimate_relationship": "A4.1", "environmental_science": "A5.1",
    "social_science": "A2.9", "data_science": "A4.6", "barrier_free": "A2.8", "lesser_known_major": "A5.1",
}


def import_jade(path: str | Path) -> list[BankItem]:
    """JADE-DB CSV (ID,问题,违规类型,违规子类): harmful questions -> should-refuse."""
    p = Path(path)
    lang = "en" if "_en" in p.name else "zh"

    def tx(row: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        sub = (row.get("违规子类") or "").split("|")[0].strip()
        rec["risk"] = JADE_SUBCATEGORY.get(sub)
        rec["metadata"] = {"category": (row.get("违规类型") or "").strip(), "subcategory": row.get("违规子类")}
        rec["id"] = f"jade-{p.stem}-{row.get('ID')}"
        return rec

    return import_table(p, {"question": "问题"}, {"bank": BankType.SHOULD_REFUSE, "language": lang,
                                                  "source": f"JADE-DB {p.name}"}, tx)


def import_flames(path: str | Path) -> list[BankItem]:
    """Flames JSONL (dimension, subcomponent, prompt): adversarial prompts -> generated-content."""
    p = Path(path)
    counter = iter(range(1, 10**9))

    def tx(row: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        rec["risk"] = FLAMES_SUBCOMPONENT.get(str(row.get("subcomponent")))
        rec["metadata"] = {"dimension": row.get("dimension"), "subcomponent": row.get("subcomponent")}
        rec["id"] = f"flames-{next(counter)}"
        return rec

    return import_table(p, {"question": "prompt"}, {"bank": BankType.GENERATED, "language": "zh",
                                                    "source": f"Flames {p.name}"}, tx)


def import_cvalues(path: str | Path) -> list[BankItem]:
    """CValues responsibility prompts JSONL (id_, prompt, domain_en): -> generated-content."""
    p = Path(path)

    def tx(row: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        rec["risk"] = CVALUES_DOMAIN.get(str(row.get("domain_en")))
        rec["metadata"] = {"domain": row.get("domain_en")}
        rec["id"] = f"cvalues-{row.get('id_')}"
        return rec

    return import_table(p, {"question": "prompt"}, {"bank": BankType.GENERATED, "language": "zh",
                                                    "source": f"CValues {p.name}"}, tx)


def import_xstest(path: str | Path) -> list[BankItem]:
    """XSTest CSV (id,prompt,type,label): safe -> should-not-refuse, unsafe -> should-refuse."""
    p = Path(path)

    def tx(row: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        label = (row.get("label") or "").strip()
        if label not in ("safe", "unsafe"):
            raise InputError(f"{p}: id {row.get('id')}: label must be safe or unsafe, got {label!r}")
        rec["bank"] = BankType.SHOULD_NOT_REFUSE if label == "safe" else BankType.SHOULD_REFUSE
        rec["metadata"] = {"type": row.get("type"), "focus": row.get("focus")}
        rec["id"] = f"xstest-{row.get('id')}"
        return rec

    return import_table(p, {"question": "prompt"}, {"language": "en", "source": f"XSTest {p.name}"}, tx)


def import_gptfuzz(path: str | Path) -> list[BankItem]:
    """GPTFuzz harmful_questions.csv (index,text): -> should-refuse (English)."""
    p = Path(path)

    def tx(row: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        rec["id"] = f"gptfuzz-{row.get('index')}"
        return rec

    return import_table(p, {"question": "text"}, {"bank": BankType.SHOULD_REFUSE, "language": "en",
                                                  "source": f"GPTFuzz {p.name}"}, tx)


IMPORTERS: dict[str, Callable[[str | Path], list[BankItem]]] = {
    "jade": import_jade,
    "flames": import_flames,
    "cvalues": import_cvalues,
    "xstest": import_xstest,
    "gptfuzz": import_gptfuzz,
}


def load_gptfuzz_templates(path: str | Path) -> list[str]:
    """GPTFuzz jailbreak_templates.csv (id,text) -> templates with the ``[INSERT PROMPT HERE]`` slot."""
    from genguard.assess.mutators.jailbreak import SLOT

    out = []
    for where, row in _rows(Path(path)):
        t = row.get("text") or ""
        if SLOT not in t:
            raise InputError(f"{path}: {where}: template lacks the {SLOT} slot")
        out.append(t)
    return out
