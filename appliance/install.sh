#!/bin/sh
# Turns a Debian 12 system into the Telltale appliance. Runs as root inside the target: in a
# chroot (bin/telltale-image build) or over SSH (Packer's shell provisioner).
#
#   install.sh RELEASE_DIR
#
# RELEASE_DIR holds VERSION, lib/telltale-server.jar with lib/libs/, runtime/ (a Java 21+
# runtime made by jlink) and bundles/ (the agent bundles the appliance serves). This script's
# directory is the appliance/ recipe (rootfs/, packages.txt, telltale-server).
# Environment: TT_SKIP_APT=1 (packages already there), TT_DATA_LABEL=1 (mount the file system
# labelled telltale-data at /var/lib/telltale even if it is not visible now).
set -eu
rel=$1
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$rel/VERSION")
say() { echo "install.sh: $*"; }
export DEBIAN_FRONTEND=noninteractive

if [ -z "${TT_SKIP_APT:-}" ]; then
  say "packages"
  apt-get update -qq
  # shellcheck disable=SC2046
  apt-get install -y -qq --no-install-recommends $(grep -v '^#' "$here/packages.txt") >/dev/null
fi

say "users"
getent group telltale >/dev/null || groupadd --system telltale
getent passwd telltale >/dev/null || useradd --system --gid telltale --home-dir /var/lib/telltale \
  --no-create-home --shell /usr/sbin/nologin --comment "Telltale appliance server" telltale
getent group telltale-ssh >/dev/null || groupadd --system telltale-ssh
# The OS administrator: SSH keys only (from first-boot settings), sudo; '*' = no password at all.
getent passwd admin >/dev/null || useradd --create-home --shell /bin/bash --comment "Appliance administrator" admin
usermod -p '*' -a -G sudo,adm,systemd-journal,telltale-ssh admin
passwd -l root >/dev/null

say "release $version"
dest=/opt/telltale/releases/$version
rm -rf "$dest.new"
mkdir -p "$dest.new/bin"
cp -a "$rel/lib" "$rel/runtime" "$rel/bundles" "$rel/VERSION" "$dest.new/"
[ -d "$rel/release-keys" ] && cp -a "$rel/release-keys" "$dest.new/"
[ -f "$rel/README.txt" ] && cp "$rel/README.txt" "$dest.new/"
install -m 0755 "$here/telltale-server" "$dest.new/bin/telltale-server"
chown -R root:root "$dest.new"
chmod -R go-w,a+rX "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"
ln -sfn "releases/$version" /opt/telltale/current.new
mv -T /opt/telltale/current.new /opt/telltale/current

say "system files"
cp -r "$here/rootfs/." /
chmod 0440 /etc/sudoers.d/telltale-admin
chmod 0755 /usr/lib/telltale/firstboot /usr/lib/telltale/after-start /usr/lib/telltale/console-status \
  /usr/lib/telltale/upgrade-apply
# The release keys this appliance trusts for upgrade bundles (docs/upgrades.md).
mkdir -p /etc/telltale/release-keys
if ls "$rel"/release-keys/*.pub >/dev/null 2>&1; then
  install -m 0644 "$rel"/release-keys/*.pub /etc/telltale/release-keys/
else
  say "WARNING: the release carries no release keys: this appliance will refuse every upgrade bundle"
fi
chmod 0640 /etc/telltale/telltale.env
mkdir -p /var/lib/telltale
if [ -n "${TT_DATA_LABEL:-}" ] || blkid -t LABEL=telltale-data >/dev/null 2>&1; then
  grep -q 'LABEL=telltale-data' /etc/fstab 2>/dev/null \
    || echo 'LABEL=telltale-data /var/lib/telltale ext4 defaults,noatime,nodev,nosuid,noexec 0 2' >> /etc/fstab
fi

say "services"
systemctl enable telltale-firstboot.service telltale.service telltale-ready.service telltale-console.service \
  telltale-upgrade.path \
  nftables.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
  ssh.service serial-getty@ttyS0.service >/dev/null 2>&1
systemctl disable networking.service >/dev/null 2>&1 || true
ln -sfn ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
mkdir -p /var/log/journal

say "generalize (no identity of this build survives)"
rm -f /etc/telltale/firstboot.done /etc/telltale/.hostkeys-done /etc/ssh/ssh_host_*
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
echo telltale > /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttelltale\n::1\tlocalhost ip6-localhost ip6-loopback\n' > /etc/hosts
rm -f /etc/systemd/network/10-telltale.network /etc/systemd/timesyncd.conf.d/50-telltale.conf
rm -f /home/admin/.ssh/authorized_keys
printf 'Telltale appliance %s - first boot in progress\n\n' "$version" > /etc/issue
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
say "done: Telltale $version installed"
