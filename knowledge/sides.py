"""Which endpoint, source or destination, a text says failed."""

from __future__ import annotations

import re

from knowledge.matcher import Finder, Text
from knowledge.model import Side

# Japanese, Chinese and Korean side words; no \b, since these scripts join words and particles. A lone 源
# names the source only where it starts a compound ("源端", "源 tenant"), not inside "资源" (resource).
_CJK_SOURCE = (
    r"移行元|ソース|元テナント|旧テナント|来源|來源|源端|源租|(?<![资資电電能水])源(?=[端租头頭服管邮郵信用帳帐账环環伺側侧方\s])"
    r"|소스|원본|기존\s*테넌트|구\s*테넌트"
)
_CJK_DESTINATION = (
    r"移行先|宛先|ターゲット|新テナント|目标|目標|目的端|目的地|目的租|목적지|타겟|신규\s*테넌트"
    r"|대상|新\s*tenant|新租户|新租戶|새\s*테넌트|새\s*tenant"
)
# Words that name a side outright, and descriptions that imply one ("the old tenant", "their new org").
# A side named outright wins over a description of the other (as in "the source, a new tenant").
_SOURCE = (
    r"\bsorce\b|\bsoruce\b|\bsrouce\b|(?<!open[\s-])\bsource(?![\s-](?:code|of\s+truth|files?\b|control)|:\s*(?:microsoft-windows|msexch))|\bsrc\b|\bsource-side\b|\bfrom[\s-]side\b"
    r"|\bquell(?:e\b|-|seite|server|tenant|umgebung|system|postf|projekt|benutz)|\borigen\b|\borigem\b|\borigine\b"
    r"|\bbron(?:tenant|omgeving|server|kant)?\b|\bźród(?:ł|l)\w*|\bzrodl\w*|\bsorgente\b"
    r"|\bkäll(?:a|an|sidan|tenant\w*|server\w*|miljö\w*|system\w*)\b|\bkilde(?:n|siden|tenant\w*|server\w*|miljø\w*)?\b"
    r"|\bkaynak\w*|\bl[äa]hde\w*|\bl[äa]htee\w*|\bforr[áa]s\w*|\bsurs[aăe]\b|\bzdroj\w*|\bngu[ồo]n\b|"
    + _CJK_SOURCE
)
_OLD = (
    r"\bold[\s-]tenant\b|\borigin(?:al)?[\s-]tenant\b|\bon-?prem(?:ises)?\s+(?:source|side|end|project|environment)\b"
    r"|\borigin\s+(?:side|server|endpoint|environment|org|users?|accounts?|mailboxes|one\s?drives?|domain)\b"
    r"|\b(?:old|legacy)\s+(?:exchange|exch|server|box|environment|side|org|system|platform|host|provider|one\s?drives?(?![\s-](?:sync|client|app)))\b|\bsending\s+(?:tenant|side|org)\b|\b(?:moving|migrating)\s+(?:out\s+of|off)\b"
    r"|\b(?:the\s+)?one\s+we(?:'re|\s+are)\s+(?:moving|migrating|copying)\s+(?:from|off|out\s+of)\b"
    r"|\btenant\s+(?:antiguo|viejo|anterior|antigo|velho|ancien)\b|\b(?:alte[nrm]?|ancien|oude|vecchio)\s+tenant\b"
    r"|\bold\s+(?:365|m365|o365|office\s+365)\b|\bside\s+we(?:'re|\s+are)\s+(?:copying|migrating|moving)\s+from\b"
    r"|\b(?:pull|pulling|copy|copying|export|exporting)\s+(?:\S+\s+){0,3}?(?:out\s+of|from)\s+(?:the\s+|their\s+)?(?:\S+\s+){0,2}?tenant\b"
    r"|\bacquired\s+(?:company|org|firm|business)(?:'s)?\s+(?:tenant|side|environment|org)\b"
)
_DESTINATION = (
    r"\bdestination\b|\bdestiantion\b|\bdestinaton\b|\bdestiation\b|\bdest\b|\bdst\b|\btgt\b|\btarget(?![\s-](?:date|audience|of\b)|\s*:\s*\S+@)|\bto[\s-]side\b"
    r"|\bziel\w*|\bcible\b|\bdestino\b|\bdestinazione\b|\bdoel\w*|\bbestemming\b|\bdocelow\w*"
    r"|\bdestination(?:en|s?tenant\w*|s?server\w*|smiljö\w*|siden|sidan)\b|\bdestinasjon\w*"
    r"|\bmål(?:et|sidan|siden|tenant\w*|server\w*|miljö\w*|miljø\w*)?\b"
    r"|\bhedef\w*|\bdestina[țt]i\w*|\bc[ée]l\b|\bkohtee\w*|\bkohde\w*|\bc[íi]lov\w*|\bc[íi]l\b|\bđ[íi]ch\b|"
    + _CJK_DESTINATION
)
_NEW = (
    r"(?<!brand )(?<!brand-)\bnew[\s-](?:company[\s-])?tenant\b|\bnew\s+(?:side|environment|org|company)\b"
    r"|\bwhere\s+(?:the\s+)?(?:mail|data|mailboxes|users)\s+(?:is|are)\s+(?:going|moving)\b"
    r"|\b(?:the\s+)?one\s+we(?:'re|\s+are)\s+(?:moving|migrating|copying)\s+(?:to|into)\b"
    r"|\btenant\s+(?:nuevo|novo|nouveau)\b|\b(?:neue[nrm]?|nouveau|nieuwe|nuovo|novo|nuevo)\s+tenant\b"
    r"|\bside\s+we(?:'re|\s+are)\s+(?:copying|migrating|moving)\s+to\b"
    r"|\breceiving\s+(?:tenant|side|end|org)\b"
)
_NAMED: dict[Side, Finder] = {
    "source": Finder(re.compile(_SOURCE)),
    "destination": Finder(re.compile(_DESTINATION)),
}
_DESCRIBED: dict[Side, Finder] = {
    "source": Finder(re.compile(_OLD)),
    "destination": Finder(re.compile(_NEW)),
}
_SIDE_WORDS: dict[Side, str] = {
    "source": r"source|src|old[\s-]tenant|origin(?:al)?[\s-]tenant|from[\s-]side"
    r"|origin\s+side|on-?prem(?:ises)?\s+side"
    r"|quell\w*|bron\w*|origen|origem|origine|sorgente|käll\w*|kilde\w*|źród(?:ł|l)\w*|kaynak\w*"
    r"|l[äa]hde\w*|l[äa]htee\w*|zdroj\w*|forr[áa]s\w*",
    "destination": r"destination\w*|destinasjon\w*|dest|dst|tgt|target|new[\s-]tenant|to[\s-]side"
    r"|ziel\w*|doel\w*|destino|cible|destinazione|mål\w*|docelow\w*|hedef\w*|kohde\w*|kohtee\w*|c[íi]lov\w*"
    r"|destina[țt]i\w*",
}
# "on the" in other languages: "401 på kilden", "401 auf der Quellseite", "401 sur la cible".
_ON = (
    r"på|auf(?:\s+der)?|bei(?:\s+der)?|im|sur(?:\s+la|\s+le)?|c[ôo]t[ée]|en(?:\s+el|\s+la)?|del|no|na|em"
    r"|su(?:l|lla)?|op(?:\s+de)?|bij|w|po\s+stronie"
)
# Words of failure. The group is atomic: a "failed" that the rest does not fit is not retried as "fail".
_FAILURE = (
    r"(?>fail\w*|401|unauthori[sz]ed|unauth\b|error\w*|denied|broken|broke|rejected|aadsts|faalt|falla|falha|[ée]choue"
    r"|schl[äa]gt|misslyck\w*|feiler|fejler|selh[áa]v[áa]|ba[şs]ar[ıi]s[ıi]z|ep[äa]onnist\w*"
    r"|(?:blew|blows|blowing)\s+up)"
)
_CJK_FAILURE = r"(?:401|失敗|失败|실패|エラー|에러|오류|报错|報錯)"
_CJK_SIDE_WORDS: dict[Side, str] = {"source": _CJK_SOURCE, "destination": _CJK_DESTINATION}


def _branches(*patterns: str) -> tuple[Finder, ...]:
    """One finder per way of saying it: each is tried only where its own leading words stand, not
    wherever any of the others' could start."""
    return tuple(Finder(re.compile(pattern)) for pattern in patterns)


# A side said to have failed: "源端 401", "checking the source credentials", "source verify fails",
# "401 on the destination", "401 (source)", "destination side only", "the target is the one that fails".
_DECISIVE: dict[Side, tuple[Finder, ...]] = {
    side: _branches(
        rf"(?:{_CJK_SIDE_WORDS[side]})\S{{0,6}}\s*(?:verify\s+(?:\S+\s+)?)?(?:→\s*)?{_CJK_FAILURE}",
        rf"\b(?:checking|verifying|verify)\s+(?:the\s+)?(?:{words})\s+credentials",
        rf"\b(?:{words})(?:\s+(?:side|endpoint|tenant|admin|account|server|mailboxe?s?|users?|creds?|credentials"
        rf"|verify|verification|migration|sign-?in|login|pass|run|batch|sync|job)){{0,2}}"
        rf"(?:\s+(?:for|of|at)\s+\S+)?\W{{0,4}}(?:is\s+|are\s+|keeps\s+|still\s+|now\s+|has\s+been\s+|have\s+been\s+)?"
        rf"(?:giving\s+|throwing\s+|returning\s+|showing\s+|getting\s+|gives\s+|throws\s+|returns\s+"
        rf"|says\s+|shows\s+|reports\s+|wirft\s+|gibt\s+|geeft\s+|donne\s+|d[aá]\s+)?{_FAILURE}"
        rf"|\b(?:{words})\s+side\s+only\b"
        rf"|\b(?:{words})\s+is\s+the\s+(?:side|one|endpoint)\s+(?:that\s+(?:is\s+|keeps\s+)?)?{_FAILURE}",
        rf"\b(?:{words})\s+(?:users?|mailboxes|accounts?|one\s?drives?)\s+(?:\S+\s+){{0,5}}?(?:fail\w*|401)",
        rf"\b{_FAILURE}\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:on|from|at|for|in|against|{_ON})\s+(?:the\s+)?"
        rf"(?:all\s+(?:the\s+)?|every\s+|each\s+)?(?:{words})"
        rf"|\b{_FAILURE}\s*[(\[]\s*(?:{words})\s*[)\]]",
    )
    for side, words in _SIDE_WORDS.items()
}


_BOTH_SIDES = (
    r"both(?:\s+of\s+our|\s+the)?\s+(?:sides|tenants|endpoints)"
    r"|(?:source|src|old\s+tenant|zdroj|quelle|origen|origem|bron|k[äa]lla|kilde|[źz]r[óo]d[łl]o)"
    r"\s+(?:and|&|/|or|n|i|und|y|e|en|och|og|a|et)\s+(?:(?:on|in|at|en|em|na|no|auf|sur|op|på)\s+)?(?:the\s+|el\s+|la\s+|le\s+|der\s+|de\s+)?"
    r"(?:destination|dest|dst|target|tgt|new\s+tenant|c[íi]l|ziel|destino|doel|m[åa]l|cible|cel)"
)
# Both sides in Japanese, Chinese and Korean: "源和目标都", "两边都", "両方", "소스와 목적지 모두".
_CJK_BOTH = (
    r"(?:源|来源|來源|源端|ソース|移行元)\S{0,2}(?:和|跟|與|与|及|、|/|と|も)\S{0,2}(?:目标|目標|目的|宛先|移行先)"
    r"|两边|兩邊|双方|雙方|両方|양쪽|둘\s*다|(?:소스|원본)\S{0,2}\s*(?:목적지|대상)\s*(?:모두|둘\s*다)"
)
# A failure said of both sides at once: the text does not single one out.
_BOTH_FAILED = _branches(
    rf"\b{_FAILURE}\s+(?:on|from|in|for|at|{_ON})\s+(?:the\s+)?(?:{_BOTH_SIDES})\b",
    rf"\b(?:{_BOTH_SIDES})\W{{0,3}}\s+(?:\S+\s+){{0,3}}?{_FAILURE}",
    _CJK_BOTH,
)
# A side said to be fine ("destination is fine", "dst all good"): when only one is, the other one failed.
_FINE = (
    r"(?:\s+(?:side|tenant|endpoint|end))?(?:\s*[:=\-–]\s*|\s+)(?:is\s+|are\s+|was\s+|looks\s+|seems\s+)?(?:all\s+)?"
    r"(?:fine|good|ok|okay|green|healthy|clean|unaffected|working|works|verified|verifies|passed)\b"
)
_HEALTHY: dict[Side, Finder] = {
    side: Finder(re.compile(rf"\b(?:{words}){_FINE}")) for side, words in _SIDE_WORDS.items()
}
_OTHER: dict[Side, Side] = {"source": "destination", "destination": "source"}
SIDE_FINDERS = (
    *(finder for branches in _DECISIVE.values() for finder in branches),
    *_NAMED.values(),
    *_DESCRIBED.values(),
    *_HEALTHY.values(),
    *_BOTH_FAILED,
)


def _says(branches: tuple[Finder, ...], text: Text) -> bool:
    return any(finder.first(text) for finder in branches)


def side_failures(text: Text) -> list[tuple[int, int]]:
    """Where the text says one side failed ("401 on the source", "dst verify fails")."""
    finders = (finder for branches in _DECISIVE.values() for finder in branches)
    return [match.span() for finder in finders for match in finder.matches(text)]


def failing_side(text: Text) -> Side | None:
    """The side the text says failed: a side named in a failure beats a side merely mentioned, and a
    side named outright beats one described, and a side said to be fine points at the other.

    Returns None when neither side is named, when both are and the text does not say which failed, or
    when it says both failed.
    """
    if _says(_BOTH_FAILED, text):
        return None
    decisive = [side for side, branches in _DECISIVE.items() if _says(branches, text)]
    if len(decisive) == 1:
        return decisive[0]
    if decisive:
        return None
    healthy = [side for side, finder in _HEALTHY.items() if finder.first(text)]
    if len(healthy) == 1:
        return _OTHER[healthy[0]]
    for mentions in (_NAMED, _DESCRIBED):
        mentioned = [side for side, finder in mentions.items() if finder.first(text)]
        if mentioned:
            return mentioned[0] if len(mentioned) == 1 else None
    return None
