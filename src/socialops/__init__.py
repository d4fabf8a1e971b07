"""socialops: self-hosted, Korean-first social media marketing planning and operations."""

__version__ = "0.1.0"
__all__ = ["__version__"]
