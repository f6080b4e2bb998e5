"""A branch named only in the text, by its name or a short form; ambiguous → none."""

import pytest

from complaints.domain.understanding import Analyser, Reader
from complaints.domain.understanding.branches import BranchDirectory

from .conftest import BRANCHES


@pytest.fixture(scope="module")
def directory() -> BranchDirectory:
    return BranchDirectory(BRANCHES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("城东支行的柜员态度很差", "BR-001"),
        ("在城东那个营业部排了一上午", "BR-001"),
        ("城西网点的大堂经理推销保险", "BR-002"),
        ("高新区支行门口的取款机坏了", "BR-003"),
        ("城東支行的櫃員把我的卡弄丟了", "BR-001"),
        ("The teller at your Chengdong branch read my balance aloud", "BR-001"),
        ("上次在城东支行办的事已经解决了,这次是信用卡年费", "BR-001"),
        ("不是城东支行,是城西支行的柜员多收了钱", "BR-002"),
    ],
)
def test_a_branch_named_in_the_text(
    analyser: Analyser, directory: BranchDirectory, text: str, code: str
) -> None:
    found = directory.find(analyser.read(text))

    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "text",
    [
        "城东支行和城西支行我都去过,都说办不了",  # two branches, equally: no guess
        "我们是城东幼儿园的家长",  # a place, not our outlet
        "信用卡年费多扣了",  # no branch at all
    ],
)
def test_no_branch_or_not_one_branch(analyser: Analyser, directory: BranchDirectory, text: str) -> None:
    assert directory.find(analyser.read(text)) is None


def test_the_reader_names_the_branch(reader: Reader) -> None:
    assert reader.read("在城西营业部换储蓄卡,柜员翻白眼").named_branch == "BR-002"
