# Shared by infra/up.sh and infra/test.sh: make sure PostgreSQL and Redis run locally, installing
# them from Debian's packages on a fresh machine. Idempotent; uses running services as they are.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing $* (Debian packages)"
  if [ -z "${FERRODESK_APT_UPDATED:-}" ]; then
    as_root apt-get update -qq
    export FERRODESK_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

ensure_postgres() {
  if command -v pg_isready >/dev/null && pg_ready; then return; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql postgresql-contrib
    # A local development and CI database: trust connections from this machine only, as the
    # machines this project runs on are set up (see docs/ARCHITECTURE.md §Local services).
    local hba
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  # The package may have started the cluster before pg_hba.conf was changed above.
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  for _ in $(seq 1 30); do pg_ready && return; sleep 1; done
  echo "PostgreSQL did not become ready on 127.0.0.1:5432" >&2
  return 1
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

ensure_redis() {
  if command -v redis-cli >/dev/null && redis_ready; then return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ferrodesk.log
  for _ in $(seq 1 20); do redis_ready && return; sleep 0.5; done
  echo "Redis did not become ready on 127.0.0.1:6379" >&2
  return 1
}

ensure_nextest() {
  command -v cargo-nextest >/dev/null && return
  log "installing cargo-nextest"
  cargo install cargo-nextest --locked
}

# Real mail tools the email tests talk to, from Debian's packages: swaks (an SMTP client),
# aiosmtpd (an SMTP server this project did not write) and openssl (a certificate for STARTTLS).
ensure_mail_tools() {
  local missing=()
  command -v swaks >/dev/null 2>&1 || missing+=(swaks)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
}
