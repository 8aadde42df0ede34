#!/usr/bin/env python3
"""Summarises a libtorch profiler trace of whole training steps.

`WholeStepBenchmark --profile TRACE.json` records the measured steps with libtorch's profiler
(DJL's JniUtils.startProfile/stopProfile: a Chrome trace of every ATen op with its shapes and the
CPU memory it allocated). This script turns it into per-step figures:

- calls from Java: top-level ops outside the backward pass, i.e. one per op DJL dispatched
  through JNI (a few DJL calls dispatch two, e.g. linear = t + matmul), and the backward pass's
  autograd nodes (all run inside one JNI call);
- allocations: the tensors created (aten::empty, empty_strided, empty_like at any depth) and the
  bytes they took;
- time by phase (forward, backward, update = clipping + optimizer + zeroing gradients), by
  kind of op and by op (self time, i.e. without the ops it called).

Usage: summarize_trace.py TRACE.json STEPS [--top N] [--json]
"""
import argparse
import collections
import json
import re
import sys

ALLOCATING = {"aten::empty", "aten::empty_strided", "aten::empty_like"}
BACKWARD_PREFIX = "autograd::engine::evaluate_function"
FORWARD_START = {"aten::embedding", "aten::index_select"}

KINDS = [
    ("matrix products", {"aten::mm", "aten::bmm", "aten::addmm", "aten::baddbmm"}),
    ("dropout masks (RNG)", {"aten::bernoulli_", "aten::uniform_", "aten::random_"}),
    ("softmax", {"aten::_softmax", "aten::_softmax_backward_data", "aten::_log_softmax",
                 "aten::_log_softmax_backward_data"}),
    ("gelu", {"aten::gelu", "aten::gelu_backward"}),
    ("layer norm", {"aten::native_layer_norm", "aten::native_layer_norm_backward"}),
    ("copies (contiguous, clone, cast)", {"aten::copy_", "aten::clone", "aten::_to_copy"}),
    ("fill and zero", {"aten::fill_", "aten::zero_"}),
    ("reductions", {"aten::sum", "aten::norm", "aten::linalg_vector_norm", "aten::mean",
                    "aten::max", "aten::min"}),
]

_UNITS = {"b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3}


def parse_bytes(text):
    """'128.00 Kb' -> 131072; '-512 b' -> -512; missing -> 0."""
    if not text:
        return 0
    match = re.fullmatch(r"\s*(-?[0-9.]+)\s*([KMG]?b)\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"unreadable memory figure {text!r}")
    return int(round(float(match.group(1)) * _UNITS[match.group(2).lower()]))


def kind_of(name):
    for kind, names in KINDS:
        if name in names:
            return kind
    return "other element-wise and views"


def nest(events):
    """Adds parent links and self times (duration less the children's) to complete events."""
    by_thread = collections.defaultdict(list)
    for event in events:
        by_thread[event.get("tid", 0)].append(event)
    roots = []
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for event in thread_events:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= event["ts"]:
                stack.pop()
            event["self"] = event["dur"]
            event["parent"] = stack[-1] if stack else None
            event["root"] = stack[0] if stack else event
            if stack:
                stack[-1]["self"] -= event["dur"]
            else:
                roots.append(event)
            stack.append(event)
    roots.sort(key=lambda e: e["ts"])
    return roots


def phases(roots):
    """Labels each top-level event forward, backward or update.

    A step runs forward ops, then the backward pass's autograd nodes, then the update (clipping,
    optimizer, zeroing); the next step's forward starts at its embedding lookup."""
    labels = {}
    state = "forward"
    for event in roots:
        if event["name"].startswith(BACKWARD_PREFIX):
            state = "backward"
        elif state == "backward":
            state = "update"
        if state == "update" and event.get("_starts_forward"):
            state = "forward"
        labels[id(event)] = state
    return labels


def summarize(events, steps, top=15):
    complete = [e for e in events if e.get("ph") == "X"]
    roots = nest(complete)
    for event in complete:
        if event["name"] in FORWARD_START:
            event["root"]["_starts_forward"] = True
    labels = phases(roots)
    phase_ms = collections.Counter()
    for event in roots:
        phase_ms[labels[id(event)]] += event["dur"] / 1000
    java_calls = sum(1 for e in roots if not e["name"].startswith(BACKWARD_PREFIX))
    backward_nodes = sum(1 for e in roots if e["name"].startswith(BACKWARD_PREFIX))
    allocations = [e for e in complete if e["name"] in ALLOCATING]
    allocated = sum(max(0, parse_bytes(e.get("cpu mem"))) for e in allocations)
    self_ms = collections.Counter()
    calls = collections.Counter()
    for event in complete:
        self_ms[event["name"]] += event["self"] / 1000
        calls[event["name"]] += 1
    kinds = collections.Counter()
    for name, ms in self_ms.items():
        kinds[kind_of(name)] += ms
    total = sum(e["dur"] for e in roots) / 1000
    per = lambda x: x / steps
    return {
        "steps": steps,
        "ms_per_step": per(total),
        "java_calls_per_step": per(java_calls),
        "backward_nodes_per_step": per(backward_nodes),
        "allocations_per_step": per(len(allocations)),
        "allocated_mib_per_step": per(allocated) / 1024 ** 2,
        "phases_ms_per_step": {p: per(phase_ms[p]) for p in ("forward", "backward", "update")},
        "kinds_ms_per_step": {k: per(ms) for k, ms in kinds.most_common()},
        "top_ops": [{"op": name, "ms_per_step": per(ms), "calls_per_step": per(calls[name])}
                    for name, ms in self_ms.most_common(top)],
    }


def markdown(summary):
    s = summary
    total = s["ms_per_step"]
    lines = [
        f"{s['steps']} profiled steps; per step: {total:,.0f} ms on the profiler's clock, "
        f"{s['java_calls_per_step']:,.0f} ops dispatched from Java, "
        f"{s['backward_nodes_per_step']:,.0f} autograd nodes, "
        f"{s['allocations_per_step']:,.0f} tensors allocated "
        f"({s['allocated_mib_per_step']:,.0f} MiB).",
        "",
        "| phase | ms/step | share |",
        "|---|---|---|",
    ]
    for phase, ms in s["phases_ms_per_step"].items():
        lines.append(f"| {phase} | {ms:,.0f} | {ms / total:.0%} |")
    lines += ["", "| kind of op (self time) | ms/step | share |", "|---|---|---|"]
    for kind, ms in s["kinds_ms_per_step"].items():
        lines.append(f"| {kind} | {ms:,.0f} | {ms / total:.0%} |")
    lines += ["", "| op (self time) | ms/step | calls/step |", "|---|---|---|"]
    for op in s["top_ops"]:
        lines.append(f"| `{op['op']}` | {op['ms_per_step']:,.0f} | {op['calls_per_step']:,.1f} |")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trace", help="the trace WholeStepBenchmark --profile wrote")
    parser.add_argument("steps", type=int, help="how many steps the trace holds (--steps)")
    parser.add_argument("--top", type=int, default=15, help="ops to list (default 15)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("STEPS must be >= 1")
    try:
        with open(args.trace) as f:
            events = json.load(f)
    except (OSError, ValueError) as e:
        parser.error(f"cannot read the trace {args.trace}: {e}")
    if not isinstance(events, list):
        parser.error(f"{args.trace}: expected a JSON array of trace events (libtorch's legacy "
                     f"profiler format), got {type(events).__name__}")
    summary = summarize(events, args.steps, args.top)
    print(json.dumps(summary, indent=2) if args.json else markdown(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
