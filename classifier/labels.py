"""Label schema of the codebook (``../shared/codebook.md``, version 1.3).

Relevance answers one question: *if this recommendation were implemented, would it change
how elections are run, or the conditions that make an election genuine?* Channels group
the 21 election obligations of the Carter Center's Election Obligations and Standards
(EOS) into ten named families.
"""

import re

RELEVANCE = ("direct", "indirect", "none")
"""Relevance values, most to least election-related (codebook, "relevance")."""

CHANNELS = (
    "electoral_process",
    "vote_and_candidacy",
    "participation_representation",
    "expression_media",
    "association_parties",
    "assembly",
    "hate_speech_incitement",
    "exclusion_discrimination",
    "security_defenders",
    "remedy_integrity",
)
"""The ten channels of the codebook, in its order."""

ELECTIONS_TAG = "Elections"
"""UPR Info issue tag for election recommendations."""

OHCHR_ELECTION_THEMES = re.compile(
    r"^D7\b|participation in public affairs|right to vote"
    r"|affaires publiques|droit de vote|asuntos p[úu]blicos|derecho (?:al|de) voto",
    re.IGNORECASE,
)
"""OHCHR Universal Human Rights Index themes that mark a recommendation as election-related:
theme D7 "Right to participation in public affairs and right to vote", by its code (the
same in every language) or its name in English, French or Spanish."""

STRATUM_KEYWORDS = re.compile(
    r"\b(?:elect(?:ion|ions|oral|ed)?|vot(?:e|es|ing|ers?)|ballots?|suffrage|polling"
    r"|candidat\w*|referend\w*)\b|political part(?:y|ies)",
    re.IGNORECASE,
)
"""Electoral-word expression that defines the gold stratum ``S2_untagged_kw``
(``../shared/data/README.md``, section gold/)."""

NARROW_KEYWORDS = re.compile(r"\belect\w*|\bvot(?:e|es|ed|ing|ers?)\b|\bballots?\b|\bsuffrage\b",
                             re.IGNORECASE)
"""The narrow keyword rule of the issues (``elect…``, ``vot…``, ``ballot``, ``suffrage``
→ ``direct``): the simplest peer every model must beat."""

RELATED_TAGS = (
    "Elections",
    "Freedom of association and peaceful assembly",
    "Freedom of opinion and expression",
    "Freedom of the press",
    "Civil society",
    "Human rights defenders",
)
"""UPR Info issue tags whose presence the issue-tag proxy maps to "relevant"."""


def cycle_of_session(session):
    """UPR cycle of a Working Group session number.

    Parameters
    ----------
    session : int or None
        Working Group session (1-based).

    Returns
    -------
    int or None
        1 for sessions 1-12, 2 for 13-26, 3 for 27-40, 4 for 41-54 and so on in blocks of
        14 (OHCHR's cycle calendar); ``None`` when ``session`` is missing.
    """
    if session is None or session != session:  # None or NaN
        return None
    session = int(session)
    if session <= 12:
        return 1
    return 2 + (session - 13) // 14
