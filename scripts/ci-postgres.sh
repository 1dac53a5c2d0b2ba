# shellcheck shell=bash
# A PostgreSQL server for the `postgres` vitest project (packages/*/test/**/*.pg.test.ts).
#
#   source scripts/ci-postgres.sh      # sets MLPROJECT_TEST_POSTGRES_URI in this shell
#   pnpm exec vitest run --project postgres
#
# On Debian/Ubuntu as root (or with sudo): installs the `postgresql` package with apt-get when no
# cluster tools are present, starts the first cluster (`pg_ctlcluster <version> <name> start`),
# creates the role `mlproject` (password `mlproject`) and the database `mlproject_test` if missing,
# waits until the server accepts TCP connections on 127.0.0.1, and exports
#   MLPROJECT_TEST_POSTGRES_URI=postgresql://mlproject:mlproject@127.0.0.1:<port>/mlproject_test
# Idempotent: run it again and it finds everything in place. An MLPROJECT_TEST_POSTGRES_URI that is
# already set is left alone (point it at your own server to skip all of this).
# Sourcing does not change the options of your shell: the work runs in a subshell.

_mlproject_ci_postgres() (
  set -euo pipefail
  say() { echo "ci-postgres: $*" >&2; }
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "needs root or sudo to install and start PostgreSQL; or set MLPROJECT_TEST_POSTGRES_URI to a server of yours"
    return 1
  fi

  if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || { say "no pg_ctlcluster and no apt-get: set MLPROJECT_TEST_POSTGRES_URI to a server of yours"; return 1; }
    say "installing postgresql with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  fi

  # The first cluster `pg_lsclusters` lists (the package creates `<version> main`); create one if none.
  local cluster
  cluster="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR == 1 { print $1, $2, $3, $4 }')"
  if [ -z "$cluster" ]; then
    local version
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    say "creating cluster $version main"
    as_root pg_createcluster "$version" main >&2
    cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1, $2, $3, $4 }')"
  fi
  local version name port status
  read -r version name port status <<<"$cluster"
  if [ "$status" != "online" ]; then
    say "starting cluster $version $name on port $port"
    as_root pg_ctlcluster "$version" "$name" start >&2
  fi
  local i
  for i in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    [ "$i" -eq 60 ] && { say "the server on 127.0.0.1:$port did not accept connections within 30 s"; return 1; }
    sleep 0.5
  done

  # Role and database, created only when missing (the password is reset each time); the database is
  # UTF-8 with the C.UTF-8 locale whatever the cluster's, so the tests see the same server everywhere.
  as_root runuser -u postgres -- psql -q -X -v ON_ERROR_STOP=1 -p "$port" -d postgres >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mlproject') THEN
    CREATE ROLE mlproject LOGIN PASSWORD 'mlproject';
  ELSE
    ALTER ROLE mlproject LOGIN PASSWORD 'mlproject';
  END IF;
END $$;
SELECT 'CREATE DATABASE mlproject_test OWNER mlproject ENCODING ''UTF8'' LC_COLLATE ''C.UTF-8'' LC_CTYPE ''C.UTF-8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'mlproject_test') \gexec
SQL
  PGPASSWORD=mlproject psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U mlproject -d mlproject_test -c 'SELECT 1' >/dev/null
  echo "postgresql://mlproject:mlproject@127.0.0.1:$port/mlproject_test"
)

if [ -n "${MLPROJECT_TEST_POSTGRES_URI:-}" ]; then
  echo "ci-postgres: MLPROJECT_TEST_POSTGRES_URI is already set; using it" >&2
elif _mlproject_ci_postgres_uri="$(_mlproject_ci_postgres)"; then
  export MLPROJECT_TEST_POSTGRES_URI="$_mlproject_ci_postgres_uri"
  echo "ci-postgres: MLPROJECT_TEST_POSTGRES_URI=$MLPROJECT_TEST_POSTGRES_URI" >&2
  unset _mlproject_ci_postgres_uri
else
  unset _mlproject_ci_postgres_uri
  echo "ci-postgres: no PostgreSQL server; the postgres tests will be skipped" >&2
  # shellcheck disable=SC2317  # `return` when sourced, `exit` when run
  return 1 2>/dev/null || exit 1
fi
unset -f _mlproject_ci_postgres
