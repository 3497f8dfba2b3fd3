#!/usr/bin/env bash
# Stands up a real single-node Slurm cluster on this Debian/Ubuntu machine (for `make test-slurm`): installs
# slurm-wlm and munge if missing, writes a munge key and /etc/slurm/slurm.conf for this host (addresses 127.0.0.1,
# one partition "debug" with the machine's CPUs), and starts munged, slurmctld and slurmd -- with systemctl when
# systemd is PID 1, directly otherwise (containers, VMs without systemd). Needs root. Idempotent: a running cluster
# that answers `scontrol ping` and has its node idle is left as it is.
#
# Environment: SLURM_CPUS (default: nproc, which the issue's machine has as 2) -- the CPUs slurm.conf declares.
set -euo pipefail

log() { echo "setup-local-slurm: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (it installs packages, writes /etc/slurm/slurm.conf and starts daemons)"

missing=""
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing$missing"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

host=$(hostname -s)
cpus=${SLURM_CPUS:-$(nproc)}
systemd=no
[ "$(ps -p 1 -o comm= 2>/dev/null)" = "systemd" ] && systemd=yes

# --- munge: a key readable by munge alone, and the daemon.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating /etc/munge/munge.key"
  install -d -o munge -g munge -m 0700 /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "starting munged"
  if [ "$systemd" = yes ]; then systemctl restart munge; else runuser -u munge -- /usr/sbin/munged; fi
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
  munge -n </dev/null | unmunge >/dev/null || die "munged does not answer"
fi

# --- slurm.conf: one node (this host at 127.0.0.1), one partition; daemons and jobs run as root.
conf=/etc/slurm/slurm.conf
install -d /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
want=$(cat <<EOF
# Written by Neyman's tools/slurm/setup-local-slurm.sh: a single-node cluster for make test-slurm.
ClusterName=neyman-local
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=1001
MinJobAge=600
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
)
changed=no
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  log "writing $conf (node $host, $cpus CPUs)"
  printf '%s\n' "$want" > "$conf"
  changed=yes
fi
# Debian's slurmd reads cgroup.conf when it exists; none of its plugins are used here.

running() { pgrep -x "$1" >/dev/null 2>&1; }
if [ "$changed" = yes ] && { running slurmctld || running slurmd; }; then
  log "configuration changed: reconfiguring the running daemons"
  scontrol reconfigure >/dev/null 2>&1 || true
fi
if ! running slurmctld; then
  log "starting slurmctld"
  if [ "$systemd" = yes ]; then systemctl restart slurmctld; else /usr/sbin/slurmctld; fi
fi
if ! running slurmd; then
  log "starting slurmd"
  if [ "$systemd" = yes ]; then systemctl restart slurmd; else /usr/sbin/slurmd -N "$host"; fi
fi

# --- wait for the controller and the node.
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q "UP" && break; sleep 0.3; done
scontrol ping | grep -q "UP" || die "slurmctld does not answer (see /var/log/slurm/slurmctld.log)"
state=""
for _ in $(seq 100); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1)
  case "$state" in
    idle*|mixed*|allocated*) break ;;
    down*|drain*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.3
done
case "$state" in
  idle*|mixed*|allocated*) log "ready: node $host is $state ($(sinfo -h -o '%P %D %c' | head -1))" ;;
  *) die "node $host is '$state', not idle (see /var/log/slurm/slurmd.log)" ;;
esac
