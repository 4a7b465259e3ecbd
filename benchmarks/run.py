"""``make bench``: seed, start both servers, measure every figure, print the table (and ``--json FILE``).

python -m benchmarks.run                     # everything, a few minutes
python -m benchmarks.run --seconds 2 --rounds 1 --json bench.json
python -m benchmarks.run --generator python  # the Python load generator even when wrk is installed
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import (
    api,
    bulk,
    fairness,
    figures,
    load,
    local,
    notifications,
    peer,
    report,
    resets,
    scale,
    servers,
    va,
)
from benchmarks.report import Figure


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", help="Also write the figures as JSON to FILE.")
    parser.add_argument("--seconds", type=float, default=4, help="Length of one load run (default 4).")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds per HTTP figure (default 2).")
    parser.add_argument("--connections", type=int, default=16, help="Keep-alive connections (default 16).")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--starts", type=int, default=3, help="Server starts timed (default 3).")
    parser.add_argument("--keep", metavar="DIR", help="Work in DIR and keep the databases.")
    parser.add_argument("--no-peer", action="store_true", help="Skip the Prism mock column.")
    args = parser.parse_args(argv)
    if args.generator == "auto":
        args.generator = "wrk" if load.wrk_available() else "python"
    if args.generator == "wrk" and not load.wrk_available():
        parser.error("wrk is not installed (Debian: apt-get install wrk); use --generator python")
    return args


class Bench:
    """One benchmark run in a private directory: the figures, in the order they are measured."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.figures: list[Figure] = []
        self.seeded = work / "seeded.db"
        self.peer: peer.Peer | None = None
        self.peer_info = "skipped (--no-peer)" if args.no_peer else "not started"

    def say(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def run(self) -> list[Figure]:
        self.say("seeding the bench world")
        self.figures.append(local.seed(self.seeded))
        self.say("moving a clock one year")
        self.figures.append(local.clock_year(self.seeded, self.work / "clock.db"))
        self.say("a month of a 1,000-VA contract's payments, by one clock move")
        self.figures.append(va.month_of_payments(self.seeded, self.work / "va.db"))
        self.say("fresh contracts and demo resets")
        self.figures.append(resets.fresh_contract(self.work / "contracts.db"))
        self.figures.append(resets.demo_reset(self.work / "reset.db"))
        self.say("notifications delivered to a receiver on loopback")
        self.figures.append(notifications.delivered_per_second(self.seeded, self.work / "notify.db"))
        served, base_db = self.work / "served.db", self.work / "baseline.db"
        shutil.copyfile(self.seeded, served)
        shutil.copyfile(self.seeded, base_db)
        for db in (served, base_db):  # both sides read the same 500-line page
            local.pad_statement(db, api.TRANSACTIONS, local.PAGE + 1)
        starts: list[float] = []
        sandbox = servers.start(
            "sandbox", servers.sandbox_command(served, servers.free_port()), self.work / "sandbox.log"
        )
        starts.append(sandbox.started_in)
        baseline = servers.start(
            "baseline", servers.baseline_command(base_db, servers.free_port()), self.work / "baseline.log"
        )
        if not self.args.no_peer:
            self.say("starting the peer (Prism's mock of /openapi.json)")
            self.peer, self.peer_info = peer.start(sandbox.port, self.work)
            self.say(f"peer: {self.peer_info}")
        try:
            self.http_figures(sandbox, baseline, served)
            self.figures.append(memory(sandbox, baseline))  # before the bulk request's 4 MB body
            self.say("a 9,999-item bulk transfer: request, then the clock move executing it")
            self.figures.extend(bulk.figures(api.Client(sandbox.port), served))
            self.say(f"{scale.PARTICIPANTS} workshop participants at once, another tenant reading")
            self.figures.append(scale.workshop(sandbox.port, served, self.args.seconds, self.args.generator))
            self.say("slow clients, then one participant's held requests beside another's reads")
            self.figures.append(fairness.slow_clients(sandbox.port, self.load))
            self.figures.append(fairness.fairness(api.Client(sandbox.port), self.load))
        finally:
            sandbox.stop()
            baseline.stop()
            if self.peer:
                self.peer.stop()
        for _ in range(self.args.starts - 1):
            again = servers.start(
                "sandbox", servers.sandbox_command(served, servers.free_port()), self.work / "sandbox.log"
            )
            starts.append(again.started_in)
            again.stop()
        self.figures.append(start_figure(starts))
        return self.figures

    def http_figures(self, sandbox: servers.Server, baseline: servers.Server, served: Path) -> None:
        ceilings = api.baseline_jobs(baseline.port, self.seeded, figures.statement_dates())
        self.say(f"warming up ({self.args.generator})")
        for job in (*ceilings.values(), api.healthz_job(sandbox.port)):
            load.run(job, connections=self.args.connections, seconds=1, generator=self.args.generator)
        for spec in figures.all_specs(sandbox, served, self.args.connections, self.args.seconds):
            self.say(f"loading {spec.label}")
            self.figures.append(self.alternate(spec, ceilings[spec.ceiling]))

    def alternate(self, spec: api.Spec, base_job: load.Job) -> Figure:
        """Run the sandbox job and its own baseline job A B A B…; the figure is the medians and their ratio."""
        if spec.job is None:
            return report.missing(spec.key, spec.label, "req/s", spec.why)
        ours, theirs = [], []
        for _ in range(self.args.rounds):
            job = spec.next_job()
            ours.append(self.load(job))
            theirs.append(self.load(base_job))
        mine, ceiling = report.median_runs(ours), report.median_runs(theirs)
        figure = Figure(
            spec.key,
            spec.label,
            mine["rps"],
            "req/s",
            baseline=ceiling["rps"],
            target=spec.target,
            ceiling=api.CEILINGS[spec.ceiling],
            detail={"sandbox": mine, "baseline": ceiling, "connections": self.args.connections},
        )
        spec.finish(figure, ours)
        if self.peer:
            self.beside_peer(figure, job)
        return figure

    def beside_peer(self, figure: Figure, job: load.Job) -> None:
        """The same request to Prism, as many rounds; reads should be ≥ 2× the mock, writes ≥ 1×."""
        assert self.peer is not None
        runs = [self.load(peer.job_for(job, self.peer)) for _ in range(self.args.rounds)]
        mock = report.median_runs(runs)
        figure.peer = mock["rps"]
        figure.peer_target = peer.READ_TARGET if peer.is_read(job) else peer.WRITE_TARGET
        figure.detail["peer"] = mock

    def load(self, job: load.Job) -> load.LoadResult:
        return load.run(
            job, connections=self.args.connections, seconds=self.args.seconds, generator=self.args.generator
        )


def memory(sandbox: servers.Server, baseline: servers.Server) -> Figure:
    """Peak resident memory (VmHWM) of each gunicorn worker, after every load run."""
    ours, theirs = sandbox.peak_rss_kib(), baseline.peak_rss_kib()
    return Figure(
        "peakRss",
        "peak RSS per worker (max)",
        max(ours) / 1024 if ours else None,
        "MiB",
        baseline=max(theirs) / 1024 if theirs else None,
        target="<= 55 MiB",
        met=bool(ours) and max(ours) / 1024 <= 55,
        detail={"sandboxWorkersKiB": ours, "baselineWorkersKiB": theirs},
        note="" if ours else "no worker found",
    )


def start_figure(samples: list[float]) -> Figure:
    value = statistics.median(samples)
    return Figure(
        "start",
        "server start to first 200 (median)",
        value,
        "s",
        target="<= 0.6 s",
        met=value <= 0.6,
        detail={"samples": [round(s, 3) for s in samples]},
        note="spawn of `python -m sandbox serve` on the seeded bench file to the first 200 from /healthz",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = {**report.machine(), "generator": args.generator, "connections": args.connections}
    bench: Bench
    if info["loadAverageAtStart"][0] > 0.5 * (info["cores"] or 1):
        print(
            f"bench: warning: the machine is busy (load {info['loadAverageAtStart']}): figures will be low",
            file=sys.stderr,
        )
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        bench = Bench(args, work)
        figures = bench.run()
    else:
        with tempfile.TemporaryDirectory(prefix="web21-bench-") as tmp:
            bench = Bench(args, Path(tmp))
            figures = bench.run()
    info["peer"] = bench.peer_info
    info["loadAverageAtEnd"] = [round(x, 2) for x in os.getloadavg()]
    print(report.table(figures, info))
    if args.json:
        report.write_json(args.json, figures, info)
        print(f"figures written to {args.json}")
    return 0  # targets are goals for the benchmark, not a pass/fail test


if __name__ == "__main__":
    sys.exit(main())
