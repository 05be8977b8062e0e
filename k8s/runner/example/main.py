"""A toy model for the onboarding e2e test: counts heavy atoms in a SMILES.

Speaks the gateway's JSON Lines contract: {"id","input":{"smiles"}} in,
{"id","output":{"heavyAtoms","length"}} or {"id","error"} out, one line per item.
Standard library only.
"""
import json
import sys

AROMATIC = set("cnos")


def heavy_atoms(smiles):
    return sum(1 for ch in smiles if ch.isupper() or ch in AROMATIC)


def answer(line):
    item = json.loads(line)
    smiles = (item.get("input") or {}).get("smiles")
    if not isinstance(smiles, str) or not smiles:
        return {"id": item.get("id"), "error": 'input.smiles is empty: send {"smiles": "<SMILES>"}'}
    return {"id": item["id"], "output": {"heavyAtoms": heavy_atoms(smiles), "length": len(smiles)}}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = answer(line)
        except ValueError as e:
            out = {"id": None, "error": "not a JSON line: %s" % e}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
