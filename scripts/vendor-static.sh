#!/usr/bin/env bash
# Copy front-end libraries from their npm packages into the project (no build step).
#   scripts/vendor-static.sh          Leaflet and Leaflet.markercluster into balai/static/vendor (committed)
#   scripts/vendor-static.sh --test   also axe-core into .cache/vendor for the accessibility tests
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET_VERSION=1.9.4
MARKERCLUSTER_VERSION=1.5.3
AXE_VERSION=4.11.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME VERSION → extracted into $tmp/NAME/package
  mkdir -p "$tmp/$1"
  (cd "$tmp/$1" && npm pack --silent "$1@$2" >/dev/null && tar -xzf ./*.tgz)
}

if [ ! -f balai/static/vendor/leaflet/leaflet.js ]; then
  fetch leaflet "$LEAFLET_VERSION"
  mkdir -p balai/static/vendor/leaflet/images
  cp "$tmp/leaflet/package/dist/leaflet.js" "$tmp/leaflet/package/dist/leaflet.css" "$tmp/leaflet/package/LICENSE" balai/static/vendor/leaflet/
  cp "$tmp/leaflet/package/dist/images/"*.png balai/static/vendor/leaflet/images/
  # The source map is not shipped; drop its reference so hashed static files can be built.
  sed -i "/sourceMappingURL/d" balai/static/vendor/leaflet/leaflet.js
  echo "leaflet $LEAFLET_VERSION copied"
fi
if [ ! -f balai/static/vendor/leaflet.markercluster/leaflet.markercluster.js ]; then
  fetch leaflet.markercluster "$MARKERCLUSTER_VERSION"
  src="$tmp/leaflet.markercluster/package"
  mkdir -p balai/static/vendor/leaflet.markercluster
  install -m 644 "$src/dist/leaflet.markercluster.js" "$src/dist/MarkerCluster.css" \
    "$src/dist/MarkerCluster.Default.css" balai/static/vendor/leaflet.markercluster/
  install -m 644 "$src/MIT-LICENCE.txt" balai/static/vendor/leaflet.markercluster/LICENSE
  sed -i "/sourceMappingURL/d" balai/static/vendor/leaflet.markercluster/leaflet.markercluster.js
  echo "leaflet.markercluster $MARKERCLUSTER_VERSION copied"
fi
if [ "${1:-}" = "--test" ] && [ ! -f .cache/vendor/axe.min.js ]; then
  fetch axe-core "$AXE_VERSION"
  mkdir -p .cache/vendor
  cp "$tmp/axe-core/package/axe.min.js" .cache/vendor/axe.min.js
  echo "axe-core $AXE_VERSION copied"
fi
