"""The golden inputs: MLproject text, files, -P args, entry point. generate.py runs MLflow on each.

Rules refer to mlflow-projects-behaviour.md (sections 1-2, 3.1) and mlproject-in-the-wild.md section 2.
`ours` is written by hand only where we deliberately differ; everything else comes from MLflow.
"""

SPEC = "ERR_MLPROJECT_SPEC_INVALID"
YAML = "ERR_MLPROJECT_SPEC_YAML"
TEMPLATE = "ERR_MLPROJECT_PARAMS_COMMAND_TEMPLATE"
BAD_NAME = "ERR_MLPROJECT_PARAMS_INVALID_NAME"
BAD_VALUE = "ERR_MLPROJECT_PARAMS_INVALID_VALUE"
CRASH = "MLflow crashes with a raw Python {}; we fail at load time with one clean error"
CRASH_T = "MLflow crashes with a raw Python {}; we give one clean error naming the template field"


def define_cases(case, err, ep1):
    def ok(command, logged, env=None):
        return {"command": command, "env": env or {"type": "python_env", "file": None}, "logged": logged}

    # ---- 1.1 locating and parsing the MLproject ----------------------------------------------------------
    r = "1.1 discovery"
    greet = ep1('"python greet.py {name}"', "name: {type: string, default: world}")
    case("file MLproject", greet, rule=r)
    case("file MLProject (any case)", greet, rule=r, filename="MLProject")
    case("file mlproject (lower case)", greet, rule=r, filename="mlproject")
    case("MLproject.yaml is not an MLproject", greet, rule=r, filename="MLproject.yaml",
         differs="MLflow silently ignores MLproject.yaml and runs without it; we say it must be named MLproject",
         ours=err("ERR_MLPROJECT_SPEC_FILE_MISNAMED"))
    case("no MLproject, -e train.py", None, ["alpha=0.5"], ep="train.py", rule=r)
    case("no MLproject, main", None, rule=r)
    case("unknown top-level keys ignored", "key: value\nversion: 3\n" + greet, rule=r)
    case("empty file", "", rule=r, differs=CRASH.format("AttributeError ('NoneType' has no keys)"), ours=err(SPEC))
    case("comments only", "# nothing here\n", rule=r, differs=CRASH.format("AttributeError"), ours=err(SPEC))
    case("entry_points left empty", "name: x\nentry_points:\n", rule=r,
         differs=CRASH.format("AttributeError"), ours=err(SPEC, "entry_points"))
    case("parameters left empty", "entry_points:\n  main:\n    parameters:\n    command: echo hi\n", rule=r,
         differs=CRASH.format("AttributeError"), ours=err(SPEC, "entry_points.main.parameters"))
    case("scalar parameter spec alpha: 5", ep1("echo {alpha}", "alpha: 5"), rule=r,
         differs=CRASH.format("AttributeError ('int' object has no attribute 'get')"),
         ours=err(SPEC, "entry_points.main.parameters.alpha"))
    case("entry point given as a string", "entry_points:\n  main: python train.py\n", rule=r,
         differs=CRASH.format("AttributeError"), ours=err(SPEC, "entry_points.main"))
    case("entry point without command", "entry_points:\n  main:\n    parameters: {a: {default: 1}}\n", rule=r,
         differs=CRASH.format("AttributeError (None.format)"), ours=err(SPEC, "entry_points.main.command"))
    case("command given as a list", "entry_points:\n  main:\n    command: [python, train.py]\n", rule=r,
         differs=CRASH.format("AttributeError ('list' object has no attribute 'format')"),
         ours=err(SPEC, "entry_points.main.command"))
    case("YAML syntax error: unterminated quote", 'entry_points:\n  main:\n    command: "python fit.py\n', rule=r,
         differs=CRASH.format("yaml ScannerError"), ours=err(YAML))
    case("YAML: tab in indentation", "entry_points:\n\tmain:\n\t\tcommand: echo\n", rule=r,
         differs=CRASH.format("yaml ScannerError"), ours=err(YAML))
    case("YAML: leftover template token", "name: x\n<IMAGE_BLOCK>\nentry_points:\n  main:\n    command: echo\n", rule=r,
         differs=CRASH.format("yaml ScannerError"), ours=err(YAML))
    case("YAML: undefined alias", "entry_points:\n  main:\n    command: *cmd\n", rule=r,
         differs=CRASH.format("yaml ComposerError"), ours=err(YAML))
    case("YAML: merge of a scalar", ep1("echo {a}", "a: {<<: 5, default: 1}"), rule=r,
         differs=CRASH.format("yaml ConstructorError"), ours=err(YAML))
    case("CRLF line endings in a | block",
         "entry_points:\r\n  main:\r\n    command: |\r\n      python a.py \\\r\n        --x 1\r\n", ["extra=2"], rule=r)
    # A block scalar on the file's last line with no final newline: PyYAML keeps no line break (clip or keep).
    for style in ("|", "|+", "|-", ">", ">+"):
        case(f"{style} block at end of file without final newline",
             "entry_points:\n  main:\n    parameters: {a: {default: 1}}\n    command: " + style
             + "\n      echo ARGS\n      {a}", ["flag=1"], rule=r)
    case("| block at end of a CRLF file without final newline",
         "entry_points:\r\n  main:\r\n    command: |\r\n      python a.py \\\r\n        --x 1", ["extra=2"], rule=r)
    case("| block at end of file, last line only spaces, no final newline",
         "entry_points:\n  main:\n    command: |+\n      echo ARGS\n\n   ", ["flag=1"], rule=r)
    case("document start marker and comments",
         "---\n# a comment\nname: x # trailing\nentry_points:\n  main:\n    command: 'echo hi' # ok\n", rule=r)
    case("key with a space before the colon",
         "entry_points :\n  main :\n    parameters :\n      step : { type : float, default : .05}\n    command : python s.py {step}\n", rule=r)

    # ---- 1.3 environment keys -------------------------------------------------------------------------------
    r = "1.3 environments"
    cmd = "entry_points:\n  main:\n    command: echo hi\n"
    case("two env keys, one empty", "conda_env:\ndocker_env: {image: x}\n" + cmd, rule=r,
         message_prefix="Project cannot contain multiple environment fields: {")
    case("docker_env without image", "docker_env: {volumes: [a]}\n" + cmd, rule=r, key_path="docker_env.image")
    case("docker_env image empty", "docker_env: {image: ''}\n" + cmd, rule=r, key_path="docker_env.image")
    case("docker_env volumes not strings", "docker_env: {image: x, volumes: [1, 2]}\n" + cmd, rule=r,
         key_path="docker_env.volumes[0]")
    case("docker_env volumes a string", "docker_env: {image: x, volumes: /a:/b}\n" + cmd, rule=r,
         key_path="docker_env.volumes")
    case("docker_env environment of mappings", "docker_env: {image: x, environment: [{A: b}]}\n" + cmd, rule=r,
         key_path="docker_env.environment[0]")
    case("docker_env valid", "docker_env:\n  image: example/t:1\n  volumes: ['${PWD}:/data']\n"
         "  environment: [TOKEN, [K, v]]\n" + cmd, rule=r)
    case("docker_env falsy is ignored", "docker_env: {}\n" + cmd, rule=r)
    case("docker_env as a bare string", "docker_env: trainer_app\n" + cmd, rule=r,
         differs=CRASH.format("AttributeError ('str' object has no attribute 'get')"), ours=err(SPEC, "docker_env"))
    case("python_env file missing", "python_env: python_env.yaml\n" + cmd, rule=r, key_path="python_env")
    case("conda_env file missing", "conda_env: envs/conda.yaml\n" + cmd, rule=r, key_path="conda_env")
    case("python_env declared", "python_env: env/py.yaml\n" + cmd, rule=r, files={"env/py.yaml": "dependencies: []\n"})
    case("conda_env outside the project dir", "conda_env: ../shared.yaml\n" + cmd, rule=r,
         files={"../shared.yaml": "name: x\n"})
    case("conda_env: ~ falls back to auto-detection", "conda_env: ~\n" + cmd, rule=r,
         files={"conda.yaml": "name: x\n"})
    case("auto-detect: python_env.yaml beats conda.yaml", cmd, rule=r,
         files={"python_env.yaml": "dependencies: []\n", "conda.yaml": "name: x\n"})
    case("auto-detect: conda.yaml", cmd, rule=r, files={"conda.yaml": "name: x\n"})
    case("misspelled env key is ignored", "conda env: conda.yaml\n" + cmd, rule=r, files={"conda.yaml": "name: x\n"})
    case("no name is fine", cmd, rule=r)

    # ---- 1.4 entry points -----------------------------------------------------------------------------------
    r = "1.4 entry point resolution"
    two = ("entry_points:\n  main:\n    command: python main.py\n"
           "  train.py:\n    parameters: {a: {default: 1}}\n    command: python declared.py {a}\n")
    case("declared name wins over .py fallback", two, ["b=2"], ep="train.py", rule=r)
    case(".py fallback with extras", two, ["alpha=0.5", "l1=0.1"], ep="src/fit.py", rule=r)
    case(".py fallback quotes the name", two, ep="my script.py", rule=r)
    case(".py fallback with a quote in the name", two, ep="it's.py", rule=r)
    case(".sh fallback", two, ["n=3"], ep="tools/run.sh", rule=r,
         differs="MLflow runs undeclared .sh scripts with $SHELL (here /bin/zsh); we always use bash",
         ours=ok("bash tools/run.sh --n 3", [["n", "3"]]))
    case(".R fallback", two, ep="fit.R", rule=r)
    case("unknown entry point", two, ep="evaluate", rule=r)
    case(".py alone is not a script name", two, ep=".py", rule=r)
    case("entry point names are case-sensitive", two, ep="Main", rule=r)

    # ---- 2.1 declaration forms, 2.3 defaults and missing parameters ---------------------------------------
    r = "2.1 declarations"
    case("shorthand type is required", ep1("python t.py {alpha}", "alpha: float"), ["alpha=0.5"], rule=r)
    case("shorthand type missing", ep1("python t.py {alpha}", "alpha: float"), rule=r)
    case("mapping without type is a string", ep1("python t.py {a}", "a: {default: hi there}"), rule=r)
    case("default: null is required", ep1("python t.py {a}", "a: {type: int, default: null}"), rule=r)
    case("default: ~ is required", ep1("python t.py {a}", "a: {type: int, default: ~}"), rule=r)
    case("typo type:int makes a required string", ep1("python t.py {n}", "n: {type:int, default:10}"), rule=r)
    case("typo keys are ignored", ep1("python t.py {n} {m}", "n: {type str, default: auto}\nm: {int: int, default: 3}"),
         rule=r)
    case("description and unknown type names", ep1("python t.py {a} {b} {c}",
         "a: {type: bool, default: true, description: a flag}\nb: {type: 'list[int]', default: [1, 2]}\nc: {type: Float, default: 1}"),
         rule=r)
    case("block-style parameter spec", ep1("python t.py {region}", "region:\n  description: code\n  type: str\n  default: eu"),
         rule=r)
    r = "2.3 missing parameters"
    case("missing parameters in declaration order",
         ep1("python t.py {b} {a} {c}", "b: string\na: {type: int}\nc: {default: 1}\nd: path"), ["c=2"], rule=r)
    case("a given empty value counts", ep1("python t.py {a}", "a: string"), ["a="], rule=r)
    case("missing wins over a bad uri", ep1("python t.py {u} {a}", "u: {type: uri, default: rel/x}\na: string"), rule=r)

    # ---- YAML 1.1 scalars and Python str() of defaults -----------------------------------------------------
    r = "2.3 defaults: YAML 1.1 and str()"

    def defaults(name, values, args=()):
        lines = "\n".join(f"p{i}: {{default: {v}}}" for i, v in enumerate(values))
        command = "echo " + " ".join(f"{{p{i}}}" for i in range(len(values)))
        case(name, ep1(f"'{command}'", lines), list(args), rule=r)

    defaults("booleans", ["true", "True", "FALSE", "yes", "No", "on", "OFF", "y", "n", "Yes"])
    defaults("ints: octal, hex, binary, underscores", ["010", "08", "0x1F", "0b101", "1_000", "-0", "+7", "0o10", "00"])
    defaults("sexagesimal", ["1:30", "12:30:00", "-1:30", "1:30.5", "190:20:30.15"])
    defaults("floats need a dot", ["0.1", "1.0", "1e-3", "1.5e-5", "1.0e+5", "1e5", "1.0e5", ".5", "-.5", "2e-5"])
    defaults("float str() forms", ["0.000001", ".01", "1e+21", "1.0e+21", "12345678901234567890.0", "100000000000000000.0",
                                   "0.1e-3", "3.14159265358979323846", "-0.0", "1_000.5"])
    defaults("inf and nan", [".inf", "-.inf", "+.INF", ".NaN", "inf", "nan"])
    defaults("None, null and empty strings", ["None", "NONE", "''", '""', "'~'", "none"])
    defaults("big and negative ints", ["123456789012345678901234567890", "-9007199254740993", "9007199254740992"])
    defaults("quoted numbers stay strings", ["'010'", '"1.0"', "'true'", "'1e-3'"])
    defaults("explicit tags", ["!!str 1e3", "!!float 1", "!!int '0x10'", "!!str yes", "!!bool 'on'"])
    defaults("timestamps", ["2024-01-05", "2024-01-05 10:00:00", "2024-01-05T10:00:00Z", "2024-01-05 10:00:00.5 +01:00",
                            "2001-12-14t21:59:43.10-05:00"])
    defaults("lists and dicts", ["[64, 32]", "[a, 'b c', 1.0, null, yes]", "{a: 1, b: [x]}", "[]", "{}",
                                 "[[1, 2], {k: v}]", "[\"it's\"]"])
    defaults("strings that look special", ["--no-plots", "'*.parquet'", "'{cfg.proxy}'", "'http://h:5000/x?a=1&b=2'",
                                           "café", "'a\\b'", "C:\\data"])
    defaults("-P values stay strings", ["1"], ["p0=1.0"])
    case("merge keys", "base: &base {type: float, default: 0.5}\nentry_points:\n  main:\n    parameters:\n"
         "      a: {<<: *base}\n      b: {<<: *base, default: 2}\n      c: *base\n    command: echo {a} {b} {c}\n", rule=r)
    case("duplicate keys: last wins", "entry_points:\n  main:\n    command: chmod +x ship.sh\n    command: ./ship.sh\n"
         "  main:\n    command: python last.py\n", rule=r)
    case("duplicate parameter keys", ep1("echo {a}", "a: {default: 1}\na: {default: 2, default: 3}"), rule=r)
    case("param named yes (boolean key)", ep1("echo hi", "yes: {default: 1}"), rule=r,
         differs="PyYAML makes the key the boolean True and MLflow keeps it; we require parameter names to be strings",
         ours=err(SPEC, "entry_points.main.parameters.true"))
    case("integer entry point name", "entry_points:\n  1:\n    command: echo one\n", ep="1", rule=r,
         differs="PyYAML makes the key the int 1 and MLflow cannot find entry point '1'; we require names to be strings",
         ours=err(SPEC, "entry_points.1"))

    # ---- 2.2 path and uri ---------------------------------------------------------------------------------
    r = "2.2 path and uri"
    pth = ep1("python t.py {data}", "data: path")
    case("path relative to the caller's cwd", pth, ["data=data.csv"], rule=r, cwd_files={"data.csv": "x"})
    case("path ./ and .. forms", pth, ["data=./sub/../data.csv"], rule=r, cwd_files={"data.csv": "x", "sub/": ""})
    case("path directory", pth, ["data=sub"], rule=r, cwd_files={"sub/": ""})
    case("path missing", pth, ["data=nope.csv"], rule=r)
    case("path exists only in the project dir", pth, ["data=data.csv"], rule=r, files={"data.csv": "x"})
    case("path file: URI without host", pth, ["data=file:data.csv"], rule=r, cwd_files={"data.csv": "x"})
    case("path file:/// absolute URI", pth, ["data=file://<TMP>/cwd/data.csv"], rule=r, cwd_files={"data.csv": "x"})
    case("path absolute", pth, ["data=<TMP>/cwd/my data.csv"], rule=r, cwd_files={"my data.csv": "x"})
    case("path percent-decoding", pth, ["data=my%20data.csv"], rule=r, cwd_files={"my data.csv": "x"})
    case("path default checked", ep1("python t.py {data}", "data: {type: path, default: missing.csv}"), rule=r)
    case("path default resolved", ep1("python t.py {data}", "data: {type: path, default: data.csv}"), rule=r,
         cwd_files={"data.csv": "x"})
    case("path remote URI", pth, ["data=runs:/0123/model.pkl"], rule=r,
         differs="MLflow downloads remote values of path parameters; we do not support that yet and say so",
         ours=err("ERR_MLPROJECT_PARAMS_REMOTE_PATH_UNSUPPORTED"))
    case("path empty value", pth, ["data="], rule=r,
         differs="MLflow treats '' as a remote URI and passes a fresh empty download dir; we say the path does not exist",
         ours=err("ERR_MLPROJECT_PARAMS_PATH_NOT_FOUND"))
    uri = ep1("python t.py {src}", "src: uri")
    case("uri without scheme", uri, ["src=data/x.csv"], rule=r)
    case("uri with scheme", uri, ["src=s3://bucket/key with space"], rule=r)
    case("uri with odd scheme", uri, ["src=mailto:me@x.org"], rule=r)
    case("uri default checked", ep1("python t.py {src}", "src: {type: uri, default: relative/path}"), rule=r)
    case("uri default file URI", ep1("python t.py {src}", "src: {type: uri, default: 'file:///tmp/x'}"), rule=r)

    # ---- 2.3/2.4 shell quoting of values --------------------------------------------------------------------
    r = "2.3 shlex.quote"
    q = ep1("'printf %s {v}'", "v: string")
    for label, value in [("safe characters", "a@b%c+d=e:f,g./h-i_j"), ("space", "hi there"), ("empty", ""),
                         ("single quote", "it's"), ("double quote", 'say "hi"'), ("newline", "line1\nline2"),
                         ("command substitution", "$(rm -rf ~)"), ("backticks", "`id`"), ("unicode", "café ☕"),
                         ("glob and semicolon", "*.csv; echo pwned"), ("split on first =", "friend=you"),
                         ("leading dash", "--flag"), ("tab and CR", "a\tb\rc"), ("only quotes", "'\"'")]:
        case(f"value with {label}", q, [f"v={value}"], rule=r)

    # ---- 2.4 str.format ----------------------------------------------------------------------------------------
    r = "2.4 command template"
    case("literal braces {{ }}", ep1("\"awk '{{print $1}}' {f} && echo ${{HOME}}\"", "f: {default: a.txt}"), rule=r)
    case("{name!r}", ep1("'python -c \"print({v!r})\"'", "v: {default: hi there}"), rule=r)
    case("{name!s} and {name!a}", ep1("'echo {v!s} {v!a}'", "v: {default: café}"), rule=r)
    case("hyphenated placeholder", ep1("'python t.py --bs={batch-size}'", "batch-size: {type: int, default: 32}"), rule=r)
    case("declared but unused parameter", ep1("python t.py", "unused: {default: 1}"), ["unused=2"], rule=r)
    case("placeholder used twice", ep1("'echo {a} {a}'", "a: {default: x y}"), rule=r)
    case("missing space between fields", ep1("'run --n {n}--m {m}'", "n: {default: 1}\nm: {default: 2}"), rule=r)
    case("undeclared placeholder", ep1("'python t.py {beta}'", "alpha: {default: 1}"), ["beta=2"], rule=r,
         differs=CRASH_T.format("KeyError: 'beta'"), ours=err(TEMPLATE))
    case("shell ${VAR} in a command", ep1("'echo ${HOME}'"), rule=r, differs=CRASH_T.format("KeyError: 'HOME'"),
         ours=err(TEMPLATE))
    case("stray closing brace", ep1("'export PATH=$PATH:/opt/bin} python run.py'"), rule=r,
         differs=CRASH_T.format("ValueError: Single '}'"), ours=err(TEMPLATE))
    case("positional field {}", ep1("'echo {}'"), rule=r, differs=CRASH_T.format("IndexError"), ours=err(TEMPLATE))
    case("format spec on a value", ep1("'echo [{a:>6}]'", "a: {default: x}"), rule=r,
         differs="MLflow pads the quoted value; we reject format specs, which no real project uses", ours=err(TEMPLATE))
    case("index access", ep1("'echo {a[0]}'", "a: {default: xyz}"), rule=r,
         differs="MLflow indexes the quoted string; we reject attribute and index access", ours=err(TEMPLATE))
    case("attribute access", ep1("'echo {a.__class__.__name__}'", "a: {default: x}"), rule=r,
         differs="MLflow renders the attribute of the quoted str (here: str); we reject attribute and index access",
         ours=err(TEMPLATE))

    # ---- whitespace of commands -------------------------------------------------------------------------------
    r = "2.4 command whitespace"
    case("| block keeps the trailing newline, extras after it",
         "entry_points:\n  main:\n    parameters: {rate: {default: 0.1}}\n    command: |\n      python fit.py \\\n"
         "        --rate {rate}\n", ["seed=1"], rule=r)
    case("|- block strips it", "entry_points:\n  main:\n    command: |-\n      python fit.py\n      echo done\n", ["x=1"], rule=r)
    case("|+ block keeps trailing blank lines", "entry_points:\n  main:\n    command: |+\n      python fit.py\n\n\n", rule=r)
    case("> block keeps deeper-indented newlines",
         "entry_points:\n  main:\n    command: >\n      python fit.py\n        --rate 1\n        --rounds 2\n", rule=r)
    case("> block folds plain lines", "entry_points:\n  main:\n    command: >\n      python fit.py\n      --rate 1\n", rule=r)
    case("plain multi-line scalar folds", "entry_points:\n  main:\n    command: python fit.py\n      --rate 1\n\n      --x\n", rule=r)
    case("double-quoted escapes", 'entry_points:\n  main:\n    command: "echo \\"a\\"\\tb\\\\ \\u00e9"\n', rule=r)
    case("single-quoted with ''", "entry_points:\n  main:\n    command: 'echo ''quoted'''\n", rule=r)

    # ---- extras -------------------------------------------------------------------------------------------------
    r = "2.4 extra parameters"
    ex = ep1("python t.py {alpha}", "alpha: {default: 1}")
    case("extras in -P order", ex, ["zeta=1", "alpha=2", "beta=3", "a_b.c-d=4"], rule=r)
    case("extras are case-sensitive", ex, ["ALPHA=5", "Alpha=6"], rule=r)
    case("extra values are quoted", ex, ["note=hello world", "q=it's", "e="], rule=r)
    case("extra name with a space", ex, ["a b=1"], rule=r,
         differs="MLflow 3.17 shell-quotes the name (--'a b' 1); we refuse names that are not plain flags",
         ours=err(BAD_NAME))
    case("extra name with command substitution", ex, ["$(id)=1"], rule=r,
         differs="MLflow 3.17 shell-quotes the name; we refuse names that are not plain flags", ours=err(BAD_NAME))
    case("extra name empty", ex, ["=x"], rule=r,
         differs="MLflow renders --'' x; we refuse an empty name", ours=err(BAD_NAME))
    case("extra name starting with a dash", ex, ["-v=1"], rule=r,
         differs="MLflow renders ---v 1; we refuse names that do not start with a letter or _", ours=err(BAD_NAME))

    # ---- 3.1 -P parsing ---------------------------------------------------------------------------------------
    r = "3.1 -P parsing"
    case("-P without =", ex, ["alpha"], rule=r)
    case("-P repeated", ex, ["alpha=1", "alpha=2"], rule=r)
    case("-P repeated extra", ex, ["x=1", "y=2", "x=3"], rule=r)
    case("-P value with = and spaces", ex, ["alpha= a=b "], rule=r)

    # ---- int / float validation (ours only) -------------------------------------------------------------------
    r = "2.2 int/float validation (ours)"
    num = ep1("python t.py {epochs} {lr} {devices}",
              "epochs: {type: int, default: 10}\nlr: {type: float, default: 1e-3}\ndevices: {type: int, default: auto}")
    case("int and float defaults are not checked", num, rule=r)
    case("valid int and float -P values pass through as typed", num, ["epochs=1_000", "lr=.5", "devices=+4"], rule=r)
    case("float -P accepts inf, nan, 1e-3", num, ["lr=-inf", "devices=0"], rule=r)
    case("int -P with spaces is valid and quoted", num, ["epochs= 7 "], rule=r)
    case("int -P 1.5 is refused", num, ["epochs=1.5"], rule=r,
         differs="MLflow passes any value; we check int values like Python's int()", ours=err(BAD_VALUE))
    case("float -P fast is refused", num, ["lr=fast"], rule=r,
         differs="MLflow passes any value; we check float values like Python's float()", ours=err(BAD_VALUE))
    case("int -P empty is refused", num, ["devices="], rule=r,
         differs="MLflow passes any value; we check int values like Python's int()", ours=err(BAD_VALUE))
