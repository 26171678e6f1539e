# tests/lib/pg.sh - a real, throw-away PostgreSQL server for a test.
# Source it, then:
#   pg_start            initdb + pg_ctl start in a temp folder; sets PG_DIR,
#                       PG_PORT, PG_CONNINFO (database pkhub, user pktest).
#                       As root the cluster runs as an unprivileged user
#                       (initdb refuses root): PK_PG_USER, default nobody.
#   pg_stop_server      stop it (the folder stays: pg_start_server again)
#   pg_start_server     start it again on the same port
#   pg_psql SQL         run SQL, print the rows unaligned (-At)
#   pg_cleanup          stop and delete everything (call from an EXIT trap)
# Loopback only: TCP on 127.0.0.1 and a Unix socket inside PG_DIR.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PK_PG_USER=${PK_PG_USER:-nobody}
PG_DIR= PG_PORT= PG_CONNINFO=

pg_as() { # run as the cluster's owner
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PK_PG_USER" -- "$@"
	else
		"$@"
	fi
}

pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
	[ -x "$PG_BIN/initdb" ] || { echo "pg.sh: $PG_BIN/initdb not found (Debian package postgresql-15)" >&2; return 1; }
	PG_DIR=$(mktemp -d /tmp/pk-pg.XXXXXX) || return 1
	chmod 700 "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown "$PK_PG_USER" "$PG_DIR"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U pktest --auth=trust -E UTF8 \
		--locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ echo "pg.sh: initdb failed:" >&2; cat "$PG_DIR/initdb.log" >&2; return 1; }
	PG_PORT=$(pg_free_port) || return 1
	pg_start_server || return 1
	pg_as "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U pktest pkhub ||
		{ echo "pg.sh: createdb failed" >&2; return 1; }
	PG_CONNINFO="host=127.0.0.1 port=$PG_PORT user=pktest dbname=pkhub connect_timeout=5"
}

pg_start_server() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c max_connections=200 -c max_prepared_transactions=4" \
		start >/dev/null ||
		{ echo "pg.sh: the server did not start:" >&2; tail -n 20 "$PG_DIR/server.log" >&2; return 1; }
}

pg_stop_server() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -m fast stop >/dev/null
}

pg_psql() {
	psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U pktest -d pkhub -c "$1"
}

pg_cleanup() {
	[ -n "$PG_DIR" ] || return 0
	[ -f "$PG_DIR/data/postmaster.pid" ] &&
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 30 -m immediate stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
