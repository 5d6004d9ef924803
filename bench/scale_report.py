"""bench/scale.py's tables: every case against its own limit and Datasette, and the budgets."""

from datetime import UTC, datetime

# The budgets at 1,000,000 events on a 2-core machine.
PAGE_P50_MS = {"sqlite": 6.0, "postgres": 15.0}
PAGE_RPS = 300
# Share of its own limit's req/s a filtered page must reach, by the case's name.
LIMIT_SHARE = 0.70
NEAR_LIMIT = ("one actor", "governorate", "bbox", "text search", "alliance")
TAIL = 3.0  # p99 at most this many times p50.
REFERENCE_MS = 50.0
HISTOGRAM_MS = 200.0
CSV_ROWS_PER_S = 50_000
ADMIN_MS = {"sqlite": 60.0, "postgres": 150.0}


def figure(result: dict | None) -> tuple[str, str]:
    if not result:
        return "", ""
    return f"{result['p50']:.1f} / {result['p99']:.1f}", f"{result['rps']:,.0f}"


def page_verdict(case, db: str) -> str:
    """Which page targets apply to this case, and which it misses (named)."""
    mine, limit = case.result.get("project"), case.result.get("limit")
    missed, notes = [], []
    if limit and case.name.startswith(NEAR_LIMIT) and mine["rps"] < LIMIT_SHARE * limit["rps"]:
        missed.append(f"< {LIMIT_SHARE:.0%} of limit")
    if db == "sqlite":
        reachable = limit and limit["rps"] >= PAGE_RPS and limit["p50"] <= PAGE_P50_MS[db]
        if not limit:
            notes.append("no limit for this case")
        elif not reachable:
            notes.append(f"{PAGE_RPS} req/s bar n/a: the limit misses it")
        elif mine["rps"] < PAGE_RPS or mine["p50"] > PAGE_P50_MS[db]:
            missed.append(f"< {PAGE_RPS} req/s or p50 > {PAGE_P50_MS[db]:g} ms")
    elif mine["p50"] > PAGE_P50_MS[db]:
        missed.append(f"p50 > {PAGE_P50_MS[db]:g} ms")
    if mine["p99"] > TAIL * mine["p50"]:
        missed.append(f"p99 > {TAIL:g}x p50")
    verdict = "ok" if not missed else "MISSED: " + "; ".join(missed)
    return "; ".join([verdict, *notes])


def print_report(args, cases, export, before, after, *, with_peer: bool) -> None:
    db = args.database
    name = "SQLite" if db == "sqlite" else "PostgreSQL"
    print()
    print(
        f"## {args.events:,} events on {name}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"(gunicorn, 2 sync workers each; wrk -c {args.connections}, {args.seconds:g} s a run, "
        f"median of {args.repeat} interleaved runs)"
    )
    print()
    print(
        "| case | project p50 / p99 ms | req/s | limit p50 / p99 ms | req/s "
        "| project / limit req/s | Datasette p50 / p99 ms | req/s | cached req/s | same page "
        "| targets |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for case in cases:
        if case.kind != "page" or "project" not in case.result:
            continue
        r = case.result
        ratio = f"{r['project']['rps'] / r['limit']['rps']:.0%}" if "limit" in r else ""
        peer = figure(r.get("datasette")) if with_peer else ("n/a", "")
        print(
            f"| {case.name} | {' | '.join(figure(r['project']))} "
            f"| {' | '.join(figure(r.get('limit'))) if 'limit' in r else ' | '} | {ratio} "
            f"| {' | '.join(peer)} | {figure(r.get('cached'))[1]} | {r.get('same', '')} "
            f"| {page_verdict(case, db)} |"
        )
    waits = [
        f"{contender} after {case.name} {result['settle']:.1f} s"
        for case in cases
        for contender, result in case.result.items()
        if isinstance(result, dict) and result.get("settle", 0) >= 0.5
    ]
    if waits:
        print()
        print(
            "Servers still busy after wrk stopped (the longest wait before the next run): "
            + "; ".join(waits)
        )
    print()
    print(f"Reference endpoints (budget p50 ≤ {REFERENCE_MS:g} ms, p99 ≤ {TAIL:g}x p50):")
    print()
    print("| endpoint | p50 / p99 ms | req/s | |")
    print("|---|---:|---:|---|")
    for case in cases:
        if case.kind == "reference" and "project" in case.result:
            mine = case.result["project"]
            met = mine["p50"] <= REFERENCE_MS
            tail = mine["p99"] <= TAIL * mine["p50"]
            verdict = (
                "ok"
                if met and tail
                else "MISSED" + ("" if met else " p50") + ("" if tail else " tail")
            )
            print(f"| `{case.path}` | {' | '.join(figure(mine))} | {verdict} |")
    print()
    print("Sequential requests at 1 connection (p50 / p95 ms):")
    print()
    print("| case | p50 ms | p95 ms | budget | |")
    print("|---|---:|---:|---|---|")
    for case in cases:
        if case.kind not in ("histogram", "admin") or "p50" not in case.result:
            continue
        budget = HISTOGRAM_MS if case.kind == "histogram" else ADMIN_MS[db]
        met = "ok" if case.result["p50"] <= budget else "MISSED"
        print(
            f"| {case.name} | {case.result['p50']:.1f} | {case.result['p95']:.1f} "
            f"| ≤ {budget:g} ms | {met} |"
        )
    if export:
        met = export["rows_per_s"] >= CSV_ROWS_PER_S
        print(
            f"| CSV export, everything published: {export['rows']:,} rows, {export['mb']:.0f} MB "
            f"in {export['seconds']:.1f} s | | {export['rows_per_s']:,.0f} rows/s "
            f"| ≥ {CSV_ROWS_PER_S:,} rows/s | {'ok' if met else 'MISSED'} |"
        )
        print()
        print(
            f"CSV export memory (anonymous RSS of the larger worker): {before / 1024:.0f} MB "
            f"before, {after / 1024:.0f} MB at the peak during the export."
        )
    print()
    print(
        f"Reproduce: .venv/bin/python bench/scale.py --events {args.events} --database {db} "
        f"--seconds {args.seconds:g} --repeat {args.repeat} --connections {args.connections}"
        + (" --no-peer" if args.no_peer else "")
        + (" --no-export" if args.no_export else "")
    )
