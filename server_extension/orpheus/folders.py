"""The names of the folders Orpheus uses, in the Jupyter root and in each project.

One place for them: the apps, the listing that counts each app's files and the
containment checks all name a folder through these constants.
"""

from __future__ import annotations

PROJECTS = "projects"
"""Default folder of the projects, relative to the Jupyter root (``OrpheusApp.projects_dir``)."""

DATA = "data"
"""A project's data files (imported, analysed, loaded by chat with data)."""
ANALYSIS = ".analysis"
"""Data Studio's analysis results and insights."""
DASHBOARDS = "dashboards"
"""Data Studio dashboards (specs and notebooks)."""
DASHBOARD_CACHE = f"{DASHBOARDS}/.cache"
"""Parquet caches of the dashboards' data."""
DASHBOARD_HISTORY = f"{DASHBOARDS}/.history"
"""Previous versions of each dashboard, for undo."""
NOTES = "notes"
"""A project's Markdown notes."""
VIDEO = "video"
"""Video Studio: scenes, assets and renders."""
VIDEO_SCENES = f"{VIDEO}/scenes"
"""Video Studio's scene scripts (one ``<scene>.py`` each)."""
VIDEO_ASSETS = f"{VIDEO}/assets"
"""Images, sounds and other media the scenes use."""
VIDEO_OUT = f"{VIDEO}/out"
"""Finished renders."""
INTERNAL = ".orpheus"
"""Orpheus's own state inside a project."""
SESSION_RECORDS = f"{INTERNAL}/sessions"
"""Session records and recordings."""
SESSIONS = "sessions"
"""Session working folders."""
