#!/usr/bin/env bash
# Local PostgreSQL 15 + pgvector for aiworks: `services.sh start [DIR]` / `services.sh stop [DIR]` / `url [DIR]`.
#
# Installs what is missing (Debian's postgresql-15; pgvector built from Debian trixie's `pgvector` source
# package, since bookworm has none), then runs one server under DIR (default .services/) listening on
# 127.0.0.1 only (no Unix socket), password auth (scram) with a random password kept in DIR/password.
# PostgreSQL refuses to run as root, so initdb/pg_ctl run as the unprivileged `postgres` OS user, which
# owns DIR. Idempotent: a running server is reused; with everything installed a start takes ~1 s.
# Prints `AIWORKS_DATABASE_URL=postgresql://...` as its last line.
#
# Why Debian's packages and not the `pgserver` wheel: pgserver bundles PostgreSQL 16 with pgvector 0.7,
# whose HNSW build is slower and lacks iterative index scans (0.8), needed for filtered ANN queries
# (document_ids) to still return k rows; Debian's packages are security-maintained and are what a
# deployment (deploy/Dockerfile) uses too.
set -euo pipefail

PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
cmd=${1:-start}
DIR=${2:-${AIWORKS_SERVICES_DIR:-.services}}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
DATA=$DIR/pg
LOG=$DIR/postgres.log

log() { echo "services: $*" >&2; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PGUSER_OS" -- "$@"; else "$@"; fi
}

pick_user() {
  if [ "$(id -u)" != 0 ]; then PGUSER_OS=$(id -un); return; fi
  if id postgres >/dev/null 2>&1; then PGUSER_OS=postgres; return; fi
  id aiworks-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin aiworks-pg
  PGUSER_OS=aiworks-pg
}

apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] || { log "need root to install $*"; exit 1; }
  if [ $apt_updated = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_postgres() {
  if [ ! -x $PGBIN/postgres ]; then
    log "installing postgresql-$PGVER (Debian)"
    # the package's own cluster would take port 5432: we run our own under DIR instead
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" \
      > /etc/postgresql-common/createcluster.conf
    apt_install postgresql-$PGVER postgresql-client-$PGVER
  fi
}

install_pgvector() {
  local ext
  ext=$($PGBIN/pg_config --sharedir)/extension
  if ls "$ext"/vector--*.sql >/dev/null 2>&1 && [ -f "$($PGBIN/pg_config --pkglibdir)/vector.so" ]; then return; fi
  log "building pgvector from Debian trixie's source package"
  local src=/etc/apt/sources.list.d/aiworks-trixie-src.sources
  if [ ! -f $src ]; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > $src
    apt_updated=0
  fi
  apt_install postgresql-server-dev-$PGVER dpkg-dev make gcc
  local build
  build=$(mktemp -d)
  (cd "$build" && apt-get source -qq pgvector >/dev/null 2>&1 && cd pgvector-*/ \
    && make -s PG_CONFIG=$PGBIN/pg_config OPTFLAGS="" >/dev/null \
    && make -s PG_CONFIG=$PGBIN/pg_config OPTFLAGS="" install >/dev/null)
  rm -rf "$build"
  ls "$ext"/vector--*.sql >/dev/null 2>&1 || { log "pgvector build failed"; exit 1; }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() {
  echo "postgresql://aiworks:$(cat "$DIR/password")@127.0.0.1:$(cat "$DIR/port")/aiworks"
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_pg $PGBIN/pg_ctl -D "$DATA" status >/dev/null 2>&1
}

start() {
  install_postgres
  install_pgvector
  pick_user
  chown "$PGUSER_OS" "$DIR"
  if ! running; then
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA"
      [ -f "$DIR/password" ] || python3 -c 'import secrets; print(secrets.token_hex(16))' > "$DIR/password"
      chmod 600 "$DIR/password"; chown "$PGUSER_OS" "$DIR/password"
      log "initdb in $DATA"
      as_pg $PGBIN/initdb -D "$DATA" -U aiworks --pwfile="$DIR/password" --auth=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_buffers = 256MB
maintenance_work_mem = 512MB
max_connections = 200
fsync = on
CONF
    fi
    # keep the port once chosen (the printed URL stays valid across restarts) unless it is now taken
    if [ -n "${AIWORKS_PG_PORT:-}" ]; then echo "$AIWORKS_PG_PORT" > "$DIR/port"
    elif [ ! -f "$DIR/port" ] || ! python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" \
      "$(cat "$DIR/port")" 2>/dev/null; then free_port > "$DIR/port"; fi
    touch "$LOG"; chown "$PGUSER_OS" "$LOG"
    as_pg $PGBIN/pg_ctl -D "$DATA" -l "$LOG" -w -t 60 -o "-p $(cat "$DIR/port")" start >/dev/null \
      || { tail -20 "$LOG" >&2; exit 1; }
    PGPASSWORD=$(cat "$DIR/password") $PGBIN/psql -q -h 127.0.0.1 -p "$(cat "$DIR/port")" -U aiworks -d postgres \
      -tAc "SELECT 1 FROM pg_database WHERE datname='aiworks'" | grep -q 1 \
      || PGPASSWORD=$(cat "$DIR/password") $PGBIN/createdb -h 127.0.0.1 -p "$(cat "$DIR/port")" -U aiworks aiworks
    PGPASSWORD=$(cat "$DIR/password") $PGBIN/psql -q -h 127.0.0.1 -p "$(cat "$DIR/port")" -U aiworks -d aiworks \
      -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
    log "PostgreSQL $PGVER + pgvector on 127.0.0.1:$(cat "$DIR/port") (data in $DATA)"
  fi
  echo "AIWORKS_DATABASE_URL=$(url)"
}

stop() {
  pick_user
  if running; then as_pg $PGBIN/pg_ctl -D "$DATA" -m fast -w stop >/dev/null; log "stopped"; else log "not running"; fi
}

case $cmd in
  start) start ;;
  stop) stop ;;
  url) echo "AIWORKS_DATABASE_URL=$(url)" ;;
  *) echo "usage: $0 start|stop|url [DIR]" >&2; exit 2 ;;
esac
