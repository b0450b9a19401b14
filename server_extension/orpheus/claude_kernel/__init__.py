"""The Claude notebook kernel (kernelspec ``orpheus-claude``): cells are messages to Claude.

Pieces:

- :mod:`.provisioner` runs in the user server (jupyter_client's provisioner for the
  kernelspec): it removes every hub credential from the kernel's environment and
  gives it a short-lived **gateway-only** token instead, minted by the hub's llm
  service with the server's own hub token (the same mechanism as session terminals);
- :mod:`.kernel` is the kernel process (``python -m orpheus.claude_kernel``);
- :mod:`.history` rebuilds the conversation from the notebook on disk;
- :mod:`.model` streams one reply from the gateway;
- :mod:`.proposals` turns the reply's code blocks into a new cell for the user to run.
"""

from __future__ import annotations

#: Environment variables the provisioner sets for the kernel process.
ENV_GATEWAY = "ORPHEUS_CLAUDE_GATEWAY_URL"
ENV_TOKEN = "ORPHEUS_CLAUDE_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_MODEL = "ORPHEUS_CLAUDE_MODEL"
ENV_MAX_TOKENS = "ORPHEUS_CLAUDE_MAX_TOKENS"
ENV_TIMEOUT = "ORPHEUS_CLAUDE_TIMEOUT"
ENV_SYSTEM = "ORPHEUS_CLAUDE_SYSTEM"
#: Why the kernel has no token (shown to the user when a cell runs).
ENV_PROBLEM = "ORPHEUS_CLAUDE_PROBLEM"

#: The output metadata key that marks a Claude answer (and what history reads back).
OUTPUT_KEY = "orpheus_claude"
