"""The core guard path stays light: importing it, building the default guard and checking a text
must not pull in the optional heavy libraries (torch, transformers, ray, scikit-learn), so that
``genguard check`` starts fast on a machine without them, nor the database layer (SQLAlchemy,
Alembic: a quarter of a second of start-up when the guard read its home folder from the store). Runs in a fresh interpreter because the
test session itself imports those libraries elsewhere."""

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "transformers", "ray", "sklearn", "scipy", "spacy", "presidio_analyzer", "sqlalchemy", "alembic")

_PROBE = """
import json, sys
import genguard.guard
after_import = sorted(m for m in {heavy!r} if m in sys.modules)
from genguard.guard import Guard
d = Guard.from_policy(None).check_input("今天天气很好 hello, call me at 13812345678")
after_check = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"import": after_import, "check": after_check, "action": d.action.value}}))
"""


def test_guard_import_and_default_check_do_not_load_heavy_libraries(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[1] / "src"
    env = {"PYTHONPATH": str(src), "GENGUARD_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY)], capture_output=True, text=True,
                         env=env, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["import"] == [], f"import genguard.guard loaded {out['import']}"
    assert out["check"] == [], f"the default guard loaded {out['check']}"
    assert out["action"] == "redact"  # the default policy really ran (PII found), not an empty guard
