#!/bin/sh
# Packs a streamOptimized VMDK into the appliance's OVF package and OVA:
#   make-ova.sh VMDK VERSION CAPACITY_BYTES OUT_DIR
# writes OUT_DIR/telltale-appliance-VERSION.{ovf,mf,ova} (and copies the VMDK beside them as
# telltale-appliance-VERSION-disk1.vmdk). The OVA is a POSIX tar with the descriptor first,
# then the manifest, then the disk, as OVF requires; the manifest holds SHA-256 sums.
# Used by bin/telltale-image build and by the Packer templates' post-processors.
set -eu
vmdk=$1 version=$2 capacity=$3 outdir=$4
here=$(cd "$(dirname "$0")" && pwd)
name=telltale-appliance-$version
disk=$name-disk1.vmdk
mkdir -p "$outdir"
[ "$(cd "$(dirname "$vmdk")" && pwd)/$(basename "$vmdk")" = "$(cd "$outdir" && pwd)/$disk" ] || cp "$vmdk" "$outdir/$disk"
size=$(stat -c %s "$outdir/$disk")
sed -e "s|@VERSION@|$version|g" -e "s|@DISK_FILE@|$disk|g" -e "s|@DISK_FILE_SIZE@|$size|g" \
  -e "s|@CAPACITY@|$capacity|g" "$here/telltale-appliance.ovf.in" > "$outdir/$name.ovf"
cd "$outdir"
for f in "$name.ovf" "$disk"; do
  printf 'SHA256(%s)= %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"
done > "$name.mf"
rm -f "$name.ova"
tar --format=ustar --owner=0 --group=0 --numeric-owner -cf "$name.ova" "$name.ovf" "$name.mf" "$disk"
echo "$outdir/$name.ova"
