"""Intent taxonomy and classifier: the shipped taxonomy, refusal of bad taxonomies, classifying
messages, batches and conversations, abstention, hot reload, the LLM fallback."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from service.adapters.sk_intent_model import SkIntentTrainer
from service.intents.current_need import Message
from service.intents.service import IntentService
from service.intents.taxonomy import OUT_OF_SCOPE, PRIORITIES, TaxonomyError, load_taxonomy
from tests.conftest import KNOWLEDGE

TAXONOMY = KNOWLEDGE / "intents.yaml"

MINI = """
intents:
  - name: refund
    description: Customer wants their money back.
    queue: returns
    priority: normal
    examples: ["I want a refund", "give me my money back", "please refund my order", "refund this purchase"]
  - name: password
    description: Customer cannot sign in.
    queue: accounts
    priority: low
    examples: ["I forgot my password", "reset my password please", "my password doesn't work", "can't log in with my password"]
  - name: shipping
    description: Where is the parcel.
    queue: shipping
    priority: high
    examples: ["where is my package", "has my order shipped", "track my parcel", "my delivery is late"]
"""


def write(tmp_path: Path, text: str, name: str = "intents.yaml", examples: tuple[str, str] | None = None) -> Path:
    path = tmp_path / name
    path.write_text(text)
    if examples:
        (tmp_path / examples[0]).write_text(examples[1])
    return path


# ---- the shipped taxonomy ------------------------------------------------------------------------


def test_shipped_taxonomy_covers_the_55_store_subflows_with_enough_examples():
    tax = load_taxonomy(TAXONOMY)
    assert len(tax.intents) == 55
    assert all(len(i.examples) >= 12 for i in tax.intents), [i.name for i in tax.intents if len(i.examples) < 12]
    assert all(i.priority in PRIORITIES and i.queue and i.description for i in tax.intents)
    assert len(tax.oos_examples) >= 20
    assert len(tax.version) == 12 and tax.version == load_taxonomy(TAXONOMY).version


def test_taxonomy_version_changes_when_an_example_changes(tmp_path):
    shutil.copy(TAXONOMY, tmp_path / "intents.yaml")
    shutil.copy(KNOWLEDGE / "intents_examples.csv", tmp_path / "intents_examples.csv")
    before = load_taxonomy(tmp_path / "intents.yaml").version
    with open(tmp_path / "intents_examples.csv", "a") as f:
        f.write("my username slipped my mind,recover_username\n")
    assert load_taxonomy(tmp_path / "intents.yaml").version != before


# ---- bad taxonomies are refused with the problem named -------------------------------------------


@pytest.mark.parametrize(
    ("text", "examples", "needle"),
    [
        ("", None, "empty"),
        ("   \n", None, "empty"),
        ("intents: []\n", None, "non-empty list"),
        ("foo: bar\n", None, "no 'intents'"),
        (MINI + "priorities: [low, high]\n", None, "unknown key(s) priorities"),
        ("intents: [", None, "not valid YAML"),
        (MINI + MINI.split("intents:\n")[1].split("  - name: password")[0], None, "duplicate intent 'refund'"),
        (MINI + "examples_file: ex.csv\n", ("ex.csv", "text,intent\nwhere's my money,refunds\n"),
         "ex.csv line 2: example for unknown intent 'refunds'"),
        (MINI + "examples_file: ex.jsonl\n", ("ex.jsonl", '{"text": "hi", "intent": "nope"}\n'), "unknown intent 'nope'"),
        (MINI + "examples_file: ex.csv\n", ("ex.csv", ""), "examples file is empty"),
        (MINI + "examples_file: ex.csv\n", ("ex.csv", "words,label\nx,y\n"), "must name the columns"),
        (MINI + "examples_file: missing.csv\n", None, "does not exist"),
        (MINI.replace("priority: high", "priority: critical"), None, "priority 'critical'"),
        (MINI.replace("    queue: shipping\n", ""), None, "'shipping' has no queue"),
        (MINI.replace("name: shipping", "name: out_of_scope"), None, "reserved"),
        (MINI.replace('examples: ["where is my package", "has my order shipped", "track my parcel", "my delivery is late"]',
                      "examples: []"), None, "'shipping' has 0 example"),
    ],
)
def test_bad_taxonomy_is_refused_with_a_message_naming_the_problem(tmp_path, text, examples, needle):
    path = write(tmp_path, text, examples=examples)
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    assert needle in err.value.detail
    assert err.value.status == 422


def test_missing_taxonomy_file_is_named(tmp_path):
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("- just a list\n", "the top level must be a mapping with an 'intents' list"),
        ("intents: {refund: x}\n", "'intents' must be a non-empty list"),
        (MINI.replace("name: password", "name: 42"), "intents.yaml: intent #2 has no name"),
        (MINI.replace("description: Where is the parcel.", "description: [a, b]"), "intent 'shipping' has no description"),
        (MINI.replace("    queue: accounts\n", "    queue: {a: 1}\n"), "intent 'password' has no queue"),
        (MINI.replace("priority: low", "priority: low\n    owner: ann\n    colour: red"),
         "intent 'password': unknown field(s) colour, owner"),
        (MINI.replace('examples: ["I forgot my password",', 'examples: [7, "I forgot my password",'),
         "intent 'password': examples must be a list of strings"),
        (MINI.replace("  - name: password", "  - just text\n  - name: password"), "intent #2 must be a mapping"),
        (MINI + "queues: returns\n", "'queues' must be a list of names"),
        (MINI + "queues: [returns, accounts]\n", "queue 'shipping' is not one of the declared queues (returns, accounts)"),
        (MINI + "out_of_scope_examples: hello\n", "out_of_scope_examples must be a list of strings"),
        (MINI + "examples_file: 5\n", "examples_file must be a path relative to the YAML"),
        (MINI.replace("name: shipping", "name: refund "), "duplicate intent 'refund'"),
    ],
)
def test_a_field_of_the_wrong_shape_is_refused_naming_the_intent_and_field(tmp_path, text, needle):
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(write(tmp_path, text))
    assert needle in err.value.detail


def test_priorities_are_read_case_insensitively_and_unknown_fields_source_and_tags_are_allowed(tmp_path):
    text = MINI.replace("priority: low", "priority: ' URGENT '\n    source: ops wiki\n    tags: [login]")
    assert load_taxonomy(write(tmp_path, text)).get("password").priority == "urgent"


def test_out_of_scope_examples_come_from_yaml_and_examples_file(tmp_path):
    path = write(tmp_path, MINI + "out_of_scope_examples: ['tell me a joke']\nexamples_file: ex.csv\n",
                 examples=("ex.csv", "text,intent\nwhat's the weather,out_of_scope\nrefund me now,refund\n"))
    tax = load_taxonomy(path)
    assert set(tax.oos_examples) == {"tell me a joke", "what's the weather"}
    texts, labels = tax.training_set()
    assert labels.count(OUT_OF_SCOPE) == 2 and "refund me now" in texts
    assert OUT_OF_SCOPE not in tax.names


# ---- classification with the shipped taxonomy -------------------------------------------------------


@pytest.fixture(scope="module")
def service(real_embedder: Any) -> IntentService:
    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY, threshold_override=0.5)
    svc.load()
    return svc


def test_the_fast_scorer_gives_the_trained_models_own_probabilities(service, real_embedder):
    """Requests are scored without scikit-learn's per-call overhead; the numbers must be the
    model's: predict_proba on the same TF-IDF and embedding features."""
    import numpy as np

    clf = service._live.classifier
    assert clf._fast is not None
    texts = ["I want my money back for the boots", "where is my parcel??", "reset 2FA please", "hi", "",
             "Can I change the shipping address on order 4471920 before it ships?"]
    emb = real_embedder.embed(texts)
    want = clf._model.predict_proba(clf._features(texts, emb))
    got = clf._fast.probs(texts, emb)
    assert np.abs(got - want).max() < 1e-5


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I can't remember the password for my account", "recover_password"),
        ("the jeans I got are two sizes too big, I want to send them back", "return_size"),
        ("there's a charge on my card from you but I never ordered anything", "billing_never_bought"),
        ("my promo code keeps getting rejected at checkout", "promo_code_invalid"),
        ("the website search gives me no results for anything", "site_search_broken"),
        ("when does my premium subscription renew?", "subscription_due_date"),
    ],
)
def test_a_clear_message_gets_its_intent_with_confidence_and_alternatives(service, text, intent):
    r = service.classify(text)
    assert r.intent == intent
    assert 0.5 <= r.confidence <= 1.0
    assert r.taxonomy_version == service.version
    assert len(r.alternatives) == 3 and intent not in {a.intent for a in r.alternatives}
    confidences = [r.confidence] + [a.confidence for a in r.alternatives]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize("text", ["what's the capital of Australia", "can you write me a haiku about cats",
                                  "how many grams of protein are in an egg"])
def test_out_of_scope_text_abstains(service, text):
    r = service.classify(text)
    assert r.intent is None
    assert r.confidence < 0.5
    assert r.candidate is not None  # the best guess is kept for logs, not answered


def test_batch_classifies_each_text_in_order(service):
    texts = ["where is my parcel, tracking hasn't moved", "tell me a joke", "my cart won't update when I add a shirt"]
    results = service.classify_batch(texts)
    assert [r.intent for r in results] == ["shipping_status", None, "site_cart_not_updating"]
    singles = [service.classify(t) for t in texts]
    assert [round(r.confidence, 4) for r in results] == [round(r.confidence, 4) for r in singles]


def test_conversation_reports_the_current_need_not_the_first_message(service):
    messages = [
        Message("agent", "Hi, how can I help?"),
        Message("customer", "I forgot my username"),
        Message("agent", "Sure, I found it: jdoe42. Anything else?"),
        Message("customer", "Yes actually, my order arrived but the shirt was missing from the box"),
        Message("agent", "Sorry to hear that, can I have the order id?"),
        Message("customer", "order 1234567"),
    ]
    r = service.classify_conversation(messages)
    assert r.intent == "shipping_missing_item"
    assert r.turn == 3


def test_conversation_without_customer_text_is_refused(service):
    from service.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no customer message"):
        service.classify_conversation([Message("agent", "Hello?")])


def test_threshold_is_a_setting(real_embedder, service):
    strict = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY, threshold_override=1.0)
    strict.load()  # reuses the trained model (same taxonomy version)
    r = strict.classify("I want a refund for my boots")
    assert r.intent is None and r.candidate == service.classify("I want a refund for my boots").intent


def test_empty_text_and_oversized_batch_are_invalid_input(service):
    from service.errors import InvalidInput

    with pytest.raises(InvalidInput, match="empty"):
        service.classify("   ")
    with pytest.raises(InvalidInput, match="at most"):
        service.classify_batch(["hi"] * 300)


# ---- hot reload ------------------------------------------------------------------------------------


async def test_reload_swaps_a_good_taxonomy_and_refuses_a_bad_one_keeping_the_old(tmp_path, real_embedder):
    path = write(tmp_path, MINI)
    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=path, threshold_override=0.3)
    await svc.reload()
    first = svc.version
    assert svc.classify("please refund my purchase").intent == "refund"

    path.write_text(MINI + MINI.split("intents:\n")[1].split("  - name: password")[0])  # duplicate 'refund'
    with pytest.raises(TaxonomyError, match="duplicate intent 'refund'"):
        await svc.reload()
    assert svc.version == first
    assert svc.classify("please refund my purchase").intent == "refund"
    assert "duplicate" in svc.describe()["last_error"]

    path.write_text(MINI.replace("  - name: shipping", """  - name: cancel
    description: Cancel an order.
    queue: orders
    priority: normal
    examples: ["cancel my order", "I want to cancel the order", "stop my order please", "please cancel what I bought"]
  - name: shipping"""))
    report = await svc.reload()
    assert report.changed and report.previous_version == first and svc.version != first
    assert svc.classify("I want to cancel my order").intent == "cancel"


async def test_classification_never_fails_during_a_reload(tmp_path, real_embedder):
    path = write(tmp_path, MINI)
    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=path, threshold_override=0.0)
    svc.load()
    path.write_text(MINI.replace("priority: low", "priority: normal"))  # new version, retrain
    errors: list[BaseException] = []
    versions: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                versions.add(svc.classify("where is my package").taxonomy_version)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

    worker = threading.Thread(target=hammer)
    worker.start()
    try:
        await svc.reload()
        await asyncio.sleep(0.05)
    finally:
        stop.set()
        worker.join()
    assert not errors
    assert svc.version in versions


async def test_reload_does_not_block_the_event_loop(tmp_path, real_embedder):
    """The reload's model work runs off the loop: while it is inside the embedder, the loop is
    free to run another task, and that task is what lets the embedding finish. A reload on the
    loop's own thread would wait for a task that can never run, and time out."""
    path = write(tmp_path, MINI.replace("priority: high", "priority: urgent"))
    entered, release = threading.Event(), threading.Event()

    class GatedEmbedder:
        dimension, model_name = real_embedder.dimension, real_embedder.model_name

        def embed(self, texts: Any) -> Any:
            entered.set()
            if not release.wait(timeout=10):
                raise TimeoutError("the event loop never ran while the reload was embedding")
            return real_embedder.embed(texts)

    svc = IntentService(trainer=SkIntentTrainer(GatedEmbedder()), path=path)

    async def releaser() -> None:
        while not entered.is_set():
            await asyncio.sleep(0.001)
        release.set()

    helper = asyncio.create_task(releaser())
    report = await asyncio.wait_for(svc.reload(), timeout=60)
    await helper
    assert release.is_set() and svc.version == report.version


# ---- LLM fallback --------------------------------------------------------------------------------


async def test_llm_fallback_names_the_intent_after_an_abstention_and_is_recorded(real_embedder, service):
    asked: list[str] = []

    async def fallback(text: str, taxonomy: Any) -> str | None:
        asked.append(text)
        return "faq_policy"

    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY, threshold_override=0.5, fallback=fallback)
    svc.load()
    r = await svc.aclassify("what is the meaning of life")
    assert (r.intent, r.source) == ("faq_policy", "llm")
    assert asked == ["what is the meaning of life"]
    confident = await svc.aclassify("I forgot my password")
    assert confident.source == "model" and len(asked) == 1


async def test_llm_fallback_answers_outside_the_taxonomy_are_ignored(real_embedder):
    async def fallback(text: str, taxonomy: Any) -> str | None:
        return "make_me_a_sandwich"

    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY, fallback=fallback)
    svc.load()
    r = await svc.aclassify("what is the meaning of life")
    assert r.intent is None and r.source == "model"


async def test_llm_fallback_over_the_gateway_parses_the_json_answer():
    from service.intents.llm_fallback import llm_fallback
    from service.ports import ChatResult

    class FakeGateway:
        available = True

        def __init__(self, text: str) -> None:
            self.text = text
            self.calls: list[Any] = []

        async def complete(self, task: str, messages: Any, **kw: Any) -> Any:
            self.calls.append((task, messages, kw))
            return ChatResult(self.text, "fake", "stop", 10, 5, 1.0), None

    tax = load_taxonomy(TAXONOMY)
    gw = FakeGateway('{"intent": "faq_policy"}')
    assert await llm_fallback(gw)("can I return a gift?", tax) == "faq_policy"
    task, messages, kw = gw.calls[0]
    assert task == "intent" and kw["json_mode"] and "faq_policy:" in messages[0].content
    assert await llm_fallback(FakeGateway('{"intent": "none"}'))("hello", tax) is None
    assert await llm_fallback(FakeGateway("I think it is about weather"))("hello", tax) is None


# ---- the model is a port -------------------------------------------------------------------------


async def test_the_service_classifies_through_any_intent_trainer_handed_in(tmp_path):
    """Swapping the model is a constructor argument: a fake trainer, no scikit-learn, no embedder."""
    import numpy as np

    from service.ports import IntentModel, IntentScores, IntentTrainer

    class KeywordModel:
        labels = ["password", "refund", "shipping"]
        threshold = 0.6
        train_info = {"examples": 12}

        def score(self, texts: Any) -> IntentScores:
            hits = np.array([[float(label in t) + 0.1 for label in self.labels] for t in texts])
            probs = hits / hits.sum(axis=1, keepdims=True)
            best = probs.argmax(axis=1)
            conf = probs[np.arange(len(texts)), best]
            return IntentScores(self.labels, probs, best, np.log(conf), conf)

    class KeywordTrainer:
        def __init__(self) -> None:
            self.trained: list[tuple[int, str]] = []

        def train(self, texts: Any, labels: Any, *, version: str) -> KeywordModel:
            self.trained.append((len(texts), version))
            return KeywordModel()

    trainer = KeywordTrainer()
    assert isinstance(trainer, IntentTrainer) and isinstance(KeywordModel(), IntentModel)
    svc = IntentService(trainer=trainer, path=write(tmp_path, MINI))
    report = await svc.reload()
    assert trainer.trained == [(12, report.version)] and svc.threshold == 0.6
    r = svc.classify("refund please")
    assert r.intent == "refund" and r.taxonomy_version == report.version and r.alternatives[0].intent in KeywordModel.labels
    assert svc.classify("hello").intent is None and svc.classify("hello").candidate == "password"
    await svc.reload()
    assert len(trainer.trained) == 1  # same taxonomy version: nothing to train
