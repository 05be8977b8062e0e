"""Runs against a live gateway: MODEL_GATEWAY_URL and MODEL_GATEWAY_TOKEN (e2e/clients.spec.ts sets them)."""

import csv
import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model_gateway import Gateway, GatewayError, read_inputs  # noqa: E402

LIBRARY = ["CCO", "c1ccccc1", "CC(=O)Oc1ccccc1C(=O)O", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "not a molecule", "Oc1ccccc1"]


@unittest.skipUnless(os.environ.get("MODEL_GATEWAY_TOKEN"), "set MODEL_GATEWAY_URL and MODEL_GATEWAY_TOKEN to run against a gateway")
class GatewayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Gateway()
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_models_lists_the_built_ins(self):
        slugs = {m["slug"] for m in self.gw.models()}
        self.assertTrue({"rdkit-descriptors", "ocl-properties", "esol-solubility"} <= slugs, slugs)

    def test_predict_answers_the_canonical_input_and_a_finite_logp(self):
        p = self.gw.predict("rdkit-descriptors", smiles="OCC")
        self.assertIsNone(p.error)
        self.assertEqual(p.input["smiles"], "CCO")
        self.assertIsInstance(p.output["logP"], float)

    def test_a_bad_input_raises_invalid_input_with_the_field(self):
        with self.assertRaises(GatewayError) as caught:
            self.gw.predict("esol-solubility", smiles="C1CC(")
        self.assertEqual(caught.exception.app_code, "INVALID_INPUT")
        self.assertEqual(caught.exception.status, 400)

    def test_an_unknown_model_is_not_found(self):
        with self.assertRaises(GatewayError) as caught:
            self.gw.model("no-such-model-here")
        self.assertEqual(caught.exception.app_code, "NOT_FOUND")

    def test_screen_a_file_with_progress_then_page_and_download_the_results(self):
        library = Path(self.tmp.name) / "library.smi"
        library.write_text("".join(f"{s}\n" for s in LIBRARY if " " not in s) + "# a comment\n")
        self.assertEqual(len(read_inputs(library)), 5)
        seen = []
        jobs = self.gw.screen("ocl-properties", library, label="python unittest", progress=lambda j: seen.append(j.status))
        self.assertEqual(len(jobs), 1)
        job = jobs[0]
        self.assertEqual(job.status, "succeeded")
        self.assertEqual((job.items_total, job.items_done, job.items_failed), (5, 5, 0))
        self.assertEqual(seen[-1], "succeeded")

        results = list(self.gw.results(job.id, page_size=2))  # three pages
        self.assertEqual([r.index for r in results], [0, 1, 2, 3, 4])
        self.assertTrue(all(isinstance(r.output["logP"], float) for r in results))

        out = self.gw.download(job.id, Path(self.tmp.name) / "results.csv")
        with out.open(newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["index"] for r in rows], ["0", "1", "2", "3", "4"])
        self.assertEqual(rows[1]["smiles"], "c1ccccc1")
        self.assertAlmostEqual(float(rows[1]["logP"]), results[1].output["logP"], places=6)

        by_logp = list(self.gw.results(job.id, sort="logP", direction="desc", page_size=2))
        values = [r.output["logP"] for r in by_logp]
        self.assertEqual(values, sorted(values, reverse=True))
        self.assertEqual(sorted(r.index for r in by_logp), [0, 1, 2, 3, 4])
        sdf = self.gw.download(job.id, Path(self.tmp.name) / "results.sdf", format="sdf", sort="logP", direction="desc")
        records = [r for r in sdf.read_text(encoding="utf-8").split("$$$$\n") if r.strip()]
        self.assertEqual(len(records), 5)
        self.assertIn("> <logP>", records[0])
        self.assertIn("M  END", records[0])

    def test_upload_a_gzipped_csv_streamed_then_preview_submit_and_read_the_ids(self):
        import gzip
        plate = Path(self.tmp.name) / "plate.csv.gz"
        plate.write_bytes(gzip.compress(b"id,smiles\nPY-1,CCO\nPY-2,\nPY-3,c1ccccc1\n"))
        upload = self.gw.upload(plate)
        self.assertEqual((upload.format, upload.gzip, upload.rows_total, upload.rows_bad, upload.id_column), ("csv", True, 3, 1, "id"))
        view = self.gw.get_upload(upload.upload_id, model="ocl-properties")
        self.assertEqual([r["line"] for r in view["bad"]["items"]], [3])
        job = self.gw.wait(self.gw.submit_upload(upload.upload_id, "ocl-properties", label="python upload").id, timeout=240)
        self.assertEqual((job.status, job.items_total, job.items_done, job.items_failed), ("succeeded", 3, 2, 1))
        self.assertEqual(sorted((r.external_id, r.status) for r in self.gw.results(job.id)), [("PY-1", "succeeded"), ("PY-2", "failed"), ("PY-3", "succeeded")])
        with self.assertRaises(GatewayError) as caught:
            self.gw.upload(plate, format="xyz")
        self.assertEqual((caught.exception.app_code, caught.exception.status), ("INVALID_INPUT", 400))

    def test_a_failed_item_fails_alone(self):
        job = self.gw.wait(self.gw.submit("ocl-properties", [{"smiles": s} for s in LIBRARY]).id, timeout=600)
        self.assertEqual(job.status, "succeeded")
        self.assertEqual(job.items_failed, 1)
        failed = list(self.gw.results(job.id, status="failed"))
        self.assertEqual([r.index for r in failed], [4])
        self.assertEqual(failed[0].error_code, "INVALID_INPUT")

    def test_to_dataframe_when_pandas_is_importable(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed")
        from model_gateway import to_dataframe
        job = self.gw.screen("rdkit-descriptors", ["CCO", "CCC"])[0]
        df = to_dataframe(self.gw.results(job.id))
        self.assertEqual(list(df["smiles"]), ["CCO", "CCC"])


if __name__ == "__main__":
    unittest.main()
