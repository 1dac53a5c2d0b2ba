"""Create a conda environment with py-rattler: solve a request, then install it into a prefix.

Driven by @mlproject/env-conda (src/rattler.ts); not a user-facing tool.

    python rattler_env.py REQUEST_JSON

REQUEST_JSON is a file holding
    {"prefix": "/abs/env", "channels": ["https://conda.anaconda.org/conda-forge", "file:///..."],
     "specs": ["python=3.11", "numpy"], "packageCacheDir": "/abs/pkgs", "repodataCacheDir": "/abs/repodata"}

Progress goes to stderr; what got installed is read back from <prefix>/conda-meta/*.json by the
caller. A failure prints one line
    mlproject-error: <kind>: <message>
to stderr and exits with 3 (kind "solve"), 4 ("channel"), 5 ("install") or 6 ("spec").
"""

import asyncio
import os
import json
import sys
import traceback

EXIT = {"solve": 3, "channel": 4, "install": 5, "spec": 6}


def fail(kind, message):
    one_line = " ".join(str(message).split())
    print(f"mlproject-error: {kind}: {one_line}", file=sys.stderr, flush=True)
    sys.exit(EXIT[kind])


def log(line):
    print(line, file=sys.stderr, flush=True)


async def main(request):
    import rattler
    from rattler import exceptions as rx

    try:
        specs = [rattler.MatchSpec(spec, strict=False) for spec in request["specs"]]
    except Exception as error:  # InvalidMatchSpecError and friends
        fail("spec", error)
    channels = [rattler.Channel(url) for url in request["channels"]]
    platforms = [rattler.Subdir.current(), rattler.Subdir("noarch")]
    virtual_packages = rattler.VirtualPackage.detect()
    gateway = rattler.Gateway(cache_dir=request["repodataCacheDir"])

    log(f"solving {len(specs)} spec(s) against {', '.join(request['channels'])} for {platforms[0]}")
    try:
        records = await rattler.solve(
            sources=channels,
            specs=specs,
            gateway=gateway,
            platforms=platforms,
            virtual_packages=virtual_packages,
        )
    except rx.SolverError as error:
        fail("solve", error)
    except (rx.FetchRepoDataError, rx.GatewayError, rx.IoError) as error:
        fail("channel", error)

    for record in records:
        log(f"  {record.name.normalized} {record.version} {record.build}  {record.url}")
    log(f"installing {len(records)} package(s) into {request['prefix']}")
    try:
        await rattler.install(
            records,
            target_prefix=request["prefix"],
            cache_dir=request["packageCacheDir"],
            show_progress=False,
            # py-rattler 0.28's wrapper hands MatchSpec objects to the Rust side unconverted.
            requested_specs=[spec._match_spec for spec in specs],
            execute_link_scripts=False,
        )
    except (rx.FetchRepoDataError, rx.GatewayError) as error:
        fail("channel", error)
    except Exception as error:  # InstallerError, LinkError, TransactionError, IoError, ...
        fail("install", error)

    log(f"installed {len(records)} package(s)")


def exit_now(code):
    """Leaves without interpreter finalization: py-rattler 0.28's native threads sometimes crash
    (SIGSEGV/SIGABRT) while Python shuts down, after the work is done. Output is flushed first."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    try:
        asyncio.run(main(request))
    except SystemExit as done:
        exit_now(done.code if isinstance(done.code, int) else 1)
    except BaseException:  # an unexpected error: keep its traceback in the build log
        traceback.print_exc()
        exit_now(1)
    exit_now(0)
