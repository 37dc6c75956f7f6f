"""Field values in everyday words, for pages and for search filters alike."""

from __future__ import annotations

import datetime

from catalog.model import RecognitionRow
from catalog.recognition import is_expired

WORDS = {
    "self_paced": "self-paced",
    "in_person": "in person",
    "n_of": "choose N of M",
    "pd_hours": "PD hours",
    "ptsb_credit": "PTSB credit",
    "CEU": "CEU",
    "open_badges_3": "Open Badges 3.0",
    "clr_2": "Comprehensive Learner Record 2.0",
    "pdf_certificate": "PDF certificate",
    "school_leader": "school leader",
    "pre_service_teacher": "pre-service teacher",
    "district_leader": "district leader",
    "any_order": "any order",
    "PK": "pre-K",
    "not_accepted": "not accepted",
}


VERDICT_WORDS = {"met": "Met", "not_met": "Not met", "review": "Awaits review"}
STATUS_WORDS = {
    "approved": "Approved",
    "pending": "Pending",
    "pilot": "Pilot",
    "not_accepted": "Not accepted (refused)",
}


def status_mark(row: RecognitionRow, today: datetime.date) -> str:
    """One word for whether a row counts, for tables read without colour: counts, pending, pilot, refused, expired."""
    if row.status == "approved":
        return "expired" if is_expired(row, today) else "counts"
    return {"not_accepted": "refused"}.get(row.status, row.status)


def words(value: str) -> str:
    """A field value in everyday words: 'license_renewal' -> 'license renewal'."""
    return WORDS.get(value, str(value).replace("_", " "))
