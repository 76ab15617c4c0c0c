"""respite_core: the kernel every Respite service imports."""

__version__ = "0.1.0"  # the platform version; equal to pyproject's (a test checks)
