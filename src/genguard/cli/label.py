"""``genguard label``: explicit labels, implicit AIGC labels in files, signatures, watermark, registry.

Exit codes of ``verify``: 0 present (label intact), 1 absent, 4 tampered, 5 unverified (label
present but no signature or key to check it); user errors exit 2 like every command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from genguard.cli._input import require_out_dir, require_utf8
from genguard.errors import InputError

app = typer.Typer(
    name="label",
    help="Content labels (GB 45438), signed provenance, text watermark and output registry. 内容标识、水印与输出登记。",
    no_args_is_help=True,
)
registry_app = typer.Typer(name="registry", help="Output registry: record fingerprints, answer 'was this produced here?'", no_args_is_help=True)
app.add_typer(registry_app, name="registry")

console = Console()
VERIFY_EXIT = {"present": 0, "absent": 1, "tampered": 4, "unverified": 5}


def _read_file(path: Path, what: str = "file") -> bytes:
    """Bytes of a user-given file; a missing or unreadable one is a one-line error, not a traceback."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def _read_text(text: str | None, file: Path | None) -> str:
    if file is not None:
        try:
            return _read_file(file).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    if text is not None:
        return require_utf8(text)
    if not sys.stdin.isatty():
        return _read_stdin()
    raise InputError("give the text as an argument, with --file, or on standard input")


def _read_stdin() -> str:
    """Standard input as UTF-8 text: the bytes are decoded strictly, so GBK or other encodings are
    refused with a one-line error instead of being labelled or fingerprinted as garbage (or crashing
    later when written back as UTF-8)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text-only stream (embedding, tests): still refuse stray surrogates
        return require_utf8(sys.stdin.read(), "standard input")
    data = stream.read()
    try:
        return require_utf8(data.decode("utf-8"), "standard input", decoded=False)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"standard input is not valid UTF-8: undecodable byte 0x{data[exc.start]:02X} at byte {exc.start + 1}; "
            "is it in another encoding (e.g. GBK)? convert it to UTF-8 (iconv -f GBK -t UTF-8)"
        ) from None


@app.command("text")
def text_cmd(
    text: str | None = typer.Argument(None, help="text to label (or --file / stdin)"),
    file: Path | None = typer.Option(None, "--file", help="UTF-8 text file"),
    lang: str = typer.Option("auto", "--lang", help="zh, en, both or auto"),
    position: str = typer.Option("end", "--position", help="start, end or both"),
    text_zh: str | None = typer.Option(None, "--text-zh", help="custom Chinese wording"),
    text_en: str | None = typer.Option(None, "--text-en", help="custom English wording"),
    check: bool = typer.Option(False, "--check", help="only report whether the text already carries a notice"),
) -> None:
    """Add a visible AI-generated notice (显式标识) to text, or --check for one."""
    from genguard.label.explicit import LANGS, add_explicit_label, has_explicit_label

    if lang not in LANGS:
        raise InputError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")
    body = _read_text(text, file)
    if check:
        found = has_explicit_label(body, wordings=tuple(w for w in (text_zh, text_en) if w))
        if lang == "zh":
            typer.echo("已有标识（labelled）" if found else "没有标识（not labelled）")
        else:
            typer.echo("labelled" if found else "not labelled")
        raise typer.Exit(0 if found else 1)
    sys.stdout.write(add_explicit_label(body, lang=lang, position=position, text_zh=text_zh, text_en=text_en))
    sys.stdout.write("\n")


@app.command("add")
def add_cmd(
    file: Path = typer.Argument(..., help="file to label in place"),
    producer: str | None = typer.Option(None, "--producer", help="ContentProducer (service provider name or code)"),
    produce_id: str | None = typer.Option(None, "--produce-id", help="ProduceID (default: a new random id)"),
    label: str = typer.Option("1", "--label", help="1/generated, 2/possibly, 3/suspected"),
    propagator: str | None = typer.Option(
        None, "--propagator", help="add ContentPropagator to the existing label (after writing it, with --producer)"
    ),
    propagate_id: str | None = typer.Option(None, "--propagate-id", help="PropagateID (with --propagator)"),
    key: Path | None = typer.Option(None, "--key", help="Ed25519 private key PEM (default: $GENGUARD_HOME/keys)"),
    no_sign: bool = typer.Option(False, "--no-sign", help="write the label without a signature"),
    fmt: str | None = typer.Option(None, "--format", help="force a format handler (e.g. sidecar)"),
) -> None:
    """Write the implicit AIGC label (隐式标识) into FILE; one label per file, replacing any earlier one."""
    from genguard.label import integrity
    from genguard.label.keys import load_private_key

    _check_add_options(producer, propagator, propagate_id, produce_id, label)
    signer = None if no_sign else load_private_key(key)
    if producer:
        lab = integrity.sign_file(file, producer=producer, key=signer, produce_id=produce_id, label=label, fmt=fmt)
    if propagator is not None:
        lab = integrity.propagate_file(file, propagator=propagator, propagate_id=propagate_id or "", key=signer, fmt=fmt)
    typer.echo(json.dumps({"file": str(file), "AIGC": lab.to_dict()}, ensure_ascii=False, indent=2))


def _check_add_options(
    producer: str | None, propagator: str | None, propagate_id: str | None, produce_id: str | None, label: str
) -> None:
    """Refuse option combinations that would otherwise be dropped without a word.

    --producer and --propagator together write the producer label, then add the platform's fields
    (both signed with --key); options that belong to a role not requested are an error.
    """
    if not producer and not propagator:
        raise InputError("give --producer (new label) or --propagator (add platform fields to the existing label)")
    if propagate_id is not None and not propagator:
        raise InputError("--propagate-id needs --propagator (the platform the id belongs to)")
    if propagator is not None and not propagator.strip():
        raise InputError("--propagator must not be empty")
    if not producer and (produce_id is not None or label != "1"):
        raise InputError("--produce-id and --label set the producer's fields: give them with --producer")


LANG_OPT = typer.Option("en", "--lang", help="zh or en (status words and reasons)")


@app.command("read")
def read_cmd(
    file: Path = typer.Argument(...),
    fmt: str | None = typer.Option(None, "--format", help="force a format handler (e.g. sidecar)"),
    lang: str = LANG_OPT,
) -> None:
    """Print the file's AIGC label as JSON, as the file states it (exit 1 when there is none). 读取隐式标识。

    Fields the file does not state are "" and named in ``notes``; fields the standard does not
    define are listed under ``extra_fields`` instead of making the label unreadable.
    """
    from genguard.label.implicit import read_label
    from genguard.label.integrity import label_notes
    from genguard.label.messages import M, check_lang, render

    lang = check_lang(lang)
    lab = read_label(file, fmt)
    if lab is None:
        typer.echo(json.dumps({"file": str(file), "AIGC": None, "notes": [M("absent_label", lang)]}, ensure_ascii=False))
        raise typer.Exit(1)
    out: dict[str, object] = {"file": str(file), "AIGC": lab.to_dict()}
    if lab.Label:
        out["meaning"] = M(f"label.{lab.Label}", lang)
    if lab.extra:
        out["extra_fields"] = lab.extra_fields()
    notes = [render(n, lang) for n in label_notes(lab)]
    if notes:
        out["notes"] = notes
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@app.command("verify")
def verify_cmd(
    file: Path = typer.Argument(...),
    pubkey: list[Path] = typer.Option([], "--pubkey", help="Ed25519 public key PEM (repeatable; default: $GENGUARD_HOME/keys)"),
    fmt: str | None = typer.Option(None, "--format", help="force a format handler (e.g. sidecar)"),
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    lang: str = LANG_OPT,
) -> None:
    """present / absent / tampered (content or fields changed) / unverified. 校验隐式标识。"""
    from genguard.label.integrity import verify_file
    from genguard.label.keys import default_public_key, load_public_key
    from genguard.label.messages import M, check_lang

    lang = check_lang(lang)
    keys = [load_public_key(p) for p in pubkey]
    if not keys:
        default = default_public_key()
        keys = [default] if default is not None else []
    res = verify_file(file, public_keys=keys, fmt=fmt)
    if as_json:
        typer.echo(json.dumps({"file": str(file), **res.to_dict(lang)}, ensure_ascii=False, indent=2))
    else:
        colour = {"present": "green", "absent": "yellow", "tampered": "red", "unverified": "yellow"}[res.status]
        word = res.status if lang == "en" else f"{M(res.status, lang)} ({res.status})"
        console.print(f"{escape(str(file))}: [bold {colour}]{escape(word)}[/]", highlight=False)
        for r in res.reasons_in(lang):
            console.print(f"  - {escape(r)}", highlight=False)
    raise typer.Exit(VERIFY_EXIT[res.status])


@app.command("keygen")
def keygen_cmd(
    directory: Path | None = typer.Option(None, "--dir", help="where to write the key pair (default: $GENGUARD_HOME/keys)"),
    force: bool = typer.Option(
        False, "--force", help="replace what this command creates (the old file is kept as <name>.<time>.bak)"
    ),
    watermark: bool = typer.Option(
        False, "--watermark", help="create the text-watermark secret; an existing signing key is left untouched"
    ),
    lang: str = typer.Option("en", "--lang", help="zh or en (what the command prints)"),
) -> None:
    """Create the Ed25519 label-signing key pair, or with --watermark the watermark secret. 生成签名密钥或水印密钥。

    ``--watermark`` never touches an existing signing key (replacing it would leave every signed
    label unverifiable); it creates the pair only when there is none. ``--force`` replaces the
    thing being created and moves the old file aside instead of deleting it.
    """
    from genguard.label.keys import PRIVATE_NAME, generate_keypair_with_backup, keys_dir
    from genguard.label.messages import M, check_lang

    lang = check_lang(lang)
    if directory is not None:
        require_out_dir(directory, "--dir", "keys", create=True)
    if watermark:
        from genguard.label.watermark import create_secret_with_backup

        if not ((directory or keys_dir()) / PRIVATE_NAME).exists():
            _report_keys(*generate_keypair_with_backup(directory), lang=lang)
        secret, backup = create_secret_with_backup(directory / "watermark.secret" if directory else None, overwrite=force)
        typer.echo(M("watermark.secret", lang).format(path=secret))
        if backup is not None:
            typer.echo(M("watermark.backup", lang).format(path=backup))
        return
    _report_keys(*generate_keypair_with_backup(directory, overwrite=force), lang=lang)


def _report_keys(priv: Path, pub: Path, backups: list[Path], *, lang: str) -> None:
    from genguard.label.messages import M

    typer.echo(M("key.private", lang).format(path=priv))
    typer.echo(M("key.public", lang).format(path=pub))
    for b in backups:
        typer.echo(M("key.backup", lang).format(path=b))


@app.command("formats")
def formats_cmd() -> None:
    """List the file formats that carry implicit labels and where the label goes."""
    from genguard.label.implicit import formats_table

    for name, exts, desc in formats_table():
        typer.echo(f"{name:9} {exts:40} {desc}")


@app.command("watermark-detect")
def watermark_detect_cmd(
    text: str | None = typer.Argument(None, help="text to test (or --file / stdin)"),
    file: Path | None = typer.Option(None, "--file"),
    model: Path = typer.Option(..., "--model", help="local folder with the generating model's config + tokenizer"),
    secret_file: Path | None = typer.Option(None, "--secret-file", help="watermark secret (default: $GENGUARD_WATERMARK_SECRET or $GENGUARD_HOME/keys)"),
    z_threshold: float = typer.Option(4.0, "--z-threshold"),
    greenlist_ratio: float = typer.Option(0.25, "--greenlist-ratio"),
    bias: float = typer.Option(2.0, "--bias"),
) -> None:
    """Detect the KGW green-list watermark: z-score and p-value (exit 0 watermarked, 1 not)."""
    from genguard.label import watermark as wm

    wm.check_settings(greenlist_ratio, bias, z_threshold)
    body = _read_text(text, file)
    score = wm.detect_text(
        body, model, wm.load_secret(secret_file), greenlist_ratio=greenlist_ratio, bias=bias, z_threshold=z_threshold
    )
    typer.echo(json.dumps(score.to_dict()))
    raise typer.Exit(0 if score.watermarked else 1)


@app.command("c2pa-sign")
def c2pa_sign_cmd(
    image: Path = typer.Argument(..., help="JPEG or PNG image"),
    out: Path = typer.Option(..., "--out", help="signed copy"),
    cert_chain: Path = typer.Option(..., "--cert", help="PEM chain: end-entity certificate first, then CA"),
    key: Path = typer.Option(..., "--key", help="PEM private key of the end-entity certificate (Ed25519 or P-256)"),
    producer: str = typer.Option("genguard", "--producer", help="claim generator / software agent name"),
    lang: str = typer.Option("en", "--lang", help="zh or en (what the command prints)"),
) -> None:
    """Sign a C2PA manifest declaring the image AI-generated (trainedAlgorithmicMedia). Needs the 'c2pa' extra."""
    from genguard.label.c2pa_sign import sign_image
    from genguard.label.messages import M, check_lang

    lang = check_lang(lang)
    sign_image(image, out, _read_file(cert_chain, "certificate chain"), _read_file(key, "private key"), producer=producer)
    typer.echo(M("c2pa.signed", lang).format(path=out))


@app.command("c2pa-verify")
def c2pa_verify_cmd(
    image: Path = typer.Argument(...),
    trust_anchor: Path | None = typer.Option(None, "--trust-anchor", help="PEM CA certificate(s) to trust"),
) -> None:
    """Read and validate an image's C2PA manifest; report whether it declares AI generation."""
    from genguard.label.c2pa_sign import verify_image

    res = verify_image(image, trust_anchors=_read_file(trust_anchor, "trust anchor") if trust_anchor else None)
    typer.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=2))
    raise typer.Exit(0 if res.valid else 4)


def _registry(db: str | None):  # type: ignore[no-untyped-def]
    from genguard.label.registry import OutputRegistry
    from genguard.store import open_store

    return OutputRegistry(open_store(db))


@registry_app.command("record")
def registry_record_cmd(
    text: str | None = typer.Argument(None),
    file: Path | None = typer.Option(None, "--file"),
    producer: str = typer.Option(..., "--producer"),
    model: str = typer.Option("", "--model"),
    produce_id: str | None = typer.Option(None, "--produce-id"),
    db: str | None = typer.Option(None, "--db", help="database URL (default: GENGUARD_DB_URL or embedded SQLite)"),
) -> None:
    """Record a generated output's fingerprint (SHA-256 + SimHash); the text itself is not stored."""
    pid = _registry(db).record(_read_text(text, file), producer=producer, model=model, produce_id=produce_id)
    typer.echo(json.dumps({"produce_id": pid}))


@registry_app.command("lookup")
def registry_lookup_cmd(
    text: str | None = typer.Argument(None),
    file: Path | None = typer.Option(None, "--file"),
    sha256: str | None = typer.Option(None, "--sha256", help="look up by fingerprint instead of text"),
    simhash: str | None = typer.Option(None, "--simhash", help="16 hex digits"),
    max_distance: int = typer.Option(7, "--max-distance", help="SimHash Hamming distance for near matches (0-7)"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """Was this produced here? Exact and near-duplicate matches (exit 0 found, 1 not found)."""
    body = None if (sha256 or simhash) and text is None and file is None else _read_text(text, file)
    res = _registry(db).lookup(body, sha256=sha256, simhash=simhash, max_distance=max_distance)
    typer.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=2))
    raise typer.Exit(0 if res.produced_here else 1)


@registry_app.command("fingerprint")
def registry_fingerprint_cmd(text: str | None = typer.Argument(None), file: Path | None = typer.Option(None, "--file")) -> None:
    """Print the fingerprint (to look up without sending the text)."""
    from genguard.label.registry import fingerprint

    fp = fingerprint(_read_text(text, file))
    typer.echo(json.dumps({"sha256": fp.sha256, "simhash": fp.simhash_hex, "n_chars": fp.n_chars}))


def _demo(out: Path) -> None:
    """Label a generated PNG and a Markdown file, verify, tamper, verify again (offline, < 2 s)."""
    from PIL import Image, ImageDraw

    from genguard.label import integrity
    from genguard.label.explicit import add_explicit_label
    from genguard.label.keys import (
        PRIVATE_NAME,
        generate_keypair,
        keys_dir,
        load_private_key,
        load_public_key,
    )

    folder = out / "label"
    folder.mkdir(parents=True, exist_ok=True)
    if not (keys_dir() / PRIVATE_NAME).exists():
        generate_keypair()
    key = load_private_key()
    pub = load_public_key()
    png = folder / "generated.png"
    im = Image.new("RGB", (160, 90), (20, 40, 80))
    ImageDraw.Draw(im).text((10, 35), "AI-generated", fill=(255, 220, 0))
    im.save(png)
    md = folder / "answer.md"
    md.write_text(add_explicit_label("# 春天\n\n春风拂面，花开满园。", lang="both") + "\n", encoding="utf-8")
    for f in (png, md):
        integrity.sign_file(f, producer="genguard-demo", key=key)
        console.print(f"labelled {f.name}: {integrity.verify_file(f, public_keys=[pub]).status}", highlight=False)
    md.write_text(md.read_text(encoding="utf-8").replace("花开满园", "花落满园"), encoding="utf-8")
    from PIL import PngImagePlugin

    im2 = Image.open(png)
    im2.load()
    info = PngImagePlugin.PngInfo()
    for k, v in getattr(im2, "text", {}).items():
        info.add_itxt(k, v)
    im2.putpixel((0, 0), (255, 0, 0))
    im2.save(png, pnginfo=info)
    for f in (png, md):
        res = integrity.verify_file(f, public_keys=[pub])
        console.print(f"after tampering {f.name}: [bold red]{res.status}[/] ({'; '.join(res.reasons)})", highlight=False)


DEMO_STEP = (60, "label: implicit labels, signatures, tamper detection", _demo)
