"""``python -m orpheus.claude_kernel -f <connection file>``: the kernelspec's command."""

from __future__ import annotations

from ipykernel.kernelapp import IPKernelApp

from .kernel import ClaudeKernel


def main() -> None:
    """Run the Claude kernel (ipykernel's application, with the Claude kernel class)."""
    IPKernelApp.launch_instance(kernel_class=ClaudeKernel)


if __name__ == "__main__":
    main()
