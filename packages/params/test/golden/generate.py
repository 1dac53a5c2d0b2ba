"""Generate cases.json: each case's expectation comes from running MLflow's own code on the same input.

For every case: write the project (MLproject text + files) and the caller's files into a fresh temp
dir, chdir into the caller's dir, parse the -P args with mlflow.cli._user_args_to_dict, load the
project with mlflow.projects._project_spec.load_project, resolve the entry point with
Project.get_entry_point, and render EntryPoint.compute_command (plus compute_parameters with no
storage dir, which is what MLflow logs as run params). The temp dir is written as <TMP> in the JSON, so
the cases are portable. Cases where mlproject deliberately differs carry "differs" (the reason), our
expectation (written here by hand) in "expected", and what MLflow did in "mlflow".

Also writes numeric.json: CPython's int() / float() verdicts on strings, for the -P validation.

Usage: python -m venv x && x/bin/pip install mlflow==3.17.2 && x/bin/python generate.py
"""
import json
import os
import random
import shutil
import sys
import tempfile

import click
import mlflow
from mlflow.cli import _user_args_to_dict
from mlflow.exceptions import ExecutionException, MlflowException
from mlflow.projects._project_spec import load_project

HERE = os.path.dirname(os.path.abspath(__file__))
MLFLOW_VERSION = "3.17.2"
SHELL = "/bin/zsh"  # MLflow runs an undeclared .sh entry point with $SHELL; we always use bash

CASES = []


def case(name, mlproject, args=(), ep="main", *, rule, filename="MLproject", files=None, cwd_files=None,
         differs=None, ours=None, key_path=None, message_prefix=None):
    """One input. `ours` is our expectation where we differ; `key_path` is ours (MLflow has none)."""
    assert (differs is None) == (ours is None), name
    CASES.append(dict(name=name, rule=rule, mlproject=mlproject, filename=filename, files=files or {},
                      cwd_files=cwd_files or {}, entry_point=ep, args=list(args), differs=differs, ours=ours,
                      key_path=key_path, message_prefix=message_prefix))


def err(kind, key_path=None):
    e = {"kind": kind}
    if key_path is not None:
        e["keyPath"] = key_path
    return {"error": e}


def ep1(command, params=""):
    """An MLproject with one entry point `main`: `params` are the lines under parameters (6 spaces in)."""
    text = "name: golden\nentry_points:\n  main:\n"
    if params:
        text += "    parameters:\n" + "".join(f"      {line}\n" for line in params.strip("\n").split("\n"))
    return text + f"    command: {command}\n"


# Where MLflow's message lets us name our error code. Anything not listed is a crash (no clean error).
KINDS = [
    ("No value given for missing parameters", "ERR_MLPROJECT_PARAMS_MISSING"),
    ("Expected URI for parameter", "ERR_MLPROJECT_PARAMS_INVALID_URI"),
    ("but no such file or directory was found", "ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND"),
    ("Invalid format for -P parameter", "ERR_MLPROJECT_PARAMS_INVALID_FORMAT"),
    ("Repeated parameter", "ERR_MLPROJECT_PARAMS_REPEATED"),
    ("Could not find ", "ERR_MLPROJECT_SPEC_ENTRY_POINT_NOT_FOUND"),
    ("Project cannot contain multiple environment fields", "ERR_MLPROJECT_SPEC_INVALID"),
    ("Project configuration (MLproject file) was invalid", "ERR_MLPROJECT_SPEC_INVALID"),
    ("Project specified ", "ERR_MLPROJECT_SPEC_FILE_NOT_FOUND"),
]

sys.dont_write_bytecode = True  # no __pycache__ next to the test data
from inputs import define_cases  # noqa: E402  (the inputs live in inputs.py, next to this file)

define_cases(case, err, ep1)


def run_mlflow(c, tmp):
    project_dir = os.path.join(tmp, "project")
    cwd = os.path.join(tmp, "cwd")
    for base, files in ((project_dir, c["files"]), (cwd, c["cwd_files"])):
        os.makedirs(base)
        for rel, content in files.items():
            target = os.path.join(base, rel)
            if rel.endswith("/"):
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", newline="") as f:
                f.write(content)
    if c["mlproject"] is not None:
        with open(os.path.join(project_dir, c["filename"]), "w", newline="") as f:
            f.write(c["mlproject"])
    storage = os.path.join(tmp, "storage")  # what `mlflow run` passes is a fresh mkdtemp; a fixed name keeps the JSON stable
    os.makedirs(storage)
    os.chdir(cwd)
    args = [a.replace("<TMP>", tmp) for a in c["args"]]
    try:
        user = _user_args_to_dict(args, argument_type="P")
        project = load_project(project_dir)
        entry_point = project.get_entry_point(c["entry_point"])
        command = entry_point.compute_command(user, storage)
        declared, extra = entry_point.compute_parameters(user, None)
        env_file = project.env_config_path
        return {
            "command": command,
            "env": {"type": project.env_type,
                    "file": None if env_file is None else os.path.relpath(os.path.normpath(env_file), project_dir)},
            "logged": [[k, v] for k, v in list(declared.items()) + list(extra.items())],
        }
    except (ExecutionException, MlflowException, click.UsageError) as e:
        message = e.message if isinstance(e, MlflowException) else e.format_message()
        return {"error": {"type": type(e).__name__, "message": message}}
    except Exception as e:  # MLflow crashes with a raw Python error
        return {"crash": {"type": type(e).__name__, "message": str(e)}}
    finally:
        os.chdir(HERE)


def tokenise(value, tmp):
    if isinstance(value, str):
        return value.replace(tmp, "<TMP>")
    if isinstance(value, list):
        return [tokenise(v, tmp) for v in value]
    if isinstance(value, dict):
        return {k: tokenise(v, tmp) for k, v in value.items()}
    return value


def expectation(c, result):
    if "error" in result:
        message = result["error"]["message"]
        kind = next((k for prefix, k in KINDS if message.startswith(prefix) or prefix in message), None)
        if kind is None:
            return None
        e = {"kind": kind}
        if c["message_prefix"] is not None:
            assert message.startswith(c["message_prefix"]), (c["name"], message)
            e["messagePrefix"] = c["message_prefix"]
        else:
            e["message"] = message
        if c["key_path"] is not None:
            e["keyPath"] = c["key_path"]
        return {"error": e}
    if "crash" in result:
        return None
    return result


def main():
    os.environ["SHELL"] = SHELL
    assert mlflow.__version__ == MLFLOW_VERSION, mlflow.__version__
    out, names, problems = [], set(), []
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        tmp = os.path.realpath(tempfile.mkdtemp(prefix="golden-"))
        try:
            result = tokenise(run_mlflow(c, tmp), tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        expected = expectation(c, result)
        row = {"name": c["name"], "rule": c["rule"], "mlproject": c["mlproject"]}
        if c["filename"] != "MLproject":
            row["filename"] = c["filename"]
        for key, field in (("files", "files"), ("cwd_files", "cwdFiles")):
            if c[key]:
                row[field] = c[key]
        row.update({"entryPoint": c["entry_point"], "args": c["args"]})
        if c["differs"] is None:
            if expected is None:
                problems.append(f"{c['name']}: MLflow crashed ({result}); mark the case as differing")
            row["expected"] = expected
        else:
            if expected == c["ours"]:
                problems.append(f"{c['name']}: marked as differing, but MLflow gives the same: {expected}")
            row["differs"] = c["differs"]
            row["expected"] = c["ours"]
            row["mlflow"] = result
        out.append(row)
    if problems:
        sys.exit("\n".join(problems))
    header = {
        "generatedBy": "generate.py",
        "mlflow": MLFLOW_VERSION,
        "python": sys.version.split()[0],
        "shell": SHELL,
        "note": "<TMP> is the case's temp dir (realpath); the project is <TMP>/project, the caller's cwd <TMP>/cwd.",
    }
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({**header, "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    write_numeric()
    print(f"{len(out)} cases, {sum(1 for r in out if 'differs' in r)} differ deliberately")


def write_numeric():
    samples = [
        "10", "-3", "+4", "1_000", " 7 ", "\t8\n", "010", "0x10", "1__0", "_1", "1_", "1.0", "\u0661\u0662",
        "\u00a010\u00a0", "\x1c5\x1f", "\x855", "\ufeff5", "\u200b5", "", " ", "+", "-0", "0_0", "00", "1e3", "\u00b2",
        "\U0001d7cf", "0.5", "1e-3", "inf", "nan", ".5", "-.5", "5.", "1_0.5", "1._5", "1e1_0", "1_e10", "Infinity",
        "-INF", "+nan", "iNfInItY", "nan(1)", "1e", "e1", ".", "1.5e+3", " 2.5 ", "0x1p3", "\u0661.\u0665", "1__0.0",
        "1.5_", "1.0_1", "1E5", "infinit", ".e1", "1.e5", "_1.0", "auto", "None", "True", "1,5", "\u3000-2\u3000",
        "+-1", "--1", "1 2", "\x0b3\x0c", "0b101", "1e+", "1e-0_1", "infinity ", "-nan", "+.5e-2", "\u0e51\u0e50",
    ]
    rnd = random.Random(3)
    alphabet = "0123456789_.eE+- \tinfatyINFATY\u00a0\u0661\u3000x"
    for _ in range(400):
        samples.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 7))))
    rows = []
    for s in dict.fromkeys(samples):
        verdicts = []
        for f in (int, float):
            try:
                f(s)
                verdicts.append(True)
            except ValueError:
                verdicts.append(False)
        rows.append([s, verdicts[0], verdicts[1]])
    with open(os.path.join(HERE, "numeric.json"), "w", encoding="utf-8") as f:
        json.dump({"generatedBy": "generate.py", "python": sys.version.split()[0],
                   "columns": ["value", "int() accepts", "float() accepts"], "rows": rows},
                  f, ensure_ascii=False, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
