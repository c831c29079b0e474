#!/usr/bin/env python3
"""Time python-phonenumbers on the same mixed input as `cargo bench --bench phone`
(check/mixed_json_lines): every vector input written without a default region.

For each line it does what `leadline check --json` does: parse, is_valid_number,
E.164, region and number type, and writes a JSON line (to an in-memory buffer).
Usage: pip install phonenumbers==9.0.33 && python3 benches/phone_python.py [FILE]
With FILE (one number per line, e.g. the same file given to `leadline check --json -`),
that file is timed once, start to end, in CPU seconds, like `time leadline check`.
"""
import io
import json
import os
import sys
import time

import phonenumbers as pn

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "tests", "fixtures", "phone", "vectors.jsonl")


def inputs():
    out = []
    with open(VECTORS, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            v = json.loads(line)
            if v[1] == "":
                out.append(v[0])
    return out


def check_all(lines, sink):
    for s in lines:
        try:
            n = pn.parse(s, None)
            valid = pn.is_valid_number(n)
        except pn.NumberParseException:
            n, valid = None, False
        if valid:
            row = {"input": s, "valid": True, "e164": pn.format_number(n, pn.PhoneNumberFormat.E164),
                   "region": pn.region_code_for_number(n), "type": pn.number_type(n), "reason": None}
        else:
            row = {"input": s, "valid": False, "e164": None, "region": None, "type": None, "reason": "x"}
        sink.write(json.dumps(row))
        sink.write("\n")


def main():
    if len(sys.argv) > 1:
        t = time.process_time()
        with open(sys.argv[1], encoding="utf-8") as f:
            lines = [line.rstrip("\r\n") for line in f]
        check_all(lines, io.StringIO())
        cpu = time.process_time() - t
        print("python-phonenumbers %s: %s: %d lines in %.2f CPU s = %.1f us/line"
              % (pn.__version__, sys.argv[1], len(lines), cpu, cpu / len(lines) * 1e6))
        return
    lines = inputs()
    t = time.perf_counter()
    check_all(lines, io.StringIO())  # first pass: loads metadata, compiles regexes
    first = time.perf_counter() - t
    best = None
    for _ in range(5):
        t = time.perf_counter()
        check_all(lines, io.StringIO())
        e = time.perf_counter() - t
        best = e if best is None else min(best, e)
    print("python-phonenumbers %s: %d lines; first pass %.3f s; best of 5 warm passes %.3f s "
          "= %.1f us/line = %.0f lines/s" % (pn.__version__, len(lines), first, best,
                                            best / len(lines) * 1e6, len(lines) / best))


if __name__ == "__main__":
    main()
