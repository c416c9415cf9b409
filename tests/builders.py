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
