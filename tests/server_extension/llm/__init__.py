"""The AI features of the server extension against a fake upstream at the gateway's paths."""
