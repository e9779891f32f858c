#!/bin/sh
# Packer's last provisioner: removes every trace of the build so that each instance gets its own
# identity at first boot (machine-id, SSH host keys, certificates, passwords).
set -eu
# The temporary build user (vSphere, qemu) is removed at the next boot by a one-shot unit,
# because Packer is still logged in as it now.
if id build >/dev/null 2>&1; then
  cat > /etc/systemd/system/telltale-remove-build-user.service <<'UNIT'
[Unit]
Description=Remove the image build user
Before=telltale-firstboot.service ssh.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'userdel -r build 2>/dev/null; rm -f /etc/sudoers.d/build; systemctl disable telltale-remove-build-user.service; rm -f /etc/systemd/system/telltale-remove-build-user.service'
[Install]
WantedBy=multi-user.target
UNIT
  systemctl enable telltale-remove-build-user.service
  passwd -l build
fi
rm -f /etc/ssh/ssh_host_* /etc/telltale/firstboot.done /etc/telltale/.hostkeys-done
rm -f /home/admin/.ssh/authorized_keys
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id
rm -rf /var/lib/telltale/* /var/lib/telltale/.[!.]* 2>/dev/null || true
journalctl --rotate >/dev/null 2>&1 || true
journalctl --vacuum-time=1s >/dev/null 2>&1 || true
rm -rf /tmp/* /var/tmp/* /var/lib/apt/lists/* /root/.bash_history
sync
