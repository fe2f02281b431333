"""Slack's escaping and markup come off before matching; the text underneath is kept."""

from __future__ import annotations

import pytest

from knowledge.slacktext import clean


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("Basic Auth &amp; MFA &lt;off&gt;", "Basic Auth & MFA <off>"),
        ("it&#39;s broken", "it's broken"),
        ("see <https://help.bittitan.com/x|the article>", "see the article"),
        ("see <https://portal.azure.com>", "see https://portal.azure.com"),
        ("mail <mailto:admin@contoso.com|admin@contoso.com> now", "mail admin@contoso.com now"),
        ("<@U012ABC> can you look", "@U012ABC can you look"),
        ("<@U012ABC|dana> can you look", "@dana can you look"),
        ("in <#C024BE7LR|migrations>", "in #migrations"),
        ("<!here> 401 again", "@here 401 again"),
        ("```401 Unauthorized```", "\n401 Unauthorized\n"),
        ("&gt; quoted 401\n&gt; second line", "quoted 401\nsecond line"),
        ("*bold* _italic_ ~gone~ `code`", "bold italic gone code"),
        ("user_name stays", "user_name stays"),
        ("\u201ccurly\u201d \u2018quotes\u2019 \u2014 dash", "\"curly\" 'quotes' - dash"),
        ("nul\x00byte", "nul byte"),
        ("ＡＡＤＳＴＳ５００７６", "AADSTS50076"),
    ],
)
def test_clean_undoes_slack_markup(raw: str, plain: str) -> None:
    assert clean(raw) == plain


def test_clean_leaves_plain_text_alone() -> None:
    text = "Your migration failed while checking destination credentials. 401 Unauthorized: (x)"
    assert clean(text) == text
