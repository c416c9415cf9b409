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

from ..classifier.cues import (ASSEMBLY, ASSOCIATION, CANDIDACY, CAPACITY_BUILDING, CIVIC_ARTICLE, DANGER,
                               DEFENDERS, ELECTED_BODY_SEATS, ELECTORAL, EXPRESSION, HATE, HEALTH_INFO, NHRI,
                               NON_PUBLIC_VOTE, PARTICIPATION, RELIGION_ONLY, TREATY)
from ..classifier.labels import ELECTIONS_TAG


@dataclass(frozen=True)
class Vote:
    """One labelling function's vote: a relevance value and the channels it names."""

    relevance: str
    channels: tuple[str, ...] = ()


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
    """UPR Info's own `Elections` issue tag: its coders judged the text election-related.
    With an electoral word it is the codebook's `direct` (rule 1); without one it is at least
    `indirect` ("participation in public affairs", EOS), as coders tag political
    participation, parties and dialogue with the opposition too."""
    if ELECTIONS_TAG not in tags:
        return None
    if ELECTORAL.search(text) and not NON_PUBLIC_VOTE.search(text):
        return Vote("direct", ("electoral_process",))
    return Vote("indirect", ("participation_representation",))


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


LABELLING_FUNCTIONS: dict[Callable[[str, frozenset], Vote | None], str] = {
    lf_electoral_subject: "direct", lf_candidacy_and_finance: "direct", lf_elected_body_seats: "direct",
    lf_elections_tag: "direct or indirect",
    lf_expression_media: "indirect", lf_assembly: "indirect", lf_association: "indirect",
    lf_defenders_opposition: "indirect", lf_hate_speech: "indirect", lf_political_participation: "indirect",
    lf_civic_issue_tag: "indirect",
    veto_capacity_building: "none (veto)", veto_religion_only: "none (veto)",
    veto_treaty_without_civic_article: "none (veto)", veto_nhri: "none (veto)",
}
"""All labelling functions, in the order their votes are listed, each with the value it votes for."""

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
    for lf, votes_for in LABELLING_FUNCTIONS.items():
        covered = sum(lf(t, g) is not None for t, g in zip(texts["text"], all_tags))
        votes = [lf(t, g) for t, g in zip(silver["text"], silver_tags)]
        hits = [v.relevance == truth for v, truth in zip(votes, silver["relevance"]) if v is not None]
        rows.append({"function": lf.__name__, "votes_for": votes_for,
                     "coverage": covered / len(texts), "silver_votes": len(hits),
                     "silver_accuracy": float(np.mean(hits)) if hits else float("nan")})
    combined = [weak_label(t, g)[0] for t, g in zip(silver["text"], silver_tags)]
    rows.append({"function": "combined", "votes_for": "all", "coverage": 1.0,
                 "silver_votes": len(combined),
                 "silver_accuracy": float(np.mean(np.array(combined) == silver["relevance"].to_numpy()))})
    return pd.DataFrame(rows)

