"""REST handlers of the AI features, one module per resource."""
