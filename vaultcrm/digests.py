"""The hash functions, from Python's builtin modules where it has them: hashlib would load OpenSSL
first, a few milliseconds that a `vaultcrm sync` need not spend."""
from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b
try:
    from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # Python 3.11
except ImportError:  # pragma: no cover - 3.12 renamed it
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from hashlib import sha256

__all__ = ["blake2b", "sha256"]
