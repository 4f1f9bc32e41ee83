"""Word forms: the matcher's knowledge of English spelling, so that a rubric author writes a word once.

Two functions, used on both sides of a match:
- `fold(word)` maps a lower-case word to one spelling (British to American where it is cheap and safe), applied
  to every token of the text and to every word of the rubric, so "organisation" and "organization" are one word;
- `forms(word)` lists the inflections of a rubric word (plural, -s, -ed, -ing, common irregular past forms),
  generated when the rubric loads, so `pass` also matches "passes", "passed" and "passing".

Over-generation is harmless (a form that never occurs in text costs a dictionary entry); under-generation is a
missed match, so the rules err on the side of more forms.
"""

from __future__ import annotations

# British spellings that a suffix rule cannot fold without harm ("filled" must not become "filed").
_SPELLINGS = {
    "programme": "program", "programmes": "programs", "catalogue": "catalog", "catalogues": "catalogs",
    "dialogue": "dialog", "judgement": "judgment", "judgements": "judgments", "acknowledgement": "acknowledgment",
    "licence": "license", "licences": "licenses", "defence": "defense", "offence": "offense",
    "centre": "center", "centres": "centers", "metre": "meter", "litre": "liter", "fibre": "fiber",
    "theatre": "theater", "cheque": "check", "cheques": "checks", "grey": "gray", "tyre": "tire",
    "enrolment": "enrollment", "enrolments": "enrollments", "enrol": "enroll", "enrols": "enrolls",
    "fulfil": "fulfill", "fulfils": "fulfills", "fulfilment": "fulfillment", "instalment": "installment",
    "paediatric": "pediatric", "anaesthesia": "anesthesia", "oesophagus": "esophagus", "haemorrhage": "hemorrhage",
    "manoeuvre": "maneuver", "ageing": "aging", "plough": "plow", "aluminium": "aluminum", "sceptical": "skeptical",
    "analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing",
    "paralyse": "paralyze", "catalyse": "catalyze",
}
# British doubled l before -ed/-ing/-er ("labelled"); the American single l is the folded form.
_DOUBLE_L = ("model", "label", "cancel", "travel", "signal", "fuel", "counsel", "level", "channel", "total",
             "funnel", "tunnel", "marshal", "dial", "equal", "rival", "shovel", "panel", "pencil")
for _stem in _DOUBLE_L:
    for _ending in ("ed", "ing", "er", "ers"):
        _SPELLINGS[_stem + "l" + _ending] = _stem + _ending
# -our words (behaviour, colour); short ones ("four", "hour", "your") are not British spellings.
_OUR = ("behaviour", "colour", "favour", "honour", "labour", "neighbour", "rumour", "harbour", "humour", "vapour",
        "flavour", "endeavour", "savour", "armour", "parlour", "odour", "valour", "vigour", "candour", "rigour")
for _word in _OUR:
    _american = _word[:-2] + "r"
    for _ending in ("", "s", "ed", "ing", "al", "ally", "ite", "ites", "able"):
        _SPELLINGS[_word + _ending] = _american + _ending

# -ise/-isation: folded by suffix, except in words where -ise is not the British -ize.
_ISE_KEEP = frozenset({
    "advertise", "advise", "apprise", "arise", "chastise", "circumcise", "comprise", "compromise", "concise",
    "demise", "despise", "devise", "disguise", "enfranchise", "enterprise", "excise", "exercise", "expertise",
    "franchise", "improvise", "incise", "merchandise", "noise", "otherwise", "poise", "praise", "precise",
    "premise", "promise", "raise", "revise", "rise", "supervise", "surmise", "surprise", "televise", "treatise",
    "wise", "likewise", "clockwise", "concise", "paradise", "anise", "cruise", "bruise", "guise", "mortise",
    "porpoise", "tortoise", "valise", "reprise", "noise", "denise", "louise", "upraise", "sunrise", "uprise",
})
_ISE_ENDINGS = (("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
                ("ises", "izes"), ("iser", "izer"), ("isers", "izers"), ("ise", "ize"))


def fold(word: str) -> str:
    """One spelling for a lower-case word: British -ise/-isation/-our/-ll-/-re/-ence words fold to American."""
    known = _SPELLINGS.get(word)
    if known is not None:
        return known
    if len(word) > 5 and "is" in word:
        for british, american in _ISE_ENDINGS:
            if word.endswith(british):
                stem = word[:-len(british)]
                if stem + "ise" in _ISE_KEEP or len(stem) < 3:
                    return word
                return stem + american
    return word


# Common irregular verbs: base -> other forms. A rubric word matches all of them ("win" matches "won").
_IRREGULAR = {
    "be": ("is", "are", "was", "were", "been", "being"), "have": ("has", "had", "having"),
    "do": ("does", "did", "done", "doing"), "go": ("goes", "went", "gone", "going"),
    "get": ("got", "gotten", "getting"), "give": ("gave", "given"), "take": ("took", "taken"),
    "make": ("made",), "come": ("came",), "become": ("became",), "see": ("saw", "seen"),
    "know": ("knew", "known"), "show": ("shown",), "grow": ("grew", "grown"), "throw": ("threw", "thrown"),
    "draw": ("drew", "drawn"), "fly": ("flew", "flown"), "blow": ("blew", "blown"), "drive": ("drove", "driven"),
    "write": ("wrote", "written"), "ride": ("rode", "ridden"), "rise": ("rose", "risen"), "arise": ("arose",),
    "choose": ("chose", "chosen"), "freeze": ("froze", "frozen"), "speak": ("spoke", "spoken"),
    "break": ("broke", "broken"), "steal": ("stole", "stolen"), "wake": ("woke", "woken"),
    "forget": ("forgot", "forgotten"), "forgo": ("forwent", "forgone"), "forego": ("forewent", "foregone"),
    "begin": ("began", "begun"), "run": ("ran",), "win": ("won",), "swim": ("swam", "swum"),
    "sing": ("sang", "sung"), "ring": ("rang", "rung"), "drink": ("drank", "drunk"), "sink": ("sank", "sunk"),
    "shrink": ("shrank", "shrunk"), "build": ("built",), "send": ("sent",), "spend": ("spent",),
    "lend": ("lent",), "bend": ("bent",), "keep": ("kept",), "sleep": ("slept",), "sweep": ("swept",),
    "leave": ("left",), "feel": ("felt",), "deal": ("dealt",), "mean": ("meant",), "lead": ("led",),
    "feed": ("fed",), "meet": ("met",), "hold": ("held",), "withhold": ("withheld",), "uphold": ("upheld",),
    "tell": ("told",), "sell": ("sold",), "find": ("found",), "bind": ("bound",), "wind": ("wound",),
    "bring": ("brought",), "buy": ("bought",), "think": ("thought",), "fight": ("fought",), "seek": ("sought",),
    "catch": ("caught",), "teach": ("taught",), "stand": ("stood",), "understand": ("understood",),
    "withstand": ("withstood",), "lose": ("lost",), "shoot": ("shot",), "sit": ("sat",), "hang": ("hung",),
    "strike": ("struck",), "stick": ("stuck",), "dig": ("dug",), "fall": ("fell", "fallen"),
    "eat": ("ate", "eaten"), "lie": ("lay", "lain", "lying"), "lay": ("laid",), "pay": ("paid",),
    "say": ("said",), "hear": ("heard",), "wear": ("wore", "worn"), "tear": ("tore", "torn"),
    "bear": ("bore", "borne"), "swear": ("swore", "sworn"), "hide": ("hid", "hidden"), "bite": ("bit", "bitten"),
    "slide": ("slid",), "light": ("lit",), "speed": ("sped",), "undertake": ("undertook", "undertaken"),
    "overtake": ("overtook", "overtaken"), "oversee": ("oversaw", "overseen"), "override": ("overrode", "overridden"),
    "rewrite": ("rewrote", "rewritten"), "rebuild": ("rebuilt",), "rerun": ("reran",), "retake": ("retook",),
    "withdraw": ("withdrew", "withdrawn"), "forbid": ("forbade", "forbidden"), "forgive": ("forgave", "forgiven"),
    "mistake": ("mistook", "mistaken"), "shake": ("shook", "shaken"), "slay": ("slew",), "spin": ("spun",),
    "stride": ("strode",), "strive": ("strove", "striven"), "swing": ("swung",), "weave": ("wove", "woven"),
    "outrun": ("outran",), "outgrow": ("outgrew", "outgrown"),
}
# Closed-class words match only themselves: "not" must not match "noted", nor "us" "uses".
FUNCTION_WORDS = frozenset("""
a an the this that these those it its we us our ours i me my you your they them their he she his her
of to in on at by for from with without into onto off over under up down out about above below between
through across after before during since until within per via than then as so if or and but nor yet not no
nor all any every each some many much more most less least few fewer both either neither none one
is are was were be been am do does did has have had can could will would shall should may might must
who whom whose which what when where why how there here also only just very too ever never again still
""".split())
_VOWELS = "aeiou"


def _ends_consonant_vowel_consonant(word: str) -> bool:
    return (len(word) >= 3 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS
            and word[-3] not in _VOWELS)


def _plural(word: str) -> set[str]:
    if word.endswith("sis"):  # analysis -> analyses
        return {word[:-2] + "es"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word + "es"}
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return {word[:-1] + "ies"}
    forms = {word + "s"}
    if word.endswith("fe"):
        forms.add(word[:-2] + "ves")
    elif word.endswith("f") and not word.endswith("ff"):
        forms.add(word[:-1] + "ves")
    return forms


def _past_and_gerund(word: str) -> set[str]:
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return {word + "d", word[:-1] + "ing"}
    if word.endswith("ie"):
        return {word + "d", word[:-2] + "ying"}
    if word.endswith("ee"):
        return {word + "d", word + "ing"}
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return {word[:-1] + "ied", word + "ing"}
    if word.endswith("c"):
        return {word + "ked", word + "king", word + "ed", word + "ing"}
    forms = {word + "ed", word + "ing"}
    if _ends_consonant_vowel_consonant(word):  # stop -> stopped; open -> opened (both kept: over-generation)
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def forms(word: str) -> frozenset[str]:
    """Every form a rubric word matches, folded. Function words and words shorter than three letters match only
    themselves; words written with digits or already inflected (-ed, -ing) add only a plural."""
    word = fold(word)
    out = {word}
    if len(word) < 3 or word in FUNCTION_WORDS:
        return frozenset(out)
    if not word.isalpha():
        if word[-1:].isalpha() and word[:1].isalpha():
            out.add(word + "s")  # p99s, soc2s: harmless
        return frozenset(out)
    out |= _plural(word)
    if word.endswith(("ed", "ing")) and len(word) > 5:
        return frozenset(out)
    out |= _past_and_gerund(word)
    out |= set(_IRREGULAR.get(word, ()))
    return frozenset(fold(form) for form in out)
