#!/usr/bin/env bash
# Makes the root filesystem of a stand-in for the official `python:3.13-slim-trixie` image (there is no
# container registry here), as a tar file `docker import` takes: Debian trixie (debootstrap, minbase) with
# Debian's CPython 3.13, venv, pip and the CPython headers, `python`/`python3`/`pip` in /usr/local/bin where the
# official image has them, no EXTERNALLY-MANAGED marker (the official image has none), and the apt sources the
# official image has (trixie, trixie-updates, trixie-security as deb822) and its apt settings (no caches or
# translations in layers); plus the CAs this machine adds to
# Debian's (see below).
#   standin.sh <out.tar>
# Needs root and debootstrap; fetches from Debian's archive. Writes <out.tar> only when everything worked.
set -euo pipefail
out=$1
root=$(mktemp -d "${out}.root.XXXXXX")
cleanup() {
  for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root" "${out}.part"
}
trap cleanup EXIT

debootstrap --variant=minbase \
  --include=python3.13,python3.13-venv,python3-pip,python3.13-dev,ca-certificates \
  trixie "$root" http://deb.debian.org/debian >"${out}.log" 2>&1 || {
  echo "standin.sh: debootstrap failed; the last lines of ${out}.log:" >&2
  tail -n 20 "${out}.log" >&2
  exit 1
}
for m in proc sys dev/pts dev; do umount -l "$root/$m" 2>/dev/null || true; done

for name in python python3 python3.13; do ln -sf /usr/bin/python3.13 "$root/usr/local/bin/$name"; done
for name in pip pip3; do ln -sf /usr/bin/pip3 "$root/usr/local/bin/$name"; done
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
# CAs this machine trusts beyond Debian's (a TLS-inspecting egress proxy, a company CA): a build here reaches
# PyPI through them, so the stand-in trusts them too (uv is pointed at the system bundle by SSL_CERT_FILE).
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
# What Debian's official images set for apt: no package caches left in layers, no translations.
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# The official image is rebuilt when Debian publishes fixes; the stand-in takes them now, so the Dockerfile's own
# `apt-get upgrade` has as little to do here as it has on a fresh official image.
chroot "$root" apt-get update -qq >>"${out}.log" 2>&1
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade >>"${out}.log" 2>&1
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/proc/* "$root"/sys/* "$root"/dev/*
tar --numeric-owner -C "$root" -cf "${out}.part" .
mv "${out}.part" "$out"
