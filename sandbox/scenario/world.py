"""The steps that change the bank's world through the control API: clock, settings, deposits, fault
rules and incidents. Each returns the line the live progress shows."""

from __future__ import annotations

import json
from typing import Any

from sandbox import clock
from sandbox.scenario.setup import Stage, account_for
from sandbox.scenario.target import Sandbox


class World:
    """One run's contract, changed step by step; remembers the fault rules it added, to remove them."""

    def __init__(self, sandbox: Sandbox, stage: Stage) -> None:
        self.sandbox, self.stage = sandbox, stage
        self.contract = f"/contracts/{stage.contract_id}"
        self.faults: list[int] = []
        self.incidents: list[int] = []

    def clock(self, body: dict[str, Any]) -> str:
        if "advance" in body:
            by = f"{int(body['advance'].total_seconds())}s"
            view = self.sandbox.call("POST", f"{self.contract}/clock/advance", {"by": by})
        elif "set" in body:
            view = self.sandbox.call(
                "POST", f"{self.contract}/clock/advance", {"to": clock.to_api(body["set"])}
            )
        else:
            mode = "frozen" if body.get("freeze") else "running"
            view = self.sandbox.call("PUT", f"{self.contract}/clock", {"mode": mode})
        return f"contract clock: {view['now']} ({view['mode']}, {view.get('eventsRun', 0)} events run)"

    def settings(self, body: dict[str, Any]) -> str:
        self.sandbox.call("PATCH", f"{self.contract}/settings", body)
        return "settings: " + ", ".join(f"{k}={v}" for k, v in body.items())

    def deposit(self, body: dict[str, Any]) -> str:
        deposit = {"accountId": account_for(self.stage, body.get("account")), "amount": body["amount"]}
        deposit |= {"remitterName": body["remitter"]} if body.get("remitter") else {}
        deposit |= {"edi": body["edi"]} if body.get("edi") else {}
        done = self.sandbox.call("POST", f"{self.contract}/deposits", deposit)
        return f"deposited {done['amount']} yen to {done['accountId']}; balance {done['balance']}"

    def fault(self, body: dict[str, Any]) -> str:
        rule = {**body, "match": {**(body.get("match") or {}), "contractId": self.stage.contract_id}}
        made = self.sandbox.call("POST", "/faults", rule)
        self.faults.append(made["faultId"])
        return f"fault rule #{made['faultId']} in force"

    def clear_faults(self, body: Any) -> str:
        gone = self.sandbox.call("DELETE", "/faults", params={"contractId": self.stage.contract_id})
        self.faults.clear()
        return f"{gone.get('deleted', 0)} fault rule(s) removed"

    def incident(self, body: dict[str, Any]) -> str:
        made = self.sandbox.call("POST", f"{self.contract}/incidents", body)
        if made.get("incidentId") is not None:
            self.incidents.append(made["incidentId"])
        result = json.dumps(made.get("result") or {}, ensure_ascii=False)
        return f"incident #{made.get('incidentId')} {made.get('type')}: {made.get('status')} {result}"

    def note(self, body: str) -> str:
        return body

    def undo_faults(self) -> None:
        """Remove the rules this run added (an existing contract outlives the run)."""
        for fault_id in self.faults:
            try:
                self.sandbox.call("DELETE", f"/faults/{fault_id}")
            except Exception:  # noqa: BLE001 - already gone: nothing to undo
                continue

    def end_incidents(self) -> None:
        """End the incidents this run started that are still scheduled or in force (a window open)."""
        for incident_id in self.incidents:
            found = self.sandbox.call("GET", f"{self.contract}/incidents/{incident_id}")
            if found.get("status") in ("scheduled", "active"):
                self.sandbox.call("DELETE", f"{self.contract}/incidents/{incident_id}")


STEPS = ("clock", "settings", "deposit", "fault", "clear_faults", "incident", "note")
