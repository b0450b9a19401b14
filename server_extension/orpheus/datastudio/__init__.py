"""Data Studio: deterministic analysis of project data and dashboards rendered by Voila."""
