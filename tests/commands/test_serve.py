"""`newsspider serve` and `demo --serve` options: a bad port is a usage error, not a traceback."""

import socket

import pytest

from newsspider.cli import main


@pytest.mark.parametrize("command", [["serve"], ["demo", "--serve"]])
@pytest.mark.parametrize("port", ["99999", "-1"])
def test_port_out_of_range_is_a_usage_error(command, port, capsys):
    with pytest.raises(SystemExit) as caught:
        main([*command, "--port", port])
    assert caught.value.code == 2
    assert "port must be 0-65535" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--serve", "--dir"])
def test_demo_port_in_use_is_a_clean_error(option, tmp_path, capsys):
    command = ["demo", "--serve"] if option == "--serve" else ["demo", "--dir", str(tmp_path)]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        status = main([*command, "--port", str(taken.getsockname()[1])])
    assert status == 3
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


def test_serve_port_in_use_is_a_clean_error(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        status = main(["serve", "--out", str(tmp_path), "--db", str(tmp_path / "x.db"),
                       "--port", port])  # fmt: skip
    assert status == 3
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err
