"""The ``llm`` hub service: the operator's model keys stay here; users call through it.

Run by the hub as ``[sys.executable, "-m", "orpheus_hub.llm"]`` at ``/services/llm/``.
"""
