"""Scopes: the three services of §2(2)②③④ plus ``offline_access`` (a refresh token), and the rules
that combine them.

A token's effective services are re-computed on every request (§5(3)②, §7(4)①):
granted ∩ the user's current privileges ∩ the contract's applied services ∩ the bank's linkage scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.bank.contracts import SERVICES

OFFLINE = "offline_access"
APPROVAL = "transfer-approval"
SUPPORTED = (*SERVICES, OFFLINE)


def parse(scope: str | Iterable[str] | None) -> list[str]:
    """Scope values in canonical order, without duplicates (unknown values kept, at the end)."""
    values = scope.split() if isinstance(scope, str) else list(scope or [])
    known = [s for s in SUPPORTED if s in values]
    return known + sorted({v for v in values if v not in SUPPORTED})


def to_str(values: Iterable[str]) -> str:
    return " ".join(parse(list(values)))


def printable(text: str, limit: int = 40) -> str:
    """``text`` cut down to what an RFC 6749 ``error_description`` may carry (%x20-21 / %x23-5B / %x5D-7E)."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in text[:limit])


def problem(scope: str | Iterable[str] | None) -> str | None:
    """Why a requested scope is not acceptable (ASCII, for RFC 6749 error_description), or None."""
    values = parse(scope)
    unknown = [v for v in values if v not in SUPPORTED]
    if unknown:
        return f"unknown scope '{printable(unknown[0])}'; use {', '.join(SUPPORTED)}"
    services = services_of(values)
    if not services:
        return f"request at least one service: {', '.join(SERVICES)}"
    if APPROVAL in services and len(services) > 1:
        return (
            "transfer-approval is issued in a token of its own (terms 2.(2)(4)): request it alone "
            "(optionally with offline_access), and account/transfer in another authorization"
        )
    return None


def services_of(values: Iterable[str]) -> list[str]:
    return [s for s in SERVICES if s in set(values)]


def permitted(user: dict[str, Any], contract: dict[str, Any]) -> list[str]:
    """Services the user may grant now: privileges ∩ applied services ∩ linkage (§5(3)②, §7(4)①)."""
    allowed = set(user["privileges"]) & set(contract["services"]) & set(contract["linkage"])
    return [s for s in SERVICES if s in allowed]


def effective(granted: str | Iterable[str], user: dict[str, Any], contract: dict[str, Any]) -> frozenset[str]:
    """The services a token carries right now; empty when the contract is not active (§7(4)②, §9)."""
    if contract["status"] != "active":
        return frozenset()
    return frozenset(set(services_of(parse(granted))) & set(permitted(user, contract)))
