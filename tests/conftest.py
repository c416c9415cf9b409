"""Shared fixtures: the shared data folder (skipped when absent) and a UPR Info-style export
written by the tests themselves."""

import pytest

from upr_elect.training.datasets import EXPORT_DIR, SharedData, default_data_dir

@pytest.fixture(scope="session")
def shared_data() -> SharedData:
    """The real shared data, or a skip saying why it is missing."""
    root = default_data_dir()
    if not (root / EXPORT_DIR).is_dir():
        pytest.skip(f"shared data not found at {root} (set UPR_ELECT_DATA or place ../shared/data "
                    "beside the project)")
    return SharedData(root)
