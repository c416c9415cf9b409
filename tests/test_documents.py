"""Tests of the readers of OHCHR documents (upr_elect.data.documents).

Every fixture document is built here, in a temporary folder, with recommendation texts
written for these tests. The tests on the real documents in ``shared/data`` are skipped when
that folder is missing.
"""

import os
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from fpdf import FPDF
from PIL import Image

from upr_elect.data.documents import (COLUMNS, DOCUMENT_FORMATS, detect_document_format,
                                      read_document)
from upr_elect.data.loaders import InputError, read_table

DATA = Path(os.environ.get("UPR_ELECT_DATA",
                           Path(__file__).resolve().parents[1].parent / "shared" / "data"))
SAMPLES = DATA / "new-session-samples"


def detect(path: Path):
    return detect_document_format(path, path.read_bytes()[:4096])


def record(frame: pd.DataFrame, paragraph: str) -> dict:
    rows = frame[frame["paragraph"] == paragraph]
    assert len(rows) == 1, f"{paragraph} found {len(rows)} times"
    return rows.iloc[0].to_dict()


# --- fixture builders --------------------------------------------------------------------

def thematic_docx(path: Path, header: list[str], rows: list[list[str]],
                  heading: str = "UPR of Testland (4th Cycle - 50th Session)") -> Path:
    """A thematic list: a running head, then one table; a row of one string spans all columns."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"{heading}\tThematic list of recommendations"
    table = document.add_table(rows=0, cols=len(header))
    for cells in [header] + rows:
        row = table.add_row()
        if len(cells) == 1:
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = cells[0]
        else:
            for cell, text in zip(row.cells, cells):
                cell.text = text
    document.save(path)
    return path


OLD_HEADER = ["Recommendation", "Position", "Full list of themes",
              "Assessment/comments on level of implementation"]
NEW_HEADER = ["Recommendation and recommending State", "Position of the State under review",
              "Human rights themes and groups of persons", "Relevant SDGs"]


@pytest.fixture
def old_layout(tmp_path):
    return thematic_docx(tmp_path / "old.docx", OLD_HEADER, [
        ["Theme: D7 Right to participation in public affairs and right to vote"],
        ["12.2 Publish the voter roll early enough for citizens to check their entry "
         "(Maldives, Portugal);\nSource of position: A/HRC/99/1/Add.1 - Para. 3",
         "Supported",
         "D7 Right to participation in public affairs and right to vote\n"
         "A12 Acceptance of international norms\nAffected persons:\n- general\n- women",
         "\n"],
        ["12.1 Let independent observers visit every polling station "
         "(Venezuela (Bolivarian Republic of)); \nSource of position: A/HRC/99/1/Add.1 - Para. 4",
         "Noted",
         "D7 Right to participation in public affairs and right to vote\nAffected persons:\n- general",
         ""],
    ])


@pytest.fixture
def new_layout(tmp_path):
    return thematic_docx(tmp_path / "new.docx", NEW_HEADER, [
        ["Theme: Participation in public affairs"],
        ["140.7 Ratify the fictional Charter on Open Ballots (Maldives) (Portugal);\n"
         "Source of Position: A/HRC/99/1/Add.1 - Para.3",
         "Supported",
         "- Participation in public affairs\n- Ratification of & accession to international "
         "instruments\nGroups of Persons: \n- Public officials\n- Women & girls",
         "- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS\n- 5 - GENDER EQUALITY"],
        ["Theme: Freedom of association"],
        ["140.8 Allow associations to register online within thirty days "
         "(Iran (Islamic Republic of)) (the former Yugoslav Republic of Macedonia).\n"
         "Source of Position: A/HRC/99/1/Add.1 - Para.4",
         "Noted", "- Freedom of association\nGroups of Persons: \n- Civil society", ""],
    ], heading="UPR of Testland (4th Cycle - 51st Session)")


def write_lines(pdf: FPDF, lines: list[str], size: float = 10) -> None:
    pdf.set_font("Helvetica", size=size)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT", h=5)


def page_furniture(pdf: FPDF, number: int, symbol: str = "A/HRC/99/10") -> None:
    """Running header and page number in 9 pt, as the real reports set them."""
    pdf.set_xy(20, 10)
    write_lines(pdf, [symbol], size=9)
    pdf.set_xy(100, 280)
    write_lines(pdf, [str(number)], size=9)
    pdf.set_xy(20, 25)


def report_pdf(path: Path, pages: list[list[str]], footnote_on: int | None = None) -> Path:
    """A report PDF, one list of body lines per page. A line ``"<sup>"`` puts a footnote
    marker at the end of the previous line and the footnote at the bottom of that page."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        page_furniture(pdf, number)
        for line in lines:
            if line == "<sup>":
                y = pdf.get_y()
                pdf.set_xy(pdf.get_x() + 150, y - 6)
                pdf.set_font("Helvetica", size=6)
                pdf.cell(text="1", new_x="LMARGIN", new_y="NEXT", h=6)
                pdf.set_xy(20, 265)
                write_lines(pdf, ["1 See the national report, A/HRC/WG.6/50/TST/1."], size=9)
                pdf.set_xy(20, 270)
                write_lines(pdf, ["GE.20-12345(E)"])  # body size: only its pattern removes it
                pdf.set_xy(20, y)
            else:
                write_lines(pdf, [line])
    pdf.output(str(path))
    return path


ENGLISH_PAGES = [
    ["Report of the Working Group on the Universal Periodic Review",
     "Testland",
     "1. The Working Group on the Universal Periodic Review held its fiftieth session",
     "from 1 to 12 May 2025. The review of Testland was held at the 3rd meeting.",
     "2. The delegation of Testland thanked the States for 15 recommendations in all",
     "and described the implementation of the electoral law.",
     "81. The recommendations formulated during the interactive dialogue/listed below",
     "have been examined by Testland and enjoy the support of Testland:",
     "81.1 Publish the results of every polling station within two days (Chile)",
     "(Norway);",
     "81.2 Give the electoral commission a budget of its own and staff it through",
     "open competitions, so that it can plan elections without delay and secure the",
     "<sup>"],
    ["trust of every party (United Kingdom of Great Britain and Northern Ireland);",
     "81.3 Continue the implementation of the national plan against hate speech",
     "before elections (Venezuela (Bolivarian Republic of)).",
     "82. The following recommendations will be examined by Testland, which will",
     "provide responses in due time:",
     "82.1 Ensure full implemen-",
     "tation of the principle of non-",
     "refoulement at all borders (Ghana); Guarantee access to asylum procedures",
     "for every applicant (Kenya);",
     "82.2 Ratify the Convention on the Rights of Persons with Disabilities",
     "(Islamic Republic of Iran).",
     "83. All conclusions and/or recommendations contained in the present report reflect",
     "the position of the submitting State(s) and/or the State under review."]]


@pytest.fixture
def english_report(tmp_path):
    return report_pdf(tmp_path / "A_HRC_99_10.pdf", ENGLISH_PAGES)


# --- thematic lists ----------------------------------------------------------------------

def test_old_thematic_layout_every_field(old_layout):
    assert detect(old_layout) == "ohchr-thematic"
    frame = read_document(old_layout, "ohchr-thematic")
    assert list(frame.columns) == list(COLUMNS)
    assert frame["paragraph"].tolist() == ["12.2", "12.1"]  # document order
    assert record(frame, "12.2") == {
        "paragraph": "12.2",
        "text": "Publish the voter roll early enough for citizens to check their entry",
        "recommending_states": "Maldives; Portugal", "position": "Supported",
        "themes": "D7 Right to participation in public affairs and right to vote; "
                  "A12 Acceptance of international norms",
        "affected_persons": "general; women", "sdgs": "", "state_under_review": "Testland",
        "session": "50", "document": "old.docx", "source_page": "2", "language": "en"}
    second = record(frame, "12.1")
    assert second["text"] == "Let independent observers visit every polling station"
    assert second["recommending_states"] == "Venezuela (Bolivarian Republic of)"
    assert (second["position"], second["affected_persons"], second["source_page"]) == (
        "Noted", "general", "3")


def test_new_thematic_layout_every_field(new_layout):
    assert detect(new_layout) == "ohchr-thematic"
    frame = read_document(new_layout, "ohchr-thematic")
    assert record(frame, "140.7") == {
        "paragraph": "140.7", "text": "Ratify the fictional Charter on Open Ballots",
        "recommending_states": "Maldives; Portugal", "position": "Supported",
        "themes": "Participation in public affairs; Ratification of & accession to "
                  "international instruments",
        "affected_persons": "Public officials; Women & girls",
        "sdgs": "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS; 5 - GENDER EQUALITY",
        "state_under_review": "Testland", "session": "51", "document": "new.docx",
        "source_page": "2", "language": "en"}
    second = record(frame, "140.8")
    assert second["text"] == "Allow associations to register online within thirty days"
    assert second["recommending_states"] == ("Iran (Islamic Republic of); "
                                             "the former Yugoslav Republic of Macedonia")
    assert (second["position"], second["themes"], second["affected_persons"], second["sdgs"],
            second["source_page"]) == ("Noted", "Freedom of association", "Civil society", "", "4")


def test_middle_layout_lists_inside_themes_cell_and_theme_row_fallback(tmp_path):
    path = thematic_docx(tmp_path / "middle.docx", ["Recommendation", "Position", "Themes"], [
        ["Theme: Elections"],
        ["7.1 Reform the rules on campaign finance (Chile, Peru);", "Supported/Noted",
         "Right to vote\nSDGs:\n- 16\nAffected persons:\n- general"],
        ["7.2 Hold local elections on time (Spain);", "Supported", ""],
    ])
    frame = read_document(path, "ohchr-thematic")
    first, second = record(frame, "7.1"), record(frame, "7.2")
    assert (first["themes"], first["sdgs"], first["affected_persons"]) == (
        "Right to vote", "16", "general")
    assert first["position"] == "Supported/Noted"  # not clear: kept as the document says
    assert first["recommending_states"] == "Chile; Peru"
    assert second["themes"] == "Elections"  # no themes in the cell: the spanning row's theme


def test_recommendation_without_state_keeps_its_own_parentheses(tmp_path):
    path = thematic_docx(tmp_path / "odd.docx", OLD_HEADER, [
        ["3.1 Ratify the Convention on Migrant Workers (ICRMW) (Iran (Islamic Republic of));",
         "Noted", "", ""],
        ["3.2 Ratify ILO Convention, 2011 (No. 189);", "Supported", "", ""],
    ])
    frame = read_document(path, "ohchr-thematic")
    assert record(frame, "3.1")["text"] == "Ratify the Convention on Migrant Workers (ICRMW)"
    assert record(frame, "3.1")["recommending_states"] == "Iran (Islamic Republic of)"
    assert record(frame, "3.2")["text"] == "Ratify ILO Convention, 2011 (No. 189)"
    assert record(frame, "3.2")["recommending_states"] == ""


# --- Working Group reports ---------------------------------------------------------------

def test_report_pdf_across_page_break(english_report):
    assert detect(english_report) == "ohchr-report"
    frame = read_document(english_report, "ohchr-report")
    assert frame["paragraph"].tolist() == ["81.1", "81.2", "81.3", "82.1", "82.2"]
    assert record(frame, "81.2") == {
        "paragraph": "81.2",
        "text": "Give the electoral commission a budget of its own and staff it through open "
                "competitions, so that it can plan elections without delay and secure the "
                "trust of every party",
        "recommending_states": "United Kingdom of Great Britain and Northern Ireland",
        "position": "Supported", "themes": "", "affected_persons": "", "sdgs": "",
        "state_under_review": "Testland", "session": "50", "document": "A_HRC_99_10.pdf",
        "source_page": "1", "language": "en"}
    assert record(frame, "81.1")["recommending_states"] == "Chile; Norway"
    assert record(frame, "81.3")["recommending_states"] == "Venezuela (Bolivarian Republic of)"
    assert record(frame, "81.3")["source_page"] == "2"


def test_report_hyphenation_joined_recommendations_and_position(english_report):
    frame = read_document(english_report, "ohchr-report")
    joined = record(frame, "82.1")
    # "implemen-tation" is a line-end hyphenation ("implementation" occurs elsewhere);
    # "non-refoulement" keeps its hyphen.
    assert joined["text"] == ("Ensure full implementation of the principle of non-refoulement "
                              "at all borders; Guarantee access to asylum procedures for "
                              "every applicant")
    assert joined["recommending_states"] == "Ghana; Kenya"
    assert joined["position"] == "Pending"  # "will be examined": the State answers later
    last = record(frame, "82.2")
    assert last["text"] == "Ratify the Convention on the Rights of Persons with Disabilities"
    assert last["recommending_states"] == "Islamic Republic of Iran"


def test_report_docx_and_noted_introduction(tmp_path):
    document = docx.Document()
    for text in ["Report of the Working Group on the Universal Periodic Review", "Testland",
                 "1. The Working Group held its thirty-fourth session.",
                 "90. The following recommendations did not enjoy the support of Testland "
                 "and are thus noted:",
                 "90.1\tAbolish the age limit for candidates (Chile);",
                 "90.2\tLower the voting age to sixteen (Malta, Austria).",
                 "Annex"]:
        document.add_paragraph(text)
    path = tmp_path / "report.docx"
    document.save(path)
    assert detect(path) == "ohchr-report"
    frame = read_document(path, "ohchr-report")
    assert frame[["paragraph", "text", "recommending_states", "position", "source_page",
                  "session", "state_under_review"]].values.tolist() == [
        ["90.1", "Abolish the age limit for candidates", "Chile", "Noted", "5", "34", "Testland"],
        ["90.2", "Lower the voting age to sixteen", "Malta; Austria", "Noted", "6", "34",
         "Testland"]]


def test_french_report_language_and_position(tmp_path):
    path = report_pdf(tmp_path / "rapport.pdf", [[
        "Rapport du Groupe de travail sur l'Examen périodique universel",
        "Testlande",
        "91. Les recommandations ci-après ont été examinées par la Testlande et",
        "bénéficient de son soutien :",
        "91.1 Garantir l'indépendance de la commission électorale et la publication des",
        "résultats dans les bureaux de vote (France) (Sénégal) ;",
        "91.2 Renforcer les mesures pour la participation des femmes à la vie politique",
        "(Suisse).",
    ]])
    frame = read_document(path, "ohchr-report")
    assert frame["language"].tolist() == ["fr", "fr"]
    first = record(frame, "91.1")
    assert first["text"] == ("Garantir l'indépendance de la commission électorale et la "
                             "publication des résultats dans les bureaux de vote")
    assert (first["recommending_states"], first["position"], first["state_under_review"]) == (
        "France; Sénégal", "Supported", "Testlande")


# --- UHRI exports and text ---------------------------------------------------------------

UHRI = pd.DataFrame({
    "Annotation": ["Guarantee the secrecy of the vote", "Protect journalists during campaigns"],
    "Document symbol": ["A/HRC/99/10", "A/HRC/99/10"],
    "Countries": ["Testland", "Testland"],
    "UPR recommending states": ["Chile; Peru", "Venezuela (Bolivarian Republic of)"],
    "UPR position": ["Supported", "Noted"],
    "Themes": ["D7 Right to participation in public affairs and right to vote", ""],
    "Affected persons": ["general", "media"],
    "SDGs": ["16", ""],
    "UPR session": ["50", "50"],
    "Body": ["UPR", "UPR"],
})


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_uhri_export(tmp_path, suffix):
    path = tmp_path / f"uhri{suffix}"
    if suffix == ".xlsx":
        UHRI.to_excel(path, index=False)
    else:
        UHRI.to_csv(path, index=False)
    assert detect(path) == "uhri"
    frame = read_document(path, "uhri")
    assert list(frame.columns) == list(COLUMNS) + ["Body"]
    assert frame.iloc[1].to_dict() == {
        "paragraph": "", "text": "Protect journalists during campaigns",
        "recommending_states": "Venezuela (Bolivarian Republic of)", "position": "Noted",
        "themes": "", "affected_persons": "media", "sdgs": "", "state_under_review": "Testland",
        "session": "50", "document": "A/HRC/99/10", "source_page": "2", "language": "en",
        "Body": "UPR"}
    assert frame.iloc[0]["recommending_states"] == "Chile; Peru"


def test_uhri_row_without_annotation_is_kept_flagged_and_numbered(tmp_path):
    path = tmp_path / "uhri.csv"
    rows = pd.concat([UHRI.iloc[:1], UHRI.iloc[:1].assign(Annotation=""), UHRI.iloc[1:]])
    rows.to_csv(path, index=False)
    with pytest.warns(UserWarning, match=r"uhri\.csv, row 2: empty text; kept, not labelled"):
        frame = pd.concat(chunk.frame for chunk in read_table(path))
    assert frame[["source_row", "source_page", "input_problem"]].values.tolist() == [
        [1, "1", ""], [2, "2", "empty text"], [3, "3", ""]]
    assert frame["text"].iloc[2] == "Protect journalists during campaigns"


def test_text_file_and_spanish(tmp_path):
    path = tmp_path / "recs.txt"
    path.write_text("Garantizar el voto de las personas con discapacidad (Chile);\n\n"
                    "Proteger a los periodistas durante las campañas, en particular en las "
                    "zonas rurales (Perú)\n", encoding="utf-8")
    assert detect(path) == "text"
    frame = read_document(path, "text")
    assert frame[["text", "recommending_states", "source_page", "language"]].values.tolist() == [
        ["Garantizar el voto de las personas con discapacidad", "Chile", "1", "es"],
        ["Proteger a los periodistas durante las campañas, en particular en las zonas rurales",
         "Perú", "3", "es"]]


def test_page_furniture_pasted_into_a_text_file_is_left_out_with_a_warning(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text("Hold free and fair elections (Chile);\nGE.20-04512\nA/HRC/43/15\n12\n"
                    "Protect journalists during campaigns (Peru)\nPage 3 of 10\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        frame = read_document(path, "text")
    assert [str(w.message) for w in caught] == [
        f"{path}: 3 lines left out as page headers or footers copied from a document (a document symbol, "
        "GE number, 'Page N' or a page number alone; first: line 2)"]
    # the page number stays a record, flagged by the loader as a text without a letter
    assert frame[["text", "source_page"]].values.tolist() == [
        ["Hold free and fair elections", "1"], ["12", "4"], ["Protect journalists during campaigns", "5"]]


def test_wrapped_lines_of_a_text_file_are_joined_with_a_warning(tmp_path):
    states_alone = tmp_path / "states.txt"
    states_alone.write_text("• Hold free and fair elections\n(Germany);\n- Protect journalists (Peru)\n",
                            encoding="utf-8")
    with pytest.warns(UserWarning, match=r"1 line joined to the recommendation before it .* first: line 2"):
        frame = read_document(states_alone, "text")
    assert frame[["text", "recommending_states", "source_page"]].values.tolist() == [
        ["Hold free and fair elections", "Germany", "1"], ["Protect journalists", "Peru", "3"]]

    numbered = tmp_path / "numbered.txt"
    numbered.write_text("120.1 Hold free and fair elections and ensure that\nall candidates can campaign "
                        "(Chile);\n120.2 Protect journalists (Peru)\n120.3 Guarantee the rights of article\n"
                        "25.1 of the Covenant (Chile);\n121.1 Abolish the death penalty (Peru);\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"2 lines joined .* first: line 2"):
        frame = read_document(numbered, "text")
    assert frame[["paragraph", "text", "recommending_states", "source_page"]].values.tolist() == [
        ["120.1", "Hold free and fair elections and ensure that all candidates can campaign", "Chile", "1"],
        ["120.2", "Protect journalists", "Peru", "3"],
        ["120.3", "Guarantee the rights of article 25.1 of the Covenant", "Chile", "4"],
        ["121.1", "Abolish the death penalty", "Peru", "6"]]

    # pasted from a report: a heading and the lead-in paragraph stay records of their own, the
    # page number and footer inside the list are left out, wrapped lines are joined
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("Recommendations\n120. The following recommendations enjoy the support of Arcadia:\n"
                      "120.1 Hold free and fair elections and ensure that the\nelectoral commission is "
                      "independent (Chile);\nPage 14\n14\n120.2 Protect journalists\n(Peru); (Chile);\n"
                      "121. The following recommendations were noted by Arcadia:\n121.1 Abolish the death "
                      "penalty (Peru);\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        frame = read_document(pasted, "text")
    assert [str(w.message).split(": ", 1)[1] for w in caught] == [
        "2 lines left out as page headers or footers copied from a document (a document symbol, GE number, "
        "'Page N' or a page number alone; first: line 5)",
        "2 lines joined to the recommendation before them as wrapped text (a line of States alone in "
        "parentheses, or a line without a paragraph number in a numbered list; first: line 4)"]
    assert frame[["paragraph", "recommending_states", "source_page"]].values.tolist() == [
        ["", "", "1"], ["", "", "2"], ["120.1", "Chile", "3"], ["120.2", "Peru; Chile", "7"], ["", "", "9"],
        ["121.1", "Peru", "10"]]
    assert frame["text"][2] == "Hold free and fair elections and ensure that the electoral commission is independent"
    assert frame["text"][3] == "Protect journalists"


def test_plain_text_lines_stay_records_unless_they_are_wrapped(tmp_path):
    path = tmp_path / "list.txt"
    # old-Mac line ends; a line wholly in parentheses without ';' is a recommendation; States
    # groups with ';' join; after a numbered one, bullets and a line after a blank line are new
    path.write_bytes(b"Hold free elections\r(Ensure that journalists can work freely)\rProtect journalists\r"
                     b"(Peru); (Spain);\r120.1 Lift the curfew\r- Free the press\r\rII. Conclusions\rUN/DESA\r")
    with pytest.warns(UserWarning, match="1 line joined"):
        frame = read_document(path, "text")
    assert frame[["text", "recommending_states", "source_page"]].values.tolist() == [
        ["Hold free elections", "", "1"], ["(Ensure that journalists can work freely)", "", "2"],
        ["Protect journalists", "Peru; Spain", "3"], ["Lift the curfew", "", "5"], ["Free the press", "", "6"],
        ["II. Conclusions", "", "8"], ["UN/DESA", "", "9"]]  # no digit: not a document symbol


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1252"])
def test_plain_text_in_other_encodings(tmp_path, encoding):
    path = tmp_path / "list.txt"
    path.write_bytes("Hold free elections (Côte d'Ivoire);\nProtect journalists\n".encode(encoding))
    assert detect_document_format(path, path.read_bytes()[:4096], encoding) == "text"
    frame = read_document(path, "text", encoding)
    assert frame[["text", "recommending_states"]].values.tolist() == [
        ["Hold free elections", "Côte d'Ivoire"], ["Protect journalists", ""]]


def test_tables_and_json_are_not_documents(tmp_path):
    table = tmp_path / "table.txt"
    table.write_text("text,issues\nHold free elections,Elections\nFree the press,Media\n")
    jsonl = tmp_path / "recs.jsonl"
    jsonl.write_text('{"text": "Hold free elections"}\n')
    assert detect(table) is None
    assert detect(jsonl) is None


# --- errors ------------------------------------------------------------------------------

def test_mislabelled_files_detected_by_content(tmp_path, new_layout):
    text_as_docx = tmp_path / "recs.docx"
    text_as_docx.write_text("Hold free and fair elections (Chile)\n")
    assert detect(text_as_docx) == "text"
    with pytest.raises(InputError, match="not a Word .DOCX. document: its content is text"):
        read_document(text_as_docx, "ohchr-thematic")
    with pytest.raises(InputError, match="not a PDF or Word .DOCX. document: its content is text"):
        read_document(text_as_docx, "ohchr-report")
    docx_as_pdf = tmp_path / "list.pdf"
    docx_as_pdf.write_bytes(new_layout.read_bytes())
    assert detect(docx_as_pdf) == "ohchr-thematic"
    assert len(read_document(docx_as_pdf, "ohchr-thematic")) == 2


def test_damaged_docx_is_called_damaged(tmp_path, new_layout):
    cut = tmp_path / "cut.docx"
    cut.write_bytes(new_layout.read_bytes()[:3000])
    with pytest.raises(InputError, match=r"cut\.docx: is a damaged DOCX file, not readable \(BadZipFile"):
        list(read_table(cut))
    broken = tmp_path / "broken.docx"  # a sound ZIP with a part that is not XML
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("word/document.xml", "not xml")
    with pytest.raises(InputError, match=r"broken\.docx: is not a readable Word \(DOCX\) document \("):
        list(read_table(broken))


def test_empty_text_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match=r"empty\.txt: is empty$"):
        list(read_table(empty))
    empty.write_text("\n  \n")
    with pytest.raises(InputError, match=r"empty\.txt: holds only blank lines$"):
        read_document(empty, "text")


def test_empty_table(tmp_path):
    document = docx.Document()
    document.add_table(rows=2, cols=3)
    empty = tmp_path / "empty.docx"
    document.save(empty)
    assert detect(empty) is None
    with pytest.raises(InputError, match="its tables are empty") as err:
        read_document(empty, "ohchr-thematic")
    assert err.value.file == str(empty)
    header_only = thematic_docx(tmp_path / "header.docx", OLD_HEADER, [])
    assert detect(header_only) == "ohchr-thematic"
    with pytest.raises(InputError, match="no recommendations found"):
        read_document(header_only, "ohchr-thematic")


def test_scanned_pdf_without_text_layer(tmp_path):
    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(image)
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(image), x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="no text layer.*run OCR first") as err:
        read_document(path, "ohchr-report")
    assert (err.value.row, err.value.unit) == (1, "page")


def test_damaged_pdf(tmp_path, english_report):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(english_report.read_bytes()[:600])
    with pytest.raises(InputError, match="damaged") as err:
        read_document(damaged, "ohchr-report")
    assert err.value.file == str(damaged)


def test_unknown_format_and_missing_file(tmp_path, old_layout):
    with pytest.raises(InputError, match="unknown document format"):
        read_document(old_layout, "matrix")
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "missing.docx", "ohchr-thematic")
    assert "ohchr-thematic" in DOCUMENT_FORMATS


def test_deterministic(english_report, new_layout):
    for path, fmt in [(english_report, "ohchr-report"), (new_layout, "ohchr-thematic")]:
        pd.testing.assert_frame_equal(read_document(path, fmt), read_document(path, fmt))


# --- the real documents ------------------------------------------------------------------

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(),
                                   reason=f"real OHCHR samples not found at {SAMPLES} "
                                          "(set UPR_ELECT_DATA to shared/data)")


@needs_samples
@pytest.mark.parametrize("name, fmt, count, prefixes", [
    ("UPR20__Slovenia_ThematicListRecommendations_E.docx", "ohchr-thematic", 163, {"115"}),
    ("upr48-slovenia-thematic-list-of-recommendatio.docx", "ohchr-thematic", 254, {"140"}),
    ("A_HRC_43_15_working_group_report_Slovenia.pdf", "ohchr-report", 215, {"121", "122"}),
])
def test_real_samples(name, fmt, count, prefixes):
    path = SAMPLES / name
    assert detect(path) == fmt
    frame = read_document(path, fmt)
    assert len(frame) == count
    assert frame["paragraph"].is_unique
    assert set(frame["paragraph"].str.split(".").str[0]) == prefixes
    for prefix in prefixes:
        numbers = frame["paragraph"][frame["paragraph"].str.startswith(prefix + ".")]
        assert sorted(int(n.split(".")[1]) for n in numbers) == list(range(1, len(numbers) + 1))
    assert (frame["recommending_states"] != "").all()
    assert (frame["text"] != "").all()
    assert not frame["text"].str.contains(r"Source of position|A/HRC/43/15|GE\.19", case=False).any()
    assert (frame["state_under_review"] == "Slovenia").all()
    assert (frame["language"] == "en").all()
    if fmt == "ohchr-thematic":
        assert set(frame["position"]) == {"Supported", "Noted"}
    else:
        assert (frame["position"][frame["paragraph"].str.startswith("121.")] == "Supported").all()
        assert (frame["position"][frame["paragraph"].str.startswith("122.")] == "Pending").all()
        assert (frame["session"] == "34").all()


@needs_samples
def test_real_damaged_pdf():
    path = SAMPLES / "damaged_national_report_Slovenia_2009.pdf"
    with pytest.raises(InputError, match="damaged PDF"):
        read_document(path, detect(path))
