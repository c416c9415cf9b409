"""Codebook cues: regular expressions for the wordings the codebook names
(``../shared/codebook.md``, v1.3, "typical wording", decision rules and rulings).

They serve twice: as the conditions of the labelling functions in
:mod:`upr_elect.training.weak_labels`, and as 0/1 features beside TF-IDF in the baseline
(:func:`cue_features`), so that a linear model can learn, for instance, that an electoral
subject outweighs everything else (codebook rule 1).
"""

import re

import numpy as np
import scipy.sparse as sp


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


ELECTORAL = _rx(r"\b(?:(?:re-?|by-)?elections?|electoral|vot(?:e|es|ing|ers?)|ballots?|suffrage"
                r"|polling|referend\w*|electorate)\b")
NON_PUBLIC_VOTE = _rx(r"\belect(?:ed|ion|ions)? (?:of |as )?(?:the )?(?:new )?(?:members?|judges?"
                      r"|commissioners?|ombudsman|ombudsperson|heads?|chair\w*|board|rapporteurs?)\b"
                      r"|\bresolutions?\b|(?<!electoral )\bcouncil\b.{0,40}\belect"
                      r"|\b(?:bar association|professional (?:bodies|associations)|muftis?|imams?|clergy"
                      r"|religious (?:leaders|bodies|communities))\b")
CANDIDACY = _rx(r"\bcandida\w* (?:for|to|in) (?:(?:the )?(?:public|political|elected) office"
                r"|elections?|parliament|presiden\w*)|\bstand (?:for|as a candidate)|\brun(?:ning)? for (?:\w+ )?office"
                r"|\bright to (?:be elected|stand)|\bterm limits?\b"
                r"|\b(?:campaign|party|political) (?:financ\w*|funding|donations?)")
ELECTED_BODY_SEATS = _rx(r"\b(?:women|female|minorit\w+|indigenous|persons with disabilities|youth|roma)"
                         r"\b.{0,80}\b(?:parliament\w*|legislatures?|legislative (?:bodies|assembl\w+|councils?|elections?)"
                         r"|elected (?:(?:and \S+ )?(?:bodies|office|offices|positions|posts|assembl\w+|seats))"
                         r"|national assembly|parliamentary seats)\b|\bquotas?\b.{0,100}\b(?:parliament|candidate"
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


CUES = {
    "electoral_subject": ELECTORAL, "non_public_vote": NON_PUBLIC_VOTE, "candidacy_or_finance": CANDIDACY,
    "elected_body_seats": ELECTED_BODY_SEATS, "expression_media": EXPRESSION, "health_information": HEALTH_INFO,
    "danger": DANGER, "assembly": ASSEMBLY, "association": ASSOCIATION, "defenders_opposition": DEFENDERS,
    "hate_speech": HATE, "political_participation": PARTICIPATION, "capacity_building": CAPACITY_BUILDING,
    "religion_only": RELIGION_ONLY, "treaty": TREATY, "civic_article": CIVIC_ARTICLE, "nhri": NHRI,
}
"""Every cue by name, in feature order."""


def cue_features(texts) -> sp.csr_matrix:
    """0/1 matrix of shape (n_texts, len(CUES)): which cues each text matches."""
    rows = [[1.0 if pattern.search(t) else 0.0 for pattern in CUES.values()] for t in texts]
    return sp.csr_matrix(np.asarray(rows, dtype=np.float32).reshape(len(rows), len(CUES)))
