#!/bin/sh
# Packer shell provisioner (as root on the build VM): the appliance from the shared recipe.
# TT_PACKER_SOURCE: vsphere-iso, amazon-ebs or qemu.
set -eu
export DEBIAN_FRONTEND=noninteractive
mkdir -p /tmp/telltale-release
tar -xzf /tmp/telltale-release.tar.gz -C /tmp/telltale-release
rel=$(find /tmp/telltale-release -mindepth 1 -maxdepth 1 -type d | head -n1)
if [ "$TT_PACKER_SOURCE" = amazon-ebs ]; then
  # The appliance's first boot reads user-data itself (IMDSv2); cloud-init must not also act on it
  # (it would create users, inject keys and regenerate host keys on its own terms).
  apt-get purge -y -qq cloud-init >/dev/null 2>&1 || true
  rm -rf /etc/cloud /var/lib/cloud
fi
sh /tmp/telltale-appliance/install.sh "$rel"
# The second disk holds the data (vSphere: sdb; EC2 Nitro: the non-root NVMe namespace, or xvdb).
data=""
for d in /dev/sdb /dev/xvdb /dev/vdb; do [ -b "$d" ] && data=$d && break; done
if [ -z "$data" ]; then
  rootdisk=$(lsblk -no PKNAME "$(findmnt -no SOURCE /)" | head -n1)
  data=$(lsblk -dno NAME,TYPE | awk -v r="$rootdisk" '$2 == "disk" && $1 != r && $1 ~ /^nvme/ { print "/dev/" $1; exit }')
fi
if [ -n "$data" ]; then
  sh /tmp/telltale-appliance/data-disk.sh "$data"
else
  echo "provision.sh: no second disk; data stays on the system disk (qemu builds)"
fi
rm -rf /tmp/telltale-release /tmp/telltale-release.tar.gz
