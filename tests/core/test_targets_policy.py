"""The targets match 东政办〔2024〕74号 article by article.

Facts of the policy are read only through the target set (the data file) and checked
against the policy's own text in ``docs/policy-haidong-2024-74.md``; no literal here
says which article sets which target.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from vetdesk.cli import main
from vetdesk.db.database import open_database
from vetdesk.domain.rows import (
    BaseRow,
    DestinationRow,
    MajorRow,
    PeriodData,
    PeriodInfo,
    PilotRow,
    SchoolRow,
)
from vetdesk.services.targets import enter_progress, target_progress
from vetdesk.standards.targets import (
    CITY_ENTERED,
    CONTRIBUTION,
    DONE,
    MISSED_THIS_YEAR,
    ON_TRACK,
    OPEN,
    compute_progress,
    load_default_targets,
    status_of,
)

POLICY = Path(__file__).resolve().parents[2] / "docs" / "policy-haidong-2024-74.md"
NUMERALS = "一二三四五六七八九十"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _articles() -> dict[int, str]:
    """The policy's articles, by number, as whitespace-free text."""
    text = POLICY.read_text(encoding="utf-8")
    body = text[text.index("提出以下具体措施") :]
    starts = [body.index(f"\n{n}、") for n in NUMERALS]
    ends = [*starts[1:], len(body)]
    return {i + 1: _squash(body[s:e]) for i, (s, e) in enumerate(zip(starts, ends, strict=True))}


def _line(article: str, label: str) -> list[str]:
    match = re.search(
        label + "：(.*?)(?=牵头|责任单位：|[一二三四五六七八九十]、|是否宜公开|$)", article
    )
    assert match, label
    return [u for u in re.split("[、，,]", match.group(1)) if u]


def test_every_target_quotes_the_sentence_of_each_article_it_cites():
    articles = _articles()
    target_set = load_default_targets()
    assert target_set.source["verified"] == "verified"
    for target in target_set.targets:
        assert target.quote and len(target.quote) >= len(target.articles), target.id
        assert target.verified == "verified" and target.document, target.id
        for number in target.articles:
            assert any(_squash(q) in articles[number] for q in target.quote), (target.id, number)
        for quote in target.quote:
            assert any(_squash(quote) in articles[n] for n in target.articles), (target.id, quote)


def test_lead_and_responsible_units_are_the_articles_own():
    articles = _articles()
    target_set = load_default_targets()
    for number, article in target_set.articles.items():
        assert list(article.lead) == _line(articles[number], "牵头单位"), number
        assert list(article.responsible) == _line(articles[number], "责任单位"), number
        if article.lead_schools:
            assert list(article.lead_schools) == _line(articles[number], "牵头职业院校")
    for target in target_set.targets:
        expected = [u for n in target.articles for u in target_set.articles[n].lead]
        assert list(target.lead) == list(dict.fromkeys(expected)), target.id
        assert "各职业院校" not in target.responsible


def test_deadlines_only_where_the_text_gives_one():
    for target in load_default_targets().targets:
        quoted = "".join(target.quote)
        dated = "年底" in quoted or "十四五" in quoted
        assert (target.deadline is not None) == dated, target.id
        assert target.every_year == ("保持" in quoted), target.id


def test_a_yearly_requirement_is_judged_in_each_year():
    yearly = [t for t in load_default_targets().targets if t.every_year]
    assert yearly
    for target in yearly:
        below = target.target - Fraction(1, 100)
        assert status_of(target, below, dt.date(2023, 12, 31)) == MISSED_THIS_YEAR
        assert status_of(target, target.target, dt.date(2023, 12, 31)) == DONE
    undated = [t for t in load_default_targets().targets if t.deadline is None]
    assert all(
        status_of(t, Fraction(0), dt.date(2030, 1, 1)) == OPEN for t in undated if not t.every_year
    )


def _data(schools: tuple[SchoolRow, ...] = (), **rows: object) -> PeriodData:
    info = PeriodInfo(2025, dt.date(2025, 12, 31), None, "open")
    return PeriodData(info, schools, {}, (), (), **rows)  # type: ignore[arg-type]


def _major(name: str, **flags: object) -> MajorRow:
    values = {"brand": False, "double_excellent": False, "agriculture": True, **flags}
    return MajorRow("3663000001", "000000", name, "kept", None, enrolment=10, **values)  # type: ignore[arg-type]


def test_named_items_count_only_when_named():
    target_set = load_default_targets()
    named = [t for t in target_set.targets if t.named and t.metric == "named_majors"]
    assert named
    for target in named:
        flags = {target.flag: True} if target.flag else {}
        others = _data(majors=(_major("某个其他专业", **flags),))
        one = _data(majors=(_major(target.named[0], **flags), _major(target.named[0], **flags)))
        progress = {p.target.id: p for p in compute_progress(target_set, others, [], {})}
        assert progress[target.id].value == 0
        progress = {p.target.id: p for p in compute_progress(target_set, one, [], {})}
        assert progress[target.id].value == 1  # the same named major at two schools: once


def test_practice_centres_count_at_the_named_schools_only():
    target_set = load_default_targets()
    target = next(t for t in target_set.targets if t.metric == "named_practice_centres")
    schools = (
        SchoolRow(
            "1", target.named[0], "630202", "higher", "x", "public", None, None, None, None, True
        ),
        SchoolRow(
            "2", "某县职业学校", "630224", "secondary", "x", "public", None, None, None, None, True
        ),
    )
    bases = (
        BaseRow("1", "中心甲", "practice_centre", "built", 2025),
        BaseRow("1", "中心乙", "practice_centre", "built", 2025),
        BaseRow("2", "中心丙", "practice_centre", "built", 2025),
    )
    found = {
        p.target.id: p.value
        for p in compute_progress(target_set, _data(schools=schools, bases=bases), [], {})
    }
    assert found[target.id] == 1


def test_ambiguous_readings_show_the_other_figure():
    target_set = load_default_targets()
    data = _data(
        destinations=(DestinationRow("1", 100, 70, 20),),
        pilots=(PilotRow("1", "证书甲", "junior", 1, 1), PilotRow("2", "证书甲", "junior", 1, 1)),
    )
    progress = {p.target.id: p for p in compute_progress(target_set, data, [], {})}
    with_alternative = [p for p in progress.values() if p.target.alternative is not None]
    assert len(with_alternative) >= 2 and all(p.target.reading for p in with_alternative)
    rates = [p for p in with_alternative if p.target.is_percent]
    assert {(p.value, p.alternative_value) for p in rates} == {
        (Fraction(90, 100), Fraction(70, 100))
    }
    assert all(p.alternative_text() for p in with_alternative)
    counts = [p for p in with_alternative if p.target.metric == "one_plus_x_pilots"]
    assert [(p.value, p.alternative_value) for p in counts] == [(2, 1)]


def test_a_county_sees_its_contribution_not_a_verdict(county_db):
    db = open_database(county_db)
    try:
        _set, progress = target_progress(db, 2025)
        with pytest.raises(Exception, match="市局"):
            enter_progress(db, 2025, "industry_communities", 1, "文件")
    finally:
        db.close()
    assert {p.status for p in progress} <= {CONTRIBUTION, CITY_ENTERED}
    assert all(p.value is None for p in progress if p.entered)


def test_named_entered_targets_refuse_more_than_named(city_db):
    from vetdesk.errors import InputRejected

    target = next(t for t in load_default_targets().targets if t.named and t.metric == "entered")
    db = open_database(city_db)
    try:
        with pytest.raises(InputRejected, match="点名"):
            enter_progress(db, 2025, target.id, len(target.named) + 1, "文件")
    finally:
        db.close()


def test_targets_show_json_lists_every_target_with_its_article(city_db, capsys):
    assert main(["targets", "show", "--db", str(city_db), "--period", "2025", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    ids = [t["id"] for t in shown["targets"]]
    assert ids == [t.id for t in load_default_targets().targets]
    for item in shown["targets"]:
        assert item["articles"] and item["lead"] and item["responsible"] and item["quote"]
        assert (
            item["deadline"] is None
            or item["deadline"] == "every_year"
            or dt.date.fromisoformat(item["deadline"])
        )
        assert item["source"]["document"] == "东政办〔2024〕74号"
        assert item["status"] in {DONE, ON_TRACK, "behind", OPEN, MISSED_THIS_YEAR}
    rate = next(t for t in shown["targets"] if t["id"] == "compliance_rate")
    assert rate["denominator"] and rate["display"].endswith(f"/{rate['denominator']}）")


def test_the_targets_table_in_docs_is_generated_from_the_data():
    import subprocess
    import sys

    root = POLICY.parents[1]
    script = root / "scripts" / "targets_table.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True)
    assert result.returncode == 0, result.stderr
    table = (root / "docs" / "targets.md").read_text(encoding="utf-8")
    for target in load_default_targets().targets:
        assert f"`{target.id}`" in table and all(q in table for q in target.quote)
