"""The province's working-day calendar (lịch làm việc) and deadline arithmetic.

Layers, from the inside out:

- ``calendar``: ``Calendar``, a frozen value object (days off, make-up working days, working
  windows). Pure Python, no database.
- ``deadlines``: pure functions over a ``Calendar`` (R-TIME-1..5 of domain.md §9.4).
- ``seed``: the seed rows (holidays.md §3 CSV, python-holidays for other years). No database.
- ``models`` / ``services``: the editable per-province table and ``calendar_for(unit)``, which
  builds the ``Calendar`` from it (cached per process).
"""
