"""Tests of summarize.py (stdlib only):

  /usr/bin/python3 -m unittest discover -s benchmarks/peer -p 'test_*.py'
"""
import csv
import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

import summarize

LOG = """# compare T shape=small weights=random rounds=3 steps=1 warmup=0 methods=full,lora
MATMUL_PEAK gflops=100.0 square=90.0 ffn=100.0
MATMUL_PEAK impl=pytorch gflops=95.0 threads=2 torch=1.13
RESULT round=1 impl=java method=full shape=small median_s=2.0 tokens_per_step=400 gflop_per_step=50 trainable=9 total=9 peak_rss_mb=1000
RESULT round=1 impl=pytorch method=full shape=small median_s=4.0 tokens_per_step=400 trainable=9 total=9 peak_rss_mb=800
RESULT round=2 impl=pytorch method=full shape=small median_s=5.0 tokens_per_step=400 trainable=9 total=9
RESULT round=2 impl=java method=full shape=small median_s=1.0 tokens_per_step=400 gflop_per_step=50 trainable=9 total=9 peak_rss_mb=1200
RESULT round=3 impl=java method=full shape=small median_s=9.0 tokens_per_step=400 gflop_per_step=50 trainable=9 total=9 peak_rss_mb=1100
RESULT round=3 impl=pytorch method=full shape=small median_s=4.5 tokens_per_step=400 trainable=9 total=9
RESULT round=1 impl=java method=lora shape=small median_s=1.0 tokens_per_step=400 gflop_per_step=30 trainable=2 total=11
MATMUL_PEAK gflops=125.0 square=125.0 ffn=120.0
"""


class SummarizeTest(unittest.TestCase):
    def test_medians_ratio_and_mfu_per_method(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d) / "compare-T.log"
            log.write_text(LOG)
            with redirect_stdout(io.StringIO()) as out:
                self.assertEqual(summarize.main(["summarize.py", str(log)]), 0)
            rows = {r["method"]: r for r in csv.DictReader(log.with_suffix(".csv").open())}
            full = rows["full"]
            # median step times: Java 2.0 (of 2, 1, 9), PyTorch 4.5 (of 4, 5, 4.5)
            self.assertAlmostEqual(float(full["java_tokens_per_s"]), 200.0)
            self.assertAlmostEqual(float(full["pytorch_tokens_per_s"]), 400 / 4.5, places=1)
            self.assertAlmostEqual(float(full["ratio_java_over_pytorch"]), 2.25)
            # MFU against the best DJL matmul peak (125): 50 GFLOP / 2 s / 125
            self.assertAlmostEqual(float(full["java_mfu"]), 0.2)
            self.assertEqual(rows["lora"]["pytorch_runs"], "0")
            # peak RSS: median over the runs that report it
            self.assertAlmostEqual(float(full["java_peak_rss_mb"]), 1100)
            self.assertAlmostEqual(float(full["pytorch_peak_rss_mb"]), 800)
            self.assertIn("| full | 200 | 89 | **2.25** |", out.getvalue())
            self.assertTrue(log.with_suffix(".md").exists())

    def test_a_log_without_results_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d) / "empty.log"
            log.write_text("# nothing\n")
            self.assertEqual(summarize.main(["summarize.py", str(log)]), 1)


if __name__ == "__main__":
    unittest.main()
