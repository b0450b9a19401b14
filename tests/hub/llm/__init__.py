"""The LLM gateway end to end: a real hub, the real service, real SDKs and CLI, fake upstreams."""
