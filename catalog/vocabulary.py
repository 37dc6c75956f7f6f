"""The words recognition rows are written in: credit units and uses, as data with plain names.

A catalog adds its own in site.yaml (`credit_units:`, `uses:`), so Massachusetts PDPs, New York
CTLE hours or a district's salary-step points need no change to the code. These built-in ones
keep existing catalogs valid.
"""

from __future__ import annotations

BUILTIN_UNITS: dict[str, str] = {
    "CEU": "CEU",
    "renewal_credit": "renewal credit",
    "pd_hours": "PD hours",
    "ptsb_credit": "PTSB credit",
    "credit_hours": "credit hours",
    "course_credit": "course credit",
}
BUILTIN_USES: dict[str, str] = {
    "license_renewal": "license renewal",
    "endorsement": "endorsement",
    "test_substitute": "test substitute",
    "salary_step": "salary step",
    "alternative_preparation": "alternative preparation",
    "professional_learning": "professional learning",
    "course_credit": "course credit",
}
