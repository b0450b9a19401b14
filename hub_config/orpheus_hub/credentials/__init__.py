"""Research credentials: operator-defined credential sets delivered to granted users' servers.

A set (a slug, a description, environment variables and an optional JSON file) is kept in
the Orpheus database, its values sealed with ``ORPHEUS_CREDENTIALS_KEY``; admins manage it
on ``/hub/credentials`` and under ``/hub/api/orpheus/credentials``; a user in a granted hub
group gets it at their server's start, as environment variables and as
``~/.credentials/<set>.json``. The contract is in docs/credentials.md.
"""
