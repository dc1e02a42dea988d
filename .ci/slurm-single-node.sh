#!/bin/sh
# .ci/slurm-single-node.sh [STATE_DIR]: starts a single-node Slurm cluster
# (munged, slurmctld, slurmd) without systemd, as root, in a second or two,
# for the Slurm tests of cmd/carbonbudget (which skip with a message when no
# cluster answers). Needs Debian's slurm-wlm and munge. Overwrites
# /etc/slurm/slurm.conf: for CI and test machines only.
set -eu
dir=${1:-/tmp/slurm}
mkdir -p "$dir/state" "$dir/spool" "$dir/log" /run/munge /etc/slurm
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
if [ ! -f /etc/munge/munge.key ]; then
	mkdir -p /etc/munge
	dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
chmod 700 /etc/munge
pgrep -x munged >/dev/null || su -s /bin/sh munge -c "/usr/sbin/munged --force" || /usr/sbin/munged --force
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=carbonbudget-test
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld -c
pgrep -x slurmd >/dev/null || slurmd
for i in $(seq 1 30); do
	if sinfo -h -o %T 2>/dev/null | grep -q idle; then echo "slurm up: $(sinfo -h)"; exit 0; fi
	sleep 1
done
echo "slurm did not come up"; tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log"; exit 1
