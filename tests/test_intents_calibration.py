"""Intents at the defaults a new user gets: any intent name, and an abstention threshold
calibrated on the taxonomy's own examples when it is trained (a setting still overrides it)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from service.adapters.sk_intent_model import SkIntentTrainer
from service.intents.service import IntentService
from service.intents.taxonomy import TaxonomyError, load_taxonomy
from service.intents.calibration import choose_threshold
from tests.conftest import KNOWLEDGE
from tests.test_intents import MINI, write

TAXONOMY = KNOWLEDGE / "intents.yaml"


def test_real_taxonomy_names_with_capitals_spaces_and_punctuation_are_accepted(tmp_path) -> None:  # noqa: ANN001
    text = MINI.replace("name: refund", 'name: "  Billing / Refund?  "').replace("name: password", "name: Passwort vergessen")
    tax = load_taxonomy(write(tmp_path, text, examples=None))
    assert tax.names[:2] == ["Billing / Refund?", "Passwort vergessen"]
    rows = "text,intent\nmoney back for my order please,  Billing / Refund?\n"
    tax = load_taxonomy(write(tmp_path, text + "examples_file: ex.csv\n", examples=("ex.csv", rows)))
    assert "money back for my order please" in tax.get("Billing / Refund?").examples


@pytest.mark.parametrize(("name", "needle"), [
    ("x" * 129, "at most 128"),
    ('"   "', "has no name"),
    ('"two\\nlines"', "one line"),
])
def test_empty_overlong_or_multiline_names_are_refused(tmp_path, name: str, needle: str) -> None:  # noqa: ANN001
    with pytest.raises(TaxonomyError, match=needle):
        load_taxonomy(write(tmp_path, MINI.replace("name: refund", f"name: {name}")))


def test_names_must_be_unique_after_trimming(tmp_path) -> None:  # noqa: ANN001
    text = MINI.replace("name: refund", 'name: "Refund "').replace("name: password", 'name: " Refund"')
    with pytest.raises(TaxonomyError, match="duplicate intent 'Refund'"):
        load_taxonomy(write(tmp_path, text))
    assert len(load_taxonomy(write(tmp_path, MINI.replace("name: password", "name: x" * 1 + "y" * 127))).names) == 3


def test_the_threshold_is_the_highest_that_turns_away_at_most_the_allowed_share_of_in_scope_examples() -> None:
    conf = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.95, 0.99])
    in_scope = np.array([1] * 10 + [0, 0], dtype=bool)  # the last two are out-of-scope examples: not counted
    assert choose_threshold(conf, in_scope, 0.0) == pytest.approx(0.05)  # turn away nothing
    assert choose_threshold(conf, in_scope, 0.1) == pytest.approx(0.1)  # one of ten
    assert choose_threshold(conf, in_scope, 0.3) == pytest.approx(0.3)  # three of ten
    assert choose_threshold(conf, in_scope, 0.25) == pytest.approx(0.2)  # two and a half: two
    # right or wrong does not matter: a wrong answer turned away counts like a right one
    assert choose_threshold(conf, in_scope, 1.0) == pytest.approx(0.9)  # never above every in-scope example
    assert choose_threshold(conf[10:], in_scope[10:]) == 0.5  # no in-scope example held out: the fixed default


def test_ties_never_turn_away_more_than_allowed() -> None:
    conf = np.array([0.4, 0.4, 0.4, 0.8, 0.9])
    t = choose_threshold(conf, np.ones(5, dtype=bool), 0.2)
    assert (conf < t).sum() <= 1


def test_a_taxonomy_gets_its_own_calibrated_threshold_and_a_setting_overrides_it(real_embedder) -> None:  # noqa: ANN001
    svc = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY)
    report = svc.load()
    calibrated = report.train["threshold"]
    assert 0.0 < calibrated < 1.0 and calibrated != 0.5
    assert svc.threshold == calibrated and svc.describe()["threshold_source"] == "calibrated on the taxonomy"
    fixed = IntentService(trainer=SkIntentTrainer(real_embedder), path=TAXONOMY, threshold_override=0.99)
    fixed.load()
    assert fixed.threshold == 0.99 and fixed.describe()["threshold_source"] == "setting"
    text = "I want a refund for my boots"
    assert svc.classify(text).confidence == pytest.approx(fixed.classify(text).confidence)


def test_the_threshold_setting_is_optional() -> None:
    from service.settings import Settings, SettingsError

    assert Settings.from_env({}).models.intent_threshold is None
    assert Settings.from_env({"ASSIST_INTENT_THRESHOLD": ""}).models.intent_threshold is None
    assert Settings.from_env({"ASSIST_INTENT_THRESHOLD": "0.7"}).models.intent_threshold == 0.7
    with pytest.raises(SettingsError, match="between 0 and 1"):
        Settings.from_env({"ASSIST_INTENT_THRESHOLD": "1.5"})
    assert json.dumps(Settings.from_env({}).models.intent_threshold) == "null"
