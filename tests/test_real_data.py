"""End to end on the real shared data (skipped when ../shared/data is absent)."""

import pandas as pd
from typer.testing import CliRunner

from upr_elect.cli import app
from upr_elect.training.datasets import EXPORT_DIR


def test_label_whole_export_keeps_every_row_in_order(shared_data, tmp_path):
    out = tmp_path / "export.parquet"
    result = CliRunner().invoke(app, ["label", str(shared_data.root / EXPORT_DIR), "-o", str(out),
                                      "--model", "baseline-tfidf"])
    assert result.exit_code == 0, result.output
    assert "read 61,014 records, labelled 61,014" in result.output
    labelled = pd.read_parquet(out, columns=["rec_id", "source_file", "source_row", "relevance",
                                             "untagged_candidate", "session"])
    export = shared_data.export
    assert labelled["rec_id"].tolist() == export["rec_id"].tolist()
    assert labelled["source_row"].tolist() == export["source_row"].tolist()
    # Session 27 rows carry no tags: their candidate flag is unknown, not false.
    assert labelled.loc[labelled["session"] == 27, "untagged_candidate"].isna().all()
    flagged = int(labelled["untagged_candidate"].fillna(False).sum())
    assert f"{flagged:,} untagged candidates" in result.output


def test_distinct_texts_reproduce_the_gold_strata(shared_data):
    texts = shared_data.texts
    assert len(texts) == 55711
    sizes = texts["stratum"].value_counts().to_dict()
    populations = shared_data.gold.groupby("stratum")["stratum_population"].first().to_dict()
    assert sizes == populations
