"""Local fakes of the upstream model APIs (the only stand-ins the suite uses)."""
