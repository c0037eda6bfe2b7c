"""Train the default models shipped in src/genguard/detect/classifier/models/ (reproducible).

    python -m bench.quality.train_defaults            # all five
    python -m bench.quality.train_defaults cold_zh    # one

Reads ../shared/data (see datasets.py for the exact train / held-out splits) and the
project-written examples in bench/quality/data. Fits only on training rows; each model card
records the held-out metrics, data provenance and licences.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from bench.quality import datasets as ds
from genguard.detect.classifier.features import FeatureConfig
from genguard.detect.classifier.model_io import shipped_models_dir
from genguard.detect.classifier.train import TrainConfig, TrainResult, train_to_dir

FEATURES = FeatureConfig(char_min=1, char_max=3, words=True, jieba=False)
# cold_zh, which a corpus scan runs over nearly every window of a mixed document, uses character
# 1-2-grams and no Latin words since round seven (issue 7's scan: one table probe fewer per
# character, no word pass, 82k columns instead of 150k). Compared on COLD dev only
# (`python -m bench.quality.compare_features cold_zh 1-3 1-2 1-2/chars`) at round six's dev
# precision: 0.897 / recall 0.896 at 0.67 against 0.896 / 0.892. toxicity_en keeps 1-3: at round
# six's false-alarm rates (out of fold, and on GPTFuzz dev refusals scored window by window) 1-2
# lost recall (out of fold 0.720 -> 0.640, GPTFuzz compliant answers 0.394 -> 0.370; `... toxicity_en 1-3 1-2 1-1`).
COLD_FEATURES = FeatureConfig(char_min=1, char_max=2, words=False, jieba=False)
SEED = 13
INTENT_C = 20.0  # chosen on out-of-fold dev scores (bench.quality.choose_thresholds): best of 1.5, 2, 4, 10, 20
# round six, with three short pieces of each safe row fitted: of 2 or 3 pieces, C 4, 20, 50, 100 and
# balanced or no class weights (5-fold out-of-fold on the training rows, before the identity rows
# were added), the best macro-F1 (0.875; 0.874 without pieces) with the fewest pieces flagged (0.1%;
# 10.7% without). Unweighted classes trade recall (0.90 -> 0.74 out of fold) for precision (0.78 ->
# 0.93); balanced weights with the pieces flagged 14-22% of GPTFuzz's first 40 questions' answers
# that did not comply (dev), against 7.6% unweighted and 8.7% for round five's model.
TOXICITY_C = 50.0
TOXICITY_CLASS_WEIGHT = None


def _prov(sources: set[str], note: str) -> list[str]:
    return [note] + [f"{k}: {ds.LICENCES[k]}" for k in sorted(sources)]


def cold_zh() -> TrainResult:
    cfg = TrainConfig(
        task="cold_zh", seed=SEED, C=10.0, features=COLD_FEATURES, max_features=150_000, tune_threshold=True,
        sources=_prov({"cold", "project"}, "Chinese offensive language: COLD train (25.7k) fit, COLD dev (6.4k) for "
                      "threshold tuning and metrics; offensive rows labelled by COLD topic "
                      "(race->A2.1, region->A2.4, gender->A2.5); project-written everyday Chinese sentences "
                      "(news, idioms, how-to, chat; project_everyday_broad.jsonl, 80%), neutral identity mentions "
                      "(project_identity.jsonl, three quarters of the identities) and one-line chat messages "
                      "(project_short_chat.jsonl, 80%) as non-offensive; one short piece (2-8 characters, "
                      "datasets.fragments) of every non-offensive row as non-offensive"),
    )
    return train_to_dir(ds.cold_train(), cfg, shipped_models_dir() / "cold_zh", eval_data=ds.cold("dev"))


def toxicity_en() -> TrainResult:
    sp = ds.toxicity_split()
    cfg = TrainConfig(
        task="toxicity_en", seed=SEED, C=TOXICITY_C, class_weight=TOXICITY_CLASS_WEIGHT, features=FEATURES,
        max_features=150_000,
        sources=_prov(sp.sources, "English hate/toxicity: ToxiGen hate vs neutral statements by target group "
                      "(80/20 split after de-duplication) + project-written sexual / self-harm / violence / "
                      "harassment examples and safe near-misses; project-written everyday English sentences "
                      "(project_everyday_broad.jsonl, 80%), neutral identity mentions (project_identity.jsonl, three "
                      "quarters of the identities) and one-line chat messages (project_short_chat.jsonl, 80%) as safe; "
                      "three short pieces (1-4 words, datasets.fragments) of every safe row except the email windows "
                      "as safe; no class weights"),
    )
    return train_to_dir(sp.train, cfg, shipped_models_dir() / "toxicity_en", eval_data=sp.held)


def intent() -> TrainResult:
    sp = ds.intent_split()
    cfg = TrainConfig(
        task="intent", seed=SEED, C=INTENT_C, features=FEATURES, max_features=150_000,
        sources=_prov(sp.sources, "Harmful-request intent (zh+en) by Appendix A class: JADE (70% fit, 30% held "
                      "out), Flames harmful sub-components, GPTFuzz harmful questions, XSTest unsafe vs XSTest "
                      "safe (50/50 by type), CValues prompts, BIPIA email questions, project benign "
                      "instructions, COLD/ToxiGen neutral sentences, project-written English harmful requests "
                      "(A1-A4) and benign prompts that merely sound unsafe (project_en_intent.jsonl 80/20, "
                      "project_en_harm.jsonl), project-written everyday zh/en sentences "
                      "(project_everyday_broad.jsonl 80/20), project-written one-line chat messages "
                      "(project_short_chat.jsonl 80/20), project-written developers' requests "
                      "(project_tech_requests.jsonl 80/20)"),
    )
    return train_to_dir(sp.train, cfg, shipped_models_dir() / "intent", eval_data=sp.held)


_INJECTION_SOURCES = ("Prompt injection (S1) / jailbreak (S2) / prompt leaking (S3), zh+en: BIPIA attack "
                      "instructions (3 of 5 per category fit, embedded in BIPIA email excerpts{}), GPTFuzz "
                      "templates (80% fit) filled with GPTFuzz questions, project-written Chinese and English "
                      "attacks vs benign prompts, clean emails, plain harmful questions, project-written everyday "
                      "zh/en sentences incl. links and e-mail addresses (project_everyday_broad.jsonl, 80%)")


def _injection(documents: bool, name: str, note: str) -> TrainResult:
    sp = ds.injection_split(documents=documents)
    cfg = TrainConfig(task=name, seed=SEED, C=4.0, features=FEATURES, max_features=150_000,
                      sources=_prov(sp.sources, _INJECTION_SOURCES.format(note)))
    return train_to_dir(sp.train, cfg, shipped_models_dir() / name, eval_data=sp.held)


def injection() -> TrainResult:
    """The model for a user's own messages: BIPIA's task-irrelevant attacks (ordinary requests
    planted in a document) are not fitted, since the same request is a user's own task."""
    return _injection(False, "injection",
                      "; not the 5 task-irrelevant categories, whose requests are a user's own task in a user's message")


def injection_documents() -> TrainResult:
    """The model for third-party content (tool results, retrieved pages, texts marked external):
    every BIPIA attack category, the task-irrelevant ones included, is an injection there."""
    return _injection(True, "injection_documents", "; all categories, the task-irrelevant ones included: for third-party content")


MODELS: dict[str, Callable[[], TrainResult]] = {
    "cold_zh": cold_zh, "toxicity_en": toxicity_en, "intent": intent, "injection": injection,
    "injection_documents": injection_documents,
}


def main(argv: list[str]) -> None:
    names = argv or list(MODELS)
    for n in names:
        t0 = time.perf_counter()
        res = MODELS[n]()
        m = res.metrics.get("at_recommended", res.metrics["at_0.5"])
        print(f"{n}: {res.card['vocabulary_size']} features in {time.perf_counter() - t0:.0f}s; held-out "
              f"P={m.get('precision')} R={m.get('recall')} F1={m.get('f1')} macroF1={m.get('macro_f1')} "
              f"AUPRC={m.get('auprc')} thr={m['threshold']}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
