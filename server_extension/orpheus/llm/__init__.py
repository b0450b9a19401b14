"""The user server's side of the LLM: a client of the hub's gateway and the Data Studio AI
features built on it (narrative insights, natural-language dashboard edits, chat with data)."""
