"""CSV exports: Excel-friendly, streamed, and safe against formula injection."""

from __future__ import annotations

import csv
import io

from labapp.core.csv_export import safe_cell
from labapp.registrations.roster import EXPORT_COLUMNS
from tests.factories import make_admin, make_lab_session, make_registration
from tests.helpers import login


def _rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_session_export_is_utf8_with_bom_and_documented_columns(signed_in, lab):
    make_registration(lab, full_name="Zoë Ōkubo", focus_populations=["english_learners", "newcomers"])
    response = signed_in.get(f"/dashboard/sessions/{lab.id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert list(rows[0]) == [name for name, _ in EXPORT_COLUMNS]
    assert rows[0]["full_name"] == "Zoë Ōkubo"
    assert rows[0]["focus_populations"] == "English learners; Newcomer students"
    assert rows[0]["status"] == "confirmed" and rows[0]["role"] == "Teacher"


def test_cells_that_look_like_formulas_are_defused(signed_in, lab):
    make_registration(lab, full_name="=HYPERLINK(\"http://evil\")", organisation="+1 evil",
                      hopes="-2+3", accommodations="@SUM(A1)")
    row = _rows(signed_in.get(f"/dashboard/sessions/{lab.id}/export.csv"))[0]
    assert row["full_name"].startswith("'=") and row["organisation"] == "'+1 evil"
    assert row["hopes"] == "'-2+3" and row["accommodations"] == "'@SUM(A1)"


def test_safe_cell_covers_tab_and_carriage_return():
    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx"
    assert safe_cell("plain") == "plain" and safe_cell(None) == ""


def test_all_registrations_export_holds_only_the_facilitators_sessions(signed_in, lab):
    make_registration(lab, full_name="Mine Person")
    make_registration(make_lab_session(), full_name="Other Person")
    names = [row["full_name"] for row in _rows(signed_in.get("/dashboard/export.csv"))]
    assert names == ["Mine Person"]


def test_admins_export_every_registration(client):
    make_registration(make_lab_session(), full_name="One")
    make_registration(make_lab_session(), full_name="Two")
    login(client, make_admin())
    assert sorted(row["full_name"] for row in _rows(client.get("/dashboard/export.csv"))) == ["One", "Two"]
