"""web21-sandbox: an unofficial local sandbox of a Japanese corporate bank's server-connection API."""

__version__ = "0.1.0"

from sandbox.app import create_app  # noqa: E402

__all__ = ["__version__", "create_app"]
