"""The dwangsom bij niet tijdig beslissen (Awb 4:17-4:20), computed from a case's dates.

After the beslistermijn has passed the resident may give written notice (ingebrekestelling).
Two weeks after the later of the day the term passed and the day the notice was received,
the dwangsom starts to run: a fixed amount per day, in steps of 14 days, for at most 42 days,
until the besluit is sent. The Atw does not apply to those days (Awb 4:17 lid 1). Whether the
grounds of lid 6 (notice unreasonably late, not a belanghebbende, clearly niet-ontvankelijk)
apply is the beslisser's judgement, not this computation's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Tarief:
    """Amounts per day, one per step of ``dagen_per_stap`` days (Awb 4:17 lid 2)."""

    bedragen: tuple[float, ...] = (23.0, 35.0, 45.0)
    dagen_per_stap: int = 14

    @property
    def max_dagen(self) -> int:
        return self.dagen_per_stap * len(self.bedragen)

    @classmethod
    def from_config(cls, entry: dict | None) -> "Tarief":
        entry = entry or {}
        bedragen = tuple(float(b) for b in entry.get("bedragen_per_dag", cls.bedragen))
        stap = int(entry.get("dagen_per_stap", cls.dagen_per_stap))
        if not bedragen or stap < 1 or any(b < 0 for b in bedragen):
            raise ValueError("[dwangsom] bedragen_per_dag en dagen_per_stap moeten positief zijn")
        return cls(bedragen, stap)


def compute(termijn_einde: date, ingebrekestelling: date | None, besluit_op: date | None, today: date,
            tarief: Tarief = Tarief()) -> dict | None:
    """Return the dwangsom as the dossier shows it, or None when no ingebrekestelling counts."""
    if ingebrekestelling is None or ingebrekestelling <= termijn_einde:
        return None  # no notice, or a notice before the term had passed: it does not count
    eerste_dag = max(termijn_einde, ingebrekestelling) + timedelta(days=15)  # after two full weeks
    laatste = min(today, besluit_op - timedelta(days=1)) if besluit_op else today
    dagen = max(0, min(tarief.max_dagen, (laatste - eerste_dag).days + 1))
    bedrag = sum(tarief.bedragen[min(i // tarief.dagen_per_stap, len(tarief.bedragen) - 1)] for i in range(dagen))
    if dagen == 0:
        status = "nog_niet" if besluit_op is None or besluit_op > eerste_dag else "niet_verschuldigd"
    elif dagen == tarief.max_dagen:
        status = "maximum"
    elif besluit_op is not None and besluit_op <= today:
        status = "gestopt"
    else:
        status = "loopt"
    return {
        "ingebrekestelling_ontvangen_op": ingebrekestelling.isoformat(),
        "loopt_vanaf": eerste_dag.isoformat(),
        "dagen": dagen,
        "bedrag": round(bedrag, 2),
        "maximum": round(sum(tarief.bedragen) * tarief.dagen_per_stap, 2),
        "status": status,
    }
