"""The statute importer on the real texts in ../shared/statutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_cache.cn_numerals import cn_to_int, int_to_cn
from offline_cache.statutes import ArticleRef, load_statutes, parse_article_ref, parse_statute_file


@pytest.mark.parametrize(("number", "text"), [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
    (1087, "一千零八十七"), (1260, "一千二百六十"), (1001, "一千零一"), (1010, "一千零一十"),
])
def test_chinese_numerals_round_trip(number: int, text: str) -> None:
    assert int_to_cn(number) == text
    assert cn_to_int(text) == number


def test_civil_code_imports_as_1260_articles(statutes_dir: Path) -> None:
    laws = load_statutes(statutes_dir)
    code = laws["民法典"]
    assert len(code.articles) == 1260
    assert sorted(n for n, _ in code.articles) == list(range(1, 1261))
    assert len(code.source_files) == 8  # seven books and the 附则
    article = code.article(1087)
    assert article is not None
    assert article.text.startswith("第一千零八十七条 离婚时，夫妻的共同财产由双方协议处理")
    assert article.chapter.startswith("第四章")


def test_every_file_imports_with_articles_and_a_title(statutes_dir: Path) -> None:
    laws = load_statutes(statutes_dir)
    assert len(laws) == 49  # 56 files; the Civil Code's seven books are one law
    for law in laws.values():
        assert law.title.startswith(("中华人民共和国", "最高人民法院", "保障", "信访", "劳动",
                                     "医疗", "国有", "土地", "女职工", "工伤", "社会救助"))
        assert len(law.articles) >= 15, law.name


def test_multi_paragraph_article_keeps_its_paragraphs(statutes_dir: Path) -> None:
    path = next(statutes_dir.glob("劳动合同法(*.md"))
    _name, title, articles = parse_statute_file(path)
    assert title == "中华人民共和国劳动合同法"
    second = next(a for a in articles if a.number == 2)
    assert second.text.count("\n") == 1
    assert "国家机关、事业单位" in second.text


@pytest.mark.parametrize(("text", "expected"), [
    ("民法典第1087条", ArticleRef("民法典", 1087)),
    ("劳动合同法 82", ArticleRef("劳动合同法", 82)),
    ("《中华人民共和国劳动合同法》第八十二条", ArticleRef("劳动合同法", 82)),
    ("民法典:1087", ArticleRef("民法典", 1087)),
    ("民法典第１０８７条", ArticleRef("民法典", 1087)),
    ("离婚怎么办", None),
    ("", None),
])
def test_article_references_parse(text: str, expected: ArticleRef | None) -> None:
    assert parse_article_ref(text) == expected
