"""Share links, user-server side: build snapshots of the user's files, talk to the service.

``builder`` turns a target (session, notebook, dashboard, file) into a tar
snapshot; ``client`` sends it to the hub's ``share`` service. The REST
handlers are ``orpheus.handlers.shares``.
"""
