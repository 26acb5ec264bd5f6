#!/usr/bin/python3
"""Turn bench/run's results.txt into the markdown report.

    report.py RESULTS [--out DIR] [--doc docs/performance.md]

Prints the report (environment, the side-by-side table, fleet details, the
profile) and, with --doc, puts it between the markers
<!-- bench/run:begin --> and <!-- bench/run:end --> of that file (the text
around them is kept; a missing file or missing markers get a skeleton).
"""
import os
import re
import sys

BEGIN = "<!-- bench/run:begin -->"
END = "<!-- bench/run:end -->"


def load_results(path):
    r = {}
    for line in open(path):
        line = line.rstrip("\n")
        if not line:
            continue
        k, _, v = line.partition(" ")
        r[k] = v
    return r


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v, nd=0):
    x = num(v)
    if x is None:
        return v if v else "n/a"
    if nd == 0:
        return "{:,.0f}".format(x).replace(",", " ")
    return "{:.{}f}".format(x, nd)


def ratio(a, b):
    a, b = num(a), num(b)
    if a is None or b is None or b == 0:
        return "n/a"
    return "{:.2f}x".format(a / b)


def main(argv):
    res_path = argv[1]
    out_dir = None
    doc = None
    i = 2
    while i < len(argv):
        if argv[i] == "--out":
            out_dir = argv[i + 1]
            i += 2
        elif argv[i] == "--doc":
            doc = argv[i + 1]
            i += 2
        else:
            sys.exit("report.py: unknown argument " + argv[i])
    R = load_results(res_path)
    g = R.get
    L = []
    L.append("### Run")
    L.append("")
    L.append("- Date: %s; ghostbmc %s." % (g("run.date", "?"), g("run.build", "?")))
    L.append("- Machine: %s, %s cores, %s RAM, kernel %s, %s (virtualisation: %s)." % (
        g("machine.cpu", "?"), g("machine.cores", "?"), g("machine.mem", "?"), g("machine.kernel", "?"),
        g("machine.os", "?"), g("machine.virt", "?")))
    L.append("- Versions: %s." % g("run.versions", "?"))
    if g("run.background"):
        L.append("- Other work on the machine: %s." % g("run.background"))
    L.append("- Command (from the project root): `%s`" % g("run.command", "bench/run"))
    L.append("- Parameters: %s." % g("run.params", "?"))
    L.append("")

    rows = []

    def row(metric, a, b, rat=None, target="", met=""):
        rows.append((metric, a, b, rat if rat is not None else ratio(num_of(a), num_of(b)), target, met))

    def num_of(cell):
        if cell is None:
            return None
        m = re.match(r"^[0-9 ]+(\.[0-9]+)?", cell)
        return m.group(0).replace(" ", "") if m else None

    def yn(ok):
        if ok is None:
            return "n/a"
        return "**yes**" if ok else "**no**"

    # throughput
    for c in ("3", "17"):
        for k in ("1", "4"):
            key = "sensor_k%s_c%s" % (k, c)
            gr, sr = g("gb.%s.rate" % key), g("sim.%s.rate" % key)
            if gr is None and sr is None:
                continue
            sim_na = "n/a (no suite 17)" if c == "17" else None
            row("Get Sensor Reading, %s session%s, cipher %s: req/s" % (k, "s" if k != "1" else "", c),
                fmt(gr), sim_na or fmt(sr))
            row("&nbsp;&nbsp;latency p50 (us)", fmt(g("gb.%s.p50_us" % key), 1),
                sim_na or fmt(g("sim.%s.p50_us" % key), 1))
            p99 = num(g("gb.%s.p99_us" % key))
            if k == "4":
                row("&nbsp;&nbsp;latency p99 (us)", fmt(g("gb.%s.p99_us" % key), 1),
                    sim_na or fmt(g("sim.%s.p99_us" % key), 1), None, "< 1000 us",
                    yn(None if p99 is None else p99 < 1000))
            else:
                row("&nbsp;&nbsp;latency p99 (us)", fmt(g("gb.%s.p99_us" % key), 1),
                    sim_na or fmt(g("sim.%s.p99_us" % key), 1))
    sim_core3 = g("sim.sensor_c3.per_core")
    for c in ("3", "17"):
        gc = g("gb.sensor_c%s.cpu_ms_per_1000" % c)
        if gc is None:
            continue
        sim_na = "n/a (no suite 17)" if c == "17" else None
        row("Daemon CPU per 1000 Get Sensor Reading, cipher %s (ms)" % c, fmt(gc, 2),
            sim_na or fmt(g("sim.sensor_c%s.cpu_ms_per_1000" % c), 2))
        gp = g("gb.sensor_c%s.per_core" % c)
        rr = num(gp) / num(sim_core3) if num(gp) and num(sim_core3) else None
        if c == "3":
            row("Throughput per core, cipher 3 (req per daemon CPU-second)", fmt(gp), fmt(sim_core3),
                None, ">= 5x ipmi_sim", yn(None if rr is None else rr >= 5))
        else:
            row("Throughput per core, cipher 17 (req per daemon CPU-second)", fmt(gp),
                "n/a (suite 3: %s)" % fmt(sim_core3),
                "%.2fx (vs suite 3)" % rr if rr else "n/a", ">= 5x ipmi_sim (its suite 3)",
                yn(None if rr is None else rr >= 5))
    # sessions
    for c in ("3", "17"):
        for k in ("1", "4"):
            key = "sessions_k%s_c%s" % (k, c)
            if g("gb.%s.rate" % key) is None:
                continue
            sim_na = "n/a (no suite 17)" if c == "17" else None
            row("Session establishments/s, %s worker%s, cipher %s" % (k, "s" if k != "1" else "", c),
                fmt(g("gb.%s.rate" % key)), sim_na or fmt(g("sim.%s.rate" % key)))
            row("&nbsp;&nbsp;open p50 / p99 (us)",
                "%s / %s" % (fmt(g("gb.%s.p50_us" % key)), fmt(g("gb.%s.p99_us" % key))),
                sim_na or "%s / %s" % (fmt(g("sim.%s.p50_us" % key)), fmt(g("sim.%s.p99_us" % key))),
                ratio(g("gb.%s.p50_us" % key), g("sim.%s.p50_us" % key)) + " (p50)")
            row("&nbsp;&nbsp;daemon CPU per 1000 sessions (ms)", fmt(g("gb.%s.cpu_ms_per_1000" % key), 1),
                sim_na or fmt(g("sim.%s.cpu_ms_per_1000" % key), 1))
    row("RSS, one idle instance serving the fixture (KiB)", fmt(g("gb.rss_idle_kib")), fmt(g("sim.rss_idle_kib")))
    row("RSS after the load (KiB)", fmt(g("gb.rss_after_load_kib")), fmt(g("sim.rss_after_load_kib")))

    # fleets
    sizes = (g("fleet.sizes") or "").split()
    sim_sizes = (g("fleet.sim_sizes") or "").split()
    sim_biggest = None
    for n in sim_sizes:
        if num(g("sim.fleet%s.rss_kib" % n)):
            sim_biggest = n
    gb_fleet_na = g("gb.fleet")
    base1 = num(g("gb.fleet1.rss_kib"))
    for n in sizes:
        nn = int(n)
        gr = num(g("gb.fleet%s.rss_kib" % n))
        if gb_fleet_na:
            gcell = gb_fleet_na
        elif gr is None:
            gcell = "n/a (%s)" % (g("gb.fleet%s.note" % n) or "not measured")
        else:
            gcell = "%.1f" % (gr / nn)
            if base1 and nn > 1:
                gcell += " (marginal %.1f)" % ((gr - base1) / (nn - 1))
        sr = num(g("sim.fleet%s.rss_kib" % n))
        if sr is not None:
            scell = "%.1f" % (sr / nn)
            sper = sr / nn
        elif sim_biggest:
            sper = num(g("sim.fleet%s.rss_kib" % sim_biggest)) / int(sim_biggest)
            scell = "n/a (one process per instance; %.1f at %s)" % (sper, sim_biggest)
        else:
            sper, scell = None, "n/a"
        rat = "%.3fx" % ((gr / nn) / sper) if gr and sper else "n/a"
        if nn == 10000:
            row("RSS per idle instance, fleet of %s (KiB)" % n, gcell, scell, rat, "<= 64 KiB",
                yn(None if gr is None else gr / nn <= 64))
        else:
            row("RSS per idle instance, fleet of %s (KiB)" % n, gcell, scell, rat)
    for n in sizes:
        nn = int(n)
        gs = num(g("gb.fleet%s.startup_ms" % n))
        ss = g("sim.fleet%s.startup_ms" % n)
        gcell = gb_fleet_na or (fmt(gs) if gs is not None else "n/a")
        if gs is not None and g("gb.fleet%s.startup_all_ms" % n):
            gcell += " (starts: %s; daemon CPU %s)" % (", ".join(g("gb.fleet%s.startup_all_ms" % n).split()),
                                                        fmt(g("gb.fleet%s.startup_cpu_ms" % n)))
        if ss is not None:
            scell = fmt(ss)
        elif sim_biggest and g("sim.fleet%s.startup_ms" % sim_biggest):
            scell = "n/a (%s processes: %s)" % (sim_biggest, fmt(g("sim.fleet%s.startup_ms" % sim_biggest)))
        else:
            scell = "n/a"
        if nn == 10000:
            row("Start-up, fleet of %s: exec to the last instance answering (ms)" % n, gcell, scell, None,
                "<= 5000 ms", yn(None if gs is None else gs <= 5000))
        else:
            row("Start-up, fleet of %s (ms)" % n, gcell, scell)
    for n in sizes:
        sw = g("gb.fleet%s.sweep" % n)
        if not sw:
            continue
        m = dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", sw))
        smp = g("gb.fleet%s.ipmitool_sample" % n) or "?"
        ok = m.get("ok") == n and smp.split("/")[0] == smp.split("/")[-1]
        ssw = g("sim.fleet%s.sweep" % n)
        scell = "n/a"
        if ssw:
            sm = dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", ssw))
            scell = "%s/%s" % (sm.get("ok"), n)
        row("Instances answering (session + Get Device ID + %s sensors; ipmitool sample), fleet of %s" % (
            g("gb.fleet%s.sensors" % n) or "?", n),
            "%s/%s; ipmitool mc info + sensor %s" % (m.get("ok"), n, smp), scell, "",
            "all" if n == "10000" else "", yn(ok) if n == "10000" else "")

    L.append("### Side by side")
    L.append("")
    L.append("| metric | ghostbmc | ipmi_sim | ghostbmc / ipmi_sim | target | met? |")
    L.append("|---|--:|--:|--:|---|---|")
    for r in rows:
        L.append("| %s | %s | %s | %s | %s | %s |" % r)
    L.append("")
    notes = []
    if g("gb.fixture_check") != "ok" or g("sim.fixture_check") != "ok":
        notes.append("fixture check (ipmitool sensor get \"CPU0 Temp\" reads 47): ghostbmc %s, ipmi_sim %s" % (
            g("gb.fixture_check"), g("sim.fixture_check")))
    for t, name in (("gb", "ghostbmc"), ("sim", "ipmi_sim")):
        errs = [(k, v) for k, v in R.items() if k.startswith(t + ".") and k.endswith(".errors") and v not in ("0", "")]
        for k, v in errs:
            notes.append("%s: %s errors in %s" % (name, v, k.split(".")[1]))
    for n in sizes:
        if g("gb.fleet%s.note" % n) and num(g("gb.fleet%s.rss_kib" % n)) is not None:
            notes.append("fleet of %s: %s" % (n, g("gb.fleet%s.note" % n)))
    if notes:
        L.append("Notes: " + "; ".join(notes) + ".")
        L.append("")

    # profile
    if out_dir and os.path.exists(os.path.join(out_dir, "perf-self.txt")):
        L.append("### Profile: ghostbmcd, 4 sessions of Get Sensor Reading, cipher 17")
        L.append("")
        load = g("perf.load") or ""
        lm = dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", load))
        L.append("`perf record -F 1999 --call-graph dwarf` on the daemon for the length of a `gbload -k 4 -C 17` run "
                 "(%s samples; the load ran at %s req/s, p99 %s us while profiled)." % (
                     g("perf.samples") or "?", fmt(lm.get("rate_per_s")), lm.get("p99_us", "?")))
        L.append("")
        L.append("Self time, top symbols (`perf report --no-children --sort symbol`):")
        L.append("")
        L.append("| % self | symbol |")
        L.append("|--:|---|")
        n = 0
        for line in open(os.path.join(out_dir, "perf-self.txt")):
            m = re.match(r"\s*([0-9.]+)%\s+\[(.)\]\s+(.*?)(\s+-)*\s*$", line)
            if not m:
                continue
            L.append("| %s | `%s` %s |" % (m.group(1), m.group(3), "(kernel)" if m.group(2) == "k" else ""))
            n += 1
            if n == 15:
                break
        L.append("")
        dso = []
        if os.path.exists(os.path.join(out_dir, "perf-dso.txt")):
            for line in open(os.path.join(out_dir, "perf-dso.txt")):
                m = re.match(r"\s*([0-9.]+)%\s+(\S+)", line)
                if m and float(m.group(1)) >= 0.5:
                    dso.append("%s %s%%" % (m.group(2), m.group(1)))
        if dso:
            L.append("By object: " + ", ".join(dso) + ".")
            L.append("")
        ch = []
        if os.path.exists(os.path.join(out_dir, "perf-children.txt")):
            for line in open(os.path.join(out_dir, "perf-children.txt")):
                m = re.match(r"\s*([0-9.]+)%\s+([0-9.]+)%\s+\[(.)\]\s+(.*?)(\s+-)*\s*$", line)
                if m and not m.group(4).startswith("0x"):  # unresolved addresses
                    ch.append((m.group(1), m.group(3), m.group(4)))
        if ch:
            seen = set()
            user = []
            for pct, kind, sym in ch:
                if kind != "k" and sym not in seen:
                    seen.add(sym)
                    user.append((pct, sym))
            L.append("Inclusive time (with callees), the top entries overall and in user space "
                     "(`perf report --children`):")
            L.append("")
            L.append("| % incl. | symbol | | % incl. | user-space symbol |")
            L.append("|--:|---|---|--:|---|")
            allk = [(p, s) for p, _, s in ch]
            for i in range(20):
                a = allk[i] if i < len(allk) else ("", "")
                b = user[i] if i < len(user) else ("", "")
                L.append("| %s | %s | | %s | %s |" % (a[0], "`%s`" % a[1] if a[1] else "", b[0],
                                                    "`%s`" % b[1] if b[1] else ""))
            L.append("")

    text = "\n".join(L)
    print(text)
    if doc:
        body = BEGIN + "\n" + text + "\n" + END
        if os.path.exists(doc):
            cur = open(doc).read()
        else:
            cur = "# Performance\n\n" + BEGIN + "\n" + END + "\n"
        if BEGIN in cur and END in cur:
            new = cur[:cur.index(BEGIN)] + body + cur[cur.index(END) + len(END):]
        else:
            new = cur.rstrip("\n") + "\n\n" + body + "\n"
        with open(doc, "w") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
