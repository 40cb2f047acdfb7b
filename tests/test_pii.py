"""The one PII redactor: what it masks, what it leaves, stable placeholders, restore."""

from __future__ import annotations

import pytest

from service.domain.pii import Redactor, iban_ok, luhn_ok, redact, redact_for_log


def test_valid_card_numbers_are_masked_and_luhn_failures_are_not() -> None:
    r = Redactor()
    assert r.redact("card 4111 1111 1111 1111 please") == "card [CARD_1] please"
    assert r.redact("card 4111-1111-1111-1111") == "card [CARD_1]"  # same card, same placeholder
    assert r.redact("ref 4111 1111 1111 1112") == "ref 4111 1111 1111 1112"
    assert luhn_ok("4539148803436467") and not luhn_ok("4539148803436468")


def test_ibans_need_a_valid_checksum() -> None:
    assert iban_ok("DE89 3704 0044 0532 0130 00") and not iban_ok("DE89 3704 0044 0532 0130 01")
    assert redact("IBAN DE89 3704 0044 0532 0130 00.").text == "IBAN [IBAN_1]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my password is hunter2!", "my password is [SECRET_1]!"),
        ("PIN: 4321", "PIN: [SECRET_1]"),
        ("the cvv is 123", "the cvv is [SECRET_1]"),
        ("mother's maiden name is Delgado. thanks", "mother's maiden name is [SECRET_1]. thanks"),
        ("SSN 123-45-6789", "SSN [SSN_1]"),
        ("passport number X1234567 ok", "passport number [SSN_1] ok"),
        ("write to Jo.Lambert@outlook.com", "write to [EMAIL_1]"),
        ("call (977) 625-2661 or +44 20 7946 0958", "call [PHONE_1] or [PHONE_2]"),
        ("I moved to 42 Oak Street, Apt 3B, Springfield, IL 62704.", "I moved to [ADDRESS_1]."),
    ],
)
def test_each_kind_is_masked(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order ID: 3348917502",
        "tracking 1Z999AA10123456784",
        "I changed my password yesterday",
        "the reset link for my password expired",
        "Please never send your password to us",
        "refund of $94.00 on 2024-03-01",
    ],
)
def test_business_facts_and_mentions_of_passwords_are_left_alone(text: str) -> None:
    assert redact(text).text == text


def test_restore_puts_back_only_allowed_kinds_and_never_secrets() -> None:
    r = Redactor()
    masked = r.redact("email a@b.co, card 4111 1111 1111 1111, password: x9y8z7")
    assert r.restore(masked, {"EMAIL", "CARD", "SECRET"}) == "email a@b.co, card [CARD_1], password: [SECRET_1]"
    assert r.restore(masked) == masked
    assert r.counts() == {"EMAIL": 1, "CARD": 1, "SECRET": 1}


def test_log_values_are_masked() -> None:
    assert redact_for_log("pin is 9999") == "pin is [SECRET_1]"
    assert redact_for_log(42) == 42


def test_a_remembered_detection_still_gets_each_redactors_own_placeholders_and_kinds():
    text = "card 4111 1111 1111 1111, mail dana@example.com"
    first = Redactor()
    assert first.redact("other@example.com") == "[EMAIL_1]"
    assert first.redact(text) == "card [CARD_1], mail [EMAIL_2]"
    second = Redactor()  # the same short text again: its detection is remembered, not its placeholders
    assert second.redact(text) == "card [CARD_1], mail [EMAIL_1]"
    assert second.mapping == {"[CARD_1]": "4111 1111 1111 1111", "[EMAIL_1]": "dana@example.com"}
    assert Redactor(kinds={"EMAIL"}).redact(text) == "card 4111 1111 1111 1111, mail [EMAIL_1]"
    assert Redactor().redact(text) == "card [CARD_1], mail [EMAIL_1]"
