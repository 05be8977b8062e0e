#!/usr/bin/env python3
"""Model Gateway pod runner.

Runs inside a model's container as its entrypoint. It fetches its task's items from the
gateway with the task token, runs the model program (argv, or MGW_MODEL_COMMAND) with the same
JSON Lines contract as the gateway's process executor, and posts the answers back in batches,
retrying on network errors. Posting is idempotent on the gateway, so a retried batch or a
re-run pod never counts an item twice. Python 3.8+, standard library only.

Environment (set by the gateway's Kubernetes executor):
  MGW_TASK_URL         the gateway's base URL, e.g. http://gateway-web.model-gateway.svc:3000
  MGW_TASK_ID          the task this pod runs
  MGW_TASK_TOKEN       the task's token (reads this task's inputs, posts its results, nothing else)
  MGW_ITEM_TIMEOUT_MS  the longest the model may go without answering an item (default 60000)
Optional: MGW_POST_BATCH (50), MGW_POST_INTERVAL_MS (250), MGW_RETRY_SECONDS (300),
MGW_MAX_LINE_BYTES (16 MiB), MGW_MODEL_COMMAND (used when no argv is given).

Exit codes, read by the executor: 0 done; 2 the gateway could not be reached or refused the
token; 3 the model exited before answering every item; 4 the model broke the protocol;
5 the model went silent past the item timeout; 6 the job was cancelled or the task closed;
64 usage.
"""
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

EXIT_OK, EXIT_GATEWAY, EXIT_CRASHED, EXIT_PROTOCOL, EXIT_TIMEOUT, EXIT_CANCELLED, EXIT_USAGE = 0, 2, 3, 4, 5, 6, 64


def log(msg):
    sys.stderr.write("[runner] %s\n" % msg)
    sys.stderr.flush()


class Stop(Exception):
    """Ends the run with an exit code."""

    def __init__(self, code, why):
        super().__init__(why)
        self.code = code


class Gateway:
    """The task endpoint, with retries on network errors and on the gateway's own trouble."""

    def __init__(self, base, task_id, token, retry_seconds):
        self.base = base.rstrip("/")
        self.task_id = task_id
        self.token = token
        self.retry_seconds = retry_seconds

    def call(self, method, what, body=None):
        url = "%s/api/tasks/%s/%s" % (self.base, self.task_id, what)
        data = None if body is None else json.dumps(body).encode("utf-8")
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.2
        while True:
            req = urllib.request.Request(url, data=data, method=method)
            req.add_header("Authorization", "Bearer " + self.token)
            if data is not None:
                req.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(req, timeout=60) as res:
                    return json.loads(res.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                detail = e.read().decode("utf-8", "replace")[:500]
                if e.code in (409, 499):  # the task closed, or its job was cancelled
                    raise Stop(EXIT_CANCELLED, "the gateway says: %s" % detail)
                if e.code in (401, 403, 404, 400, 413, 422):
                    raise Stop(EXIT_GATEWAY, "the gateway refused %s %s (%d): %s" % (method, what, e.code, detail))
                why = "HTTP %d: %s" % (e.code, detail)
            except (urllib.error.URLError, OSError, ValueError) as e:
                why = str(getattr(e, "reason", e))
            if time.monotonic() + delay > deadline:
                raise Stop(EXIT_GATEWAY, "could not %s %s at %s for %d s: %s" % (method, what, url, self.retry_seconds, why))
            log("%s %s failed (%s); retrying in %.1f s" % (method, what, why, delay))
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


class Poster(threading.Thread):
    """Posts answers in batches of up to `batch`, at most every `interval` seconds."""

    def __init__(self, gateway, batch, interval):
        super().__init__(daemon=True)
        self.gateway = gateway
        self.batch = batch
        self.interval = interval
        self.items = queue.Queue()
        self.failure = None
        self.posted = 0

    def run(self):
        done = False
        while not done:
            chunk = []
            try:
                first = self.items.get(timeout=self.interval)
                if first is None:
                    done = True
                else:
                    chunk.append(first)
            except queue.Empty:
                continue
            end = time.monotonic() + self.interval
            while not done and len(chunk) < self.batch:
                try:
                    nxt = self.items.get(timeout=max(0.0, end - time.monotonic()))
                except queue.Empty:
                    break
                if nxt is None:
                    done = True
                else:
                    chunk.append(nxt)
            if chunk and self.failure is None:
                try:
                    self.gateway.call("POST", "results", {"results": chunk})
                    self.posted += len(chunk)
                except Stop as e:
                    self.failure = e

    def put(self, result):
        self.items.put(result)

    def finish(self):
        self.items.put(None)
        self.join()


def model_env():
    # The model gets the container's environment without the runner's own settings (the token).
    return {k: v for k, v in os.environ.items() if not k.startswith("MGW_")}


def run(argv):
    base, task_id, token = (os.environ.get(k, "") for k in ("MGW_TASK_URL", "MGW_TASK_ID", "MGW_TASK_TOKEN"))
    command = argv or shlex.split(os.environ.get("MGW_MODEL_COMMAND", ""))
    if not (base and task_id and token and command):
        raise Stop(EXIT_USAGE, "set MGW_TASK_URL, MGW_TASK_ID and MGW_TASK_TOKEN, and give the model command as arguments or MGW_MODEL_COMMAND")
    timeout = int(os.environ.get("MGW_ITEM_TIMEOUT_MS", "60000")) / 1000.0
    max_line = int(os.environ.get("MGW_MAX_LINE_BYTES", str(16 * 1024 * 1024)))
    gateway = Gateway(base, task_id, token, int(os.environ.get("MGW_RETRY_SECONDS", "300")))

    items = gateway.call("GET", "inputs")["items"]
    log("task %s: %d items to run with %s" % (task_id, len(items), " ".join(command)))
    if not items:
        return EXIT_OK

    poster = Poster(gateway, int(os.environ.get("MGW_POST_BATCH", "50")), int(os.environ.get("MGW_POST_INTERVAL_MS", "250")) / 1000.0)
    poster.start()
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=model_env(), start_new_session=True)
    except OSError as e:
        poster.finish()
        raise Stop(EXIT_CRASHED, "could not start the model `%s`: %s" % (" ".join(command), e))

    lock = threading.Lock()
    pending = {}  # id -> sent at
    state = {"last_answer": time.monotonic(), "killed": None, "garbage": 0}

    def kill(reason):
        with lock:
            if state["killed"] is None:
                state["killed"] = reason
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass

    def on_term(signum, _frame):
        kill("terminated")
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)

    def write_inputs():
        try:
            for item in items:
                with lock:
                    pending[str(item["index"])] = time.monotonic()
                proc.stdin.write((json.dumps({"id": str(item["index"]), "input": item["input"]}) + "\n").encode("utf-8"))
                proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the model died; its exit is reported below

    def watchdog():
        while proc.poll() is None:
            time.sleep(0.1)
            with lock:
                if not pending:
                    continue
                oldest = min(pending.values())
                started = max(oldest, state["last_answer"])
            if time.monotonic() - started > timeout:
                log("the model gave no answer within %d ms; killing it" % (timeout * 1000))
                kill("timeout")
                return

    threading.Thread(target=write_inputs, daemon=True).start()
    threading.Thread(target=watchdog, daemon=True).start()

    answered = 0
    while True:
        line = proc.stdout.readline(max_line + 1)
        if not line:
            break
        if len(line) > max_line and not line.endswith(b"\n"):
            log("the model printed a line longer than %d bytes; killing it" % max_line)
            kill("protocol")
            break
        text = line.decode("utf-8", "replace").strip()
        if not text:
            continue
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        key = answer.get("id") if isinstance(answer, dict) else None
        with lock:
            sent = pending.pop(key, None) if isinstance(key, str) else None
            now = time.monotonic()
            started = max(sent, state["last_answer"]) if sent is not None else now
            if sent is not None:
                state["last_answer"] = now
        if sent is None:
            state["garbage"] += 1
            if state["garbage"] <= 5:
                log("ignoring a line that is not an answer: %s" % text[:200])
            continue
        result = {"index": int(key), "durationMs": round((now - started) * 1000, 3)}
        if "error" in answer:
            result["error"] = str(answer["error"])
        elif isinstance(answer.get("output"), dict):
            result["output"] = answer["output"]
        else:
            result["error"] = 'the model answered without an "output" object'
            result["code"] = "MODEL_PROTOCOL"
        poster.put(result)
        answered += 1
        if answered == len(items):
            try:
                proc.stdin.close()  # the contract's "no more work": the model may exit now
            except OSError:
                pass
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        kill("done")
        code = proc.wait()
    poster.finish()
    if poster.failure:
        raise poster.failure
    left = len(items) - answered
    log("task %s: %d answers posted, %d items without an answer; the model exited with %s" % (task_id, poster.posted, left, code))
    if left == 0:
        return EXIT_OK
    killed = state["killed"]
    if killed == "protocol" or (killed == "timeout" and state["garbage"]):
        return EXIT_PROTOCOL
    if killed == "timeout":
        return EXIT_TIMEOUT
    raise Stop(EXIT_CRASHED, "the model exited with %s before answering %d of %d items" % (code, left, len(items)))


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    try:
        code = run(argv)
    except Stop as e:
        log(str(e))
        code = e.code
    sys.exit(code)


if __name__ == "__main__":
    main()
