#!/bin/sh
# Reduced image check for CI (fast, no image build, no VM):
#  1. `packer validate` of the templates (packer/ with packer/validate.pkrvars.hcl); skipped with
#     a message when packer is not installed (Debian: apt-get install packer)
#  2. the first-boot scripts against fixture OVF environments, user-data and a fake IMDSv2
#     (appliance/tests/test-firstboot.sh)
#  3. the OVF descriptor rendered from the template, validated with xmllint against the subset
#     of the DMTF OVF 1.1 envelope schema in appliance/ovf/ (and the DMTF schema itself when
#     TT_OVF_SCHEMA names it), cross-references checked, the OVA packed from a small disk:
#     member order .ovf, .mf, disk; manifest sums right
#  4. syntax of every shell script of appliance/ and packer/
# Needs sh, awk, sed, openssl, ssh-keygen, xmllint (libxml2-utils), tar; qemu-img optional.
# Prints "N passed, N failed" last; exits non-zero on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; }

echo "# packer templates"
if command -v packer >/dev/null 2>&1; then
  : > "$tmp/release.tar.gz"   # validate only checks that the release file exists
  if out=$(cd "$root" && packer validate -var-file=packer/validate.pkrvars.hcl -var "release_tarball=$tmp/release.tar.gz" packer/ 2>&1); then
    ok "packer validate packer/ ($(packer version | head -n1))"
  else
    bad "packer validate packer/" "$out"
  fi
elif [ -n "${TELLTALE_REQUIRE_IMAGE_TOOLS:-}" ]; then
  bad "packer is missing (Debian: apt-get install packer)"
else
  echo "skip packer validate: packer is not installed (Debian: apt-get install packer)"
fi

echo "# first boot"
if out=$(sh "$here/test-firstboot.sh" 2>&1); then
  ok "first-boot scripts: $(printf '%s\n' "$out" | tail -n1)"
else
  bad "first-boot scripts" "$(printf '%s\n' "$out" | grep -v '^ok ')"
fi

echo "# OVF descriptor and OVA"
xsd=$root/appliance/ovf/ovf-envelope-subset.xsd
if ! command -v xmllint >/dev/null 2>&1; then
  # a developer's machine may lack it (JDK and Maven are all bin/telltale-test assumes); CI installs it
  if [ -n "${TELLTALE_REQUIRE_IMAGE_TOOLS:-}" ]; then
    bad "xmllint is missing (apt-get install libxml2-utils)"
  else
    echo "skip the OVF descriptor checks: xmllint is not installed (apt-get install libxml2-utils)"
  fi
else
  disk=$tmp/in.vmdk
  if command -v qemu-img >/dev/null 2>&1; then
    qemu-img create -q -f vmdk -o subformat=streamOptimized "$disk" 64M
  else
    head -c 65536 /dev/urandom > "$disk"
  fi
  sh "$root/appliance/ovf/make-ova.sh" "$disk" 9.9.9-check 67108864 "$tmp/ova" >/dev/null
  ovf=$tmp/ova/telltale-appliance-9.9.9-check.ovf
  if out=$(xmllint --noout --schema "$xsd" "$ovf" 2>&1); then ok "descriptor valid against the OVF envelope subset schema"; else bad "descriptor vs subset schema" "$out"; fi
  if [ -n "${TT_OVF_SCHEMA:-}" ]; then
    if out=$(xmllint --noout --schema "$TT_OVF_SCHEMA" "$ovf" 2>&1); then ok "descriptor valid against $TT_OVF_SCHEMA"; else bad "descriptor vs $TT_OVF_SCHEMA" "$out"; fi
  fi
  # The schema must reject what vSphere would: a few broken descriptors.
  sed 's|<rasd:ElementName>Hard Disk 1</rasd:ElementName>||' "$ovf" > "$tmp/no-name.ovf"
  sed 's|<References>|<Referencez>|; s|</References>|</Referencez>|' "$ovf" > "$tmp/bad-refs.ovf"
  sed 's|ovf:key="admin_password"|ovf:key="admin.password"|' "$ovf" > "$tmp/bad-key.ovf"
  awk '/<rasd:InstanceID>1<\/rasd:InstanceID>/ { held = $0; next } /<rasd:ResourceType>3<\/rasd:ResourceType>/ { print; print held; next } { print }' "$ovf" > "$tmp/bad-order.ovf"
  for b in no-name bad-refs bad-key bad-order; do
    if xmllint --noout --schema "$xsd" "$tmp/$b.ovf" >/dev/null 2>&1; then bad "schema rejects a broken descriptor ($b)"; else ok "schema rejects a broken descriptor ($b)"; fi
  done
  # Cross-references the schema cannot see.
  refs_ok=1
  for id in $(sed -n 's/.*<Disk [^>]*ovf:fileRef="\([^"]*\)".*/\1/p' "$ovf"); do grep -q "ovf:id=\"$id\"" "$ovf" || refs_ok=0; done
  for d in $(sed -n 's|.*<rasd:HostResource>ovf:/disk/\([^<]*\)</rasd:HostResource>.*|\1|p' "$ovf"); do grep -q "ovf:diskId=\"$d\"" "$ovf" || refs_ok=0; done
  grep -q 'VirtualHardwareSection ovf:transport="com.vmware.guestInfo"' "$ovf" || refs_ok=0
  grep -q '<vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>' "$ovf" || refs_ok=0
  size=$(sed -n 's/.*<File [^>]*ovf:size="\([0-9]*\)".*/\1/p' "$ovf")
  [ "$size" = "$(stat -c %s "$tmp/ova/telltale-appliance-9.9.9-check-disk1.vmdk")" ] || refs_ok=0
  if [ $refs_ok = 1 ]; then ok "file, disk and host-resource references resolve; guestInfo transport; vmx-13; file size right"; else bad "OVF cross-references"; fi
  props=$(sed -n 's/.*<Property ovf:key="\([^"]*\)".*/\1/p' "$ovf" | tr '\n' ' ')
  keys=$(sed -n 's/^TT_KEYS="\(.*\)"/\1/p' "$root/appliance/rootfs/usr/lib/telltale/settings.sh")
  missing=""
  for k in $props; do case " $keys " in *" $k "*) ;; *) missing="$missing $k" ;; esac; done
  if [ -z "$missing" ]; then ok "every OVF property is a key first boot reads ($props)"; else bad "OVF properties first boot ignores:$missing"; fi
  members=$(tar -tf "$tmp/ova/telltale-appliance-9.9.9-check.ova" | tr '\n' ' ')
  if [ "$members" = "telltale-appliance-9.9.9-check.ovf telltale-appliance-9.9.9-check.mf telltale-appliance-9.9.9-check-disk1.vmdk " ]; then
    ok "OVA members in order: .ovf, .mf, disk"
  else
    bad "OVA member order" "$members"
  fi
  mkdir -p "$tmp/x" && tar -xf "$tmp/ova/telltale-appliance-9.9.9-check.ova" -C "$tmp/x"
  mf_ok=1
  while read -r line; do
    f=$(printf '%s' "$line" | sed -n 's/^SHA256(\(.*\))= .*/\1/p')
    h=$(printf '%s' "$line" | sed -n 's/^SHA256(.*)= \(.*\)/\1/p')
    [ -n "$f" ] && [ "$(sha256sum "$tmp/x/$f" | cut -d' ' -f1)" = "$h" ] || mf_ok=0
  done < "$tmp/x/telltale-appliance-9.9.9-check.mf"
  if [ $mf_ok = 1 ] && [ "$(wc -l < "$tmp/x/telltale-appliance-9.9.9-check.mf")" = 2 ]; then ok "manifest: SHA-256 of descriptor and disk match"; else bad "manifest sums"; fi
  # An image built earlier is checked too.
  for built in "$root"/target/image/telltale-appliance-*.ovf; do
    [ -f "$built" ] || continue
    if out=$(xmllint --noout --schema "$xsd" "$built" 2>&1); then ok "built descriptor $(basename "$built") valid"; else bad "built descriptor $(basename "$built")" "$out"; fi
  done
fi

echo "# shell syntax"
syntax_ok=1
for f in "$root"/appliance/*.sh "$root"/appliance/telltale-server "$root"/appliance/ovf/*.sh "$root"/appliance/tests/*.sh \
         "$root"/appliance/rootfs/usr/lib/telltale/* "$root"/packer/scripts/*.sh; do
  sh -n "$f" 2>"$tmp/err" || { syntax_ok=0; cat "$tmp/err"; }
done
bash -n "$root/bin/telltale-image" 2>"$tmp/err" || { syntax_ok=0; cat "$tmp/err"; }
if [ $syntax_ok = 1 ]; then ok "sh -n / bash -n on every script"; else bad "shell syntax"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
