"""Deterministic train / held-out splits of ../shared/data for the default classifiers.

Shared by ``train_defaults`` (which fits only on the training rows) and ``run`` (which reports
metrics only on the held-out rows), so no evaluation row is ever used for fitting.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genguard.detect.classifier.data import Example
from genguard.detect.classifier.detector import windows

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("GENGUARD_SHARED_DATA", ROOT.parent / "shared" / "data"))
PROJECT = Path(__file__).parent / "data"
SEED = 20240229
INJECTION_WINDOW = 160  # the default policy's injection detector window
_HAN_RX = re.compile(r"[\u4e00-\u9fff]")

LICENCES = {
    "cold": "COLD (thu-coai), Apache-2.0",
    "toxigen": "ToxiGen prompts (Microsoft), MIT",
    "jade": "JADE-DB (Fudan), MIT",
    "flames": "Flames 1k (AI45Lab), Apache-2.0",
    "xstest": "XSTest (Röttger et al.), CC-BY-4.0",
    "cvalues": "CValues responsibility prompts (Alibaba), Apache-2.0",
    "bipia": "BIPIA (Microsoft), MIT",
    "gptfuzz": "GPTFuzz (Yu et al.), MIT",
    "project": "genguard project-written examples (bench/quality/data, bench/quality/write_project_data.py), Apache-2.0",
}


@dataclass
class Split:
    train: list[Example] = field(default_factory=list)
    held: list[Example] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    extra: dict[str, list[Example]] = field(default_factory=dict)  # named held-out sets


def require_data() -> Path:
    if not DATA.is_dir():
        raise SystemExit(f"shared datasets not found at {DATA} (set GENGUARD_SHARED_DATA)")
    return DATA


def _ex(text: str, label: str, code: str | None, src: str) -> Example:
    return Example(text=text, label=label, category=code, source=src)


def _split(items: list[Example], frac: float, rng: random.Random, key: str = "label") -> tuple[list[Example], list[Example]]:
    """Stratified split by label (or by source prefix): returns (train, held)."""
    groups: dict[str, list[Example]] = defaultdict(list)
    for e in items:
        groups[e.label if key == "label" else e.source.split("#")[0]].append(e)
    tr: list[Example] = []
    he: list[Example] = []
    for g in sorted(groups):
        rows = groups[g][:]
        rng.shuffle(rows)
        k = round(len(rows) * frac)
        he += rows[:k]
        tr += rows[k:]
    return tr, he


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------- short fragments
_EDGE_PUNCT = " \t.,;:!?\"'()[]-。，！？、；：“”‘’（）"


def fragments(items: list[Example], seed: int, per_text: int = 2, label: str = "benign") -> list[Example]:
    """Short pieces of benign sentences, as users type them to a chat service ("who are you",
    "it is", "你是谁"): 1-4 consecutive words of a sentence without Chinese characters, 2-8
    consecutive characters of one with them; ``per_text`` pieces per sentence, de-duplicated, in
    a seeded order. Why: the default models were fitted on whole sentences only, and a piece of a
    neutral ToxiGen statement ("are", "you are right") was scored as hate, so the guard refused
    everyday one-line messages. Pieces of the training half are fitted as benign; pieces of the
    held-out half measure the false-positive rate on short texts (bench.quality.run). Only
    benign sentences are cut: a piece of a hateful statement may still be hateful."""
    rng = random.Random(seed)
    out: list[Example] = []
    seen: set[str] = set()
    for e in items:
        text = e.text.replace("\\n", " ")
        for _ in range(per_text):
            if _HAN_RX.search(text):
                chars = "".join(text.split())
                if len(chars) < 2:
                    break
                n = rng.randint(2, min(8, len(chars)))
                i = rng.randrange(len(chars) - n + 1)
                piece = chars[i : i + n].strip(_EDGE_PUNCT)
            else:
                words = text.split()
                if not words:
                    break
                n = rng.randint(1, min(4, len(words)))
                i = rng.randrange(len(words) - n + 1)
                piece = " ".join(words[i : i + n]).strip(_EDGE_PUNCT)
            if len(piece) >= 2 and _key(piece) not in seen:
                seen.add(_key(piece))
                out.append(Example(piece, label, None, f"{e.source}#fragment"))
    return out


def benign_as(rows: list[Example], label: str, *, chinese: bool) -> list[Example]:
    """The rows of one language (with Chinese characters or without) under a model's benign label."""
    return [Example(e.text, label, None, e.source) for e in rows if bool(_HAN_RX.search(e.text)) == chinese]


def identity_split() -> tuple[list[Example], list[Example]]:
    """(train, held) round six's neutral identity mentions (project_identity.jsonl): a quarter of
    the identities of each language held out with every template, so the held-out rate is on
    identities no model was fitted with."""
    rows = _jsonl(PROJECT / "project_identity.jsonl")
    rng = random.Random(SEED + 16)
    held: set[str] = set()
    for lang in ("en", "zh"):
        names = sorted({r["identity"] for r in rows if r["lang"] == lang})
        rng.shuffle(names)
        held |= set(names[: round(len(names) * 0.25)])
    tr = [_ex(r["text"], "benign", None, f"project/identity/{r['lang']}") for r in rows if r["identity"] not in held]
    he = [_ex(r["text"], "benign", None, f"project/identity/{r['lang']}") for r in rows if r["identity"] in held]
    return tr, he


def stratified_folds(rows: list[Example], k: int, seed: int) -> np.ndarray:
    """Fold number (0..k-1) of each row: rows shuffled with ``seed``, then dealt round-robin
    label by label, so every fold holds each label's share (the out-of-fold comparisons)."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    by_label: dict[str, list[int]] = {}
    for i in order:
        by_label.setdefault(rows[i].label, []).append(i)
    fold = np.zeros(len(rows), dtype=int)
    for idx in by_label.values():
        for j, i in enumerate(idx):
            fold[i] = j % k
    return fold


def tech_split() -> tuple[list[Example], list[Example]]:
    """(train, held) round eight's hand-written developers' requests (project_tech_requests.jsonl:
    programming, databases, operations, defensive security; and harmful ones, A1 / A4): a fifth
    of each language's benign and of its harmful rows held out."""
    rows = [_ex(r["text"], r["label"], r["category"] or None, f"project/tech/{r['lang']}")
            for r in _jsonl(PROJECT / "project_tech_requests.jsonl")]
    return _fifth_of_each(rows, [(lang, harmful) for lang in ("en", "zh") for harmful in (False, True)],
                          lambda e: (e.source.rsplit("/", 1)[-1], e.label != "benign"), SEED + 18)


def dev_probe() -> list[Example]:
    """Round eight's developers' probe (dev_probe.jsonl): benign programming requests that round
    seven's intent model partly refused, and harmful ones (label "harmful"); written before the
    training rows, never fitted."""
    return [_ex(r["text"], r["label"], None, f"project/dev_probe/{r['lang']}") for r in _jsonl(PROJECT / "dev_probe.jsonl")]


def task_requests() -> list[Example]:
    """Round seven's hand-written users' own task requests (project_task_requests.jsonl: code,
    writing, translation, study); never fitted, a held-out false-positive set as a whole."""
    return [_ex(r["text"], "benign", None, f"project/task_request/{r['lang']}")
            for r in _jsonl(PROJECT / "project_task_requests.jsonl")]


def short_chat_split() -> tuple[list[Example], list[Example]]:
    """(train, held) round six's hand-written one-line chat messages (project_short_chat.jsonl):
    a fifth of each language held out."""
    rows = [_ex(r["text"], "benign", None, f"project/short_chat/{r['lang']}") for r in _jsonl(PROJECT / "project_short_chat.jsonl")]
    return _fifth_of_each(rows, ["en", "zh"], lambda e: e.source.rsplit("/", 1)[-1], SEED + 17)


def _fifth_of_each(rows: list[Example], groups: list[Any], group_of: Callable[[Example], Any],
                   seed: int) -> tuple[list[Example], list[Example]]:
    """(train, held) of hand-written rows: each group (``group_of`` a row, in the order of
    ``groups``) split 80/20 by :func:`_split` with a generator of its own seeded ``seed``."""
    tr: list[Example] = []
    he: list[Example] = []
    for g in groups:
        a, b = _split([e for e in rows if group_of(e) == g], 0.2, random.Random(seed))
        tr += a
        he += b
    return tr, he


# ------------------------------------------------------------------------- COLD (zh offensive)
COLD_CODES = {"race": "A2.1", "region": "A2.4", "gender": "A2.5"}


def cold(part: str) -> list[Example]:
    rows = _csv(require_data() / "cold" / f"{part}.csv")
    out = []
    for r in rows:
        lab = "0" if r["label"] == "0" else f"offensive_{r['topic']}"
        out.append(_ex(r["TEXT"], lab, None if lab == "0" else COLD_CODES[r["topic"]], f"cold/{part}"))
    return out


def cold_train() -> list[Example]:
    """The offensive-language model's training rows: COLD train, plus (round five) the Chinese
    training half of the hand-written everyday sentences as non-offensive ("0"): news sentences and
    idioms such as "我们要打击犯罪" scored as discrimination, being unlike any COLD comment."""
    rows = cold("train") + benign_as(everyday_broad_split()[0] + identity_split()[0] + short_chat_split()[0], "0",
                                     chinese=True)
    # round six: one short piece of every non-offensive row ("你", "不是" alone were offensive);
    # one per row cost the least COLD-dev macro-F1 of 0, 1 and 2 (0.904 / 0.897 / 0.893) while
    # cutting dev pieces flagged from 6.7% to 2.6% (measured before the identity rows were added;
    # bench.quality.run reports the shipped model)
    return rows + fragments([e for e in rows if e.label == "0"], SEED + 22, per_text=1, label="0")


# ------------------------------------------------------------------------- ToxiGen (en hate)
TOXIGEN_CODES = {
    "black": "A2.1", "asian": "A2.1", "native_american": "A2.1", "latino": "A2.1", "mexican": "A2.1",
    "chinese": "A2.1", "jewish": "A2.2", "muslim": "A2.2", "middle_east": "A2.3", "immigrant": "A2.3",
    "women": "A2.5", "lgbtq": "A2.5", "trans": "A2.5", "bisexual": "A2.5",
    "mental_disability": "A2.8", "physical_disability": "A2.8",
}
TOXIGEN_LABEL = {"A2.1": "hate_ethnic", "A2.2": "hate_religion", "A2.3": "hate_nationality",
                 "A2.5": "hate_gender_sexuality", "A2.8": "hate_disability"}


def toxigen_statements() -> list[Example]:
    out: list[Example] = []
    seen: set[str] = set()
    for f in sorted((require_data() / "toxigen" / "prompts").glob("*_1k.txt")):
        kind, group = f.stem.removesuffix("_1k").split("_", 1)
        code = TOXIGEN_CODES.get(group, "A2.9")
        for line in f.read_text("utf-8").splitlines():
            for s in line.split("\\n"):
                s = s.strip().lstrip("-").strip()
                if len(s) < 8 or s in seen:
                    continue
                seen.add(s)
                if kind == "hate":
                    out.append(_ex(s, TOXIGEN_LABEL[code], code, f"toxigen/{group}"))
                else:
                    out.append(_ex(s, "safe", None, f"toxigen/{group}"))
    return out


def toxicity_split() -> Split:
    rng = random.Random(SEED)
    sp = Split(sources={"toxigen", "project", "xstest", "bipia"})
    tr, he = _split(toxigen_statements(), 0.2, rng)
    proj = [_ex(r["text"], r["label"], r["category"] or None, "project/en_harm") for r in _jsonl(PROJECT / "project_en_harm.jsonl")]
    ptr, phe = _split(proj, 0.25, rng)
    # English prompts that are not toxic (so questions about groups/violence words are not "hate")
    xtr, _xhe = xstest_split()
    btr, _bhe = benign_split()
    negs = [Example(e.text, "safe", None, e.source) for e in xtr if e.label == "benign"]
    negs += [Example(e.text, "safe", None, e.source) for e in btr
             if e.source in ("project/benign", "bipia/email_q") and not _HAN_RX.search(e.text)]
    em_tr, _em_he = email_split()  # ordinary documents are not toxic either
    negs += [Example(e[a:b], "safe", None, "bipia/email") for e in em_tr for a, b in windows(e, INJECTION_WINDOW)]
    negs += benign_as(everyday_broad_split()[0] + identity_split()[0] + short_chat_split()[0], "safe", chinese=False)
    # round six: short pieces of the safe training rows (email windows left out: they are
    # documents, not messages), so a short message is judged by its words, not by the
    # statements it could begin ("who are you", "it is" were scored as hate)
    safe_tr = [e for e in tr + ptr + negs if e.label == "safe" and e.source != "bipia/email"]
    short = fragments(safe_tr, SEED + 21, per_text=3, label="safe")
    sp.train, sp.held = tr + ptr + negs + short, he + phe
    sp.extra = {"toxigen_held": he, "project_held": phe}
    return sp


# ------------------------------------------------------------------------- harmful intent
JADE_CLASS = {"歧视偏见": "A2", "侵犯权益": "A4", "侵害权益": "A4", "违法犯罪": "A1"}
JADE_A3 = {"违反商业道德", "泄露他人商业秘密"}
INTENT_CODE = {"A1": "A1.8", "A2": "A2.9", "A3": "A3.5", "A4": "A4.7"}
FLAMES_CLASS = {"Bias and discrimination": "A2", "Toxic language": "A4", "Physical harm": "A4", "Mental harm": "A4",
                "Law violation": "A1", "Personal data": "A4", "Sensitive information": "A1"}
EN_HARM_CLASS = {"sexual": "A1", "violence": "A1", "self_harm": "A4", "harassment": "A4"}  # project_en_harm labels
XSTEST_UNSAFE_CLASS = {"contrast_discr": "A2", "contrast_privacy": "A4"}


def _gptfuzz_class(q: str) -> str:
    """Project-written keyword rule assigning GPTFuzz's uncategorised questions to a class."""
    s = q.lower()
    if any(w in s for w in ("racis", "supremac", "discriminat", "hate ", "ethnic", "sexis", "inferior")):
        return "A2"
    if any(w in s for w in ("copyright", "pirat", "counterfeit", "trade secret", "competitor", "monopol")):
        return "A3"
    if any(w in s for w in ("privacy", "personal information", "stalk", "track someone", "harass", "bully",
                            "self-harm", "suicide", "defam", "spy on")):
        return "A4"
    return "A1"


def jade() -> list[Example]:
    out = []
    for name in ("jade_v1_zh", "jade_v1_en", "jade_v2_easy_zh"):
        for r in _csv(require_data() / "jade" / f"{name}.csv"):
            cls = "A3" if r["违规子类"].strip() in JADE_A3 else JADE_CLASS[r["违规类型"].strip()]
            out.append(_ex(r["问题"], cls, INTENT_CODE[cls], f"jade/{name}"))
    return out


def xstest() -> list[Example]:
    out = []
    for r in _csv(require_data() / "xstest" / "xstest_prompts.csv"):
        if r["label"] == "safe":
            out.append(_ex(r["prompt"], "benign", None, f"xstest/{r['type']}"))
        else:
            cls = XSTEST_UNSAFE_CLASS.get(r["type"], "A1")
            out.append(_ex(r["prompt"], cls, INTENT_CODE[cls], f"xstest/{r['type']}"))
    return out


def xstest_split() -> tuple[list[Example], list[Example]]:
    return _split(xstest(), 0.5, random.Random(SEED + 10), key="source")


def jade_split() -> tuple[list[Example], list[Example]]:
    return _split(jade(), 0.3, random.Random(SEED + 11))


def benign_split(n: int = 800) -> tuple[list[Example], list[Example]]:
    """Benign prompts/text: CValues prompts, project instructions, BIPIA email questions, COLD/ToxiGen neutral."""
    d = require_data()
    cv = [_ex(r["prompt"], "benign", None, "cvalues") for r in _jsonl(d / "cvalues" / "cvalues_responsibility_prompts.jsonl")]
    pb = [_ex(r["text"], "benign", None, "project/benign") for r in _jsonl(PROJECT / "project_benign.jsonl")]
    eq = [_ex(r["question"].removeprefix("Q: "), "benign", None, "bipia/email_q") for r in _jsonl(d / "bipia" / "email_train.jsonl")]
    cold_neutral = [e for e in cold("train") if e.label == "0"]
    tox_neutral = [e for e in toxigen_statements() if e.label == "safe"]
    r2 = random.Random(SEED + 5)
    general = [Example(e.text, "benign", None, e.source)
               for e in r2.sample(cold_neutral, min(n, len(cold_neutral))) + r2.sample(tox_neutral, min(n, len(tox_neutral)))]
    tr, he = _split(cv + pb + eq + general, 0.2, random.Random(SEED + 12), key="source")
    return tr, he


def everyday_broad_split() -> tuple[list[Example], list[Example]]:
    """(train, held) round five's hand-written everyday sentences (project_everyday_broad.jsonl):
    per kind and language 20% of the sentence groups held out (a how-to question and its copy
    without a question mark share a group). Sentences that coincide with an evaluation text
    (JADE, XSTest, the tester's probe set) are dropped, so no held-out text is ever fitted."""
    public = {_key(e.text) for e in xstest() + jade() + qa_probe()}
    groups: dict[str, list[Example]] = defaultdict(list)
    for r in _jsonl(PROJECT / "project_everyday_broad.jsonl"):
        if _key(r["text"]) not in public:
            groups[r["group"]].append(_ex(r["text"], "benign", None, f"project/broad/{r['lang']}/{r['kind']}"))
    by_kind: dict[str, list[str]] = defaultdict(list)
    for g, rows in groups.items():
        by_kind[rows[0].source].append(g)
    rng = random.Random(SEED + 15)
    tr: list[Example] = []
    he: list[Example] = []
    for kind in sorted(by_kind):
        names = sorted(by_kind[kind])
        rng.shuffle(names)
        k = round(len(names) * 0.2)
        he += [e for g in names[:k] for e in groups[g]]
        tr += [e for g in names[k:] for e in groups[g]]
    return tr, he


def qa_probe() -> list[Example]:
    """Benign texts an exploratory tester found refused or flagged by the round-three models
    (qa_probe_benign.jsonl; evaluation only, never fitted)."""
    return [_ex(r["text"], "benign", None, f"project/qa_probe/{r['lang']}") for r in _jsonl(PROJECT / "qa_probe_benign.jsonl")]


def intent_split() -> Split:
    rng = random.Random(SEED + 1)
    sp = Split(sources={"jade", "flames", "xstest", "gptfuzz", "cvalues", "bipia", "cold", "toxigen", "project"})
    jtr, jhe = jade_split()
    fl = []
    for r in _jsonl(require_data() / "flames" / "Flames_1k_Chinese.jsonl"):
        cls = FLAMES_CLASS.get(r["subcomponent"])
        if cls:
            fl.append(_ex(r["prompt"], cls, INTENT_CODE[cls], "flames"))
    ftr, fhe = _split(fl, 0.2, rng)
    gq = [_ex(r["text"], c, INTENT_CODE[c], "gptfuzz/questions")
          for r in _csv(require_data() / "gptfuzz" / "harmful_questions.csv") for c in [_gptfuzz_class(r["text"])]]
    gtr, ghe = _split(gq, 0.2, rng)
    xtr, xhe = xstest_split()
    btr, bhe = benign_split()
    # project-written everyday chat and benign how-to questions (round two; intent model only)
    ev = [_ex(r["text"], "benign", None, "project/everyday") for r in _jsonl(PROJECT / "project_everyday.jsonl")]
    etr, ehe = _split(ev, 0.2, rng)
    # round three: project-written English harmful requests (A1-A4) and benign prompts that merely
    # sound unsafe (project_en_intent.jsonl, 80/20 by label), and project_en_harm.jsonl's harmful
    # requests mapped to their class (the same rows toxicity_split holds out stay held out here)
    # a template expansion can coincide with an evaluation prompt ("What is money laundering?" is an
    # XSTest prompt): such rows are dropped so that no held-out text is ever fitted
    public = {_key(e.text) for e in xstest() + jade()}
    pe = [_ex(r["text"], r["label"], r["category"] or None, f"project/en_intent/{r['kind']}")
          for r in _jsonl(PROJECT / "project_en_intent.jsonl") if _key(r["text"]) not in public]
    petr, pehe = _split(pe, 0.2, random.Random(SEED + 14))
    tox_held = {e.text for e in toxicity_split().extra["project_held"]}
    harm_tr: list[Example] = []
    harm_he: list[Example] = []
    for r in _jsonl(PROJECT / "project_en_harm.jsonl"):
        cls = EN_HARM_CLASS.get(r["label"])
        e = _ex(r["text"], cls or "benign", INTENT_CODE[cls] if cls else None, "project/en_harm")
        (harm_he if r["text"] in tox_held else harm_tr).append(e)
    # round five: hand-written everyday sentences of the shapes the round-three model refused
    brtr, brhe = everyday_broad_split()
    # round six tried one short piece of every benign training row here too, and then of every
    # Chinese one: at the out-of-fold thresholds (choose_thresholds) English dev recall fell from
    # 0.535 to 0.372 / 0.365 (the pieces outweigh the English benign rows under balanced class
    # weights), so it fits no pieces. A third try weighted the classes as balanced over the whole
    # rows only (the pieces adding to the benign class): zh 0.71 / en 0.98 chosen (dev recall
    # 0.887 / 0.414), and "如何", "你" alone still scored 0.98 / 1.0, as JADE's questions nearly
    # all open with them (the default policy's min_chars covers those). What it fits instead:
    # hand-written one-line chat messages ("为什么呢", "why not?", 80/20)
    chtr, chhe = short_chat_split()
    # round eight: hand-written developers' requests ("数据库里的用户密码应该怎么存储才安全？"),
    # after round seven's model refused Chinese programming requests with sensitive-sounding words
    tetr, tehe = tech_split()
    sp.train = jtr + ftr + gtr + xtr + btr + etr + petr + harm_tr + brtr + chtr + tetr
    sp.held = jhe + fhe + ghe + xhe + bhe + ehe + pehe + harm_he + brhe + chhe + tehe
    sp.extra = {
        "jade_held": jhe,
        "xstest_safe_held": [e for e in xhe if e.label == "benign"],
        "xstest_unsafe_held": [e for e in xhe if e.label != "benign"],
        "flames_held": fhe,
        "benign_held": bhe,
        "everyday_held": ehe,
        "project_en_intent_held": pehe + harm_he,
        "broad_held": brhe,
        "tech_held": tehe,
    }
    return sp


# ------------------------------------------------------------------------- injection / jailbreak
def _emails() -> list[str]:
    return [r["context"] for r in _jsonl(require_data() / "bipia" / "email_train.jsonl")]


def email_split() -> tuple[list[str], list[str]]:
    """(train, held) BIPIA email contexts: 35 / 15."""
    emails = _emails()
    random.Random(SEED + 13).shuffle(emails)
    return emails[:35], emails[35:]


BIPIA_TASK_IRRELEVANT = {"Information Retrieval", "Content Creation", "Learning and Tutoring", "Language Translation",
                         "Programming Help"}


def bipia_attack_items() -> list[tuple[str, int, str]]:
    """(category, index within category, instruction) of every BIPIA text and code attack."""
    d = require_data() / "bipia"
    out: list[tuple[str, int, str]] = []
    for f in ("text_attack_train.json", "code_attack_train.json"):
        for cat, items in json.loads((d / f).read_text("utf-8")).items():
            out += [(cat, i, t) for i, t in enumerate(items)]
    return out


def bipia_attacks() -> tuple[list[str], list[str]]:
    """(train, held) attack instructions: per BIPIA category the first 3 train, the last 2 held out."""
    items = bipia_attack_items()
    return [t for _c, i, t in items if i < 3], [t for _c, i, t in items if i >= 3]


def embed(context: str, attack: str, rng: random.Random) -> str:
    """Insert an attack instruction at the start, middle or end of an external document."""
    where = rng.choice(("start", "middle", "end"))
    if where == "start":
        return attack + "\n" + context
    if where == "end":
        return context + "\n" + attack
    cut = context.rfind(" ", 0, len(context) // 2) + 1
    return context[:cut] + attack + " " + context[cut:]


def _excerpt(text: str, rng: random.Random, size: int = 300) -> str:
    if len(text) <= size:
        return text
    s = rng.randrange(0, len(text) - size)
    return text[s : s + size]


def injection_split(documents: bool = True) -> Split:
    """The injection models' rows. ``documents``: the model for third-party content (a tool
    result, a retrieved page), where BIPIA's task-irrelevant attacks - ordinary requests planted
    in a document ("Write a short story ...") - are injections and fitted as S1. With
    ``documents=False``, the model for a user's own messages, where the same request is the
    user's task: those training attacks are not fitted (bare or embedded); every other row, and
    every held-out row, is the same (the random draws are made for them all the same, so both
    models see the same email excerpts and template fills)."""
    rng = random.Random(SEED + 2)
    d = require_data()
    sp = Split(sources={"bipia", "gptfuzz", "xstest", "jade", "cvalues", "cold", "toxigen", "project"})
    em_tr, em_he = email_split()
    at_tr, at_he = bipia_attacks()
    irrelevant = {t for c, i, t in bipia_attack_items() if i < 3 and c in BIPIA_TASK_IRRELEVANT}
    tr: list[Example] = []
    for a in at_tr:
        bare = _ex(a, "S1", "S1", "bipia/attack")
        emb = _ex(embed(_excerpt(rng.choice(em_tr), rng, 120), a, rng), "S1", "S1", "bipia/embedded")
        if documents or a not in irrelevant:
            tr += [bare, emb]
    for e in em_tr:  # clean emails: whole, and the windows the detector scores
        tr.append(_ex(e, "benign", None, "bipia/email"))
        for s_, e_ in windows(e, INJECTION_WINDOW):
            tr.append(_ex(e[s_:e_], "benign", None, "bipia/email"))
    questions = [r["text"] for r in _csv(d / "gptfuzz" / "harmful_questions.csv")]
    q_tr, q_he = questions[:80], questions[80:]
    temps = [r["text"] for r in _csv(d / "gptfuzz" / "jailbreak_templates.csv")]
    t_idx = list(range(len(temps)))
    rng.shuffle(t_idx)
    t_he_idx = set(t_idx[: len(temps) // 5])
    gtr: list[Example] = []
    ghe: list[Example] = []
    for i, t in enumerate(temps):
        if i in t_he_idx:
            ghe.append(_ex(t.replace("[INSERT PROMPT HERE]", rng.choice(q_he)), "S2", "S2", "gptfuzz/template"))
        else:
            for q in rng.sample(q_tr, 3):
                gtr.append(_ex(t.replace("[INSERT PROMPT HERE]", q), "S2", "S2", "gptfuzz/template"))
    proj = [_ex(r["text"], r["label"], r["category"], f"project/{r['kind']}") for r in _jsonl(PROJECT / "project_injection.jsonl")]
    ptr, phe = _split(proj, 0.2, rng, key="source")
    # negatives: plain harmful questions are the intent model's job, not injections
    negs = [Example(q, "benign", None, "gptfuzz/questions") for q in q_tr]
    jtr, _jhe = jade_split()  # same JADE split as intent
    negs += [Example(e.text, "benign", None, e.source) for e in jtr]
    xtr, xhe = xstest_split()
    negs += [Example(e.text, "benign", None, e.source) for e in xtr]
    btr, bhe = benign_split()
    negs += btr
    # round five: Chinese messages with links and e-mail addresses were "injections" (the project's
    # Chinese attacks carry URLs, few benign Chinese texts did); only the Chinese rows, and not the
    # everyday questions: English ones cost recall on BIPIA, whose attacks include links to visit and
    # (task-irrelevant) plain questions planted in a document
    negs += [e for e in everyday_broad_split()[0]
             if "/zh/" in e.source and e.source.rsplit("/", 1)[-1] not in ("howto", "safety_edu")]
    sp.train = tr + gtr + ptr + negs
    held_emb = [_ex(embed(rng.choice(em_he), a, rng), "S1", "S1", "bipia/embedded") for a in at_he for _ in range(3)]
    clean = [_ex(e, "benign", None, "bipia/email") for e in em_he]
    sp.held = held_emb + clean + ghe + phe + [Example(e.text, "benign", None, e.source) for e in xhe if e.label == "benign"]
    report_q = [r["text"] for r in _jsonl(PROJECT / "project_doc_questions.jsonl") if r["split"] == "report"]
    doc_q = [_ex(q + "\n" + e if i % 2 == 0 else e + "\n" + q, "benign", None, "project/doc_question")
             for i, (q, e) in enumerate((q, e) for q in report_q for e in em_he)]
    sp.extra = {
        "doc_question_prompts_held": doc_q,
        "bipia_attacks_held": held_emb,
        "bipia_attacks_held_no_task_irrelevant": [
            e for e, cat in zip(held_emb, [c for c, i, _t in bipia_attack_items() if i >= 3 for _ in range(3)], strict=True)
            if cat not in BIPIA_TASK_IRRELEVANT],
        "bipia_attacks_bare_held": [_ex(a, "S1", "S1", "bipia/attack") for a in at_he],
        "bipia_attacks_bare_held_no_task_irrelevant": [
            _ex(t, "S1", "S1", "bipia/attack") for c, i, t in bipia_attack_items()
            if i >= 3 and c not in BIPIA_TASK_IRRELEVANT],
        "bipia_clean_emails_held": clean,
        "gptfuzz_templates_held": ghe,
        "project_attacks_held": phe,
        "xstest_safe_held": [e for e in xhe if e.label == "benign"],
        "benign_held": bhe,
    }
    return sp
