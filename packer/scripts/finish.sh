#!/bin/sh
# Packer shell-local post-processor (on the build host), once per build:
#  vsphere-iso: the exported VMDK repacked with the appliance's OVF descriptor (ProductSection
#               with the first-boot properties, guestInfo transport) into .ovf/.mf/.ova
#  qemu:        qcow2 converted to a streamOptimized VMDK, then the same OVF package
#  amazon-ebs:  the AMI marked IMDSv2-only (aws ec2 modify-image-attribute --imds-support v2.0)
# and SHA256SUMS over the artefacts. Environment from the template: TT_SOURCE, TT_VERSION,
# TT_OUT, TT_SET_IMDS_V2_ONLY, TT_AWS_REGION; Packer adds PACKER_BUILD_NAME.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
make_ova=$here/../../appliance/ovf/make-ova.sh
case "$TT_SOURCE" in
  vsphere-iso)
    dir=$TT_OUT/vsphere
    vmdk=$(ls "$dir"/*/*-disk-0.vmdk "$dir"/*-disk-0.vmdk 2>/dev/null | head -n1)
    [ -n "$vmdk" ] || { echo "finish.sh: no exported system disk under $dir" >&2; exit 1; }
    # The data disk (disk-1) is left out: the OVA carries the system disk, and a data disk is
    # added at deployment (appliance/README.md); first boot grows the data partition otherwise.
    cap=$(sed -n 's/.*ovf:capacity="\([0-9]*\)".*ovf:diskId="vmdisk1".*/\1/p' "$(ls "$dir"/*/*.ovf "$dir"/*.ovf 2>/dev/null | head -n1)" | head -n1)
    sh "$make_ova" "$vmdk" "$TT_VERSION" "${cap:-8589934592}" "$TT_OUT/ova" ;;
  qemu)
    q=$TT_OUT/qemu/telltale-appliance-$TT_VERSION.qcow2
    qemu-img convert -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$q" "$TT_OUT/qemu/disk1.vmdk"
    cap=$(qemu-img info --output=json "$q" | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p' | head -n1)
    sh "$make_ova" "$TT_OUT/qemu/disk1.vmdk" "$TT_VERSION" "$cap" "$TT_OUT/ova"
    rm -f "$TT_OUT/qemu/disk1.vmdk" ;;
  amazon-ebs)
    if [ "$TT_SET_IMDS_V2_ONLY" = true ]; then
      ami=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); b=[x for x in m["builds"] if x["builder_type"]=="amazon-ebs"][-1]; print(" ".join(p.split(":")[1] for p in b["artifact_id"].split(",")))' "$TT_OUT/packer-manifest.json" 2>/dev/null || true)
      for id in $ami; do
        aws ec2 modify-image-attribute --region "$TT_AWS_REGION" --image-id "$id" --imds-support v2.0
        echo "finish.sh: $id is IMDSv2-only"
      done
    fi ;;
esac
if [ -d "$TT_OUT/ova" ]; then
  (cd "$TT_OUT/ova" && sha256sum -- * | grep -v SHA256SUMS > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
fi
