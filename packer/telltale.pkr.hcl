# Telltale appliance images: vSphere OVA (vsphere-iso), EC2 AMI (amazon-ebs), local qcow2 (qemu).
# Written for Packer 1.6.6 (Debian 12): builders are built in, so no `packer init` and no
# required_plugins block. Validate offline with:  packer validate packer/
# Build one target with:  packer build -only=vsphere-iso.telltale packer/   (or amazon-ebs.telltale,
# qemu.telltale) after `bin/telltale-image release`. See packer/README.md.

locals {
  name         = "telltale-appliance-${var.version}"
  release      = var.release_tarball != "" ? var.release_tarball : "${path.root}/../target/image/telltale-release-${var.version}.tar.gz"
  out          = var.output_dir != "" ? var.output_dir : "${path.root}/../target/packer"
  boot_command = [
    "<esc><wait>",
    "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg ",
    "priority=critical hostname=telltale domain= interface=auto ",
    "DEBIAN_FRONTEND=text console-setup/ask_detect=false keyboard-configuration/xkb-keymap=us ",
    "passwd/user-password=${var.build_password} passwd/user-password-again=${var.build_password} ",
    "<enter>"
  ]
}

source "vsphere-iso" "telltale" {
  vcenter_server      = var.vcenter_server
  username            = var.vcenter_username
  password            = var.vcenter_password
  insecure_connection = var.vcenter_insecure
  datacenter          = var.vsphere_datacenter
  cluster             = var.vsphere_cluster
  datastore           = var.vsphere_datastore
  folder              = var.vsphere_folder
  vm_name             = local.name
  vm_version          = 13
  guest_os_type       = "debian10_64Guest"
  firmware            = "bios"
  CPUs                = var.cpus
  RAM                 = var.memory_mb
  disk_controller_type = ["lsilogic"]
  storage {
    disk_size             = var.system_disk_gb * 1024
    disk_thin_provisioned = true
  }
  storage {
    disk_size             = var.data_disk_gb * 1024
    disk_thin_provisioned = true
  }
  network_adapters {
    network      = var.vsphere_network
    network_card = "vmxnet3"
  }
  iso_paths        = [var.vsphere_iso_path]
  http_directory   = "${path.root}/http"
  boot_wait        = "5s"
  boot_command     = local.boot_command
  ssh_username     = "build"
  ssh_password     = var.build_password
  ssh_timeout      = "45m"
  shutdown_command = "sudo -S shutdown -P now"
  convert_to_template = false
  export {
    output_directory = "${local.out}/vsphere"
    force            = true
    manifest         = "sha256"
  }
}

source "amazon-ebs" "telltale" {
  region        = var.aws_region
  instance_type = var.aws_instance_type
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["136693071363"] # Debian's official AMIs
    most_recent = true
  }
  ssh_username    = "admin"
  ami_name        = "${local.name}-{{timestamp}}"
  ami_description = "Telltale appliance ${var.version} (Debian 12)"
  ami_regions     = var.aws_ami_regions
  ena_support     = true
  sriov_support   = true
  encrypt_boot    = true
  kms_key_id      = var.aws_kms_key_id
  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.system_disk_gb
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    delete_on_termination = true
  }
  launch_block_device_mappings {
    device_name           = "/dev/xvdb"
    volume_size           = var.data_disk_gb
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    delete_on_termination = true
  }
  # Packer 1.6.6's amazon-ebs has no metadata_options (nor imds_support): the AMI is marked
  # IMDSv2-only after the build by scripts/finish.sh (aws ec2 modify-image-attribute
  # --imds-support v2.0), and instances are launched with HttpTokens=required (appliance/README.md).
  tags = {
    Name    = local.name
    Product = "telltale"
    Version = var.version
  }
}

source "qemu" "telltale" {
  vm_name          = "${local.name}.qcow2"
  iso_url          = var.iso_url
  iso_checksum     = var.iso_checksum
  output_directory = "${local.out}/qemu"
  accelerator      = "kvm"
  cpus             = var.cpus
  memory           = 2048
  disk_size        = "${var.system_disk_gb + var.data_disk_gb}G"
  disk_interface   = "virtio"
  format           = "qcow2"
  net_device       = "virtio-net"
  headless         = true
  http_directory   = "${path.root}/http"
  boot_wait        = "5s"
  boot_command     = local.boot_command
  ssh_username     = "build"
  ssh_password     = var.build_password
  ssh_timeout      = "45m"
  shutdown_command = "sudo -S shutdown -P now"
  # BIOS boot (the qemu builder of 1.6.6 has no `firmware` key; for UEFI use
  # qemuargs = [["-bios", "/usr/share/ovmf/OVMF.fd"]]).
}

build {
  sources = ["source.vsphere-iso.telltale", "source.amazon-ebs.telltale", "source.qemu.telltale"]

  # Shared provisioning: the appliance/ recipe and the release, installed as root.
  provisioner "file" {
    source      = "${path.root}/../appliance"
    destination = "/tmp/telltale-appliance"
  }
  provisioner "file" {
    source      = local.release
    destination = "/tmp/telltale-release.tar.gz"
  }
  provisioner "shell" {
    execute_command = "echo '${var.build_password}' | {{ .Vars }} sudo -S -E sh -eu '{{ .Path }}'"
    environment_vars = ["TT_PACKER_SOURCE=${source.type}"]
    scripts = ["${path.root}/scripts/provision.sh"]
  }
  # Last: delete the build user (vSphere, qemu) or the AMI's default login (EC2), seal.
  provisioner "shell" {
    execute_command = "echo '${var.build_password}' | {{ .Vars }} sudo -S -E sh -eu '{{ .Path }}'"
    environment_vars = ["TT_PACKER_SOURCE=${source.type}"]
    scripts = ["${path.root}/scripts/seal.sh"]
    expect_disconnect = true
  }

  post-processor "manifest" {
    output     = "${local.out}/packer-manifest.json"
    strip_path = false
    custom_data = {
      version = var.version
    }
  }
  # vSphere and qemu: the appliance's own OVF descriptor (ProductSection with the first-boot
  # properties, guestInfo transport), .mf and OVA; SHA-256 sums of every artefact.
  post-processor "shell-local" {
    environment_vars = [
      "TT_SOURCE=${source.type}",
      "TT_VERSION=${var.version}",
      "TT_OUT=${local.out}",
      "TT_SET_IMDS_V2_ONLY=${var.aws_set_imds_v2_only}",
      "TT_AWS_REGION=${var.aws_region}"
    ]
    script = "${path.root}/scripts/finish.sh"
  }
  post-processor "checksum" {
    checksum_types = ["sha256"]
    output         = "${local.out}/{{.BuildName}}_{{.ChecksumType}}.checksum"
  }
}
