"""The pure rules: address policy, URL traps, Retry-After, backoff, mojibake and charset repair."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsspider.extract.encoding import better_encoding, looks_mojibake
from newsspider.guard import (
    AddressPolicy,
    backoff_delay,
    ip_literal,
    parse_networks,
    retry_after_seconds,
    url_limit_reason,
)
from tests.support.hostile_server import FRENCH, PERSIAN


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.2", "224.0.0.1"],
)  # fmt: skip
def test_default_policy_denies_internal_addresses(address):
    assert not AddressPolicy().permits(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8"])
def test_default_policy_permits_public_addresses(address):
    assert AddressPolicy().permits(address)


def test_allow_list_overrides_deny_list_for_exactly_what_it_names():
    policy = AddressPolicy(allow=parse_networks(["127.0.0.1/32"]))
    assert policy.permits("127.0.0.1")
    assert not policy.permits("127.0.0.2")
    assert not policy.permits("::ffff:127.0.0.2")


def test_bad_network_is_named():
    with pytest.raises(ValueError, match=r"'127\.0\.0\.300'"):
        parse_networks(["127.0.0.300"])


def test_ip_literals():
    assert str(ip_literal("[::1]")) == "::1"
    assert str(ip_literal("127.0.0.2")) == "127.0.0.2"
    assert ip_literal("example.org") is None
    assert ip_literal("2130706434") is None  # resolved, and so checked, by the guard


def test_url_limits():
    assert url_limit_reason("http://a/x", 100, 3) is None
    assert url_limit_reason("http://a/" + "x" * 200, 100, 3) == "url_too_long"
    assert url_limit_reason("http://a/x?a=1&b=2&c=3&d=4", 100, 3) == "too_many_query_params"


def test_retry_after_forms():
    now = datetime(2025, 10, 27, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Mon, 27 Oct 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Mon, 27 Oct 2025 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_delay(n, 1.0, 5.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


@pytest.mark.parametrize("text", [PERSIAN, FRENCH])
def test_mojibake_of_utf8_read_as_one_byte_charset_is_seen(text):
    garbled = text.encode("utf-8").decode("cp1252", errors="replace")
    assert looks_mojibake(garbled)
    assert not looks_mojibake(text)


def test_one_stray_replacement_in_a_long_body_is_tolerated():
    body = "word " * 400 + "\ufffd"
    assert not looks_mojibake(body)
    assert looks_mojibake("Short title \ufffd")


@pytest.mark.parametrize(
    ("text", "real", "declared", "expected"),
    [
        (PERSIAN, "utf-8", "cp1256", "utf-8"),
        (FRENCH, "utf-8", "cp1252", "utf-8"),
        (PERSIAN, "cp1256", "cp1252", "cp1256"),
        (FRENCH, "cp1252", "utf-8", "cp1252"),
    ],
)
def test_wrong_declarations_are_repaired(text, real, declared, expected):
    body = f"<html><body><p>{text}. {text}.</p></body></html>".encode(real)
    shown = body.decode(declared, errors="replace")
    found = better_encoding(body, shown, declared)
    assert found is not None
    assert body.decode(found) == body.decode(expected)


@pytest.mark.parametrize(("text", "encoding"), [(PERSIAN, "cp1256"), (FRENCH, "cp1252")])
def test_right_declarations_are_left_alone(text, encoding):
    body = f"<p>{text}</p>".encode(encoding)
    assert better_encoding(body, body.decode(encoding), encoding) is None
