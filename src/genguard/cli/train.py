"""``genguard train``: fit a text classifier from labelled CSV/JSONL and write a model directory."""

from __future__ import annotations

from pathlib import Path

import typer

from genguard.cli._input import require_out_dir
from genguard.errors import InputError

MAX_SEED = 2**32 - 2  # = genguard.detect.classifier.train.MAX_SEED (not imported: it loads numpy at start-up)


def train(
    data: list[Path] = typer.Option(..., "--data", help="labelled CSV/JSONL (text,label[,category]); repeatable"),
    task: str = typer.Option(..., "--task", help="model name, e.g. cold_zh"),
    out: Path = typer.Option(..., "--out", help="model directory to write"),
    eval_data: list[Path] = typer.Option([], "--eval", help="held-out evaluation file(s) instead of a random split"),
    seed: int = typer.Option(13, "--seed", min=0, max=MAX_SEED, help="random seed (training is deterministic given the seed)"),
    test_size: float = typer.Option(0.2, "--test-size", help="held-out share when no --eval is given"),
    c: float = typer.Option(4.0, "--C", help="inverse regularisation strength (greater than 0)"),
    char_max: int = typer.Option(3, "--char-max", min=1, help="longest character n-gram"),
    jieba: bool = typer.Option(False, "--jieba/--no-jieba", help="add jieba word features for Chinese"),
    min_df: int = typer.Option(2, "--min-df", min=1, help="minimum document frequency of a feature"),
    max_features: int = typer.Option(150_000, "--max-features", min=1, help="vocabulary cap"),
    negative: str | None = typer.Option(None, "--negative", help="the label meaning 'no risk' (default: 0/safe/benign...)"),
    code: list[str] = typer.Option([], "--code", help="LABEL=CODE taxonomy mapping for a label; repeatable"),
    tune: bool = typer.Option(False, "--tune-threshold", help="store the macro-F1-best threshold on the held-out rows"),
    source: list[str] = typer.Option([], "--source", help="data provenance/licence line for the model card; repeatable"),
) -> None:
    """Train a classifier; writes model.json, weights.npz, MODEL_CARD.md and card.json to --out."""
    from genguard.detect.classifier.features import FeatureConfig
    from genguard.detect.classifier.train import TrainConfig, train_to_dir

    codes: dict[str, str] = {}
    for item in code:
        lab, sep, cd = item.partition("=")
        if not sep or not lab or not cd:
            raise InputError(f"--code {item!r}: expected LABEL=CODE, e.g. offensive=A2.9")
        codes[lab] = cd
    if not 0.0 < test_size < 0.9:
        raise InputError("--test-size must be between 0 and 0.9")
    if not c > 0:  # also NaN
        raise InputError(f"--C must be greater than 0, got {c}")
    require_out_dir(out, "--out", "model-out", create=True)
    cfg = TrainConfig(
        task=task, seed=seed, test_size=test_size, C=c, min_df=min_df, max_features=max_features,
        features=FeatureConfig(char_max=char_max, jieba=jieba), negative=negative, codes=codes,
        tune_threshold=tune, sources=list(source),
    )
    res = train_to_dir(list(data), cfg, out, eval_data=list(eval_data) or None)
    m = res.metrics.get("at_recommended", res.metrics["at_0.5"])
    shown = {k: m[k] for k in ("n", "threshold", "precision", "recall", "f1", "macro_f1", "auprc", "label_macro_f1") if k in m}
    typer.echo(f"trained {task}: {res.card['vocabulary_size']} features, held-out {shown} -> {out}")


COMMANDS = {"train": train}
