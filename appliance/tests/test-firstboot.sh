#!/bin/sh
# Tests the appliance's first-boot script against fixture OVF environments, cloud-config and
# key=value user-data, a NoCloud seed and a fake EC2 metadata service (IMDSv2), in a scratch
# directory standing for / (TT_ROOT). Needs sh, awk, sed, ssh-keygen, openssl.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
lib=$(cd "$here/../rootfs/usr/lib/telltale" && pwd)
fx=$here/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# Stubs first in PATH: no real machine is touched.
stubs=$tmp/stubs
mkdir -p "$stubs"
cat > "$stubs/systemd-machine-id-setup" <<'EOF'
#!/bin/sh
root=""; for a in "$@"; do case "$a" in --root=*) root=${a#--root=} ;; esac; done
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$root/etc/machine-id"; echo >> "$root/etc/machine-id"
EOF
cat > "$stubs/systemd-detect-virt" <<'EOF'
#!/bin/sh
echo "${FAKE_VIRT:-none}"
EOF
cat > "$stubs/vmtoolsd" <<'EOF'
#!/bin/sh
[ "$1 $2" = "--cmd info-get guestinfo.ovfEnv" ] || { echo "unexpected vmtoolsd call: $*" >&2; exit 1; }
cat "$FAKE_OVFENV"
EOF
# A fake IMDS: the token only through PUT with a TTL header; data only with that token.
cat > "$stubs/curl" <<'EOF'
#!/bin/sh
method=GET; url=""; out=""; ttl=""; tok=""
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift ;;
    -H) case "$2" in X-aws-ec2-metadata-token-ttl-seconds:*) ttl=1 ;; X-aws-ec2-metadata-token:*) tok=${2#*: } ;; esac; shift ;;
    -o) out=$2; shift ;;
    --connect-timeout|--max-time) shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
echo "$method $url" >> "$FAKE_IMDS_LOG"
[ -n "${FAKE_IMDS_DIR:-}" ] || exit 7
path=${url#http://169.254.169.254}
if [ "$path" = /latest/api/token ]; then
  [ "$method" = PUT ] && [ -n "$ttl" ] && [ -z "${FAKE_IMDS_V1_ONLY:-}" ] || exit 22
  printf 'TOKEN123'; exit 0
fi
[ "$tok" = TOKEN123 ] || exit 22
f=$FAKE_IMDS_DIR$path
[ -f "$f" ] || exit 22
if [ -n "$out" ]; then cat "$f" > "$out"; else cat "$f"; fi
EOF
cat > "$stubs/sleep" <<'EOF'
#!/bin/sh
exit 0
EOF
chmod +x "$stubs"/*
export PATH="$stubs:$PATH" FAKE_IMDS_LOG=$tmp/imds.log
: > "$FAKE_IMDS_LOG"

# A fresh generalized image root, as install.sh leaves it.
newroot() {
  r=$tmp/$1
  rm -rf "$r"
  mkdir -p "$r/etc/ssh" "$r/etc/telltale" "$r/etc/systemd/network" "$r/usr/lib/telltale" "$r/home/admin" "$r/run" "$r/dmi"
  : > "$r/etc/machine-id"
  echo telltale > "$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\ttelltale\n' > "$r/etc/hosts"
  echo none > "$r/dmi/sys_vendor"
  echo "$r"
}
firstboot() {  # ROOT [args]: runs the real script with the test hooks
  r=$1; shift
  TT_ROOT=$r TT_RUN=$r/run TT_LIB=$lib TT_DMI_DIR=$r/dmi sh "$lib/firstboot" "$@" > "$r.out" 2>&1
}
has() { grep -qxF -- "$2" "$1" 2>/dev/null; }
tree_sum() { (cd "$1" && find . -type f -exec sha256sum {} + | sort) | sha256sum; }

echo "# settings parsers"
. "$lib/settings.sh"
tt_parse_ovfenv < "$fx/ovfenv-static.xml" > "$tmp/ovf.txt"
check "OVF: known properties read, unknown ignored" '[ "$(cut -d= -f1 "$tmp/ovf.txt" | tr "\n" " ")" = "hostname ip netmask gateway dns domain ntp admin_password ssh_authorized_key " ]'
check "OVF: entities decoded" 'has "$tmp/ovf.txt" "admin_password=S3cret & \"quoted\" \$HOME \`x\` <ok>"'
tt_parse_ovfenv < "$fx/ovfenv-dhcp.xml" > "$tmp/ovf2.txt"
check "OVF: empty properties dropped (one-line XML)" '[ "$(cat "$tmp/ovf2.txt")" = "ntp=pool.ntp.org" ]'
tt_parse_userdata < "$fx/user-data-cloud-config" > "$tmp/cc.txt"
check "cloud-config: hostname" 'has "$tmp/cc.txt" "hostname=tt-aws-01"'
check "cloud-config: both SSH keys (plain and quoted)" '[ "$(grep -c ^ssh_authorized_key= "$tmp/cc.txt")" = 2 ] && has "$tmp/cc.txt" "ssh_authorized_key=ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQTestKeyThree ops@jump"'
check "cloud-config: ntp.servers flow list" 'has "$tmp/cc.txt" "ntp=169.254.169.123"'
check "cloud-config: telltale block, single-quoted value with '' and #" 'has "$tmp/cc.txt" "admin_password=It'"'"'s-a-long-passphrase: 42 # not a comment"'
check "cloud-config: other keys ignored" '! grep -q packages "$tmp/cc.txt"'
check "prefix of a dotted netmask" '[ "$(tt_prefix 255.255.254.0)" = 23 ] && [ "$(tt_prefix 255.255.255.0)" = 24 ] && [ "$(tt_prefix 16)" = 16 ]'

echo "# OVF properties through vmtoolsd (static network)"
r=$(newroot ovf)
echo "0123456789abcdef0123456789abcdef" > "$r/etc/machine-id"
cp "$r/etc/machine-id" "$r/usr/lib/telltale/image-machine-id"
FAKE_VIRT=vmware FAKE_OVFENV=$fx/ovfenv-static.xml firstboot "$r"; rc=$?
check "exit status 0" "[ $rc -eq 0 ] && grep -q \"done; the Telltale server starts next\" \"$r.out\""
check "machine-id regenerated (was the image's)" '[ -s "$r/etc/machine-id" ] && ! cmp -s "$r/etc/machine-id" "$r/usr/lib/telltale/image-machine-id"'
check "SSH host keys generated" 'ls "$r"/etc/ssh/ssh_host_ed25519_key "$r"/etc/ssh/ssh_host_rsa_key >/dev/null 2>&1'
check "hostname and hosts" 'has "$r/etc/hostname" tt-prod-01 && has "$r/etc/hosts" "127.0.1.1	tt-prod-01.corp.example tt-prod-01" && [ "$(grep -c ^127.0.1.1 "$r/etc/hosts")" = 1 ]'
n=$r/etc/systemd/network/10-telltale.network
check "static address with prefix from netmask" 'has "$n" "Address=10.20.30.40/23" && has "$n" "Gateway=10.20.30.1" && ! grep -q DHCP "$n"'
check "DNS servers and domain" 'has "$n" "DNS=10.20.0.53" && has "$n" "DNS=10.20.0.54" && has "$n" "Domains=corp.example"'
check "NTP servers" 'has "$r/etc/systemd/timesyncd.conf.d/50-telltale.conf" "NTP=ntp1.corp.example ntp2.corp.example"'
check "admin SSH key" 'has "$r/home/admin/.ssh/authorized_keys" "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOvfTestKeyOne ops@corp"'
env=$r/run/telltale-firstboot/admin.env
check "admin password only under /run, mode 0600" '[ "$(stat -c %a "$env")" = 600 ] && ! grep -rqs S3cret "$r/etc" "$r/home" "$r/usr"'
check "admin password survives EnvironmentFile quoting" '[ "$(sh -c ". \"$env\"; printf %s \"\$TELLTALE_ADMIN_PASSWORD\"")" = "S3cret & \"quoted\" \$HOME \`x\` <ok>" ]'
check "password never printed" '! grep -q S3cret "$r.out"'
check "marker written" '[ -s "$r/etc/telltale/firstboot.done" ]'
check "no IMDS call off EC2" '[ ! -s "$FAKE_IMDS_LOG" ]'
before=$(tree_sum "$r")
FAKE_VIRT=vmware FAKE_OVFENV=$fx/ovfenv-static.xml firstboot "$r"
check "second boot: nothing to do, nothing changed" 'grep -q "already done" "$r.out" && [ "$(tree_sum "$r")" = "$before" ]'
keys_before=$(cat "$r"/etc/ssh/ssh_host_ed25519_key.pub)
FAKE_VIRT=vmware FAKE_OVFENV=$fx/ovfenv-static.xml firstboot "$r" --force
check "forced rerun keeps host keys and machine-id, same settings" '[ "$(cat "$r"/etc/ssh/ssh_host_ed25519_key.pub)" = "$keys_before" ] && has "$n" "Address=10.20.30.40/23" && [ "$(grep -c ^127.0.1.1 "$r/etc/hosts")" = 1 ]'

echo "# OVF properties left empty (DHCP)"
r=$(newroot ovfdhcp)
TT_OVFENV_FILE=$fx/ovfenv-dhcp.xml firstboot "$r"
check "DHCP: no network override" '[ ! -e "$r/etc/systemd/network/10-telltale.network" ] && grep -q "network: DHCP" "$r.out"'
check "hostname unchanged" 'has "$r/etc/hostname" telltale'
check "no admin password file: the server generates one" '[ ! -e "$r/run/telltale-firstboot/admin.env" ] && grep -q "generated by the server" "$r.out"'
check "empty machine-id filled" '[ "$(wc -c < "$r/etc/machine-id")" = 33 ]'
ida=$(cat "$r/etc/machine-id"); ka=$(cat "$r"/etc/ssh/ssh_host_ed25519_key.pub)
r2=$(newroot ovfdhcp2)
TT_OVFENV_FILE=$fx/ovfenv-dhcp.xml firstboot "$r2"
check "two instances: different machine-id and host keys" '[ "$(cat "$r2/etc/machine-id")" != "$ida" ] && [ "$(cat "$r2"/etc/ssh/ssh_host_ed25519_key.pub)" != "$ka" ]'

echo "# NoCloud seed directory"
r=$(newroot nocloud)
mkdir -p "$r/var/lib/cloud/seed"
cp -r "$fx/nocloud" "$r/var/lib/cloud/seed/nocloud"
firstboot "$r"
check "meta-data local-hostname" 'has "$r/etc/hostname" tt-nocloud'
check "user-data telltale block: password and NTP" '[ "$(sh -c ". \"$r/run/telltale-firstboot/admin.env\"; printf %s \"\$TELLTALE_ADMIN_PASSWORD\"")" = NoCloud-Pass-9 ] && has "$r/etc/systemd/timesyncd.conf.d/50-telltale.conf" "NTP=time.example.org"'
check "source reported" 'grep -q "settings from: nocloud(/var/lib/cloud/seed/nocloud)" "$r.out"'

echo "# EC2 user-data over IMDSv2"
r=$(newroot ec2)
echo "Amazon EC2" > "$r/dmi/sys_vendor"
imds=$tmp/imds
mkdir -p "$imds/latest/meta-data/public-keys/0"
cp "$fx/user-data-cloud-config" "$imds/latest/user-data"
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOvfKeyPairFromEC2 my-keypair" > "$imds/latest/meta-data/public-keys/0/openssh-key"
: > "$FAKE_IMDS_LOG"
FAKE_IMDS_DIR=$imds firstboot "$r"
check "token fetched with PUT first (IMDSv2)" '[ "$(head -n1 "$FAKE_IMDS_LOG")" = "PUT http://169.254.169.254/latest/api/token" ]'
check "user-data applied: hostname, NTP" 'has "$r/etc/hostname" tt-aws-01 && has "$r/etc/systemd/timesyncd.conf.d/50-telltale.conf" "NTP=169.254.169.123"'
n=$r/etc/systemd/network/10-telltale.network
check "DNS override keeps DHCP for the address" 'has "$n" "DHCP=yes" && has "$n" "DNS=10.0.0.2" && has "$n" "UseDNS=no"'
check "key pair and user-data keys for admin" '[ "$(wc -l < "$r/home/admin/.ssh/authorized_keys")" = 3 ] && grep -q KeyPairFromEC2 "$r/home/admin/.ssh/authorized_keys"'
check "public host for agents" 'has "$r/etc/telltale/telltale.env" "TELLTALE_PUBLIC__HOST=telltale.aws.example"'
check "password with quote, colon and hash" '[ "$(sh -c ". \"$r/run/telltale-firstboot/admin.env\"; printf %s \"\$TELLTALE_ADMIN_PASSWORD\"")" = "It'"'"'s-a-long-passphrase: 42 # not a comment" ]'
r=$(newroot ec2v1)
echo "Amazon EC2" > "$r/dmi/sys_vendor"
FAKE_IMDS_DIR=$imds FAKE_IMDS_V1_ONLY=1 firstboot "$r"
check "no IMDSv2 token: nothing read, said so, still finishes" 'grep -q "IMDSv2) did not answer" "$r.out" && has "$r/etc/hostname" telltale && [ -s "$r/etc/telltale/firstboot.done" ]'

echo "# key=value user-data and invalid values"
r=$(newroot kv)
mkdir -p "$r/var/lib/cloud/seed/nocloud"
cp "$fx/user-data-keyvalue" "$r/var/lib/cloud/seed/nocloud/user-data"
firstboot "$r"
n=$r/etc/systemd/network/10-telltale.network
check "static address in CIDR form" 'has "$n" "Address=192.168.50.10/24" && has "$n" "Gateway=192.168.50.1" && has "$r/etc/hostname" tt-lab'
r=$(newroot bad)
mkdir -p "$r/var/lib/cloud/seed/nocloud"
cp "$fx/user-data-bad" "$r/var/lib/cloud/seed/nocloud/user-data"
firstboot "$r"
check "invalid hostname ignored" 'has "$r/etc/hostname" telltale && grep -q "ignoring invalid hostname" "$r.out"'
check "invalid IP falls back to DHCP" '[ ! -e "$r/etc/systemd/network/10-telltale.network" ] && grep -q "ignoring invalid IP" "$r.out"'
check "empty password: generated by the server" '[ ! -e "$r/run/telltale-firstboot/admin.env" ]'

echo "# console status screen"
d=$tmp/data
mkdir -p "$d/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/tls/ca.key" -out "$d/tls/ca.crt" -subj /CN=ca -days 1 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/tls/server.key" -out "$d/tls/server.crt" -subj /CN=srv -days 1 2>/dev/null
TT_DATA=$d TT_ISSUE=$tmp/issue sh "$lib/console-status"
fp=$(openssl x509 -noout -fingerprint -sha256 -in "$d/tls/server.crt" | sed 's/^.*=//')
check "/etc/issue: URL and server certificate fingerprint" 'grep -qF "https://\\4/" "$tmp/issue" && grep -qF "$fp" "$tmp/issue"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
