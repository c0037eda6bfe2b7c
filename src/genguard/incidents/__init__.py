"""Incidents, complaints and vulnerability reports: one registry from intake to disclosure.

Why one registry: the seed frameworks ask for the same lifecycle for all three kinds
(TC260-003 complaint channels, China's vulnerability intake logs, IMDA 90-day disclosure,
EU AI Act Art. 73 serious-incident reports within 2 / 10 / 15 days), so one state machine, one timeline, one set of
deadlines and one exporter serve them all. Modules:

- ``models``: tables (records, reporters, evidence, timeline events, intake log).
- ``state``: the status state machine.
- ``registry``: create / move / assign / attach evidence (every change lands on the timeline).
- ``deadlines``: configurable deadline rules, overdue listing, Prometheus collector.
- ``auto``: records opened automatically from gateway tripwires and assessment regressions.
- ``export``: JSON, AIID-compatible CSV, Markdown / HTML reports with public redaction.
- ``retention``: minimum retention (>= 6 months) and purge.
- ``api``: public complaint form + staff API (FastAPI router).
"""
