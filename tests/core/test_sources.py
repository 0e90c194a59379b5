"""Every rule and target says where it comes from: document, article, verification state."""

from __future__ import annotations

from pathlib import Path

from vetdesk.standards.ruleset import load_default_ruleset
from vetdesk.standards.targets import load_default_targets

ROOT = Path(__file__).resolve().parents[2]
STATES = {"verified", "secondary", "code", "unverified", "assumption"}


def test_every_rule_names_its_document_article_and_verification():
    ruleset = load_default_ruleset()
    for rule in ruleset.rules:
        source = ruleset.sources[rule.source]
        assert source.title and rule.article, rule.id
        assert rule.verified in STATES, rule.id
    for name, rule in ruleset.teacher_rules.items():
        assert rule["source"] in ruleset.sources and rule["article"], name
        assert rule["verified"] in STATES, name
    for target in ruleset.compliance_targets:
        assert target.source in ruleset.sources and target.article
    scope = ruleset.raw["compliance_scope"]
    assert scope["source"] in ruleset.sources and scope["article"] and scope["verified"] in STATES
    assert all(s.verified in STATES for s in ruleset.sources.values())


def test_every_target_names_its_document_articles_and_verification():
    target_set = load_default_targets()
    for target in target_set.targets:
        assert target.document == target_set.source["number"], target.id
        assert target.articles and all(n in target_set.articles for n in target.articles)
        assert target.verified in STATES and target.quote, target.id


def test_nothing_says_the_policy_text_was_unavailable():
    policy_number = load_default_targets().source["number"]
    ruleset = load_default_ruleset()
    cited = [s for s in ruleset.sources.values() if s.number == policy_number]
    assert cited and all(s.verified == "verified" and s.url for s in cited)
    for path in (ROOT / "resources" / "standards").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "was not available" not in text and "未取得政策" not in text, path
    assert (ROOT / cited[0].url).is_file()  # the full text ships with the sources
