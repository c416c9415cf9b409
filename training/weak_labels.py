"""Labelling functions written from the codebook (``../shared/codebook.md``, v1.3).

Each function reads one recommendation (its text and its UPR Info issue tags) and either
abstains (returns ``None``) or votes for a relevance value with the channels it names.
:func:`weak_label` combines the votes with one documented rule:

1. any ``direct`` vote wins (codebook rule 1: an explicit electoral subject makes it direct);
2. otherwise any ``indirect`` vote wins, unless a *veto* function fires (the codebook's
   exceptions: capacity-building of organisations, UN-resolution votes, ...);
3. otherwise the text is ``none`` — the codebook's residual class and about 90 % of texts.

Channels are the union of those named by the winning votes; a relevant text whose votes
name none gets the most common channel of its value (``electoral_process`` for direct,
``expression_media`` for indirect; codebook rule 13 asks for at least one).

The functions see only the text and tags, never a gold or silver label; their coverage and
accuracy against the silver set are reported by :func:`report`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..classifier.labels import ELECTIONS_TAG


@dataclass(frozen=True)
class Vote:
    """One labelling function's vote: a relevance value and the channels it names."""

    relevance: str
    channels: tuple[str, ...] = ()


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


ELECTORAL = _rx(r"\b(?:(?:re-?|by-)?elections?|electoral|vot(?:e|es|ing|ers?)|ballots?|suffrage"
                r"|polling|referend\w*|electorate)\b")
NON_PUBLIC_VOTE = _rx(r"\belect(?:ed|ion|ions)? (?:of |as )?(?:the )?(?:new )?(?:members?|judges?"
                      r"|commissioners?|ombudsman|ombudsperson|heads?|chair\w*|board|rapporteurs?)\b"
                      r"|\bresolutions?\b|\b(?:human rights )?council\b.{0,40}\belect")
CANDIDACY = _rx(r"\bcandida\w* (?:for|to|in) (?:(?:the )?(?:public|political|elected) office"
                r"|elections?|parliament|presiden\w*)|\bstand (?:for|as a candidate)"
                r"|\bright to (?:be elected|stand)|\bterm limits?\b"
                r"|\b(?:campaign|party|political) (?:financ\w*|funding|donations?)")
ELECTED_BODY_SEATS = _rx(r"\b(?:women|female|minorit\w+|indigenous|persons with disabilities|youth|roma)"
                         r"\b.{0,80}\b(?:parliament\w*|legislatures?|legislative (?:bodies|assembl\w+|councils?|elections?)|elected (?:bodies|office|positions"
                         r"|posts)|national assembly|parliamentary seats)\b|\bquotas?\b.{0,60}\b(?:parliament|candidate"
                         r"|elect\w*|legislat\w*)")
EXPRESSION = _rx(r"freedom of (?:opinion and )?expression|freedom of speech|freedom of (?:the )?(?:press|media)"
                 r"|(?:press|media) freedom|independen\w* (?:of (?:the )?)?media|media (?:pluralism|outlets|law)"
                 r"|\bjournalis\w+|\bbloggers?\b|censorship|defamation|\blibel|\binsult\w* (?:laws?|the)"
                 r"|false news|access to (?:public )?information|freedom of information"
                 r"|internet (?:shutdowns?|access|freedom)|\bonline (?:expression|content)|right to information")
HEALTH_INFO = _rx(r"access to (?:\w+ ){0,3}information (?:(?:and|on|about) )?(?:\w+ ){0,3}"
                  r"(?:health|sexual|reproductive|environment\w*|services|hiv)")
DANGER = _rx(r"harass\w*|attack\w*|threat\w*|intimidat\w*|killing\w*|murder\w*|kill\w*|violence"
             r"|arbitrar\w* (?:arrest|detention)|detain\w*|imprison\w*|reprisal\w*|safety|protect\w*"
             r"|persecut\w*|disappear\w*|impunity")
ASSEMBLY = _rx(r"freedom of (?:\w+ ){0,2}(?:peaceful )?assembly|peaceful (?:assembly|assemblies|protest\w*)"
               r"|right to (?:peaceful(?:ly)? )?assemble|demonstrat(?:ors|ions?)\b|protest(?:ers|ors|s)?\b"
               r"|\brall(?:y|ies)\b|public gatherings")
ASSOCIATION = _rx(r"freedom of (?:\w+ ){0,3}association|political part(?:y|ies)|\bopposition parties"
                  r"|(?:non-?governmental organi[sz]ations?|\bNGOs?\b|civil society(?: organi[sz]ations?)?"
                  r"|associations)\b.{0,80}\b(?:regist\w+|operat\w+|funding|foreign fund\w*|restrict\w*"
                  r"|space|freely|independen\w*|harass\w*|dissol\w*|law on|legislation on|environment)"
                  r"|(?:regist\w+|operat\w+|funding|restrict\w*|space|dissol\w*)\b.{0,60}"
                  r"\b(?:non-?governmental organi[sz]ations?|\bNGOs?\b|civil society)")
DEFENDERS = _rx(r"human rights defenders?|\bactivists?\b|opposition (?:members?|leaders?|figures?|politicians?"
                r"|activists?|part(?:y|ies)|supporters)|members of the opposition|political (?:prisoners?"
                r"|opponents?|dissidents?|detainees?|activists?)|prisoners? of conscience|dissidents?"
                r"|whistle-?blowers?|political (?:grounds|reasons|views|opinions?)")
HATE = _rx(r"hate speech|hateful|incit\w+ (?:to |of )?(?:racial |religious |ethnic |national )?"
           r"(?:hatred|violence|discrimination|hostility)|(?:racist|xenophobic|discriminatory|hate) "
           r"(?:speech|propaganda|statements?|discourse|rhetoric|remarks|messages)"
           r"|(?:speech|propaganda|statements?|discourse|rhetoric)\b.{0,40}\b(?:incit\w+|hatred)")
PARTICIPATION = _rx(r"(?:particip\w+|represent\w*|involvement|inclusion|engagement|access|empower\w*|role)"
                    r"\b.{0,120}\b(?:political|public life|decision[- ]making|public affairs|public office"
                    r"|leadership (?:positions|roles)|governance|senior (?:positions|posts)|high-level positions)"
                    r"|\bpolitical (?:life|participation|representation|rights of)"
                    r"|\b(?:parliament|national assembly|legislature)\b")
CAPACITY_BUILDING = _rx(r"(?:capacity[- ]building|training|technical assistance|financial support|fund(?:ing|s)? (?:for|to)"
                        r"|cooperat\w+ with|consult\w* with|involv\w+|engag\w+ (?:with)?|partnership with)"
                        r"\b.{0,60}\b(?:civil society|NGOs?|non-?governmental)"
                        r"|(?:civil society|NGOs?|non-?governmental organi[sz]ations?)\b.{0,60}\b(?:follow-?up|"
                        r"implementation of (?:the )?(?:UPR|recommendations)|UPR|universal periodic review|"
                        r"national report|preparation of)")
RELIGION_ONLY = _rx(r"freedom of (?:religion|belief|worship|conscience)")
TREATY = _rx(r"^\W*(?:consider |to )?(?:ratif\w+|accede|accession|sign(?:ing)? and ratif\w+|become a party)")
CIVIC_ARTICLE = _rx(r"article\s+(?:19|21|22|25)\b")
NHRI = _rx(r"national human rights (?:institution|commission)|paris principles")

RELATED_TAGS_INDIRECT = {
    "Freedom of association and peaceful assembly": ("association_parties", "assembly"),
    "Freedom of opinion and expression": ("expression_media",),
    "Freedom of the press": ("expression_media",),
    "Human rights defenders": ("security_defenders",),
}


def lf_electoral_subject(text: str, tags: frozenset) -> Vote | None:
    """Codebook rule 1: "Any explicit electoral subject (see `direct`) makes it `direct`" —
    elections, electoral law or commission, voters, ballots, polling, referendums, suffrage.
    Abstains under rule 7 ("'Election' must mean a public vote"): election of members of
    commissions, courts or UN bodies, and votes on UN resolutions."""
    if ELECTORAL.search(text) and not NON_PUBLIC_VOTE.search(text):
        channels = ["electoral_process"]
        if re.search(r"right to vote|suffrage|\bvot(?:e|ing) (?:right|for)|voters?\b", text, re.I):
            channels.append("vote_and_candidacy")
        return Vote("direct", tuple(channels))
    return None


def lf_candidacy_and_finance(text: str, tags: frozenset) -> Vote | None:
    """Codebook `direct` wording: "the right to vote or to stand for office, campaign or party
    financing"; rulings: "term limits … → direct"."""
    if CANDIDACY.search(text):
        if re.search(r"financ|funding|donation", text, re.I):
            return Vote("direct", ("electoral_process", "remedy_integrity"))
        return Vote("direct", ("vote_and_candidacy",))
    return None


def lf_elected_body_seats(text: str, tags: frozenset) -> Vote | None:
    """Codebook ruling: "women or groups in parliament, elected bodies or elected office (with
    or without special measures) → `direct`"; rule 8: "Quotas or special measures for elected
    bodies or candidate lists are `direct`"."""
    if ELECTED_BODY_SEATS.search(text):
        return Vote("direct", ("participation_representation", "vote_and_candidacy"))
    return None


def lf_elections_tag(text: str, tags: frozenset) -> Vote | None:
    """UPR Info's own `Elections` issue tag: its coders judged the text to be about elections,
    the codebook's `direct` ("about elections or the electoral process itself")."""
    if ELECTIONS_TAG in tags:
        return Vote("direct", ("electoral_process",))
    return None


def lf_expression_media(text: str, tags: frozenset) -> Vote | None:
    """Codebook rule 2 and `indirect` wording: "freedom of expression, the media, journalists,
    access to information, internet shutdowns, defamation/'false news' laws"; journalists in
    danger add `security_defenders` ("protection of journalists"). Access to information
    about health, environment or services is `none` (ruling)."""
    if EXPRESSION.search(text) and not (HEALTH_INFO.search(text) and "freedom" not in text.lower()):
        channels = ["expression_media"]
        if re.search(r"journalis|blogger", text, re.I) and DANGER.search(text):
            channels.append("security_defenders")
        return Vote("indirect", tuple(channels))
    return None


def lf_assembly(text: str, tags: frozenset) -> Vote | None:
    """Codebook `indirect` wording: "peaceful assembly, protests, policing of demonstrations"."""
    if ASSEMBLY.search(text):
        return Vote("indirect", ("assembly",))
    return None


def lf_association(text: str, tags: frozenset) -> Vote | None:
    """Codebook `indirect` wording: "freedom of association, political parties, NGO/civil-
    society registration and funding"; rule 10: "civil society counts when the measure acts on
    its freedom to form, register, operate, speak or raise funds"."""
    if ASSOCIATION.search(text):
        return Vote("indirect", ("association_parties",))
    return None


def lf_defenders_opposition(text: str, tags: frozenset) -> Vote | None:
    """Codebook `indirect` wording: "human rights defenders, political activists, opposition
    members, political prisoners"; ruling: "political prisoners, prisoners of conscience,
    arbitrary detention of activists or opposition → `indirect` (security_defenders)"."""
    if DEFENDERS.search(text):
        return Vote("indirect", ("security_defenders",))
    return None


def lf_hate_speech(text: str, tags: frozenset) -> Vote | None:
    """Codebook `indirect` wording "hate speech and incitement in public life"; ruling: "hate
    crimes (acts) → `none`; hate speech / incitement (speech) is `indirect`"; rule 12: racism
    in the media counts only when the text names speech, propaganda or incitement."""
    if HATE.search(text):
        return Vote("indirect", ("hate_speech_incitement",))
    return None


def lf_political_participation(text: str, tags: frozenset) -> Vote | None:
    """Codebook rule 3: equality counts as `indirect` "only when the text names political or
    public life, decision-making, public office, representation, or civic participation";
    rule 8: the functioning of an elected body is `indirect` (participation_representation)."""
    if PARTICIPATION.search(text):
        return Vote("indirect", ("participation_representation",))
    return None


def lf_civic_issue_tag(text: str, tags: frozenset) -> Vote | None:
    """UPR Info tags a civic freedom (association and assembly, opinion and expression, the
    press, human rights defenders) and the text names a freedom, right or protection: codebook
    rule 2 ("a civic freedom named in `indirect` makes it `indirect`")."""
    channels = [c for tag, chans in RELATED_TAGS_INDIRECT.items() if tag in tags for c in chans]
    if channels and re.search(r"freedom|right|protect|defend|journalis|media|press", text, re.I):
        return Vote("indirect", tuple(dict.fromkeys(channels)))
    return None


def veto_capacity_building(text: str, tags: frozenset) -> Vote | None:
    """Veto. Codebook rule 10: "capacity-building, training or service funding of
    organisations is `none`"; ruling: "civil society in UPR follow-up → `none`"."""
    if CAPACITY_BUILDING.search(text) and not re.search(
            r"freedom|regist|restrict|harass|space|defenders|journalis", text, re.I):
        return Vote("none")
    return None


def veto_religion_only(text: str, tags: frozenset) -> Vote | None:
    """Veto. Codebook ruling: "freedom of religion, blasphemy laws → `none` unless framed as
    expression or speech"."""
    if RELIGION_ONLY.search(text) and not re.search(r"expression|speech|assembly|association|media",
                                                    text, re.I):
        return Vote("none")
    return None


def veto_treaty_without_civic_article(text: str, tags: frozenset) -> Vote | None:
    """Veto. Codebook rule 5: "Ratifying or implementing a treaty is `none` unless the text
    names an electoral or civic-freedom provision (e.g. article 25 ICCPR; article 19, 21 or
    22 ICCPR)"."""
    if TREATY.search(text) and not CIVIC_ARTICLE.search(text):
        return Vote("none")
    return None


def veto_nhri(text: str, tags: frozenset) -> Vote | None:
    """Veto. Codebook ruling: "national human rights institution, Paris Principles → `none`"."""
    if NHRI.search(text) and not re.search(r"freedom of|defenders|journalis|elect", text, re.I):
        return Vote("none")
    return None


LABELLING_FUNCTIONS: tuple[Callable[[str, frozenset], Vote | None], ...] = (
    lf_electoral_subject, lf_candidacy_and_finance, lf_elected_body_seats, lf_elections_tag,
    lf_expression_media, lf_assembly, lf_association, lf_defenders_opposition, lf_hate_speech,
    lf_political_participation, lf_civic_issue_tag,
    veto_capacity_building, veto_religion_only, veto_treaty_without_civic_article, veto_nhri,
)
"""All labelling functions, in the order their votes are listed."""

DEFAULT_CHANNEL = {"direct": "electoral_process", "indirect": "expression_media"}


def weak_label(text: str, tags) -> tuple[str, tuple[str, ...]]:
    """Combine the labelling functions' votes on one text (rule in the module docstring).

    Parameters
    ----------
    text : str
    tags : iterable of str
        UPR Info issue tags of the text (may be empty).

    Returns
    -------
    (relevance, channels) : (str, tuple of str)
    """
    tags = frozenset(tags)
    votes = [v for v in (lf(text, tags) for lf in LABELLING_FUNCTIONS) if v is not None]
    direct = [v for v in votes if v.relevance == "direct"]
    indirect = [v for v in votes if v.relevance == "indirect"]
    vetoed = any(v.relevance == "none" for v in votes)
    winners = direct or ([] if vetoed else indirect)
    if not winners:
        return "none", ()
    relevance = winners[0].relevance
    channels = tuple(dict.fromkeys(c for v in winners for c in v.channels))
    return relevance, channels or (DEFAULT_CHANNEL[relevance],)


def weak_labels(texts: pd.DataFrame) -> pd.DataFrame:
    """Weak labels for a table of distinct texts.

    Parameters
    ----------
    texts : pandas.DataFrame
        With columns ``text`` and ``issues`` (list of tags), e.g. from
        :func:`upr_elect.training.datasets.distinct_texts`.

    Returns
    -------
    pandas.DataFrame of shape (n_texts, 2)
        ``relevance`` and ``channels`` (list), index aligned with ``texts``.
    """
    pairs = [weak_label(t, tags) for t, tags in zip(texts["text"], texts["issues"])]
    return pd.DataFrame({"relevance": [p[0] for p in pairs],
                         "channels": [list(p[1]) for p in pairs]}, index=texts.index)


def report(texts: pd.DataFrame, silver: pd.DataFrame) -> pd.DataFrame:
    """Coverage and silver accuracy of each labelling function and of the combined label.

    Parameters
    ----------
    texts : pandas.DataFrame
        All distinct texts (``text``, ``issues``): coverage is the share on which a function
        votes.
    silver : pandas.DataFrame
        Silver annotations (``text``, ``upr_info_issues``, ``relevance``): accuracy is the
        share of a function's votes that equal the silver relevance, on silver texts where it
        votes.

    Returns
    -------
    pandas.DataFrame
        One row per function plus ``combined``: ``votes_for``, ``coverage``,
        ``silver_votes``, ``silver_accuracy``.
    """
    rows = []
    silver_tags = [frozenset(t) for t in silver["upr_info_issues"]]
    all_tags = [frozenset(t) for t in texts["issues"]]
    for lf in LABELLING_FUNCTIONS:
        covered = sum(lf(t, g) is not None for t, g in zip(texts["text"], all_tags))
        votes = [lf(t, g) for t, g in zip(silver["text"], silver_tags)]
        hits = [v.relevance == gold for v, gold in zip(votes, silver["relevance"]) if v is not None]
        rows.append({"function": lf.__name__, "votes_for": _vote_value(lf),
                     "coverage": covered / len(texts), "silver_votes": len(hits),
                     "silver_accuracy": float(np.mean(hits)) if hits else float("nan")})
    combined = [weak_label(t, g)[0] for t, g in zip(silver["text"], silver_tags)]
    rows.append({"function": "combined", "votes_for": "all", "coverage": 1.0,
                 "silver_votes": len(combined),
                 "silver_accuracy": float(np.mean(np.array(combined) == silver["relevance"].to_numpy()))})
    return pd.DataFrame(rows)


def _vote_value(lf) -> str:
    return "none (veto)" if lf.__name__.startswith("veto_") else (
        "direct" if lf in LABELLING_FUNCTIONS[:4] else "indirect")
