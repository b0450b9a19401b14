"""Real-process test harness: a real JupyterHub with its real proxy and user servers."""
