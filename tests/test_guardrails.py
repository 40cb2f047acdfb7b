"""Issue 13: replies you can trust with a capable model. One section per finding."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.replies.channels import shape
from service.replies.grounded import GroundedEngine
from service.domain.pii import Redactor
from service.replies.policy import CHANNELS, Candidate, Evidence, PolicyChecker, load_policy
from service.replies.service import Conversation, Message, SuggestionService
from service.guardrails.claims import facts_of, is_conversational
from service.guardrails.facts import valid_fact
from service.guardrails.normalise import variants
from service.guardrails.plaintext import UNSAFE, plain_hit, strip_html
from service.knowledge.articles import load_dir
from service.ports import SearchHit

REPO = Path(__file__).resolve().parents[1]
POLICY = load_policy(REPO / "knowledge" / "policy.yaml")
CHECKER = PolicyChecker(POLICY)
TODAY = date(2026, 11, 15)
ARTICLES = {a.id: a for a in load_dir(REPO / "knowledge").articles}


def hit(article_id: str) -> SearchHit:
    a = ARTICLES[article_id]
    return SearchHit(chunk_id=f"{a.id}-0", article_id=a.id, title=a.title, text=a.body, score=0.03, version=a.version, payload=a.payload())


def check(text: str, *articles: str, channel: str = "chat", customer: tuple[str, ...] = ("hello",), facts=None, today: date = TODAY):
    hits = {h.chunk_id: h for h in (hit(a) for a in articles)}
    evidence = Evidence(channel, hits, list(customer), dict(facts or {}), today=today)
    return CHECKER.check(Candidate(text, list(hits), "llm"), evidence)


def failed(report) -> set[str]:
    return {r.check for r in report.failed()}


# ---- 1. claim-level grounding -----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "As a Bronze member you can return items within 6 months of purchase.",
    "Silver members can return within 90 days of purchase.",
    "Guests can return items within 90 days of purchase.",
])
def test_a_number_of_one_level_stated_for_another_is_refused(text: str) -> None:
    report = check(text, "returns-membership-windows", "store-membership-levels")
    assert "grounded" in failed(report)
    assert any("not for" in f or "no single" in f or "no in-force" in f for f in report.findings()), report.findings()


@pytest.mark.parametrize("text", [
    "Everyone gets free overnight upgrades, whatever their level.",
    "Any customer can return items with no time limit.",
    "Since your order has shipped, we can send the new item in a separate order with no shipping fee.",
])
def test_a_benefit_of_some_levels_stated_as_universal_is_refused(text: str) -> None:
    assert "grounded" in failed(check(text, "store-membership-levels", "returns-membership-windows", "orders-add-item"))


def test_the_same_facts_said_of_the_right_level_pass() -> None:
    for text in (
        "As a Silver member you can return an item within 6 months of purchase, or with the receipt or the original packaging.",
        "Gold members get unlimited returns and free overnight upgrades.",
        "As a Silver member, you can have the new item sent as soon as possible in a separate order with no shipping fee.",
    ):
        report = check(text, "store-membership-levels", "returns-membership-windows", "orders-add-item")
        assert report.passed, (text, report.findings())


def test_an_article_not_in_force_supports_nothing() -> None:
    text = "Silver members can return within 12 months of purchase."
    future = ("returns-membership-windows-2099", "returns-membership-windows")
    report = check(text, *future)
    assert "grounded" in failed(report)
    assert "12" in " ".join(report.findings())
    # The same article does support it on a day it is in force: the date is what refuses it.
    assert check(text, *future, today=date(2099, 6, 1)).passed


def test_empathy_and_offers_need_no_support_but_commitments_do() -> None:
    ok = check("I understand that's frustrating. Silver members can return within 6 months of purchase. "
               "Would you like me to help you start the return?", "returns-membership-windows")
    assert ok.passed, ok.findings()
    assert is_conversational("I'm sorry, I know that's not what you hoped to hear.")
    assert not is_conversational("Would you like a free replacement?")
    bad = check("I'm so sorry. We will send a free replacement today.", "shipping-missing-package")
    assert "grounded" in failed(bad) or "forbidden" in failed(bad)
    assert "grounded" in failed(check("Would you like me to send a free replacement today?", "shipping-missing-package"))


@pytest.mark.parametrize("text,value", [
    ("Orders of seventy-five dollars or more qualify for free standard shipping.", "75"),
    ("The premium subscription is ninety-nine dollars a year.", "99"),
    ("You have ninety days to return it.", "90"),
    ("Up to twelve characters can be stitched.", "12"),
])
def test_number_words_are_one_number(text: str, value: str) -> None:
    assert [f.value for f in facts_of(text) if f.value.isdigit()] == [value]


def test_number_words_are_checked_like_digits() -> None:
    assert check("Orders of seventy-five dollars or more qualify for free standard shipping.", "store-pricing-extras").passed
    assert "grounded" in failed(check("Orders of fifty-five dollars or more qualify for free standard shipping.", "store-pricing-extras"))


def test_am_and_pm_are_part_of_a_time() -> None:
    assert [f.value for f in facts_of("We open at 9am, or 9:00 p.m. on Fridays, and close at noon.")] == ["9:00am", "9:00pm", "12:00pm"]
    assert check("Our stores open at 9:00 am Monday to Saturday.", "store-dates-and-hours").passed
    assert check("On Sundays our stores open at 10 a.m.", "store-dates-and-hours").passed
    assert "grounded" in failed(check("Our stores open at 9:00 pm on Saturdays.", "store-dates-and-hours"))
    assert "grounded" in failed(check("Stores open 10pm on Sundays.", "store-dates-and-hours"))


@pytest.mark.parametrize("text,articles", [
    ("Yes, every customer can return an item in its original packaging, no receipt needed.", ("returns-membership-windows",)),
    ("Anyone who is late on a subscription payment can get an extension.", ("subscription-payment-extension",)),
    ("All customers have unexplained extra fees removed from their orders.", ("orders-mystery-fee",)),
])
def test_a_universal_claim_needs_a_passage_that_says_it_of_everyone(text: str, articles: tuple[str, ...]) -> None:
    # The sources name every level one by one (Gold yes, Bronze no): that is no support for "anyone".
    assert "grounded" in failed(check(text, *articles))


def test_a_universal_rule_the_source_states_for_everyone_passes() -> None:
    assert check("All promo codes expire 7 days after they're issued, without exception.", "store-dates-and-hours").passed
    gold = "As a Gold member you have unlimited returns: there's no time limit, and you don't need a receipt or the original packaging."
    assert check(gold, "returns-membership-windows").passed
    assert "grounded" in failed(check(gold.replace("Gold", "Bronze"), "returns-membership-windows"))


@pytest.mark.parametrize("sentence", [
    "What a lovely idea!", "Great news!", "Congratulations on the move!", "We'd love to get you the right fit!",
    "Here are a few things to try:", "Best,", "Best, Northwind Support",
    "If it still hasn't arrived by then, just get back in touch.", "Would you like to start the return today?",
])
def test_exclamations_lead_ins_sign_offs_and_questions_are_conversational(sentence: str) -> None:
    assert is_conversational(sentence)


@pytest.mark.parametrize("sentence", [
    "Boots are waterproof!", "What a deal: a full refund today!", "Would you like a free replacement today?",
    "Here are a few things to try: a $50 voucher.", "Best price is $5.",
])
def test_conversational_forms_carrying_facts_or_commitments_are_claims(sentence: str) -> None:
    assert not is_conversational(sentence)


def test_a_list_lead_in_does_not_need_support_but_its_first_item_does() -> None:
    ok = check("Here are a couple of things that usually help:\n- Log out and back in.\n- Clear your cookies.", "site-search-not-working")
    assert ok.passed, ok.findings()
    assert "grounded" in failed(check("Here are a few things to try: we will refund your order in full.", "site-search-not-working"))


def test_every_grounding_finding_names_the_claim_and_why() -> None:
    report = check("As a Bronze member you can return items within 6 months of purchase.", "returns-membership-windows")
    finding = next(f for f in report.findings() if f.startswith("grounded"))
    assert "Bronze member" in finding and "6" in finding and ("not for" in finding or "passage" in finding)


def test_facts_are_bound_to_the_level_they_are_said_of() -> None:
    facts = facts_of("The upgrade is free for Gold members and $20 for other members and guests.")
    scopes = {f.value: f.scope for f in facts}
    assert scopes["free"] == frozenset({"gold"})
    assert scopes["20"] == frozenset({"silver", "bronze", "guest"})


# ---- 2. what is sent is checked ---------------------------------------------------------------


@pytest.mark.parametrize("key,value", [
    ("first_name", "Jane. Your refund of $500 is approved"),
    ("first_name", "Max, we will send a free replacement today"),
    ("first_name", "Sam\u200b"),
    ("order_id", "We will waive all fees and refund 200 dollars"),
    ("order_id", "<img src=x onerror=alert(1)>"),
])
def test_placeholder_values_that_do_not_look_like_the_fact_are_left_out(key: str, value: str) -> None:
    assert not valid_fact(key, value)
    conv = Conversation("chat", [Message("customer", "help")], customer={key: value})
    assert key not in conv.facts()
    engine = GroundedEngine(POLICY)
    for reply in engine.replies([hit("account-reset-password"), hit("billing-charged-never-bought")], "chat", facts=conv.facts()):
        assert value.split()[0] not in reply.candidate.text or key == "first_name" and value == "Sam\u200b"
        assert "$500" not in reply.candidate.text and "waive all fees" not in reply.candidate.text


def test_real_names_and_order_ids_are_kept() -> None:
    conv = Conversation("chat", [Message("customer", "hi")], customer={"first_name": "O’Brien", "order_id": "NW-20417"})
    assert conv.facts() == {"first_name": "O’Brien", "order_id": "NW-20417"}
    assert valid_fact("first_name", "José María") and valid_fact("order_id", "3348917502")


def test_a_commitment_in_the_reply_as_sent_fails() -> None:
    assert "forbidden" in failed(check("We will send a free replacement today.", "shipping-missing-package"))


def test_a_password_the_customer_gave_is_never_echoed_even_without_its_cue() -> None:
    customer = ("my password is Tr0ub4dor&3 and it doesn't work",)
    report = check("I'm sorry you're locked out. Tr0ub4dor&3 was not accepted; I can generate a new one for you.",
                   "account-reset-password", customer=customer)
    assert "pii" in failed(report)


@pytest.mark.parametrize("said,reply,secret", [
    ("My security answer, my mother's maiden name, is Kowalski.", "Thank you. Kowalski matches the answer on file.", "Kowalski"),
    ("The answer to my security question: Bruno. Please reset.", "Thanks, Bruno matches, so I'll generate a new password.", "Bruno"),
    ("my security answer is Petrov", "Thanks, Petrov is the answer on file.", "Petrov"),
])
def test_a_security_answer_the_customer_gave_is_never_echoed(said: str, reply: str, secret: str) -> None:
    assert secret not in Redactor().redact(said)
    assert "pii" in failed(check(reply, "account-reset-password", customer=(said,)))


def test_a_security_question_itself_is_not_a_secret() -> None:
    assert Redactor().redact("Please answer your security question.") == "Please answer your security question."


def test_html_in_a_reply_is_refused_by_the_checks_and_removed_by_shaping() -> None:
    raw = "You can send your return by mail. <img src=x onerror=alert(1)>"
    assert "channel" in failed(check(raw, "returns-return-methods"))
    for channel in CHANNELS:
        shaped = shape(raw, channel, POLICY)
        assert not UNSAFE.search(shaped), (channel, shaped)


# ---- 3. escalation replies on every channel ---------------------------------------------------


def _suggester() -> SuggestionService:
    gateway = SimpleNamespace(available=False, status=lambda: {"configured": False}, params=lambda task: SimpleNamespace(model=None))
    return SuggestionService(knowledge=SimpleNamespace(), gateway=gateway, checker=CHECKER, prompts=None, today=lambda: TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("message,escalation", [
    ("I want to kill myself", "self_harm"),
    ("The jacket caught fire and burned my hand", "safety"),
    ("My lawyer will be in touch, I am going to sue you", "legal_threat"),
])
async def test_escalation_replies_are_shaped_for_every_channel(channel: str, message: str, escalation: str) -> None:
    result = await _suggester().suggest("t", Conversation(channel, [Message("customer", message)]), n=3)
    assert result.escalation and result.escalation["id"] == escalation
    assert [s.engine for s in result.suggestions] == ["policy"]
    s = result.suggestions[0]
    assert all(c["passed"] for c in s.checks), s.checks
    assert s.text != POLICY.fallback_reply and "checking the details" not in s.text
    if channel == "email":
        assert s.text.startswith(("Hello,", "Hi ")) and s.text.rstrip().endswith("Customer Care")
    if channel == "sms":
        assert s.text.startswith("Northwind Apparel:") and len(s.text) <= POLICY.max_length("sms")
    if escalation == "self_harm":
        assert "988" in s.text


# ---- 4. normalised, multilingual matchers ----------------------------------------------------


@pytest.mark.parametrize("text", [
    "I can offer you a full\u200b refund.",
    "You will get a fu11 r3fund.",
    "We’ll send a ｆｒｅｅ item as compens\u00adation.",
    "Nous vous accordons un remboursement intégral.",
    "Sie erhalten eine volle Rückerstattung.",
    "Le daremos un reembolso completo.",
])
def test_forbidden_commitments_are_found_through_spelling_tricks_and_languages(text: str) -> None:
    assert "forbidden" in failed(check(text, "refunds-request-a-refund"))


@pytest.mark.parametrize("message,expected", [
    ("I want to end it all", "self_harm"),
    ("thinking about how to unalive myself", "self_harm"),
    ("i want to k1ll mys3lf", "self_harm"),
    ("I want to ki\u200bll myself", "self_harm"),
    ("je vais me suicider", "self_harm"),
    ("ich will mich umbringen", "self_harm"),
    ("quiero suicidarme", "self_harm"),
    ("Honestly I'm thinking about ending my life", "self_harm"),
    ("I keep thinking about ending it all", "self_harm"),
    ("thinking of taking my own life", "self_harm"),
    ("Voglio farla finita. Non ce la faccio più.", "self_harm"),
    ("Je pense à en finir.", "self_harm"),
    ("quiero acabar con mi vida", "self_harm"),
    ("ik wil er een eind aan maken", "self_harm"),
    ("I'd like to end the call and cancel my subscription", None),
    ("pour en finir avec cette commande, remboursez-moi", None),
    ("I will contact my legal counsel", "legal_threat"),
    ("je vais porter plainte et prendre un avocat", "legal_threat"),
    ("Ich werde Sie verklagen", "legal_threat"),
    ("voy a demandarles", "legal_threat"),
    ("I'll just do a charge back", "regulator_or_chargeback"),
    ("Where is my order?", None),
    # Wishing to disappear is a crisis when said of oneself, not of a parcel or a mailing list.
    ("honestly I just want to disappear forever", "self_harm"),
    ("some days I wish I could vanish", "self_harm"),
    ("everyone would be better off without me", "self_harm"),
    ("nobody would even notice if I was gone", "self_harm"),
    ("je voudrais juste disparaître", "self_harm"),
    ("ich möchte einfach verschwinden", "self_harm"),
    ("quisiera desaparecer", "self_harm"),
    ("I want to disappear from your mailing list", None),
    ("will my reward points disappear forever?", None),
    ("the parcel vanished for good", None),
    ("quiero desaparecer de su lista de correo", None),
])
def test_escalation_is_found_through_spelling_tricks_and_languages(message: str, expected: str | None) -> None:
    found = POLICY.escalation_for([message])
    assert (found.id if found else None) == expected


def test_tone_matchers_see_through_zero_width_characters() -> None:
    assert "tone" in failed(check("Please calm\u200b down.", "refunds-request-a-refund"))


def test_look_alike_digits_are_folded_only_inside_words() -> None:
    assert "full refund" in variants("fu11 r3fund")
    assert variants("within 30 days for $20") == ("within 30 days for $20",)


# ---- 5. PII ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [
    ("Appelez-moi au 06 12 34 56 78", "06 12 34 56 78"),
    ("my mobile is +91 98765 43210", "98765 43210"),
    ("call me 098765 43210", "098765 43210"),
    ("card number 4111.1111.1111.1111", "4111.1111.1111.1111"),
    ("it's 5555  5555  5555  4444 on the visa", "5555  5555  5555  4444"),
    ("card ４１１１ １１１１ １１１１ １１１１ please", "1111 1111"),
    ("charge 4012\u200b8888\u200b8888\u200b1881 instead", "8888"),
    ("123456789 is my ssn", "123456789"),
    ("numéro de passeport 12AB34567", "12AB34567"),
    ("Reisepassnummer C01X00T47", "C01X00T47"),
    ("Meine Adresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5"),
    ("livrez au 12 rue de la Paix, 75002 Paris", "rue de la Paix"),
    ("send it to 10 Downing Street, London SW1A 2AA", "Downing Street"),
    ("my pw is hunter22", "hunter22"),
    ("mot de passe est Soleil2024!", "Soleil2024"),
    ("the CVV on the back is 737", "737"),
    ("I got the code 583920 by text but it fails", "583920"),
    ("pay back to gb29nwbk60161331926819 please", "nwbk"),
    ("iban: gb29 nwbk 6016 1331 9268 19 thanks", "9268"),
])
def test_pii_the_findings_named_is_masked(text: str, value: str) -> None:
    out = Redactor().redact(text)
    assert value not in out, out
    assert "[" in out


@pytest.mark.parametrize("text,kept", [
    ("Order 3348917502 arrived damaged, total was $1,299.99", ["3348917502", "$1,299.99"]),
    ("SKU JK-2231-BLK-M is out of stock", ["JK-2231-BLK-M"]),
    ("Bestellung 4471203398 über 149,95 €", ["4471203398", "149,95 €"]),
    ("Artikelnummer 4006381333931 ist ausverkauft", ["4006381333931"]),
    ("I paid 249.00 dollars on 2024-03-15", ["249.00", "2024-03-15"]),
])
def test_order_ids_skus_and_amounts_are_never_masked(text: str, kept: list[str]) -> None:
    out = Redactor().redact(text)
    assert out == text and all(k in out for k in kept)


def test_a_lower_case_iban_is_masked_whole() -> None:
    out = Redactor().redact("iban: gb29 nwbk 6016 1331 9268 19 thanks")
    assert out == "iban: [IBAN_1] thanks"


# ---- 6. plain text out ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "Hi <script>alert('x')</script>there",
    "See [our page](javascript:alert(document.cookie)) now",
    "x<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt; hi",
    "open <b onmouseover=alert(1)>now</b>",
    "visit javascript:alert(1) ok",
])
def test_html_and_script_links_are_removed(raw: str) -> None:
    out = strip_html(raw)
    assert not UNSAFE.search(out), out
    assert "alert" not in out or "cookie" not in out


def test_text_without_html_is_unchanged() -> None:
    for t in ("a < b and c > d", "Orders of $75 or more ship free.", "Use **bold** and [a link](https://example.com)."):
        assert strip_html(t) == t


def test_snippets_and_grounded_replies_from_an_article_with_html_are_plain() -> None:
    h = hit("returns-return-methods")
    poisoned = replace(h, text=h.text + "\n<script>steal()</script>[click](javascript:alert(1))",
                       payload={**h.payload, "replies": {"default": "You can return by mail. <img src=x onerror=alert(1)>"}})
    clean_hit = plain_hit(poisoned)
    assert not UNSAFE.search(clean_hit.text) and "steal" not in clean_hit.text
    for channel in CHANNELS:
        for reply in GroundedEngine(POLICY).replies([poisoned], channel, facts={}):
            assert not UNSAFE.search(reply.candidate.text)


# ---- the optional grounding judge ------------------------------------------------------------


async def _suggest_with_judge(judge_answer: str, *, enabled: bool = True):
    from evals.prepared_model import PreparedChatModel
    from service.llm.gateway import LLMGateway
    from service.replies.service import Prompts
    from service.settings import LLMSettings

    chat = PreparedChatModel(reply="Gold members can return items at any time, with no receipt needed.", judge=judge_answer)
    gateway = LLMGateway(chat, LLMSettings(base_url="http://prepared.invalid/v1", model="m", grounding_judge=enabled))
    svc = SuggestionService(knowledge=SimpleNamespace(), gateway=gateway, checker=CHECKER, prompts=Prompts(REPO / "prompts"), today=lambda: TODAY)
    conv = Conversation("chat", [Message("customer", "I'm gold, can I return this?")])
    return await svc.suggest("t", conv, n=2, hits=[hit("returns-membership-windows")], intent="return_item"), chat


async def test_the_grounding_judge_can_veto_a_reply_the_checks_passed() -> None:
    result, chat = await _suggest_with_judge('{"verdict": "unsupported", "unsupported": ["with no receipt needed"]}')
    assert "judge" in chat.calls
    assert result.llm["outcome"] == "replaced" and all(s.engine != "llm" for s in result.suggestions)
    assert any("grounding judge" in f for a in result.llm["attempts"] for f in a["findings"])


@pytest.mark.parametrize("answer", ['{"verdict": "supported", "unsupported": []}', "not json at all"])
async def test_the_grounding_judge_never_decides_alone(answer: str) -> None:
    result, chat = await _suggest_with_judge(answer)
    assert "judge" in chat.calls and result.llm["outcome"] == "used" and result.suggestions[0].engine == "llm"
    off, chat_off = await _suggest_with_judge('{"verdict": "unsupported", "unsupported": ["x"]}', enabled=False)
    assert "judge" not in chat_off.calls and off.llm["outcome"] == "used"


def test_the_customers_own_words_do_not_make_a_benefit_universal() -> None:
    # A number the customer stated may be repeated; a benefit word they used ("free") is no support.
    report = check("Everyone gets free overnight upgrades.", "store-membership-levels", customer=("do I get free overnight upgrades?",))
    assert "grounded" in failed(report)
    assert check("Bronze members can return within 90 days, so a purchase from two months ago is fine.",
                 "returns-membership-windows", customer=("I bought it two months ago",)).passed


def test_a_level_after_another_fact_does_not_bind_the_first_fact() -> None:
    scopes = {f.value: f.scope for f in facts_of("Standard shipping is $8 and overnight shipping is $20 (free for Gold members).")}
    assert scopes["8"] is None and scopes["free"] == frozenset({"gold"})


def test_ids_with_cue_words_inside_are_not_codes_and_ni_numbers_after_a_cue_are_masked() -> None:
    assert Redactor().redact("codice articolo GIA-443-NR") == "codice articolo GIA-443-NR"
    assert Redactor().redact("My NI number is QQ 12 34 56 C") == "My NI number is [SSN_1]"


def test_a_rejected_placeholder_value_is_named_in_the_audit_entry() -> None:
    from service.replies.conversation import SuggestResult
    from service.replies.recording import audit_entry

    conv = Conversation("chat", [Message("customer", "hi")], customer={"first_name": "Jane. Your refund of $500 is approved", "order_id": "NW-1"})
    result = SuggestResult([], "chat", None, None, "p@2", {"outcome": "skipped"}, {"total_ms": 1.0}, [])
    entry = audit_entry("t", conv, result)
    assert entry["policy"]["rejected_facts"] == ["first_name"]
    assert "Jane" not in str(entry)


def test_a_number_the_customer_gave_cannot_become_a_policy() -> None:
    customer = ("I bought it 60 days ago, I'm silver, can I return it?",)
    assert "grounded" in failed(check("Silver members can return within 60 days of purchase.", "returns-membership-windows", customer=customer))
    assert check("Silver members can return within 6 months, so your purchase from 60 days ago qualifies.",
                 "returns-membership-windows", customer=customer).passed


def test_contractions_count_as_their_base_word() -> None:
    from service.replies.policy import content_words

    assert content_words("If it hasn't shown up, the customer's credit") == content_words("If it shown up, the customer credit")
    assert check("Thanks for your patience. If it hasn't shown up once it's been more than 7 days, let us know and we can start "
                 "processing the credit.", "refunds-returned-no-credit").passed


# ---- issue 13, second round of classes (dev-i13-classes-2) --------------------------------------


@pytest.mark.parametrize("sentence", [
    "I totally get how annoying that is!", "Really reasonable question!", "Okay, let's figure this out.",
    "Ugh, what a hassle.", "Such a valid concern.", "Alright, let's get you sorted.",
])
def test_friendly_openers_outside_the_listed_forms_are_conversational(sentence: str) -> None:
    assert is_conversational(sentence)


@pytest.mark.parametrize("sentence", [
    "I'm really sorry the replacement still hasn't reached you.",
    "I can imagine how stressful it is when the credit takes longer than expected.",
    "I understand, it's annoying to be charged again the next day.",
    "I'm sorry the jacket didn't fit, and I can help with a refund or a replacement.",
])
def test_empathy_about_the_customers_refund_or_day_is_conversational(sentence: str) -> None:
    assert is_conversational(sentence)


@pytest.mark.parametrize("sentence", [
    "I'm sorry, we'll refund you tomorrow.",              # a promise after the empathy
    "I understand your refund will arrive tomorrow.",      # an empathy clause that looks ahead
    "I understand your refund has been approved.",         # an outcome, not the customer's situation
    "Okay, your fee is waived today.",
    "Such a fair question: Gold members get free shipping.",
    "I totally get it, a free replacement is on its way.",
])
def test_empathy_and_openers_carrying_a_promise_or_a_fact_are_claims(sentence: str) -> None:
    assert not is_conversational(sentence)


def test_an_empathy_opener_does_not_get_a_faithful_reply_replaced() -> None:
    report = check("I get why that's annoying! Our prices are set by pricing algorithms that change dynamically, so we don't "
                   "give price adjustments after purchase.", "pricing-price-dropped")
    assert report.passed, report.findings()


@pytest.mark.parametrize("text,articles", [
    ("Every member who misses a payment can get an extension.", ("subscription-payment-extension",)),
    ("All of our members get an unexpected extra fee removed from their order.", ("orders-mystery-fee",)),
    ("Any member can have an invalid promo code replaced.", ("promotions-promo-code-not-working",)),  # guests are not members, but
    ("Bronze members can get an extension on their subscription.", ("subscription-payment-extension",)),
])
def test_a_claim_about_levels_the_sources_treat_one_by_one_needs_a_part_said_of_all_of_them(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    if "promo code" in text:  # Gold, Silver and Bronze are named together there: every member is right
        assert report.passed, report.findings()
    else:
        assert "grounded" in failed(report)
        # "can get an extension" is also an action said of Bronze: refused as the level's entitlement or level by level
        assert any("level by level" in f or "not for bronze" in f for f in report.findings()), report.findings()


def test_what_a_source_denies_a_level_supports_the_denial_not_the_grant() -> None:
    assert check("Bronze members and guests can't get an extension, but Gold members can always get one.", "subscription-payment-extension").passed
    assert check("Unfortunately we can't extend Bronze or guest subscriptions.", "subscription-payment-extension").passed
    assert "grounded" in failed(check("Guests can get an extension on their subscription.", "subscription-payment-extension"))


def test_a_fact_an_article_states_over_two_sentences_is_supported() -> None:
    # "Overnight shipping: $20 per order. Gold members have the overnight fee waived." (one bullet)
    assert check("Overnight shipping is $20 per order, waived for Gold members.", "store-pricing-extras").passed
    assert check("Overnight is twenty dollars (waived for Gold members).", "store-pricing-extras").passed
    # Each fact keeps the level its own sentence gives it: the waiver is Gold's only.
    assert "grounded" in failed(check("Overnight shipping is $20 per order, waived for Bronze members.", "store-pricing-extras"))


@pytest.mark.parametrize("text,articles", [
    ("Our boots come with navy laces.", ("products-boots-faq",)),
    ("The boots have a suede upper with a waterproof membrane.", ("products-boots-faq",)),
    ("Our shirts are 100% wool.", ("products-shirts-faq",)),
])
def test_a_wrong_colour_or_material_is_refused_like_a_wrong_number(text: str, articles: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, *articles))


def test_the_colour_or_material_the_source_states_passes() -> None:
    assert check("Our boots ship with brown laces.", "products-boots-faq").passed
    assert check("Our leather boots have a waterproof membrane and sealed seams.", "products-boots-faq").passed


@pytest.mark.parametrize("text,articles", [
    ("No problem, we'll credit the difference back to your card.", ("pricing-price-dropped",)),
    ("Your manager has approved a one-off extension for you.", ("subscription-payment-extension",)),
    ("I'll go ahead and cancel the extra fee for you.", ("orders-mystery-fee", "pricing-price-dropped")),
    ("You'll receive a replacement code as a guest too.", ("promotions-promo-code-expired",)),
])
def test_a_promise_without_a_forbidden_phrase_needs_a_passage_stating_that_action(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert "grounded" in failed(report), report.findings()


def test_a_passage_that_forbids_an_action_does_not_support_promising_it() -> None:
    report = check("My manager will approve your extension.", "subscription-payment-extension")
    assert "grounded" in failed(report)
    assert any("commitment to approve" in f for f in report.findings()), report.findings()


def test_actions_the_article_offers_may_be_promised_and_denials_are_no_promise() -> None:
    assert check("Since your order is still in transit, I can waive the shipping fee on that shipment.", "shipping-cost-refund").passed
    assert check("Gold members can always get an extension, so I'll extend your subscription and confirm it.",
                 "subscription-payment-extension").passed
    assert check("I'm afraid we can't refund the difference: prices change dynamically and we don't give price adjustments.",
                 "pricing-price-dropped").passed


def test_a_condition_is_not_a_denial() -> None:
    # "Guests: apologise; unfortunately there is nothing we can do." denies guests a new code; the
    # claim's "when the old one isn't valid" says when, not whether.
    assert "grounded" in failed(check("Guests get a new promo code too when the old one isn't valid.", "promotions-promo-code-not-working"))
    assert check("If the code turns out not to be valid, unfortunately we can't replace it for guest checkouts.",
                 "promotions-promo-code-not-working").passed


def test_search_each_gives_what_each_pattern_finds_in_every_spelling() -> None:
    import re

    from service.guardrails.normalise import _union, search_any, search_each

    patterns = tuple(re.compile(p, re.IGNORECASE) for p in (r"full\s+refund", r"\bguarantee", r"free\s+replacement"))
    for text in ("We guarantee a full refund", "a fu11 r\u200befund and a FREE replacement", "nothing to see", ""):
        assert [m.group(0) for m in search_each(patterns, text)] == [m.group(0) for p in patterns for m in [search_any(p, text)] if m]
    assert not search_each(patterns, "we will look into it")
    # Patterns that cannot be joined faithfully are searched one by one.
    assert _union((re.compile(r"(a)\1"), re.compile(r"b"))) is None
    assert _union((re.compile(r"(?P<x>a)"), re.compile(r"(?P<x>b)"))) is None
    assert _union((re.compile("a", re.IGNORECASE), re.compile("b"))) is None
    assert [m.group(0) for m in search_each((re.compile(r"(a)\1"), re.compile(r"b")), "aa b")] == ["aa", "b"]


# ---- issue 13, round 3: the classes fresh-v4 named ----------------------------------------------


@pytest.mark.parametrize("text,articles", [
    ("Silver members can return an item within 6 weeks of purchase.", ("returns-membership-windows",)),
    ("Boots take about two months to break in.", ("products-boots-faq",)),
    ("Our boots come with a 2-year warranty against manufacturing defects.", ("products-boots-faq",)),
    ("On Saturdays our stores open at ten.", ("store-dates-and-hours",)),
    ("We open at 10 on Mondays.", ("store-dates-and-hours",)),
])
def test_a_number_moved_onto_another_unit_or_weekday_is_refused(text: str, articles: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, *articles)), text


@pytest.mark.parametrize("text,articles", [
    ("Silver members can return an item within six months of purchase.", ("returns-membership-windows",)),
    ("Boots usually take one to two weeks to break in.", ("products-boots-faq",)),
    ("Stores open at nine Monday to Saturday and at ten on Sundays.", ("store-dates-and-hours",)),
    ("On Sundays we open at 10 a.m.", ("store-dates-and-hours",)),
])
def test_the_same_number_with_its_own_unit_or_weekday_passes(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert report.passed, (text, report.findings())


@pytest.mark.parametrize("text,articles", [
    ("As a Bronze member, the extra fee is always removed from your order.", ("orders-mystery-fee",)),
    ("For guests the unexpected fee is automatically removed.", ("orders-mystery-fee",)),
    ("Guest shoppers: guests can also get a replacement code for their next purchase.", ("promotions-promo-code-expired",)),
    ("Bronze members can get an extension on a late subscription payment.", ("subscription-cancel-and-late-payment",)),
])
def test_an_action_said_with_an_adverb_or_as_a_levels_entitlement_needs_a_passage_for_that_level(text: str, articles: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, *articles)), text


@pytest.mark.parametrize("text,articles", [
    ("As a Silver member, the extra fee is always removed from your order.", ("orders-mystery-fee",)),
    ("Gold members can get a replacement code for 20% off their next purchase.", ("promotions-promo-code-expired",)),
    ("Gold members can always get an extension on a late subscription payment.", ("subscription-cancel-and-late-payment",)),
    ("Silver members can get an extension only if they're 1 day late on the payment.", ("subscription-cancel-and-late-payment",)),
])
def test_the_same_action_for_a_level_the_source_grants_it_passes(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert report.passed, (text, report.findings())


def test_list_numbers_and_ing_empathy_are_no_claims_but_their_items_are() -> None:
    steps = "Here are a few things to try:\n\n1. Refresh the page and add the item again.\n2. Log out and back in."
    assert check(steps, "site-cart-not-updating").passed
    assert is_conversational("I totally get wanting to be sure!")
    assert not is_conversational("I totally get wanting a refund, so I'll refund you today.")
    bad = check("A few things to know:\n\n1. Guests can return items within 90 days.\n2. Gold members can return at any time.", "returns-membership-windows")
    assert "grounded" in failed(bad)


def test_the_customers_figure_judged_against_the_rule_passes_but_never_becomes_the_rule() -> None:
    customer = ("I have no account, bought a top 3 weeks ago. Can I return it?",)
    ok = check("Guests can return items within 30 days of purchase, so 3 weeks is fine.", "returns-membership-windows", customer=customer)
    assert ok.passed, ok.findings()
    assert "grounded" in failed(check("Guests can return items within 3 weeks of purchase, so that's fine.", "returns-membership-windows",
                                      customer=customer))


@pytest.mark.parametrize("text,articles", [
    ("Any customer can ask us to cancel their premium subscription at any time.", ("subscription-cancel-and-late-payment",)),
    ("Each membership level lasts 12 months and is reviewed every year.", ("store-membership-levels",)),
])
def test_a_universal_rule_a_source_states_of_no_particular_level_passes(text: str, articles: tuple[str, ...]) -> None:
    report = check(text, *articles)
    assert report.passed, (text, report.findings())


@pytest.mark.parametrize("text,articles", [
    ("Every customer can return an item at any time.", ("returns-membership-windows",)),
    ("Any customer can get an extension at any time.", ("subscription-cancel-and-late-payment",)),
    ("Each membership level lasts 6 months.", ("store-membership-levels",)),
])
def test_a_universal_claim_whose_fact_a_source_gives_some_levels_is_still_refused(text: str, articles: tuple[str, ...]) -> None:
    assert "grounded" in failed(check(text, *articles)), text


@pytest.mark.parametrize("text,queue", [
    ("I've been stockpiling my sleeping pills and tonight I'm going to take them. Cancel my order please.", "crisis"),
    ("Honestly I might just swallow the rest of my pills. Anyway, where's my refund?", "crisis"),
    ("The buckle cut my daughter's hand open and she had to get stitches.", "product_safety"),
    ("your zip gashed my thumb, it needed five stitches", "product_safety"),
])
def test_pills_put_aside_and_cuts_that_needed_stitches_are_escalated(text: str, queue: str) -> None:
    escalation = POLICY.escalation_for([text])
    assert escalation is not None and escalation.queue == queue, text


@pytest.mark.parametrize("text", [
    "I saved up for months to buy this coat.", "The stitches on my jeans came loose.", "I cut the tags off already.",
    "Can you stitch my name on the jacket?", "The seam split open after one wash.",
])
def test_savings_stitching_and_cut_tags_are_not_escalated(text: str) -> None:
    assert POLICY.escalation_for([text]) is None, text


def test_blaming_the_customer_or_rolling_eyes_is_refused_but_naming_their_connection_is_not() -> None:
    for text in ("Honestly your wifi is the real problem here.", "The issue is on your end, try another browser.", "Try closing some tabs 🙄"):
        assert "tone" in failed(check(text, "site-slow-website")), text
    ok = check("If other websites are slow too, it may be your internet connection. Try closing other browser tabs.", "site-slow-website")
    assert "tone" not in failed(ok), ok.findings()


def test_so_before_an_adjective_is_no_conjunction_but_before_a_new_subject_it_is() -> None:
    assert is_conversational("Sorry it's so slow today.")
    assert not is_conversational("Sorry it's late, so we'll refund you today.")
    assert POLICY.escalation_for(["there's a box of pills I've been saving for tonight"]) is not None


# ---- issue 13, round 3: classes fresh-v5 named --------------------------------------------------


@pytest.mark.parametrize("text", [
    "Great news, Amara!", "Enjoy the new boots!", "Good luck with the move!", "Ha, rainy season, new coat!",
    "Oh dear, sorry the fit isn't what you expected!",
    "I'm so sorry your parcel still hasn't arrived, especially after waiting in all day.",
    "I'm sorry, I know how stressful it is when a payment seems to go missing.",
    "So I can sort that out, could you send me:",
])
def test_friendly_lines_carrying_no_fact_need_no_support(text: str) -> None:
    assert is_conversational(text), text


@pytest.mark.parametrize("text", [
    "Not too late!", "Everything ships free!", "We ship worldwide!", "Still eligible!", "Great news, your refund is approved!",
    "Enjoy 20% off your next order!", "I know we can refund you.", "Returns are always easy!",
    "I'm so sorry your parcel is late, but we will send a new one tomorrow.",
])
def test_lines_with_a_verb_a_verdict_or_a_commitment_are_still_claims(text: str) -> None:
    assert not is_conversational(text), text


def test_the_items_of_a_question_list_are_part_of_the_question_but_a_promise_is_not() -> None:
    text = "To get that started, could you tell me:\n\n- which item you'd like to refund,\n- the order ID."
    assert "grounded" not in failed(check(text, "refunds-request-a-refund")), check(text, "refunds-request-a-refund").findings()
    promise = "Could you tell me:\n\n- your order ID,\n- and we will refund you in full today."
    assert "grounded" in failed(check(promise, "refunds-request-a-refund"))


def test_a_masked_format_is_not_shouting_but_capitals_are() -> None:
    assert "tone" not in failed(check("Please send the card ending, written as XXXX-XXXX-XXXX-1234.", "site-card-declined"))
    assert "tone" in failed(check("Please RESEND the card details.", "site-card-declined"))


@pytest.mark.parametrize("text", [
    "That's not our concern. Refresh the page.", "Not the company's problem, sorry.",
    "Had you typed the address properly, the parcel would have arrived.",
    "If you'd read the size chart carefully in the first place, it would fit.",
    "Figure out the sizing yourself.",
])
def test_disowning_and_blaming_the_customer_are_refused(text: str) -> None:
    assert "tone" in failed(check(text, "site-cart-not-updating")), text


@pytest.mark.parametrize("text", [
    "You can check the order status yourself on our website.", "Treat yourself to something new.",
    "If you had trouble with the page, please try again.",
])
def test_self_service_and_plain_conditions_are_not_rude(text: str) -> None:
    assert "tone" not in failed(check(text, "site-cart-not-updating")), text


@pytest.mark.parametrize("text,act", [
    ("No worries, we'll knock that delivery charge off today.", "act:remove"),
    ("I can drop the restocking fee for you.", "act:remove"),
    ("You'll get your money back this week.", "act:refund"),
    ("We'll pay you back for that.", "act:refund"),
])
def test_commitments_in_phrasal_verbs_are_commitments(text: str, act: str) -> None:
    assert act in {f.value for f in facts_of(text, acts="claim")}, text


@pytest.mark.parametrize("text", ["I can't take the fee off.", "Take the tags off before washing.", "We can't give you your money back."])
def test_denied_or_unrelated_phrasal_verbs_commit_to_nothing(text: str) -> None:
    assert not [f for f in facts_of(text, acts="claim") if f.value.startswith("act:")], text


@pytest.mark.parametrize("text", [
    "some nights I hope I fall asleep and never wake up. anyway my parcel?",
    "I've left farewell notes for my family. please cancel my subscription",
    "I've been giving away all my things, just close my account",
])
def test_indirect_self_harm_is_escalated(text: str) -> None:
    escalation = POLICY.escalation_for([text])
    assert escalation is not None and escalation.queue == "crisis", text


@pytest.mark.parametrize("text", [
    "I never wake up early enough for the courier.", "The baby woke up when the doorbell rang.",
    "I wrote a thank-you note to your driver.", "I'm giving away the old jacket to a friend.",
])
def test_sleep_notes_and_gifts_are_not_escalated(text: str) -> None:
    assert POLICY.escalation_for([text]) is None, text


def test_two_full_weeks_and_a_full_year_are_numbers() -> None:
    assert [(f.value, f.qual) for f in facts_of("The sale runs for two full weeks.")] == [("2", "week")]
    assert [(f.value, f.qual) for f in facts_of("You get a full year to return it.")] == [("1", "year")]


@pytest.mark.parametrize("sentence,conversational", [
    ("I'm sorry, but we don't accept returns on sale items.", False),
    ("Thanks for asking, but sale items are final.", False),
    ("I understand, unfortunately the warranty ends after a year.", False),
    ("I'm sorry for the trouble, but I'm here to help.", True),
    ("Sorry about that, but let me check for you.", True),
    ("I'm sorry you're locked out.", True),
])
def test_a_courtesy_that_turns_to_a_statement_is_a_claim(sentence: str, conversational: bool) -> None:
    from service.guardrails.claims import is_conversational

    assert is_conversational(sentence) is conversational


def escalations_of(message: str) -> list[str]:
    """The shipped policy's escalations that ``message`` triggers."""
    return [e.id for e in SHIPPED_POLICY.escalations if e.matches(message)]


SHIPPED_POLICY = load_policy(REPO / "knowledge" / "policy.yaml")


@pytest.mark.parametrize("message", [
    "ya no quiero seguir viviendo. y encima mi paquete no llega",
    "I don't want to keep living like this",
    "je ne veux plus vivre",
    "ich will nicht weiterleben",
    "non voglio continuare a vivere",
    "não quero continuar a viver",
    "ik wil niet verder leven",
])
def test_not_wanting_to_go_on_living_is_self_harm_in_every_language(message: str) -> None:
    assert escalations_of(message) == ["self_harm"]
    assert not escalations_of("I don't want to keep waiting for this parcel")


@pytest.mark.parametrize("message", [
    "been giving all my stuff away, won't be needing any of it soon. just cancel the second jacket",
    "i keep hoping i just don't wake up tomorrow tbh. anyway is my premium still active",
    "I hope I never wake up",
    "gave most of my things away this week",
    "j'espère ne plus me réveiller",
    "ich will einfach nicht mehr aufwachen",
    "ojalá no despertar mañana",
    "spero di non svegliarmi più",
    "queria não acordar mais",
    "ik hoop niet meer wakker te worden",
])
def test_hoping_not_to_wake_up_and_giving_things_away_are_self_harm(message: str) -> None:
    assert escalations_of(message) == ["self_harm"]


@pytest.mark.parametrize("message", [
    "I hope I don't wake up the baby when the parcel arrives",
    "hoping I don't wake up late tomorrow for the delivery",
    "I won't be needing it anymore, please cancel my subscription",
    "I gave my old coat away to a friend, can I still get the warranty?",
    "I'm giving my sister's gift away at the party, can you gift wrap it?",
])
def test_ordinary_sleep_and_giving_away_are_not_self_harm(message: str) -> None:
    assert "self_harm" not in escalations_of(message)


@pytest.mark.parametrize("message,escalation", [
    ("Please send the refund to my sister instead. I've made my peace with everything.", "self_harm"),
    ("Send it to my brother, I won't be around by the time it clears.", "self_harm"),
    ("Your heated vest started smoking and scorched my shirt while I was wearing it.", "safety"),
    ("the battery pack keeps overheating in my pocket", "safety"),
])
def test_leaving_words_and_heat_from_a_product_escalate(message: str, escalation: str) -> None:
    assert escalation in escalations_of(message)


@pytest.mark.parametrize("message", [
    "I won't be home when the courier comes, can they leave it with a neighbour?",
    "I've made peace with the colour, but the size is wrong",
    "Is the smoking jacket still on sale?",
])
def test_being_out_and_a_smoking_jacket_do_not_escalate(message: str) -> None:
    assert not {"self_harm", "safety"} & set(escalations_of(message))


@pytest.mark.parametrize("message,escalation", [
    ("honestly i can't see the point of carrying on anymore. anyway where's my parcel", "self_harm"),
    ("There's no reason in living any more, just refund me", "self_harm"),
    ("Je vous écris une dernière fois, je ne serai plus là.", "self_harm"),
    ("Ich bin bald nicht mehr hier. Bitte kündigen Sie mein Abo.", "self_harm"),
    ("Dopo oggi non ci sarò più, annullate l'abbonamento.", "self_harm"),
    ("I swallowed a handful of my sleeping pills an hour ago, can you cancel my order", "self_harm"),
    ("Ayer me tomé todas las pastillas para dormir.", "self_harm"),
    ("Heb net alle pillen ingenomen.", "self_harm"),
    ("the new leggings caused a burning rash on my son's legs", "safety"),
    ("Your dye burns are all over my arms from this shirt", "safety"),
    ("Seit ich die Hose trage, habe ich Ausschlag.", "safety"),
    ("la camiseta me dio urticaria", "safety"),
])
def test_no_point_in_going_on_pills_taken_and_a_rash_escalate(message: str, escalation: str) -> None:
    """Policy v10 (what fresh-v9's first look let through, in other words)."""
    assert escalation in escalations_of(message)


@pytest.mark.parametrize("message", [
    "There's no point going on with this return, I'll keep the coat",
    "I can't see the point of paying for premium any more",
    "What's the point of the Gold level if shipping isn't free?",
    "je ne serai plus là pour la livraison, pouvez-vous la décaler ?",
    "non ci sarò più a quell'indirizzo dal mese prossimo",
    "I took all the tags off before I noticed the stain",
    "I made a rash decision buying three coats",
    "these boots gave me blisters on the first walk, are they returnable?",
])
def test_ordinary_no_point_absence_tags_and_blisters_do_not_escalate(message: str) -> None:
    assert not {"self_harm", "safety"} & set(escalations_of(message))
