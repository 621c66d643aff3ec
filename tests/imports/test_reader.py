"""Reading uploads into rows of cell text: workbooks, CSV in either encoding, pasted tables."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from app.imports.reader import UnreadableFile, read_pasted, read_upload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _xlsx(*rows, sheets=()) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    for name in sheets:
        workbook.create_sheet(name).append(["on", name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_reads_as_text_with_excel_dates_written_day_first():
    table = read_upload(_xlsx(["Ref", "Due"], [1.0, date(2012, 3, 31)], [1.5, datetime(2012, 2, 29, 0, 0)]), "plan.xlsx")
    assert table.rows == (("Ref", "Due"), ("1", "31/03/2012"), ("1.5", "29/02/2012"))
    assert table.sheet == "Sheet"


def test_a_named_sheet_is_read_and_a_missing_one_is_refused_naming_the_sheets_there_are():
    data = _xlsx(["first"], sheets=["Actions"])
    assert read_upload(data, "plan.xlsx", sheet="Actions").rows == (("on", "Actions"),)
    with pytest.raises(UnreadableFile, match="has no sheet called 'Nope'; its sheets are: Sheet, Actions"):
        read_upload(data, "plan.xlsx", sheet="Nope")


def test_blank_rows_at_the_end_and_blank_cells_at_the_end_of_a_row_are_dropped():
    table = read_upload(b"a,b,,\r\n\r\nc,d\r\n,,\r\n", "plan.csv")
    assert table.rows == (("a", "b"), (), ("c", "d"))


def test_a_utf8_csv_with_a_byte_order_mark_and_commas_reads():
    text = "\ufeffReference,Action\n1.1,\"Zoë's plan, revised\"\n"
    assert read_upload(text.encode("utf-8"), "plan.csv").rows == (("Reference", "Action"), ("1.1", "Zoë's plan, revised"))


def test_a_windows_1252_csv_with_tabs_reads():
    text = "Reference\tAction\r\n1.1\tSeán’s review – “urgent”\r\n"
    assert read_upload(text.encode("cp1252"), "plan.csv").rows == (("Reference", "Action"), ("1.1", "Seán’s review – “urgent”"))


def test_a_table_pasted_from_word_splits_on_tabs_and_keeps_quoted_lines_in_one_cell():
    table = read_pasted('Reference\tActions\r\n1.1.1\t"Step one\nStep two"\r\n')
    assert table.rows == (("Reference", "Actions"), ("1.1.1", "Step one\nStep two"))
    assert table.source == "pasted table"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "plan.xlsx", "plan.xlsx is not an Excel workbook Pillar can read"),
        (b"", "plan.xlsx", "plan.xlsx is empty"),
        (b"  \r\n ", "plan.csv", "plan.csv is empty"),
        (PNG, "plan.csv", "plan.csv is not a text file"),
        (b"x", "plan.xls", "plan.xls is an old-style Excel file: save it as .xlsx"),
        (b"x", "plan.pdf", "plan.pdf is not a spreadsheet: upload an .xlsx or .csv file"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_saying_why(data, name, message):
    with pytest.raises(UnreadableFile, match=message.replace(".", r"\.")):
        read_upload(data, name)


def test_an_empty_paste_is_refused():
    with pytest.raises(UnreadableFile, match="The pasted table is empty"):
        read_pasted("  \n")
