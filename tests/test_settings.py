from pathlib import Path

import pytest

from service.settings import Settings, SettingsError, documented_settings


def test_defaults_match_the_spec():
    s = Settings.from_env({})
    assert s.storage.data_dir == Path("./var").resolve()  # resolved once, against the working directory
    assert s.content.knowledge_dir == Path("./knowledge")
    assert s.content.intents_file == Path("knowledge/intents.yaml")
    assert (s.server.host, s.server.port) == ("127.0.0.1", 8000)
    assert s.storage.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert not s.llm.enabled


def test_environment_overrides_each_group():
    s = Settings.from_env(
        {
            "ASSIST_PORT": "9001",
            "ASSIST_DATA_DIR": "/tmp/x",
            "ASSIST_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "ASSIST_LLM_BASE_URL": "http://127.0.0.1:8080/v1",
            "ASSIST_LLM_MODEL": "smol",
            "ASSIST_INTENT_THRESHOLD": "0.3",
        }
    )
    assert s.server.port == 9001
    assert s.storage.effective_database_url == "postgresql+asyncpg://u@h/db"
    assert s.llm.enabled and s.llm.model == "smol"
    assert s.models.intent_threshold == 0.3


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ASSIST_PORT": "eighty"}, "ASSIST_PORT"),
        ({"ASSIST_PORT": "70000"}, "ASSIST_PORT"),
        ({"ASSIST_DATABASE_URL": "mysql://x"}, "ASSIST_DATABASE_URL"),
        ({"ASSIST_LLM_BASE_URL": "http://x"}, "ASSIST_LLM_MODEL"),
        ({"ASSIST_QDRANT_URL": "ftp://x"}, "ASSIST_QDRANT_URL"),
        ({"ASSIST_INTENT_THRESHOLD": "2"}, "ASSIST_INTENT_THRESHOLD"),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(env, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_database_password_is_not_echoed_in_errors():
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"ASSIST_DATABASE_URL": "mysql://user:hunter2@db/x"})
    assert "hunter2" not in str(err.value)


def test_every_setting_is_documented():
    rows = documented_settings()
    assert {"ASSIST_DATA_DIR", "ASSIST_QDRANT_URL", "ASSIST_LLM_MODEL", "ASSIST_PORT"} <= {r[0] for r in rows}
    assert all(doc for _, _, doc in rows), [r for r in rows if not r[2]]
