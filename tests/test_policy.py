"""The reply policy: content validation of knowledge/policy.yaml and each check's behaviour."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from service.replies.grounded import GroundedEngine
from service.replies.policy import Candidate, Evidence, PolicyChecker, PolicyError, load_policy, parse_policy
from service.knowledge.articles import load_dir
from service.ports import SearchHit

REPO = Path(__file__).resolve().parents[1]
POLICY = load_policy(REPO / "knowledge" / "policy.yaml")
CHECKER = PolicyChecker(POLICY)
ARTICLES = [a for a in load_dir(REPO / "knowledge").articles if a.in_force(date.today())]
FACTS = {"first_name": "Dana", "order_id": "4471920"}


def hit_of(article_id: str) -> SearchHit:
    a = next(x for x in ARTICLES if x.id == article_id)
    return SearchHit(chunk_id=f"{a.id}-0", article_id=a.id, title=a.title, text=a.body, score=0.03, version=a.version, payload=a.payload())


def check(text: str, *, cites=("refunds-request-a-refund",), channel="chat", customer=("I want a refund",), engine="llm"):
    hits = {h.chunk_id: h for h in (hit_of(a) for a in ("refunds-request-a-refund", "returns-membership-windows", "account-reset-password"))}
    evidence = Evidence(channel, hits, list(customer), dict(FACTS))
    return CHECKER.check(Candidate(text, [f"{c}-0" for c in cites], engine), evidence)


def failed(report) -> set[str]:
    return {r.check for r in report.failed()}


def test_every_approved_reply_passes_every_check_on_its_channels():
    engine = GroundedEngine(POLICY)
    problems = []
    for a in ARTICLES:
        hit = SearchHit(chunk_id=f"{a.id}-0", article_id=a.id, title=a.title, text=a.body, score=0.03, version=a.version, payload=a.payload())
        for channel in a.channels or ("chat",):
            for facts in (FACTS, {}):
                for reply in engine.replies([hit], channel, facts=facts):
                    report = CHECKER.check(reply.candidate, Evidence(channel, {hit.chunk_id: hit}, ["hello"], facts))
                    if not report.passed:
                        problems.append((a.id, channel, report.findings()))
    assert not problems


def test_a_reply_copied_from_the_cited_article_passes():
    report = check("I can help with a refund, Dana. You can choose to receive the refund as a gift card, as value on your Northwind account, as a paper check, or back to the credit card on file.")
    assert report.passed, report.findings()


@pytest.mark.parametrize(
    "text",
    [
        "Of course, Dana, I will give you a full refund right now.",
        "I guarantee you will get your money back.",
        "As a goodwill gesture we will compensate you with a free gift card.",
        "I can make an exception to the return window for you.",
        "I'll ignore the rules this time.",
        "We are liable for the damage, it was our fault.",
    ],
)
def test_forbidden_commitments_are_caught(text):
    assert "forbidden" in failed(check(text))


def test_a_sentence_with_a_number_no_cited_chunk_contains_is_unsupported():
    report = check("You can return any item within 365 days for a refund.", cites=("returns-membership-windows",))
    assert "grounded" in failed(report)
    assert any("365" in f for f in report.findings())


def test_a_sentence_about_something_else_than_the_cited_chunks_is_unsupported():
    report = check("Our boots are waterproof and come with a lifetime warranty on the soles.")
    assert "grounded" in failed(report)


def test_greetings_and_sign_offs_need_no_support():
    assert check("Thanks for reaching out, Dana! Is there anything else I can help with?").passed


def test_citations_must_be_retrieved_chunks():
    report = check("You can choose a gift card or a paper check.", cites=("made-up-article",))
    assert "citations" in failed(report)
    report = check("You can choose a gift card or a paper check.", cites=())
    assert "citations" in failed(report)


def test_pii_only_what_the_customer_gave():
    text = "I can help with a refund, Dana. I will write to dana.smith@example.com about the refund."
    assert "pii" in failed(check(text))
    assert "pii" not in failed(check(text, customer=("I want a refund, write to dana.smith@example.com",)))
    # a card number is never echoed, even when the customer gave it
    card = "4111 1111 1111 1111"
    assert "pii" in failed(check(f"I can help with a refund on card {card}.", customer=(f"refund to {card}",)))
    # masked placeholders never reach an agent
    assert "pii" in failed(check("I can help with a refund, [EMAIL_1]."))


def test_required_disclosures_per_channel_and_topic():
    sms = "We can help with a refund. Please send the reason, your username, account email and order ID."
    assert "disclosures" in failed(check(sms, channel="sms"))
    assert "disclosures" not in failed(check("Northwind Apparel: " + sms, channel="sms"))
    pw = "For security we can't look up your current password, but I can generate a new one for you."
    assert "disclosures" in failed(check(pw, cites=("account-reset-password",)))
    assert check(pw + " For your security, never share your password with anyone, including us.", cites=("account-reset-password",)).passed


def test_channel_shapes_and_tone():
    assert "channel" in failed(check("x " * 200, channel="sms"))
    assert "channel" in failed(check("**I can help with a refund.**", channel="voice"))
    assert "channel" in failed(check("I can help with a refund.", channel="email"))
    assert "tone" in failed(check("Calm down, I can help with a refund."))
    assert "tone" in failed(check("I can help with a REFUND NOW."))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm going to sue you, my lawyer will be in touch", "legal_threat"),
        ("honestly I want to end my life", "self_harm"),
        ("the heater jacket caught fire and burned my arm", "safety"),
        ("I'll file a chargeback with my bank", "regulator_or_chargeback"),
        ("where is my order?", None),
        ("my jeans bleed dye in the wash", None),
    ],
)
def test_escalation_triggers(text, expected):
    found = POLICY.escalation_for([text])
    assert (found.id if found else None) == expected


def test_a_broken_policy_is_refused_with_the_field_named():
    with pytest.raises(PolicyError, match="version"):
        parse_policy({"fallback_reply": "x"})
    with pytest.raises(PolicyError, match=r"forbidden\.x\.patterns"):
        parse_policy({"version": 1, "fallback_reply": "x", "forbidden": [{"id": "x", "patterns": ["(unclosed"]}]})
    with pytest.raises(PolicyError, match="reply is required"):
        parse_policy({"version": 1, "fallback_reply": "x", "escalation": [{"id": "e", "action": "replace", "patterns": ["a"]}]})


MINIMAL = {"version": 1, "fallback_reply": "Thank you for your message."}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"fallback_reply": "x"}, r"^policy: version is required$"),
        ({"version": 1}, r"^policy: fallback_reply is required$"),
        ({**MINIMAL, "version": "2"}, r"^policy: version must be a positive integer$"),
        ({**MINIMAL, "brand": {"name": ["Northwind"]}}, r"^policy: brand\.name must be text$"),
        ({**MINIMAL, "tone": {"max_exclamations": "two"}}, r"^policy: tone\.max_exclamations must be a whole number$"),
        ({**MINIMAL, "forbidden": [{"patterns": ["x"]}]}, r"^policy: forbidden\[\]\.id is required$"),
        ({**MINIMAL, "forbidden": [{"id": "refunds", "patterns": "full refund"}]},
         r"^policy: forbidden\.refunds\.patterns must be a non-empty list of regular expressions$"),
        ({**MINIMAL, "disclosures": [{"id": "sender", "present_if": "Northwind"}]}, r"^policy: disclosures\.sender\.text is required$"),
        ({**MINIMAL, "disclosures": [{"id": "sender", "text": "N:", "present_if": "N", "channels": "sms"}]},
         r"^policy: disclosures\.sender\.channels must be a list$"),
        ({**MINIMAL, "escalation": [{"id": "legal", "patterns": ["lawyer"], "action": "forward"}]},
         r"^policy: escalation\.legal\.action must be replace or flag$"),
        ({**MINIMAL, "length": {"fax": 500}}, r"^policy: length\.fax must be a known channel with at least 40 characters$"),
        ({**MINIMAL, "length": {"sms": "long"}}, r"^policy: length\.sms must be a known channel with at least 40 characters$"),
    ],
    ids=["missing version", "missing fallback", "version as text", "brand name not text", "exclamations not a number",
         "rule without id", "patterns not a list", "disclosure without text", "channels not a list", "unknown action",
         "unknown channel in length", "length not a number"],
)
def test_a_policy_of_the_wrong_shape_is_refused_with_the_field_named(doc, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy(doc)


def test_unknown_keys_and_empty_sections_are_accepted_as_not_given():
    policy = parse_policy({**MINIMAL, "owner": "support-operations", "brand": None, "tone": None, "length": None})
    assert (policy.id, policy.sign_off, policy.max_exclamations, policy.length) == ("policy", "Kind regards", 1, {})


def test_a_broken_policy_file_names_the_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\nfallback_reply: x\nescalation:\n  - id: legal\n    patterns: [lawyer]\n    replies: {fax: hello}\n")
    with pytest.raises(PolicyError, match=rf"^{re.escape(str(path))}: escalation\.legal\.replies must map known channels to non-empty text$"):
        load_policy(path)
