"""The Claude data analyst of a Data Studio project: a headless ``claude -p`` run in the
project folder that starts from the deterministic analysis, may run Python, and writes its
findings as a notebook (executed after the run) and as dashboard specs (validated, then
saved through the dashboard store).

- ``paths``: where a run reads and writes in the project.
- ``prompt``: the analysis digest, the instructions, ``CLAUDE.md`` and ``context.md``.
- ``events``: Claude's ``stream-json`` lines as the Data Studio event vocabulary.
- ``outputs``: staged dashboard specs saved or refused; the notebook executed.
- ``process``: the ``claude`` process (argv, environment, cancel).
- ``manager``: ``AnalystManager``, one run at a time per project, and the last run's summary.
- ``check``: ``python -m orpheus.datastudio.analyst.check spec.json`` for Claude to check a spec.
"""
