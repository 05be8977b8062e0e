"""QED drug-likeness (Bickerton et al., Nature Chem. 2012) with RDKit's Python API.

Speaks the model contract directly (no TypeScript): JSON Lines on stdin,
one answer line per item on stdout, flushed at once; stderr is the log.
Run with Debian's /usr/bin/python3, which has python3-rdkit.
"""
import io
import json
import math
import os
import sys

try:
    from rdkit import Chem, RDLogger
    from rdkit.Chem import QED

    # RDKit logs to stderr, which is the model's log: keep its parse errors, drop warnings.
    RDLogger.logger().setLevel(RDLogger.ERROR)
    IMPORT_ERROR = None
except ImportError as err:  # answer every item with the fix rather than dying at start-up
    IMPORT_ERROR = f"{sys.executable} cannot import RDKit ({err}); install the Debian package python3-rdkit (npm run models:science)"


def log(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def write(message):
    """One line per answer, flushed so the gateway sees it now, not at exit."""
    try:
        line = json.dumps(message, allow_nan=False)
    except (TypeError, ValueError) as err:
        line = json.dumps({"id": message["id"], "error": f"output is not JSON-serialisable: {err}"})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def require_string(inp, field):
    value = inp.get(field)
    if not isinstance(value, str):
        raise ValueError(f"input.{field} must be a string")
    if value.strip() == "":
        raise ValueError(f"input.{field} must not be empty")
    return value


def predict(inp):
    smiles = require_string(inp, "smiles")
    if IMPORT_ERROR:
        raise RuntimeError(IMPORT_ERROR)
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ValueError(f'RDKit could not parse SMILES "{smiles}"')
    if mol.GetNumAtoms() == 0:
        raise ValueError(f'SMILES "{smiles}" has no atoms')
    p = QED.properties(mol)
    output = {
        "qed": QED.qed(mol, qedProperties=p),
        "mw": p.MW,
        "alogp": p.ALOGP,
        "hba": int(p.HBA),
        "hbd": int(p.HBD),
        "psa": p.PSA,
        "rotatableBonds": int(p.ROTB),
        "aromaticRings": int(p.AROM),
        "alerts": int(p.ALERTS),
    }
    for key, value in output.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f'QED gave a non-finite {key} for SMILES "{smiles}"')
    return output


def handle(line):
    if not line.strip():
        return
    try:
        message = json.loads(line)
    except ValueError:
        log(f"ignoring a line that is not JSON: {line[:200].rstrip()}")
        return
    msg_id = message.get("id") if isinstance(message, dict) else None
    # bool is an int in Python, but not an id.
    if isinstance(msg_id, bool) or not isinstance(msg_id, (str, int, float)):
        log(f'ignoring a line without a string or number "id": {line[:200].rstrip()}')
        return
    inp = message.get("input")
    if not isinstance(inp, dict):
        write({"id": msg_id, "error": 'missing "input" object'})
        return
    try:
        write({"id": msg_id, "output": predict(inp)})
    except Exception as err:  # a bad item is an error line, never the end of the process
        write({"id": msg_id, "error": str(err) or type(err).__name__})


def main():
    if IMPORT_ERROR:
        log(IMPORT_ERROR)
    # Bytes that are not UTF-8 must not end the loop: decode them as U+FFFD, which JSON then rejects.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    try:
        # Iterating over a pipe yields each line as soon as it arrives (Python 3 has no read-ahead).
        for line in stdin:
            handle(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader is gone, nobody can receive answers: leave quietly, without
        # Python's "Exception ignored … BrokenPipeError" at shutdown.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
