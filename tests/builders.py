"""Builders of test inputs written by the tests themselves (no shared data)."""

from pathlib import Path

UPR_HEADER = "SuR;Rgrp;Org;Recommendation;RS;Rgrp;Org;Response;Action;Issue;Session"


def write_export(path: Path, rows: list[list[str]], line_end: str = "\r\n") -> Path:
    """Write a UPR Info export the way the real one is written: ';'-separated, UTF-8 with a
    byte-order mark, quotes only where a field needs them."""
    def field(value: str) -> str:
        return f'"{value}"' if any(c in value for c in ';"\n') else value

    lines = [UPR_HEADER] + [";".join(field(v) for v in row) for row in rows]
    path.write_bytes(("\ufeff" + line_end.join(lines) + line_end).encode("utf-8"))
    return path


EXPORT_ROWS = [
    ["Arcadia", "Asia", "OIC", "Hold the postponed local elections without further delay", "Borduria ",
     "WEOG", "EU", "Supported", "5", "Elections", "12"],
    ["Arcadia", "Asia", "OIC", "Protect journalists who report on corruption", "Carpania", "&#40;Unknown&#41;",
     "", "Noted", "4", "Freedom of the press,Human rights defenders", "12"],
    ["Arcadia", "Asia", "OIC", "Protect journalists who report on corruption", "Carpania", "&#40;Unknown&#41;",
     "", "Noted", "4", "Freedom of the press,Human rights defenders", "12"],
    ["Borduria", "EEG", "", "Improve prison conditions;\nin particular for women", "Dorvania", "Africa", "AU",
     "Supported", "3", "Detention", "27"],
    ["Borduria", "EEG", "", "Adopt a plan against domestic violence", "Dorvania", "Africa", "AU",
     "Supported", "3", "Women's rights", ""],
]


EXAMPLE_LABELS = {
    # id: (relevance, channels) for data/fixtures/example_recommendations.csv, coded by the
    # project against the codebook.
    "EX01": ("direct", ["electoral_process"]), "EX02": ("direct", ["vote_and_candidacy"]),
    "EX03": ("indirect", ["expression_media", "security_defenders"]), "EX04": ("indirect", ["assembly"]),
    "EX05": ("direct", ["participation_representation", "vote_and_candidacy"]),
    "EX06": ("indirect", ["association_parties"]), "EX07": ("indirect", ["security_defenders"]),
    "EX08": ("indirect", ["hate_speech_incitement"]), "EX09": ("indirect", ["participation_representation"]),
    "EX10": ("none", []), "EX11": ("none", []), "EX12": ("none", []), "EX13": ("none", []),
    "EX14": ("none", []), "EX15": ("direct", ["vote_and_candidacy"]), "EX16": ("indirect", ["expression_media"]),
    "EX17": ("none", []), "EX18": ("none", []), "EX19": ("indirect", ["security_defenders"]), "EX20": ("none", []),
}


def fixture_table(copies: int = 3):
    """A small training table (the example file's texts, each repeated with a numbered
    variant) in the shape of ``training_table``."""
    import pandas as pd

    from upr_elect.cli import EXAMPLE

    rows = pd.read_csv(EXAMPLE)
    records = []
    for k in range(copies):
        for _, row in rows.iterrows():
            relevance, channels = EXAMPLE_LABELS[row["id"]]
            records.append({"text": f"{row['text']} (variant {k})" if k else row["text"], "relevance": relevance,
                            "channels": channels, "source": "fixture", "stratum": "S4_untagged_other",
                            "weight": 1.0})
    return pd.DataFrame(records)


def fixture_model():
    """A small baseline fitted on :func:`fixture_table` (never shipped), with fixed thresholds."""
    from upr_elect.classifier.baseline import BaselineModel
    from upr_elect.classifier.inference import Thresholds
    from upr_elect.training.datasets import channel_matrix

    table = fixture_table()
    model = BaselineModel(max_features=500, C=10.0, name="fixture-baseline").fit(
        table["text"].tolist(), table["relevance"].to_numpy(), channel_matrix(table["channels"]))
    model.thresholds = Thresholds(direct=0.4, relevant=0.5)
    return model
