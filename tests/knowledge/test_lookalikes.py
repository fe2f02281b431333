from __future__ import annotations

import re

import pytest

from knowledge.classify import classify
from knowledge.lookalikes import LookalikeFinder, edits, lookalike
from knowledge.matcher import Text


@pytest.mark.parametrize(
    ("first", "second", "count"),
    [
        ("northwind", "northwind", 0),
        ("northwind", "nortwind", 1),  # a letter left out
        ("contoso", "cnotoso", 1),  # two letters swapped
        ("fabrikam", "fabrikan", 1),
        ("litware", "litwareinc", 3),  # past the limit of two
        ("contoso.com", "contoso.co.uk", 3),
    ],
)
def test_edits_count_slips_up_to_the_limit(first: str, second: str, count: int) -> None:
    assert edits(first, second) == count
    assert edits(second, first) == count


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("northwindtraders.com", "nortwindtraders.com", True),
        ("wingtiptoys.onmicrosoft.com", "wingtiptoy.onmicrosoft.com", True),
        ("tenant1.onmicrosoft.com", "tenant2.onmicrosoft.com", False),  # numbered tenants, not a typo
        ("fabrikam.com", "fabrikamgroup.com", False),  # two tenants of one customer
        ("adatm", "adat", False),  # too short to call one a slip of the other
    ],
)
def test_lookalikes_are_typing_slips_not_other_names(first: str, second: str, alike: bool) -> None:
    assert lookalike(first, second) is alike


def test_a_lookalike_finder_keeps_only_the_names_another_one_nearly_repeats() -> None:
    finder = LookalikeFinder(re.compile(r"@[\w-]+(?:\.[\w-]+){1,4}"))
    text = Text("from a@fabrikam.com to b@northwind.com; endpoint says admin@nortwind.com")
    assert [match.group() for match in finder.matches(text)] == ["@northwind.com", "@nortwind.com"]
    assert finder.first(Text("only one: a@northwind.com")) is None


def test_a_mistyped_domain_beside_the_real_one_points_at_wrong_credentials() -> None:
    pasted = (
        "PS> Get-MgUser -UserId migadmin@wingtiptoys.onmicrosoft.com | fl AccountEnabled\n"
        "AccountEnabled : True\n"
        "dest endpoint in MW has migadmin@wingtiptoy.onmicrosoft.com, verify = 401"
    )
    diagnosis = classify(pasted)
    assert diagnosis.causes[0].id == "wrong-credentials"
    assert any("two nearly identical ways" in line for line in diagnosis.causes[0].evidence)


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("contso", "contoso", True),  # one slip in a short name
        ("contosso", "contoso", True),
        ("contso", "contosoo", False),  # two slips are too many for a name this short
        ("adatum", "adatum1", False),
        ("abcd", "abce", False),
    ],
)
def test_short_names_may_differ_by_one_slip(first: str, second: str, alike: bool) -> None:
    assert lookalike(first, second) is alike


def test_an_address_mistyping_the_tenants_name_points_at_wrong_credentials() -> None:
    paste = "dest endpoint admin is `migadmin@contso.onmicrosoft.com`, verify gives 401. tenant is NAME."
    diagnosis = classify(paste.replace("NAME", "contoso"))
    assert diagnosis.causes[0].id == "wrong-credentials"
    assert any("two nearly identical ways" in line for line in diagnosis.causes[0].evidence)
    assert not any(
        "two nearly identical" in line
        for cause in classify(paste.replace("NAME", "fabrikam")).causes
        for line in cause.evidence
    )
