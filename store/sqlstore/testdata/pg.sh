#!/usr/bin/env bash
# A throwaway PostgreSQL server for the sqlstore tests.
#
#   eval "$(store/sqlstore/testdata/pg.sh start)"   # sets PASSKEY_POSTGRES_DSN, PASSKEY_POSTGRES_DIR
#   go test ./store/sqlstore/...
#   store/sqlstore/testdata/pg.sh stop "$PASSKEY_POSTGRES_DIR"
#
# start installs PostgreSQL from the distribution's packages if no server
# binaries are found (Debian/Ubuntu, as root: apt-get), creates a cluster in a
# new temporary directory, starts it on 127.0.0.1 on a free port (no Unix
# socket outside that directory, no system service), creates the database
# "storetest" and prints shell assignments on stdout; everything else goes to
# stderr. As root the server runs as the "postgres" user, since initdb refuses
# to run as root; as any other user it runs as that user.
#
# The cluster is for tests only: fsync is off and authentication is "trust"
# for connections from 127.0.0.1, so anyone on this machine can connect.
#
# stop DIR stops the server started in DIR and removes DIR. It is safe to call
# twice, and after a failed start.
set -euo pipefail

# The script's absolute path, for the stop command printed by start.
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# as_pg runs a command as the user the server runs as.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_bin prints the newest /usr/lib/postgresql/NN/bin that has the server.
pg_bin() {
	local d best=""
	# sort -V: /usr/lib/postgresql/9.6 is older than /usr/lib/postgresql/15.
	while read -r d; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && best="$d"
	done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
	[ -n "$best" ] && echo "$best"
}

install_pg() {
	[ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and installing needs root: apt-get install postgresql"
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get here"
	log "installing PostgreSQL with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
}

# port_in_use succeeds if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
	local bin
	bin=$(pg_bin) || { install_pg; bin=$(pg_bin) || die "no PostgreSQL server binaries after installing"; }
	log "using $bin ($("$bin/postgres" --version))"

	# A short path: the socket path inside it must stay under 107 bytes.
	local dir
	dir=$(mktemp -d /tmp/pg.XXXXXX)
	touch "$dir/.made-by-pg.sh" # stop removes only directories with this mark
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || die "the postgres user does not exist (is the postgresql package installed?)"
		chown postgres:postgres "$dir"
	fi
	# initdb and pg_ctl warn when they cannot enter the current directory.
	cd "$dir"
	if ! as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N \
		>"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed"
	fi

	# Pick a free port; if another process takes it between the check and the
	# start, the start fails and the next port is tried.
	local port="" try candidate
	for try in $(seq 1 20); do
		candidate=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		port_in_use "$candidate" && continue
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $candidate -k $dir -c fsync=off -c max_connections=200" \
			start >&2; then
			port=$candidate
			break
		fi
		log "start on port $candidate failed (try $try); server log:"
		tail -n 5 "$dir/server.log" >&2 || true
	done
	[ -n "$port" ] || { rm -rf "$dir"; die "could not start a server"; }

	"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -t 30 || die "server on port $port is not ready"
	"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres storetest
	log "server on 127.0.0.1:$port, data in $dir"
	printf "export PASSKEY_POSTGRES_DSN='postgres://postgres@127.0.0.1:%s/storetest?sslmode=disable'\n" "$port"
	printf "export PASSKEY_POSTGRES_DIR='%s'\n" "$dir"
	printf "# stop with: %q stop %q\n" "$self" "$dir"
}

stop() {
	local dir=${1:-}
	[ -n "$dir" ] || die "usage: pg.sh stop DIR"
	case "$dir" in /tmp/pg.*) ;; *) die "refusing to remove $dir: not a directory pg.sh start made" ;; esac
	[ -d "$dir" ] || { log "$dir is gone already"; return 0; }
	[ -f "$dir/.made-by-pg.sh" ] || die "refusing to remove $dir: pg.sh start did not make it"
	local bin
	if [ -f "$dir/data/postmaster.pid" ] && bin=$(pg_bin); then
		cd "$dir"
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || log "pg_ctl stop failed"
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*) die "usage: pg.sh start | pg.sh stop DIR" ;;
esac
