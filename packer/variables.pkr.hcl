# Variables of the Telltale appliance templates. Credentials have empty defaults so that
# `packer validate` runs offline; give them through PKR_VAR_* environment variables, never
# in a committed file.

variable "version" {
  type        = string
  description = "Appliance version (the project version)"
  default     = "0.1.0-SNAPSHOT"
}

variable "release_tarball" {
  type        = string
  description = "The release made by `bin/telltale-image release` (server, jlink runtime, agent bundles); empty: target/image/telltale-release-<version>.tar.gz"
  default     = ""
}

variable "output_dir" {
  type        = string
  description = "Where artefacts, packer-manifest.json and SHA256SUMS go; empty: target/packer"
  default     = ""
}

variable "cpus" {
  type    = number
  default = 2
}

variable "memory_mb" {
  type    = number
  default = 8192
}

variable "system_disk_gb" {
  type        = number
  description = "System disk (OS, releases, journal)"
  default     = 8
}

variable "data_disk_gb" {
  type        = number
  description = "Data disk mounted at /var/lib/telltale (events, database, certificates)"
  default     = 100
}

# --- Debian installer (vsphere-iso, qemu) ---------------------------------------------------
variable "iso_url" {
  type    = string
  default = "https://cdimage.debian.org/cdimage/release/current/amd64/iso-cd/debian-12.8.0-amd64-netinst.iso"
}

variable "iso_checksum" {
  type        = string
  description = "sha256:<hex> of the netinst ISO (no default: a build must name the ISO it trusts)"
}

variable "build_password" {
  type        = string
  description = "Password of the temporary build user; the user is deleted before the image is sealed"
  default     = "telltale-build"
  sensitive   = true
}

# --- vSphere -------------------------------------------------------------------------------
variable "vcenter_server" {
  type    = string
  default = ""
}

variable "vcenter_username" {
  type    = string
  default = ""
}

variable "vcenter_password" {
  type      = string
  default   = ""
  sensitive = true
}

variable "vcenter_insecure" {
  type    = bool
  default = false
}

variable "vsphere_datacenter" {
  type    = string
  default = ""
}

variable "vsphere_cluster" {
  type    = string
  default = ""
}

variable "vsphere_datastore" {
  type    = string
  default = ""
}

variable "vsphere_network" {
  type    = string
  default = "VM Network"
}

variable "vsphere_folder" {
  type    = string
  default = ""
}

variable "vsphere_iso_path" {
  type        = string
  description = "The netinst ISO on a datastore: [datastore1] iso/debian-12-amd64-netinst.iso"
  default     = "[datastore1] iso/debian-12-amd64-netinst.iso"
}

# --- AWS -----------------------------------------------------------------------------------
variable "aws_region" {
  type    = string
  default = "eu-central-1"
}

variable "aws_instance_type" {
  type    = string
  default = "m6i.large"
}

variable "aws_kms_key_id" {
  type        = string
  description = "KMS key for the encrypted volumes and AMI (empty: the account's default EBS key)"
  default     = ""
}

variable "aws_ami_regions" {
  type    = list(string)
  default = []
}

variable "aws_set_imds_v2_only" {
  type        = bool
  description = "After the build, mark the AMI IMDSv2-only (aws ec2 modify-image-attribute --imds-support v2.0)"
  default     = true
}
