import pandas as pd

from upr_elect.training import weak_labels as W


def label(text, tags=()):
    return W.weak_label(text, tags)


def test_electoral_subject_is_direct_with_vote_channel():
    assert label("Guarantee the right to vote of persons with disabilities") == (
        "direct", ("electoral_process", "vote_and_candidacy"))
    assert label("Reform the electoral code before the next elections")[0] == "direct"


def test_rule_7_non_public_votes_are_not_electoral():
    # Rule 7: "election" of commission members and UN-resolution votes are not public votes.
    assert label("Ensure a transparent election of the members of the human rights commission") == ("none", ())
    assert label("Vote in favour of the General Assembly resolution on a moratorium on the death penalty") == (
        "none", ())
    # ...but an electoral council is an electoral body, and the rule stays about public votes.
    assert label("Ensure the impartial functioning of the Supreme Electoral Council and accredit electoral "
                 "observers")[0] == "direct"
    assert label("Support the Council's election of new members")[0] == "none"


def test_standing_for_office_and_candidate_quotas_are_direct():
    # Codebook `direct`: "the right to vote or to stand for office", "quotas for elected bodies".
    assert label("Give all peoples the equal right to run for elected office")[0] == "direct"
    assert label("Introduce a quota obliging every registered party to reserve a fixed share of places for "
                 "women among their candidates")[0] == "direct"


def test_civic_freedoms_are_indirect_with_their_channels():
    assert label("Protect journalists from harassment and threats") == (
        "indirect", ("expression_media", "security_defenders"))
    assert label("Respect the right to peaceful assembly of students") == ("indirect", ("assembly",))
    assert label("Prohibit hate speech against migrants in election campaigns")[0] == "direct"  # electoral word
    assert label("Prohibit hate speech against migrants") == ("indirect", ("hate_speech_incitement",))


def test_vetoes_apply_the_codebook_exceptions():
    # Rule 10: capacity-building of organisations is none.
    assert label("Provide training and financial support to civil society organisations working on health") == (
        "none", ())
    # Ruling: freedom of religion is none unless framed as expression.
    assert label("Guarantee freedom of religion and belief for minorities in public life")[0] == "none"
    assert label("Guarantee freedom of religion and freedom of expression")[0] == "indirect"


def test_participation_in_political_life_is_indirect_but_seats_in_parliament_direct():
    assert label("Promote the participation of women in political life and decision-making") == (
        "indirect", ("participation_representation",))
    assert label("Adopt quotas to increase the number of women in parliament")[0] == "direct"
    assert label("Combat violence against women and girls") == ("none", ())


def test_issue_tags_vote_only_with_matching_text():
    assert label("Continue efforts in this area", ["Freedom of the press"]) == ("none", ())
    assert label("Protect the rights of human rights workers", ["Human rights defenders"]) == (
        "indirect", ("security_defenders",))
    assert label("Continue efforts in this area", ["Elections"]) == ("indirect", ("participation_representation",))
    assert label("Hold the local elections on time", ["Elections"]) == ("direct", ("electoral_process",))


def test_report_counts_coverage_and_silver_accuracy():
    texts = pd.DataFrame({"text": ["Hold free elections", "Protect journalists from attacks", "Build schools"],
                          "issues": [[], [], []]})
    silver = pd.DataFrame({"text": ["Hold free elections", "Protect journalists from attacks"],
                           "upr_info_issues": [[], []], "relevance": ["direct", "none"]})
    table = W.report(texts, silver).set_index("function")
    assert table.loc["lf_electoral_subject", "coverage"] == 1 / 3
    assert table.loc["lf_electoral_subject", "silver_accuracy"] == 1.0
    assert table.loc["lf_expression_media", "silver_accuracy"] == 0.0
    assert table.loc["combined", "silver_accuracy"] == 0.5


def test_each_function_votes_only_for_the_value_the_report_names():
    samples = [("Guarantee the right to vote of persons with disabilities", []),
               ("Give all peoples the equal right to run for elected office", []),
               ("Adopt quotas to increase the number of women in parliament", []),
               ("Continue efforts in this area", ["Elections"]), ("Hold the local elections on time", ["Elections"]),
               ("Protect journalists from harassment and threats", []),
               ("Respect the right to peaceful assembly of students", []),
               ("Simplify the registration of non-governmental organisations and associations", []),
               ("Release political prisoners and opposition members", []),
               ("Prohibit hate speech against migrants", []),
               ("Promote the participation of women in political life and decision-making", []),
               ("Protect the rights of human rights workers", ["Human rights defenders"]),
               ("Provide training and financial support to civil society organisations working on health", []),
               ("Guarantee freedom of religion and belief for minorities in public life", []),
               ("Ratify the Convention against Torture", []),
               ("Strengthen the national human rights institution in line with the Paris Principles", [])]
    for lf, votes_for in W.LABELLING_FUNCTIONS.items():
        votes = {v.relevance for v in (lf(text, frozenset(tags)) for text, tags in samples) if v is not None}
        assert votes, f"{lf.__name__} never votes on the samples"
        assert votes <= {"direct", "indirect"} if votes_for == "direct or indirect" else votes == {
            votes_for.removesuffix(" (veto)")}, lf.__name__
