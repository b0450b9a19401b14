"""Analysis engine: per-file profiles, summary, cross-file joins, recommended charts.

Usable as a library (:func:`engine.analyze_folder`, :func:`engine.analyze_paths`),
from the CLI (``orpheus analyze``) and over HTTP (``POST /projects/{name}/analyze``).
"""
