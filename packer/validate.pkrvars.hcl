# Placeholder values for `packer validate` only (CI, offline): nothing here is contacted.
# Real builds pass their own values (PKR_VAR_* environment variables or -var-file).
vcenter_server     = "vcenter.invalid"
vcenter_username   = "validate@vsphere.invalid"
vcenter_password   = "not-a-password"
vsphere_datacenter = "dc"
vsphere_cluster    = "cluster"
vsphere_datastore  = "datastore1"
iso_checksum       = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
