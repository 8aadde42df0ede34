import unittest

import summarize_trace as st


def op(name, ts, dur, mem="0 b"):
    return {"name": name, "ph": "X", "ts": ts, "dur": dur, "tid": 1, "cpu mem": mem}


def one_step(t0):
    """A hand-made step: forward (embedding, matmul), backward (two nodes), update (two ops)."""
    return [
        op("aten::embedding", t0, 100),
        op("aten::index_select", t0 + 10, 80),
        op("aten::empty", t0 + 12, 5, "128.00 Kb"),
        op("aten::matmul", t0 + 100, 400),
        op("aten::mm", t0 + 110, 380),
        op("aten::empty", t0 + 111, 4, "1.00 Mb"),
        op(st.BACKWARD_PREFIX + ": MmBackward0", t0 + 500, 300),
        op("aten::mm", t0 + 510, 250),
        op(st.BACKWARD_PREFIX + ": EmbeddingBackward0", t0 + 800, 100),
        op("aten::mul_", t0 + 900, 60),
        op("aten::zero_", t0 + 960, 40),
        op("aten::fill_", t0 + 965, 30),
    ]


class SummarizeTraceTest(unittest.TestCase):

    def setUp(self):
        self.summary = st.summarize(one_step(0) + one_step(1000), steps=2)

    def test_counts_calls_nodes_and_allocations_per_step(self):
        s = self.summary
        self.assertEqual(s["java_calls_per_step"], 4)      # embedding, matmul, mul_, zero_
        self.assertEqual(s["backward_nodes_per_step"], 2)
        self.assertEqual(s["allocations_per_step"], 2)
        self.assertAlmostEqual(s["allocated_mib_per_step"], 1.125)

    def test_splits_each_step_into_forward_backward_and_update(self):
        phases = self.summary["phases_ms_per_step"]
        self.assertAlmostEqual(phases["forward"], 0.5)     # 100 + 400 us
        self.assertAlmostEqual(phases["backward"], 0.4)    # 300 + 100 us
        self.assertAlmostEqual(phases["update"], 0.1)      # 60 + 40 us
        self.assertAlmostEqual(self.summary["ms_per_step"], 1.0)

    def test_self_time_leaves_out_the_children(self):
        ops = {o["op"]: o for o in self.summary["top_ops"]}
        self.assertAlmostEqual(ops["aten::mm"]["ms_per_step"], 0.630 - 0.004)  # 380-4 + 250
        self.assertAlmostEqual(ops["aten::matmul"]["ms_per_step"], 0.020)
        self.assertAlmostEqual(ops["aten::zero_"]["ms_per_step"], 0.010)
        kinds = self.summary["kinds_ms_per_step"]
        self.assertAlmostEqual(kinds["matrix products"], 0.626)
        self.assertAlmostEqual(kinds["fill and zero"], 0.040)

    def test_parses_the_profilers_memory_figures(self):
        self.assertEqual(st.parse_bytes("0 b"), 0)
        self.assertEqual(st.parse_bytes("-512 b"), -512)
        self.assertEqual(st.parse_bytes("128.00 Kb"), 131072)
        self.assertEqual(st.parse_bytes("1.50 Gb"), 1610612736)
        with self.assertRaises(ValueError):
            st.parse_bytes("lots")

    def test_markdown_lists_phases_kinds_and_ops(self):
        text = st.markdown(self.summary)
        self.assertIn("4 ops dispatched from Java", text)
        self.assertIn("| forward | 0 | 50% |", text)
        self.assertIn("| `aten::mm` |", text)


if __name__ == "__main__":
    unittest.main()
