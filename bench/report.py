#!/usr/bin/env python3
"""Renders bench/RESULTS.md from the JSON files bench/run leaves in its results
folder: usage report.py RESULTS_DIR COMMAND DATE COMMIT. The hand-written
analysis after the ANALYSIS marker of the current RESULTS.md is kept."""
import json
import os
import sys
from pathlib import Path

MARKER = "<!-- ANALYSIS: everything below this line is kept by bench/run -->"


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def paired(rounds, peer, ours):
    """The median of the rounds' peer/Ward ratios, with the median times."""
    rs = [r for r in rounds or [] if r.get(peer) and r.get(ours)]
    if not rs:
        return None
    return {"ratio": median([r[peer] / r[ours] for r in rs]), "peer_s": median([r[peer] for r in rs]),
            "ward_s": median([r[ours] for r in rs]), "rounds": len(rs)}


def pairs_note(pairs, alone=False):
    """How many alternating pairs a paired median has (older result files have no count)."""
    if not pairs:
        return ""
    return f" ({pairs} pairs)" if alone else f", {pairs} pairs"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def main():
    results, command, date, commit = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    sizes = [s for s in ("S", "M", "L") if (results / f"ward-{s}.json").exists()]
    ward = {s: load(results / f"ward-{s}.json") for s in sizes}
    peers = {s: load(results / f"peers-{s}.json") for s in sizes}
    pairs = {s: load(results / f"pairs-{s}.json") for s in sizes}
    heaps = {s: load(results / f"heap-{s}.json") for s in sizes}
    w5 = load(results / "w5.json")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    out = []
    w = out.append
    w("# Ward benchmark results (issue 6)\n")
    w(f"- Command: `{command.strip()}`")
    w(f"- Date: {date}, commit {commit or '?'}; {os.cpu_count()} cores ({cpu}), shared with other builds, so "
      "absolute times are noisy; ratios are measured in the same run.")
    w("- Estates: `estate-gen --seed 42`; " + ", ".join(
        f"{s} = {ward[s]['bytes'] / 1e6:.2f} MB in {ward[s]['files']} files, {ward[s]['facts']} facts" for s in sizes))
    w("- Timings are medians (ward-bench: `--runs` runs, 4x that for the three-rule and hand-loop runs, and the pairs "
      "timed against a floor go on past that until they have taken half a second, at most 2,000 pairs, as each row says; "
      "peers: 3 runs). "
      "The ratios to `jq -c empty` (W1) and to the sqlite3 queries (W3) are the medians of the rounds (see each row) that alternate "
      "Ward and the peer, so that a busy minute falls on both sides of a ratio; the ratio of the separate medians "
      "is given after it as \"apart\".")
    w("- `ward-bench` sets glibc's malloc up as the `ward` CLI does (`tuneHeap` in `common/heap.hpp`: one arena, no "
      "trimming, blocks up to 32 MiB kept in the heap) before it measures; the \"glibc's heap as it starts\" rows "
      "measure loads without it (`--untuned-heap`, docs/testing.md).\n")

    w("## Workloads\n")
    w("| Workload | Size | Ward | Floor / peer | Ratio | Target | Status |")
    w("|---|---|---|---|---|---|---|")
    for s in sizes:
        b, p = ward[s]["w1"], peers[s]
        parts = b.get('parts', 1)
        w(f"| W1 load | {s} | {b['load_mb_s']:.1f} MB/s ({b['load_s'] * 1e3:.1f} ms, {parts} part{'' if parts == 1 else 's'}"
          f"{pairs_note(b.get('pairs'))}) | simdjson DOM {b['simdjson_mb_s']:.1f} MB/s "
          f"| {b['ratio_to_simdjson']:.3f} of simdjson | >= 0.333 | {verdict(b['ratio_to_simdjson'] >= 1 / 3)} |")
        if 'one_thread_s' in b:
            w(f"| W1 load, one thread (for comparison) | {s} | {ward[s]['bytes'] / 1e6 / b['one_thread_s']:.1f} MB/s "
              f"({b['one_thread_s'] * 1e3:.1f} ms{pairs_note(b.get('one_thread_pairs'))}) | | {b['one_thread_ratio']:.3f} of simdjson | | |")
        hr = [r for r in heaps.get(s) or [] if r.get("tuned_s") and r.get("untuned_s")]
        if hr:
            w(f"| W1 load, glibc's heap as it starts (for comparison) | {s} "
              f"| {median([r['untuned_s'] for r in hr]) * 1e3:.1f} ms, {median([r['untuned_faults'] for r in hr]):.0f} page faults "
              f"a load (`--untuned-heap`) | set up as the ward CLI does, as in every other row: "
              f"{median([r['tuned_s'] for r in hr]) * 1e3:.1f} ms, {median([r['tuned_faults'] for r in hr]):.0f} page faults "
              f"| {median([r['untuned_s'] / r['tuned_s'] for r in hr]):.2f}x the time (median of {len(hr)} alternating "
              f"processes, each the median of 5 loads) | | |")
        cold = b.get('peak_rss_cold_over_input')
        coldNote = f"; first load of the process, with the code it faults in: {cold:.2f}x" if cold is not None else ""
        w(f"| W1 peak RSS | {s} | {b['peak_rss_over_input']:.2f}x input (what a load allocates{coldNote}) | | | <= 2x "
          f"| {verdict(b['peak_rss_over_input'] <= 2)} |")
        pj = paired(pairs[s], "jq_parse_s", "ward_load_s")
        if pj:
            u = f"; apart: {p['jq_parse_s'] / b['load_s']:.1f}x" if p else ""
            w(f"| W1 vs jq | {s} | {pj['ward_s'] * 1e3:.1f} ms | jq parse only (`jq -c empty`) {pj['peer_s'] * 1e3:.0f} ms "
              f"| {pj['ratio']:.1f}x faster (median of {pj['rounds']} alternating rounds{u}) | >= 10x "
              f"| {verdict(pj['ratio'] >= 10)} |")
        elif p:
            r = p["jq_parse_s"] / b["load_s"]
            w(f"| W1 vs jq | {s} | {b['load_s'] * 1e3:.1f} ms | jq parse only (`jq -c empty`) {p['jq_parse_s'] * 1e3:.0f} ms "
              f"| {r:.1f}x faster | >= 10x | {verdict(r >= 10)} |")
    for s in sizes:
        c = ward[s]["w2"]
        floor, ratio = "", ""
        if "grammar_s" in c:
            floor = f"grammar alone (PEGTL, no actions) {c['grammar_s'] * 1e6 / c['rules']:.1f} us/rule"
            ratio = f"{c['over_grammar']:.1f}x the grammar alone"
        w(f"| W2 compile stdlib | {s} | {c['us_per_rule']:.1f} us/rule ({c['rules']} rules, {c['compile_s'] * 1e3:.2f} ms"
          f"{pairs_note(c.get('pairs'))}) "
          f"| {floor} | {ratio} | <= 10 us/rule | {verdict(c['us_per_rule'] <= 10)} |")
    for s in sizes:
        e, p = ward[s]["w3"], peers[s]
        w(f"| W3 all rules | {s} | {e['all_s'] * 1e3:.2f} ms, {e['ns_per_rule_candidate']:.1f} ns/(rule x candidate) "
          f"({e['all_candidates']} rule x candidates, {e['findings']} findings) | | | | |")
        w(f"| W3 three rules vs hand loop | {s} | {e['three_s'] * 1e6:.1f} us{pairs_note(e.get('pairs'), True)} "
          f"| hand loop {e['hand_s'] * 1e6:.1f} us "
          f"| {e['three_over_hand']:.1f}x slower | <= 5x | {verdict(e['three_over_hand'] <= 5)} |")
        ps = paired(pairs[s], "sqlite_query_s", "ward_three_s")
        if ps:
            u = f"; apart: {p['sqlite_query_s'] / e['three_s']:.1f}x" if p else ""
            imp = f" (import {p['sqlite_import_s'] * 1e3:.0f} ms)" if p else ""
            w(f"| W3 vs sqlite3 (pre-imported) | {s} | {ps['ward_s'] * 1e6:.1f} us | queries {ps['peer_s'] * 1e3:.2f} ms{imp} "
              f"| {ps['ratio']:.1f}x faster (median of {ps['rounds']} alternating rounds{u}) | >= 10x "
              f"| {verdict(ps['ratio'] >= 10)} |")
        elif p:
            rs = p["sqlite_query_s"] / e["three_s"]
            w(f"| W3 vs sqlite3 (pre-imported) | {s} | {e['three_s'] * 1e6:.1f} us | queries {p['sqlite_query_s'] * 1e3:.2f} ms "
              f"(import {p['sqlite_import_s'] * 1e3:.0f} ms) | {rs:.1f}x faster | >= 10x | {verdict(rs >= 10)} |")
        if p:
            rj = p["jq_full_s"] / e["three_s"]
            rje = p["jq_full_s"] / (e["three_s"] + ward[s]["w1"]["load_s"])
            w(f"| W3 vs jq | {s} | {e['three_s'] * 1e6:.1f} us (load + eval {(e['three_s'] + ward[s]['w1']['load_s']) * 1e3:.1f} ms) "
              f"| jq program {p['jq_full_s'] * 1e3:.0f} ms | {rj:.0f}x faster (end to end {rje:.1f}x) | >= 50x | {verdict(rj >= 50)} |")
    scaling = load(results / "scaling.json") if (results / "scaling.json").exists() else None
    if scaling:
        # Both fact bases in one process, evaluated in alternating pairs.
        g = scaling["ratio"]
        w(f"| W3 M -> L | M, L | {g:.1f}x time (facts {scaling['facts_ratio']:.1f}x; median of {scaling['runs']} "
          f"paired runs in one process: M {scaling['small_s'] * 1e3:.1f} ms, L {scaling['large_s'] * 1e3:.1f} ms) "
          f"| | | <= 11x | {verdict(g <= 11)} |")
    elif "M" in ward and "L" in ward:
        g = ward["L"]["w3"]["all_s"] / ward["M"]["w3"]["all_s"]
        w(f"| W3 M -> L | M, L | {g:.1f}x time (facts {ward['L']['facts'] / ward['M']['facts']:.1f}x) | | | <= 11x | {verdict(g <= 11)} |")
    else:
        w("| W3 M -> L | | not measured (run with `--large`) | | | <= 11x | not measured |")
    # W4 does not depend on the estate (one group, one rule): each size's
    # run measures it again, and the figure is the median of those runs.
    w4 = sorted((ward[s]["w4"] for s in sizes), key=lambda x: x["ns_per_call"])
    f4 = w4[len(w4) // 2]
    runs4 = ", ".join(f"{x['ns_per_call']:.0f}" for x in w4)
    allocs4 = max(x["allocs_per_call"] for x in w4)
    w(f"| W4 one rule, one resource | 1 group | {f4['ns_per_call']:.0f} ns/call (median of {runs4}), {allocs4:.1f} "
      f"allocations/call | | | <= 100 ns, 0 allocations | {verdict(f4['ns_per_call'] <= 100 and allocs4 == 0)} |")
    if w5:
        w(f"| W5 `ward check` cold start | M | {w5['w5_s'] * 1e3:.0f} ms ({w5['tool']}) | | | <= 150 ms | {verdict(w5['w5_s'] <= 0.150)} |")
    for s in sizes:
        q = ward[s].get("w5warm")
        if q:
            w(f"| W5 warm query (embedding API) | {s} | {q['query_s'] * 1e6:.1f} us prepared, "
              f"{q['prepare_query_s'] * 1e6:.1f} us prepare + run ({'agrees' if q['agrees'] else '**DISAGREES**'} "
              f"with the VM) | | | | |")
    for s in sizes:
        r6 = ward[s]["w6"]
        w(f"| W6 ReachEngine::trace | {s} | {r6['traces_per_s']:.0f} traces/s ({r6['queries']} queries, {r6['errors']} errors) | | | | |")

    w("\n## Agreement with expected.json (ids must match exactly)\n")
    w("The last column compares a load forced onto two threads with a one-thread load: the stored facts, "
      "every interned string in order and the warnings must be identical.\n")
    w("| Size | ward VM (library) | ward CLI JSON | hand loop | jq | sqlite3 | two-thread load = one-thread load |")
    w("|---|---|---|---|---|---|---|")
    yn = lambda v: "agree" if v else "**DISAGREE**"
    for s in sizes:
        e, p = ward[s]["w3"], peers[s] or {}
        w(f"| {s} | {yn(e['vm_agrees'])} | {yn(p.get('ward_cli_agrees'))} | {yn(e['hand_agrees'])} "
          f"| {yn(p.get('jq_agrees'))} | {yn(p.get('sqlite_agrees'))} "
          f"| {yn(ward[s]['w1'].get('parallel_agrees'))} |")

    cg = {k: load(results / f"cg-{k}.json") for k in ("load", "eval", "compile", "grammar")}
    if any(cg.values()):
        w("\n## Callgrind, size S (one run of the workload, `--toggle-collect` on the workload's entry point)\n")
        for k, label in (("load", "W1 loadFacts (one thread)"), ("eval", "W3 evaluate (whole stdlib)")):
            if cg[k]:
                w(f"- {label}: {cg[k]['instructions']:,} instructions, {cg[k]['per_fact']:.0f} per fact ({cg[k]['facts']} facts)")
        if cg["compile"]:
            c = cg["compile"]
            w(f"- W2 compile the stdlib (`compileStdlibAgain`, freeing the result included): {c['instructions']:,} "
              f"instructions, {c['per_rule']:,.0f} per rule ({c['rules']} rules), {c['allocations']:,} calls to operator new")
        if cg["grammar"]:
            c = cg["grammar"]
            w(f"- W2's floor, the grammar alone over the same text (`recogniseStdlib`): {c['instructions']:,} "
              f"instructions, {c['per_rule']:,.0f} per rule")
        for k in ("load", "eval", "compile"):
            top = results / f"cg-{k}.top"
            if top.exists() and top.read_text().strip():
                w(f"\nTop functions, {k} (self instructions, callgrind_annotate):\n")
                w("```")
                w(top.read_text().rstrip())
                w("```")

    w("\n## Raw results\n")
    w("```json")
    w(json.dumps({"ward": ward, "peers": peers, "pairs": pairs, "w5": w5, "callgrind": cg}, indent=1))
    w("```\n")
    old = Path("bench/RESULTS.md")
    w(MARKER)
    if old.exists() and MARKER in old.read_text():
        w(old.read_text().split(MARKER, 1)[1].lstrip("\n").rstrip() + "\n")
    else:
        w("\n## Analysis\n\n(to be written)\n")
    print("\n".join(out))


main()
