from pathlib import Path

import pytest

from genguard.errors import ConfigError
from genguard.gateway.config import load_config


def test_duplicate_key_in_gateway_config_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "gw.yaml"
    p.write_text("anonymous_tier: standard\ndefault_upstream: null\nanonymous_tier: trusted\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert f"{p}: duplicate key 'anonymous_tier' at line 3 (first at line 1)" in str(err.value)
