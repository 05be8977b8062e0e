"""A client of Model Gateway's REST API (/api/v1), typed with dataclasses.

Errors are raised as GatewayError carrying the gateway's ``app_code`` (INVALID_INPUT, NOT_FOUND,
UNAUTHORIZED, ...) from the RFC 9457 problem the API answers.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

JsonObject = Dict[str, Any]

#: Most inputs in one job (the gateway's limit); a larger screen is split into several jobs.
MAX_ITEMS_PER_JOB = 100_000
TERMINAL = {"succeeded", "failed", "cancelled"}


class GatewayError(Exception):
    """A refusal or failure of the gateway: ``app_code`` is its error code, ``status`` the HTTP status."""

    def __init__(self, app_code: str, detail: str, status: Optional[int] = None, problem: Optional[JsonObject] = None):
        super().__init__(f"{app_code}: {detail}")
        self.app_code = app_code
        self.detail = detail
        self.status = status
        self.problem = problem or {}


def _from_json(cls, data: JsonObject):
    known = {f.name for f in fields(cls)}
    camel = {f.name: "".join(p if i == 0 else p.capitalize() for i, p in enumerate(f.name.split("_"))) for f in fields(cls)}
    values = {name: data.get(camel[name]) for name in known if name != "raw"}
    return cls(**values, raw=data)


@dataclass
class Job:
    id: str
    model: str
    version: int
    status: str
    items_total: int
    items_done: int
    items_failed: int
    label: Optional[str] = None
    created_at: Optional[str] = None
    finished_at: Optional[str] = None
    raw: JsonObject = field(default_factory=dict, repr=False)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL


@dataclass
class Result:
    index: int
    status: str
    input: JsonObject
    output: Optional[JsonObject]
    error_code: Optional[str]
    error: Optional[str]
    duration_ms: Optional[float] = None
    # Set when the output came from the result cache: {"jobId", "index"} of the first run, or {"cached": True}.
    cached_from: Optional[JsonObject] = None
    # The molecule's id in an uploaded file (its id column, or the name after a SMILES).
    external_id: Optional[str] = None
    raw: JsonObject = field(default_factory=dict, repr=False)


@dataclass
class Upload:
    """A file received by ``upload``: its counts, and the columns its SMILES and ids were read from."""
    upload_id: str
    format: str
    gzip: bool
    rows_total: int
    rows_bad: int
    id_column: Optional[str] = None
    smiles_column: Optional[str] = None
    raw: JsonObject = field(default_factory=dict, repr=False)


@dataclass
class Prediction:
    job_id: str
    model: str
    version: int
    input: JsonObject
    output: Optional[JsonObject]
    error: Optional[JsonObject]
    duration_ms: Optional[float] = None
    warning: Optional[str] = None
    cached_from: Optional[JsonObject] = None
    raw: JsonObject = field(default_factory=dict, repr=False)


def _stored_login() -> JsonObject:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    try:
        with open(os.path.join(base, "model-gateway", "config.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def read_inputs(source: Union[str, Path, Sequence[str], Sequence[JsonObject]]) -> List[JsonObject]:
    """A library as input objects: a file (.smi/.txt one SMILES a line, .csv/.tsv with a smiles
    column, .jsonl, .json) or a list of SMILES strings or input objects."""
    if not isinstance(source, (str, Path)):
        return [{"smiles": s} if isinstance(s, str) else dict(s) for s in source]
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_inputs(json.loads(text))
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
    if suffix in (".jsonl", ".ndjson"):
        return [json.loads(l) for l in lines]
    if suffix in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t" if suffix == ".tsv" else ",")
        column = next((c for c in (reader.fieldnames or []) if c.strip().lower() in ("smiles", "canonical_smiles", "smi")), None)
        if column is None:
            raise GatewayError("INVALID_INPUT", f"{path}: no smiles column in {reader.fieldnames}")
        return [{"smiles": (row[column] or "").strip()} for row in reader]
    return [{"smiles": l.split()[0]} for l in lines]


def to_dataframe(results: Iterable[Result]):
    """Results as a pandas DataFrame (one row per item, output fields as columns); needs pandas."""
    try:
        import pandas as pd  # type: ignore
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("to_dataframe needs pandas: pip install pandas") from e
    return pd.DataFrame([_flat(r) for r in results])


def _flat(r: Result) -> JsonObject:
    row: JsonObject = {"index": r.index, **{k: v for k, v in r.input.items()}, "status": r.status}
    for k, v in (r.output or {}).items():
        row.setdefault(k, v)
    row["error_code"] = r.error_code
    row["error"] = r.error
    return row


class Gateway:
    """A Model Gateway, reached with an API token.

    ``url`` and ``token`` default to MODEL_GATEWAY_URL and MODEL_GATEWAY_TOKEN, then to the login
    the CLI stored (~/.config/model-gateway/config.json).
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 120.0, retries: int = 4):
        stored = _stored_login()
        self.url = (url or os.environ.get("MODEL_GATEWAY_URL") or stored.get("url") or "http://localhost:3000").rstrip("/")
        self.token = token or os.environ.get("MODEL_GATEWAY_TOKEN") or stored.get("token")
        if not self.token:
            raise GatewayError("UNAUTHORIZED", "no API token: pass token=, set MODEL_GATEWAY_TOKEN, or run `model-gateway login`")
        self.timeout = timeout
        self.retries = retries

    # -- transport ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, query: Optional[JsonObject] = None, body: Optional[JsonObject] = None, *, safe: bool = True) -> Any:
        q = {k: v for k, v in (query or {}).items() if v is not None}
        url = f"{self.url}/api/v1{path}" + (f"?{urllib.parse.urlencode(q)}" if q else "")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"authorization": f"Bearer {self.token}", "accept": "application/json"}
        if data is not None:
            headers["content-type"] = "application/json"
        attempts = self.retries + 1 if safe else 1
        delay = 0.2
        for attempt in range(1, attempts + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    text = res.read().decode("utf-8")
                    return json.loads(text) if text else None
            except urllib.error.HTTPError as e:
                err = self._problem(e)
                if err.app_code != "UNAVAILABLE" or attempt >= attempts:
                    raise err from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                if attempt >= attempts:
                    raise GatewayError("UNAVAILABLE", f"could not reach the gateway at {self.url}: {e}") from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _download_problem(e: urllib.error.HTTPError) -> GatewayError:
        return Gateway._route_problem(e.code, e.read())

    @staticmethod
    def _route_problem(status: int, body: bytes) -> GatewayError:
        """A refusal of the plain HTTP routes (downloads, uploads): ``{"error": {"message", "appCode"}}``."""
        try:
            error = json.loads(body.decode("utf-8")).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        return GatewayError(error.get("appCode") or ("UNAVAILABLE" if status >= 500 else "INTERNAL"), error.get("message") or f"HTTP {status}", status, error)

    @staticmethod
    def _problem(e: urllib.error.HTTPError) -> GatewayError:
        try:
            problem = json.loads(e.read().decode("utf-8"))
        except ValueError:
            problem = {}
        code = problem.get("appCode") or ("UNAVAILABLE" if e.code >= 500 else "INTERNAL")
        return GatewayError(code, problem.get("detail") or f"HTTP {e.code}", e.code, problem)

    # -- catalog -----------------------------------------------------------------------------

    def me(self) -> JsonObject:
        return self._request("GET", "/me")

    def models(self, search: Optional[str] = None, task: Optional[str] = None, limit: int = 100) -> List[JsonObject]:
        return self._request("GET", "/models", {"search": search, "task": task, "limit": limit})["items"]

    def model(self, slug: str) -> JsonObject:
        return self._request("GET", f"/models/{urllib.parse.quote(slug, safe='')}")

    # -- running -----------------------------------------------------------------------------

    def predict(self, model: str, smiles: Optional[str] = None, input: Optional[JsonObject] = None) -> Prediction:
        """One input (``smiles=`` or ``input={...}``), answered when the model has run."""
        payload = input if input is not None else {"smiles": smiles}
        body = {"input": payload, "idempotencyKey": str(uuid.uuid4())}
        return _from_json(Prediction, self._request("POST", f"/models/{urllib.parse.quote(model, safe='')}/predict", body=body))

    def submit(self, model: str, inputs: Sequence[JsonObject], label: Optional[str] = None, idempotency_key: Optional[str] = None) -> Job:
        """A job of up to 100,000 inputs; the idempotency key makes a retried submission create one job."""
        body = {"model": model, "inputs": list(inputs), "label": label, "idempotencyKey": idempotency_key or str(uuid.uuid4())}
        return _from_json(Job, self._request("POST", "/jobs", body={k: v for k, v in body.items() if v is not None}))

    def job(self, job_id: str) -> Job:
        return _from_json(Job, self._request("GET", f"/jobs/{job_id}"))

    def jobs(self, limit: int = 20, offset: int = 0) -> List[Job]:
        return [_from_json(Job, j) for j in self._request("GET", "/jobs", {"limit": limit, "offset": offset})["items"]]

    def cancel(self, job_id: str) -> Job:
        return _from_json(Job, self._request("POST", f"/jobs/{job_id}/cancel", body={}, safe=False))

    def wait(self, job_id: str, progress: Optional[Callable[[Job], None]] = None, timeout: float = 3600.0, interval: float = 2.0) -> Job:
        """Polls until the job ends; ``progress`` sees every state on the way."""
        deadline = time.monotonic() + timeout
        pause = 0.1
        while True:
            job = self.job(job_id)
            if progress:
                progress(job)
            if job.finished:
                return job
            if time.monotonic() > deadline:
                raise GatewayError("TIMEOUT", f"job {job_id} still {job.status} after {timeout:.0f} s")
            time.sleep(pause)
            pause = min(interval, pause * 1.5)

    def results(self, job_id: str, status: Optional[Union[str, Sequence[str]]] = None, page_size: int = 500, sort: Optional[str] = None,
                direction: str = "asc", ranges: Optional[Sequence[JsonObject]] = None) -> Iterator[Result]:
        """Every result of a job, fetched page by page (keyset: none skipped or repeated): in input order,
        or by ``sort`` (an output field) in ``direction``; ``status`` and ``ranges`` ([{"field", "min", "max"}]) filter."""
        cursor: Optional[str] = None
        while True:
            query: JsonObject = {"status": status if isinstance(status, str) or status is None else json.dumps(list(status)), "limit": page_size, "cursor": cursor}
            if sort:
                query["sort"] = json.dumps({"field": sort, "direction": direction})
            if ranges:
                query["ranges"] = json.dumps(list(ranges))
            page = self._request("GET", f"/jobs/{job_id}/results", query)
            for item in page["items"]:
                yield _from_json(Result, item)
            cursor = page.get("nextCursor")
            if not cursor:
                return

    def screen(self, model: str, source: Union[str, Path, Sequence[str], Sequence[JsonObject]], label: Optional[str] = None,
               progress: Optional[Callable[[Job], None]] = None, timeout: float = 24 * 3600.0) -> List[Job]:
        """Screens a library file (or list) as jobs of at most 100,000 inputs and waits for them."""
        inputs = read_inputs(source)
        if not inputs:
            raise GatewayError("INVALID_INPUT", "the library has no inputs")
        jobs = [self.submit(model, inputs[i:i + MAX_ITEMS_PER_JOB], label=label) for i in range(0, len(inputs), MAX_ITEMS_PER_JOB)]
        return [self.wait(j.id, progress=progress, timeout=timeout) for j in jobs]

    def upload(self, path: Union[str, Path], filename: Optional[str] = None, format: Optional[str] = None,
               id_column: Optional[str] = None, smiles_column: Optional[str] = None) -> Upload:
        """Sends a file of molecules (CSV, TSV, SMILES or SDF, gzipped or not, up to 10,000,000 rows) to
        POST /api/uploads, streamed in 64 KiB chunks (never read whole). Not retried: run it again on failure.
        Preview it with ``get_upload``, run it with ``submit_upload``."""
        path = Path(path)
        if not path.is_file():
            raise GatewayError("INVALID_INPUT", f"cannot read {path}: no such file")
        query = {"filename": filename or path.name, "format": format, "idColumn": id_column, "smilesColumn": smiles_column}
        target = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        conn = connection(target.netloc, timeout=self.timeout, blocksize=1 << 16)
        url = f"{target.path}/api/uploads?{urllib.parse.urlencode({k: v for k, v in query.items() if v})}"
        headers = {"authorization": f"Bearer {self.token}", "content-type": "application/octet-stream",
                   "content-length": str(path.stat().st_size), "accept": "application/json"}
        try:
            with path.open("rb") as f:
                try:
                    # http.client sends a file object in `blocksize` chunks as it reads them.
                    conn.request("POST", url, body=f, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the gateway refused before reading it all: its answer says why
                res = conn.getresponse()
                body = res.read()
        except (OSError, http.client.HTTPException) as e:
            raise GatewayError("UNAVAILABLE", f"could not send {path} to the gateway at {self.url}: {e}") from None
        finally:
            conn.close()
        if res.status != 201:
            raise self._route_problem(res.status, body)
        return _from_json(Upload, json.loads(body.decode("utf-8")))

    def get_upload(self, upload_id: str, model: Optional[str] = None, bad_after_line: int = 0, bad_limit: int = 50) -> JsonObject:
        """An upload's counts, first good rows (``preview``), bad rows by line after ``bad_after_line``
        (``bad``: {"items", "nextLine"}) and, for ``model``, an ``estimate`` of running it."""
        return self._request("GET", f"/uploads/{upload_id}", {"model": model, "badAfterLine": bad_after_line, "badLimit": bad_limit})

    def submit_upload(self, upload_id: str, model: str, label: Optional[str] = None) -> Job:
        """Runs an upload on a model as one job (an upload runs once; its bad rows become failed results)."""
        body = {"model": model, "label": label}
        return _from_json(Job, self._request("POST", f"/uploads/{upload_id}/submit", body={k: v for k, v in body.items() if v is not None}, safe=False))

    def download(self, job_id: str, path: Union[str, Path], format: str = "csv", status: Optional[str] = None, sort: Optional[str] = None,
                 direction: str = "asc", ranges: Optional[Sequence[JsonObject]] = None) -> Path:
        """Writes the results to ``path``: csv or sdf streamed from the gateway (index, id, smiles, status, each
        output field, error_code, error; filtered and sorted like ``results``), or json / jsonl."""
        path = Path(path)
        if format in ("csv", "sdf"):
            query: List[Any] = [("format", format)]
            if status:
                query.append(("status", status))
            if sort:
                query += [("sort", sort), ("direction", direction)]
            for r in ranges or []:
                query.append(("range", f"{r['field']}:{'' if r.get('min') is None else r['min']}:{'' if r.get('max') is None else r['max']}"))
            url = f"{self.url}/api/jobs/{job_id}/results?{urllib.parse.urlencode(query)}"
            req = urllib.request.Request(url, headers={"authorization": f"Bearer {self.token}"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res, path.open("wb") as f:
                    while True:
                        chunk = res.read(1 << 16)
                        if not chunk:
                            break
                        f.write(chunk)
            except urllib.error.HTTPError as e:
                raise self._download_problem(e) from None
            return path
        results = list(self.results(job_id, status=status, sort=sort, direction=direction, ranges=ranges))
        if format == "json":
            path.write_text(json.dumps([r.raw for r in results], indent=2), encoding="utf-8")
        elif format == "jsonl":
            path.write_text("".join(json.dumps(r.raw) + "\n" for r in results), encoding="utf-8")
        else:
            raise ValueError(f"format must be csv, sdf, json or jsonl, not {format!r}")
        return path
