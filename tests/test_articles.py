from datetime import date

import pytest

from service.adapters.tokens import TiktokenCounter
from service.knowledge.articles import ArticleError, load_dir, parse_article
from service.knowledge.chunking import chunk_markdown

GOOD = """---
id: returns-test
title: Returns
status: approved
version: 2
channels: [chat, sms]
effective_from: 2025-01-01
review_by: 2027-01-01
---
# Returns

Gold members can return items for 90 days.

## Suggested reply
Hi {first_name}, you can return it within 90 days.

## Suggested reply (sms)
Returns: 90 days for Gold.
"""


def test_article_parses_metadata_body_and_reply_sections():
    a = parse_article(GOOD, "x.md")
    assert (a.id, a.version, a.status, a.channels) == ("returns-test", 2, "approved", ("chat", "sms"))
    assert "Suggested reply" not in a.body and "90 days" in a.body
    assert a.replies == {"default": "Hi {first_name}, you can return it within 90 days.", "sms": "Returns: 90 days for Gold."}
    assert a.in_force(date(2026, 1, 1))
    assert not a.in_force(date(2024, 12, 31))
    assert not a.in_force(date(2027, 1, 2))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("no front matter", "front_matter"),
        ("---\nid: [unclosed\n---\nbody", "front_matter"),
        (GOOD.replace("id: returns-test\n", ""), "id"),
        (GOOD.replace("status: approved", "status: published"), "status"),
        (GOOD.replace("version: 2", "version: two"), "version"),
        (GOOD.replace("effective_from: 2025-01-01", "effective_from: soon"), "effective_from"),
        (GOOD.replace("channels: [chat, sms]", "channels: [fax]"), "channels"),
        (GOOD.replace("id: returns-test", "id: Bad Id!"), "id"),
    ],
)
def test_broken_articles_are_reported_by_field(text, field):
    with pytest.raises(ArticleError) as err:
        parse_article(text, "broken.md")
    assert err.value.field == field
    assert "broken.md" in str(err.value)


def test_directory_load_skips_broken_and_duplicate_articles(tmp_path):
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD)  # same id
    (tmp_path / "c.md").write_text("---\ntitle: x\n---\nbody")
    result = load_dir(tmp_path)
    assert [a.id for a in result.articles] == ["returns-test"]
    assert sorted((e.source, e.field) for e in result.errors) == [("b.md", "id"), ("c.md", "id")]


def test_chunks_follow_headings_and_respect_the_token_budget():
    counter = TiktokenCounter()
    body = "# Title\n\nIntro paragraph about returns.\n\n## Long\n\n" + " ".join(
        f"Sentence number {i} explains one more detail of the policy." for i in range(120)
    )
    chunks = chunk_markdown(body, counter, 64)
    assert len(chunks) > 5
    assert all(c.tokens <= 64 for c in chunks)
    assert {c.heading for c in chunks} >= {"Long"}
    joined = " ".join(c.text for c in chunks)
    assert "Sentence number 119" in joined and "Intro paragraph" in joined


def test_the_sample_knowledge_is_valid_and_large_enough():
    from tests.conftest import KNOWLEDGE

    result = load_dir(KNOWLEDGE)
    assert result.errors == []
    approved = [a for a in result.articles if a.status == "approved"]
    assert len(approved) >= 40
    assert all("default" in a.replies for a in approved)
