"""`newsspider serve` and `demo --serve` options: a bad port is a usage error, not a traceback."""

import pytest

from newsspider.cli import main


@pytest.mark.parametrize("command", [["serve"], ["demo", "--serve"]])
@pytest.mark.parametrize("port", ["99999", "-1"])
def test_port_out_of_range_is_a_usage_error(command, port, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--port", port])
    assert caught.value.code == 2
    assert "port must be 0-65535" in capsys.readouterr().err
