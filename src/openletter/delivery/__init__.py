"""Delivery packs: the letter and its signatures in one zip file that anyone can check offline.

`build_pack` makes one (``openletter deliver``), `verify_pack` checks one (``openletter verify``).
See docs/signatures.md.
"""

from __future__ import annotations

from .pack import PACK_FORMAT, Pack, build_pack
from .verify import Finding, PackError, Verification, verify_pack

__all__ = ["PACK_FORMAT", "Finding", "Pack", "PackError", "Verification", "build_pack", "verify_pack"]
