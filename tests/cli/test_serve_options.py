"""`genguard serve` refuses a port or log level it cannot honour before starting anything."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import ConfigError, InputError
from genguard.gateway.logs import setup_json_logging

runner = CliRunner()


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_port_out_of_range_is_a_usage_error(port: str) -> None:
    res = runner.invoke(app, ["serve", "--port", port])
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--port'" in res.output
    assert ("65535" if port != "-1" else "greater than or equal to 0") in res.output


def test_port_zero_with_several_workers_is_refused() -> None:
    res = runner.invoke(app, ["serve", "--port", "0", "--workers", "2"])
    assert isinstance(res.exception, InputError), res.output
    assert "--port 0" in str(res.exception) and "--workers 1" in str(res.exception)


def test_unknown_log_level_lists_the_valid_ones() -> None:
    res = runner.invoke(app, ["serve", "--log-level", "nosuch"])
    assert res.exit_code == 2, res.output
    assert "nosuch" in res.output and "debug" in res.output and "warning" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_setup_json_logging_refuses_an_unknown_level() -> None:
    with pytest.raises(ConfigError, match="unknown log level 'nosuch'; choose one of: critical, error, warning, info, debug, trace"):
        setup_json_logging("nosuch")
