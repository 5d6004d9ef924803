"""Notes ingestion once wrote into summaries move to the proposal note, editors' words stay."""

import importlib

migration = importlib.import_module("events.migrations.0014_proposal_note")


def test_a_machine_summary_moves_whole_to_the_note():
    summary = (
        "Proposed by article ingestion from “T” (Wire, 04 Sep 2016); check it.\n"
        "Date: “on Sunday” → 4 Sep 2016.\nPlace: “Aleppo” → Aleppo.\nType: “shelled” → Shelling."
    )
    assert migration.split_summary(summary) == ("", summary)


def test_what_an_editor_added_after_the_machine_lines_stays_in_the_summary():
    summary = "Proposed by article ingestion from “T”.\nDate: x.\nConfirmed by two sources."
    assert migration.split_summary(summary) == (
        "Confirmed by two sources.",
        "Proposed by article ingestion from “T”.\nDate: x.",
    )


def test_an_editors_summary_is_left_alone():
    assert migration.split_summary("Shelling of Aleppo.") == ("Shelling of Aleppo.", "")
