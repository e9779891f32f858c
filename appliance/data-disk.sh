#!/bin/sh
# Prepares the appliance's data disk: an ext4 file system labelled telltale-data, owned by the
# telltale user, mounted at /var/lib/telltale (fstab by label). Used by the Packer builds,
# which attach a second disk; the local build puts it on a second partition instead.
#   data-disk.sh DEVICE        (e.g. /dev/sdb, /dev/nvme1n1)
set -eu
dev=$1
[ -b "$dev" ] || { echo "data-disk.sh: $dev is not a block device" >&2; exit 1; }
if ! blkid -t LABEL=telltale-data "$dev" >/dev/null 2>&1; then
  mkfs.ext4 -q -F -L telltale-data -m 1 "$dev"
fi
mkdir -p /var/lib/telltale
grep -q 'LABEL=telltale-data' /etc/fstab \
  || echo 'LABEL=telltale-data /var/lib/telltale ext4 defaults,noatime,nodev,nosuid,noexec 0 2' >> /etc/fstab
mount /var/lib/telltale 2>/dev/null || true
chown telltale:telltale /var/lib/telltale 2>/dev/null || true
chmod 0750 /var/lib/telltale
