#!/usr/bin/env python3
"""Per-handler dispatch counts and instructions from a callgrind profile of a
tail-call-dispatched interpreter (wasmbed, wasmi 2).

Both interpreters give every op its own handler function and jump from one
handler to the next; callgrind records each such jump into a handler as a
call, so the call counts are the number of times each op was dispatched, and
a handler's exclusive instruction count (Ir) divided by its dispatch count is
its cost per op, dispatch included.

    tools/callgrind-ops.py FILE [PATTERN] [TOP]

PATTERN (a regular expression over function names) selects the handlers;
the default matches both wasmbed's (`interp::exec::I32Add`) and wasmi's
(`executor::handler::exec::i32_add_rs_si`).
"""
import collections
import re
import sys

path = sys.argv[1]
pattern = sys.argv[2] if len(sys.argv) > 2 else r"interp::exec::[A-Z]|executor::handler::exec::[a-z]"
top = int(sys.argv[3]) if len(sys.argv) > 3 else 15

names = {}


def name(token):
    """Resolves callgrind's name compression: "(id) name" defines, "(id)" refers."""
    m = re.match(r"\((\d+)\)(?: (.*))?", token)
    if not m:
        return token
    if m.group(2):
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), token)


calls = collections.Counter()
ir = collections.Counter()
fn = cfn = None
pending = None
with open(path) as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("fn="):
            fn = name(line[3:])
        elif line.startswith("cfn="):
            cfn = name(line[4:])
        elif line.startswith(("fl=", "fi=", "fe=")):
            name(line[3:])
        elif line.startswith("calls="):
            pending = int(line[6:].split()[0])
        elif line and (line[0].isdigit() or line[0] in "+-*"):
            fields = line.split()
            if pending is not None:  # the inclusive cost of that call: skip
                calls[cfn] += pending
                pending = None
            elif len(fields) >= 2 and fn:
                ir[fn] += int(fields[1])

total = sum(ir.values())
handlers = [f for f in set(calls) | set(ir) if re.search(pattern, f)]
h_calls = sum(calls[f] for f in handlers)
h_ir = sum(ir[f] for f in handlers)
print(f"total Ir {total:,}")
print(f"handlers: Ir {h_ir:,} ({100 * h_ir / max(total, 1):.1f}%), dispatches {h_calls:,}, "
      f"Ir per dispatch {h_ir / max(h_calls, 1):.2f}")
print(f"{'handler':<36} {'dispatches':>13} {'Ir':>15} {'Ir/op':>7}")
for f in sorted(handlers, key=lambda f: -ir[f])[:top]:
    short = re.sub(r".*::", "", f)
    print(f"{short:<36} {calls[f]:>13,} {ir[f]:>15,} {ir[f] / max(calls[f], 1):>7.2f}")
