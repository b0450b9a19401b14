"""Dashboards: JSON spec (source of truth), generation, notebook and static HTML output."""
