"""Tests of peer_predict.py's file readers (skipped where torch is not installed):

  /usr/bin/python3 -m unittest discover -s benchmarks/peer -p 'test_*.py'
"""
import json
import struct
import tempfile
import unittest
from pathlib import Path

try:
    import torch
    import peer_predict
except ImportError:  # the summary tests run without torch
    torch = None


@unittest.skipIf(torch is None, "needs torch (benchmarks/peer/install.sh)")
class ReadersTest(unittest.TestCase):
    def test_reads_the_token_id_file_java_writes(self):
        # the layout TokenIdFileTest pins on the Java side
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "ids.txt"
            path.write_text("#finetune-token-ids v1\n7\t101 2009 102\n0\t101 102\n")
            self.assertEqual(peer_predict.read_ids(path), [(7, [101, 2009, 102]), (0, [101, 102])])

    def test_refuses_a_file_without_the_header_or_with_a_bad_line(self):
        with tempfile.TemporaryDirectory() as d:
            plain = Path(d) / "plain.txt"
            plain.write_text("0\t101 102\n")
            with self.assertRaisesRegex(ValueError, "not a token-id file"):
                peer_predict.read_ids(plain)
            bad = Path(d) / "bad.txt"
            bad.write_text("#finetune-token-ids v1\n1 101 102\n")
            with self.assertRaisesRegex(ValueError, "line 2"):
                peer_predict.read_ids(bad)

    def test_reads_safetensors_by_offsets(self):
        a = struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)
        b = struct.pack("<2f", -1.5, 0.5)
        header = {"__metadata__": {"format": "pt"},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]},
                  "a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
        raw = json.dumps(header).encode()
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "t.safetensors"
            path.write_bytes(struct.pack("<Q", len(raw)) + raw + a + b)
            tensors = peer_predict.read_safetensors(path)
        self.assertEqual(tensors["a"].tolist(), [[1.0, 2.0], [3.0, 4.0]])
        self.assertEqual(tensors["b"].tolist(), [-1.5, 0.5])
        self.assertNotIn("__metadata__", tensors)

    def test_pads_each_batch_to_its_longest_row(self):
        ids, mask = peer_predict.batch_tensors([[101, 5, 102], [101, 102]])
        self.assertEqual(ids.tolist(), [[101, 5, 102], [101, 102, 0]])
        self.assertEqual(mask.tolist(), [[1, 1, 1], [1, 1, 0]])

    def test_maps_every_bert_tensor_of_the_peer_model(self):
        names = peer_predict.peer_names(6)
        model = peer_predict.peer_step.Classifier(6, 384, 12, 1536)
        self.assertEqual(set(names.values()), set(model.state_dict()))


if __name__ == "__main__":
    unittest.main()
