# Telltale first-boot settings: readers for OVF environments, cloud-init user-data and
# NoCloud meta-data, all producing the same normalized "key=value" lines on stdout:
#
#   hostname  ip  netmask  gateway  dns  domain  ntp  admin_password  ssh_authorized_key
#   public_host
#
# ip may carry a prefix (10.0.0.5/24) or come with netmask; dns and ntp are lists separated
# by commas or spaces; ssh_authorized_key may repeat. Sourced by firstboot and by the tests
# (appliance/tests/test-firstboot.sh); POSIX sh plus awk and sed, no other dependency.

TT_KEYS="hostname ip netmask gateway dns domain ntp admin_password ssh_authorized_key public_host"

# Keeps only known keys with a non-empty value, each value on one line.
tt_filter() {
  awk -v keys="$TT_KEYS" '
    BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) ok[k[i]] = 1 }
    {
      i = index($0, "="); if (i < 2) next
      key = substr($0, 1, i - 1); val = substr($0, i + 1)
      gsub(/^[ \t]+|[ \t\r]+$/, "", key); gsub(/^[ \t]+|[ \t\r]+$/, "", val)
      gsub(/-/, "_", key); key = tolower(key)
      sub(/^telltale[._]/, "", key); sub(/^guestinfo[._]telltale[._]/, "", key)
      if (key in ok && val != "") print key "=" val
    }'
}

# OVF environment XML (vSphere guestinfo.ovfEnv or an ovf-env.xml) on stdin:
# every <Property oe:key="K" oe:value="V"/> of the PropertySection, XML entities decoded.
tt_parse_ovfenv() {
  tr '\n' ' ' | sed 's/<\([A-Za-z]*:\)\{0,1\}Property[ \t]/\n&/g' | awk '
    function attr(s, name,   re, m) {
      re = "[A-Za-z]*:?" name "=\"[^\"]*\""
      if (match(s, re)) { m = substr(s, RSTART, RLENGTH); sub(/^[^"]*"/, "", m); sub(/"$/, "", m); return m }
      re = "[A-Za-z]*:?" name "=\047[^\047]*\047"
      if (match(s, re)) { m = substr(s, RSTART, RLENGTH); sub(/^[^\047]*\047/, "", m); sub(/\047$/, "", m); return m }
      return ""
    }
    function unxml(v) {
      gsub(/&lt;/, "<", v); gsub(/&gt;/, ">", v); gsub(/&quot;/, "\"", v); gsub(/&apos;/, "\047", v)
      gsub(/&#10;|&#xA;|&#xa;/, " ", v); gsub(/&amp;/, "\\&", v); return v
    }
    /^<([A-Za-z]*:)?Property[ \t]/ {
      end = index($0, ">"); tag = substr($0, 1, end)
      k = attr(tag, "key"); if (k == "") next
      print k "=" unxml(attr(tag, "value"))
    }' | tt_filter
}

# User-data on stdin. Either plain "key=value" lines (optionally headed "#telltale-config"),
# or "#cloud-config" YAML of which these parts are read: hostname, fqdn, ssh_authorized_keys
# (list), ntp.servers / ntp.pools (lists), and a "telltale:" mapping of the keys above
# (scalars, or lists for dns and ntp).
tt_parse_userdata() {
  awk '
    function unq(v) {
      gsub(/^[ \t]+|[ \t\r]+$/, "", v)
      if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v) }
      else if (v ~ /^\047.*\047$/) { v = substr(v, 2, length(v) - 2); gsub(/\047\047/, "\047", v) }
      else sub(/[ \t]+#.*$/, "", v)
      return v
    }
    function flow(v,   n, a, i, out) {   # [a, b] -> a,b
      v = unq(v)
      if (v ~ /^\[.*\]$/) {
        v = substr(v, 2, length(v) - 2); n = split(v, a, ","); out = ""
        for (i = 1; i <= n; i++) out = out (i > 1 ? "," : "") unq(a[i])
        return out
      }
      return v
    }
    function emit(k, v) { if (v != "") print k "=" v }
    NR == 1 && /^#cloud-config/ { yaml = 1; next }
    !yaml {
      if ($0 ~ /^[ \t]*#/ || $0 ~ /^[ \t]*$/) next
      print; next
    }
    /^[ \t]*#/ || /^[ \t]*$/ { next }
    {
      line = $0; match(line, /^[ ]*/); ind = RLENGTH; body = substr(line, ind + 1)
      if (ind == 0) {
        top = ""; sub2 = ""
        if (match(body, /^[A-Za-z0-9_.-]+:/)) {
          top = substr(body, 1, RLENGTH - 1); val = substr(body, RLENGTH + 1)
          if (top == "hostname" || top == "fqdn") emit("hostname", unq(val))
          if (top == "ssh_authorized_keys" && unq(val) != "") { n = split(flow(val), a, ","); for (i = 1; i <= n; i++) emit("ssh_authorized_key", a[i]) }
        }
        next
      }
      if (body ~ /^- /) {
        item = unq(substr(body, 3))
        if (top == "ssh_authorized_keys") emit("ssh_authorized_key", item)
        else if (top == "ntp" && (sub2 == "servers" || sub2 == "pools")) emit("ntp", item)
        else if (top == "telltale" && sub2 != "") emit(sub2, item)
        next
      }
      if (match(body, /^[A-Za-z0-9_.-]+:/)) {
        sub2 = substr(body, 1, RLENGTH - 1); val = substr(body, RLENGTH + 1)
        if (top == "telltale" && unq(val) != "") emit(sub2, flow(val))
        else if (top == "ntp" && (sub2 == "servers" || sub2 == "pools") && unq(val) != "") emit("ntp", flow(val))
      }
    }' | tt_filter
}

# NoCloud meta-data (YAML or key=value): local-hostname becomes hostname.
tt_parse_metadata() {
  sed -n 's/^[ \t]*local-hostname[ \t]*[:=][ \t]*//p' | sed 's/^["\047]//; s/["\047][ \t]*$//; s/\r$//' \
    | awk 'NF { print "hostname=" $0; exit }' | tt_filter
}

# The last value of KEY in a settings file (earlier sources are overridden by later lines).
tt_get() {
  awk -v k="$1" 'index($0, k "=") == 1 { v = substr($0, length(k) + 2) } END { if (v != "") print v }' "$2"
}

# All values of KEY in a settings file, one a line, lists split on commas and spaces.
tt_list() {
  awk -v k="$1" 'index($0, k "=") == 1 { v = substr($0, length(k) + 2); n = split(v, a, /[, ]+/); for (i = 1; i <= n; i++) if (a[i] != "") print a[i] }' "$2"
}

# Dotted netmask to prefix length (255.255.255.0 -> 24); a number stays itself.
tt_prefix() {
  case "$1" in
    *.*) echo "$1" | awk -F. '{ n = 0; for (i = 1; i <= 4; i++) { b = $i + 0; while (b > 0) { n += b % 2; b = int(b / 2) } } print n }' ;;
    *) echo "${1:-24}" ;;
  esac
}

# A systemd EnvironmentFile value in double quotes (backslash, quote, dollar, backtick escaped).
tt_envquote() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"$`]/\\&/g')"
}

tt_valid_hostname() {
  printf '%s' "$1" | grep -Eq '^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$' \
    && [ "${#1}" -le 253 ]
}

tt_valid_ipv4() {
  printf '%s' "$1" | awk -F. 'NF == 4 { for (i = 1; i <= 4; i++) if ($i !~ /^[0-9]+$/ || $i > 255) exit 1; ok = 1 } END { exit !ok }'
}
