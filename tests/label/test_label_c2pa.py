"""C2PA manifest with an AI-generated assertion, signed with a locally generated CA chain (c2pa-python)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("c2pa", reason="c2pa-python (optional extra 'c2pa') is not installed")

from genguard.label.c2pa_sign import make_test_chain, sign_image, verify_image


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_test_chain(tmp_path_factory.mktemp("pki"))


def _image(path: Path) -> Path:
    from PIL import Image

    im = Image.new("RGB", (64, 48), (30, 60, 90))
    for x in range(64):
        im.putpixel((x, x % 48), (250, 250, 0))
    im.save(path)
    return path


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_sign_and_verify_trusted(ext: str, tmp_path: Path, chain: tuple[Path, Path, Path]) -> None:
    cert, key, ca = chain
    src = _image(tmp_path / f"in.{ext}")
    out = tmp_path / f"signed.{ext}"
    manifest = sign_image(src, out, cert.read_bytes(), key.read_bytes(), producer="genguard-test")
    assert manifest
    res = verify_image(out, trust_anchors=ca.read_bytes())
    assert res.has_manifest and res.ai_generated and res.valid, res.problems
    assert res.validation_state == "Trusted" and res.signer == "genguard test signer"
    assert verify_image(out).validation_state == "Valid"  # signature + binding, trust not checked
    from PIL import Image

    with Image.open(out) as im:  # still a normal image
        im.load()
        assert im.size == (64, 48)


def test_unsigned_tampered_and_untrusted(tmp_path: Path, chain: tuple[Path, Path, Path]) -> None:
    cert, key, _ca = chain
    src = _image(tmp_path / "in.jpg")
    res = verify_image(src)
    assert not res.has_manifest and not res.valid
    out = tmp_path / "signed.jpg"
    sign_image(src, out, cert.read_bytes(), key.read_bytes())

    data = bytearray(out.read_bytes())
    data[-20] ^= 0xFF  # inside the scan data, outside the manifest
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    bad = verify_image(tampered)
    assert bad.has_manifest and not bad.valid and bad.problems

    _other_cert, _other_key, other_ca = make_test_chain(tmp_path / "other")
    untrusted = verify_image(out, trust_anchors=other_ca.read_bytes())
    assert not untrusted.valid and any("untrusted" in p.lower() or "trust" in p.lower() for p in untrusted.problems)


def test_c2pa_cli(tmp_path: Path, chain: tuple[Path, Path, Path]) -> None:
    import json

    from typer.testing import CliRunner

    from genguard.cli.app import app

    cert, key, ca = chain
    src = _image(tmp_path / "in.png")
    out = tmp_path / "signed.png"
    runner = CliRunner()
    res = runner.invoke(app, ["label", "c2pa-sign", str(src), "--out", str(out), "--cert", str(cert), "--key", str(key)])
    assert res.exit_code == 0, res.output
    ok = runner.invoke(app, ["label", "c2pa-verify", str(out), "--trust-anchor", str(ca)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ai_generated"] is True
    assert runner.invoke(app, ["label", "c2pa-verify", str(src)]).exit_code == 4


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_damaged_image_is_an_input_error_not_a_manifest_finding(ext: str, tmp_path: Path,
                                                                  chain: tuple[Path, Path, Path]) -> None:
    """An image the C2PA reader cannot parse at all (here: a signed image cut in half) used to come
    back as ``has_manifest: true, valid: false`` (exit 4, "manifest invalid"); it is a damaged
    file, said as such (exit 2), while an intact image whose manifest fails stays a finding."""
    from genguard.errors import InputError

    cert, key, _ca = chain
    out = tmp_path / f"signed.{ext}"
    sign_image(_image(tmp_path / f"in.{ext}"), out, cert.read_bytes(), key.read_bytes())
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(out.read_bytes()[: len(out.read_bytes()) // 2])
    with pytest.raises(InputError, match="not a readable"):
        verify_image(cut)
    garbage = tmp_path / f"garbage.{ext}"
    garbage.write_bytes(out.read_bytes()[:8] + b"xxxxgarbage")
    with pytest.raises(InputError, match="not a readable"):
        verify_image(garbage)
