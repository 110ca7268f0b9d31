# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A private apt configuration for reaching newer Debian suites (see
# KTLS_PH_KSRC_SUITES in scripts/kernel.conf) without touching the system's
# apt setup and without naming any registry host: the mirror URI is read
# from this machine's own Debian sources. Source this file, then use
# "${APT_OPTS[@]}" with apt-get/apt-cache after ktls_ph_apt_update.

ktls_ph_mirror_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# First stanza whose Suites are not a -security suite.
		uri=$(awk '
			/^[[:space:]]*$/ { if (u != "" && s !~ /security/) { print u; exit } u = ""; s = "" }
			/^URIs:/ { u = $2 }
			/^Suites:/ { s = $0 }
			END { if (u != "" && s !~ /security/) print u }' "$f" | head -n1)
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		uri=$(awk '$1 == "deb" && $0 !~ /security/ {
			for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "$uri"; return 0; }
	done
	return 1
}

KTLS_PH_APT_DIR="$KTLS_PH_CACHE/apt"
APT_OPTS=(
	-o "Dir::Etc::SourceList=$KTLS_PH_APT_DIR/sources.list"
	-o "Dir::Etc::SourceParts=$KTLS_PH_APT_DIR/parts"
	-o "Dir::State::Lists=$KTLS_PH_APT_DIR/lists"
	-o "Dir::Cache=$KTLS_PH_APT_DIR/cache"
	-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
	-o "APT::Architectures::=amd64"
	-o "Acquire::Languages=none"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root"
)

# Refresh the private index when older than a day. Returns non-zero when it
# cannot be refreshed (callers may still use what an earlier run fetched).
ktls_ph_apt_update() {
	local uri keyring=/usr/share/keyrings/debian-archive-keyring.gpg s
	local stamp="$KTLS_PH_APT_DIR/updated"

	mkdir -p "$KTLS_PH_APT_DIR/lists/partial" \
		"$KTLS_PH_APT_DIR/cache/archives/partial" "$KTLS_PH_APT_DIR/parts"
	uri=$(ktls_ph_mirror_uri) || {
		echo "no Debian mirror URI found in /etc/apt/sources*" >&2
		return 1
	}
	: > "$KTLS_PH_APT_DIR/sources.list.new"
	for s in $KTLS_PH_KSRC_SUITES; do
		echo "deb [signed-by=$keyring] $uri $s main" >> "$KTLS_PH_APT_DIR/sources.list.new"
		echo "deb-src [signed-by=$keyring] $uri $s main" >> "$KTLS_PH_APT_DIR/sources.list.new"
	done
	if ! cmp -s "$KTLS_PH_APT_DIR/sources.list.new" "$KTLS_PH_APT_DIR/sources.list"; then
		mv "$KTLS_PH_APT_DIR/sources.list.new" "$KTLS_PH_APT_DIR/sources.list"
		rm -f "$stamp"
	fi
	if [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +1440)" ]; then
		return 0
	fi
	echo "updating private package index for: $KTLS_PH_KSRC_SUITES" >&2
	apt-get "${APT_OPTS[@]}" -q update >&2 || return 1
	touch "$stamp"
}
